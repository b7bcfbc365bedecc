'use strict'
// The portable form of a book (docs/lifecycle.md, "Export and restore whole books"):
// `exportCatalogLines()`, `exportProfileLines(options)` and `restoreLine(line, dedupeOn)`,
// and their Promise forms. The lines are JSON data for files: their keys stay as the
// core writes them (snake_case) at every depth, and a line exported is handed back
// unchanged. A book exported and restored into a fresh one holds the same profiles;
// restoring again adds nothing; a line that fails writes nothing and its error names
// the part of the line at fault.

const { test, describe } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { ContactBook } = require('contactkit')
const { T0, later, fresh, throwsCode } = require('./support/book')
const { serverUrl, freshSchema } = require('./support/server')

const device = { appId: 'shop', deviceId: 'd-1', token: 'tok-1', platform: 'ios', osVersion: '17.2' }
const subscription = {
  endpoint: 'https://push.example.com/1',
  keys: {
    p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
    auth: 'tBHItJI5svbpez7KI4CCXg',
  },
}

/**
 * A book with something of everything a line carries: field definitions, categories,
 * static and dynamic segments; contacts with devices (one app without a push token),
 * web push, Telegram, fields of several types (a number beyond 2^53), a timeline of
 * each kind, suppressions lifted and not, a sign-up left unconfirmed, a deleted contact.
 */
function sourceBook() {
  const book = fresh()
  const news = book.defineCategory('Weekly news')
  const vip = book.createSegment('VIP')
  book.defineField({ key: 'tier', type: 'list', options: ['gold', 'silver'] })
  book.defineField({ key: 'seen', type: 'datetime' })
  book.defineField({ key: 'big', type: 'number' })
  book.defineField({ key: 'score', type: 'decimal', min: '0', max: '10' })
  book.defineField({ key: 'locked', type: 'text', readonly: true })
  book.createSegment('Gold', { all: [{ field: 'tier', op: 'eq', value: 'gold' }, { can_send: 'email' }] })
  const ann = book.create({
    email: 'ann@example.com',
    phone: '067 123 4567',
    firstName: 'Ann',
    lastName: 'Коваленко',
    externalId: 'ext-1',
    contactKey: 'key-1',
    categories: [news.key],
    segments: [vip.id],
    address: { country: 'UA', town: 'Львів', streetAddress: 'Rynok 1' },
    location: { latitude: 49.84, longitude: 24.03, accuracy: 10, source: 'gps' },
    timezone: 'Europe/Kyiv',
    language: 'uk',
    fields: { tier: 'gold', seen: new Date('2026-02-20T08:30:00.123Z'), big: 2n ** 60n, score: '4.50', locked: 'set' },
    mobilePush: [device],
    webPush: [subscription],
    telegram: { botId: 'bot', chatId: '42' },
  })
  book.registerApp(ann.id, { appId: 'reader', deviceId: 'd-2', platform: 'android' })
  book.setClock(later(1))
  book.recordCampaign(ann.id, { messageId: 'm-1', channel: 'email', status: 'delivered', at: new Date('2026-02-01T10:00:00Z') })
  book.recordEvent(ann.id, {
    name: 'viewed',
    keyValue: 'sku-1',
    params: { plan: 'pro', camelKey: { snake_key: [1, 'two', { three: 3.5 }] }, big: 2n ** 60n },
    at: new Date('2026-02-02T10:00:00Z'),
  })
  book.recordOrder(ann.id, {
    externalId: 'o-1',
    amount: '120.50',
    currency: 'UAH',
    status: 'delivered',
    items: [{ productId: 'sku-1', name: 'Mug', quantity: '2', price: '60.25' }],
    deliveryAddress: { country: 'UA', town: 'Київ' },
    at: new Date('2026-02-03T10:00:00Z'),
  })
  book.unsubscribe(ann.id, 'email', 'too often')
  book.resubscribe(ann.id, 'email', 'came back')
  book.blacklist(ann.id, 'sms', 'hard_bounce')
  book.unsubscribe(ann.id, 'mobile_push', 'muted')
  book.setClock(later(2))
  const bob = book.signUp({ email: 'bob@example.com', firstName: 'Bob' })
  const cy = book.create({ email: 'cy@example.org', source: 'manual', categories: [news.key] })
  book.reportSpam(cy.id, 'email', 'abuse')
  book.recordEvent(cy.id, { name: 'opened', params: {} })
  const gone = book.create({ email: 'gone@example.com' })
  book.delete(gone.id)
  return { book, ann, bob, cy, gone, news, vip }
}

/** Every line of `book`: the catalogue, then the profile lines a page of `limit` at a time. */
function exportAll(book, limit = 2, withActivity = true) {
  const lines = book.exportCatalogLines()
  let cursor = null
  do {
    const page = book.exportProfileLines({ limit, cursor, withActivity })
    lines.push(...page.items)
    cursor = page.nextCursor
  } while (cursor !== null)
  return lines
}

/**
 * What must survive a round trip: each line without the stamps the restoring book
 * makes itself (as core/tests/portable.rs compares): the profile's `updated_at`, the
 * devices' registration times, and (not listed in docs/lifecycle.md, but so the core
 * restores them) the location's `updated_at` and each web push subscription's
 * `created_at`.
 */
function comparable(lines) {
  return lines.map((line) => {
    const copy = { ...line }
    delete copy.updated_at
    if (Array.isArray(copy.devices)) {
      copy.devices = copy.devices.map(({ registered_at, last_seen_at, ...rest }) => rest)
    }
    if (copy.location) {
      const { updated_at, ...location } = copy.location
      copy.location = location
    }
    if (Array.isArray(copy.web_push)) {
      copy.web_push = copy.web_push.map(({ created_at, ...rest }) => rest)
    }
    return copy
  })
}

/** Everything the book shows: a refused line must leave it as it was. */
function snapshot(book) {
  const contacts = book.list({ limit: 1000 }).items
  return {
    contacts,
    activity: contacts.map((c) => book.activity(c.id, { period: 'all', limit: 500 }).items),
    segments: book.segments(),
    categories: book.categories(),
    fields: book.fieldDefinitions(),
    feed: book.changes({ limit: 1000 }),
  }
}

/** Every key of `value` at every depth, with the data maps' own keys left out. */
function vocabularyKeys(value, keys = new Set()) {
  if (Array.isArray(value)) {
    for (const item of value) vocabularyKeys(item, keys)
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      keys.add(key)
      if (!['fields', 'params', 'revenue', 'rule'].includes(key)) vocabularyKeys(item, keys)
    }
  }
  return keys
}

function tempDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactkit-portable-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

describe('exporting', () => {
  test('the catalogue lines come first: field definitions, categories, static then dynamic segments', () => {
    const { book } = sourceBook()
    const lines = book.exportCatalogLines()
    assert.ok(Array.isArray(lines))
    assert.deepEqual(
      lines.map((line) => Object.keys(line)),
      [...Array(5).fill(['field_definition']), ['category'], ['segment'], ['segment']],
    )
    assert.deepEqual(lines[5], { category: { key: 'weekly-news', title: 'Weekly news' } })
    assert.deepEqual(lines[6], { segment: { name: 'VIP' } })
    assert.deepEqual(lines[7].segment.rule, { all: [{ field: 'tier', op: 'eq', value: 'gold' }, { can_send: 'email' }] })
    const score = lines.find((line) => line.field_definition.key === 'score').field_definition
    assert.deepEqual(score, { key: 'score', title: 'score', type: 'decimal', required: false, readonly: false, options: [], min: '0', max: '10' })
  })

  test('profile lines keep the core keys (snake_case) and strings, with segments by name', () => {
    const { book, ann, vip } = sourceBook()
    const page = book.exportProfileLines()
    assert.equal(page.nextCursor, null)
    assert.deepEqual(Object.keys(page), ['items', 'nextCursor'])
    assert.equal(page.items.length, 3, 'live contacts only')
    const line = page.items[0]
    assert.equal(Object.getPrototypeOf(line), Object.prototype)
    assert.equal(line.id, ann.id)
    assert.equal(line.first_name, 'Ann')
    assert.equal(line.email_status, 'active')
    assert.equal(line.phone, '+380671234567')
    assert.equal(line.address.street_address, 'Rynok 1')
    assert.equal(line.devices.find((d) => d.app_id === 'shop').os_version, '17.2')
    assert.equal(line.devices.find((d) => d.app_id === 'reader').token, null)
    assert.equal(line.telegram.chat_id, '42')
    // Times stay the core's RFC 3339 text, as a file holds them; money stays decimal text.
    assert.equal(typeof line.created_at, 'string')
    assert.equal(line.created_at, '2026-03-01T10:00:00Z')
    assert.equal(line.fields.seen, '2026-02-20T08:30:00.123Z')
    assert.equal(line.fields.score, '4.50')
    // An integer beyond 2^53 is a bigint, exact, as everywhere in the binding.
    assert.equal(line.fields.big, 2n ** 60n)
    // Static segments by name (ids differ between books); a category's segment and a
    // dynamic one are not listed.
    assert.deepEqual(line.segments, ['VIP'])
    assert.ok(!line.segments.includes(vip.id))
    // The timeline, newest first, without the book's own ids.
    assert.deepEqual(line.activity.map((a) => a.kind), ['order', 'event', 'campaign'])
    assert.equal(line.activity[0].external_id, 'o-1')
    assert.equal(line.activity[0].delivery_address.town, 'Київ')
    assert.equal(line.activity[0].items[0].product_id, 'sku-1')
    assert.equal(line.activity[1].key_value, 'sku-1')
    assert.deepEqual(line.activity[1].params, { plan: 'pro', camelKey: { snake_key: [1, 'two', { three: 3.5 }] }, big: 2n ** 60n })
    assert.equal(line.activity[2].message_id, 'm-1')
    for (const item of line.activity) {
      assert.equal(item.id, undefined)
      assert.equal(item.contact_id, undefined)
      assert.equal(typeof item.at, 'string')
    }
    assert.deepEqual(
      line.suppressions.map((s) => [s.channel, s.kind, s.reason, s.lifted_at === null]),
      [
        ['email', 'unsubscribed', 'too often', false],
        ['sms', 'blacklisted', 'hard_bounce', true],
        ['mobile_push', 'unsubscribed', 'muted', true],
      ],
    )
    // No camelCase key anywhere but inside data (a param's own keys).
    for (const l of page.items) {
      const camel = [...vocabularyKeys(l)].filter((key) => /[A-Z]/.test(key))
      assert.deepEqual(camel, [], `camelCase keys in a line: ${camel}`)
    }
    // The line is the core's: the same profile `get` returns, keys snake_case.
    const card = book.get(ann.id)
    assert.equal(line.updated_at, card.updatedAt.toISOString().replace('.000Z', 'Z'))
    assert.equal(line.order_stats.order_count, card.orderStats.orderCount)
    assert.deepEqual(line.order_stats.revenue, { UAH: '120.50' })
  })

  test('pages go in id order; withActivity: false leaves the timelines out', () => {
    const { book, ann, bob, cy } = sourceBook()
    const first = book.exportProfileLines({ limit: 2 })
    assert.deepEqual(first.items.map((l) => l.id), [ann.id, bob.id])
    assert.equal(typeof first.nextCursor, 'string')
    const second = book.exportProfileLines({ limit: 2, cursor: first.nextCursor })
    assert.deepEqual(second.items.map((l) => l.id), [cy.id])
    assert.equal(second.nextCursor, null)
    const bare = book.exportProfileLines({ withActivity: false })
    assert.ok(bare.items.every((line) => !('activity' in line)))
    assert.ok(book.exportProfileLines({ withActivity: null }).items.every((line) => Array.isArray(line.activity)), 'null is the default')
    assert.deepEqual(book.exportProfileLines({}), book.exportProfileLines())
    assert.deepEqual(book.exportProfileLines(null), book.exportProfileLines(undefined))
    assert.deepEqual(ContactBook.inMemory().exportProfileLines(), { items: [], nextCursor: null })
    assert.deepEqual(ContactBook.inMemory().exportCatalogLines(), [])
  })

  test('bad options are VALIDATION errors naming the option', () => {
    const { book } = sourceBook()
    throwsCode(() => book.exportProfileLines({ cursor: 'junk' }), 'VALIDATION', 'cursor')
    throwsCode(() => book.exportProfileLines({ limit: 0 }), 'VALIDATION', 'limit')
    throwsCode(() => book.exportProfileLines({ limit: 1001 }), 'VALIDATION', 'limit')
    throwsCode(() => book.exportProfileLines({ limit: 'ten' }), 'VALIDATION', 'limit')
    throwsCode(() => book.exportProfileLines({ withActivity: 'yes' }), 'VALIDATION', 'withActivity')
    throwsCode(() => book.exportProfileLines({ withActivty: false }), 'VALIDATION', 'withActivty')
    // Options are the binding's vocabulary (camelCase), unlike the lines.
    const snake = throwsCode(() => book.exportProfileLines({ with_activity: false }), 'VALIDATION', 'withActivity')
    assert.match(snake.reason, /keys are camelCase \(withActivity\)/)
    throwsCode(() => book.exportProfileLines('all'), 'VALIDATION', 'options')
  })
})

describe('restoring', () => {
  test('a book exported and restored into a fresh one holds the same profiles', () => {
    const { book, ann, bob, cy, gone } = sourceBook()
    const lines = exportAll(book)
    const target = ContactBook.inMemory({ clock: later(5), defaultRegion: 'UA' })
    const restored = lines.map((line) => target.restoreLine(line))
    assert.deepEqual(restored.slice(0, 8), Array(8).fill({ kind: 'catalog', contactId: null, created: false }))
    assert.deepEqual(
      restored.slice(8),
      [ann, bob, cy].map((c) => ({ kind: 'profile', contactId: c.id, created: true })),
    )
    assert.deepEqual(comparable(exportAll(target)), comparable(lines))
    assert.equal(target.get(gone.id), null, 'a deleted contact is not exported')
    // What the API shows agrees: the card (segment ids are the target's own), the
    // timeline, consent, the catalogue.
    const vip = (b) => b.segments().find((s) => s.name === 'VIP').id
    for (const c of [ann, bob, cy]) {
      const before = book.get(c.id)
      const after = target.get(c.id)
      for (const key of ['email', 'emailStatus', 'phone', 'phoneStatus', 'firstName', 'lastName', 'externalId', 'contactKey', 'fields', 'createdAt', 'source', 'categories', 'applications', 'telegram', 'address', 'timezone', 'language', 'suppressions', 'orderStats']) {
        assert.deepEqual(after[key], before[key], `${c.email} ${key}`)
      }
      assert.equal(after.segments.includes(vip(target)), before.segments.includes(vip(book)))
      const strip = (items) => items.map(({ id, ...rest }) => rest)
      assert.deepEqual(strip(target.activity(c.id, { period: 'all' }).items), strip(book.activity(c.id, { period: 'all' }).items))
      for (const channel of ['email', 'sms', 'mobile_push', 'web_push', 'telegram']) {
        assert.deepEqual(target.canSend(c.id, channel, 'weekly-news'), book.canSend(c.id, channel, 'weekly-news'), `${c.email} ${channel}`)
      }
    }
    assert.equal(target.get(ann.id).fields.big, 2n ** 60n)
    assert.ok(target.get(ann.id).fields.seen instanceof Date)
    assert.equal(target.get(bob.id).emailStatus, 'unconfirmed', 'a sign-up not confirmed stays so')
    assert.deepEqual(target.fieldDefinitions(), book.fieldDefinitions())
    assert.deepEqual(target.categories().map(({ segmentId, ...c }) => c), book.categories().map(({ segmentId, ...c }) => c))
    const gold = (b) => b.segments().find((s) => s.name === 'Gold')
    assert.deepEqual(gold(target).rule, gold(book).rule)
    assert.deepEqual(target.segmentMembers(gold(target).id).items.map((c) => c.id), [ann.id])
  })

  test('restoring again adds nothing, and another dedupeOn finds the same contacts', () => {
    const { book } = sourceBook()
    const lines = exportAll(book)
    const target = ContactBook.inMemory({ clock: later(5), defaultRegion: 'UA' })
    for (const line of lines) target.restoreLine(line)
    const once = exportAll(target)
    const cursor = target.changes({ limit: 1000 }).nextCursor
    for (const dedupeOn of ['email', 'id', undefined, null]) {
      for (const line of lines) {
        const restored = target.restoreLine(line, dedupeOn)
        assert.equal(restored.created, false)
      }
    }
    assert.deepEqual(comparable(exportAll(target)), comparable(once))
    assert.equal(target.count(), 3)
    // Each profile restored again is saved again: one change per contact and restore,
    // `updated` (or `activity`, for a contact whose campaign and order are recorded
    // again, unchanged), nothing more.
    const changes = target.changes({ cursor, limit: 1000 }).items
    assert.equal(changes.length, 4 * 3)
    assert.ok(changes.every((c) => c.op === 'updated' || c.op === 'activity'), JSON.stringify(changes.map((c) => c.op)))
  })

  test('a line survives JSON text: JSON.stringify, JSON.parse, restoreLine', () => {
    const { book, ann } = sourceBook()
    // Without the bigints: JSON.stringify refuses them (and JSON.parse would round them).
    book.clearField(ann.id, 'big')
    const lines = exportAll(book, 1000).map((line) => {
      if (line.activity) line.activity = line.activity.filter((a) => !(a.params && 'big' in a.params))
      return line
    })
    const text = lines.map((line) => JSON.stringify(line))
    const target = ContactBook.inMemory({ clock: later(5), defaultRegion: 'UA' })
    for (const line of text) target.restoreLine(JSON.parse(line))
    const back = exportAll(target, 1000)
    assert.deepEqual(comparable(back), comparable(lines))
    // JSON text of a line is the core's own: keys as written, nothing renamed.
    assert.ok(text.at(-3).includes('"first_name":"Ann"'))
    assert.ok(text.at(-3).includes('"created_at":"2026-03-01T10:00:00Z"'))
  })

  test('into a SQLite file, and on to PostgreSQL, the profiles stay the same', async (t) => {
    const { book } = sourceBook()
    const lines = exportAll(book)
    const file = path.join(tempDir(t), 'restored.db')
    let sqlite = ContactBook.open(file, { clock: later(5), defaultRegion: 'UA' })
    for (const line of lines) sqlite.restoreLine(line)
    sqlite.close()
    sqlite = ContactBook.open(file, { defaultRegion: 'UA' })
    assert.deepEqual(comparable(exportAll(sqlite)), comparable(lines))
    const schema = await freshSchema(t)
    const pg = ContactBook.connect(serverUrl(), { schema, clock: later(6), defaultRegion: 'UA' })
    try {
      for (const line of exportAll(sqlite)) await pg.promises.restoreLine(line)
      assert.deepEqual(comparable(exportAll(pg)), comparable(lines))
    } finally {
      pg.close()
      sqlite.close()
    }
  })

  test('a contact the line matches is updated, keeping its own id', () => {
    const { book, ann } = sourceBook()
    const [line] = book.exportProfileLines({ limit: 1 }).items
    const target = fresh()
    const mine = target.create({ email: 'ann@example.com', firstName: 'Annie' })
    for (const catalog of book.exportCatalogLines()) target.restoreLine(catalog)
    assert.deepEqual(target.restoreLine(line, 'email'), { kind: 'profile', contactId: mine.id, created: false })
    assert.notEqual(mine.id, ann.id)
    assert.equal(target.get(mine.id).firstName, 'Ann')
    assert.equal(target.count(), 1)
    throwsCode(() => target.restoreLine(line, 'fax'), 'VALIDATION', 'dedupeOn')
    throwsCode(() => target.restoreLine(line, 42), 'VALIDATION', 'dedupeOn')
  })
})

describe('a line that fails writes nothing and names the part at fault', () => {
  /** A target holding the catalogue, and ann's profile line. */
  function setUp() {
    const { book, ann } = sourceBook()
    const target = ContactBook.inMemory({ clock: later(5), defaultRegion: 'UA' })
    for (const line of book.exportCatalogLines()) target.restoreLine(line)
    const [line] = book.exportProfileLines({ limit: 1 }).items
    return { target, line, ann }
  }

  const broken = [
    ['an activity item with an empty event name', (l) => { l.activity[1].name = '' }, 'activity[1].name'],
    ['the first activity item, an order without an amount', (l) => { delete l.activity[0].amount }, /^activity\[0\]/],
    ['a suppression reason of 1001 characters', (l) => { l.suppressions[0].reason = 'x'.repeat(1001) }, 'suppressions[0].reason'],
    ['a static segment the book does not have', (l) => { l.segments = ['No such segment'] }, 'segments[0]'],
    ['a bad email', (l) => { l.email = 'not-an-email' }, 'email'],
    ['a created_at that is no time', (l) => { l.created_at = 'yesterday' }, 'created_at'],
    ['an unknown key', (l) => { l.emial = 'x' }, 'emial'],
    ['a camelCase key (the line is snake_case)', (l) => { l.firstName = 'Ann' }, 'firstName'],
    ['a field value of the wrong type', (l) => { l.fields.tier = 'bronze' }, 'fields.tier'],
  ]
  for (const [what, breakIt, field] of broken) {
    test(what, () => {
      const { target, line, ann } = setUp()
      const bad = structuredClone(line)
      breakIt(bad)
      const before = snapshot(target)
      const error = throwsCode(() => target.restoreLine(bad), 'VALIDATION')
      if (field instanceof RegExp) assert.match(error.field, field, error.message)
      else assert.equal(error.field, field, error.message)
      assert.deepEqual(snapshot(target), before, 'a refused line wrote something')
      assert.equal(target.get(ann.id), null)
      // The line as exported still restores.
      assert.equal(target.restoreLine(line).created, true)
    })
  }

  test('the activity item with an empty event name is named activity[0].name', () => {
    const { target, line, ann } = setUp()
    const bad = { ...line, activity: [{ ...line.activity[1], name: '' }] }
    const before = snapshot(target)
    const error = throwsCode(() => target.restoreLine(bad), 'VALIDATION', 'activity[0].name')
    assert.match(error.message, /activity\[0\]\.name/)
    assert.deepEqual(snapshot(target), before)
    assert.equal(target.get(ann.id), null)
  })

  test('the Promise form rejects with the same error, and writes nothing', async () => {
    const { target, line } = setUp()
    const bad = structuredClone(line)
    bad.activity[1].name = ''
    const before = snapshot(target)
    let thrown
    try {
      target.restoreLine(bad)
    } catch (e) {
      thrown = e
    }
    await assert.rejects(target.promises.restoreLine(bad), (error) => {
      assert.deepEqual({ ...error, message: error.message }, { ...thrown, message: thrown.message })
      return true
    })
    assert.deepEqual(snapshot(target), before)
  })
})

describe('hostile lines', () => {
  test('a value that is not an object is a VALIDATION error on line', () => {
    const book = fresh()
    for (const value of ['text', 42, true, null, undefined, [1, 2], [], new Date(T0), () => 1, Symbol('s'), 10n]) {
      throwsCode(() => book.restoreLine(value), 'VALIDATION', 'line')
    }
    throwsCode(() => book.restoreLine(), 'VALIDATION', 'line')
    throwsCode(() => book.restoreLine({}), 'VALIDATION', 'line')
    throwsCode(() => book.restoreLine({ email: 'ann@example.com' }), 'VALIDATION', 'line')
    assert.equal(book.count(), 0)
  })

  test('nesting thousands deep is refused naming the path, the process carries on', () => {
    const book = fresh()
    let deep = {}
    let at = deep
    for (let i = 0; i < 5000; i++) {
      at.x = {}
      at = at.x
    }
    const error = throwsCode(() => book.restoreLine(deep), 'VALIDATION')
    assert.match(error.field, /^x(\.x)+$/)
    assert.match(error.reason, /nested deeper than 32 levels/)
    const arrays = JSON.parse('['.repeat(20000) + ']'.repeat(20000))
    const inArrays = throwsCode(() => book.restoreLine({ id: 'x', activity: arrays }), 'VALIDATION')
    assert.match(inArrays.field, /^activity(\[0\])+$/)
    const inParams = throwsCode(
      () => book.restoreLine({ id: 'x', activity: [{ kind: 'event', at: '2026-01-01T00:00:00Z', name: 'e', params: { v: deep } }] }),
      'VALIDATION',
    )
    assert.match(inParams.field, /^activity\[0\]\.params\.v(\.x)+$/)
    const cycle = { id: 'x' }
    cycle.self = cycle
    const cyclic = throwsCode(() => book.restoreLine(cycle), 'VALIDATION', 'self')
    assert.match(cyclic.reason, /contains itself/)
    assert.equal(book.count(), 0)
    assert.equal(book.create({ email: 'after@example.com' }).email, 'after@example.com')
  })

  test('params as deep as an event may hold (32 levels from params) restore', () => {
    const { book, ann } = sourceBook()
    let v = 1
    for (let i = 0; i < 31; i++) v = [v]
    book.recordEvent(ann.id, { name: 'deep', params: { v } })
    const [line] = book.exportProfileLines({ limit: 1 }).items
    const target = ContactBook.inMemory({ clock: later(5), defaultRegion: 'UA' })
    for (const catalog of book.exportCatalogLines()) target.restoreLine(catalog)
    assert.equal(target.restoreLine(line).created, true)
    assert.deepEqual(target.activity(ann.id, { period: 'all' }).items[0].params.v, v)
  })

  test('megabyte strings are refused naming the field; beyond the line bound by the reader', () => {
    const { book: source } = sourceBook()
    const [line] = source.exportProfileLines({ limit: 1 }).items
    const book = ContactBook.inMemory({ clock: later(5), defaultRegion: 'UA' })
    for (const catalog of source.exportCatalogLines()) book.restoreLine(catalog)
    const mega = 'x'.repeat(1_000_000)
    const long = throwsCode(() => book.restoreLine({ ...line, first_name: mega }), 'VALIDATION', 'first_name')
    assert.ok(long.value.length < 1000, 'the error quotes the value shortened')
    throwsCode(() => book.restoreLine({ ...line, segments: [mega] }), 'VALIDATION', 'segments[0]')
    // A profile whose input (the card without its timeline) passes 1 MiB of JSON is
    // refused by the core as a whole, as an upsert's input is.
    throwsCode(() => book.restoreLine({ ...line, first_name: mega, last_name: mega }), 'VALIDATION', 'input')
    throwsCode(() => book.restoreLine({ ...line, [mega]: 1 }), 'VALIDATION')
    const whole = throwsCode(() => book.restoreLine(mega), 'VALIDATION', 'line')
    assert.ok(whole.value.length < 1000, 'the error quotes a megabyte line shortened')
    const huge = throwsCode(() => book.restoreLine({ ...line, first_name: 'x'.repeat(40 << 20) }), 'VALIDATION', 'first_name')
    assert.match(huge.reason, /larger than 33554432 bytes/)
    assert.equal(book.count(), 0)
  })

  test('a sparse array claiming 2^32 - 1 elements is refused at its first hole', () => {
    const book = fresh()
    const started = Date.now()
    const error = throwsCode(() => book.restoreLine({ id: 'x', activity: new Array(2 ** 32 - 1) }), 'VALIDATION', 'activity[0]')
    assert.match(error.reason, /expected a JSON value/)
    throwsCode(() => book.restoreLine({ id: 'x', segments: ['VIP', undefined] }), 'VALIDATION', 'segments[1]')
    assert.ok(Date.now() - started < 5_000, 'refused in bounded time')
  })

  test('wrong types are refused naming the field as written in the line', () => {
    const { book: source } = sourceBook()
    const [line] = source.exportProfileLines({ limit: 1 }).items
    const book = ContactBook.inMemory({ clock: later(5), defaultRegion: 'UA' })
    for (const catalog of source.exportCatalogLines()) book.restoreLine(catalog)
    for (const [change, field] of [
      [{ email: 42 }, 'email'],
      [{ id: 7 }, 'id'],
      [{ activity: 'all' }, 'activity'],
      [{ activity: [42] }, 'activity[0]'],
      [{ suppressions: [{}] }, /^suppressions\[0\]/],
      [{ suppressions: [{ ...line.suppressions[0], at: 'then' }] }, 'suppressions[0].at'],
      [{ created_at: 5 }, 'created_at'],
      [{ devices: [{ ...line.devices[0], platform: 'palm' }] }, 'devices[0].platform'],
      [{ categories: 'weekly-news' }, 'categories'],
      [{ first_name: 'Ann\ud800' }, 'first_name'],
      [{ fields: { seen: new Date(NaN) } }, 'fields.seen'],
      [{ location: { ...line.location, latitude: NaN } }, 'location.latitude'],
    ]) {
      const error = throwsCode(() => book.restoreLine({ ...line, ...change }), 'VALIDATION')
      if (field instanceof RegExp) assert.match(error.field, field, error.message)
      else assert.equal(error.field, field, error.message)
    }
    throwsCode(() => book.restoreLine({ field_definition: { key: 'k', type: 'colour' } }), 'VALIDATION', 'field_definition.type')
    const rule = throwsCode(() => book.restoreLine({ segment: { name: 'S', rule: { attr: 'country', op: 'near' } } }), 'VALIDATION')
    assert.match(rule.field, /^rule\./)
    throwsCode(() => book.restoreLine({ category: 42 }), 'VALIDATION', 'category')
    assert.equal(book.count(), 0)
  })
})

describe('book.promises', () => {
  test('the Promise forms answer as the synchronous methods do', async () => {
    const { book } = sourceBook()
    assert.deepEqual(await book.promises.exportCatalogLines(), book.exportCatalogLines())
    assert.deepEqual(await book.promises.exportProfileLines({ limit: 2 }), book.exportProfileLines({ limit: 2 }))
    assert.deepEqual(await book.promises.exportProfileLines(), book.exportProfileLines())
    const lines = exportAll(book)
    const sync = ContactBook.inMemory({ clock: later(5), defaultRegion: 'UA' })
    const promised = ContactBook.inMemory({ clock: later(5), defaultRegion: 'UA' })
    for (const line of lines) {
      assert.deepEqual(await promised.promises.restoreLine(line, 'email'), sync.restoreLine(line, 'email'))
    }
    assert.deepEqual(exportAll(promised), exportAll(sync))
    await assert.rejects(book.promises.exportProfileLines({ cursor: 'junk' }), (e) => e.code === 'VALIDATION' && e.field === 'cursor')
    await assert.rejects(promised.promises.restoreLine('text'), (e) => e.code === 'VALIDATION' && e.field === 'line')
    await assert.rejects(promised.promises.restoreLine(lines[0], 'fax'), (e) => e.code === 'VALIDATION' && e.field === 'dedupeOn')
    promised.close()
    await assert.rejects(promised.promises.restoreLine(lines[0]), (e) => e.code === 'STORAGE')
    await assert.rejects(promised.promises.exportCatalogLines(), (e) => e.code === 'STORAGE')
    throwsCode(() => promised.exportProfileLines(), 'STORAGE')
  })
})
