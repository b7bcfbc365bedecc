'use strict'
// Pipelines: importContacts' policies for invalid values (onInvalid), every problem of
// a row, the id of each row, rows without their dedupe key; consent with a date
// (`at`); consent states in import rows; suppression lists (importSuppressions);
// definitions that may exist already (ifExists); segments by name; finders on
// malformed values; hostile rows.

const { test, describe } = require('node:test')
const assert = require('node:assert/strict')
const { T0, fresh, throwsCode } = require('./support/book')

const DAY = 86_400_000

describe('importContacts: onInvalid, problems, ids', () => {
  test("drop_field keeps a row with a bad time zone, leaves the zone out and reports it in dropped", async () => {
    const book = fresh()
    const report = await book.importContacts(
      [
        { email: 'ann@example.com', firstName: 'Ann', timezone: 'Mars/Olympus' },
        { email: 'bob@example.com', timezone: 'Europe/Kyiv' },
      ],
      { dedupeOn: 'email', onInvalid: 'drop_field' },
    )
    assert.equal(report.created, 2)
    assert.deepEqual(report.rejected, [])
    assert.equal(report.dropped.length, 1)
    const [dropped] = report.dropped
    assert.equal(dropped.index, 0)
    const ann = book.findByEmail('ann@example.com')
    assert.equal(dropped.id, ann.id)
    assert.equal(ann.firstName, 'Ann')
    assert.equal(ann.timezone, null)
    assert.deepEqual(
      dropped.problems.map(({ code, field, value }) => ({ code, field, value })),
      [{ code: 'invalid', field: 'timezone', value: 'Mars/Olympus' }],
    )
    assert.equal(typeof dropped.problems[0].reason, 'string')
    assert.equal(book.findByEmail('bob@example.com').timezone, 'Europe/Kyiv')
  })

  test('reject_row (the default) reports every problem of a row and writes nothing of it', async () => {
    const book = fresh()
    const report = await book.importContacts([
      { email: 'ann@example.com', timezone: 'Mars/Olympus', language: 'klingonese', emial: 'typo@example.com' },
    ])
    assert.equal(report.created, 0)
    assert.equal(book.count(), 0)
    assert.equal(report.rejected.length, 1)
    const [row] = report.rejected
    assert.equal(row.index, 0)
    assert.equal(row.problems.length, 3, JSON.stringify(row.problems))
    assert.deepEqual(row.problems.map((p) => p.field).sort(), ['emial', 'language', 'timezone'])
    assert.ok(row.problems.every((p) => p.code === 'invalid'))
    // `field` and `reason` are the first problem's.
    assert.equal(row.field, row.problems[0].field)
    assert.ok(row.reason.includes(row.problems[0].value), row.reason)
    assert.deepEqual(report.ids, [null])
  })

  test("a snake_case key, a lone surrogate and a number past 2^53 are problems of their own part: drop_field writes the rest", async () => {
    const book = fresh()
    book.defineField({ key: 'score', type: 'number' })
    book.defineField({ key: 'note', type: 'text' })
    const row = {
      email: 'cy@example.com',
      first_name: 'Cy',
      lastName: 'Lee',
      fields: { score: 2 ** 60, note: 'bad \ud800 text' },
    }
    const rejected = await book.importContacts([row])
    assert.deepEqual(rejected.rejected[0].problems.map((p) => p.field), ['firstName', 'fields.score', 'fields.note'])
    assert.equal(book.count(), 0)

    const report = await book.importContacts([row], { onInvalid: 'drop_field' })
    assert.equal(report.created, 1)
    assert.deepEqual(report.dropped[0].problems.map((p) => p.field), ['firstName', 'fields.score', 'fields.note'])
    assert.match(report.dropped[0].problems[1].reason, /pass a bigint/)
    const cy = book.findByEmail('cy@example.com')
    assert.deepEqual([cy.firstName, cy.lastName, cy.fields], [null, 'Lee', {}])
  })

  test('drop_field still rejects a row whose dedupe key is refused', async () => {
    const book = fresh()
    const report = await book.importContacts([{ email: 'not-an-email', firstName: 'Dee' }], {
      dedupeOn: 'email',
      onInvalid: 'drop_field',
    })
    assert.equal(report.created, 0)
    assert.deepEqual(report.rejected.map((r) => [r.index, r.field]), [[0, 'email']])
    assert.equal(book.count(), 0)
  })

  test('ids align with the input rows, null for a rejected row; onProgress gets each batch\'s ids', async () => {
    const book = fresh()
    const existing = book.create({ email: 'old@example.com' })
    const seen = []
    const report = await book.importContacts(
      [{ email: 'new@example.com' }, { email: 'bad' }, { email: 'old@example.com', firstName: 'Old' }],
      { onProgress: (done, ids) => seen.push([done, ids]) },
    )
    const created = book.findByEmail('new@example.com')
    assert.deepEqual(report.ids, [created.id, null, existing.id])
    assert.deepEqual(seen, [[3, report.ids]])

    // keepIds: false leaves the report's ids empty; onProgress still has them.
    const batches = []
    const lean = await book.importContacts(
      Array.from({ length: 4500 }, (_, i) => ({ email: `u${i}@example.com` })),
      { keepIds: false, onProgress: (done, ids) => batches.push([done, ids.length, ids[0]]) },
    )
    assert.deepEqual(lean.ids, [])
    assert.deepEqual(
      batches.map(([done, count]) => [done, count]),
      [[4000, 4000], [4500, 500]],
    )
    assert.equal(batches[0][2], book.findByEmail('u0@example.com').id)
    assert.equal(batches[1][2], book.findByEmail('u4000@example.com').id)
  })

  test('a row without its dedupe key imported twice makes one contact (withoutKey counts it)', async () => {
    const book = fresh()
    const rows = [{ firstName: 'Nameless', lastName: 'Row', timezone: 'Europe/Kyiv' }]
    const first = await book.importContacts(rows, { dedupeOn: 'email' })
    assert.deepEqual([first.created, first.updated, first.withoutKey], [1, 0, 1])
    const again = await book.importContacts(rows, { dedupeOn: 'email' })
    assert.deepEqual([again.created, again.updated, again.withoutKey], [0, 1, 1])
    assert.equal(book.count(), 1)
    assert.equal(again.ids[0], first.ids[0])
  })

  test('an import row carrying an email status, its date and reason records the suppression', async () => {
    const book = fresh()
    const report = await book.importContacts([
      {
        email: 'gone@example.com',
        emailStatus: 'unsubscribed',
        emailStatusAt: '2024-02-20 04:42:48',
        emailStatusReason: 'too many emails',
      },
      { phone: '+380501234567', phoneStatus: 'blacklisted', phoneStatusAt: new Date('2025-06-01T12:00:00Z') },
    ], { dedupeOn: 'email_or_phone' })
    assert.equal(report.created, 2, JSON.stringify(report.rejected))
    const gone = book.findByEmail('gone@example.com')
    assert.equal(gone.emailStatus, 'unsubscribed')
    assert.equal(gone.suppressions.length, 1)
    const [record] = gone.suppressions
    assert.equal(record.kind, 'unsubscribed')
    assert.equal(record.reason, 'too many emails')
    assert.ok(record.at instanceof Date)
    assert.equal(record.at.toISOString(), '2024-02-20T04:42:48.000Z')
    assert.equal(book.canSend(gone.id, 'email').reason, 'unsubscribed')
    const phone = book.findByPhone('+380501234567')
    assert.equal(phone.phoneStatus, 'blacklisted')
    assert.equal(phone.suppressions[0].at.toISOString(), '2025-06-01T12:00:00.000Z')
  })

  test('the same keys work on create and upsert, and a bad status is named', () => {
    const book = fresh()
    const ann = book.create({ email: 'ann@example.com', emailStatus: 'spam_complaint', emailStatusReason: 'abuse' })
    assert.equal(ann.emailStatus, 'spam_complaint')
    assert.equal(ann.suppressions[0].reason, 'abuse')
    throwsCode(() => book.create({ email: 'bo@example.com', emailStatus: 'gone' }), 'VALIDATION', 'emailStatus')
    throwsCode(() => book.create({ email: 'bo@example.com', emailStatusAt: 'yesterday' }), 'VALIDATION', 'emailStatusAt')
  })

  test('the promises form takes the same options and gives the same report', async () => {
    const rows = [{ email: 'p@example.com', timezone: 'Nowhere/Land' }, { firstName: 'NoKey' }]
    const options = { onInvalid: 'drop_field' }
    const sync = await fresh().importContacts(rows, options)
    const promised = await fresh().promises.importContacts(rows, options)
    // The same report but for the contacts' ids (each book makes its own).
    const shape = (report) => JSON.parse(JSON.stringify(report, (key, value) => (key === 'id' || key === 'ids' ? typeof value : value)))
    assert.deepEqual(shape(promised), shape(sync))
    assert.equal(promised.dropped.length, 1)
    assert.equal(promised.withoutKey, 1)
  })
})

describe('consent with a date', () => {
  test('unsubscribe with a past date shows that date in the suppressions; a string is read as UTC', () => {
    const book = fresh()
    const ann = book.create({ email: 'ann@example.com', phone: '+380501234567' })
    const when = new Date(T0.getTime() - 30 * DAY)
    const after = book.unsubscribe(ann.id, 'email', 'moved away', when)
    assert.equal(after.emailStatus, 'unsubscribed')
    assert.equal(after.suppressions[0].at.getTime(), when.getTime())
    assert.equal(book.suppressions('email', 'ann@example.com')[0].at.getTime(), when.getTime())

    const spam = book.reportSpam(ann.id, 'sms', null, '2026-01-02 03:04:05')
    const record = spam.suppressions.find((r) => r.channel === 'sms')
    assert.equal(record.at.toISOString(), '2026-01-02T03:04:05.000Z')
    const blacklisted = book.blacklist(ann.id, 'email', 'hard_bounce', '2026-02-01T00:00:00+02:00')
    assert.ok(blacklisted.suppressions.some((r) => r.kind === 'blacklisted' && r.at.toISOString() === '2026-01-31T22:00:00.000Z'))
    const [listed] = book.suppressAddress('email', 'old@example.com', 'unsubscribed', 'old list', new Date('2025-12-01T00:00:00Z'))
    assert.equal(listed.at.toISOString(), '2025-12-01T00:00:00.000Z')
  })

  test('a time after the book\'s clock, or one that does not read, is a VALIDATION error naming at', async () => {
    const book = fresh()
    const ann = book.create({ email: 'ann@example.com' })
    const future = new Date(T0.getTime() + DAY)
    const error = throwsCode(() => book.unsubscribe(ann.id, 'email', null, future), 'VALIDATION', 'at')
    assert.equal(error.field, 'at')
    throwsCode(() => book.blacklist(ann.id, 'email', null, '2999-01-01 00:00:00'), 'VALIDATION', 'at')
    throwsCode(() => book.reportSpam(ann.id, 'email', null, 'yesterday'), 'VALIDATION', 'at')
    throwsCode(() => book.suppressAddress('email', 'x@example.com', 'unsubscribed', null, 42), 'VALIDATION', 'at')
    assert.equal(book.get(ann.id).suppressions.length, 0, 'nothing was written')
    await assert.rejects(book.promises.unsubscribe(ann.id, 'email', null, future), { code: 'VALIDATION', field: 'at' })
  })
})

describe('importSuppressions', () => {
  test('one bad row is reported rejected and the rest recorded', async () => {
    const book = fresh()
    const report = await book.importSuppressions([
      { channel: 'email', address: 'bounced@example.com', kind: 'blacklisted', reason: 'hard_bounce', at: '2026-02-20 04:42:48' },
      { channel: 'email', address: 'not-an-email', kind: 'unsubscribed' },
      { channel: 'sms', address: '+380671234567', kind: 'unsubscribed', at: new Date('2026-01-01T00:00:00Z') },
      { channel: 'email', address: 'bounced@example.com', kind: 'blacklisted' },
    ])
    assert.equal(report.recorded, 2)
    assert.equal(report.unchanged, 1)
    assert.deepEqual(report.rejected.map((r) => [r.index, r.field]), [[1, 'email']])
    assert.equal(report.rejected[0].problems.length, 1)
    const [record] = book.suppressions('email', 'bounced@example.com')
    assert.deepEqual([record.kind, record.reason, record.at.toISOString()], ['blacklisted', 'hard_bounce', '2026-02-20T04:42:48.000Z'])
    // A contact who takes the address later is suppressed.
    const later = book.create({ email: 'bounced@example.com' })
    assert.equal(book.canSend(later.id, 'email').reason, 'blacklisted')
  })

  test('rows that do not read are rejected by index; a bad argument throws (the promises form rejects)', async () => {
    const book = fresh()
    const report = await book.promises.importSuppressions([
      { channel: 'email', address: 'a@example.com', kind: 'unsubscribed', liftedAt: null },
      42,
      { channel: 'push', address: 'b@example.com', kind: 'unsubscribed' },
      { channel: 'email', address: 'c@example.com', kind: 'unsubscribed', at: '2999-01-01T00:00:00Z' },
      { channel: 'email', address: 'd@example.com', kind: 'spam_complaint' },
    ])
    assert.equal(report.recorded, 1)
    assert.deepEqual(report.rejected.map((r) => r.index), [0, 1, 2, 3])
    assert.equal(report.rejected[3].field, 'at')
    throwsCode(() => book.importSuppressions('rows'), 'VALIDATION', 'rows')
    await assert.rejects(book.promises.importSuppressions({}), { code: 'VALIDATION', field: 'rows' })
  })
})

describe('definitions that may exist already', () => {
  test("ifExists: 'return' lets defineCategory and createSegment run again", () => {
    const book = fresh()
    const news = book.defineCategory('Weekly news')
    throwsCode(() => book.defineCategory('Weekly news'), 'CONFLICT')
    assert.deepEqual(book.defineCategory('Weekly news', { ifExists: 'return' }), news)
    const vip = book.createSegment('VIP', { ifExists: 'return' })
    assert.deepEqual(book.createSegment('VIP', { ifExists: 'return' }), vip)
    assert.deepEqual(book.createSegment('vip', { ifExists: 'return' }), vip, 'names match ASCII case aside')
    throwsCode(() => book.createSegment('VIP'), 'CONFLICT')
    throwsCode(() => book.createSegment('VIP', { ifExists: 'error' }), 'CONFLICT')
    assert.equal(book.segments().length, 2, 'the category\'s segment and VIP')

    // A rule, given alone or under `rule`, makes a dynamic segment.
    const rule = { attr: 'country', op: 'eq', value: 'UA' }
    const ua = book.createSegment('Ukraine', { rule, ifExists: 'return' })
    assert.equal(ua.kind, 'dynamic')
    assert.deepEqual(book.createSegment('Ukraine', { rule, ifExists: 'return' }), ua)
    assert.equal(book.createSegment('Ukraine 2', rule).kind, 'dynamic')
    throwsCode(() => book.createSegment('X', { ifExists: 'maybe' }), 'VALIDATION', 'ifExists')
    throwsCode(() => book.defineCategory('X', { ifExists: 'maybe' }), 'VALIDATION', 'ifExists')
    throwsCode(() => book.defineCategory('X', { ifExist: 'return' }), 'VALIDATION', 'ifExist')
    // A field: the one under that key, even when the definition given differs.
    const visits = book.defineField({ key: 'visits', type: 'number' })
    assert.deepEqual(book.defineField({ key: 'visits', type: 'text' }, { ifExists: 'return' }), visits)
    throwsCode(() => book.defineField({ key: 'visits', type: 'text' }), 'CONFLICT', 'key')
  })

  test('the promises forms take ifExists too', async () => {
    const book = fresh()
    const news = await book.promises.defineCategory('News', { ifExists: 'return' })
    assert.deepEqual(await book.promises.defineCategory('News', { ifExists: 'return' }), news)
    const vip = await book.promises.createSegment('VIP', { ifExists: 'return' })
    assert.deepEqual(await book.promises.createSegment('VIP', { ifExists: 'return' }), vip)
  })
})

describe('segments by name', () => {
  test('every operation naming a segment takes its name as well as its id', async () => {
    const book = fresh()
    const vip = book.createSegment('VIP')
    const ann = book.create({ email: 'ann@example.com' })
    assert.deepEqual(book.addToSegment(ann.id, 'VIP').segments, [vip.id])
    assert.deepEqual(book.segmentMembers('vip').items.map((c) => c.id), [ann.id])
    assert.deepEqual(book.removeFromSegment(ann.id, 'VIP').segments, [])
    const bob = book.create({ email: 'bob@example.com', segments: ['VIP'] })
    assert.deepEqual(bob.segments, [vip.id])
    const report = await book.importContacts([{ email: 'cy@example.com', segments: ['VIP'] }])
    assert.equal(report.created, 1)
    assert.deepEqual(book.findByEmail('cy@example.com').segments, [vip.id])
    assert.equal(book.updateSegment('VIP', 'VIPs').name, 'VIPs')
    book.deleteSegment('VIPs')
    assert.equal(book.segments().length, 0)
    throwsCode(() => book.segmentMembers('VIPs'), 'NOT_FOUND')
  })
})

describe('finders', () => {
  test('a malformed email, phone or endpoint finds nobody instead of throwing', async () => {
    const book = fresh()
    book.create({ email: 'ann@example.com' })
    assert.equal(book.findByEmail('not an email'), null)
    assert.equal(book.findByPhone('call me maybe'), null)
    assert.equal(book.findByWebPushEndpoint('http://insecure.example.com'), null)
    assert.equal(await book.promises.findByEmail('not an email'), null)
  })
})

describe('hostile rows', () => {
  test('a row nested 10000 deep is a rejected row (or a ContactKit error), and the process goes on', async () => {
    const book = fresh()
    let deep = { email: 'deep@example.com' }
    for (let i = 0; i < 10_000; i += 1) deep = { fields: { x: deep } }
    let array = []
    for (let i = 0; i < 10_000; i += 1) array = [array]
    const cyclic = { email: 'cycle@example.com' }
    cyclic.address = cyclic
    for (const onInvalid of ['reject_row', 'drop_field']) {
      let report
      try {
        report = await book.importContacts([deep, array, cyclic, { email: 'fine@example.com' }], { onInvalid })
      } catch (error) {
        assert.ok(error instanceof Error && typeof error.code === 'string', String(error))
        continue
      }
      assert.ok(report.rejected.some((r) => r.index === 1), JSON.stringify(report.rejected))
      assert.equal(report.ids[3], book.findByEmail('fine@example.com').id)
      if (onInvalid === 'reject_row') {
        assert.deepEqual(report.rejected.map((r) => r.index), [0, 1, 2])
      }
    }
    // Still alive and answering.
    assert.ok(book.count() >= 1)
    assert.equal(book.findByEmail('deep@example.com'), null)
  })

  test('a huge row is refused whole, whatever the policy', async () => {
    const book = fresh()
    const big = { email: 'big@example.com', firstName: 'x'.repeat(5 * 1024 * 1024) }
    const report = await book.importContacts([big], { onInvalid: 'drop_field' })
    assert.equal(report.created, 0)
    assert.match(report.rejected[0].reason, /larger than/)
  })
})
