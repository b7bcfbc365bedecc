'use strict'
// importContacts: runs on the libuv thread pool, returns a Promise of the report,
// calls onProgress after every batch, and never holds the event loop.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { performance } = require('node:perf_hooks')
const { ContactBook } = require('contactkit')

const rowsOf = (n, prefix = 'user') =>
  Array.from({ length: n }, (_, i) => ({
    email: `${prefix}${i}@example.com`,
    firstName: 'Olena',
    lastName: 'Koval',
    phone: `+38067${String(1000000 + i).padStart(7, '0')}`,
    externalId: `${prefix}-${i}`,
  }))

test('a 100k import runs off the main thread: timers keep firing and the book stays usable', async () => {
  const book = ContactBook.inMemory()
  const rows = rowsOf(100_000)
  const progress = []
  let ticks = 0
  let seenDuring = null
  let longestGap = 0
  let last = performance.now()
  const timer = setInterval(() => {
    const now = performance.now()
    longestGap = Math.max(longestGap, now - last)
    last = now
    ticks += 1
    // A synchronous call on the same book while the import runs (it waits at most
    // for the batch being written).
    if (ticks === 20) seenDuring = book.count()
  }, 10)
  const started = performance.now()
  const pending = book.importContacts(rows, { dedupeOn: 'email', onProgress: (done) => progress.push(done) })
  assert.ok(pending instanceof Promise, 'importContacts returns a Promise')
  const report = await pending
  const elapsed = performance.now() - started
  clearInterval(timer)

  assert.equal(report.created, 100_000)
  assert.equal(report.updated, 0)
  assert.deepEqual(report.rejected, [])
  assert.equal(book.count(), 100_000)
  // One progress call per batch of 4000, in order, all before the promise settled.
  assert.equal(progress.length, 25)
  assert.deepEqual(progress, Array.from({ length: 25 }, (_, i) => (i + 1) * 4000))
  // The event loop kept turning: a 10 ms timer fired all along the import.
  assert.ok(elapsed > 100, `the import took ${elapsed.toFixed(0)} ms`)
  assert.ok(ticks >= Math.floor(elapsed / 10 / 4), `${ticks} ticks in ${elapsed.toFixed(0)} ms`)
  assert.ok(seenDuring !== null && seenDuring < 100_000, `count() during the import: ${seenDuring}`)
  // A blocking import would stall it for the whole import; allow for a busy machine.
  const allowed = Math.max(500, elapsed / 5)
  assert.ok(longestGap < allowed, `the event loop stalled for ${longestGap.toFixed(0)} ms of ${elapsed.toFixed(0)}`)
})

test('the report counts created, updated and rejected rows with 0-based indexes and camelCase fields', async () => {
  const book = ContactBook.inMemory({ defaultRegion: 'UA' })
  book.create({ email: 'existing@example.com' })
  const report = await book.importContacts(
    [
      { email: 'new@example.com', phone: '067 123 4567' },
      { email: 'not-an-email' },
      { email: 'existing@example.com', lastName: 'Shevchenko' },
      { email: 'nan@example.com', location: { latitude: NaN, longitude: 0 } },
      { email: 'snake@example.com', first_name: 'Snake' },
      42,
      { email: 'dev@example.com', mobilePush: [{ appId: 'app', deviceId: 'd1', platform: 'windows' }] },
    ],
    { dedupeOn: 'email' },
  )
  assert.equal(report.created, 1)
  assert.equal(report.updated, 1)
  assert.deepEqual(
    report.rejected.map(({ index, field }) => ({ index, field })),
    [
      { index: 1, field: 'email' },
      { index: 3, field: 'location.latitude' },
      { index: 4, field: 'firstName' },
      { index: 5, field: null },
      { index: 6, field: 'mobilePush[0].platform' },
    ],
  )
  for (const row of report.rejected) assert.equal(typeof row.reason, 'string')
  assert.equal(book.findByEmail('existing@example.com').lastName, 'Shevchenko')
  assert.equal(book.findByEmail('existing@example.com').source, 'api')
  assert.equal(book.findByEmail('new@example.com').source, 'import')
  assert.equal(book.findByEmail('snake@example.com'), null)
})

test('an empty import resolves with an empty report and no progress', async () => {
  const book = ContactBook.inMemory()
  let calls = 0
  const report = await book.importContacts([], { onProgress: () => (calls += 1) })
  assert.deepEqual(report, { created: 0, updated: 0, withoutKey: 0, rejected: [], dropped: [], ids: [] })
  assert.equal(calls, 0)
})

test('bad arguments throw VALIDATION errors naming the option', () => {
  const book = ContactBook.inMemory()
  const check = (call, field) =>
    assert.throws(call, (e) => e instanceof Error && e.code === 'VALIDATION' && e.field === field)
  check(() => book.importContacts('rows'), 'rows')
  check(() => book.importContacts([], { dedupeOn: 'fax' }), 'dedupeOn')
  check(() => book.importContacts([], { onProgress: 'often' }), 'onProgress')
  check(() => book.importContacts([], { batch: 10 }), 'batch')
  check(() => book.importContacts([], { onInvalid: 'skip' }), 'onInvalid')
  check(() => book.importContacts([], { keepIds: 'yes' }), 'keepIds')
  check(() => book.importContacts([], 'email'), 'options')
})

test('an exception thrown by onProgress after batch k stops the import there: exactly k batches are written, and it rejects with that exception', async () => {
  for (const k of [1, 2]) {
    const book = ContactBook.inMemory()
    const boom = new Error(`stop after batch ${k}`)
    const seen = []
    await assert.rejects(
      book.importContacts(rowsOf(14_000), {
        onProgress: (done) => {
          seen.push(done)
          if (seen.length === k) throw boom
        },
      }),
      (e) => e === boom,
    )
    // onProgress is not called again once it threw, and the batches it was told of
    // are exactly the batches written.
    assert.deepEqual(seen, Array.from({ length: k }, (_, i) => (i + 1) * 4000))
    assert.equal(book.count(), k * 4000)
  }
})

test('a getter that throws while the rows are read rejects the import with its exception', async () => {
  const book = ContactBook.inMemory()
  const rows = rowsOf(5500)
  const failure = new TypeError('no email today')
  Object.defineProperty(rows[5200], 'email', {
    enumerable: true,
    get() {
      throw failure
    },
  })
  await assert.rejects(book.importContacts(rows), (e) => e === failure)
  // The first batch (4000 rows) was read whole and written; the second never began.
  assert.equal(book.count(), 4000)
})

test('closing the book lets a running import finish; later calls throw STORAGE', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactkit-node-'))
  const file = path.join(dir, 'book.db')
  try {
    const book = ContactBook.open(file)
    const pending = book.importContacts(rowsOf(5000))
    book.close()
    assert.equal(book.closed, true)
    assert.throws(() => book.count(), (e) => e.code === 'STORAGE')
    assert.throws(() => book.importContacts([]), (e) => e.code === 'STORAGE')
    const report = await pending
    assert.equal(report.created, 5000)

    const reopened = ContactBook.open(file)
    assert.equal(reopened.count(), 5000)
    assert.equal(reopened.findByExternalId('user-4999').email, 'user4999@example.com')
    // Imported again: every row updates the contact it matches.
    const again = await reopened.importContacts(rowsOf(5000), { dedupeOn: 'external_id' })
    assert.equal(again.created, 0)
    assert.equal(again.updated, 5000)
    assert.deepEqual([again.withoutKey, again.rejected, again.dropped], [0, [], []])
    assert.equal(again.ids.length, 5000)
    assert.equal(again.ids[4999], reopened.findByExternalId('user-4999').id)
    reopened.close()
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
