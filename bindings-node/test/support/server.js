'use strict'
// The PostgreSQL server of the tests: CONTACTKIT_TEST_PG_URL (scripts/test.sh starts a
// throwaway one). Without it a test fails, never skips. Each test gets schemas of its
// own, dropped when it ends.

const crypto = require('node:crypto')
const { Client } = require('pg')

function serverUrl() {
  const url = process.env.CONTACTKIT_TEST_PG_URL
  if (!url) {
    throw new Error(
      'CONTACTKIT_TEST_PG_URL is not set: start a server with `scripts/postgres.sh start DIR` ' +
        'and export the URL it prints (scripts/test.sh does both)',
    )
  }
  return url
}

/** Runs `work` with a client of the test server, closed afterwards. */
async function withClient(work) {
  const client = new Client({ connectionString: serverUrl() })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** A new schema name for the test `t`, dropped (with everything in it) when it ends. */
async function freshSchema(t) {
  const schema = `js_${crypto.randomBytes(8).toString('hex')}`
  t.after(() => withClient((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)))
  return schema
}

module.exports = { serverUrl, freshSchema, withClient }
