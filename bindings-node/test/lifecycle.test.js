'use strict'
// The profile lifecycle (DOMAIN.md "Profile lifecycle: merge, export, erase"):
// `book.merge(intoId, fromId)`, `book.exportContact(id)` and `book.erase(id)`, and
// their Promise forms, as the core runs them, with JavaScript values at the surface.

const { test, describe } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { ContactBook } = require('contactkit')
const { T0, later, UNKNOWN_ID, fresh, throwsCode } = require('./support/book')
const { serverUrl, freshSchema } = require('./support/server')

function tempDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactkit-lifecycle-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Everything the book shows: a refused call must leave it as it was. */
function snapshot(book) {
  const contacts = book.list({ limit: 1000 }).items
  return {
    contacts,
    activity: contacts.map((c) => book.activity(c.id, { period: 'all', limit: 500 }).items),
    segments: book.segments(),
    feed: book.changes({ limit: 1000 }),
  }
}

/** Two profiles of one person: Ann as she signed up, and the app's profile of her. */
function twoProfiles() {
  const book = fresh()
  const news = book.defineCategory('Weekly news')
  const offers = book.defineCategory('Offers')
  const vip = book.createSegment('VIP')
  book.defineField({ key: 'tier', type: 'list', options: ['gold', 'silver'] })
  book.defineField({ key: 'seen', type: 'datetime' })
  const ann = book.create({ email: 'ann@example.com', firstName: 'Ann', categories: [news.key], fields: { tier: 'gold' } })
  book.setClock(later(1))
  const app = book.create({
    email: 'ann.lee@example.org',
    firstName: 'Anna',
    lastName: 'Lee',
    phone: '067 123 4567',
    contactKey: 'app-77',
    timezone: 'Europe/Kyiv',
    categories: [offers.key],
    segments: [vip.id],
    fields: { tier: 'silver', seen: new Date('2026-02-20T08:30:00Z') },
    mobilePush: [{ appId: 'shop', deviceId: 'd-1', token: 'tok-1', platform: 'ios' }],
  })
  book.unsubscribe(app.id, 'mobile_push', 'too many')
  book.recordOrder(app.id, { externalId: 'o-1', amount: '20.00', currency: 'EUR', status: 'delivered', at: new Date('2026-02-10T10:00:00Z') })
  book.recordEvent(ann.id, { name: 'signed_in', at: new Date('2026-02-11T10:00:00Z') })
  book.setClock(later(2))
  return { book, ann, app, news, offers, vip }
}

describe('merge', () => {
  test('into keeps its values, from fills the gaps, collections and the timeline move', () => {
    const { book, ann, app, news, offers, vip } = twoProfiles()
    const merged = book.merge(ann.id, app.id)
    assert.equal(Object.getPrototypeOf(merged), Object.prototype)
    assert.equal(merged.id, ann.id)
    // into's own values stay; from's fill what into lacks.
    assert.equal(merged.email, 'ann@example.com')
    assert.equal(merged.firstName, 'Ann')
    assert.equal(merged.lastName, 'Lee')
    assert.equal(merged.phone, '+380671234567')
    assert.equal(merged.contactKey, 'app-77')
    assert.equal(merged.timezone, 'Europe/Kyiv')
    assert.equal(merged.fields.tier, 'gold')
    assert.ok(merged.fields.seen instanceof Date, 'a datetime field moves as a Date')
    assert.equal(merged.fields.seen.toISOString(), '2026-02-20T08:30:00.000Z')
    // Collections move.
    assert.deepEqual(merged.categories, [news.key, offers.key].sort())
    assert.deepEqual(merged.segments, [news.segmentId, offers.segmentId, vip.id].sort(), "categories' segments and the static one")
    assert.deepEqual(
      merged.devices.map((d) => d.token),
      ['tok-1'],
    )
    assert.equal(merged.createdAt.getTime(), T0.getTime())
    assert.ok(merged.updatedAt instanceof Date)
    // The answer is what the book now holds.
    assert.deepEqual(book.get(ann.id), merged)
    assert.equal(book.count(), 1)
    assert.deepEqual(
      book.segmentMembers(vip.id).items.map((c) => c.id),
      [ann.id],
    )
    // The timeline moved, newest first, every item now ann's.
    const timeline = book.activity(ann.id, { period: 'all' }).items
    assert.deepEqual(
      timeline.map((a) => [a.kind, a.contactId]),
      [
        ['event', ann.id],
        ['order', ann.id],
      ],
    )
    assert.equal(book.get(ann.id).orderStats.orderCount, 1)
    // from's push unsubscribe is now ann's.
    assert.deepEqual(book.canSend(ann.id, 'mobile_push'), { allowed: false, reason: 'unsubscribed' })
  })

  test("from's id becomes an alias every id-taking operation resolves; its released email is free", () => {
    const { book, ann, app } = twoProfiles()
    const merged = book.merge(ann.id, app.id)
    assert.deepEqual(book.get(app.id), merged)
    assert.deepEqual(book.get(app.id.toUpperCase()), merged)
    assert.equal(book.findByEmail('ann.lee@example.org'), null, "into had an email: from's is released")
    assert.equal(book.findByKey('app-77').id, ann.id)
    assert.equal(book.findByPushToken('tok-1').id, ann.id)
    assert.equal(book.update(app.id, { language: 'uk' }).id, ann.id)
    assert.equal(book.get(ann.id).language, 'uk')
    assert.equal(book.recordEvent(app.id, { name: 'opened' }).contactId, ann.id)
    assert.equal(book.activity(app.id, { period: 'all' }).items.length, 3)
    assert.deepEqual(book.canSend(app.id, 'email'), { allowed: true, reason: 'ok' })
    assert.equal(book.exportContact(app.id).contact.id, ann.id)
    // The released email may be taken by a new contact.
    const again = book.create({ email: 'ann.lee@example.org' })
    assert.notEqual(again.id, ann.id)
  })

  test('the feed has one merged change naming into, with fromId', () => {
    const { book, ann, app } = twoProfiles()
    const cursor = book.changes().nextCursor
    book.merge(ann.id, app.id)
    const { items } = book.changes({ cursor })
    assert.equal(items.length, 1)
    assert.equal(items[0].op, 'merged')
    assert.equal(items[0].contactId, ann.id)
    assert.equal(items[0].fromId, app.id)
    assert.equal(items[0].at.getTime(), later(2).getTime())
  })

  test('into itself, an alias of itself, a deleted contact: VALIDATION naming the argument; unknown: NOT_FOUND; nothing written', () => {
    const { book, ann, app } = twoProfiles()
    const before = snapshot(book)
    const self = throwsCode(() => book.merge(ann.id, ann.id), 'VALIDATION', 'fromId')
    assert.equal(self.value, ann.id)
    throwsCode(() => book.merge(ann.id, ann.id.toUpperCase()), 'VALIDATION', 'fromId')
    const unknown = throwsCode(() => book.merge(ann.id, UNKNOWN_ID), 'NOT_FOUND')
    assert.deepEqual([unknown.what, unknown.id], ['contact', UNKNOWN_ID])
    throwsCode(() => book.merge(UNKNOWN_ID, ann.id), 'NOT_FOUND')
    assert.deepEqual(snapshot(book), before)

    book.merge(ann.id, app.id)
    throwsCode(() => book.merge(ann.id, app.id), 'VALIDATION', 'fromId')
    throwsCode(() => book.merge(app.id, ann.id), 'VALIDATION', 'fromId')

    const bob = book.create({ email: 'bob@example.com' })
    book.delete(bob.id)
    const after = snapshot(book)
    throwsCode(() => book.merge(ann.id, bob.id), 'VALIDATION', 'fromId')
    throwsCode(() => book.merge(bob.id, ann.id), 'VALIDATION', 'intoId')
    assert.deepEqual(snapshot(book), after)
  })
})

describe('exportContact', () => {
  test('is { contact, activity, suppressions }: the profile as get gives it, the timeline newest first, the records at its addresses', () => {
    const book = fresh()
    book.defineField({ key: 'seen', type: 'datetime' })
    const zoe = book.create({
      email: 'Zoe@Example.com',
      phone: '067 123 4567',
      firstName: 'Zoë',
      fields: { seen: new Date('2026-02-01T09:00:00Z') },
    })
    book.recordEvent(zoe.id, { name: 'viewed', params: { page: 'pricing', n: 2 }, at: new Date('2026-02-01T10:00:00Z') })
    book.recordOrder(zoe.id, { externalId: 'o-9', amount: '12.50', currency: 'EUR', at: new Date('2026-02-02T10:00:00Z') })
    book.recordCampaign(zoe.id, { messageId: 'm-1', channel: 'sms', status: 'sent', at: new Date('2026-02-03T10:00:00Z') })
    book.setClock(later(1))
    book.unsubscribe(zoe.id, 'email', 'moved away')
    book.setClock(later(2))
    book.blacklist(zoe.id, 'sms', 'hard_bounce')
    book.setClock(later(3))
    book.unsubscribe(zoe.id, 'mobile_push')
    book.setClock(later(4))
    book.resubscribe(zoe.id, 'email', 'came back')
    // Someone else's record is not hers.
    book.suppressAddress('email', 'other@example.com', 'blacklisted')

    const exported = book.exportContact(zoe.id)
    assert.equal(Object.getPrototypeOf(exported), Object.prototype)
    assert.deepEqual(Object.keys(exported), ['contact', 'activity', 'suppressions'])
    assert.deepEqual(exported.contact, book.get(zoe.id))
    assert.ok(exported.contact.fields.seen instanceof Date)
    assert.ok(exported.contact.createdAt instanceof Date)

    assert.deepEqual(exported.activity, book.activity(zoe.id, { period: 'all' }).items)
    assert.deepEqual(
      exported.activity.map((a) => a.kind),
      ['campaign', 'order', 'event'],
    )
    assert.ok(exported.activity.every((a) => a.at instanceof Date && a.contactId === zoe.id))
    assert.equal(exported.activity[1].amount, '12.50')
    assert.deepEqual(exported.activity[2].params, { page: 'pricing', n: 2 })

    // The email's records, then the phone's, then those under the id; each oldest first.
    assert.deepEqual(exported.suppressions, [
      ...book.suppressions('email', 'zoe@example.com'),
      ...book.suppressions('sms', '+380671234567'),
      ...book.suppressions('mobile_push', zoe.id),
    ])
    assert.deepEqual(
      exported.suppressions.map((r) => [r.channel, r.address, r.kind, r.reason]),
      [
        ['email', 'zoe@example.com', 'unsubscribed', 'moved away'],
        ['sms', '+380671234567', 'blacklisted', 'hard_bounce'],
        ['mobile_push', zoe.id, 'unsubscribed', null],
      ],
    )
    const lifted = exported.suppressions[0]
    assert.ok(lifted.at instanceof Date && lifted.liftedAt instanceof Date, 'lifted records are kept, with Dates')
    assert.equal(lifted.liftNote, 'came back')

    // Plain data: JSON.stringify hands it over.
    const json = JSON.parse(JSON.stringify(exported))
    assert.equal(json.contact.firstName, 'Zoë')
    assert.equal(json.suppressions[1].at, later(2).toISOString())
  })

  test('a contact with nothing else has empty lists; a deleted contact can be exported', () => {
    const book = fresh()
    const bare = book.create({ externalId: 'crm-1' })
    assert.deepEqual(book.exportContact(bare.id), { contact: bare, activity: [], suppressions: [] })
    const ann = book.create({ email: 'ann@example.com' })
    book.recordEvent(ann.id, { name: 'viewed' })
    book.delete(ann.id)
    assert.equal(book.get(ann.id), null)
    const exported = book.exportContact(ann.id)
    assert.equal(exported.contact.id, ann.id)
    assert.equal(exported.contact.email, 'ann@example.com')
    assert.equal(exported.activity.length, 1)
    assert.deepEqual(book.exportContact(ann.id.toUpperCase()), exported)
  })

  test('an unknown id is NOT_FOUND', () => {
    const error = throwsCode(() => fresh().exportContact(UNKNOWN_ID), 'NOT_FOUND')
    assert.deepEqual([error.what, error.id], ['contact', UNKNOWN_ID])
  })
})

describe('erase', () => {
  test('forgets the contact: get null, restore, exportContact and erase NOT_FOUND; the feed has one erased change', () => {
    const book = fresh()
    const zoe = book.create({ email: 'zoe@example.com', phone: '+380671234567', firstName: 'Zoë' })
    book.recordEvent(zoe.id, { name: 'viewed' })
    const vip = book.createSegment('VIP')
    book.addToSegment(zoe.id, vip.id)
    book.unsubscribe(zoe.id, 'email', 'moved away')
    const cursor = book.changes().nextCursor
    assert.equal(book.erase(zoe.id), undefined)
    assert.equal(book.get(zoe.id), null)
    assert.equal(book.findByEmail('zoe@example.com'), null)
    assert.equal(book.findByPhone('+380671234567'), null)
    assert.equal(book.count(), 0)
    assert.deepEqual(book.segmentMembers(vip.id).items, [])
    for (const call of [() => book.restore(zoe.id), () => book.exportContact(zoe.id), () => book.erase(zoe.id)]) {
      const error = throwsCode(call, 'NOT_FOUND')
      assert.deepEqual([error.what, error.id], ['contact', zoe.id])
    }
    throwsCode(() => book.activity(zoe.id), 'NOT_FOUND')
    assert.deepEqual(
      book.changes({ cursor }).items.map((c) => [c.op, c.contactId, c.fromId]),
      [['erased', zoe.id, null]],
    )
  })

  test('the suppressions at its addresses still answer by the address, and block the next holder', () => {
    const book = fresh()
    const zoe = book.create({ email: 'zoe@example.com', phone: '+380671234567' })
    book.unsubscribe(zoe.id, 'email', 'moved away')
    book.blacklist(zoe.id, 'sms')
    book.erase(zoe.id)
    assert.deepEqual(
      book.suppressions('email', 'ZOE@example.com').map((r) => [r.address, r.kind, r.reason]),
      [['zoe@example.com', 'unsubscribed', 'moved away']],
    )
    assert.equal(book.suppressions('sms', '067 123 4567')[0].kind, 'blacklisted')
    const back = book.create({ email: 'zoe@example.com', phone: '+380671234567' })
    assert.notEqual(back.id, zoe.id)
    assert.equal(back.emailStatus, 'unsubscribed')
    assert.equal(back.phoneStatus, 'blacklisted')
    assert.deepEqual(book.canSend('zoe@example.com', 'email'), { allowed: false, reason: 'unsubscribed' })
    assert.deepEqual(book.activity(back.id, { period: 'all' }).items, [])
  })

  test('a deleted contact can be erased; erasing a merged contact takes its aliases with it', () => {
    const book = fresh()
    const ann = book.create({ email: 'ann@example.com' })
    book.delete(ann.id)
    book.erase(ann.id)
    throwsCode(() => book.restore(ann.id), 'NOT_FOUND')

    const bob = book.create({ email: 'bob@example.com' })
    const app = book.create({ contactKey: 'app-1' })
    book.merge(bob.id, app.id)
    book.erase(app.id.toUpperCase())
    assert.equal(book.get(bob.id), null)
    assert.equal(book.get(app.id), null)
    throwsCode(() => book.exportContact(app.id), 'NOT_FOUND')
    assert.equal(book.findByKey('app-1'), null)
  })

  test('on a SQLite file nothing of the contact is left in the database or its WAL', (t) => {
    const dir = tempDir(t)
    const file = path.join(dir, 'contacts.db')
    const book = ContactBook.open(file, { clock: T0 })
    const zoe = book.create({ email: 'quillonia.zed@example.com', firstName: 'Quillonia', lastName: 'Zedmarrow' })
    book.recordEvent(zoe.id, { name: 'viewed', params: { note: 'Zedmarrow page' } })
    book.unsubscribe(zoe.id, 'email', 'moved away')
    const traces = () =>
      fs
        .readdirSync(dir)
        .flatMap((name) =>
          ['Quillonia', 'Zedmarrow', 'quillonia.zed'].filter((text) => fs.readFileSync(path.join(dir, name)).includes(text)).map((text) => `${name}: ${text}`),
        )
    assert.ok(traces().length > 0, 'the contact is on disk before the erase')
    book.erase(zoe.id)
    assert.deepEqual(traces(), [])
    book.close()
    assert.deepEqual(traces(), [])
    const again = ContactBook.open(file)
    assert.equal(again.get(zoe.id), null)
    assert.equal(again.suppressions('email', 'quillonia.zed@example.com')[0].reason, 'moved away')
    again.close()
  })
})

describe('book.promises', () => {
  test('merge, exportContact and erase resolve as the methods return and reject as they throw', async () => {
    const { book, ann, app } = twoProfiles()
    const merged = await book.promises.merge(ann.id, app.id)
    assert.deepEqual(merged, book.get(ann.id))
    assert.deepEqual(await book.promises.get(app.id), merged)
    assert.deepEqual(await book.promises.exportContact(app.id), book.exportContact(ann.id))
    await assert.rejects(book.promises.merge(ann.id, ann.id), { code: 'VALIDATION', field: 'fromId' })
    await assert.rejects(book.promises.merge(UNKNOWN_ID, ann.id), { code: 'NOT_FOUND', what: 'contact', id: UNKNOWN_ID })
    assert.equal(await book.promises.erase(ann.id), undefined)
    assert.equal(book.get(ann.id), null)
    await assert.rejects(book.promises.restore(ann.id), { code: 'NOT_FOUND', what: 'contact' })
    await assert.rejects(book.promises.exportContact(ann.id), { code: 'NOT_FOUND', what: 'contact' })
    await assert.rejects(book.promises.erase(ann.id), { code: 'NOT_FOUND', what: 'contact' })
    book.close()
    await assert.rejects(book.promises.exportContact(ann.id), { code: 'STORAGE' })
    await assert.rejects(book.promises.merge(ann.id, app.id), { code: 'STORAGE' })
    await assert.rejects(book.promises.erase(ann.id), { code: 'STORAGE' })
    throwsCode(() => book.erase(ann.id), 'STORAGE')
  })

  test('on PostgreSQL: merge, export and erase, across a reconnect', async (t) => {
    const schema = await freshSchema(t)
    let book = ContactBook.connect(serverUrl(), { schema, clock: T0 })
    const ann = await book.promises.create({ email: 'ann@example.com', firstName: 'Ann' })
    const app = await book.promises.create({ contactKey: 'app-1', lastName: 'Lee' })
    await book.promises.recordEvent(app.id, { name: 'viewed' })
    await book.promises.unsubscribe(ann.id, 'email', 'moved away')
    const merged = await book.promises.merge(ann.id, app.id)
    assert.deepEqual([merged.firstName, merged.lastName, merged.contactKey], ['Ann', 'Lee', 'app-1'])
    book.close()
    book = ContactBook.connect(serverUrl(), { schema, clock: T0 })
    assert.equal((await book.promises.get(app.id)).id, ann.id)
    const exported = await book.promises.exportContact(app.id)
    assert.deepEqual(exported.contact, merged)
    assert.deepEqual(
      exported.activity.map((a) => [a.name, a.contactId]),
      [['viewed', ann.id]],
    )
    assert.deepEqual(
      exported.suppressions.map((r) => [r.address, r.kind]),
      [['ann@example.com', 'unsubscribed']],
    )
    await book.promises.erase(ann.id)
    assert.equal(await book.promises.get(ann.id), null)
    assert.equal(await book.promises.get(app.id), null)
    await assert.rejects(book.promises.restore(ann.id), { code: 'NOT_FOUND' })
    assert.equal((await book.promises.suppressions('email', 'ann@example.com'))[0].reason, 'moved away')
    book.close()
  })
})

describe('hostile arguments', () => {
  const MEGABYTE = 'x'.repeat(1 << 20)
  const WRONG = [42, 4.2, 10n, true, null, undefined, {}, [UNKNOWN_ID], Symbol('id'), () => UNKNOWN_ID, new Date(), new String(UNKNOWN_ID)]

  /** [the field an error names, a call with `value` as that argument and a live id as the other]. */
  function positions(value) {
    return [
      ['intoId', (book, id) => book.merge(value, id)],
      ['fromId', (book, id) => book.merge(id, value)],
      ['id', (book) => book.exportContact(value)],
      ['id', (book) => book.erase(value)],
    ]
  }

  function setup() {
    const book = fresh()
    const ann = book.create({ email: 'ann@example.com' })
    const bob = book.create({ email: 'bob@example.com' })
    return { book, ann, bob }
  }

  /** The book still works and holds what it held. */
  function alive(book, before) {
    assert.deepEqual(snapshot(book), before)
    assert.equal(book.create({ email: `alive-${Math.random()}@example.com` }).emailStatus, 'active')
  }

  test('junk text for an id is NOT_FOUND naming the contact, nothing written', () => {
    const { book, ann } = setup()
    const before = snapshot(book)
    for (const junk of ['junk', '', ' ', 'ann@example.com', '🙂', 'é\u0301', `${ann.id}x`, '../../etc/passwd', "'; DROP TABLE contacts; --", '\u0000', 'a\u0000b']) {
      for (const [, call] of positions(junk)) {
        const error = throwsCode(() => call(book, ann.id), 'NOT_FOUND')
        assert.deepEqual([error.what, error.id], ['contact', junk])
      }
    }
    assert.deepEqual(snapshot(book), before)
  })

  test('a lone surrogate is VALIDATION naming the argument, quoted, never turned into U+FFFD', () => {
    const { book, ann } = setup()
    const before = snapshot(book)
    for (const lone of ['\ud800', '\udfff', `${ann.id}\ud83d`, 'a\udc00b']) {
      for (const [field, call] of positions(lone)) {
        const error = throwsCode(() => call(book, ann.id), 'VALIDATION', field)
        assert.match(error.reason, /lone surrogate/)
        assert.ok(!error.value.includes('\ufffd'), error.value)
      }
    }
    assert.equal(throwsCode(() => book.erase('\ud800'), 'VALIDATION', 'id').value, '\\ud800')
    alive(book, before)
  })

  test('a megabyte string is NOT_FOUND; one past the 4 MiB argument limit is VALIDATION naming the argument', () => {
    const { book, ann } = setup()
    const before = snapshot(book)
    for (const [, call] of positions(MEGABYTE)) {
      const error = throwsCode(() => call(book, ann.id), 'NOT_FOUND')
      assert.equal(error.what, 'contact')
    }
    const huge = 'é'.repeat((4 << 20) / 2 + 1)
    for (const [field, call] of positions(huge)) {
      const error = throwsCode(() => call(book, ann.id), 'VALIDATION', field)
      assert.match(error.reason, /larger than 4194304 bytes/)
    }
    alive(book, before)
  })

  test('an argument that is not a string is VALIDATION naming it', () => {
    const { book, ann } = setup()
    const before = snapshot(book)
    for (const value of WRONG) {
      for (const [field, call] of positions(value)) {
        const error = throwsCode(() => call(book, ann.id), 'VALIDATION', field)
        assert.match(error.reason, /expected a string/)
      }
    }
    throwsCode(() => book.merge(), 'VALIDATION', 'intoId')
    throwsCode(() => book.merge(ann.id), 'VALIDATION', 'fromId')
    throwsCode(() => book.exportContact(), 'VALIDATION', 'id')
    throwsCode(() => book.erase(), 'VALIDATION', 'id')
    alive(book, before)
  })

  test('a getter-throwing or proxied argument is refused, and extra arguments are ignored', () => {
    const { book, ann, bob } = setup()
    const trap = new Proxy(
      {},
      {
        get() {
          throw new Error('trap')
        },
      },
    )
    throwsCode(() => book.erase(trap), 'VALIDATION', 'id')
    throwsCode(() => book.merge(ann.id, trap), 'VALIDATION', 'fromId')
    assert.equal(book.exportContact(ann.id, 'extra', {}).contact.id, ann.id)
    assert.equal(book.merge(ann.id, bob.id, 'extra').id, ann.id)
  })

  test('through book.promises every one of them rejects with the same error, nothing is thrown', async () => {
    const { book, ann } = setup()
    const before = snapshot(book)
    for (const value of ['junk', '\ud800', MEGABYTE, 42, null, undefined, {}]) {
      for (const [name, args] of [
        ['merge', [value, ann.id]],
        ['merge', [ann.id, value]],
        ['exportContact', [value]],
        ['erase', [value]],
      ]) {
        let thrown
        try {
          book[name](...args)
        } catch (error) {
          thrown = error
        }
        assert.ok(thrown, `${name} throws`)
        let pending
        assert.doesNotThrow(() => {
          pending = book.promises[name](...args)
        })
        const rejected = await pending.then(
          () => assert.fail(`promises.${name} resolved`),
          (error) => error,
        )
        assert.equal(rejected.code, thrown.code)
        assert.equal(rejected.field, thrown.field)
        assert.equal(rejected.message, thrown.message)
      }
    }
    alive(book, before)
  })
})
