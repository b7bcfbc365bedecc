'use strict'
// The examples run, print what docs/node.md says they print, and appear in
// docs/node.md exactly as they are on disk (so the guide never drifts).

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const PACKAGE = path.join(__dirname, '..')
const EXAMPLES = path.join(PACKAGE, 'examples')
const GUIDE = path.join(PACKAGE, '..', 'docs', 'node.md')

function run(file, args = [], nodeArgs = []) {
  const child = spawnSync(process.execPath, [...nodeArgs, path.join(EXAMPLES, file), ...args], {
    cwd: PACKAGE,
    encoding: 'utf8',
  })
  assert.equal(child.status, 0, `${file} failed:\n${child.stderr}`)
  return child.stdout
}

const lines = (text) => text.trim().split('\n')

test('the quick start runs against a SQLite file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactkit-quickstart-'))
  try {
    const out = run('quickstart.js', [path.join(dir, 'contacts.db')])
    assert.deepEqual(lines(out), [
      'ann@example.com +380671234567 true',
      "{ allowed: false, reason: 'not_in_category' }",
      "{ allowed: true, reason: 'ok' }",
      'unsubscribed',
      "49.90 true { EUR: '49.90' }",
      'null',
    ])
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('the TypeScript example runs (it is type-checked by tsc --noEmit -p examples)', () => {
  const register = path.join(PACKAGE, 'test', 'support', 'ts-register.js')
  const out = lines(run('typed.ts', [], ['-r', register]))
  assert.equal(out[0], 'send it')
  assert.equal(out[1], 'unsubscribed ok unknown_contact')
  assert.match(out[2], /^order A-1: 19\.99 EUR \d{4}$/)
  assert.match(out[3], /^sms message m-1 to \+380671234567 is delivered \d{4}$/)
  assert.deepEqual(out.slice(4), ['bad email', 'created 2'])
})

test('the Express-style handlers answer canSend and canSendMany with statuses', () => {
  assert.deepEqual(lines(run('can-send-handler.js')), [
    '200 {"allowed":true,"reason":"ok"}',
    '200 {"allowed":false,"reason":"not_in_category"}',
    '400 {"error":"VALIDATION","field":"channel","message":"invalid channel \\"fax\\": expected one of email, sms, mobile_push, web_push, telegram"}',
    '404 {"error":"NOT_FOUND","field":null,"message":"category \\"no-such-category\\" not found"}',
    '200 [{"id":"ann@example.com","allowed":true,"reason":"ok"},{"id":"bob@example.com","allowed":false,"reason":"unsubscribed"},{"id":"nobody@example.com","allowed":false,"reason":"unknown_contact"}]',
    '400 {"error":"VALIDATION","field":"ids","message":"invalid ids \\"ann@example.com\\": invalid type: string \\"ann@example.com\\", expected a sequence"}',
  ])

  // And as a module, with an unknown contact (an answer, not an error).
  const { ContactBook } = require('contactkit')
  const { canSendHandler, canSendManyHandler } = require(path.join(EXAMPLES, 'can-send-handler.js'))
  const handler = canSendHandler(ContactBook.inMemory())
  let status
  let body
  const res = {
    status(code) {
      status = code
      return this
    },
    json(value) {
      body = value
    },
  }
  handler({ params: { id: '01900000-0000-7000-8000-000000000000' }, query: {} }, res)
  assert.equal(status, 200)
  assert.deepEqual(body, { allowed: false, reason: 'unknown_contact' })

  // A batch of more than 1000 recipients is refused naming `ids`.
  canSendManyHandler(ContactBook.inMemory())({ body: { ids: new Array(1001).fill('a@example.com') } }, res)
  assert.equal(status, 400)
  assert.deepEqual([body.error, body.field], ['VALIDATION', 'ids'])
})

test('the bulk import example reports progress and rejected rows', () => {
  const out = lines(run('bulk-import.js'))
  assert.deepEqual(out.slice(0, 2), ['imported 4000 of 5000', 'imported 5000 of 5000'])
  assert.equal(out[2], 'created 4998, updated 0, rejected 2')
  assert.match(out[3], /^row 7 \(email\): invalid email "not-an-email"/)
  assert.match(out[4], /^row 42 \(firstName\): invalid first_name "Agent 0070"/)
})

test('the pipelines example moves an audience in as docs/node.md says', () => {
  assert.deepEqual(lines(run('pipelines.js')), [
    'created 3, dropped 1, rejected 1',
    'row 2 kept without timezone, language',
    'id id id null',
    'unsubscribed 2024-02-20T04:42:48.000Z',
    '2025-11-05T10:00:00.000Z',
    'recorded 1, rejected row 1 (email)',
    '1 2025-01-02T03:04:05.000Z',
  ])
})

test('the promises example resolves and rejects as docs/node.md says', () => {
  assert.deepEqual(lines(run('promises.js')), [
    'ann@example.com true ok 1',
    'CONFLICT email true',
    'VALIDATION email',
    'STORAGE the book is closed',
  ])
})

test('the lifecycle example merges, exports and erases as docs/node.md says', () => {
  assert.deepEqual(lines(run('lifecycle.js')), [
    'Ann Lee app-77 1',
    'true true',
    'contact activity suppressions opened_app unsubscribed',
    'ann@example.com',
    'null null',
    'NOT_FOUND contact',
    'too many emails',
    'unsubscribed',
  ])
})

test('the portable form example exports a book to JSON lines and restores it as docs/node.md says', () => {
  assert.deepEqual(lines(run('portable.js')), [
    '{"category":{"key":"weekly-news","title":"Weekly news"}}',
    'Ann unsubscribed string true',
    'catalog - false',
    'profile true true',
    'unsubscribed signed_up unsubscribed',
    'false false 1',
    'VALIDATION activity[0].name',
  ])
})

test('the error handling example shows every code', () => {
  const out = lines(run('errors.js'))
  assert.deepEqual(out.map((line) => line.split(':')[0]), ['email', 'nested', 'money', 'duplicate', 'unknown', 'closed'])
  assert.equal(out[0], "email: bad email (Missing separator character '@'.)")
  assert.equal(out[1], 'nested: bad address.country (not an ISO 3166-1 country code)')
  assert.match(out[2], /^money: bad amount \(.*decimal string/)
  assert.match(out[3], /^duplicate: email already belongs to contact /)
  assert.equal(out[4], 'unknown: no contact 01900000-0000-7000-8000-000000000000')
  assert.equal(out[5], 'closed: storage failed: storage error: the book is closed')
})

test('docs/node.md shows every example exactly as it is on disk', () => {
  const guide = fs.readFileSync(GUIDE, 'utf8')
  for (const file of ['quickstart.js', 'typed.ts', 'can-send-handler.js', 'bulk-import.js', 'pipelines.js', 'promises.js', 'errors.js', 'lifecycle.js', 'portable.js']) {
    const source = fs.readFileSync(path.join(EXAMPLES, file), 'utf8').trimEnd()
    assert.ok(guide.includes(source), `docs/node.md does not contain examples/${file} as it is`)
  }
})
