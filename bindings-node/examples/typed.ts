import {
  ContactBook,
  type Activity,
  type Channel,
  type Contact,
  type ContactInput,
  type ContactKitError,
  type ImportReport,
  type SendDecision,
} from 'contactkit'

const book = ContactBook.inMemory({ defaultRegion: 'UA' })

// Inputs and outputs are typed plain objects; enums are string literal unions.
const input: ContactInput = { email: 'ann@example.com', phone: '067 123 4567', firstName: 'Ann' }
const ann: Contact = book.create(input)
const channel: Channel = 'sms'
const decision: SendDecision = book.canSend(ann.id, channel)
console.log(decision.allowed ? 'send it' : `hold: ${decision.reason}`)

// A timeline item narrows on `kind`; money is a decimal string, `at` a Date.
function describe(activity: Activity): string {
  switch (activity.kind) {
    case 'campaign':
      return `${activity.channel} message ${activity.messageId} is ${activity.status}`
    case 'event':
      return `event ${activity.name}`
    case 'order':
      return `order ${activity.externalId}: ${activity.amount} ${activity.currency}`
  }
}
book.recordOrder(ann.id, { externalId: 'A-1', amount: '19.99', currency: 'EUR', at: new Date() })
for (const item of book.activity(ann.id, { category: 'all', period: '7d' }).items) {
  console.log(describe(item), item.at.toISOString().slice(0, 4))
}

// Bulk import resolves with a typed report.
async function importAll(rows: ContactInput[]): Promise<ImportReport> {
  return book.importContacts(rows, { dedupeOn: 'email', onProgress: (done: number) => void done })
}

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
  // @ts-expect-error keys are camelCase
  book.create({ first_name: 'Ann' })
  // @ts-expect-error get may return null
  const name: string = book.get(ann.id).email
  void name
}
void mistakes

importAll([{ email: 'bo@example.com' }, { email: 'cy@example.com' }]).then((report) => {
  console.log(`created ${report.created}`)
})
