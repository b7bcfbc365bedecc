'use strict'
// What the Node test files share: a book on a manual clock and the assertion that a
// call fails with a ContactKit error code (and field).

const assert = require('node:assert/strict')
const { ContactBook } = require('contactkit')

const T0 = new Date('2026-03-01T10:00:00.000Z')
const DAY = 86_400_000
const later = (days) => new Date(T0.getTime() + days * DAY)
const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000'

/** A book with a manual clock at T0 and Ukrainian national numbers. */
const fresh = () => ContactBook.inMemory({ clock: T0, defaultRegion: 'UA' })

/** Asserts that `call` throws a ContactKit error with `code` (and `field`). */
function throwsCode(call, code, field) {
  let error
  try {
    call()
  } catch (e) {
    error = e
  }
  assert.ok(error, `expected a ${code} error`)
  assert.ok(error instanceof Error, 'a ContactKit error is an Error')
  assert.equal(error.code, code, error.message)
  if (field !== undefined) assert.equal(error.field, field, error.message)
  return error
}

module.exports = { T0, later, UNKNOWN_ID, fresh, throwsCode }
