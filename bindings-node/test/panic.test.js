'use strict'
// Every export is catch_unwind: a Rust panic reaches JavaScript as a thrown Error
// and the process (and every open book) carries on.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const path = require('node:path')

const PACKAGE = path.join(__dirname, '..')

test('a Rust panic is a thrown Error, not a crashed process', () => {
  // In a child process, so a regression (an abort) fails this test instead of the run,
  // and the panic message Rust prints on stderr stays out of the test output.
  const script = `
    const { ContactBook, _panicForTest } = require('contactkit')
    const book = ContactBook.inMemory()
    book.create({ email: 'before@example.com' })
    let caught = null
    try { _panicForTest() } catch (error) { caught = error }
    if (!(caught instanceof Error)) throw new Error('no Error was thrown')
    console.log(JSON.stringify({ message: caught.message, count: book.count() }))
    book.create({ email: 'after@example.com' })
    console.log(book.count())
  `
  const child = spawnSync(process.execPath, ['-e', script], {
    cwd: PACKAGE,
    encoding: 'utf8',
    env: { ...process.env, RUST_BACKTRACE: '0' },
  })
  assert.equal(child.signal, null, `the process died: ${child.stderr}`)
  assert.equal(child.status, 0, child.stderr)
  const [first, second] = child.stdout.trim().split('\n')
  const seen = JSON.parse(first)
  assert.match(seen.message, /deliberate panic/)
  assert.equal(seen.count, 1)
  assert.equal(second, '2')
})
