'use strict'
// A bounded property test (issue 10, Hardening): random nested, huge, cyclic and
// mistyped values thrown at every operation of ContactBook, on a book in memory and
// on a SQLite file. After each call:
// - the outcome is a value or a ContactKit error (an Error with a `code`), never
//   another exception, and the process is alive (a crash ends the test file);
// - a refused call wrote nothing: the whole book (every contact, its activity,
//   segments, categories, field definitions, count) reads the same as before;
// - what was accepted reads back: the answer is what the book now holds, event
//   params exactly as given, and the whole book still reads.
// The seed and the number of runs are fixed, so a failure is repeatable.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const fc = require('fast-check')
const { ContactBook } = require('contactkit')

const SEED = 20261010
const RUNS = 400
const CALLS_PER_RUN = 12
const CODES = ['VALIDATION', 'NOT_FOUND', 'CONFLICT']
const T0 = new Date('2026-03-01T10:00:00.000Z')
const P256DH = 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM'
const AUTH = 'tBHItJI5svbpez7KI4CCXg'

// ---------------------------------------------------------------------------
// Values built when a call runs: what a generated value cannot be (a cycle, a
// reference to a contact the book made, a value too big to shrink and print).

/** A placeholder for a value made at call time from the book and its `arg`. */
class Made {
  constructor(kind, arg) {
    this.kind = kind
    this.arg = arg
  }
}

const made = (kind, arg) => new Made(kind, arg)

/** Replaces every `Made` inside `value` with what it stands for. */
function materialize(value, ctx) {
  if (value instanceof Made) return MAKERS[value.kind](value.arg, ctx)
  if (Array.isArray(value)) return value.map((item) => materialize(item, ctx))
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, materialize(v, ctx)]))
  }
  return value
}

const pick = (list, i) => (list.length === 0 ? 'none' : list[i % list.length])

const MAKERS = {
  contactId: (i, ctx) => pick(ctx.ids, i),
  email: (i, ctx) => pick(ctx.emails, i),
  segmentId: (i, ctx) => pick(ctx.book.segments().map((s) => s.id), i),
  categoryKey: (i, ctx) => pick(ctx.book.categories().map((c) => c.key), i),
  cursor: (i, ctx) => ctx.book.list({ limit: 1 }).nextCursor ?? 'none',
  deepArray: (depth) => nest(depth, (v) => [v]),
  deepObject: (depth) => nest(depth, (v) => ({ a: v })),
  cycle: ([base, key]) => {
    const object = { ...base }
    object[key] = { back: object }
    return object
  },
  cyclicArray: () => {
    const array = [1]
    array.push(array)
    return array
  },
  bigString: (size) => 'x'.repeat(size),
  sparse: (length) => new Array(length),
  many: ([count, item]) => new Array(count).fill(item),
}

function nest(depth, wrap) {
  let value = 1
  for (let i = 0; i < depth; i++) value = wrap(value)
  return value
}

// ---------------------------------------------------------------------------
// Arbitraries

const weird = fc.constantFrom(
  null,
  undefined,
  0,
  -0,
  1.5,
  0.1 + 0.2,
  NaN,
  Infinity,
  -Infinity,
  2 ** 53,
  2 ** 53 + 2,
  2 ** 70,
  -(2 ** 63),
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  5n,
  2n ** 60n,
  -(2n ** 63n),
  2n ** 64n,
  2n ** 200n,
  '',
  ' ',
  '\ud800',
  'a\udc00b',
  '😀',
  '\u0000',
  '\u001b[31m',
  'a\ufffdb',
  '9007199254740993',
  '-9223372036854775809',
  '1e400',
  'NaN',
  '0.1',
  '2026-03-01',
  '2026-03-01T10:00:00Z',
  '9999-12-31T23:59:59-23:59',
  '+10000-01-01',
  '0000-12-31',
  'junk',
  'ann@example.com',
  '+380501234567',
  'first_name',
  new Date(NaN),
  new Date(8.64e15),
  new Date(-8.64e15),
  new Date('9999-12-31T23:59:59-23:59'),
  T0,
)

const exotic = fc.constantFrom(
  Symbol('s'),
  () => 1,
  new Map([[1, 2]]),
  new Set([1]),
  new Uint8Array([1, 2]),
  /re/,
  Object.create(null),
  [, , 1], // holes
  { first_name: 'snake' },
  { toJSON: () => 1 },
)

const hostile = fc.oneof(
  fc.constantFrom(31, 32, 33, 126, 5000, 20000).map((d) => made('deepArray', d)),
  fc.constantFrom(32, 33, 126, 20000).map((d) => made('deepObject', d)),
  fc.tuple(fc.dictionary(fc.constantFrom('a', 'b'), fc.integer(), { maxKeys: 2 }), fc.constantFrom('self', 'x')).map((a) => made('cycle', a)),
  fc.constant(made('cyclicArray')),
  fc.constantFrom(300, 70_000, 1_100_000, 5_000_000).map((n) => made('bigString', n)),
  fc.constantFrom(2 ** 32 - 1, 100_000).map((n) => made('sparse', n)),
  fc.tuple(fc.constantFrom(101, 1001, 200_000), fc.constantFrom('w', { productId: 'p', quantity: '1', price: '1' })).map((a) => made('many', a)),
)

const key = fc.oneof(fc.constantFrom('a', 'firstName', 'first_name', 'n', 'params', '__proto__', 'constructor', '0'), fc.string({ maxLength: 5 }))

const { any } = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    { arbitrary: weird, weight: 4 },
    { arbitrary: fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.double(), fc.bigInt(), fc.boolean(), fc.date()), weight: 3 },
    { arbitrary: exotic, weight: 1 },
    { arbitrary: hostile, weight: 1 },
    { arbitrary: tie('array'), weight: 1 },
    { arbitrary: tie('object'), weight: 1 },
  ),
  array: fc.array(tie('any'), { maxLength: 4 }),
  object: fc.dictionary(key, tie('any'), { maxKeys: 4 }),
}))

/** Mostly `plausible`, sometimes anything at all or something hostile. */
const mix = (plausible) => fc.oneof({ arbitrary: plausible, weight: 8 }, { arbitrary: any, weight: 1 }, { arbitrary: hostile, weight: 1 })

/** Mostly `valid`, sometimes one of `invalid`. */
const mostly = (valid, ...invalid) => fc.oneof({ arbitrary: valid, weight: 10 }, { arbitrary: fc.constantFrom(...invalid), weight: 1 })

/**
 * An input object of `shape` (arbitraries by key; `required` keys mostly given):
 * mostly plausible values, sometimes any value for any key, sometimes a stray key.
 */
function input(shape, required = []) {
  const plain = fc.record(shape, { requiredKeys: required })
  const optional = Object.keys(shape).filter((k) => !required.includes(k))
  const small = fc
    .subarray(optional, { maxLength: Math.min(3, optional.length) })
    .chain((keys) => fc.record(Object.fromEntries([...required, ...keys].map((k) => [k, shape[k]]))))
  const mixed = fc.record(Object.fromEntries(Object.entries(shape).map(([k, a]) => [k, mix(a)])), { requiredKeys: [] })
  const strayed = fc
    .tuple(mixed, fc.dictionary(key, any, { minKeys: 1, maxKeys: 2 }))
    .map(([record, stray]) => ({ ...record, ...stray }))
  return fc.oneof(
    { arbitrary: small, weight: 8 },
    { arbitrary: plain, weight: 4 },
    { arbitrary: mixed, weight: 2 },
    { arbitrary: strayed, weight: 1 },
  )
}

const text = mostly(fc.constantFrom('ann', 'Bob', 'Kyiv', '01001', 'a b'), 'x'.repeat(256), '', ' ', '\u001b[2J')
const name = mostly(fc.constantFrom('Ann', 'Bob', 'Anna-Maria', "O'Neil"), 'x'.repeat(256), '', '01001', 'R2-D2!')
const contactId = fc.nat(5).map((i) => made('contactId', i))
const id = mostly(contactId, '01900000-0000-7000-8000-000000000000', 'not-an-id')
const email = mostly(
  fc.oneof(fc.nat(20).map((i) => `u${i}@example.com`), fc.nat(3).map((i) => made('email', i))),
  'bad@',
  'UPPER@EXAMPLE.COM',
)
const phone = mostly(fc.constantFrom('+380501234567', '+380671112233', '+12025550123'), '0501234567', '+1', '12')
const channel = mostly(fc.constantFrom('email', 'sms', 'mobile_push', 'web_push', 'telegram'), 'fax')
const date = mostly(fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), ...[new Date(NaN), new Date(8.64e15), '9999-12-31T23:59:59-23:59', 'yesterday'])
const money = mostly(fc.constantFrom('1', '19.99', '0.5', '1000'), '0', '-1', '1e3', 'x', 1, 19.99, 0.1 + 0.2, 5n)
const segmentId = fc.nat(3).map((i) => made('segmentId', i))
const categoryKey = fc.nat(3).map((i) => made('categoryKey', i))
const fieldName = mostly(fc.constantFrom('n', 'd', 'born', 'seen', 'ok', 'tier', 'tags', 'note'), 'missing', 'N')
const fieldValue = fc.oneof(
  weird,
  fc.integer(),
  fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }),
  fc.double(),
  fc.boolean(),
  fc.constantFrom('42', '9007199254740993', '19.99', '1990-03-09', '2026-03-01T10:00:00+02:00', 'true', 'a', 'x,y'),
  fc.string({ maxLength: 6 }),
  date,
  fc.array(fc.constantFrom('x', 'y', 'z', 'w'), { maxLength: 3 }),
)
/** Values each defined field takes. */
const validFields = fc.record(
  {
    n: fc.oneof(fc.integer(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.constant('9007199254740993')),
    d: fc.constantFrom('1.5', '-999.99', 3, 7n),
    born: fc.constantFrom('1990-03-09', '0001-01-01', '9999-12-31'),
    seen: fc.date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }),
    ok: fc.boolean(),
    tier: fc.constantFrom('a', 'b'),
    tags: fc.subarray(['x', 'y', 'z']),
    note: text,
  },
  { requiredKeys: [] },
)
const device = input(
  {
    appId: mostly(fc.constantFrom('app', 'other'), ''),
    deviceId: fc.constantFrom('d1', 'd2'),
    token: mostly(fc.constantFrom('tok-1', 'tok-2'), ''),
    platform: mostly(fc.constantFrom('ios', 'android'), 'symbian'),
    model: text,
    active: fc.boolean(),
  },
  ['appId', 'deviceId'],
)
const webPush = input(
  {
    endpoint: mostly(fc.constantFrom('https://push.example.com/1', 'https://push.example.com/2'), 'http://x', 'nope'),
    p256dh: fc.constant(P256DH),
    auth: fc.constant(AUTH),
    userAgent: text,
  },
  ['endpoint', 'p256dh', 'auth'],
)
const telegram = input({ botId: fc.constantFrom('bot'), chatId: mostly(fc.constantFrom('42', '43'), '') }, ['botId', 'chatId'])
const address = input({ country: mostly(fc.constantFrom('UA', 'PL'), 'XX', 'ua'), town: text, streetAddress: text, postcode: text })
const contactInput = input({
  id: mostly(fc.uuid(), made('contactId', 0), 'not-a-uuid'),
  externalId: text,
  contactKey: text,
  firstName: name,
  lastName: name,
  email,
  phone,
  mobilePush: fc.array(device, { maxLength: 2 }),
  webPush: fc.array(webPush, { maxLength: 2 }),
  telegram,
  categories: fc.array(categoryKey, { maxLength: 2 }),
  segments: fc.array(segmentId, { maxLength: 2 }),
  address,
  location: input({ latitude: fc.double({ min: -90, max: 90 }), longitude: fc.double({ min: -180, max: 180 }), accuracy: fc.double(), source: fc.constantFrom('gps', 'manual') }, ['latitude', 'longitude']),
  timezone: mostly(fc.constantFrom('Europe/Kyiv', 'UTC'), 'Mars/Base'),
  language: mostly(fc.constantFrom('uk', 'en-US'), '!!'),
  fields: fc.oneof({ arbitrary: validFields, weight: 3 }, { arbitrary: fc.dictionary(fieldName, fieldValue, { maxKeys: 3 }), weight: 1 }),
  source: mostly(fc.constantFrom('api', 'import'), 'manual', 'alien'),
})
const listQuery = fc.option(input({ limit: mostly(fc.constantFrom(1, 2, 1000), 1001, 0), cursor: mostly(fc.constant(made('cursor')), 'junk') }))
const activityQuery = fc.option(
  input({
    category: mostly(fc.constantFrom('all', 'events', 'orders', 'campaigns'), 'spam'),
    period: mostly(fc.constantFrom('7d', 'all'), '2y'),
    since: date,
    until: date,
    limit: mostly(fc.constantFrom(1, 50), 0),
    cursor: fc.constantFrom('junk'),
  }),
)
const params = fc.dictionary(key, any, { maxKeys: 4 })
const event = input(
  {
    name: mostly(fc.constantFrom('signup', 'cart'), ''),
    keyValue: text,
    params,
    workflows: fc.array(text, { maxLength: 3 }),
    at: date,
  },
  ['name'],
)
const order = input(
  {
    externalId: fc.constantFrom('o-1', 'o-2'),
    amount: money,
    currency: mostly(fc.constantFrom('EUR', 'UAH'), 'usd', 'XXX'),
    status: mostly(fc.constantFrom('delivered', 'cancelled'), 'lost'),
    items: fc.array(input({ productId: mostly(fc.constant('p1'), ''), quantity: money, price: money, name: text }, ['productId', 'quantity', 'price']), { maxLength: 2 }),
    shipping: money,
    discount: money,
    taxes: money,
    deliveryAddress: address,
    at: date,
  },
  ['externalId', 'amount', 'currency'],
)
const campaign = input(
  {
    messageId: fc.constantFrom('m1', 'm2'),
    channel: mostly(fc.constantFrom('email', 'viber'), 'pigeon'),
    status: mostly(fc.constantFrom('sent', 'delivered', 'clicked'), 'lost'),
    messageName: text,
    at: date,
  },
  ['messageId', 'channel', 'status'],
)
const fieldUpdate = input({
  title: text,
  addOptions: fc.array(mostly(fc.constantFrom('c', 'w', 'a'), 'x,y', ''), { maxLength: 2 }),
})
/** Addresses `suppressAddress` records and the snapshot reads back: no contact need hold them. */
const SUPPRESSED = [
  ['email', 'ann@example.com'],
  ['email', 'new@example.com'],
  ['sms', '+380501234567'],
  ['sms', '+12025550123'],
]
const suppressedAddress = mostly(fc.constantFrom(...SUPPRESSED.map(([, address]) => address)), 'bad@', '12')
const suppressionKind = mostly(fc.constantFrom('blacklisted', 'unsubscribed', 'spam_complaint'), 'bounced')
const endpoint = mostly(fc.constantFrom('https://push.example.com/1', 'HTTPS://PUSH.example.com/1', 'https://push.example.com/2'), 'http://x', 'nope')

const definition = input(
  {
    key: mostly(fc.constantFrom('extra', 'n', 'score'), 'Bad Key'),
    type: mostly(fc.constantFrom('text', 'number', 'decimal'), 'blob'),
    min: money,
    max: money,
    required: fc.boolean(),
  },
  ['key', 'type'],
)

/** A row of a suppression list: mostly plausible, sometimes a bad value or a stray key. */
const suppressionRow = input(
  {
    channel: mostly(fc.constantFrom('email', 'sms'), 'mobile_push', 'fax'),
    address: suppressedAddress,
    kind: suppressionKind,
    reason: fc.option(text),
    at: fc.option(date),
  },
  ['channel', 'address', 'kind'],
)

/** `{ ifExists }` of defineCategory and createSegment. */
const ifExists = input({ ifExists: mostly(fc.constantFrom('error', 'return'), 'maybe') })

/** Every operation, with arbitraries for its arguments. */
const OPERATIONS = {
  now: [],
  setClock: [date],
  create: [contactInput],
  upsert: [contactInput, fc.option(input({ dedupeOn: fc.constantFrom('email', 'phone', 'id', 'nope') }))],
  signUp: [contactInput],
  update: [id, contactInput],
  get: [id],
  findByEmail: [email],
  findByPhone: [phone],
  findByKey: [text],
  findByExternalId: [text],
  findByPushToken: [mostly(fc.constantFrom('tok-1', 'tok-2'), '')],
  findByWebPushEndpoint: [endpoint],
  delete: [id],
  restore: [id],
  list: [listQuery],
  count: [],
  importContacts: [
    fc.array(contactInput, { maxLength: 4 }),
    fc.option(input({ dedupeOn: fc.constantFrom('email', 'x'), onInvalid: mostly(fc.constantFrom('reject_row', 'drop_field'), 'skip') })),
  ],
  importSuppressions: [mostly(fc.array(suppressionRow, { maxLength: 4 }), 'rows', null)],
  addMobilePush: [id, device],
  removeMobilePush: [id, fc.constantFrom('tok-1')],
  registerApp: [id, device],
  removeApp: [id, fc.constantFrom('app')],
  addWebPush: [id, webPush],
  removeWebPush: [id, fc.constantFrom('https://push.example.com/1')],
  setTelegram: [id, fc.oneof(telegram, fc.constant(null))],
  blacklist: [id, channel, fc.option(text)],
  unblacklist: [id, channel, text],
  unsubscribe: [id, channel, fc.option(text), fc.option(date)],
  resubscribe: [id, channel, fc.option(text)],
  reportSpam: [id, channel, fc.option(text)],
  suppressAddress: [mostly(fc.constantFrom('email', 'sms'), 'mobile_push', 'fax'), suppressedAddress, suppressionKind, fc.option(text), fc.option(date)],
  confirm: [id, channel],
  suppressions: [channel, email],
  canSend: [fc.oneof(contactId, email, phone), channel, fc.option(categoryKey)],
  canSendMany: [fc.array(fc.oneof(contactId, email, phone), { maxLength: 4 }), channel, fc.option(categoryKey)],
  defineCategory: [text, fc.option(ifExists)],
  categories: [],
  updateCategory: [categoryKey, text],
  deleteCategory: [categoryKey],
  addCategory: [id, categoryKey],
  removeCategory: [id, categoryKey],
  createSegment: [text, fc.option(ifExists)],
  segments: [],
  updateSegment: [segmentId, text],
  deleteSegment: [segmentId],
  addToSegment: [id, segmentId],
  removeFromSegment: [id, segmentId],
  segmentMembers: [segmentId, listQuery],
  defineField: [definition],
  fieldDefinitions: [],
  updateField: [fieldName, fieldUpdate],
  deleteField: [fieldName],
  setField: [id, fieldName, fc.oneof(fieldValue, validFields.map((f) => Object.values(f)[0]))],
  clearField: [id, fieldName],
  recordCampaign: [id, campaign],
  recordEvent: [id, event],
  recordOrder: [id, order],
  activity: [id, activityQuery],
}

/** A call: an operation with its arguments, or any operation with arguments of any kind and number. */
const call = fc.oneof(
  { weight: 6, arbitrary: fc.oneof(...Object.entries(OPERATIONS).map(([op, args]) => fc.tuple(...args.map(mix)).map((a) => ({ op, args: a })))) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom(...Object.keys(OPERATIONS)), args: fc.array(any, { maxLength: 4 }) }) },
)

// ---------------------------------------------------------------------------
// The book and what it holds

function seeded(book) {
  book.defineField({ key: 'n', type: 'number' })
  book.defineField({ key: 'd', type: 'decimal', min: '-1000', max: '1000' })
  book.defineField({ key: 'born', type: 'date' })
  book.defineField({ key: 'seen', type: 'datetime' })
  book.defineField({ key: 'ok', type: 'boolean' })
  book.defineField({ key: 'tier', type: 'list', options: ['a', 'b'] })
  book.defineField({ key: 'tags', type: 'multilist', options: ['x', 'y', 'z'] })
  book.defineField({ key: 'note', type: 'text' })
  const category = book.defineCategory('News')
  const segment = book.createSegment('VIP')
  const ann = book.create({ email: 'ann@example.com', phone: '+380501234567', firstName: 'Ann', fields: { n: 2n ** 60n, d: '1.5' } })
  const bob = book.create({ email: 'bob@example.com', externalId: 'bob-1', contactKey: 'bob' })
  book.addCategory(ann.id, category.key)
  book.addToSegment(bob.id, segment.id)
  book.recordEvent(ann.id, { name: 'signup', params: { plan: 'pro', nested: [{ a: 1 }] } })
  book.recordOrder(bob.id, { externalId: 'o-1', amount: '19.99', currency: 'EUR', items: [{ productId: 'p1', quantity: '1', price: '19.99' }] })
  // State for the operations that undo something: a device, a subscription, consent.
  book.addMobilePush(ann.id, { appId: 'app', deviceId: 'd1', token: 'tok-1', platform: 'ios' })
  book.addWebPush(ann.id, { endpoint: 'https://push.example.com/1', p256dh: P256DH, auth: AUTH })
  book.unsubscribe(ann.id, 'sms')
  book.reportSpam(ann.id, 'email', 'abuse report')
  book.blacklist(bob.id, 'email')
  book.unsubscribe(bob.id, 'email')
  return { ids: [ann.id, bob.id], emails: ['ann@example.com', 'bob@example.com'] }
}

/** Everything the book shows, read in full: it must always read. */
function snapshot(book) {
  const contacts = pages((cursor) => book.list({ limit: 1000, cursor }))
  return {
    count: book.count(),
    contacts,
    activity: contacts.map((c) => pages((cursor) => book.activity(c.id, { period: 'all', limit: 500, cursor }))),
    segments: book.segments(),
    members: book.segments().map((s) => pages((cursor) => book.segmentMembers(s.id, { limit: 1000, cursor }))),
    categories: book.categories(),
    fields: book.fieldDefinitions(),
    suppressed: SUPPRESSED.map(([channel, address]) => book.suppressions(channel, address)),
  }
}

function pages(read) {
  const items = []
  let cursor = null
  do {
    const page = read(cursor)
    items.push(...page.items)
    cursor = page.nextCursor
  } while (cursor)
  return items
}

/** Event params as the book gives them back: JSON values, exact integers. */
function asStored(value) {
  if (value === undefined) return null
  if (typeof value === 'bigint') return value >= -(2n ** 53n - 1n) && value <= 2n ** 53n - 1n ? Number(value) : value
  if (typeof value === 'number') return Object.is(value, -0) ? 0 : value
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return Array.from(value, asStored)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, asStored(v)]))
  }
  return value
}

// ---------------------------------------------------------------------------
// The checks

/** Runs one call and checks its outcome against the book before and after. */
async function check(ctx, { op, args }) {
  const { book, tally } = ctx
  const given = materialize(args, ctx)
  const before = snapshot(book)
  let result
  let error
  try {
    result = await book[op](...given)
  } catch (e) {
    error = e
  }
  const after = snapshot(book)
  tally[op] ??= { accepted: 0, refused: 0 }
  tally[op][error ? 'refused' : 'accepted'] += 1
  if (error) {
    assert.ok(error instanceof Error && CODES.includes(error.code), `${op} threw something else: ${error?.code} ${error}`)
    assert.equal(typeof error.message, 'string')
    assert.deepEqual(after, before, `${op} was refused (${error.message}) but wrote something`)
    return
  }
  readsBack(ctx, op, given, result, before, after)
}

/** The answer of an accepted call is what the book now holds. */
function readsBack(ctx, op, given, result, before, after) {
  const { book } = ctx
  if (result && typeof result === 'object' && 'emailStatus' in result) {
    assert.deepEqual(book.get(result.id), result, `${op}: the contact reads back`)
    if (!ctx.ids.includes(result.id)) ctx.ids.push(result.id)
    if (result.email && !ctx.emails.includes(result.email)) ctx.emails.push(result.email)
  }
  if (op.startsWith('record')) {
    const stored = after.activity.flat().find((item) => item.id === result.id)
    assert.deepEqual(stored, result, `${op}: the activity reads back`)
    if (op === 'recordEvent' && given[1]?.params !== undefined) {
      assert.deepEqual(result.params, asStored(given[1].params), 'event params read back as given')
    }
  }
  if (op === 'defineField') assert.deepEqual(after.fields.find((f) => f.key === result.key), result)
  if (op === 'defineCategory') assert.deepEqual(after.categories.find((c) => c.key === result.key), result)
  if (op === 'createSegment') assert.deepEqual(after.segments.find((s) => s.id === result.id), result)
  if (op === 'updateField') assert.deepEqual(after.fields.find((f) => f.key === result.key), result)
  if (op === 'updateCategory') {
    assert.deepEqual(after.categories.find((c) => c.key === result.key), result)
    assert.equal(after.segments.find((s) => s.id === result.segmentId).name, result.title, 'the category segment is renamed too')
  }
  if (op === 'updateSegment') assert.deepEqual(after.segments.find((s) => s.id === result.id), result)
  if (op === 'deleteCategory') {
    const gone = before.categories.find((c) => c.key === given[0])
    assert.ok(gone && !after.categories.some((c) => c.key === gone.key), 'the category is gone')
    assert.ok(!after.segments.some((s) => s.id === gone.segmentId), 'its segment is gone')
    assert.ok(after.contacts.every((c) => !c.categories.includes(gone.key) && !c.segments.includes(gone.segmentId)))
  }
  if (op === 'deleteSegment') {
    assert.ok(!after.segments.some((s) => s.id === given[0]), 'the segment is gone')
    assert.ok(after.contacts.every((c) => !c.segments.includes(given[0])), 'no contact is in it')
  }
  if (op === 'deleteField') {
    assert.ok(!after.fields.some((f) => f.key === given[0]), 'the definition is gone')
    assert.ok(after.contacts.every((c) => !(given[0] in c.fields)), 'no contact holds a value of it')
  }
  if (op === 'suppressAddress') assert.deepEqual(book.suppressions(given[0], given[1]), result, 'the records read back')
  if (op === 'canSendMany') {
    assert.deepEqual(result, given[0].map((who) => book.canSend(who, given[1], given[2])), 'each answer is canSend')
  }
  if (op === 'importContacts') {
    assert.equal(result.created + result.updated + result.rejected.length, given[0].length)
    assert.equal(after.count - before.count, result.created)
    assert.equal(result.ids.length, given[0].length, 'one id per row')
    for (const { index } of result.rejected) assert.equal(result.ids[index], null, 'a rejected row has no id')
  }
  if (op === 'importSuppressions') {
    assert.equal(result.recorded + result.unchanged + result.rejected.length, given[0].length)
  }
}

test('random hostile calls to every operation: a ContactKit error or success, nothing written on error, everything accepted reads back', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactkit-property-'))
  const tally = {}
  let run = 0
  try {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(call, { minLength: 1, maxLength: CALLS_PER_RUN }), async (onFile, calls) => {
        const book = onFile
          ? ContactBook.open(path.join(dir, `book-${run++}.db`), { clock: T0 })
          : ContactBook.inMemory({ clock: T0 })
        try {
          const ctx = { book, tally, ...seeded(book) }
          for (const c of calls) await check(ctx, c)
        } finally {
          book.close()
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true, includeErrorInReport: true },
    )
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
  console.log(JSON.stringify(tally))
  // The runs reached every operation, and each both accepted and refused calls.
  for (const op of Object.keys(OPERATIONS)) {
    assert.ok(tally[op]?.accepted > 0, `no call to ${op} was accepted`)
    assert.ok(tally[op]?.refused > 0 || OPERATIONS[op].length === 0, `no call to ${op} was refused`)
  }
})
