package dev.contactkit

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path
import java.util.concurrent.Callable
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/** One book shared by several threads: every call is atomic and thread-safe. */
class ConcurrencyTest {
    private fun <T> onThreads(threads: Int, work: (Int) -> T): List<T> {
        val pool = Executors.newFixedThreadPool(threads)
        try {
            val start = CountDownLatch(1)
            val futures = (0 until threads).map { n ->
                pool.submit(Callable { start.await(); work(n) })
            }
            start.countDown()
            return futures.map { it.get(120, TimeUnit.SECONDS) }
        } finally {
            pool.shutdown()
        }
    }

    @Test
    fun createsFromEightThreadsInMemory() {
        ContactBook.inMemory().use { book ->
            val ids = onThreads(8) { n -> (0 until 50).map { i -> book.create(ContactInput(email = "t$n-$i@example.com")).id } }.flatten()
            assertEquals(400, ids.toSet().size)
            assertEquals(400L, book.count())
            var listed = 0
            var cursor: String? = null
            do {
                val page = book.list(ListQuery(limit = 1000, cursor = cursor))
                listed += page.items.size
                cursor = page.nextCursor
            } while (cursor != null)
            assertEquals(400, listed)
        }
    }

    @Test
    fun competingUpsertsOfTheSameAddressesMakeOneContactEach(@TempDir dir: Path) {
        ContactBook.open(dir.resolve("shared.db").toString()).use { book ->
            val seg = book.createSegment("Shared")
            // Four threads upsert the same 20 emails, each adding its own detail.
            onThreads(4) { n ->
                for (i in 0 until 20) {
                    val c = book.upsert(ContactInput(email = "same$i@example.com", fields = emptyMap(), segments = listOf(seg.id)), DedupeOn.EMAIL)
                    book.recordEvent(c.id, EventInput(name = "seen_by_$n"))
                    assertTrue(book.canSend(c.id, Channel.EMAIL).allowed)
                }
            }
            assertEquals(20L, book.count())
            assertEquals(20, book.segmentMembers(seg.id, ListQuery(limit = 100)).items.size)
            val one = book.findByEmail("same7@example.com")!!
            assertEquals(4, book.activity(one.id).items.size)
        }
    }

    @Test
    fun readersAndWritersTogether() {
        ContactBook.inMemory().use { book ->
            val c = book.create(ContactInput(email = "hot@example.com"))
            val results = onThreads(6) { n ->
                repeat(100) { i ->
                    if (n % 2 == 0) {
                        book.recordCampaign(c.id, CampaignInput(messageId = "m-$n-$i", channel = CampaignChannel.EMAIL, status = CampaignStatus.SENT))
                    } else {
                        book.get(c.id)
                        book.canSend(c.id, Channel.EMAIL)
                    }
                }
                n
            }
            assertEquals(listOf(0, 1, 2, 3, 4, 5), results)
            val all = book.activity(c.id, ActivityQuery(period = Period.ALL, limit = 1000)).items
            assertEquals(300, all.size)
        }
    }
}
