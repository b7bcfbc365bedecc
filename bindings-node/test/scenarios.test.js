'use strict'
// The shared conformance scenarios (tests/scenarios/*.json, format in its README):
// every file runs against a fresh in-memory book with a manual clock, once through the
// synchronous methods and once through their Promise forms (`book.promises`).
//
// Scenario files speak the core's snake_case JSON. This runner translates at its own
// edge, the way a JavaScript caller writes: inputs get camelCase keys and `Date`s
// for instants; results are turned back into snake_case JSON (Dates to RFC 3339)
// before matching. Keys below `fields`, `params` and `revenue` are data and stay.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { ContactBook } = require('contactkit')
const { serverUrl, freshSchema } = require('./support/server')

const SCENARIOS = path.join(__dirname, '..', '..', 'tests', 'scenarios')
const DATA_MAPS = new Set(['fields', 'params', 'revenue', 'rule'])
const INSTANT_INPUTS = new Set(['at', 'since', 'until'])

const camel = (key) => key.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())
const snake = (key) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/** `mobile_push[1].token` → `mobilePush[1].token`; the key after `fields.` is data. */
function camelPath(field) {
  let verbatim = false
  return field
    .split('.')
    .map((segment) => {
      const at = segment.indexOf('[')
      const name = at < 0 ? segment : segment.slice(0, at)
      const rest = at < 0 ? '' : segment.slice(at)
      if (verbatim) return segment
      verbatim = DATA_MAPS.has(name)
      return camel(name) + rest
    })
    .join('.')
}

/** The inverse of camelPath, for rejected rows of an import report. */
function snakePath(field) {
  let verbatim = false
  return field
    .split('.')
    .map((segment) => {
      if (verbatim) return segment
      const name = snake(segment.replace(/\[.*$/, ''))
      verbatim = DATA_MAPS.has(name)
      return snake(segment)
    })
    .join('.')
}

/** A rule as a JavaScript caller writes it: the rule language's own JSON, keys as they are. */
const rule = (value) => (value === undefined || value === null ? value : toJs(value, true))

/** A scenario input as a JavaScript caller writes it. */
function toJs(value, verbatim = false, key = null) {
  if (Array.isArray(value)) return value.map((item) => toJs(item, verbatim, key))
  if (value !== null && typeof value === 'object') {
    const out = {}
    for (const [k, v] of Object.entries(value)) {
      out[verbatim ? k : camel(k)] = toJs(v, verbatim || DATA_MAPS.has(k), k)
    }
    return out
  }
  if (!verbatim && INSTANT_INPUTS.has(key) && typeof value === 'string') return new Date(value)
  return value
}

/** A result as the scenario JSON (snake_case keys, instants as RFC 3339). */
function toJson(value, verbatim = false) {
  if (value === undefined || value === null) return null
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return value.map((item) => toJson(item, verbatim))
  if (typeof value === 'object') {
    const out = {}
    for (const [k, v] of Object.entries(value)) {
      const key = verbatim ? k : snake(k)
      out[key] = toJson(v, verbatim || DATA_MAPS.has(key))
    }
    return out
  }
  return value
}

// -- matching (README "Matching") ---------------------------------------------

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/
const DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/

function decimalKey(s) {
  const negative = s.startsWith('-')
  let [int, frac = ''] = (negative ? s.slice(1) : s).split('.')
  int = int.replace(/^0+(?=\d)/, '')
  frac = frac.replace(/0+$/, '')
  const zero = /^0*$/.test(int) && frac === ''
  return `${negative && !zero ? '-' : ''}${int}.${frac}`
}

function matches(expected, actual) {
  if (expected === null) return actual === null || actual === undefined
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => matches(item, actual[i]))
    )
  }
  if (typeof expected === 'object') {
    const keys = Object.keys(expected)
    if (keys.length === 1 && keys[0] === '$len') {
      return Array.isArray(actual) && actual.length === expected.$len
    }
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false
    return keys.every((k) => matches(expected[k], k in actual ? actual[k] : null))
  }
  if (typeof expected === 'string') {
    if (typeof actual !== 'string') return false
    if (expected === actual) return true
    if (RFC3339.test(expected) && RFC3339.test(actual)) {
      return Date.parse(expected) === Date.parse(actual)
    }
    if (DECIMAL.test(expected) && DECIMAL.test(actual)) {
      return decimalKey(expected) === decimalKey(actual)
    }
    return false
  }
  if (typeof expected === 'number') return typeof actual === 'number' && actual === expected
  return expected === actual
}

// -- references -----------------------------------------------------------------

function resolve(value, saved) {
  if (typeof value === 'string' && /^\$[A-Za-z_]/.test(value)) {
    const [name, ...steps] = value.slice(1).split('.')
    if (!(name in saved)) throw new Error(`broken scenario: unknown reference ${value}`)
    let found = saved[name]
    for (const step of steps) {
      if (found === null || typeof found !== 'object' || !(step in found)) {
        throw new Error(`broken scenario: no ${step} in ${value}`)
      }
      found = found[step]
    }
    return found
  }
  if (Array.isArray(value)) return value.map((item) => resolve(item, saved))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, saved)]))
  }
  return value
}

// -- operations -------------------------------------------------------------------

const input = (value) => toJs(value)
const optional = (value) => (value === undefined ? null : value)

/** op → [argument names, call]. */
const OPS = {
  create: [['input'], (b, a) => b.create(input(a.input))],
  upsert: [['input', 'dedupe_on'], (b, a) => b.upsert(input(a.input), { dedupeOn: a.dedupe_on })],
  sign_up: [['input'], (b, a) => b.signUp(input(a.input))],
  update: [['id', 'patch'], (b, a) => b.update(a.id, input(a.patch))],
  get: [['id'], (b, a) => b.get(a.id)],
  find_by_email: [['email'], (b, a) => b.findByEmail(a.email)],
  find_by_phone: [['phone'], (b, a) => b.findByPhone(a.phone)],
  find_by_key: [['contact_key'], (b, a) => b.findByKey(a.contact_key)],
  find_by_external_id: [['external_id'], (b, a) => b.findByExternalId(a.external_id)],
  find_by_push_token: [['token'], (b, a) => b.findByPushToken(a.token)],
  find_by_web_push_endpoint: [['endpoint'], (b, a) => b.findByWebPushEndpoint(a.endpoint)],
  delete: [['id'], (b, a) => b.delete(a.id)],
  restore: [['id'], (b, a) => b.restore(a.id)],
  merge: [['into_id', 'from_id'], (b, a) => b.merge(a.into_id, a.from_id)],
  export_contact: [['id'], (b, a) => b.exportContact(a.id)],
  erase: [['id'], (b, a) => b.erase(a.id)],
  // The Rust API's `list_where(rule, query)` is `list({ ...query, rule })`.
  list: [
    ['query', 'rule'],
    (b, a) => b.list(a.rule === undefined ? input(optional(a.query)) : { ...input(a.query || {}), rule: rule(a.rule) }),
  ],
  count: [['rule'], (b, a) => b.count(rule(optional(a.rule)))],
  import_contacts: [
    ['rows', 'dedupe_on'],
    async (b, a) => {
      const report = await b.importContacts(a.rows.map(input), {
        dedupeOn: a.dedupe_on,
        onProgress: () => {},
      })
      // Rejected rows name the field as JavaScript does; the scenarios use snake_case.
      for (const row of report.rejected) row.field = row.field && snakePath(row.field)
      return report
    },
  ],
  add_mobile_push: [['id', 'device'], (b, a) => b.addMobilePush(a.id, input(a.device))],
  remove_mobile_push: [['id', 'token'], (b, a) => b.removeMobilePush(a.id, a.token)],
  register_app: [['id', 'device'], (b, a) => b.registerApp(a.id, input(a.device))],
  remove_app: [['id', 'app_id'], (b, a) => b.removeApp(a.id, a.app_id)],
  add_web_push: [['id', 'subscription'], (b, a) => b.addWebPush(a.id, input(a.subscription))],
  remove_web_push: [['id', 'endpoint'], (b, a) => b.removeWebPush(a.id, a.endpoint)],
  set_telegram: [['id', 'telegram'], (b, a) => b.setTelegram(a.id, input(optional(a.telegram)))],
  blacklist: [['id', 'channel', 'reason'], (b, a) => b.blacklist(a.id, a.channel, a.reason)],
  unblacklist: [['id', 'channel', 'note'], (b, a) => b.unblacklist(a.id, a.channel, a.note)],
  unsubscribe: [['id', 'channel', 'reason'], (b, a) => b.unsubscribe(a.id, a.channel, a.reason)],
  resubscribe: [['id', 'channel', 'note'], (b, a) => b.resubscribe(a.id, a.channel, a.note)],
  report_spam: [['id', 'channel', 'reason'], (b, a) => b.reportSpam(a.id, a.channel, a.reason)],
  suppress_address: [
    ['channel', 'address', 'kind', 'reason'],
    (b, a) => b.suppressAddress(a.channel, a.address, a.kind, a.reason),
  ],
  confirm: [['id', 'channel'], (b, a) => b.confirm(a.id, a.channel)],
  suppressions: [['channel', 'address'], (b, a) => b.suppressions(a.channel, a.address)],
  can_send: [['id', 'channel', 'category'], (b, a) => b.canSend(a.id, a.channel, a.category)],
  can_send_many: [['ids', 'channel', 'category'], (b, a) => b.canSendMany(a.ids, a.channel, a.category)],
  define_category: [['title'], (b, a) => b.defineCategory(a.title)],
  categories: [[], (b) => b.categories()],
  update_category: [['key', 'title'], (b, a) => b.updateCategory(a.key, a.title)],
  delete_category: [['key'], (b, a) => b.deleteCategory(a.key)],
  add_category: [['id', 'key'], (b, a) => b.addCategory(a.id, a.key)],
  remove_category: [['id', 'key'], (b, a) => b.removeCategory(a.id, a.key)],
  create_segment: [['name', 'rule'], (b, a) => b.createSegment(a.name, rule(optional(a.rule)))],
  segments: [[], (b) => b.segments()],
  update_segment: [
    ['id', 'name', 'rule'],
    (b, a) => b.updateSegment(a.id, a.rule === undefined ? a.name : { name: a.name, rule: rule(a.rule) }),
  ],
  delete_segment: [['id'], (b, a) => b.deleteSegment(a.id)],
  add_to_segment: [['id', 'segment_id'], (b, a) => b.addToSegment(a.id, a.segment_id)],
  remove_from_segment: [['id', 'segment_id'], (b, a) => b.removeFromSegment(a.id, a.segment_id)],
  segment_members: [
    ['segment_id', 'query'],
    (b, a) => b.segmentMembers(a.segment_id, input(optional(a.query))),
  ],
  define_field: [['definition'], (b, a) => b.defineField(input(a.definition))],
  field_definitions: [[], (b) => b.fieldDefinitions()],
  update_field: [['key', 'update'], (b, a) => b.updateField(a.key, input(a.update))],
  delete_field: [['key'], (b, a) => b.deleteField(a.key)],
  // A field value is passed as the scenario gives it (typed or the platform's string).
  set_field: [['id', 'key', 'value'], (b, a) => b.setField(a.id, a.key, a.value)],
  clear_field: [['id', 'key'], (b, a) => b.clearField(a.id, a.key)],
  record_campaign: [['id', 'input'], (b, a) => b.recordCampaign(a.id, input(a.input))],
  record_event: [['id', 'input'], (b, a) => b.recordEvent(a.id, input(a.input))],
  record_order: [['id', 'input'], (b, a) => b.recordOrder(a.id, input(a.input))],
  activity: [['id', 'query'], (b, a) => b.activity(a.id, input(optional(a.query)))],
  // The Rust API's `changes(cursor, limit)` is `changes({ cursor, limit })`.
  changes: [
    ['cursor', 'limit'],
    (b, a) => {
      const query = {}
      if (a.cursor !== undefined) query.cursor = a.cursor
      if (a.limit !== undefined) query.limit = a.limit
      return b.changes(query)
    },
  ],
}

const STEP_KEYS = new Set(['op', 'args', 'save', 'expect', 'expect_error'])
const ERROR_KEYS = new Set(['kind', 'field', 'value', 'reason', 'what', 'id', 'existing', 'existing_id'])
const FILE_KEYS = new Set(['name', 'description', 'clock', 'default_region', 'steps'])

/**
 * Runs `scenario`'s steps through `book` itself or, `via: 'promises'`, `book.promises`,
 * on a book `open(options)` makes (in memory unless told otherwise).
 */
async function runScenario(scenario, via = 'sync', open = (options) => ContactBook.inMemory(options)) {
  for (const key of Object.keys(scenario)) {
    if (!FILE_KEYS.has(key)) throw new Error(`broken scenario: unknown key ${key}`)
  }
  let now = new Date(scenario.clock)
  const book = open({ clock: now, defaultRegion: scenario.default_region })
  const target = via === 'promises' ? book.promises : book
  const saved = {}
  for (const [index, step] of scenario.steps.entries()) {
    const fail = (detail) => {
      throw new Error(
        `${scenario.name} step ${index} (${step.op}): ${detail}\n` +
          `  expected: ${JSON.stringify('expect_error' in step ? { error: step.expect_error } : step.expect)}`,
      )
    }
    for (const key of Object.keys(step)) {
      if (!STEP_KEYS.has(key)) fail(`broken scenario: unknown step key ${key}`)
    }
    const args = resolve(step.args ?? {}, saved)
    const expect = 'expect' in step ? resolve(step.expect, saved) : undefined

    if (step.op === 'advance_clock' || step.op === 'set_clock') {
      if (step.op === 'advance_clock') {
        const ms = ((args.days ?? 0) * 86400 + (args.seconds ?? 0)) * 1000
        now = new Date(now.getTime() + ms)
      } else {
        now = new Date(args.at)
      }
      book.setClock(now)
      continue
    }
    const op = OPS[step.op]
    if (!op) fail(`broken scenario: unknown op`)
    const [names, call] = op
    for (const key of Object.keys(args)) {
      if (!names.includes(key)) fail(`broken scenario: argument ${key} is not taken by ${step.op}`)
    }

    let result
    let error
    let returned
    try {
      returned = call(target, args)
    } catch (e) {
      if (via === 'promises') fail(`book.promises threw instead of rejecting: ${e.code} ${e.message}`)
      error = e
    }
    if (!error) {
      if (via === 'promises' && !(returned instanceof Promise)) fail('book.promises returned no Promise')
      try {
        result = await returned
      } catch (e) {
        error = e
      }
    }
    if ('expect_error' in step) {
      const wanted = step.expect_error
      if (!error) fail(`expected an error, got ${JSON.stringify(toJson(result))}`)
      assert.ok(error instanceof Error, 'errors are Error objects')
      const kind = String(error.code).toLowerCase()
      if (kind !== wanted.kind) fail(`got ${error.code} (${error.message})`)
      for (const key of Object.keys(wanted)) {
        if (!ERROR_KEYS.has(key)) fail(`broken scenario: unknown expect_error key ${key}`)
      }
      if (wanted.field !== undefined && error.field !== camelPath(wanted.field)) {
        fail(`got field ${error.field} (${error.message}), want ${camelPath(wanted.field)}`)
      }
      // An argument that does not read as its type is the binding's own VALIDATION
      // error, thrown before the core is called: it is compared like any other.
      for (const key of ['value', 'reason', 'what', 'id', 'existing', 'existing_id']) {
        const property = camelPath(key)
        if (wanted[key] !== undefined && error[property] !== wanted[key]) {
          fail(`got ${property} ${JSON.stringify(error[property])} (${error.message}), want ${JSON.stringify(wanted[key])}`)
        }
      }
      continue
    }
    if (error) fail(`got error ${error.code}: ${error.message} (field ${error.field})`)
    const json = toJson(result)
    if ('expect' in step && !matches(expect, json)) fail(`actual: ${JSON.stringify(json)}`)
    if (step.save) saved[step.save] = json
  }
}

const files = fs
  .readdirSync(SCENARIOS)
  .filter((f) => f.endsWith('.json'))
  .sort()

test('there are at least 12 shared scenarios', () => {
  assert.ok(files.length >= 12, `found ${files.length} scenario files in ${SCENARIOS}`)
})

for (const file of files) {
  test(`scenario ${file}`, async () => {
    const scenario = JSON.parse(fs.readFileSync(path.join(SCENARIOS, file), 'utf8'))
    await runScenario(scenario)
  })
  test(`scenario ${file} through book.promises`, async () => {
    const scenario = JSON.parse(fs.readFileSync(path.join(SCENARIOS, file), 'utf8'))
    await runScenario(scenario, 'promises')
  })
  // A back end on the server store: the same steps, the same answers.
  test(`scenario ${file} through book.promises on PostgreSQL`, async (t) => {
    const scenario = JSON.parse(fs.readFileSync(path.join(SCENARIOS, file), 'utf8'))
    const schema = await freshSchema(t)
    await runScenario(scenario, 'promises', (options) => ContactBook.connect(serverUrl(), { ...options, schema }))
  })
}

module.exports = { camelPath, snakePath, toJs, toJson, matches }
