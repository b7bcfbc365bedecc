package dev.contactkit

import dev.contactkit.Fixtures.clocked
import dev.contactkit.Fixtures.NOBODY
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Files
import java.nio.file.Path

/** Errors arrive as typed ContactKitException subclasses with their fields; panics too. */
class ErrorsTest {
    @Test
    fun validationNamesFieldValueAndReason() = clocked { t ->
        val e = assertThrows<ContactKitException.Validation> { t.book.create(ContactInput(email = "olena@")) }
        assertEquals("email", e.field)
        assertEquals("olena@", e.value)
        assertTrue(e.reason.isNotBlank())
        assertTrue(e.message!!.contains("field=email"), e.message)
        // Nothing was written.
        assertEquals(0L, t.book.count())

        val nested = assertThrows<ContactKitException.Validation> {
            t.book.create(ContactInput(address = Address(country = "XX", town = "Nowhere")))
        }
        assertEquals("address.country", nested.field)
        val name = assertThrows<ContactKitException.Validation> { t.book.create(ContactInput(firstName = "Olena1234")) }
        assertEquals("first_name", name.field)
    }

    @Test
    fun notFoundNamesWhatAndId() = clocked { t ->
        val e = assertThrows<ContactKitException.NotFound> { t.book.update(NOBODY, ContactInput(firstName = "Ghost")) }
        assertEquals("contact", e.what)
        assertEquals(NOBODY, e.id)
        assertThrows<ContactKitException.NotFound> { t.book.delete(NOBODY) }
    }

    @Test
    fun conflictNamesFieldValueAndHolder() = clocked { t ->
        val ann = t.book.create(ContactInput(email = "ann@example.com", externalId = "crm-1"))
        val bob = t.book.create(ContactInput(email = "bob@example.com"))
        val e = assertThrows<ContactKitException.Conflict> { t.book.update(bob.id, ContactInput(email = " ANN@example.com", firstName = "Robert")) }
        assertEquals("email", e.field)
        assertEquals("ann@example.com", e.value)
        assertTrue(e.existing.contains(ann.id), e.existing)
        assertEquals(ann.id, e.existingId)
        // The failed update changed nothing.
        assertEquals(bob, t.book.get(bob.id))
        assertEquals("external_id", assertThrows<ContactKitException.Conflict> { t.book.create(ContactInput(externalId = "crm-1")) }.field)
    }

    @Test
    fun storageErrorForAFileThatIsNotABook(@TempDir dir: Path) {
        val file = dir.resolve("notes.txt")
        val text = "not a database, just some text that is long enough to be read as a header".repeat(20)
        Files.writeString(file, text)
        val e = assertThrows<ContactKitException.Storage> { ContactBook.open(file.toString()) }
        assertTrue(e.reason.isNotBlank())
        assertEquals(text, Files.readString(file), "the file is left untouched")
    }

    @Test
    fun everyErrorIsAContactKitException() = clocked { t ->
        val errors = listOf<() -> Unit>(
            { t.book.create(ContactInput(email = "bad")) },
            { t.book.restore(NOBODY) },
            { channelFromName("fax") },
            { ContactBook.panickingForTest().use { it.count() } },
        )
        for (call in errors) {
            try {
                call()
                throw AssertionError("expected an exception")
            } catch (e: ContactKitException) {
                // Caught by the sealed base class, as app code does.
            }
        }
    }

    @Test
    fun throwingFromTheProgressCallbackCancelsTheImport() = clocked { t ->
        // Three batches of 4000 rows (the last one short); the app cancels at the second report.
        val rows = (0 until 10_000).map { ContactInput(email = "cb$it@example.com") }
        val reported = mutableListOf<Long>()
        val e = assertThrows<ContactKitException.Internal> {
            t.book.importContacts(rows, DedupeOn.EMAIL, object : ImportProgress {
                override fun onProgress(done: Long) {
                    reported += done
                    if (reported.size == 2) throw IllegalStateException("cancelled by the app")
                }
            })
        }
        assertTrue(e.reason.contains("IllegalStateException: cancelled by the app"), e.reason)
        // Exactly the batches reported are written: not the third, and nothing after it.
        assertEquals(listOf(4000L, 8000L), reported)
        assertEquals(reported.last(), t.book.count())
        assertEquals(null, t.book.findByEmail("cb8000@example.com"))
        t.book.create(ContactInput(email = "still-works@example.com"))
    }

    @Test
    fun aContactKitExceptionFromTheCallbackArrivesAsItIs() = clocked { t ->
        val e = assertThrows<ContactKitException.Storage> {
            t.book.importContacts(listOf(ContactInput(email = "one@example.com")), DedupeOn.EMAIL, object : ImportProgress {
                override fun onProgress(done: Long) = throw ContactKitException.Storage("disk full on the app side", retryable = false)
            })
        }
        assertEquals("disk full on the app side", e.reason)
    }

    @Test
    fun sealedHierarchyCanBeMatchedExhaustively() = clocked { t ->
        val e: ContactKitException = assertThrows { t.book.create(ContactInput(phone = "12")) }
        val description = when (e) {
            is ContactKitException.Validation -> "validation of ${e.field}"
            is ContactKitException.NotFound -> "no ${e.what}"
            is ContactKitException.Conflict -> "conflict on ${e.field}"
            is ContactKitException.Storage -> "storage"
            is ContactKitException.Internal -> "bug"
        }
        assertEquals("validation of phone", description)
    }
}
