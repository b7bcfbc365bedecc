'use strict'
// One regression test for each Node finding of issue 10 (Hardening): values a hostile
// or careless caller sends are refused with a VALIDATION error naming the field, the
// process survives, nothing is written, and what was accepted reads back exactly.

const { test, describe } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { ContactBook } = require('contactkit')

const T0 = new Date('2026-03-01T10:00:00.000Z')

/** A book with a manual clock, one contact and a number and a decimal field. */
function fixture() {
  const book = ContactBook.inMemory({ clock: T0 })
  book.defineField({ key: 'n', type: 'number' })
  book.defineField({ key: 'd', type: 'decimal' })
  book.defineField({ key: 'born', type: 'date' })
  const ann = book.create({ email: 'ann@example.com', firstName: 'Ann' })
  return { book, ann }
}

/** Asserts that `call` throws a VALIDATION error whose field is `field` (or matches it). */
function refused(call, field) {
  let error
  try {
    call()
  } catch (e) {
    error = e
  }
  assert.ok(error instanceof Error, 'expected a VALIDATION error')
  assert.equal(error.code, 'VALIDATION', error.message)
  if (field instanceof RegExp) assert.match(error.field, field, error.message)
  else assert.equal(error.field, field, error.message)
  return error
}

/** Asserts that `call` leaves `book` as it was: every contact, its activity, the catalog. */
function writesNothing(book, call) {
  const before = snapshot(book)
  const result = call()
  assert.deepEqual(snapshot(book), before, 'a refused call wrote something')
  return result
}

function snapshot(book) {
  const contacts = book.list({ limit: 1000 }).items
  return {
    count: book.count(),
    contacts,
    activity: contacts.map((c) => book.activity(c.id, { period: 'all', limit: 500 }).items),
    segments: book.segments(),
    categories: book.categories(),
    fields: book.fieldDefinitions(),
  }
}

/** A value with `depth` arrays around 1. */
function nestedArrays(depth) {
  let value = 1
  for (let i = 0; i < depth; i++) value = [value]
  return value
}

/** A value with `depth` objects around 1. */
function nestedObjects(depth) {
  let value = 1
  for (let i = 0; i < depth; i++) value = { a: value }
  return value
}

describe('nesting and cycles', () => {
  test('an email nested 20,000 arrays deep is refused, the process survives', () => {
    const { book } = fixture()
    const deep = JSON.parse('['.repeat(20000) + ']'.repeat(20000))
    const error = writesNothing(book, () => refused(() => book.upsert({ email: deep }), /^email(\[0\])+$/))
    assert.match(error.reason, /nested deeper than 32 levels/)
    assert.equal(book.count(), 1)
  })

  test('cyclic params are refused as a cycle, naming where the object repeats', () => {
    const { book, ann } = fixture()
    const params = { plan: 'pro' }
    params.self = params
    const error = writesNothing(book, () =>
      refused(() => book.recordEvent(ann.id, { name: 'signup', params }), 'params.self'),
    )
    assert.match(error.reason, /contains itself/)
    const list = [1]
    list.push({ back: list })
    refused(() => book.recordEvent(ann.id, { name: 'signup', params: { list } }), 'params.list[1].back')
  })

  test('a cyclic contact input or field value is refused too', () => {
    const { book, ann } = fixture()
    const address = { town: 'Kyiv' }
    address.again = address
    writesNothing(book, () => refused(() => book.update(ann.id, { address }), 'address.again'))
    const options = ['a']
    options.push(options)
    writesNothing(book, () => refused(() => book.setField(ann.id, 'n', options), 'fields.n[1]'))
  })

  test('the same object twice (not a cycle) is read twice', () => {
    const { book, ann } = fixture()
    const shared = { sku: 'a-1' }
    const event = book.recordEvent(ann.id, { name: 'cart', params: { first: shared, second: shared } })
    assert.deepEqual(event.params, { first: { sku: 'a-1' }, second: { sku: 'a-1' } })
  })

  test('params 32 levels deep (the map and 31 inside) are kept; deeper and 126 levels are refused and activity stays readable', () => {
    const { book, ann } = fixture()
    const kept = book.recordEvent(ann.id, { name: 'deep', params: { v: nestedArrays(31) } })
    assert.deepEqual(kept.params.v, nestedArrays(31))
    for (const depth of [32, 126]) {
      writesNothing(book, () =>
        refused(() => book.recordEvent(ann.id, { name: 'deep', params: { v: nestedObjects(depth) } }), /^params\.v(\.a)+$/),
      )
    }
    const items = book.activity(ann.id, { period: 'all' }).items
    assert.equal(items.length, 1)
    assert.deepEqual(items[0].params.v, nestedArrays(31))
  })

  test('a sparse array claiming 2^32 - 1 elements is refused without allocating for them', () => {
    const { book } = fixture()
    const started = Date.now()
    const error = writesNothing(book, () =>
      refused(() => book.create({ email: new Array(2 ** 32 - 1) }), /^email\[\d+\]$/),
    )
    assert.match(error.reason, /larger than 4194304 bytes/)
    assert.ok(Date.now() - started < 20_000, 'refused in bounded time')
  })
})

describe('sizes', () => {
  test('multi-megabyte params are refused, by the core or already by the reader', () => {
    const { book, ann } = fixture()
    const core = writesNothing(book, () =>
      refused(() => book.recordEvent(ann.id, { name: 'e', params: { blob: 'x'.repeat(2_000_000) } }), 'params'),
    )
    assert.match(core.reason, /larger than 65536 bytes/)
    const reader = writesNothing(book, () =>
      refused(() => book.recordEvent(ann.id, { name: 'e', params: { blob: 'x'.repeat(20_000_000) } }), 'params.blob'),
    )
    assert.match(reader.reason, /larger than 4194304 bytes/)
  })

  test('a million workflows and a million order items are refused', () => {
    const { book, ann } = fixture()
    const workflows = Array.from({ length: 1_000_000 }, (_, i) => `w${i}`)
    writesNothing(book, () => refused(() => book.recordEvent(ann.id, { name: 'e', workflows }), /^workflows/))
    writesNothing(book, () =>
      refused(() => book.recordEvent(ann.id, { name: 'e', workflows: workflows.slice(0, 101) }), 'workflows'),
    )
    const item = { productId: 'p', quantity: '1', price: '1.00' }
    const items = new Array(1_000_000).fill(item)
    const order = (items) => ({ externalId: 'o-1', amount: '1.00', currency: 'EUR', items })
    writesNothing(book, () => refused(() => book.recordOrder(ann.id, order(items)), /^items/))
    writesNothing(book, () => refused(() => book.recordOrder(ann.id, order(items.slice(0, 1001))), 'items'))
    assert.equal(book.recordOrder(ann.id, order(items.slice(0, 1000))).items.length, 1000)
  })
})

describe('numbers', () => {
  test('a number field set from 2n ** 60n is stored exactly and comes back as a bigint', () => {
    const { book, ann } = fixture()
    const set = book.setField(ann.id, 'n', 2n ** 60n)
    assert.equal(set.fields.n, 2n ** 60n)
    assert.equal(book.get(ann.id).fields.n, 2n ** 60n)
    assert.equal(book.update(ann.id, { fields: { n: -(2n ** 63n) } }).fields.n, -(2n ** 63n))
    // A bigint round-trips: what came out goes back in unchanged.
    assert.equal(book.setField(ann.id, 'n', book.get(ann.id).fields.n).fields.n, -(2n ** 63n))
  })

  test('a bigint outside 64 bits is refused, quoted in full', () => {
    const { book, ann } = fixture()
    const error = writesNothing(book, () => refused(() => book.setField(ann.id, 'n', 2n ** 64n), 'fields.n'))
    assert.equal(error.value, '18446744073709551616n')
  })

  test('"9007199254740993" for a number field stays exact', () => {
    const { book, ann } = fixture()
    assert.equal(book.setField(ann.id, 'n', '9007199254740993').fields.n, 9007199254740993n)
    assert.equal(book.list().items[0].fields.n, 9007199254740993n)
  })

  test('values within 2^53 stay numbers', () => {
    const { book, ann } = fixture()
    assert.equal(book.setField(ann.id, 'n', Number.MAX_SAFE_INTEGER).fields.n, Number.MAX_SAFE_INTEGER)
    assert.equal(book.setField(ann.id, 'n', -Number.MAX_SAFE_INTEGER).fields.n, -Number.MAX_SAFE_INTEGER)
    assert.equal(book.setField(ann.id, 'n', 5n).fields.n, 5)
  })

  test('a JavaScript number beyond 2^53 is refused where an integer is expected', () => {
    const { book, ann } = fixture()
    writesNothing(book, () => refused(() => book.setField(ann.id, 'n', 2 ** 60), 'fields.n'))
    const error = refused(() => book.list({ limit: 2 ** 53 + 2 }), 'limit')
    assert.match(error.reason, /pass a bigint/)
  })

  test('bigints beyond 2^53 in event params come back exactly', () => {
    const { book, ann } = fixture()
    const event = book.recordEvent(ann.id, { name: 'e', params: { big: 2n ** 60n, small: 7n, float: 2 ** 60 } })
    assert.deepEqual(event.params, { big: 2n ** 60n, small: 7, float: 2 ** 60 })
    assert.deepEqual(book.activity(ann.id).items[0].params, event.params)
  })

  test('0.1 + 0.2 for a decimal is refused, naming the field; exact values are kept', () => {
    const { book, ann } = fixture()
    const error = writesNothing(book, () => refused(() => book.setField(ann.id, 'd', 0.1 + 0.2), 'fields.d'))
    assert.equal(error.value, '0.30000000000000004')
    writesNothing(book, () => refused(() => book.update(ann.id, { fields: { d: 1.5 } }), 'fields.d'))
    assert.equal(book.setField(ann.id, 'd', '0.3').fields.d, '0.3')
    assert.equal(book.setField(ann.id, 'd', 3).fields.d, '3')
    assert.equal(book.setField(ann.id, 'd', 30n).fields.d, '30')
  })

  test('a number where money is expected is refused, naming the field', () => {
    const { book, ann } = fixture()
    const order = { externalId: 'o-1', amount: '10.00', currency: 'EUR' }
    for (const [input, field] of [
      [{ ...order, amount: 0.1 + 0.2 }, 'amount'],
      [{ ...order, shipping: 4.99 }, 'shipping'],
      [{ ...order, items: [{ productId: 'p', quantity: '1', price: 9.99 }] }, 'items[0].price'],
      [{ ...order, items: [{ productId: 'p', quantity: 1.5, price: '9.99' }] }, 'items[0].quantity'],
    ]) {
      writesNothing(book, () => refused(() => book.recordOrder(ann.id, input), field))
    }
    refused(() => book.defineField({ key: 'score', type: 'decimal', min: 0.5 }), 'min')
  })

  test('NaN and Infinity are refused wherever a number is read, naming the field', () => {
    const { book, ann } = fixture()
    for (const bad of [NaN, Infinity, -Infinity]) {
      const error = writesNothing(book, () =>
        refused(() => book.update(ann.id, { location: { latitude: bad, longitude: 30 } }), 'location.latitude'),
      )
      assert.equal(error.value, String(bad))
      writesNothing(book, () => refused(() => book.recordEvent(ann.id, { name: 'e', params: { x: bad } }), 'params.x'))
      writesNothing(book, () => refused(() => book.setField(ann.id, 'n', bad), 'fields.n'))
    }
  })
})

describe('strings', () => {
  test('a lone surrogate is refused, naming the field, never turned into U+FFFD', () => {
    const { book, ann } = fixture()
    const error = writesNothing(book, () => refused(() => book.update(ann.id, { firstName: 'Ann\ud800' }), 'firstName'))
    assert.equal(error.value, 'Ann\\ud800')
    refused(() => book.get('\udc00'), 'id')
    writesNothing(book, () => refused(() => book.recordEvent(ann.id, { name: 'e', params: { note: 'a\udfffb' } }), 'params.note'))
    writesNothing(book, () => refused(() => book.recordEvent(ann.id, { name: 'e', params: { ['k\ud800']: 1 } }), 'params'))
  })

  test('surrogate pairs and a real U+FFFD are text and read back unchanged', () => {
    const { book, ann } = fixture()
    const params = { emoji: '😀 \ud83d\ude00', replacement: 'a\ufffdb' }
    assert.deepEqual(book.recordEvent(ann.id, { name: 'e', params }).params, params)
    assert.deepEqual(book.activity(ann.id).items[0].params, params)
  })

  test('keys and values of 1- to 4-byte characters around 256 bytes (where the reader reads in one call or measures first) read back whole', () => {
    const { book, ann } = fixture()
    const params = {}
    for (const c of ['x', 'é', '€', '😀']) {
      const bytes = Buffer.byteLength(c)
      for (let length = 248; length <= 262; length++) {
        // `length` bytes of `c`, then ASCII to make up what does not divide.
        const text = c.repeat(Math.floor(length / bytes)) + 'y'.repeat(length % bytes)
        params[text] = text
      }
    }
    assert.deepEqual(book.recordEvent(ann.id, { name: 'e', params }).params, params)
    const lone = writesNothing(book, () =>
      refused(() => book.update(ann.id, { lastName: `${'é'.repeat(130)}\ud800` }), 'lastName'),
    )
    assert.match(lone.reason, /lone surrogate/)
  })
})

describe('paging', () => {
  test('a junk cursor is refused, naming cursor', () => {
    const { book, ann } = fixture()
    const segment = book.createSegment('VIP')
    book.addToSegment(ann.id, segment.id)
    for (const cursor of ['junk', '', '123_not-a-uuid', ann.id + 'x']) {
      refused(() => book.list({ cursor }), 'cursor')
      refused(() => book.segmentMembers(segment.id, { cursor }), 'cursor')
      refused(() => book.activity(ann.id, { cursor }), 'cursor')
    }
  })

  test('a limit out of range is refused, naming limit and quoting it', () => {
    const { book, ann } = fixture()
    const segment = book.createSegment('VIP')
    for (const [limit, value] of [
      [2 ** 70, null],
      [2n ** 70n, '1180591620717411303424n'],
      [-1, '-1'],
      [1.5, '1.5'],
      [NaN, 'NaN'],
      [Infinity, 'Infinity'],
      ['10', '10'],
    ]) {
      for (const call of [
        () => book.list({ limit }),
        () => book.segmentMembers(segment.id, { limit }),
        () => book.activity(ann.id, { limit }),
      ]) {
        const error = refused(call, 'limit')
        if (value !== null) assert.equal(error.value, value)
      }
    }
  })
})

describe('time', () => {
  test('the instant 9999-12-31T23:59:59-23:59 (year 10000 in UTC) is refused', () => {
    const { book, ann } = fixture()
    const late = '9999-12-31T23:59:59-23:59'
    writesNothing(book, () => refused(() => book.recordEvent(ann.id, { name: 'e', at: late }), 'at'))
    writesNothing(book, () => refused(() => book.recordEvent(ann.id, { name: 'e', at: new Date(late) }), 'at'))
    writesNothing(book, () => refused(() => book.setField(ann.id, 'born', '+10000-01-01'), 'fields.born'))
    refused(() => book.recordEvent(ann.id, { name: 'e', at: new Date(NaN) }), 'at')
    const last = new Date('9999-12-31T23:59:59.999Z')
    assert.deepEqual(book.recordEvent(ann.id, { name: 'e', at: last }).at, last)
  })
})

describe('opening a file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactkit-hostile-'))
  const file = path.join(dir, 'book.db')

  test('durability and busyTimeoutMs are accepted and the book works', () => {
    for (const options of [{ durability: 'full', busyTimeoutMs: 250 }, { durability: 'normal' }, { busyTimeoutMs: 0 }]) {
      const book = ContactBook.open(file, options)
      book.upsert({ email: 'ann@example.com' })
      assert.equal(book.count(), 1)
      book.close()
    }
  })

  test('bad options are refused, naming the option, and create no file', () => {
    const fresh = path.join(dir, 'never.db')
    for (const [options, field] of [
      [{ durability: 'fast' }, 'durability'],
      [{ durability: 1 }, 'durability'],
      [{ busyTimeoutMs: -1 }, 'busyTimeoutMs'],
      [{ busyTimeoutMs: 1.5 }, 'busyTimeoutMs'],
      [{ busyTimeoutMs: 2 ** 32 }, 'busyTimeoutMs'],
      [{ busyTimeoutMs: NaN }, 'busyTimeoutMs'],
      [{ busyTimeout: 5 }, 'busyTimeout'],
      [{ defaultRegion: 'Atlantis' }, 'defaultRegion'],
    ]) {
      refused(() => ContactBook.open(fresh, options), field)
      assert.equal(fs.existsSync(fresh), false)
    }
    // File settings belong to a file: a book in memory has none.
    refused(() => ContactBook.inMemory({ durability: 'full' }), 'durability')
  })
})
