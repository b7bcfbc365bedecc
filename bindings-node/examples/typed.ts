import {
  ContactBook,
  type Activity,
  type Channel,
  type Contact,
  type ContactExport,
  type ContactInput,
  type ContactKitError,
  type DroppedRow,
  type ImportReport,
  type Page,
  type PortableLine,
  type Restored,
  type SendDecision,
  type SuppressionImportReport,
  type SuppressionRecord,
} from 'contactkit'

const book = ContactBook.inMemory({ defaultRegion: 'UA' })

// Inputs and outputs are typed plain objects; enums are string literal unions.
const input: ContactInput = { email: 'ann@example.com', phone: '067 123 4567', firstName: 'Ann' }
const ann: Contact = book.create(input)
const channel: Channel = 'sms'
const decision: SendDecision = book.canSend(ann.id, channel)
console.log(decision.allowed ? 'send it' : `hold: ${decision.reason}`)

// Another sender's suppression list: addresses no contact holds yet.
const records: SuppressionRecord[] = book.suppressAddress('email', 'bo@example.com', 'unsubscribed', 'old provider')
// A batch of recipients by any identifier, answered in order from one read.
const batch: SendDecision[] = book.canSendMany([ann.id, 'bo@example.com'], 'email')
console.log(records[0].kind, batch.map((d) => d.reason).join(' '))

// A timeline item narrows on `kind`; money is a decimal string, `at` a Date.
function describe(activity: Activity): string {
  switch (activity.kind) {
    case 'campaign':
      return `${activity.channel} message ${activity.messageId} to ${activity.sentTo ?? 'the contact'} is ${activity.status}`
    case 'event':
      return `event ${activity.name}`
    case 'order':
      return `order ${activity.externalId}: ${activity.amount} ${activity.currency}`
  }
}
book.recordCampaign(ann.id, { messageId: 'm-1', channel: 'sms', status: 'delivered', at: new Date(Date.now() - 60_000) })
book.recordOrder(ann.id, { externalId: 'A-1', amount: '19.99', currency: 'EUR', at: new Date() })
for (const item of book.activity(ann.id, { category: 'all', period: '7d' }).items) {
  console.log(describe(item), item.at.toISOString().slice(0, 4))
}

// Bulk import resolves with a typed report.
async function importAll(rows: ContactInput[]): Promise<ImportReport> {
  return book.importContacts(rows, { dedupeOn: 'email', onProgress: (done: number) => void done })
}

// An export with consent states: bad values left out of their rows, each one named.
async function importAudience(rows: ContactInput[]): Promise<DroppedRow[]> {
  const report = await book.importContacts(rows, { dedupeOn: 'email', onInvalid: 'drop_field', keepIds: false })
  return report.dropped
}
void importAudience

// Another sender's suppression list, dated; setup that may run again.
async function importList(): Promise<number> {
  const report: SuppressionImportReport = await book.importSuppressions([
    { channel: 'email', address: 'gone@example.com', kind: 'blacklisted', reason: 'hard_bounce', at: new Date(0) },
  ])
  book.defineCategory('Weekly news', { ifExists: 'return' })
  book.createSegment('VIP', { ifExists: 'return' })
  return report.recorded
}
void importList

// The Promise forms are typed as their twins: Promise<Contact | null> here.
async function lookUp(email: string): Promise<string> {
  const found: Contact | null = await book.promises.findByEmail(email)
  return found?.id ?? 'nobody'
}
void lookUp

// A person's data for an access request: the profile, the timeline, the suppressions.
async function handOver(id: string): Promise<string> {
  const exported: ContactExport = await book.promises.exportContact(id)
  const records: SuppressionRecord[] = exported.suppressions
  return `${exported.contact.email}: ${exported.activity.length} items, ${records.length} records`
}
void handOver

// A whole book into another through the portable form: plain JSON lines, keys as the
// core writes them (snake_case), restored one at a time.
async function copyBook(from: ContactBook, to: ContactBook): Promise<number> {
  const lines: PortableLine[] = from.exportCatalogLines()
  let cursor: string | null = null
  do {
    const page: Page<PortableLine> = await from.promises.exportProfileLines({ limit: 500, cursor, withActivity: true })
    lines.push(...page.items)
    cursor = page.nextCursor
  } while (cursor !== null)
  let created = 0
  for (const line of lines) {
    const restored: Restored = await to.promises.restoreLine(line, 'email')
    if (restored.kind === 'profile' && restored.created) created += 1
  }
  return created
}
void copyBook

// Errors carry a typed code and the field at fault.
try {
  book.create({ email: 'not-an-email' })
} catch (e) {
  const error = e as ContactKitError
  if (error.code === 'VALIDATION') console.log(`bad ${error.field}`)
}

// Mistakes the compiler catches (this function is never called).
function mistakes(): void {
  // @ts-expect-error money is a decimal string, never a number
  book.recordOrder(ann.id, { externalId: 'A-2', amount: 12.5, currency: 'EUR' })
  // @ts-expect-error not a channel
  book.canSend(ann.id, 'fax')
  // @ts-expect-error not a suppression kind
  book.suppressAddress('email', 'x@example.com', 'bounced')
  // @ts-expect-error canSendMany takes an array of identifiers
  book.canSendMany(ann.id, 'email')
  // @ts-expect-error updateField adds options, it never sets them
  book.updateField('tier', { options: ['gold'] })
  // @ts-expect-error a delete returns nothing
  const gone: boolean = book.deleteSegment('segment-id')
  void gone
  // @ts-expect-error keys are camelCase
  book.create({ first_name: 'Ann' })
  // @ts-expect-error a misspelled key of an import row
  void book.importContacts([{ email: 'ann@example.com', emailStatuss: 'unsubscribed' }])
  // @ts-expect-error not a policy for invalid values
  void book.importContacts([], { onInvalid: 'skip' })
  // @ts-expect-error a suppression row names its channel
  void book.importSuppressions([{ address: 'x@example.com', kind: 'unsubscribed' }])
  // @ts-expect-error ifExists is error or return
  book.defineCategory('News', { ifExists: 'ignore' })
  // @ts-expect-error get may return null
  const name: string = book.get(ann.id).email
  void name
  // @ts-expect-error a Promise form answers a Promise
  const now: Contact = book.promises.create(input)
  void now
  // @ts-expect-error merge takes the id kept and the id folded into it
  book.merge(ann.id)
  // @ts-expect-error an erase returns nothing
  const erased: Contact = book.erase(ann.id)
  void erased
  // @ts-expect-error a line is a JSON object, not its text: JSON.parse it first
  book.restoreLine('{"category":{"title":"News"}}')
  // @ts-expect-error not an identifier a restore matches by
  book.restoreLine({}, 'name')
}
void mistakes

importAll([{ email: 'bo@example.com' }, { email: 'cy@example.com' }]).then((report) => {
  console.log(`created ${report.created}`)
})
