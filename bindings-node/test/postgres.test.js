'use strict'
// ContactBook.connect: a book on a PostgreSQL server, shared by processes. The shared
// scenarios also run on it (scenarios.test.js); these are the server's own cases.

const WORKER = 'CONTACTKIT_UPSERT_WORKER'

// The child process of the two-process test (this file forked with WORKER set): upserts
// the same 60 emails as its twin, 10 at a time through book.promises, recording an event
// named after itself on each.
if (process.env[WORKER]) {
  const { ContactBook } = require('contactkit')
  const { serverUrl } = require('./support/server')
  const [schema, name] = process.env[WORKER].split(' ')
  ;(async () => {
    const book = ContactBook.connect(serverUrl(), { schema })
    for (let start = 0; start < 60; start += 10) {
      await Promise.all(
        Array.from({ length: 10 }, async (_, k) => {
          const contact = await book.promises.upsert({ email: `same${start + k}@example.com` }, { dedupeOn: 'email' })
          await book.promises.recordEvent(contact.id, { name })
        }),
      )
    }
    book.close()
  })().catch((error) => {
    console.error(error)
    process.exit(1)
  })
  return
}

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { fork } = require('node:child_process')
const { ContactBook } = require('contactkit')
const { serverUrl, freshSchema, withClient } = require('./support/server')

test('a server book is shared by every connection, through the promises too', async (t) => {
  const schema = await freshSchema(t)
  const book = ContactBook.connect(serverUrl(), { schema, defaultRegion: 'UA' })
  const ann = await book.promises.create({ email: 'Ann@Example.com', phone: '050 123 4567' })
  await book.promises.unsubscribe(ann.id, 'sms', 'replied STOP')
  book.close()
  const again = ContactBook.connect(serverUrl(), { schema })
  assert.equal((await again.promises.get(ann.id)).phone, '+380501234567')
  assert.equal(again.canSend('ann@example.com', 'sms').reason, 'unsubscribed')
  again.close()
})

test('a wrong password is a STORAGE error that never shows it', () => {
  const wrong = serverUrl().replace(/:\/\/([^:/@]+):[^@]*@/, '://$1:n0t-the-password@')
  assert.notEqual(wrong, serverUrl(), "the test server's URL carries a password")
  assert.throws(
    () => ContactBook.connect(wrong),
    (e) => e.code === 'STORAGE' && /password authentication failed/.test(e.message) && !e.message.includes('n0t-the-password'),
  )
})

test('an unreachable server, a bad schema and bad options are refused', () => {
  assert.throws(() => ContactBook.connect('postgresql://ck:pw@127.0.0.1:1/books'), (e) => e.code === 'STORAGE' && e.message.includes('127.0.0.1:1'))
  assert.throws(() => ContactBook.connect(serverUrl(), { schema: "x'; DROP TABLE contacts;--" }), (e) => e.code === 'VALIDATION' && e.field === 'schema')
  assert.throws(() => ContactBook.connect(serverUrl(), { poolSize: 0 }), (e) => e.code === 'VALIDATION' && e.field === 'poolSize')
  assert.throws(() => ContactBook.connect(serverUrl(), { shema: 'typo' }), (e) => e.code === 'VALIDATION')
  // Hostile URLs: not text, or megabytes long. Neither is quoted (either may hold a
  // password), and no server is asked.
  for (const url of ['postgresql://ann:s3cret\ud800@127.0.0.1/db', `postgresql://ann:s3cret@${'h'.repeat(1_000_000)}/db`]) {
    assert.throws(
      () => ContactBook.connect(url),
      (e) => e.code === 'VALIDATION' && e.field === 'url' && !e.message.includes('s3cret') && e.message.length < 200,
    )
  }
})

test("another application's schema is refused and left as it is", async (t) => {
  const schema = await freshSchema(t)
  await withClient(async (client) => {
    await client.query(`CREATE SCHEMA "${schema}"`)
    await client.query(`CREATE TABLE "${schema}".invoices (id int)`)
  })
  assert.throws(() => ContactBook.connect(serverUrl(), { schema }), (e) => e.code === 'STORAGE' && /not a ContactKit book/.test(e.message))
  const tables = await withClient((client) =>
    client.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]),
  )
  assert.deepEqual(tables.rows, [{ table_name: 'invoices' }])
})

test('two processes upserting the same emails through promises make one contact each', async (t) => {
  const schema = await freshSchema(t)
  ContactBook.connect(serverUrl(), { schema }).close()
  const run = (name) =>
    new Promise((resolve, reject) => {
      const env = { ...process.env, [WORKER]: `${schema} ${name}` }
      const child = fork(__filename, [], { env, stdio: 'inherit' })
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker ${name} exited ${code}`))))
    })
  await Promise.all([run('a'), run('b')])
  const book = ContactBook.connect(serverUrl(), { schema })
  assert.equal(book.count(), 60)
  const one = book.findByEmail('same7@example.com')
  const names = book.activity(one.id, { period: 'all' }).items.map((item) => item.name).sort()
  assert.deepEqual(names, ['a', 'b'])
  book.close()
})
