package dev.contactkit.sample

import dev.contactkit.Activity
import dev.contactkit.AsyncContactBook
import dev.contactkit.Channel
import dev.contactkit.ContactBook
import dev.contactkit.ContactInput
import dev.contactkit.DedupeOn
import dev.contactkit.EventInput
import dev.contactkit.SendReason
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.put
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File

// What an app developer's first test would do with the dev.contactkit:contactkit jar: no
// cargo, no jna.library.path; JNA loads the library the jar carries.
class SampleTest {
    @Test
    fun `an in-memory book upserts and answers canSend`() {
        ContactBook.inMemory().use { book ->
            val ann = book.upsert(
                ContactInput(email = "ann@example.com", firstName = "Ann", mobilePush = listOf(device)),
                DedupeOn.EMAIL,
            )
            assertEquals("ann@example.com", ann.email)
            assertEquals(ann.id, book.findByPushToken("fcm-token-1")?.id)

            val news = book.defineCategory("Weekly news")
            book.addCategory(ann.id, news.key)
            assertTrue(book.canSend(ann.id, Channel.MOBILE_PUSH, news.key).allowed)
            val stranger = book.canSend("nobody@example.com", Channel.EMAIL)
            assertFalse(stranger.allowed)
            assertEquals(SendReason.UNKNOWN_CONTACT, stranger.reason)
        }
    }

    // kotlinx.coroutines and kotlinx.serialization come with the jar's own dependencies:
    // this project declares neither.
    @Test
    fun `a suspending book records an event with JSON params`(@TempDir dir: File) = runBlocking {
        AsyncContactBook.open(File(dir, "contacts.db").path).use { book ->
            val ann = book.upsert(ContactInput(email = "ann@example.com"), DedupeOn.EMAIL)
            val event = book.recordEvent(ann.id, EventInput(name = "opened_app", params = buildJsonObject { put("screen", "home") }))
            assertEquals("home", (event as Activity.Event).detail.params.getValue("screen").jsonPrimitive.content)
            assertEquals(1L, book.count())
        }
    }

    @Test
    fun `a book file in a temporary directory keeps its contacts across a reopen`(@TempDir dir: File) {
        val path = File(dir, "contacts.db").path
        val id = ContactBook.open(path).use { book ->
            book.upsert(ContactInput(email = "ann@example.com", firstName = "Ann"), DedupeOn.EMAIL).id
        }
        assertTrue(File(path).isFile)
        // Closing checkpoints the write-ahead log: the .db alone holds every commit.
        assertFalse(File("$path-wal").exists())
        ContactBook.open(path).use { book ->
            assertEquals("Ann", book.get(id)?.firstName)
            assertEquals(1L, book.count().toLong())
        }
    }

    @Test
    fun `signing out wipes the book file and its companions`(@TempDir dir: File) {
        val file = File(dir, "contacts.db")
        val book = ContactBook.open(file.path)
        book.upsert(ContactInput(email = "ann@example.com"), DedupeOn.EMAIL)
        assertTrue(File("${file.path}-wal").exists())

        // docs/mobile.md, "Signing out: wiping the book".
        book.close()
        for (suffix in listOf("", "-wal", "-shm")) File(file.path + suffix).delete()
        assertEquals(emptyList<String>(), dir.list()!!.toList())

        ContactBook.open(file.path).use { fresh ->
            assertEquals(0L, fresh.count().toLong())
            assertEquals(null, fresh.findByEmail("ann@example.com"))
        }
    }
}
