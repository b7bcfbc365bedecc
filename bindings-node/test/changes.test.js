'use strict'
// The change feed (DOMAIN.md "Change feed"): `book.changes({ cursor, limit })` and its
// Promise form, as bindings-python/tests/test_changes.py checks it in Python.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { ContactBook } = require('contactkit')
const { T0, fresh, throwsCode } = require('./support/book')
const { serverUrl, freshSchema } = require('./support/server')

const ops = (page) => page.items.map((c) => [c.op, c.contactId])

function tempFile(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactkit-changes-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  return path.join(dir, 'contacts.db')
}

test('an empty book has an empty feed with a cursor', () => {
  const book = fresh()
  const page = book.changes()
  assert.deepEqual(page.items, [])
  assert.equal(typeof page.nextCursor, 'string')
  assert.ok(page.nextCursor)
  assert.deepEqual(book.changes({ cursor: page.nextCursor }), page)
  assert.deepEqual(book.changes({}), page)
  assert.deepEqual(book.changes(null), page)
})

test('each operation appends its change', () => {
  const book = fresh()
  book.defineCategory('Weekly news')
  const ann = book.create({ email: 'ann@example.com' })
  book.update(ann.id, { firstName: 'Ann' })
  book.unsubscribe(ann.id, 'email')
  book.recordEvent(ann.id, { name: 'viewed' })
  throwsCode(() => book.create({ email: 'ann@example.com' }), 'CONFLICT', 'email')
  book.delete(ann.id)
  book.restore(ann.id)
  const page = book.changes()
  assert.deepEqual(ops(page), [
    ['catalog', null],
    ['created', ann.id],
    ['updated', ann.id],
    ['consent', ann.id],
    ['activity', ann.id],
    ['deleted', ann.id],
    ['restored', ann.id],
  ])
  assert.deepEqual(
    page.items.map((c) => c.seq),
    [1, 2, 3, 4, 5, 6, 7],
  )
  assert.ok(page.items.every((c) => c.fromId === null))
  assert.equal(page.nextCursor, '7')
})

test('a change is a plain object: seq a number, at a Date', () => {
  const book = fresh()
  const ann = book.create({ email: 'ann@example.com' })
  const [change] = book.changes().items
  assert.deepEqual(Object.keys(change).sort(), ['at', 'contactId', 'fromId', 'op', 'seq'])
  assert.equal(typeof change.seq, 'number')
  assert.ok(change.at instanceof Date)
  assert.equal(change.at.getTime(), T0.getTime())
  assert.deepEqual(change, { seq: 1, at: T0, op: 'created', contactId: ann.id, fromId: null })
  assert.deepEqual(Object.keys(book.changes()).sort(), ['items', 'nextCursor'])
})

test('pages follow the cursor and the limit', () => {
  const book = fresh()
  const ids = Array.from({ length: 7 }, (_, i) => book.create({ email: `c${i}@example.com` }).id)
  const seen = []
  const sizes = []
  let cursor
  for (;;) {
    const page = book.changes({ cursor, limit: 3 })
    if (page.items.length === 0) break
    sizes.push(page.items.length)
    seen.push(...page.items.map((c) => c.contactId))
    cursor = page.nextCursor
  }
  assert.deepEqual(seen, ids)
  assert.deepEqual(sizes, [3, 3, 1])
  assert.equal(book.changes({ limit: 2 }).items.length, 2)
  assert.deepEqual(
    book.changes({ cursor: '5' }).items.map((c) => c.seq),
    [6, 7],
  )
  assert.equal(book.changes().items.length, 7)
})

test('an empty page keeps the cursor and later changes show up', () => {
  const book = fresh()
  book.create({ email: 'ann@example.com' })
  const end = book.changes().nextCursor
  const empty = book.changes({ cursor: end })
  assert.deepEqual(empty.items, [])
  assert.equal(empty.nextCursor, end)
  const bob = book.create({ email: 'bob@example.com' })
  assert.deepEqual(ops(book.changes({ cursor: empty.nextCursor })), [['created', bob.id]])
})

test('an import appends one change per row it wrote', async () => {
  const book = fresh()
  const ann = book.create({ email: 'ann@example.com' })
  const cursor = book.changes().nextCursor
  const report = await book.importContacts([
    { email: 'ann@example.com', lastName: 'Lee' },
    { email: 'bob@example.com' },
    { email: 'bad' },
  ])
  assert.deepEqual([report.created, report.updated, report.rejected.length], [1, 1, 1])
  const bob = book.findByEmail('bob@example.com')
  assert.deepEqual(ops(book.changes({ cursor })), [
    ['updated', ann.id],
    ['created', bob.id],
  ])
})

test('a cursor the book did not give is a validation error on cursor', () => {
  const book = fresh()
  book.create({ email: 'ann@example.com' })
  for (const cursor of ['99', 'not-a-cursor', '', '-1', '1.5', 'é', '\ud800']) {
    throwsCode(() => book.changes({ cursor }), 'VALIDATION', 'cursor')
  }
  const error = throwsCode(() => fresh().changes({ cursor: '99' }), 'VALIDATION', 'cursor')
  assert.equal(error.value, '99')
  throwsCode(() => book.changes({ cursor: 5 }), 'VALIDATION', 'cursor')
})

test('a limit out of range is a validation error on limit', () => {
  const book = fresh()
  for (const limit of [0, 1001, -1, 1.5, 2 ** 40]) {
    throwsCode(() => book.changes({ limit }), 'VALIDATION', 'limit')
  }
  throwsCode(() => book.changes({ limit: '5' }), 'VALIDATION', 'limit')
})

test('an unknown key of the query is a validation error naming it', () => {
  const book = fresh()
  throwsCode(() => book.changes({ after: '0' }), 'VALIDATION', 'after')
  throwsCode(() => book.changes('0'), 'VALIDATION', 'query')
})

test('the Promise form resolves as the method returns and rejects as it throws', async () => {
  const book = fresh()
  const ann = await book.promises.create({ email: 'ann@example.com' })
  assert.deepEqual(await book.promises.changes(), book.changes())
  assert.deepEqual(await book.promises.changes({ cursor: '0', limit: 1 }), {
    items: [{ seq: 1, at: T0, op: 'created', contactId: ann.id, fromId: null }],
    nextCursor: '1',
  })
  await assert.rejects(book.promises.changes({ cursor: 'junk' }), { code: 'VALIDATION', field: 'cursor' })
  await assert.rejects(book.promises.changes({ limit: 0 }), { code: 'VALIDATION', field: 'limit' })
  book.close()
  await assert.rejects(book.promises.changes(), { code: 'STORAGE' })
})

test('a reopened SQLite book keeps its feed', (t) => {
  const file = tempFile(t)
  let book = ContactBook.open(file)
  const ann = book.create({ email: 'ann@example.com' })
  book.update(ann.id, { firstName: 'Ann' })
  const before = book.changes()
  book.close()
  book = ContactBook.open(file)
  assert.deepEqual(book.changes(), before)
  assert.deepEqual(book.changes({ cursor: before.nextCursor }).items, [])
  const bob = book.create({ email: 'bob@example.com' })
  assert.deepEqual(
    book.changes({ cursor: before.nextCursor }).items.map((c) => [c.seq, c.op, c.contactId]),
    [[3, 'created', bob.id]],
  )
  book.close()
})

test('a PostgreSQL book has the feed too', async (t) => {
  const schema = await freshSchema(t)
  let book = ContactBook.connect(serverUrl(), { schema })
  const ann = await book.promises.create({ email: 'ann@example.com' })
  await book.promises.delete(ann.id)
  book.close()
  book = ContactBook.connect(serverUrl(), { schema })
  assert.deepEqual(ops(await book.promises.changes()), [
    ['created', ann.id],
    ['deleted', ann.id],
  ])
  await assert.rejects(book.promises.changes({ cursor: 'junk' }), { code: 'VALIDATION', field: 'cursor' })
  book.close()
})

test('a reader following writers on the thread pool sees every change once, in order', async (t) => {
  const book = ContactBook.open(tempFile(t))
  const writers = 4
  const perWriter = 25
  let done = false
  const seen = []
  const follow = async () => {
    let cursor
    for (;;) {
      const finished = done
      const page = await book.promises.changes({ cursor, limit: 7 })
      seen.push(...page.items)
      cursor = page.nextCursor
      if (finished && page.items.length === 0) return
    }
  }
  const write = async (n) => {
    for (let i = 0; i < perWriter; i++) await book.promises.create({ email: `w${n}-${i}@example.com` })
  }
  const reader = follow()
  await Promise.all(Array.from({ length: writers }, (_, n) => write(n)))
  done = true
  await reader
  const total = writers * perWriter
  assert.deepEqual(
    seen.map((c) => c.seq),
    Array.from({ length: total }, (_, i) => i + 1),
  )
  assert.ok(seen.every((c) => c.op === 'created'))
  assert.equal(new Set(seen.map((c) => c.contactId)).size, total)
  book.close()
})
