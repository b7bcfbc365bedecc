'use strict'
// Lets `node -r ./test/support/ts-register.js file.ts` run a TypeScript example:
// types are stripped with the pinned compiler (type checking is `tsc --noEmit`).
const fs = require('node:fs')
const ts = require('typescript')

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    fileName: filename,
  })
  module._compile(outputText, filename)
}
