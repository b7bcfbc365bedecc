'use strict'
// book.promises: every operation as a Promise, run on the libuv thread pool.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { ContactBook } = require('contactkit')

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactkit-'))
  const book = ContactBook.open(path.join(dir, 'contacts.db'))
  const contacts = book.promises

  // Same names, parameters and answers as the synchronous methods.
  const ann = await contacts.upsert({ email: 'ann@example.com', firstName: 'Ann' }, { dedupeOn: 'email' })
  // Independent calls may run at once; await one before a call that depends on it.
  const [decision, count] = await Promise.all([contacts.canSend(ann.id, 'email'), contacts.count()])
  console.log(ann.email, decision.allowed, decision.reason, count)

  // Every failure is a rejection with the error the synchronous method throws.
  try {
    await contacts.create({ email: 'ann@example.com' })
  } catch (error) {
    console.log(error.code, error.field, error.existingId === ann.id)
  }
  try {
    await contacts.create({ email: 'not-an-email' }) // bad input too: rejected, never thrown
  } catch (error) {
    console.log(error.code, error.field)
  }

  book.close()
  await contacts.count().catch((error) => console.log(error.code, error.reason))
  fs.rmSync(dir, { recursive: true, force: true })
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
