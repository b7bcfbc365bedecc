package dev.contactkit

import dev.contactkit.Fixtures.START
import dev.contactkit.Fixtures.clocked
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path
import java.time.Duration

/** The change feed (DOMAIN.md "Change feed"): `changes(cursor, limit)`, oldest first. */
class ChangesTest {
    /** Every change from the first, read in pages of [limit]. */
    private fun everything(book: ContactBook, limit: Int = 100): List<Change> {
        val all = mutableListOf<Change>()
        var cursor: String? = null
        while (true) {
            val page = book.changes(cursor, limit)
            all += page.items
            if (page.items.isEmpty()) return all
            cursor = page.nextCursor
        }
    }

    @Test
    fun eachOperationAppendsItsChange() = clocked { t ->
        val book = t.book
        assertEquals(ChangePage(items = emptyList(), nextCursor = "0"), book.changes())
        book.defineCategory("Weekly news")
        val ann = book.create(ContactInput(email = "ann@example.com"))
        t.advance(Duration.ofSeconds(1))
        book.update(ann.id, ContactInput(firstName = "Ann"))
        book.unsubscribe(ann.id, Channel.EMAIL)
        book.recordEvent(ann.id, EventInput(name = "viewed"))
        // A rejected operation appends nothing.
        assertThrows<ContactKitException.Conflict> { book.create(ContactInput(email = "ann@example.com")) }
        book.delete(ann.id)
        book.restore(ann.id)

        val changes = book.changes().items
        assertEquals(
            listOf(ChangeOp.CATALOG, ChangeOp.CREATED, ChangeOp.UPDATED, ChangeOp.CONSENT, ChangeOp.ACTIVITY, ChangeOp.DELETED, ChangeOp.RESTORED),
            changes.map { it.op },
        )
        assertEquals((1L..7L).toList(), changes.map { it.seq })
        assertNull(changes[0].contactId, "a catalog change names no contact")
        assertTrue(changes.drop(1).all { it.contactId == ann.id && it.fromId == null })
        assertEquals(START, changes[1].at)
        assertEquals(START.plusSeconds(1), changes[2].at)

        // An import: one change per row created or updated, none for a rejected row.
        val report = book.importContacts(
            listOf(ContactInput(email = "ann@example.com", lastName = "Lee"), ContactInput(email = "bob@example.com"), ContactInput(email = "bad")),
            DedupeOn.EMAIL,
        )
        assertEquals(1L, report.created)
        val imported = book.changes("7").items
        assertEquals(listOf(8L to ChangeOp.UPDATED, 9L to ChangeOp.CREATED), imported.map { it.seq to it.op })
        assertEquals(ann.id, imported[0].contactId)
        assertEquals(book.findByEmail("bob@example.com")!!.id, imported[1].contactId)
    }

    @Test
    fun pagesFollowTheCursorAndAnEmptyPageKeepsIt() = clocked { t ->
        repeat(5) { t.book.create(ContactInput(email = "p$it@example.com")) }
        val first = t.book.changes(null, 2)
        assertEquals(listOf(1L, 2L), first.items.map { it.seq })
        val second = t.book.changes(first.nextCursor, 2)
        assertEquals(listOf(3L, 4L), second.items.map { it.seq })
        val third = t.book.changes(second.nextCursor, 2)
        assertEquals(listOf(5L), third.items.map { it.seq })
        val empty = t.book.changes(third.nextCursor, 2)
        assertEquals(emptyList<Change>(), empty.items)
        assertEquals(third.nextCursor, empty.nextCursor, "an empty page gives back a cursor at the same place")
        // Polling with it sees the next change, once.
        t.book.create(ContactInput(email = "later@example.com"))
        val later = t.book.changes(empty.nextCursor, 2)
        assertEquals(listOf(6L to ChangeOp.CREATED), later.items.map { it.seq to it.op })
        assertEquals(emptyList<Change>(), t.book.changes(later.nextCursor).items)
        assertEquals(everything(t.book, 100), everything(t.book, 1))
    }

    @Test
    fun aJunkCursorOrLimitIsAValidationError() = clocked { t ->
        t.book.create(ContactInput(email = "ann@example.com"))
        for (junk in listOf("not-a-cursor", "", "99", "-1")) {
            val e = assertThrows<ContactKitException.Validation>(junk) { t.book.changes(junk) }
            assertEquals("cursor", e.field, junk)
            assertEquals(junk, e.value)
        }
        for (limit in listOf(0, -1, 1001)) {
            val e = assertThrows<ContactKitException.Validation>("$limit") { t.book.changes(null, limit) }
            assertEquals("limit", e.field)
        }
        assertEquals(1, t.book.changes(null, 1000).items.size)
    }

    @Test
    fun aFileBookReopenedKeepsItsFeed(@TempDir dir: Path) {
        val path = dir.resolve("feed.db").toString()
        val cursor = ContactBook.open(path).use { book ->
            val c = book.create(ContactInput(email = "keep@example.com"))
            book.update(c.id, ContactInput(firstName = "Kept"))
            val page = book.changes()
            assertEquals(listOf(ChangeOp.CREATED, ChangeOp.UPDATED), page.items.map { it.op })
            page.nextCursor
        }
        ContactBook.open(path).use { book ->
            assertEquals(listOf(1L, 2L), book.changes().items.map { it.seq })
            assertEquals(emptyList<Change>(), book.changes(cursor).items, "the cursor of before the restart reads on")
            val c = book.findByEmail("keep@example.com")!!
            book.delete(c.id)
            assertEquals(listOf(3L to ChangeOp.DELETED), book.changes(cursor).items.map { it.seq to it.op })
        }
    }

    @Test
    fun theSuspendFormReadsTheSameFeed() = runBlocking {
        val book = AsyncContactBook.inMemory()
        try {
            val start = book.changes()
            assertEquals("0", start.nextCursor)
            val c = book.create(ContactInput(email = "async@example.com"))
            val page = book.changes(start.nextCursor, 10)
            assertEquals(listOf(ChangeOp.CREATED), page.items.map { it.op })
            assertEquals(c.id, page.items.single().contactId)
            assertEquals(page, book.blockingBook().changes(start.nextCursor, 10))
            val e = assertThrows<ContactKitException.Validation> { runBlocking { book.changes("junk") } }
            assertEquals("cursor", e.field)
        } finally {
            book.close()
        }
    }
}
