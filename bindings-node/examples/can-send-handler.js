'use strict'
// An Express-style handler: GET /contacts/:id/can-send?channel=email&category=weekly-news
// answers whether a message may go out now. It only needs `req.params`, `req.query`
// and `res.status(...).json(...)`, so it works with Express or any look-alike.

const STATUS = { VALIDATION: 400, NOT_FOUND: 404, CONFLICT: 409, STORAGE: 503 }

function canSendHandler(book) {
  return function canSend(req, res) {
    const { channel = 'email', category = null } = req.query
    try {
      // An unknown contact is an answer (reason 'unknown_contact'), not an error.
      const decision = book.canSend(req.params.id, channel, category)
      res.status(200).json(decision)
    } catch (error) {
      res.status(STATUS[error.code] ?? 500).json({
        error: error.code ?? 'INTERNAL',
        field: error.field ?? null,
        message: error.message,
      })
    }
  }
}

module.exports = { canSendHandler }

// Run directly: a tiny demo with stand-ins for Express's req and res.
if (require.main === module) {
  const { ContactBook } = require('contactkit')
  const book = ContactBook.inMemory()
  const ann = book.create({ email: 'ann@example.com' })
  book.defineCategory('Weekly news')
  const handler = canSendHandler(book)
  const respond = (params, query) => {
    const res = {
      status(code) {
        this.code = code
        return this
      },
      json(body) {
        console.log(this.code, JSON.stringify(body))
      },
    }
    handler({ params, query }, res)
  }
  respond({ id: ann.id }, { channel: 'email' })
  respond({ id: ann.id }, { channel: 'email', category: 'weekly-news' })
  respond({ id: ann.id }, { channel: 'fax' })
  respond({ id: ann.id }, { channel: 'email', category: 'no-such-category' })
}
