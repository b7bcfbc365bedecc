'use strict'
// book.promises: every operation of ContactBook as a Promise, run on the libuv thread
// pool. Each resolves as its synchronous twin does on the same inputs, and every
// failure (a bad argument, an unknown id, a conflict, a closed book) is a rejection
// carrying the error the synchronous method throws; nothing is thrown.

const { test, describe } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { ContactBook, ContactBookPromises } = require('contactkit')
const { T0, UNKNOWN_ID, fresh } = require('./support/book')

/** Methods that have no Promise form: the book's own lifecycle and test clock. */
const SYNC_ONLY = new Set(['close', 'setClock'])

/** The methods of ContactBook's prototype (getters such as `closed` left out). */
function methodsOf(prototype) {
  return Object.getOwnPropertyNames(prototype)
    .filter((name) => name !== 'constructor')
    .filter((name) => typeof Object.getOwnPropertyDescriptor(prototype, name).value === 'function')
    .sort()
}

const device = { appId: 'shop', deviceId: 'd-1', token: 'tok-1', platform: 'ios' }
const ENDPOINT = 'https://push.example.com/1'
const subscription = {
  endpoint: ENDPOINT,
  keys: {
    p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
    auth: 'tBHItJI5svbpez7KI4CCXg',
  },
}
const order = {
  externalId: 'order-1',
  amount: '120.50',
  currency: 'uah',
  status: 'delivered',
  items: [{ productId: 'sku-1', name: 'Mug', quantity: '2', price: '60.25' }],
}

// One session over every operation, in an order that builds on what came before:
// [method, (saved) => arguments, name to save the answer under]. `saved` holds the
// answers of this book (each book makes its own ids). Steps that fail are part of it:
// their errors are compared like answers.
const STEPS = [
  ['now', () => []],
  ['create', () => [{ email: 'ann@example.com', phone: '+380501234567', firstName: 'Ann', externalId: 'ext-1', contactKey: 'key-1' }], 'ann'],
  ['create', () => [{ email: 'not-an-email' }]],
  ['create', () => [{ email: 'ANN@example.com' }]],
  ['upsert', () => [{ email: 'bob@example.com', lastName: 'Bo' }, { dedupeOn: 'email' }], 'bob'],
  ['upsert', () => [{ email: 'bob@example.com', firstName: 'Bob' }]],
  ['upsert', () => [{ email: 'x@example.com' }, { dedupeOn: 'fax' }]],
  ['signUp', () => [{ email: 'cy@example.com' }], 'cy'],
  ['update', (s) => [s.ann.id, { lastName: 'Lee' }]],
  ['update', () => [UNKNOWN_ID, { lastName: 'Lee' }]],
  ['get', (s) => [s.ann.id]],
  ['get', () => [UNKNOWN_ID]],
  ['get', () => [42]],
  ['findByEmail', () => ['Ann@Example.com']],
  ['findByPhone', () => ['050 123 4567']],
  ['findByKey', () => ['key-1']],
  ['findByExternalId', () => ['ext-1']],
  ['addMobilePush', (s) => [s.ann.id, device]],
  ['findByPushToken', () => ['tok-1']],
  ['addWebPush', (s) => [s.ann.id, subscription]],
  ['findByWebPushEndpoint', () => [ENDPOINT]],
  ['findByWebPushEndpoint', () => ['not a url']],
  ['removeWebPush', (s) => [s.ann.id, ENDPOINT]],
  ['removeMobilePush', (s) => [s.ann.id, 'tok-1']],
  ['registerApp', (s) => [s.ann.id, device]],
  ['removeApp', (s) => [s.ann.id, 'shop']],
  ['setTelegram', (s) => [s.ann.id, { botId: 'bot', chatId: '42' }]],
  ['setTelegram', (s) => [s.ann.id, null]],
  ['list', () => [{ limit: 2 }], 'page'],
  ['list', (s) => [{ limit: 2, cursor: s.page.nextCursor }]],
  ['list', () => []],
  ['count', () => []],
  ['changes', () => [{ limit: 3 }], 'feed'],
  ['changes', (s) => [{ cursor: s.feed.nextCursor }]],
  ['changes', () => [{ cursor: 'junk' }]],
  ['changes', () => []],
  ['importContacts', () => [[{ email: 'dan@example.com' }, { email: 'bad' }, { email: 'bob@example.com', firstName: 'Robert' }], { dedupeOn: 'email' }]],
  ['importContacts', () => ['not rows']],
  ['importContacts', () => [[{ email: 'eli@example.com', timezone: 'Mars/Olympus' }, { timezone: 'Europe/Kyiv' }], { onInvalid: 'drop_field', keepIds: false }]],
  ['importSuppressions', () => [[{ channel: 'email', address: 'gone@example.com', kind: 'blacklisted', reason: 'hard_bounce', at: '2026-02-01 09:00:00' }, { channel: 'fax', address: 'x', kind: 'unsubscribed' }]]],
  ['importSuppressions', () => [{ channel: 'email' }]],
  ['blacklist', (s) => [s.bob.id, 'email', 'manual']],
  ['unblacklist', (s) => [s.bob.id, 'email', 'cleared']],
  ['unsubscribe', (s) => [s.bob.id, 'email']],
  ['unsubscribe', (s) => [s.bob.id, 'sms', 'replied STOP', new Date('2026-02-01T00:00:00Z')]],
  ['unsubscribe', (s) => [s.bob.id, 'sms', null, '2999-01-01 00:00:00']],
  ['resubscribe', (s) => [s.bob.id, 'email', 'back']],
  ['reportSpam', (s) => [s.bob.id, 'email', 'abuse']],
  ['confirm', (s) => [s.cy.id, 'email']],
  ['confirm', (s) => [s.cy.id, 'fax']],
  ['suppressAddress', () => ['email', 'eve@example.com', 'unsubscribed', 'old list']],
  ['suppressAddress', () => ['email', 'fay@example.com', 'spam_complaint', null, '2026-01-15T08:00:00Z']],
  ['suppressions', () => ['email', 'eve@example.com']],
  ['defineCategory', () => ['News']],
  ['defineCategory', () => ['News']],
  ['defineCategory', () => ['News', { ifExists: 'return' }]],
  ['categories', () => []],
  ['updateCategory', () => ['news', 'Headlines']],
  ['addCategory', (s) => [s.ann.id, 'news']],
  ['canSend', (s) => [s.ann.id, 'email', 'news']],
  ['canSend', () => ['nobody@example.com', 'sms']],
  ['canSend', (s) => [s.ann.id, 'email', 'no-such-category']],
  ['canSendMany', (s) => [[s.ann.id, 'bob@example.com', 'nobody@example.com'], 'email']],
  ['removeCategory', (s) => [s.ann.id, 'news']],
  ['createSegment', () => ['VIP'], 'vip'],
  ['createSegment', () => ['VIP']],
  ['createSegment', () => ['vip', { ifExists: 'return' }]],
  ['updateSegment', (s) => [s.vip.id, 'VIPs']],
  ['addToSegment', (s) => [s.ann.id, s.vip.id]],
  ['segmentMembers', (s) => [s.vip.id, { limit: 10 }]],
  ['segmentMembers', () => ['VIPs', { limit: 10 }]],
  ['segments', () => []],
  ['removeFromSegment', (s) => [s.ann.id, s.vip.id]],
  ['deleteSegment', (s) => [s.vip.id]],
  ['defineField', () => [{ key: 'age', type: 'number' }]],
  ['fieldDefinitions', () => []],
  ['updateField', () => ['age', { title: 'Age' }]],
  ['setField', (s) => [s.ann.id, 'age', 42]],
  ['setField', (s) => [s.ann.id, 'age', 'forty-two']],
  ['clearField', (s) => [s.ann.id, 'age']],
  ['deleteField', () => ['age']],
  ['recordCampaign', (s) => [s.ann.id, { messageId: 'm-1', channel: 'email', status: 'sent' }]],
  ['recordEvent', (s) => [s.ann.id, { name: 'signup', params: { plan: 'pro' } }]],
  ['recordOrder', (s) => [s.ann.id, order]],
  ['activity', (s) => [s.ann.id, { period: 'all' }]],
  ['activity', (s) => [s.ann.id]],
  ['delete', (s) => [s.bob.id]],
  ['get', (s) => [s.bob.id]],
  ['restore', (s) => [s.bob.id]],
  ['create', () => [{ email: 'dup@example.org', lastName: 'Cyan', phone: '+380671112233' }], 'dup'],
  ['recordEvent', (s) => [s.dup.id, { name: 'viewed' }]],
  ['merge', (s) => [s.cy.id, s.dup.id]],
  ['merge', (s) => [s.cy.id, s.dup.id]],
  ['merge', (s) => [s.cy.id, UNKNOWN_ID]],
  ['merge', (s) => [s.cy.id, 42]],
  ['get', (s) => [s.dup.id]],
  ['exportContact', (s) => [s.dup.id]],
  ['exportContact', (s) => [s.bob.id]],
  ['exportContact', () => [UNKNOWN_ID]],
  ['exportContact', () => ['\ud800']],
  ['erase', (s) => [s.cy.id]],
  ['erase', (s) => [s.cy.id]],
  ['get', (s) => [s.dup.id]],
  ['restore', (s) => [s.cy.id]],
  ['erase', () => [null]],
  ['exportCatalogLines', () => []],
  ['exportProfileLines', () => [{ limit: 2 }], 'lines'],
  ['exportProfileLines', (s) => [{ limit: 2, cursor: s.lines.nextCursor, withActivity: false }]],
  ['exportProfileLines', () => [{ cursor: 'junk' }]],
  ['restoreLine', (s) => [s.lines.items[0]]],
  ['restoreLine', (s) => [{ ...s.lines.items[0], activity: [{ kind: 'event', at: '2026-03-01T10:00:00Z', name: '' }] }]],
  ['restoreLine', () => ['not a line']],
  ['restoreLine', () => [{ segment: { name: 'Imported' } }, 'email']],
  ['restoreLine', (s) => [s.lines.items[0], 'fax']],
  ['deleteCategory', () => ['news']],
  ['count', () => []],
]

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi

/**
 * `value` with every id (and page cursor) of its book renamed by order of first
 * appearance, so that two books' answers compare: `#1` is the first id either saw.
 */
function canon(value, names, key = null) {
  const rename = (id) => {
    if (!names.has(id)) names.set(id, `#${names.size + 1}`)
    return names.get(id)
  }
  if (value instanceof Error) {
    const own = Object.fromEntries(Object.keys(value).map((k) => [k, canon(value[k], names, k)]))
    return { error: value.constructor.name, message: canon(value.message, names), ...own }
  }
  if (value instanceof Date) return value
  if (Array.isArray(value)) return value.map((item) => canon(item, names))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canon(v, names, k)]))
  }
  if (typeof value === 'string') {
    if (key === 'nextCursor') return rename(value)
    return value.replace(UUID, (id) => rename(id.toLowerCase()))
  }
  return value
}

describe('book.promises', () => {
  test('is one object per book, a ContactBookPromises, not enumerable on the book', () => {
    const book = fresh()
    assert.ok(book.promises instanceof ContactBookPromises)
    assert.equal(book.promises, book.promises)
    assert.notEqual(book.promises, fresh().promises)
    assert.deepEqual(Object.keys(book), [])
    assert.throws(() => new ContactBookPromises(), 'it is made by a book, never by hand')
  })

  test('has a Promise form of every method but close and setClock, and STEPS calls each', () => {
    const sync = methodsOf(ContactBook.prototype).filter((name) => !SYNC_ONLY.has(name))
    assert.deepEqual(methodsOf(ContactBookPromises.prototype), sync)
    const stepped = new Set(STEPS.map(([name]) => name))
    assert.deepEqual(sync.filter((name) => !stepped.has(name)), [], 'methods missing from STEPS')
    assert.ok(sync.length > 55, `${sync.length} methods`)
  })

  test('index.d.ts types each Promise form as its twin: same parameters, Promise of the same answer', () => {
    const dts = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8')
    /** name → [parameters, answer] of the methods declared in `class Name { … }`. */
    const declared = (name) => {
      const start = dts.indexOf(`export declare class ${name} {`)
      const body = dts.slice(start, dts.indexOf('\n}\n', start))
      return new Map(
        [...body.matchAll(/^  ([A-Za-z_]\w*)\((.*)\): (.*)$/gm)].map((m) => [m[1], [m[2], m[3]]]),
      )
    }
    const sync = declared('ContactBook')
    const promised = declared('ContactBookPromises')
    assert.deepEqual([...promised.keys()].sort(), methodsOf(ContactBookPromises.prototype))
    for (const [name, [params, answer]] of promised) {
      const [syncParams, syncAnswer] = sync.get(name)
      assert.equal(params, syncParams, name)
      const wanted = syncAnswer.startsWith('Promise<') ? syncAnswer : `Promise<${syncAnswer}>`
      assert.equal(answer, wanted, name)
    }
    assert.equal(promised.get('get')[1], 'Promise<Contact | null>')
    assert.equal(promised.get('delete')[1], 'Promise<void>')
  })

  test('every Promise form resolves as its synchronous twin, and rejects as it throws', async () => {
    const syncBook = fresh()
    const promiseBook = fresh()
    const saved = { sync: {}, promise: {} }
    const names = { sync: new Map(), promise: new Map() }
    for (const [index, [name, args, save]] of STEPS.entries()) {
      const label = `step ${index}: ${name}`
      let expected
      let failed = false
      try {
        expected = await syncBook[name](...args(saved.sync))
      } catch (error) {
        expected = error
        failed = true
      }
      let pending
      assert.doesNotThrow(() => {
        pending = promiseBook.promises[name](...args(saved.promise))
      }, label)
      assert.ok(pending instanceof Promise, `${label} returns a Promise`)
      let actual
      let rejected = false
      try {
        actual = await pending
      } catch (error) {
        actual = error
        rejected = true
      }
      assert.equal(rejected, failed, `${label}: ${rejected ? actual.message : 'resolved'}`)
      if (failed) assert.ok(actual instanceof Error, `${label} rejects with an Error`)
      assert.deepEqual(canon(actual, names.promise), canon(expected, names.sync), label)
      if (save) {
        saved.sync[save] = expected
        saved.promise[save] = actual
      }
    }
    // The two books hold the same contacts.
    const all = (book) => book.list({ limit: 1000 }).items
    assert.deepEqual(canon(all(promiseBook), names.promise), canon(all(syncBook), names.sync))
  })
})

describe('rejections carry the error the synchronous method throws', () => {
  /** The error `call` throws, and the error `call` on the promises rejects with. */
  async function bothErrors(book, name, ...args) {
    let thrown
    try {
      book[name](...args)
    } catch (error) {
      thrown = error
    }
    assert.ok(thrown, `${name} throws`)
    const pending = book.promises[name](...args)
    assert.ok(pending instanceof Promise)
    const rejected = await pending.then(
      () => assert.fail(`promises.${name} resolved`),
      (error) => error,
    )
    assert.ok(rejected instanceof Error)
    assert.equal(rejected.constructor, thrown.constructor)
    assert.equal(rejected.message, thrown.message)
    assert.deepEqual({ ...rejected }, { ...thrown })
    return rejected
  }

  test('a bad email: VALIDATION on email with its value and reason', async () => {
    const error = await bothErrors(fresh(), 'create', { email: 'not-an-email' })
    assert.equal(error.code, 'VALIDATION')
    assert.equal(error.field, 'email')
    assert.equal(error.value, 'not-an-email')
    assert.match(error.reason, /./)
  })

  test('an argument of the wrong type: VALIDATION naming the parameter, rejected not thrown', async () => {
    const error = await bothErrors(fresh(), 'blacklist', UNKNOWN_ID, 'fax')
    assert.equal(error.code, 'VALIDATION')
    assert.equal(error.field, 'channel')
    const nested = await bothErrors(fresh(), 'create', { address: { country: 42 } })
    assert.equal(nested.field, 'address.country')
  })

  test('a getter that throws: the very exception, rejected', async () => {
    const book = fresh()
    const boom = new TypeError('boom')
    const input = {
      get email() {
        throw boom
      },
    }
    assert.throws(() => book.create(input), (e) => e === boom)
    await assert.rejects(book.promises.create(input), (e) => e === boom)
    // The exception was taken, not left pending: the book goes on.
    assert.equal((await book.promises.create({ email: 'ann@example.com' })).email, 'ann@example.com')
  })

  test('an unknown id: NOT_FOUND with what and id', async () => {
    const error = await bothErrors(fresh(), 'update', UNKNOWN_ID, { firstName: 'Ann' })
    assert.equal(error.code, 'NOT_FOUND')
    assert.equal(error.what, 'contact')
    assert.equal(error.id, UNKNOWN_ID)
  })

  test('a conflict: CONFLICT with existing and existingId, the holder of the value', async () => {
    const book = fresh()
    const ann = book.create({ email: 'ann@example.com' })
    const error = await bothErrors(book, 'create', { email: 'ann@example.com', firstName: 'Other' })
    assert.equal(error.code, 'CONFLICT')
    assert.equal(error.field, 'email')
    assert.equal(error.existingId, ann.id)
    assert.equal(book.count(), 1, 'nothing was written')
  })

  test('importContacts: bad rows and bad options reject; onProgress is called on the JS thread', async () => {
    const book = fresh()
    await assert.rejects(book.promises.importContacts('rows'), { code: 'VALIDATION', field: 'rows' })
    await assert.rejects(book.promises.importContacts([], { dedupeOn: 'fax' }), { code: 'VALIDATION', field: 'dedupeOn' })
    await assert.rejects(book.promises.importContacts([], { onProgress: 1 }), { code: 'VALIDATION', field: 'onProgress' })
    const seen = []
    const report = await book.promises.importContacts(
      Array.from({ length: 9000 }, (_, i) => ({ email: `p${i}@example.com` })),
      { onProgress: (done) => seen.push(done) },
    )
    assert.equal(report.created, 9000)
    assert.deepEqual(seen, [4000, 8000, 9000])
    // An exception thrown by onProgress stops the import and rejects with it.
    const stop = new Error('stop')
    await assert.rejects(
      book.promises.importContacts([{ email: 'q@example.com' }], {
        onProgress: () => {
          throw stop
        },
      }),
      (e) => e === stop,
    )
  })
})

describe('concurrency on one SQLite file', () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'contactkit-promises-'))

  test('200 concurrent upserts of 50 emails make 50 contacts, with no error', async () => {
    const dir = tmp()
    try {
      const book = ContactBook.open(path.join(dir, 'book.db'))
      const emails = Array.from({ length: 50 }, (_, i) => `c${i}@example.com`)
      const results = await Promise.allSettled(
        Array.from({ length: 200 }, (_, i) =>
          book.promises.upsert({ email: emails[i % 50], firstName: `N${i}` }, { dedupeOn: 'email' }),
        ),
      )
      assert.deepEqual(
        results.filter((r) => r.status === 'rejected').map((r) => `${r.reason.code}: ${r.reason.message}`),
        [],
      )
      assert.equal(await book.promises.count(), 50)
      const ids = new Map()
      for (const { value } of results) {
        if (ids.has(value.email)) assert.equal(ids.get(value.email), value.id, 'one contact per email')
        ids.set(value.email, value.id)
      }
      assert.equal(ids.size, 50)
      book.close()
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  test('the event loop keeps turning while a long import promise runs', async (t) => {
    const dir = tmp()
    try {
      const book = ContactBook.open(path.join(dir, 'book.db'))
      const rows = Array.from({ length: 40_000 }, (_, i) => ({ email: `r${i}@example.com`, firstName: 'Row' }))
      let ticks = 0
      const timer = setInterval(() => {
        ticks += 1
      }, 1)
      const ticksAtProgress = []
      const report = await book.promises.importContacts(rows, {
        onProgress: () => ticksAtProgress.push(ticks),
      })
      clearInterval(timer)
      assert.equal(report.created, 40_000)
      // The timer ran between the batches: the import never held the event loop.
      assert.ok(ticks > 0, 'the interval ticked during the import')
      assert.ok(ticksAtProgress.at(-1) > ticksAtProgress[0], `ticks at each batch: ${ticksAtProgress}`)
      t.diagnostic(`setInterval(1 ms) ticked ${ticks} times during an import of 40,000 rows; at the batches: ${ticksAtProgress}`)
      book.close()
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('a closed book', () => {
  /** Well-formed arguments for every Promise form (a closed book never reads the store). */
  const ARGS = Object.fromEntries(STEPS.map(([name, args]) => [name, args]).reverse())
  const ids = { id: UNKNOWN_ID }
  const saved = { ann: ids, bob: ids, cy: ids, dup: ids, vip: ids, page: { nextCursor: null }, lines: { items: [{}], nextCursor: null } }

  test('rejects every Promise form with the STORAGE error the sync method throws', async () => {
    const book = fresh()
    const promises = book.promises
    book.close()
    const names = methodsOf(ContactBookPromises.prototype)
    for (const name of names) {
      const args = ARGS[name](saved)
      let thrown
      try {
        await book[name](...args)
      } catch (error) {
        thrown = error
      }
      assert.equal(thrown?.code, 'STORAGE', `${name} throws on a closed book`)
      const pending = promises[name](...args)
      assert.ok(pending instanceof Promise, name)
      await assert.rejects(pending, (error) => {
        assert.deepEqual({ ...error, message: error.message }, { ...thrown, message: thrown.message }, name)
        return true
      })
    }
    assert.equal(book.promises, promises, 'the same object once closed')
  })

  test('closing during in-flight promises lets them finish on the book they started on', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactkit-promises-'))
    try {
      const file = path.join(dir, 'book.db')
      const book = ContactBook.open(file, { clock: T0 })
      const rows = Array.from({ length: 10_000 }, (_, i) => ({ email: `i${i}@example.com` }))
      const inFlight = [
        book.promises.importContacts(rows),
        ...Array.from({ length: 100 }, (_, i) => book.promises.upsert({ email: `u${i}@example.com` })),
        book.promises.count(),
        book.promises.list({ limit: 5 }),
      ]
      book.close()
      assert.equal(book.closed, true)
      await assert.rejects(book.promises.count(), { code: 'STORAGE', reason: 'the book is closed' })
      const outcomes = await Promise.allSettled(inFlight)
      assert.deepEqual(
        outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason.message),
        [],
      )
      assert.equal(outcomes[0].value.created, 10_000)
      // Everything written reached the file.
      const again = ContactBook.open(file)
      assert.equal(again.count(), 10_100)
      again.close()
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
