'use strict'
// Rules in Node (DOMAIN.md "Rules: queries and dynamic segments"): list({ rule }),
// count(rule), dynamic segments, errors naming the path inside the rule, hostile rules
// refused by the binding's bounded reader, and the Promise form of each.

const { test, describe } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const { ContactBook } = require('contactkit')
const { T0, later, UNKNOWN_ID, throwsCode } = require('./support/book')

const UA = { attr: 'country', op: 'eq', value: 'ua' }
const GOLD = { field: 'tier', op: 'eq', value: 'gold' }

/** Five contacts: ann (UA, gold), bob (UA, silver, email unsubscribed), cat (PL, gold,
 * no email), dan (UA, phone only), eve (UA, gold, deleted). */
function people() {
  const book = ContactBook.inMemory({ clock: T0 })
  book.defineField({ key: 'tier', type: 'list', options: ['bronze', 'silver', 'gold'] })
  book.defineField({ key: 'score', type: 'number' })
  const ids = {}
  ids.ann = book.create({ email: 'ann@example.com', firstName: 'Ann', address: { country: 'UA' }, fields: { tier: 'gold', score: 90 } }).id
  ids.bob = book.create({ email: 'bob@example.com', firstName: 'Bob', address: { country: 'UA' }, fields: { tier: 'silver', score: 40 } }).id
  ids.cat = book.create({ firstName: 'Cat', address: { country: 'PL' }, fields: { tier: 'gold' } }).id
  ids.dan = book.create({ phone: '+380671234567', firstName: 'Dan', address: { country: 'UA' } }).id
  ids.eve = book.create({ email: 'eve@example.com', address: { country: 'UA' }, fields: { tier: 'gold' } }).id
  book.unsubscribe(ids.bob, 'email')
  book.delete(ids.eve)
  return { book, ids }
}

const names = (page) => page.items.map((c) => c.firstName).sort()
const listed = (book, rule) => names(book.list({ rule, limit: 1000 }))

describe('list and count with a rule', () => {
  test('attributes', () => {
    const { book } = people()
    assert.deepEqual(listed(book, UA), ['Ann', 'Bob', 'Dan'])
    assert.equal(book.count(UA), 3)
    assert.equal(book.count(), 4)
    assert.equal(book.count(null), 4)
    assert.deepEqual(listed(book, { attr: 'first_name', op: 'starts_with', value: 'a' }), ['Ann'])
    assert.deepEqual(listed(book, { attr: 'email', op: 'missing' }), ['Cat', 'Dan'])
    assert.deepEqual(listed(book, { attr: 'first_name', op: 'in', value: ['ann', 'CAT'] }), ['Ann', 'Cat'])
    assert.deepEqual(listed(book, { attr: 'created_at', op: 'lte', value: T0 }), ['Ann', 'Bob', 'Cat', 'Dan'])
  })

  test('fields, typed by their definitions', () => {
    const { book } = people()
    assert.deepEqual(listed(book, GOLD), ['Ann', 'Cat'])
    assert.deepEqual(listed(book, { field: 'score', op: 'gte', value: 50 }), ['Ann'])
    assert.deepEqual(listed(book, { field: 'score', op: 'lt', value: 50n }), ['Bob'])
    assert.deepEqual(listed(book, { field: 'tier', op: 'missing' }), ['Dan'])
  })

  test('status and can_send', () => {
    const { book } = people()
    assert.deepEqual(listed(book, { status: 'email', is: 'unsubscribed' }), ['Bob'])
    assert.deepEqual(listed(book, { status: 'email', is: 'active' }), ['Ann'])
    assert.deepEqual(listed(book, { can_send: 'email' }), ['Ann'])
    assert.deepEqual(listed(book, { can_send: 'sms' }), ['Dan'])
  })

  test('combinations', () => {
    const { book } = people()
    assert.deepEqual(listed(book, { all: [UA, GOLD] }), ['Ann'])
    assert.deepEqual(listed(book, { any: [GOLD, { can_send: 'sms' }] }), ['Ann', 'Cat', 'Dan'])
    assert.deepEqual(listed(book, { not: UA }), ['Cat'])
    assert.deepEqual(listed(book, { all: [] }), ['Ann', 'Bob', 'Cat', 'Dan'])
    assert.deepEqual(listed(book, { any: [] }), [])
  })

  test('an activity window counts back from the book clock', () => {
    const { book, ids } = people()
    book.recordEvent(ids.ann, { name: 'viewed', keyValue: 'shoes' })
    book.setClock(later(10))
    book.recordEvent(ids.bob, { name: 'viewed' })
    book.recordEvent(ids.bob, { name: 'viewed' })
    const viewed = { activity: 'event', where: { name: 'viewed' } }
    assert.deepEqual(listed(book, viewed), ['Ann', 'Bob'])
    assert.deepEqual(listed(book, { ...viewed, within: '7d' }), ['Bob'])
    assert.deepEqual(listed(book, { ...viewed, within: '30d' }), ['Ann', 'Bob'])
    assert.deepEqual(listed(book, { ...viewed, count: { gte: 2 } }), ['Bob'])
    assert.deepEqual(listed(book, { activity: 'event', count: { eq: 0 } }), ['Cat', 'Dan'])
    assert.deepEqual(listed(book, { activity: 'event', where: { key_value: 'shoes' } }), ['Ann'])
    assert.deepEqual(listed(book, { ...viewed, within: { since: later(-1), until: later(1) } }), ['Ann'])
  })

  test('paging with a cursor', () => {
    const { book } = people()
    const first = book.list({ rule: UA, limit: 2 })
    assert.equal(first.items.length, 2)
    assert.ok(first.nextCursor)
    const second = book.list({ rule: UA, limit: 2, cursor: first.nextCursor })
    assert.equal(second.items.length, 1)
    assert.equal(second.nextCursor, null)
    const ids = [...first.items, ...second.items].map((c) => c.id)
    assert.deepEqual(ids, [...ids].sort())
    throwsCode(() => book.list({ rule: UA, limit: 0 }), 'VALIDATION', 'limit')
    throwsCode(() => book.list({ rule: UA, sort: 'name' }), 'VALIDATION', 'sort')
  })
})

describe('dynamic segments', () => {
  test('members, profiles and list agree', () => {
    const { book, ids } = people()
    const rule = { all: [UA, { can_send: 'email' }] }
    const segment = book.createSegment('Reachable in UA', rule)
    assert.deepEqual(segment, { id: segment.id, name: 'Reachable in UA', kind: 'dynamic', categoryKey: null, rule })
    const vip = book.createSegment('VIP')
    assert.deepEqual(vip, { id: vip.id, name: 'VIP', kind: 'static', categoryKey: null, rule: null })
    assert.deepEqual(book.createSegment('Also static', null).kind, 'static')
    const members = () => names(book.segmentMembers(segment.id, { limit: 1000 }))
    assert.deepEqual(members(), ['Ann'])
    assert.deepEqual(members(), listed(book, rule))
    assert.ok(book.get(ids.ann).segments.includes(segment.id))
    assert.ok(!book.get(ids.bob).segments.includes(segment.id))
    book.resubscribe(ids.bob, 'email')
    assert.deepEqual(members(), ['Ann', 'Bob'])
    assert.ok(book.get(ids.bob).segments.includes(segment.id))
    // A new rule, a new name as a string (as before), then both.
    const updated = book.updateSegment(segment.id, { rule: GOLD })
    assert.equal(updated.name, 'Reachable in UA')
    assert.deepEqual(updated.rule, GOLD)
    assert.deepEqual(members(), listed(book, GOLD))
    assert.equal(book.updateSegment(segment.id, 'Gold').name, 'Gold')
    const both = book.updateSegment(segment.id, { name: 'Gold in UA', rule: { all: [GOLD, UA] } })
    assert.equal(both.name, 'Gold in UA')
    assert.deepEqual(members(), ['Ann'])
    for (const contact of book.list({ limit: 1000 }).items) {
      assert.equal(contact.segments.includes(segment.id), contact.firstName === 'Ann')
    }
    assert.deepEqual(listed(book, { in_segment: segment.id }), ['Ann'])
    const kinds = Object.fromEntries(book.segments().map((s) => [s.name, s.kind]))
    assert.deepEqual(kinds, { 'Gold in UA': 'dynamic', VIP: 'static', 'Also static': 'static' })
  })

  test('the rule reads back as written, keys and all (the same JSON in every language)', () => {
    const book = ContactBook.inMemory()
    const rule = { any: [{ can_send: 'email', category: null }, { has: 'mobile_push', app_id: 'shop' }, { activity: 'campaign', where: { message_id: 'm1' } }] }
    const segment = book.createSegment('Reach', rule)
    const back = book.segments()[0].rule
    assert.equal(back.any[0].can_send, 'email')
    assert.equal(back.any[1].app_id, 'shop')
    assert.equal(back.any[2].where.message_id, 'm1')
    // What reads back is a rule that reads again.
    assert.equal(book.count(back), book.count(segment.rule))
    assert.deepEqual(book.createSegment('Again', back).rule, back)
  })

  test('a dynamic segment is not edited by hand', () => {
    const { book, ids } = people()
    const segment = book.createSegment('UA', UA)
    throwsCode(() => book.addToSegment(ids.cat, segment.id), 'VALIDATION')
    throwsCode(() => book.removeFromSegment(ids.ann, segment.id), 'VALIDATION')
    assert.deepEqual(names(book.segmentMembers(segment.id)), ['Ann', 'Bob', 'Dan'])
    const vip = book.createSegment('VIP')
    throwsCode(() => book.updateSegment(vip.id, { rule: UA }), 'VALIDATION')
    throwsCode(() => book.updateSegment(vip.id, { title: 'x' }), 'VALIDATION', 'title')
    throwsCode(() => book.updateSegment(vip.id, 42), 'VALIDATION')
    throwsCode(() => book.updateSegment(UNKNOWN_ID, { name: 'x' }), 'NOT_FOUND')
  })

  test('a segment cannot refer to itself', () => {
    const book = ContactBook.inMemory()
    const first = book.createSegment('First', UA)
    const second = book.createSegment('Second', { in_segment: first.id })
    const error = throwsCode(() => book.updateSegment(first.id, { rule: { any: [UA, { in_segment: second.id }] } }), 'VALIDATION')
    assert.match(error.field, /^rule/)
    assert.deepEqual(book.segments()[0].rule, UA)
  })
})

describe('errors name the path inside the rule', () => {
  const cases = [
    [{ all: [UA, { attr: 'country', op: 'about', value: 'UA' }] }, 'rule.all[1].op'],
    [{ attr: 'nickname', op: 'eq', value: 'x' }, 'rule.attr'],
    [{ field: 'no_such', op: 'eq', value: 'x' }, 'rule.field'],
    [{ any: [{ not: { status: 'email', is: 'happy' } }] }, 'rule.any[0].not.is'],
    [{ in_segment: UNKNOWN_ID }, 'rule.in_segment'],
    [{ field: 'score', op: 'gt', value: 'lots' }, 'rule.value'],
    [{ all: [UA], any: [UA] }, 'rule'],
    [[UA], 'rule'],
    ['{"attr": "email", "op": "exists"}', 'rule'],
    // Rule keys are the language's own: the camelCase spelling is not one of them.
    [{ canSend: 'email' }, 'rule'],
  ]
  for (const [rule, field] of cases) {
    test(`${JSON.stringify(rule)} → ${field}`, async () => {
      const book = ContactBook.inMemory()
      book.defineField({ key: 'score', type: 'number' })
      throwsCode(() => book.count(rule), 'VALIDATION', field)
      throwsCode(() => book.list({ rule }), 'VALIDATION', field)
      throwsCode(() => book.createSegment('S', rule), 'VALIDATION', field)
      const segment = book.createSegment('T', UA)
      throwsCode(() => book.updateSegment(segment.id, { rule }), 'VALIDATION', field)
      await assert.rejects(book.promises.count(rule), (e) => e.code === 'VALIDATION' && e.field === field)
      await assert.rejects(book.promises.createSegment('S', rule), (e) => e.code === 'VALIDATION' && e.field === field)
      assert.deepEqual(book.segments().map((s) => s.name), ['T'])
    })
  }
})

/** Deep `{ not: … }` nesting, built without recursion. */
function deep(depth) {
  let rule = UA
  for (let i = 0; i < depth; i++) rule = { not: rule }
  return rule
}

describe('hostile rules', () => {
  function refused(book, rule, field) {
    const error = throwsCode(() => book.count(rule), 'VALIDATION')
    throwsCode(() => book.list({ rule }), 'VALIDATION')
    throwsCode(() => book.createSegment('S', rule), 'VALIDATION')
    assert.deepEqual(book.segments(), [])
    if (field instanceof RegExp) assert.match(error.field, field)
    else assert.equal(error.field, field)
    return error
  }

  test('each is a VALIDATION error and the book goes on', () => {
    const book = ContactBook.inMemory()
    book.create({ email: 'ann@example.com' })
    refused(book, deep(10_000), /^rule\.not\.not/)
    const cycle = {}
    cycle.not = cycle
    refused(book, cycle, 'rule.not')
    const listedCycle = { all: [] }
    listedCycle.all.push(listedCycle)
    refused(book, listedCycle, 'rule.all[0]')
    refused(book, { attr: 'email', op: 'eq', value: 2n ** 80n }, 'rule.value')
    refused(book, { field: 'x', op: 'eq', value: NaN }, 'rule.value')
    refused(book, { attr: 'email', op: 'eq', value: 'a\ud800b' }, 'rule.value')
    refused(book, { attr: 'email', op: 'eq', value: 'x'.repeat(1 << 20) }, 'rule')
    refused(book, { attr: 'email', op: 'eq', value: 'x'.repeat(8 << 20) }, 'rule.value')
    refused(book, { attr: 'email', op: 'in', value: new Array(100_000).fill('a') }, /^rule/)
    refused(book, { any: new Array(10_000).fill(UA) }, /^rule/)
    refused(book, { attr: 'email', op: 'eq', value: () => 1 }, 'rule.value')
    refused(book, { attr: 'email', op: 'eq', value: Symbol('s') }, 'rule.value')
    refused(book, 42, 'rule')
    // As deep as core allows still reads; the book is still usable.
    assert.equal(book.count(deep(20)), 0)
    assert.equal(book.count(), 1)
  })

  test('a throwing getter is thrown as itself, and rejects the promise', async () => {
    const book = ContactBook.inMemory()
    const rule = { attr: 'email', op: 'exists' }
    Object.defineProperty(rule, 'value', { enumerable: true, get() { throw new RangeError('boom') } })
    assert.throws(() => book.count(rule), RangeError)
    await assert.rejects(book.promises.count(rule), RangeError)
    assert.equal(book.count(), 0)
  })

  test('the process survives (in a child process)', () => {
    const script = `
      const { ContactBook } = require('contactkit')
      const book = ContactBook.inMemory()
      let rule = { attr: 'email', op: 'exists' }
      for (let i = 0; i < 1_000_000; i++) rule = { not: rule }
      try { book.count(rule) } catch (e) { console.log(e.code) }
      const cycle = {}; cycle.any = [cycle]
      book.promises.list({ rule: cycle }).catch((e) => { console.log(e.code, e.field); console.log(book.count()) })
    `
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 120_000 })
    assert.equal(child.status, 0, child.stderr)
    assert.deepEqual(child.stdout.trim().split('\n'), ['VALIDATION', 'VALIDATION rule.any[0]', '0'])
  })
})

describe('promises', () => {
  test('every rule operation has its Promise form', async () => {
    const { book, ids } = people()
    assert.deepEqual(names(await book.promises.list({ rule: UA })), ['Ann', 'Bob', 'Dan'])
    assert.equal((await book.promises.list()).items.length, 4)
    assert.equal(await book.promises.count(GOLD), 2)
    assert.equal(await book.promises.count(), 4)
    const segment = await book.promises.createSegment('Gold', GOLD)
    assert.equal(segment.kind, 'dynamic')
    assert.deepEqual(names(await book.promises.segmentMembers(segment.id)), ['Ann', 'Cat'])
    assert.equal((await book.promises.updateSegment(segment.id, 'Golden')).name, 'Golden')
    const updated = await book.promises.updateSegment(segment.id, { rule: UA })
    assert.deepEqual(updated.rule, UA)
    assert.ok((await book.promises.get(ids.dan)).segments.includes(segment.id))
    await assert.rejects(book.promises.addToSegment(ids.cat, segment.id), (e) => e.code === 'VALIDATION')
    await assert.rejects(book.promises.list({ rule: deep(10_000) }), (e) => e.code === 'VALIDATION')
    await assert.rejects(book.promises.updateSegment(segment.id, { rule: { all: [UA, { op: 'eq' }] } }), (e) => e.code === 'VALIDATION' && /^rule\.all\[1\]/.test(e.field))
  })
})
