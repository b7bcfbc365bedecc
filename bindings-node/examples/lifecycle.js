'use strict'
// The profile lifecycle: fold two profiles of one person into one, hand over everything
// the book holds about them, and forget them for good.
const { ContactBook } = require('contactkit')

const book = ContactBook.inMemory()

// The same person twice: a sign-up, and the app's anonymous profile that signed in.
const ann = book.create({ email: 'ann@example.com', firstName: 'Ann' })
const device = { appId: 'shop', deviceId: 'd-1', token: 'tok-1', platform: 'ios' }
const app = book.create({ contactKey: 'app-77', lastName: 'Lee', mobilePush: [device] })
book.recordEvent(app.id, { name: 'opened_app' })

// merge(intoId, fromId): into keeps its values, from fills the gaps, devices and the
// timeline move to into, and from's id is an alias of into from now on.
const merged = book.merge(ann.id, app.id)
console.log(merged.firstName, merged.lastName, merged.contactKey, merged.devices.length)
console.log(book.get(app.id).id === ann.id, book.activity(app.id).items[0].contactId === ann.id)

// exportContact(id): { contact, activity, suppressions } as plain data, for a
// person's access or portability request (JSON.stringify turns the Dates into text).
book.unsubscribe(ann.id, 'email', 'too many emails')
const exported = book.exportContact(ann.id)
console.log(Object.keys(exported).join(' '), exported.activity[0].name, exported.suppressions[0].kind)
console.log(JSON.parse(JSON.stringify(exported)).contact.email)

// erase(id): gone for good, aliases too. The address's unsubscribe is kept, found by
// the address alone, so the address stays blocked if it comes back.
book.erase(ann.id)
console.log(book.get(ann.id), book.get(app.id))
try {
  book.restore(ann.id)
} catch (error) {
  console.log(error.code, error.what)
}
console.log(book.suppressions('email', 'ann@example.com')[0].reason)
console.log(book.create({ email: 'ann@example.com' }).emailStatus)
