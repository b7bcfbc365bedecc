'use strict'
// Moving an audience in from another tool: consent states and dates in the rows, bad
// values left out and named, a suppression list, setup that may run again.
const { ContactBook } = require('contactkit')

async function main() {
  const book = ContactBook.inMemory()
  // Setup that may run again: the category or segment already there is returned.
  const news = book.defineCategory('Weekly news', { ifExists: 'return' })
  book.createSegment('VIP', { ifExists: 'return' })

  // An export's rows: consent states with their dates, and the odd bad value.
  const rows = [
    { email: 'ann@example.com', timezone: 'Europe/Kyiv', categories: [news.key], segments: ['VIP'] },
    { email: 'bob@example.com', emailStatus: 'unsubscribed', emailStatusAt: '2024-02-20 04:42:48', emailStatusReason: 'too many emails' },
    { email: 'cy@example.com', timezone: 'Mars/Olympus', language: 'english' },
    { email: 'not-an-email', firstName: 'Dee' },
  ]
  const report = await book.importContacts(rows, { dedupeOn: 'email', onInvalid: 'drop_field' })
  console.log(`created ${report.created}, dropped ${report.dropped.length}, rejected ${report.rejected.length}`)
  for (const { index, problems } of report.dropped) {
    console.log(`row ${index} kept without ${problems.map((p) => p.field).join(', ')}`)
  }
  console.log(report.ids.map((id) => (id === null ? 'null' : 'id')).join(' '))
  const bob = book.findByEmail('bob@example.com')
  console.log(bob.emailStatus, bob.suppressions[0].at.toISOString())

  // When it happened: a Date, or text read as UTC; never after the book's clock.
  const ann = book.unsubscribe(report.ids[0], 'email', 'moved away', new Date('2025-11-05T10:00:00Z'))
  console.log(ann.suppressions[0].at.toISOString())

  // Another sender's suppression list, row by row.
  const list = await book.importSuppressions([
    { channel: 'email', address: 'gone@example.com', kind: 'blacklisted', reason: 'hard_bounce', at: '2025-01-02 03:04:05' },
    { channel: 'email', address: 'nobody@', kind: 'unsubscribed' },
  ])
  console.log(`recorded ${list.recorded}, rejected row ${list.rejected[0].index} (${list.rejected[0].field})`)
  console.log(book.segmentMembers('VIP').items.length, book.suppressions('email', 'gone@example.com')[0].at.toISOString())
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
