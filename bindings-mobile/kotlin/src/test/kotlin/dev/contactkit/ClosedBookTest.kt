package dev.contactkit

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path
import java.time.Duration

/** A call on a closed object is a ContactKitException.Storage, as in Python and Node. */
class ClosedBookTest {
    @Test
    fun aCallAfterCloseIsAStorageError(@TempDir dir: Path) {
        val path = dir.resolve("closed.db").toString()
        val book = ContactBook.open(path)
        val id = book.create(ContactInput(email = "kept@example.com")).id
        book.close()
        val e = assertThrows<ContactKitException.Storage> { book.get(id) }
        assertEquals("this ContactBook is closed", e.reason)
        assertFalse(e.retryable, "a closed book stays closed")
        // Caught as the one error type the docs promise, like every other failure.
        val caught: ContactKitException = assertThrows<ContactKitException> { book.count() }
        assertEquals(ContactKitException.Storage::class, caught::class)
        // Closing twice is harmless; the file keeps what was written.
        book.close()
        ContactBook.open(path).use { assertEquals(id, it.findByEmail("kept@example.com")?.id) }
    }

    @Test
    fun useClosesTheBook() {
        val book = ContactBook.inMemory()
        book.use { it.create(ContactInput(email = "a@example.com")) }
        assertThrows<ContactKitException.Storage> { book.create(ContactInput(email = "b@example.com")) }
    }

    @Test
    fun aClosedAsyncBookFailsInItsSuspendFunctions() {
        val book = AsyncContactBook.inMemory()
        book.close()
        val e = assertThrows<ContactKitException.Storage> { runBlocking { book.count() } }
        assertEquals("this AsyncContactBook is closed", e.reason)
    }

    /** Closing one handle leaves the other working: they share the book, not the handle. */
    @Test
    fun closingTheAsyncHandleKeepsTheBlockingOne() = runBlocking {
        ContactBook.inMemory().use { blocking ->
            val suspending = blocking.asyncBook()
            suspending.create(ContactInput(email = "shared@example.com"))
            suspending.close()
            assertEquals(1L, blocking.count())
        }
    }

    @Test
    fun aClosedClockIsAStorageErrorToo() {
        val clock = ManualClock(Fixtures.START)
        clock.close()
        val e = assertThrows<ContactKitException.Storage> { clock.advance(Duration.ofSeconds(1)) }
        assertEquals("this ManualClock is closed", e.reason)
    }
}
