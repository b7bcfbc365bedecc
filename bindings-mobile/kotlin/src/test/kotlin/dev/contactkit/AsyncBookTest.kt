package dev.contactkit

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.launch
import kotlinx.coroutines.newSingleThreadContext
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger

/** AsyncContactBook: every operation as a suspend function, on the same book. */
class AsyncBookTest {
    @Test
    fun suspendFormsAnswerAsTheBlockingOnes(@TempDir dir: Path) = runBlocking {
        val path = dir.resolve("async.db").toString()
        val book = AsyncContactBook.open(path)
        val created = book.create(ContactInput(email = "ada@example.com", firstName = "Ada"))
        assertEquals(created, book.get(created.id))
        assertEquals(created.id, book.findByEmail("ADA@example.com")?.id)
        assertEquals(1L, book.count())
        book.unsubscribe(created.id, Channel.EMAIL, "asked by phone")
        assertEquals(SendReason.UNSUBSCRIBED, book.canSend(created.id, Channel.EMAIL).reason)
        val report = book.importContacts((0 until 10).map { ContactInput(email = "row$it@example.com") }, DedupeOn.EMAIL)
        assertEquals(10L, report.created)
        book.close()

        // The blocking book over the same file reads what the suspending one wrote.
        ContactBook.open(path).use { again ->
            assertEquals(11L, again.count())
            assertEquals(SendReason.UNSUBSCRIBED, again.canSend("ada@example.com", Channel.EMAIL).reason)
        }
    }

    @Test
    fun bothFormsAreOneBook() = runBlocking {
        ContactBook.inMemory().use { blocking ->
            blocking.asyncBook().use { suspending ->
                val id = suspending.create(ContactInput(email = "one@example.com")).id
                assertEquals(id, blocking.get(id)?.id)
                blocking.delete(id)
                assertNull(suspending.get(id))
                assertEquals(0L, suspending.blockingBook().count())
            }
        }
    }

    @Test
    fun failuresAreContactKitExceptionsNamingTheField() = runBlocking {
        AsyncContactBook.inMemory().use { book ->
            val e = assertThrows<ContactKitException.Validation> {
                runBlocking { book.create(ContactInput(email = "not an email")) }
            }
            assertEquals("email", e.field)
            assertEquals("not an email", e.value)
            assertEquals(0L, book.count())
            val missing = assertThrows<ContactKitException.NotFound> {
                runBlocking { book.update(Fixtures.NOBODY, ContactInput(firstName = "X")) }
            }
            assertEquals(Fixtures.NOBODY, missing.id)
        }
    }

    @Test
    fun aBadFileIsAStorageErrorFromTheSuspendingConstructor(@TempDir dir: Path) {
        val foreign = dir.resolve("notes.txt").toFile()
        foreign.writeText("not a database, a shopping list")
        assertThrows<ContactKitException.Storage> {
            runBlocking { AsyncContactBook.open(foreign.path) }
        }
        assertEquals("not a database, a shopping list", foreign.readText())
    }

    /**
     * The operation runs off the caller's thread: a single-threaded dispatcher (what
     * Dispatchers.Main is on a phone) stays free to run other coroutines while an import
     * of 20,000 rows is in flight.
     */
    @Test
    fun theCallingThreadStaysFreeWhileAnOperationRuns() {
        val main = newSingleThreadContext("main")
        try {
            AsyncContactBook.inMemory().use { book ->
                runBlocking(main) {
                    val ticks = AtomicInteger()
                    val importStarted = CountDownLatch(1)
                    val progress = object : ImportProgress {
                        override fun onProgress(done: Long) {
                            importStarted.countDown()
                        }
                    }
                    val rows = (0 until 20_000).map { ContactInput(email = "bulk$it@example.com") }
                    val import = async { book.importContacts(rows, DedupeOn.EMAIL, progress) }
                    // While the import runs, this same thread goes on running coroutines.
                    val ticker = launch {
                        while (true) {
                            ticks.incrementAndGet()
                            kotlinx.coroutines.delay(1)
                        }
                    }
                    val report = import.await()
                    ticker.cancelAndJoin()
                    assertEquals(20_000L, report.created)
                    assertTrue(importStarted.await(0, TimeUnit.SECONDS))
                    assertTrue(ticks.get() > 1, "the main thread ran ${ticks.get()} ticks during the import")
                }
            }
        } finally {
            main.close()
        }
    }

    @Test
    fun manyCoroutinesWriteAtOnceAndLoseNothing(@TempDir dir: Path) = runBlocking {
        val book = AsyncContactBook.open(dir.resolve("many.db").toString())
        book.use {
            val ids = (0 until 200).map { n ->
                async(Dispatchers.Default) {
                    book.upsert(ContactInput(email = "c${n % 50}@example.com"), DedupeOn.EMAIL).id
                }
            }.awaitAll()
            assertEquals(50, ids.toSet().size)
            assertEquals(50L, book.count())
        }
    }

    /**
     * Cancelling stops the wait, not the operation: the import goes on in the background,
     * and a reader only ever sees whole batches (4,000 rows each) of it.
     */
    @Test
    fun aCancelledCallLeavesTheBookWholeAndUsable() = runBlocking {
        AsyncContactBook.inMemory().use { book ->
            val firstBatchWritten = CountDownLatch(1)
            val progress = object : ImportProgress {
                override fun onProgress(done: Long) = firstBatchWritten.countDown()
            }
            val rows = (0 until 12_000).map { ContactInput(email = "c$it@example.com") }
            val import = launch(Dispatchers.Default) { book.importContacts(rows, DedupeOn.EMAIL, progress) }
            assertTrue(firstBatchWritten.await(60, TimeUnit.SECONDS))
            import.cancelAndJoin()
            assertTrue(import.isCancelled)

            val seen = mutableListOf(book.count())
            val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60)
            while (seen.last() < 12_000L && System.nanoTime() < deadline) {
                Thread.sleep(5)
                seen += book.count()
            }
            assertTrue(seen.all { it % 4_000L == 0L }, "counts seen: ${seen.distinct()}")
            assertEquals(seen.sorted(), seen, "counts never go back: ${seen.distinct()}")
            assertEquals(12_000L, seen.last())
            book.create(ContactInput(email = "after@example.com"))
            assertEquals(12_001L, book.count())
        }
    }
}
