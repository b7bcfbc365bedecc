'use strict'
// Issue 11 in Node: the operations a real contact base needs (lookups by push token
// and web push endpoint, suppressions of addresses no contact holds, a spam reason,
// renames and deletes of categories, segments and fields, canSend by any identifier
// and for many at once), and the rules at the edges where the binding converts the
// value involved (ids in any case, names stored NFC, a device registered again,
// `sentTo` on a campaign, exact order totals as decimal strings).

const { test, describe } = require('node:test')
const assert = require('node:assert/strict')
const { T0, later, UNKNOWN_ID, fresh, throwsCode } = require('./support/book')

const P256DH = 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM'
const AUTH = 'tBHItJI5svbpez7KI4CCXg'

/** What the book shows of its catalogue and contacts: a refused call leaves it as it was. */
function snapshot(book, addresses = []) {
  return {
    contacts: book.list({ limit: 1000 }).items,
    segments: book.segments(),
    categories: book.categories(),
    fields: book.fieldDefinitions(),
    suppressions: addresses.map(([channel, address]) => book.suppressions(channel, address)),
  }
}

describe('lookups by changeable identifiers', () => {
  test('findByPushToken finds the holder of a token, and follows the token when it moves', () => {
    const book = fresh()
    const ann = book.create({ email: 'ann@example.com' })
    const bob = book.create({ email: 'bob@example.com' })
    book.addMobilePush(ann.id, { appId: 'shop', deviceId: 'd1', token: 'tok-1', platform: 'ios' })
    assert.equal(book.findByPushToken('tok-1').id, ann.id)
    assert.equal(book.findByPushToken(' tok-1 ').id, ann.id, 'the token is trimmed as it is stored')
    assert.equal(book.findByPushToken('tok-2'), null)

    book.addMobilePush(bob.id, { appId: 'shop', deviceId: 'd2', token: 'tok-1', platform: 'android' })
    assert.equal(book.findByPushToken('tok-1').id, bob.id)
    book.delete(bob.id)
    assert.equal(book.findByPushToken('tok-1'), null, 'a deleted contact is not found')
    throwsCode(() => book.findByPushToken(42), 'VALIDATION', 'token')
  })

  test('findByWebPushEndpoint normalises the URL as it is stored; a malformed one finds nobody', () => {
    const book = fresh()
    const ann = book.create({ email: 'ann@example.com' })
    book.addWebPush(ann.id, { endpoint: 'https://push.example.com/send/a', p256dh: P256DH, auth: AUTH })
    const found = book.findByWebPushEndpoint('HTTPS://Push.Example.com/send/a')
    assert.equal(found.id, ann.id)
    assert.equal(found.webPush[0].endpoint, 'https://push.example.com/send/a')
    assert.equal(book.findByWebPushEndpoint('https://push.example.com/send/b'), null)
    assert.equal(book.findByWebPushEndpoint('not a url'), null)
    assert.equal(book.findByWebPushEndpoint('http://push.example.com/send/a'), null)
    assert.equal(book.findByWebPushEndpoint(''), null)
    // Not a string at all is still a bad argument.
    throwsCode(() => book.findByWebPushEndpoint(null), 'VALIDATION', 'endpoint')
  })
})

describe('consent', () => {
  test('reportSpam keeps the reason given; without one the reason is null', () => {
    const book = fresh()
    const ann = book.create({ email: 'ann@example.com', phone: '+380671112233' })
    let got = book.reportSpam(ann.id, 'email', 'abuse report')
    assert.equal(got.emailStatus, 'spam_complaint')
    assert.deepEqual(got.suppressions, [
      { channel: 'email', address: 'ann@example.com', kind: 'spam_complaint', at: T0, reason: 'abuse report', liftedAt: null, liftNote: null },
    ])
    got = book.reportSpam(ann.id, 'sms', null)
    assert.equal(got.phoneStatus, 'spam_complaint')
    assert.equal(book.suppressions('sms', '+380671112233')[0].reason, null)
    assert.deepEqual(book.canSend(ann.id, 'email'), { allowed: false, reason: 'spam_complaint' })

    const before = snapshot(book)
    throwsCode(() => book.reportSpam(ann.id, 'email', 42), 'VALIDATION', 'reason')
    throwsCode(() => book.reportSpam(ann.id, 'email', 'x'.repeat(1001)), 'VALIDATION', 'reason')
    throwsCode(() => book.reportSpam(ann.id, 'fax', 'why'), 'VALIDATION', 'channel')
    throwsCode(() => book.reportSpam(UNKNOWN_ID, 'email', 'why'), 'NOT_FOUND')
    assert.deepEqual(snapshot(book), before, 'a refused complaint wrote nothing')
  })

  test('suppressAddress records an address no contact holds; the contact who takes it later is suppressed', () => {
    const book = fresh()
    let records = book.suppressAddress('email', ' Later@Example.com ', 'unsubscribed', 'list import')
    assert.deepEqual(records, [
      { channel: 'email', address: 'later@example.com', kind: 'unsubscribed', at: T0, reason: 'list import', liftedAt: null, liftNote: null },
    ])
    assert.equal(book.count(), 0, 'no contact is made')

    // The same kind again is a no-op: the first date and reason stand.
    book.setClock(later(1))
    records = book.suppressAddress('email', 'later@example.com', 'unsubscribed', 'second list')
    assert.equal(records.length, 1)
    assert.equal(records[0].reason, 'list import')
    assert.equal(records[0].at.getTime(), T0.getTime())
    // Another kind is another record, oldest first; the reason is optional.
    records = book.suppressAddress('email', 'later@example.com', 'blacklisted')
    assert.deepEqual(records.map((r) => [r.kind, r.reason]), [['unsubscribed', 'list import'], ['blacklisted', null]])
    assert.deepEqual(book.suppressions('email', 'later@example.com'), records)

    const later_ = book.create({ email: 'later@example.com' })
    assert.equal(later_.emailStatus, 'blacklisted')
    assert.deepEqual(book.canSend('later@example.com', 'email'), { allowed: false, reason: 'blacklisted' })

    // A phone is read like any phone: national in the default region, stored E.164.
    records = book.suppressAddress('sms', '067 123 4567', 'spam_complaint', 'carrier report')
    assert.equal(records[0].address, '+380671234567')
    assert.equal(book.create({ phone: '+380671234567' }).phoneStatus, 'spam_complaint')
  })

  test('suppressAddress refuses what is not an email or phone suppression, and writes nothing', () => {
    const book = fresh()
    const addresses = [['email', 'x@example.com'], ['sms', '+380671234567']]
    const before = snapshot(book, addresses)
    throwsCode(() => book.suppressAddress('mobile_push', 'tok-1', 'blacklisted'), 'VALIDATION', 'channel')
    throwsCode(() => book.suppressAddress('telegram', '42', 'unsubscribed'), 'VALIDATION', 'channel')
    throwsCode(() => book.suppressAddress('fax', 'x@example.com', 'unsubscribed'), 'VALIDATION', 'channel')
    throwsCode(() => book.suppressAddress('email', 'x@example.com', 'bounced'), 'VALIDATION', 'kind')
    throwsCode(() => book.suppressAddress('email', 'x@example.com', 42), 'VALIDATION', 'kind')
    throwsCode(() => book.suppressAddress('email', 'x@example.com', 'spam_complaint', 7), 'VALIDATION', 'reason')
    throwsCode(() => book.suppressAddress('email', 'not-an-email', 'unsubscribed'), 'VALIDATION', 'email')
    throwsCode(() => book.suppressAddress('email', ['x@example.com'], 'unsubscribed'), 'VALIDATION', 'address')
    throwsCode(() => book.suppressAddress('sms', '12', 'unsubscribed'), 'VALIDATION', 'phone')
    assert.deepEqual(snapshot(book, addresses), before)
  })

  test('canSend takes any identifier: the id in any case, email, phone, external id, contact key', () => {
    const book = fresh()
    const ann = book.create({ email: 'ann@example.com', phone: '+380671112233', externalId: 'crm-1', contactKey: 'ann-key' })
    book.unsubscribe(ann.id, 'email')
    const unsubscribed = { allowed: false, reason: 'unsubscribed' }
    for (const who of [ann.id, ann.id.toUpperCase(), 'ANN@example.com', 'crm-1', 'ann-key']) {
      assert.deepEqual(book.canSend(who, 'email'), unsubscribed, who)
    }
    assert.deepEqual(book.canSend('067 111 2233', 'sms'), { allowed: true, reason: 'ok' })
    assert.deepEqual(book.canSend('nobody@example.com', 'email'), { allowed: false, reason: 'unknown_contact' })
    throwsCode(() => book.canSend(42, 'email'), 'VALIDATION', 'who')
  })

  test('canSendMany answers for every identifier, in order, as canSend would', () => {
    const book = fresh()
    const news = book.defineCategory('News')
    const ann = book.create({ email: 'ann@example.com', externalId: 'crm-1', categories: [news.key] })
    const bob = book.create({ email: 'bob@example.com' })
    const cy = book.create({ phone: '+380671112233' })
    book.blacklist(bob.id, 'email')
    const who = [ann.id, 'bob@example.com', cy.id, 'nobody@example.com', 'CRM-1', 'crm-1']
    const decisions = book.canSendMany(who, 'email')
    assert.deepEqual(decisions, [
      { allowed: true, reason: 'ok' },
      { allowed: false, reason: 'blacklisted' },
      { allowed: false, reason: 'no_address' },
      { allowed: false, reason: 'unknown_contact' },
      { allowed: false, reason: 'unknown_contact' },
      { allowed: true, reason: 'ok' },
    ])
    assert.deepEqual(decisions, who.map((w) => book.canSend(w, 'email')))
    assert.deepEqual(book.canSendMany([ann.id, bob.id], 'email', news.key), [
      { allowed: true, reason: 'ok' },
      { allowed: false, reason: 'blacklisted' },
    ])
    assert.deepEqual(book.canSendMany([bob.id], 'email', null), [{ allowed: false, reason: 'blacklisted' }])
    assert.deepEqual(book.canSendMany([], 'sms'), [])
    assert.equal(book.canSendMany(new Array(1000).fill(ann.id), 'email').length, 1000)

    throwsCode(() => book.canSendMany(new Array(1001).fill(ann.id), 'email'), 'VALIDATION', 'ids')
    throwsCode(() => book.canSendMany(ann.id, 'email'), 'VALIDATION', 'ids')
    throwsCode(() => book.canSendMany([ann.id, 7], 'email'), 'VALIDATION', 'ids[1]')
    throwsCode(() => book.canSendMany([ann.id], 'fax'), 'VALIDATION', 'channel')
    throwsCode(() => book.canSendMany([ann.id], 'email', 'no-such-category'), 'NOT_FOUND')
  })
})

describe('renames and deletes of the catalogue', () => {
  test('updateCategory renames a category and its segment; its key stays', () => {
    const book = fresh()
    const news = book.defineCategory('Weekly news')
    const ann = book.create({ email: 'ann@example.com', categories: [news.key] })
    const renamed = book.updateCategory(news.key, 'Daily news')
    assert.deepEqual(renamed, { key: 'weekly-news', title: 'Daily news', segmentId: news.segmentId })
    assert.deepEqual(book.categories(), [renamed])
    assert.equal(book.segments().find((s) => s.id === news.segmentId).name, 'Daily news')
    assert.deepEqual(book.get(ann.id).categories, ['weekly-news'], 'subscribers stay subscribed')

    book.createSegment('VIP')
    const before = snapshot(book)
    throwsCode(() => book.updateCategory(news.key, 'vip'), 'CONFLICT')
    throwsCode(() => book.updateCategory(news.key, ''), 'VALIDATION', 'title')
    throwsCode(() => book.updateCategory(news.key, 7), 'VALIDATION', 'title')
    throwsCode(() => book.updateCategory('nope', 'Title'), 'NOT_FOUND')
    assert.deepEqual(snapshot(book), before)
  })

  test('deleteCategory removes the category, its segment and every subscription', () => {
    const book = fresh()
    const news = book.defineCategory('News')
    const ann = book.create({ email: 'ann@example.com', categories: [news.key] })
    assert.deepEqual(book.get(ann.id).segments, [news.segmentId])
    assert.equal(book.deleteCategory(news.key), undefined)
    assert.deepEqual(book.categories(), [])
    assert.deepEqual(book.segments(), [])
    const got = book.get(ann.id)
    assert.deepEqual([got.categories, got.segments], [[], []])
    throwsCode(() => book.canSend(ann.id, 'email', news.key), 'NOT_FOUND')
    throwsCode(() => book.deleteCategory(news.key), 'NOT_FOUND')
    assert.equal(book.defineCategory('News').key, 'news', 'the key is free again')
  })

  test('updateSegment renames a static segment; a category segment is renamed through its category', () => {
    const book = fresh()
    const vip = book.createSegment('VIP')
    book.createSegment('Staff')
    const news = book.defineCategory('News')
    assert.deepEqual(book.updateSegment(vip.id, 'V.I.P.'), { id: vip.id, name: 'V.I.P.', kind: 'static', categoryKey: null, rule: null })
    const before = snapshot(book)
    throwsCode(() => book.updateSegment(vip.id, 'staff'), 'CONFLICT', 'name')
    throwsCode(() => book.updateSegment(news.segmentId, 'x'), 'VALIDATION', 'segment')
    throwsCode(() => book.updateSegment(vip.id, ' '), 'VALIDATION', 'name')
    throwsCode(() => book.updateSegment(UNKNOWN_ID, 'x'), 'NOT_FOUND')
    assert.deepEqual(snapshot(book), before)
  })

  test('deleteSegment removes a static segment and its memberships', () => {
    const book = fresh()
    const vip = book.createSegment('VIP')
    const news = book.defineCategory('News')
    const ann = book.create({ email: 'ann@example.com', segments: [vip.id] })
    assert.equal(book.deleteSegment(vip.id), undefined)
    assert.deepEqual(book.segments().map((s) => s.id), [news.segmentId])
    assert.deepEqual(book.get(ann.id).segments, [])
    throwsCode(() => book.segmentMembers(vip.id), 'NOT_FOUND')
    throwsCode(() => book.deleteSegment(vip.id), 'NOT_FOUND')
    throwsCode(() => book.deleteSegment(news.segmentId), 'VALIDATION', 'segment')
    assert.deepEqual(book.categories(), [news])
  })

  test('updateField renames a field and adds options; none is taken away', () => {
    const book = fresh()
    book.defineField({ key: 'tier', type: 'list', options: ['gold'] })
    book.defineField({ key: 'note', type: 'text' })
    const ann = book.create({ email: 'ann@example.com', fields: { tier: 'gold' } })
    throwsCode(() => book.setField(ann.id, 'tier', 'platinum'), 'VALIDATION', 'fields.tier')

    let got = book.updateField('tier', { addOptions: ['platinum', 'silver'] })
    assert.deepEqual(got.options, ['gold', 'platinum', 'silver'])
    assert.equal(got.title, 'tier')
    got = book.updateField('tier', { title: 'Loyalty tier' })
    assert.deepEqual([got.title, got.options], ['Loyalty tier', ['gold', 'platinum', 'silver']])
    assert.deepEqual(book.updateField('tier', {}), got, 'an empty update changes nothing')
    assert.deepEqual(book.fieldDefinitions().find((d) => d.key === 'tier'), got)
    assert.equal(book.setField(ann.id, 'tier', 'platinum').fields.tier, 'platinum')
    assert.equal(book.updateField('note', { title: 'Note', addOptions: [] }).title, 'Note')

    const before = snapshot(book)
    throwsCode(() => book.updateField('tier', { addOptions: ['gold'] }), 'VALIDATION', 'options')
    throwsCode(() => book.updateField('note', { addOptions: ['a'] }), 'VALIDATION', 'options')
    throwsCode(() => book.updateField('tier', { title: '' }), 'VALIDATION', 'title')
    throwsCode(() => book.updateField('tier', { addOptions: 'x' }), 'VALIDATION', 'addOptions')
    throwsCode(() => book.updateField('tier', { add_options: ['x'] }), 'VALIDATION', 'addOptions')
    throwsCode(() => book.updateField('tier', { options: ['x'] }), 'VALIDATION', 'options')
    throwsCode(() => book.updateField('nope', { title: 'x' }), 'NOT_FOUND')
    assert.deepEqual(snapshot(book), before)
  })

  test('a multilist option with a comma is refused, whether defined or added', () => {
    const book = fresh()
    throwsCode(() => book.defineField({ key: 'colours', type: 'multilist', options: ['red, dark', 'blue'] }), 'VALIDATION', 'options')
    book.defineField({ key: 'colours', type: 'multilist', options: ['blue'] })
    throwsCode(() => book.updateField('colours', { addOptions: ['red, dark'] }), 'VALIDATION', 'options')
    assert.deepEqual(book.fieldDefinitions()[0].options, ['blue'])
  })

  test('deleteField removes the definition and every value of it', () => {
    const book = fresh()
    book.defineField({ key: 'tier', type: 'list', options: ['gold'] })
    book.defineField({ key: 'age', type: 'number' })
    const ann = book.create({ email: 'ann@example.com', fields: { tier: 'gold', age: 30 } })
    assert.equal(book.deleteField('tier'), undefined)
    assert.deepEqual(book.fieldDefinitions().map((d) => d.key), ['age'])
    assert.deepEqual(book.get(ann.id).fields, { age: 30 })
    throwsCode(() => book.setField(ann.id, 'tier', 'gold'), 'VALIDATION', 'fields.tier')
    throwsCode(() => book.deleteField('tier'), 'NOT_FOUND')
    throwsCode(() => book.deleteField(null), 'VALIDATION', 'key')
    book.defineField({ key: 'tier', type: 'text' })
    assert.equal(book.setField(ann.id, 'tier', 'anything').fields.tier, 'anything', 'the key is free again')
  })
})

describe('rules at the edges, as Node sees them', () => {
  test('ids compare in any case', () => {
    const book = fresh()
    const made = book.create({ id: '0190A5C2-0000-7000-8000-00000000ABCD', email: 'ann@example.com' })
    assert.equal(made.id, '0190a5c2-0000-7000-8000-00000000abcd')
    assert.equal(book.get('0190A5C2-0000-7000-8000-00000000ABCD').id, made.id)
    assert.equal(book.update(made.id.toUpperCase(), { firstName: 'Ann' }).firstName, 'Ann')
  })

  test('names of every script are accepted and stored NFC', () => {
    const book = fresh()
    const decomposed = 'Jose\u0301'
    const c = book.create({ firstName: decomposed, lastName: 'कृष्ण' })
    assert.equal(c.firstName, 'Jos\u00e9')
    assert.equal(c.lastName, 'कृष्ण')
    for (const name of ['ประยุทธ์', 'கார்த்திக்', 'Klaus-D.', 'H.-Dieter', 'ヤマダ・タロウ']) {
      assert.equal(book.update(c.id, { firstName: name }).firstName, name)
    }
  })

  test('a device registered again without platform or active keeps them', () => {
    const book = fresh()
    const c = book.create({ email: 'dev@example.com' })
    book.addMobilePush(c.id, { appId: 'shop', deviceId: 'd1', token: 'tok-1', platform: 'ios', model: 'iPhone 15', active: false })
    book.setClock(later(1))
    const [device] = book.addMobilePush(c.id, { appId: 'shop', deviceId: 'd1', token: 'tok-2', platform: null }).devices
    assert.deepEqual(
      [device.token, device.platform, device.model, device.active, device.lastSeenAt.getTime()],
      ['tok-2', 'ios', 'iPhone 15', false, later(1).getTime()],
    )
    const fresh_ = book.registerApp(c.id, { appId: 'shop', deviceId: 'd2' }).devices[1]
    assert.deepEqual([fresh_.platform, fresh_.active], ['other', true], 'a new device defaults')
  })

  test('a campaign records the address it was sent to (sentTo); a later bounce suppresses that one', () => {
    const book = fresh()
    const c = book.create({ email: 'x@example.com', phone: '+380671112233' })
    const email = book.recordCampaign(c.id, { messageId: 'm1', channel: 'email', status: 'sent' })
    assert.equal(email.sentTo, 'x@example.com')
    assert.equal(book.recordCampaign(c.id, { messageId: 's1', channel: 'sms', status: 'sent' }).sentTo, '+380671112233')
    assert.equal(book.recordCampaign(c.id, { messageId: 'p1', channel: 'mobile_push', status: 'sent' }).sentTo, null)

    book.update(c.id, { email: 'y@example.com' })
    const bounced = book.recordCampaign(c.id, { messageId: 'm1', channel: 'email', status: 'undelivered', statusDescription: 'hard_bounce' })
    assert.equal(bounced.sentTo, 'x@example.com')
    assert.deepEqual(book.suppressions('email', 'x@example.com').map((r) => r.kind), ['blacklisted'])
    assert.equal(book.get(c.id).emailStatus, 'active')
    const item = book.activity(c.id, { category: 'campaigns' }).items.find((a) => a.messageId === 'm1')
    assert.equal(item.sentTo, 'x@example.com')
  })

  test('order totals are exact decimal strings however large', () => {
    const book = fresh()
    const c = book.create({ email: 'big@example.com' })
    for (const externalId of ['o1', 'o2']) {
      book.recordOrder(c.id, { externalId, amount: '1000000000000000', currency: 'EUR', status: 'delivered' })
    }
    assert.deepEqual(book.get(c.id).orderStats.revenue, { EUR: '2000000000000000' })
    throwsCode(() => book.recordOrder(c.id, { externalId: 'o3', amount: '1000000000000000.01', currency: 'EUR' }), 'VALIDATION', 'amount')
  })
})
