'use strict'
// Every method of ContactBook goes through the binding's guard: a Rust panic inside
// ContactKit reaches JavaScript as an Error with code INTERNAL and a reason, and the
// process (and every open book) carries on. The book under test is the hidden
// test-only `ContactBook._panicking()`, over `contactkit::PanickingStore`, whose every
// unit of work panics.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const path = require('node:path')

const PACKAGE = path.join(__dirname, '..')

// Runs in a child process, so a regression (an abort) fails this test instead of the
// run, and the panic messages Rust prints on stderr stay out of the test output.
const SCRIPT = `
const { ContactBook } = require('contactkit')
const ID = '01900000-0000-7000-8000-000000000001'
const SEGMENT = '01900000-0000-7000-8000-000000000002'
const OTHER = '01900000-0000-7000-8000-000000000003'
const ENDPOINT = 'https://push.example.com/1'
const device = { appId: 'shop', deviceId: 'd-1', token: 'tok-1', platform: 'ios' }
const subscription = {
  endpoint: ENDPOINT,
  keys: { p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM', auth: 'tBHItJI5svbpez7KI4CCXg' },
}
const order = {
  externalId: 'order-1', amount: '120.50', currency: 'uah', status: 'delivered',
  items: [{ productId: 'sku-1', name: 'Mug', quantity: '2', price: '60.25' }],
}

// Valid arguments for every method. A method missing here fails the test, so a new
// method cannot be left out. \`store: false\` marks the three that never reach the
// store: they must keep working on this book.
const CALLS = {
  now: { args: [], store: false },
  setClock: { args: [new Date('2026-03-01T10:00:00Z')], store: false },
  close: { args: [], store: false },
  create: { args: [{ email: 'ann@example.com' }] },
  upsert: { args: [{ email: 'ann@example.com' }, { dedupeOn: 'email' }] },
  signUp: { args: [{ email: 'ann@example.com' }] },
  update: { args: [ID, { firstName: 'Ann' }] },
  get: { args: [ID] },
  findByEmail: { args: ['ann@example.com'] },
  findByPhone: { args: ['+380501234567'] },
  findByKey: { args: ['key-1'] },
  findByExternalId: { args: ['ext-1'] },
  findByPushToken: { args: ['tok-1'] },
  findByWebPushEndpoint: { args: [ENDPOINT] },
  delete: { args: [ID] },
  restore: { args: [ID] },
  merge: { args: [ID, OTHER] },
  exportContact: { args: [ID] },
  erase: { args: [ID] },
  exportCatalogLines: { args: [] },
  exportProfileLines: { args: [{ limit: 10 }] },
  restoreLine: { args: [{ category: { title: 'News' } }] },
  list: { args: [{ limit: 10 }] },
  count: { args: [] },
  changes: { args: [{ limit: 10 }] },
  importContacts: { args: [[{ email: 'ann@example.com' }], { dedupeOn: 'email' }] },
  importSuppressions: { args: [[{ channel: 'email', address: 'bob@example.com', kind: 'unsubscribed' }]] },
  addMobilePush: { args: [ID, device] },
  removeMobilePush: { args: [ID, 'tok-1'] },
  registerApp: { args: [ID, device] },
  removeApp: { args: [ID, 'shop'] },
  addWebPush: { args: [ID, subscription] },
  removeWebPush: { args: [ID, ENDPOINT] },
  setTelegram: { args: [ID, { botId: 'bot', chatId: '42' }] },
  blacklist: { args: [ID, 'email', 'manual'] },
  unblacklist: { args: [ID, 'email', 'cleared'] },
  unsubscribe: { args: [ID, 'email'] },
  resubscribe: { args: [ID, 'email', 'back'] },
  reportSpam: { args: [ID, 'email'] },
  suppressAddress: { args: ['email', 'bob@example.com', 'unsubscribed'] },
  confirm: { args: [ID, 'email'] },
  suppressions: { args: ['email', 'bob@example.com'] },
  canSend: { args: [ID, 'email'] },
  canSendMany: { args: [[ID], 'email', 'news'] },
  defineCategory: { args: ['News'] },
  categories: { args: [] },
  updateCategory: { args: ['news', 'Headlines'] },
  deleteCategory: { args: ['news'] },
  addCategory: { args: [ID, 'news'] },
  removeCategory: { args: [ID, 'news'] },
  createSegment: { args: ['VIP'] },
  segments: { args: [] },
  updateSegment: { args: [SEGMENT, 'VIPs'] },
  deleteSegment: { args: [SEGMENT] },
  addToSegment: { args: [ID, SEGMENT] },
  removeFromSegment: { args: [ID, SEGMENT] },
  segmentMembers: { args: [SEGMENT, { limit: 10 }] },
  defineField: { args: [{ key: 'age', type: 'number' }] },
  fieldDefinitions: { args: [] },
  updateField: { args: ['age', { title: 'Age' }] },
  deleteField: { args: ['age'] },
  setField: { args: [ID, 'age', 42] },
  clearField: { args: [ID, 'age'] },
  recordCampaign: { args: [ID, { messageId: 'm-1', channel: 'email', status: 'sent' }] },
  recordEvent: { args: [ID, { name: 'signup' }] },
  recordOrder: { args: [ID, order] },
  activity: { args: [ID, { period: '30d' }] },
}

async function main() {
  const methods = Object.getOwnPropertyNames(ContactBook.prototype).filter(
    (name) => name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(ContactBook.prototype, name).value === 'function',
  )
  const untested = methods.filter((name) => !(name in CALLS))
  if (untested.length > 0) throw new Error('methods missing from CALLS: ' + untested.join(', '))
  const stale = Object.keys(CALLS).filter((name) => !methods.includes(name))
  if (stale.length > 0) throw new Error('CALLS names what is no method: ' + stale.join(', '))

  const healthy = ContactBook.inMemory()
  healthy.create({ email: 'before@example.com' })
  const book = ContactBook._panicking()
  const seen = {}
  // close last: the others need the book open.
  for (const name of [...methods.filter((n) => n !== 'close'), 'close']) {
    let outcome
    try {
      const result = await book[name](...CALLS[name].args)
      outcome = { returned: result instanceof Date ? 'Date' : result === undefined ? 'undefined' : typeof result }
    } catch (error) {
      outcome = {
        threw: error instanceof Error,
        code: error.code,
        reason: error.reason,
        keys: Object.keys(error).sort(),
        message: error.message,
      }
    }
    seen[name] = outcome
  }
  // The Promise forms: the panic happens on a pool thread and rejects the promise.
  const promises = ContactBook._panicking().promises
  const promised = {}
  for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(promises)).filter((n) => n !== 'constructor')) {
    let outcome
    try {
      await promises[name](...CALLS[name].args)
      outcome = { resolved: true }
    } catch (error) {
      outcome = { threw: error instanceof Error, code: error.code, reason: error.reason, keys: Object.keys(error).sort() }
    }
    promised[name] = outcome
  }
  healthy.create({ email: 'after@example.com' })
  console.log(JSON.stringify({ seen, promised, store: Object.fromEntries(Object.entries(CALLS).map(([n, c]) => [n, c.store !== false])), count: healthy.count() }))
}
main().catch((error) => {
  console.error(error)
  process.exit(3)
})
`

test('a Rust panic in any method (or its Promise form) is an Error with code INTERNAL, not a crashed process', () => {
  const child = spawnSync(process.execPath, ['-e', SCRIPT], {
    cwd: PACKAGE,
    encoding: 'utf8',
    env: { ...process.env, RUST_BACKTRACE: '0' },
  })
  assert.equal(child.signal, null, `the process died: ${child.stderr}`)
  assert.equal(child.status, 0, child.stderr)
  const { seen, promised, store, count } = JSON.parse(child.stdout)
  assert.ok(Object.keys(seen).length > 50, 'every method was called')
  for (const [name, outcome] of Object.entries(seen)) {
    if (store[name]) {
      assert.deepEqual(
        { threw: outcome.threw, code: outcome.code, keys: outcome.keys },
        { threw: true, code: 'INTERNAL', keys: ['code', 'reason'] },
        `${name}: ${JSON.stringify(outcome)}`,
      )
      assert.match(outcome.reason, /PanickingStore: a deliberate panic/, name)
      assert.match(outcome.message, /PanickingStore: a deliberate panic/, name)
    }
  }
  // Every Promise form of a method that reaches the store rejects with the same error.
  assert.ok(Object.keys(promised).length > 50, 'every Promise form was called')
  for (const [name, outcome] of Object.entries(promised)) {
    if (!store[name]) continue
    assert.deepEqual(
      { threw: outcome.threw, code: outcome.code, keys: outcome.keys },
      { threw: true, code: 'INTERNAL', keys: ['code', 'reason'] },
      `promises.${name}: ${JSON.stringify(outcome)}`,
    )
    assert.match(outcome.reason, /PanickingStore: a deliberate panic/, name)
  }
  assert.deepEqual(promised.now, { resolved: true })
  // The three that never reach the store keep working on this book.
  assert.deepEqual(seen.now, { returned: 'Date' })
  assert.equal(seen.setClock.code, 'VALIDATION', 'a book without { clock } refuses setClock')
  assert.deepEqual(seen.close, { returned: 'undefined' })
  // Every other book (and the process) carried on.
  assert.equal(count, 2)
})
