'use strict'
// Every synchronous operation of ContactBook: plain camelCase objects in and out,
// Dates for every time, decimal strings for money, null when absent, and errors
// with a code and the field at fault.

const { test, describe } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { ContactBook } = require('contactkit')
const { T0, later, UNKNOWN_ID, fresh, throwsCode } = require('./support/book')


const CONTACT_KEYS = [
  'address',
  'applications',
  'categories',
  'contactKey',
  'createdAt',
  'devices',
  'email',
  'emailStatus',
  'externalId',
  'fields',
  'firstName',
  'id',
  'language',
  'lastName',
  'location',
  'orderStats',
  'phone',
  'phoneStatus',
  'segments',
  'source',
  'suppressions',
  'telegram',
  'timezone',
  'updatedAt',
  'webPush',
]

test('index.d.ts declares exactly the methods the native class has (bar the hidden test-only _panicking)', () => {
  const dts = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8')
  const body = dts.slice(dts.indexOf('export declare class ContactBook {'))
  const declared = new Set(
    [...body.matchAll(/^  (?:static |get )?([A-Za-z_]\w*)\(/gm)].map((m) => m[1]),
  )
  const runtime = new Set([
    ...Object.getOwnPropertyNames(ContactBook.prototype).filter((n) => n !== 'constructor'),
    ...Object.getOwnPropertyNames(ContactBook).filter((n) => typeof ContactBook[n] === 'function' && n !== '_panicking'),
  ])
  assert.equal(typeof ContactBook._panicking, 'function', 'the panic-guard test needs it')
  assert.deepEqual([...runtime].sort(), [...declared].sort())
  assert.ok(declared.has('importContacts') && declared.has('canSend') && declared.has('inMemory'))
})

describe('opening and closing', () => {
  test('inMemory and open give working books; options are checked', () => {
    assert.equal(ContactBook.inMemory().count(), 0)
    assert.equal(ContactBook.inMemory(null).count(), 0)
    throwsCode(() => ContactBook.inMemory({ defaultRegion: 'XX' }), 'VALIDATION', 'defaultRegion')
    throwsCode(() => ContactBook.inMemory({ region: 'UA' }), 'VALIDATION', 'region')
    throwsCode(() => ContactBook.inMemory({ default_region: 'UA' }), 'VALIDATION', 'defaultRegion')
  })

  test('a SQLite book keeps its contacts across opens; a foreign file is a STORAGE error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactkit-node-'))
    try {
      const file = path.join(dir, 'book.db')
      const book = ContactBook.open(file, { defaultRegion: 'UA' })
      const ann = book.create({ email: 'ann@example.com', phone: '067 123 4567' })
      book.close()
      const again = ContactBook.open(file)
      assert.equal(again.get(ann.id).phone, '+380671234567')
      again.close()

      const junk = path.join(dir, 'junk.db')
      fs.writeFileSync(junk, 'this is not a database, just some text '.repeat(200))
      throwsCode(() => ContactBook.open(junk), 'STORAGE')
      assert.match(fs.readFileSync(junk, 'utf8'), /^this is not a database/)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  test('a closed book throws STORAGE on every call', () => {
    const book = fresh()
    assert.equal(book.closed, false)
    book.close()
    book.close()
    assert.equal(book.closed, true)
    throwsCode(() => book.count(), 'STORAGE')
    throwsCode(() => book.get(UNKNOWN_ID), 'STORAGE')
    throwsCode(() => book.create({ email: 'x@example.com' }), 'STORAGE')
    // A closed book stays closed: no retry helps.
    assert.throws(() => book.count(), (e) => e.retryable === false)
  })

  test('a manual clock stamps every date; setClock moves it', () => {
    const book = fresh()
    assert.ok(book.now() instanceof Date)
    assert.equal(book.now().toISOString(), T0.toISOString())
    const first = book.create({ email: 'clock@example.com' })
    book.setClock(later(2))
    assert.equal(book.now().getTime(), later(2).getTime())
    const updated = book.update(first.id, { firstName: 'Clock' })
    assert.equal(updated.createdAt.getTime(), T0.getTime())
    assert.equal(updated.updatedAt.getTime(), later(2).getTime())
    throwsCode(() => ContactBook.inMemory().setClock(T0), 'VALIDATION', 'clock')
    throwsCode(() => book.setClock(new Date('nonsense')), 'VALIDATION', 'at')
  })
})

describe('profiles', () => {
  test('create returns a plain camelCase object with Dates and every key', () => {
    const book = fresh()
    const ann = book.create({
      email: ' Ann@Example.COM ',
      phone: '067 123 4567',
      firstName: 'Ann',
      lastName: 'Koval',
      externalId: 'crm-1',
      contactKey: 'ann-key',
      address: { country: 'ua', town: 'Kyiv', streetAddress: 'Khreshchatyk 1' },
      location: { latitude: 50.45, longitude: 30.52, accuracy: 10, source: 'gps' },
      timezone: 'Europe/Kyiv',
      language: 'uk',
    })
    assert.deepEqual(Object.keys(ann).sort(), CONTACT_KEYS)
    assert.equal(Object.getPrototypeOf(ann), Object.prototype)
    assert.match(ann.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    assert.equal(ann.email, 'ann@example.com')
    assert.equal(ann.emailStatus, 'active')
    assert.equal(ann.phone, '+380671234567')
    assert.equal(ann.phoneStatus, 'active')
    assert.deepEqual(ann.address, {
      country: 'UA',
      region: null,
      town: 'Kyiv',
      streetAddress: 'Khreshchatyk 1',
      postcode: null,
    })
    assert.equal(ann.location.source, 'gps')
    assert.ok(ann.location.updatedAt instanceof Date)
    assert.ok(ann.createdAt instanceof Date)
    assert.equal(ann.createdAt.getTime(), T0.getTime())
    assert.equal(ann.source, 'api')
    assert.deepEqual(ann.orderStats, { orderCount: 0, revenue: {}, lastOrderAt: null })
    assert.deepEqual(ann.fields, {})
    assert.equal(ann.telegram, null)
  })

  test('upsert merges: undefined and absent keep, null clears; dedupeOn picks the key', () => {
    const book = fresh()
    const first = book.upsert({ email: 'merge@example.com', firstName: 'Ann', lastName: 'Koval' })
    const kept = book.upsert({ email: 'merge@example.com', firstName: undefined, lastName: null })
    assert.equal(kept.id, first.id)
    assert.equal(kept.firstName, 'Ann')
    assert.equal(kept.lastName, null)
    const byKey = book.upsert({ externalId: 'ext-9', email: 'other@example.com' }, { dedupeOn: 'external_id' })
    const again = book.upsert({ externalId: 'ext-9', firstName: 'Ira' }, { dedupeOn: 'external_id' })
    assert.equal(again.id, byKey.id)
    assert.equal(again.email, 'other@example.com')
    assert.equal(book.upsert({ id: first.id, firstName: 'Anna' }, { dedupeOn: 'id' }).firstName, 'Anna')
    throwsCode(() => book.upsert({ email: 'x@example.com' }, { dedupeOn: 'fax' }), 'VALIDATION', 'dedupeOn')
    throwsCode(() => book.upsert({ email: 'x@example.com' }, { dedupe_on: 'email' }), 'VALIDATION', 'dedupeOn')
    assert.equal(book.count(), 2)
  })

  test('get and the finders return the contact, or null when there is none', () => {
    const book = fresh()
    const c = book.create({ email: 'find@example.com', phone: '+380501112233', contactKey: 'k-1', externalId: 'e-1' })
    assert.equal(book.get(c.id).id, c.id)
    assert.equal(book.findByEmail('FIND@example.com ').id, c.id)
    assert.equal(book.findByPhone('050 111 2233').id, c.id)
    assert.equal(book.findByKey('k-1').id, c.id)
    assert.equal(book.findByExternalId('e-1').id, c.id)
    assert.equal(book.get(UNKNOWN_ID), null)
    assert.equal(book.findByEmail('nobody@example.com'), null)
    assert.equal(book.findByPhone('+380509999999'), null)
    assert.equal(book.findByKey('nope'), null)
    assert.equal(book.findByExternalId('nope'), null)
    // A value that is no email (or phone) finds nobody: it cannot be anyone's.
    assert.equal(book.findByEmail('not an email'), null)
    assert.equal(book.findByPhone('not a phone'), null)
  })

  test('update, delete (soft) and restore', () => {
    const book = fresh()
    const c = book.create({ email: 'soft@example.com', firstName: 'Soft' })
    book.setClock(later(1))
    const updated = book.update(c.id, { lastName: 'Delete', address: { country: 'PL' } })
    assert.equal(updated.lastName, 'Delete')
    assert.equal(updated.updatedAt.getTime(), later(1).getTime())
    assert.equal(book.delete(c.id), undefined)
    assert.equal(book.get(c.id), null)
    assert.equal(book.findByEmail('soft@example.com'), null)
    assert.equal(book.count(), 0)
    throwsCode(() => book.update(c.id, { firstName: 'Ghost' }), 'NOT_FOUND')
    throwsCode(() => book.create({ email: 'soft@example.com' }), 'CONFLICT', 'email')
    const back = book.restore(c.id)
    assert.equal(back.firstName, 'Soft')
    assert.equal(book.count(), 1)
    throwsCode(() => book.restore(UNKNOWN_ID), 'NOT_FOUND')
  })

  test('list pages in creation order with a cursor', () => {
    const book = fresh()
    const ids = []
    for (let i = 0; i < 5; i++) {
      book.setClock(later(i))
      ids.push(book.create({ email: `p${i}@example.com` }).id)
    }
    const page1 = book.list({ limit: 2 })
    assert.deepEqual(Object.keys(page1).sort(), ['items', 'nextCursor'])
    assert.deepEqual(page1.items.map((c) => c.id), ids.slice(0, 2))
    const page2 = book.list({ limit: 2, cursor: page1.nextCursor })
    assert.deepEqual(page2.items.map((c) => c.id), ids.slice(2, 4))
    const page3 = book.list({ limit: 2, cursor: page2.nextCursor })
    assert.deepEqual(page3.items.map((c) => c.id), ids.slice(4))
    assert.equal(page3.nextCursor, null)
    assert.equal(book.list().items.length, 5)
    assert.equal(book.list(null).items.length, 5)
    assert.equal(book.count(), 5)
    throwsCode(() => book.list({ limit: 0 }), 'VALIDATION', 'limit')
    throwsCode(() => book.list({ limit: 1001 }), 'VALIDATION', 'limit')
  })
})

describe('channels', () => {
  test('mobile push devices, apps, web push and Telegram', () => {
    const book = fresh()
    const c = book.create({ email: 'dev@example.com' })
    let got = book.addMobilePush(c.id, { appId: 'shop', deviceId: 'phone-1', token: 'tok-1', platform: 'ios', osVersion: '18.1' })
    assert.equal(got.devices.length, 1)
    const device = got.devices[0]
    assert.equal(device.appId, 'shop')
    assert.equal(device.osVersion, '18.1')
    assert.equal(device.active, true)
    assert.ok(device.registeredAt instanceof Date)
    assert.ok(device.lastSeenAt instanceof Date)
    got = book.registerApp(c.id, { appId: 'loyalty', deviceId: 'phone-1' })
    assert.deepEqual(got.applications, [
      { appId: 'shop', deviceIds: ['phone-1'] },
      { appId: 'loyalty', deviceIds: ['phone-1'] },
    ])
    assert.equal(got.devices[1].token, null)
    got = book.removeApp(c.id, 'loyalty')
    assert.equal(got.applications.length, 1)
    got = book.removeMobilePush(c.id, 'tok-1')
    assert.deepEqual(got.devices, [])
    throwsCode(() => book.removeMobilePush(c.id, 'tok-1'), 'NOT_FOUND')
    throwsCode(() => book.removeApp(c.id, 'loyalty'), 'NOT_FOUND')
    throwsCode(() => book.addMobilePush(c.id, { appId: 'shop', deviceId: 'd' }), 'VALIDATION', 'mobilePush[0].token')
    throwsCode(() => book.addMobilePush(c.id, { appId: 'shop', deviceId: 'd', token: 't', platform: 'windows' }), 'VALIDATION', 'device.platform')

    const endpoint = 'https://push.example.com/send/abc'
    const p256dh = 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM'
    const auth = 'tBHItJI5svbpez7KI4CCXg'
    got = book.addWebPush(c.id, { endpoint, keys: { p256dh, auth }, userAgent: 'Firefox' })
    assert.equal(got.webPush.length, 1)
    assert.equal(got.webPush[0].userAgent, 'Firefox')
    assert.ok(got.webPush[0].createdAt instanceof Date)
    assert.equal(book.removeWebPush(c.id, endpoint).webPush.length, 0)
    throwsCode(() => book.addWebPush(c.id, { endpoint: 'http://insecure', p256dh, auth }), 'VALIDATION', 'webPush[0].endpoint')

    got = book.setTelegram(c.id, { botId: 'bot', chatId: '42' })
    assert.deepEqual(got.telegram, { botId: 'bot', chatId: '42' })
    assert.equal(book.setTelegram(c.id, null).telegram, null)
    throwsCode(() => book.setTelegram(c.id, { botId: 'bot' }), 'VALIDATION', 'telegram.chatId')
  })
})

describe('consent', () => {
  test('suppression records carry Dates and reasons; statuses and canSend follow them', () => {
    const book = fresh()
    const c = book.create({ email: 'consent@example.com', phone: '+380671112233' })
    assert.deepEqual(book.canSend(c.id, 'email'), { allowed: true, reason: 'ok' })

    book.setClock(later(1))
    let got = book.unsubscribe(c.id, 'email', 'too many')
    assert.equal(got.emailStatus, 'unsubscribed')
    assert.deepEqual(got.suppressions, [
      {
        channel: 'email',
        address: 'consent@example.com',
        kind: 'unsubscribed',
        at: later(1),
        reason: 'too many',
        liftedAt: null,
        liftNote: null,
      },
    ])
    assert.deepEqual(book.canSend(c.id, 'email'), { allowed: false, reason: 'unsubscribed' })

    book.setClock(later(2))
    got = book.reportSpam(c.id, 'email')
    assert.equal(got.emailStatus, 'spam_complaint')
    got = book.blacklist(c.id, 'email')
    assert.equal(got.emailStatus, 'blacklisted')
    assert.equal(got.suppressions.at(-1).reason, 'manual')

    book.setClock(later(3))
    got = book.unblacklist(c.id, 'email', 'confirmed by support')
    const lifted = got.suppressions.find((r) => r.kind === 'blacklisted')
    assert.equal(lifted.liftedAt.getTime(), later(3).getTime())
    assert.equal(lifted.liftNote, 'confirmed by support')
    got = book.resubscribe(c.id, 'email')
    assert.equal(got.emailStatus, 'active')
    throwsCode(() => book.unblacklist(c.id, 'email', 'again'), 'NOT_FOUND')
    throwsCode(() => book.unblacklist(c.id, 'email', ''), 'VALIDATION', 'note')

    const records = book.suppressions('email', 'Consent@Example.com')
    assert.equal(records.length, 3)
    assert.ok(records.every((r) => r.at instanceof Date))
    assert.deepEqual(book.suppressions('sms', '+380671112233'), [])

    book.blacklist(c.id, 'sms', 'invalid_number')
    assert.equal(book.get(c.id).phoneStatus, 'blacklisted')
    assert.deepEqual(book.canSend(c.id, 'sms'), { allowed: false, reason: 'blacklisted' })
    assert.deepEqual(book.canSend(c.id, 'mobile_push'), { allowed: false, reason: 'no_address' })
    assert.deepEqual(book.canSend(UNKNOWN_ID, 'email'), { allowed: false, reason: 'unknown_contact' })
    throwsCode(() => book.canSend(c.id, 'fax'), 'VALIDATION', 'channel')
    throwsCode(() => book.blacklist(c.id, 'pigeon'), 'VALIDATION', 'channel')
    throwsCode(() => book.canSend(c.id, 'email', 'no-such-category'), 'NOT_FOUND')
  })

  test('sign-up addresses are unconfirmed until confirmed', () => {
    const book = fresh()
    const c = book.signUp({ email: 'form@example.com' })
    assert.equal(c.emailStatus, 'unconfirmed')
    assert.equal(c.source, 'subscription_form')
    assert.deepEqual(book.canSend(c.id, 'email'), { allowed: false, reason: 'unconfirmed' })
    assert.equal(book.confirm(c.id, 'email').emailStatus, 'active')
    throwsCode(() => book.confirm(c.id, 'sms'), 'VALIDATION', 'channel')
  })
})

describe('categories and segments', () => {
  test('categories have slug keys and backing segments; canSend checks them', () => {
    const book = fresh()
    const c = book.create({ email: 'cat@example.com' })
    const news = book.defineCategory('Weekly news')
    assert.equal(news.key, 'weekly-news')
    assert.equal(news.title, 'Weekly news')
    assert.equal(typeof news.segmentId, 'string')
    assert.deepEqual(book.categories(), [news])
    assert.deepEqual(book.canSend(c.id, 'email', 'weekly-news'), { allowed: false, reason: 'not_in_category' })
    let got = book.addCategory(c.id, 'weekly-news')
    assert.deepEqual(got.categories, ['weekly-news'])
    assert.deepEqual(book.canSend(c.id, 'email', 'weekly-news'), { allowed: true, reason: 'ok' })
    got = book.removeCategory(c.id, 'weekly-news')
    assert.deepEqual(got.categories, [])
    throwsCode(() => book.defineCategory('Weekly news'), 'CONFLICT', 'key')
    throwsCode(() => book.addCategory(c.id, 'nope'), 'NOT_FOUND')
    const backing = book.segments().find((s) => s.id === news.segmentId)
    assert.equal(backing.categoryKey, 'weekly-news')
    throwsCode(() => book.addToSegment(c.id, news.segmentId), 'VALIDATION', 'segment')
  })

  test('static segments and their members, paged', () => {
    const book = fresh()
    const vip = book.createSegment('VIP')
    assert.deepEqual(vip, { id: vip.id, name: 'VIP', kind: 'static', categoryKey: null, rule: null })
    const ids = []
    for (let i = 0; i < 3; i++) {
      book.setClock(later(i))
      const c = book.create({ email: `vip${i}@example.com` })
      ids.push(c.id)
      assert.deepEqual(book.addToSegment(c.id, vip.id).segments, [vip.id])
    }
    const page1 = book.segmentMembers(vip.id, { limit: 2 })
    assert.deepEqual(page1.items.map((c) => c.id), ids.slice(0, 2))
    const page2 = book.segmentMembers(vip.id, { limit: 2, cursor: page1.nextCursor })
    assert.deepEqual(page2.items.map((c) => c.id), ids.slice(2))
    assert.equal(page2.nextCursor, null)
    assert.deepEqual(book.removeFromSegment(ids[0], vip.id).segments, [])
    assert.equal(book.segmentMembers(vip.id).items.length, 2)
    assert.deepEqual(book.segments(), [vip])
    throwsCode(() => book.createSegment('vip'), 'CONFLICT', 'name')
    throwsCode(() => book.addToSegment(ids[0], UNKNOWN_ID), 'NOT_FOUND')
    throwsCode(() => book.segmentMembers(UNKNOWN_ID), 'NOT_FOUND')
  })
})

describe('additional fields', () => {
  test('typed values in and out: decimals as strings, datetimes as Dates, dates as YYYY-MM-DD', () => {
    const book = fresh()
    const defs = [
      { key: 'nickname', type: 'text' },
      { key: 'age', type: 'number', min: '0', max: '150' },
      { key: 'credit', title: 'Credit', type: 'decimal', min: '0', max: '1000.00' },
      { key: 'birthday', type: 'date' },
      { key: 'last_visit', type: 'datetime' },
      { key: 'vip', type: 'boolean' },
      { key: 'tier', type: 'list', options: ['bronze', 'silver', 'gold'] },
      { key: 'interests', type: 'multilist', options: ['books', 'music', 'travel'] },
    ]
    for (const def of defs) book.defineField(def)
    const credit = book.fieldDefinitions().find((d) => d.key === 'credit')
    assert.deepEqual(credit, {
      key: 'credit',
      title: 'Credit',
      type: 'decimal',
      required: false,
      readonly: false,
      options: [],
      min: '0',
      max: '1000.00',
    })
    assert.equal(book.fieldDefinitions().length, defs.length)
    throwsCode(() => book.defineField({ key: 'age', type: 'text' }), 'CONFLICT', 'key')
    throwsCode(() => book.defineField({ key: 'bad', type: 'colour' }), 'VALIDATION', 'type')

    const c = book.create({ email: 'fields@example.com', fields: { nickname: 'Fifi', age: 33 } })
    assert.deepEqual(c.fields, { nickname: 'Fifi', age: 33 })
    const visit = new Date('2026-02-27T08:30:00.000Z')
    let got = book.setField(c.id, 'credit', '120.50')
    got = book.setField(c.id, 'last_visit', visit)
    got = book.setField(c.id, 'birthday', '1990-03-09')
    got = book.setField(c.id, 'vip', true)
    got = book.setField(c.id, 'tier', 'gold')
    got = book.setField(c.id, 'interests', ['travel', 'books'])
    assert.equal(got.fields.credit, '120.50')
    assert.ok(got.fields.last_visit instanceof Date)
    assert.equal(got.fields.last_visit.getTime(), visit.getTime())
    assert.equal(got.fields.birthday, '1990-03-09')
    assert.equal(got.fields.vip, true)
    assert.equal(got.fields.tier, 'gold')
    assert.deepEqual(got.fields.interests, ['books', 'travel'])
    // The platform's string forms parse too; a datetime string with an offset lands in UTC.
    got = book.setField(c.id, 'last_visit', '2024-05-01T12:00:00+03:00')
    assert.equal(got.fields.last_visit.toISOString(), '2024-05-01T09:00:00.000Z')
    assert.equal(book.setField(c.id, 'age', '42').fields.age, 42)

    throwsCode(() => book.setField(c.id, 'age', 200), 'VALIDATION', 'fields.age')
    throwsCode(() => book.setField(c.id, 'tier', 'platinum'), 'VALIDATION', 'fields.tier')
    throwsCode(() => book.setField(c.id, 'last_visit', 'yesterday'), 'VALIDATION', 'fields.last_visit')
    throwsCode(() => book.update(c.id, { fields: { birthday: '1990-13-45' } }), 'VALIDATION', 'fields.birthday')
    throwsCode(() => book.setField(c.id, 'nope', 'x'), 'VALIDATION', 'fields.nope')
    assert.equal(book.get(c.id).fields.age, 42, 'a rejected value changes nothing')

    got = book.clearField(c.id, 'credit')
    assert.equal('credit' in got.fields, false)
    got = book.update(c.id, { fields: { nickname: null } })
    assert.equal('nickname' in got.fields, false)
  })
})

describe('activity', () => {
  test('campaigns, events and orders with Dates, decimal strings and display hints', () => {
    const book = fresh()
    const c = book.create({ email: 'timeline@example.com' })
    const sentAt = later(-2)
    const campaign = book.recordCampaign(c.id, {
      messageId: 'm-1',
      messageName: 'Spring sale',
      channel: 'email',
      status: 'sent',
      at: sentAt,
    })
    assert.equal(campaign.kind, 'campaign')
    assert.equal(campaign.color, 'green')
    assert.equal(campaign.icon, 'email')
    assert.equal(campaign.contactId, c.id)
    assert.equal(campaign.messageName, 'Spring sale')
    assert.ok(campaign.at instanceof Date)
    assert.equal(campaign.at.getTime(), sentAt.getTime())
    assert.equal(book.recordCampaign(c.id, { messageId: 'm-1', channel: 'email', status: 'clicked' }).status, 'clicked')
    assert.equal(book.recordCampaign(c.id, { messageId: 'm-1', channel: 'email', status: 'read' }).status, 'clicked')

    book.setClock(later(-1))
    const event = book.recordEvent(c.id, {
      name: 'product_viewed',
      keyValue: 'sku-1',
      params: { product_id: 'sku-1', price: 9.5, nested: { snake_case: true } },
      workflows: ['welcome'],
    })
    assert.equal(event.kind, 'event')
    assert.equal(event.icon, 'flag')
    assert.equal(event.keyValue, 'sku-1')
    // Event parameters are data: their keys cross exactly as written.
    assert.deepEqual(event.params, { product_id: 'sku-1', price: 9.5, nested: { snake_case: true } })
    throwsCode(() => book.recordEvent(c.id, { name: 'bad!name' }), 'VALIDATION', 'name')

    book.setClock(T0)
    const order = book.recordOrder(c.id, {
      externalId: 'order-1',
      amount: '120.50',
      currency: 'uah',
      status: 'delivered',
      items: [{ productId: 'sku-1', name: 'Mug', quantity: '2', price: '60.25' }],
      shipping: '0.00',
      deliveryAddress: { country: 'UA', town: 'Lviv' },
    })
    assert.equal(order.kind, 'order')
    assert.equal(order.color, 'red')
    assert.equal(order.icon, 'shopping_bag')
    assert.equal(order.amount, '120.50')
    assert.equal(typeof order.amount, 'string')
    assert.equal(order.currency, 'UAH')
    assert.deepEqual(order.items, [{ productId: 'sku-1', name: 'Mug', quantity: '2', price: '60.25' }])
    assert.equal(order.shipping, '0.00')
    assert.equal(order.deliveryAddress.town, 'Lviv')
    const profile = book.get(c.id)
    assert.deepEqual(profile.orderStats, { orderCount: 1, revenue: { UAH: '120.50' }, lastOrderAt: T0 })
    assert.equal(profile.address.town, 'Lviv', 'a delivery address fills an empty address')
    throwsCode(() => book.recordOrder(c.id, { externalId: 'o-2', amount: 12.5, currency: 'UAH' }), 'VALIDATION', 'amount')
    throwsCode(
      () => book.recordOrder(c.id, { externalId: 'o-2', amount: '1', currency: 'UAH', items: [{ productId: 'p', quantity: '0', price: '1' }] }),
      'VALIDATION',
      'items[0].quantity',
    )
    throwsCode(
      () => book.recordOrder(c.id, { externalId: 'o-2', amount: '1', currency: 'UAH', deliveryAddress: { country: 'ZZ' } }),
      'VALIDATION',
      'deliveryAddress.country',
    )
    throwsCode(() => book.recordOrder(UNKNOWN_ID, { externalId: 'o-3', amount: '1', currency: 'UAH' }), 'NOT_FOUND')

    const all = book.activity(c.id)
    assert.deepEqual(all.items.map((a) => a.kind), ['order', 'event', 'campaign'])
    assert.equal(all.nextCursor, null)
    const page1 = book.activity(c.id, { limit: 1 })
    assert.equal(page1.items[0].kind, 'order')
    const page2 = book.activity(c.id, { limit: 1, cursor: page1.nextCursor })
    assert.equal(page2.items[0].kind, 'event')
    assert.deepEqual(
      book.activity(c.id, { category: 'campaigns', period: '7d' }).items.map((a) => a.messageId),
      ['m-1'],
    )
    const windowed = book.activity(c.id, { since: later(-1), until: T0 })
    assert.deepEqual(windowed.items.map((a) => a.kind), ['event'])
    throwsCode(() => book.activity(c.id, { period: '2w' }), 'VALIDATION', 'period')
    throwsCode(() => book.activity(c.id, { since: T0, until: later(-1) }), 'VALIDATION', 'since')
    throwsCode(() => book.activity(c.id, { cursor: 'garbage' }), 'VALIDATION', 'cursor')
  })
})

describe('errors', () => {
  test('each core error variant has its code and details', () => {
    const book = fresh()
    const a = book.create({ email: 'a@example.com' })

    const validation = throwsCode(() => book.create({ email: 'not-an-email' }), 'VALIDATION', 'email')
    assert.equal(validation.value, 'not-an-email')
    assert.equal(typeof validation.reason, 'string')
    assert.match(validation.message, /not-an-email/)

    const conflict = throwsCode(() => book.create({ email: 'a@example.com' }), 'CONFLICT', 'email')
    assert.equal(conflict.value, 'a@example.com')
    assert.match(conflict.existing, new RegExp(a.id))
    assert.equal(conflict.existingId, a.id)

    const missing = throwsCode(() => book.update(UNKNOWN_ID, {}), 'NOT_FOUND')
    assert.equal(missing.field, undefined)
    assert.equal(missing.what, 'contact')
    assert.equal(missing.id, UNKNOWN_ID)

    book.close()
    const storage = throwsCode(() => book.count(), 'STORAGE')
    assert.equal(storage.field, undefined)
  })

  test('bad input names the camelCase key at fault, nested keys dotted', () => {
    const book = fresh()
    throwsCode(() => book.create({ firstName: 'Ann1234' }), 'VALIDATION', 'firstName')
    throwsCode(() => book.create({ address: { country: 'XX' } }), 'VALIDATION', 'address.country')
    throwsCode(() => book.create({ location: { latitude: 200, longitude: 0 } }), 'VALIDATION', 'location.latitude')
    throwsCode(() => book.create({ timezone: 'Europe/Atlantis' }), 'VALIDATION', 'timezone')
    throwsCode(() => book.create({ mobilePush: [{ appId: 'a', deviceId: 'd', token: '' }] }), 'VALIDATION', 'mobilePush[0].token')
    throwsCode(() => book.create({ emial: 'typo@example.com' }), 'VALIDATION', 'emial')
    throwsCode(() => book.create({ first_name: 'Snake' }), 'VALIDATION', 'firstName')
    throwsCode(() => book.create({ location: { latitude: NaN, longitude: 0 } }), 'VALIDATION', 'location.latitude')
    throwsCode(() => book.create({ firstName: () => 'Ann' }), 'VALIDATION', 'firstName')
    throwsCode(() => book.create({ source: 'carrier_pigeon' }), 'VALIDATION', 'source')
    throwsCode(() => book.create(42), 'VALIDATION')
    throwsCode(() => book.create(null), 'VALIDATION')
    assert.equal(book.count(), 0, 'nothing was written')
  })

  test('an argument of the wrong type is a VALIDATION error naming the parameter', () => {
    const book = fresh()
    const c = book.create({ email: 'types@example.com' })
    throwsCode(() => ContactBook.open(42), 'VALIDATION', 'path')
    throwsCode(() => book.get(42), 'VALIDATION', 'id')
    throwsCode(() => book.get(), 'VALIDATION', 'id')
    throwsCode(() => book.findByKey(null), 'VALIDATION', 'contactKey')
    throwsCode(() => book.findByExternalId({}), 'VALIDATION', 'externalId')
    throwsCode(() => book.canSend(c.id, 42), 'VALIDATION', 'channel')
    throwsCode(() => book.canSend(c.id, 'email', 7), 'VALIDATION', 'category')
    throwsCode(() => book.blacklist(c.id, 'email', { why: 'x' }), 'VALIDATION', 'reason')
    throwsCode(() => book.addToSegment(c.id, 1), 'VALIDATION', 'segmentId')
    throwsCode(() => book.setField(c.id, Symbol('key'), 'x'), 'VALIDATION', 'key')
    // Optional arguments may be left out or null.
    assert.equal(book.blacklist(c.id, 'email', null).emailStatus, 'blacklisted')
    assert.deepEqual(book.canSend(c.id, 'email', undefined), { allowed: false, reason: 'blacklisted' })
  })

  test('a throwing getter in an input propagates its own exception', () => {
    const book = fresh()
    const failure = new RangeError('getter failed')
    const input = {
      get email() {
        throw failure
      },
    }
    assert.throws(() => book.create(input), (e) => e === failure)
    assert.equal(book.count(), 0)
  })
})
