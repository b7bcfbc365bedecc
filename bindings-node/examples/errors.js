'use strict'
const { ContactBook } = require('contactkit')

const book = ContactBook.inMemory()
const ann = book.create({ email: 'ann@example.com' })

function attempt(label, operation) {
  try {
    operation()
  } catch (error) {
    // Every ContactKit error is an Error with a code; bad input also names its field.
    switch (error.code) {
      case 'VALIDATION':
        console.log(`${label}: bad ${error.field} (${error.reason})`)
        break
      case 'CONFLICT':
        console.log(`${label}: ${error.field} already belongs to ${error.existing}`)
        break
      case 'NOT_FOUND':
        console.log(`${label}: no ${error.what} ${error.id}`)
        break
      case 'STORAGE':
        console.log(`${label}: storage failed: ${error.message}`)
        break
      default:
        throw error
    }
  }
}

attempt('email', () => book.create({ email: 'not-an-email' }))
attempt('nested', () => book.update(ann.id, { address: { country: 'XX' } }))
attempt('money', () => book.recordOrder(ann.id, { externalId: 'o-1', amount: 9.99, currency: 'EUR' }))
attempt('duplicate', () => book.create({ email: 'ann@example.com' }))
attempt('unknown', () => book.delete('01900000-0000-7000-8000-000000000000'))
book.close()
attempt('closed', () => book.count())
