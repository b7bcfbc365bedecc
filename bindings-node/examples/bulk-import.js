'use strict'
const { ContactBook } = require('contactkit')

async function main() {
  const book = ContactBook.inMemory()
  // Any array of plain objects: rows from a CSV parser, an API, a queue message...
  const rows = Array.from({ length: 5000 }, (_, i) => ({
    email: `user${i}@example.com`,
    firstName: 'Olena',
    externalId: `crm-${i}`,
  }))
  rows[7].email = 'not-an-email'
  rows[42].firstName = 'Agent 0070'

  // Runs on the libuv thread pool: the event loop keeps serving requests meanwhile.
  const report = await book.importContacts(rows, {
    dedupeOn: 'email',
    onProgress: (done) => console.log(`imported ${done} of ${rows.length}`),
  })
  console.log(`created ${report.created}, updated ${report.updated}, rejected ${report.rejected.length}`)
  for (const { index, field, reason } of report.rejected) {
    console.log(`row ${index} (${field}): ${reason}`)
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
