'use strict'
// Express-style handlers. GET /contacts/:id/can-send?channel=email&category=weekly-news
// answers whether a message may go out now; POST /can-send with a JSON body
// { ids, channel, category } answers for a batch of recipients at once. They only need
// `req.params`, `req.query`, `req.body` and `res.status(...).json(...)`, so they work
// with Express or any look-alike.

const STATUS = { VALIDATION: 400, NOT_FOUND: 404, CONFLICT: 409, STORAGE: 503 }

function failed(res, error) {
  res.status(STATUS[error.code] ?? 500).json({
    error: error.code ?? 'INTERNAL',
    field: error.field ?? null,
    message: error.message,
  })
}

function canSendHandler(book) {
  return function canSend(req, res) {
    const { channel = 'email', category = null } = req.query
    try {
      // Any identifier: the contact id, an email, a phone, an external id or a contact key.
      // An unknown contact is an answer (reason 'unknown_contact'), not an error.
      const decision = book.canSend(req.params.id, channel, category)
      res.status(200).json(decision)
    } catch (error) {
      failed(res, error)
    }
  }
}

function canSendManyHandler(book) {
  return function canSendMany(req, res) {
    const { ids, channel = 'email', category = null } = req.body
    try {
      // At most 1000 identifiers, answered in order from one read of the book.
      const decisions = book.canSendMany(ids, channel, category)
      res.status(200).json(decisions.map((decision, i) => ({ id: ids[i], ...decision })))
    } catch (error) {
      failed(res, error)
    }
  }
}

module.exports = { canSendHandler, canSendManyHandler }

// Run directly: a tiny demo with stand-ins for Express's req and res.
if (require.main === module) {
  const { ContactBook } = require('contactkit')
  const book = ContactBook.inMemory()
  const ann = book.create({ email: 'ann@example.com', externalId: 'crm-7' })
  book.suppressAddress('email', 'bob@example.com', 'unsubscribed', 'previous provider')
  book.create({ email: 'bob@example.com' })
  book.defineCategory('Weekly news')
  const respond = (handler, req) => {
    const res = {
      status(code) {
        this.code = code
        return this
      },
      json(body) {
        console.log(this.code, JSON.stringify(body))
      },
    }
    handler(req, res)
  }
  const one = canSendHandler(book)
  respond(one, { params: { id: ann.id }, query: { channel: 'email' } })
  respond(one, { params: { id: 'crm-7' }, query: { channel: 'email', category: 'weekly-news' } })
  respond(one, { params: { id: ann.id }, query: { channel: 'fax' } })
  respond(one, { params: { id: ann.id }, query: { channel: 'email', category: 'no-such-category' } })
  const many = canSendManyHandler(book)
  respond(many, { body: { ids: ['ann@example.com', 'bob@example.com', 'nobody@example.com'] } })
  respond(many, { body: { ids: 'ann@example.com' } })
}
