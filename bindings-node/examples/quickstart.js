'use strict'
const { ContactBook } = require('contactkit')

// A SQLite file (created if absent); ContactBook.inMemory() keeps nothing.
const book = ContactBook.open(process.argv[2] ?? 'contacts.db')

// Upsert by email: keys you leave out keep their values, null clears one.
const ann = book.upsert(
  { email: ' Ann@Example.com ', firstName: 'Ann', phone: '+380671234567' },
  { dedupeOn: 'email' },
)
console.log(ann.email, ann.phone, ann.createdAt instanceof Date)

// Subscription categories and the send decision.
const news = book.defineCategory('Weekly news')
console.log(book.canSend(ann.id, 'email', news.key))
book.addCategory(ann.id, news.key)
console.log(book.canSend(ann.id, 'email', news.key))

// Consent stays with the address.
book.unsubscribe(ann.id, 'email', 'too many emails')
console.log(book.canSend(ann.id, 'email').reason)

// Money crosses as decimal strings, times as Dates.
book.recordOrder(ann.id, { externalId: 'A-1001', amount: '49.90', currency: 'EUR', status: 'delivered' })
const { items } = book.activity(ann.id, { category: 'orders' })
console.log(items[0].amount, items[0].at instanceof Date, book.get(ann.id).orderStats.revenue)

// Absent is null, never undefined or an exception.
console.log(book.findByEmail('nobody@example.com'))
book.close()
