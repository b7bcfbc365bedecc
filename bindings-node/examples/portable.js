'use strict'
// A whole book as JSON lines (the portable form) and back: the catalogue first, then
// one profile line per live contact, each a plain object with the core's own keys.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { ContactBook } = require('contactkit')

const book = ContactBook.inMemory()
const news = book.defineCategory('Weekly news')
const ann = book.create({ email: 'ann@example.com', firstName: 'Ann', categories: [news.key] })
book.recordEvent(ann.id, { name: 'signed_up', params: { plan: 'pro' } })
book.unsubscribe(ann.id, 'email', 'too many emails')

// Export: the catalogue lines, then the profile lines a page at a time, one JSON text
// a line (what `contactkit export` writes, and `contactkit import` reads).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactkit-portable-'))
const file = path.join(dir, 'book.jsonl')
const out = fs.openSync(file, 'w')
for (const line of book.exportCatalogLines()) fs.writeSync(out, JSON.stringify(line) + '\n')
let cursor = null
do {
  const page = book.exportProfileLines({ limit: 500, cursor })
  for (const line of page.items) fs.writeSync(out, JSON.stringify(line) + '\n')
  cursor = page.nextCursor
} while (cursor !== null)
fs.closeSync(out)
const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)
console.log(lines[0])
// Keys stay snake_case, times RFC 3339 text: the line is data for a file.
const profile = JSON.parse(lines[1])
console.log(profile.first_name, profile.email_status, typeof profile.created_at, new Date(profile.created_at).getTime() === ann.createdAt.getTime())

// Restore into another book, a line at a time; each profile line is one unit of work.
const copy = ContactBook.inMemory()
for (const text of lines) {
  const restored = copy.restoreLine(JSON.parse(text))
  console.log(restored.kind, restored.contactId === null ? '-' : restored.contactId === ann.id, restored.created)
}
console.log(copy.get(ann.id).emailStatus, copy.activity(ann.id).items[0].name, copy.canSend(ann.id, 'email').reason)

// Restoring again adds nothing; a broken line writes nothing and names its part.
console.log(lines.map((text) => copy.restoreLine(JSON.parse(text)).created).join(' '), copy.activity(ann.id).items.length)
const broken = JSON.parse(lines[1])
broken.activity[0].name = ''
try {
  copy.restoreLine(broken)
} catch (error) {
  console.log(error.code, error.field)
}
fs.rmSync(dir, { recursive: true, force: true })
