package dev.contactkit

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/** `BookOptions.durability` and `busyTimeoutMs` reach the SQLite connection. */
class SqliteOptionsTest {
    @Test
    fun fullDurabilityAndAShortBusyTimeoutOpenAndKeepWrites(@TempDir dir: Path) {
        val path = dir.resolve("full.db").toString()
        val options = BookOptions(durability = Durability.FULL, busyTimeoutMs = 50u)
        val id = ContactBook.openWith(path, options).use { book ->
            book.create(ContactInput(email = "full@example.com")).id
        }
        ContactBook.open(path).use { book -> assertEquals(id, book.findByEmail("full@example.com")?.id) }
    }

    /**
     * Another process holds the file's write lock (a Python `sqlite3` writer in
     * `BEGIN IMMEDIATE`): a book with a short busy timeout gives up after about that long
     * with `Storage`, writing nothing; a book with a long one waits for the lock and writes.
     */
    @Test
    fun aWriterWaitsForTheLockAsLongAsItsBusyTimeout(@TempDir dir: Path) {
        val path = dir.resolve("locked.db").toString()
        ContactBook.open(path).close()
        val holder = holdWriteLock(path, seconds = 3.0)
        try {
            ContactBook.openWith(path, BookOptions(busyTimeoutMs = 100u)).use { impatient ->
                val start = System.nanoTime()
                val e = assertThrows<ContactKitException.Storage> { impatient.create(ContactInput(email = "early@example.com")) }
                assertTrue(e.retryable, "a lock held past the busy timeout is worth a later retry: ${e.reason}")
                val waitedMs = (System.nanoTime() - start) / 1_000_000
                assertTrue(e.reason.contains("locked"), e.reason)
                assertTrue(waitedMs in 90..2_000, "gave up after $waitedMs ms with a 100 ms busy timeout")
            }
            ContactBook.openWith(path, BookOptions(busyTimeoutMs = 20_000u)).use { patient ->
                val start = System.nanoTime()
                patient.create(ContactInput(email = "late@example.com"))
                val waitedMs = (System.nanoTime() - start) / 1_000_000
                assertTrue(waitedMs >= 500, "wrote after $waitedMs ms: it should have waited for the lock")
            }
        } finally {
            if (!holder.waitFor(30, TimeUnit.SECONDS)) holder.destroyForcibly()
        }
        assertEquals(0, holder.exitValue()) { String(holder.errorStream.readAllBytes()) }
        ContactBook.open(path).use { book ->
            assertEquals(1L, book.count())
            assertEquals(null, book.findByEmail("early@example.com"))
        }
    }

    /** Starts a process that takes the write lock on [path], says so, and keeps it. */
    private fun holdWriteLock(path: String, seconds: Double): Process {
        val script = """
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("BEGIN IMMEDIATE")
            print("locked", flush=True)
            time.sleep(float(sys.argv[2]))
            db.execute("COMMIT")
        """.trimIndent()
        val process = ProcessBuilder("python3", "-c", script, path, seconds.toString()).start()
        val line = process.inputReader().readLine()
        // The message is read only on failure: stderr ends when the process does.
        assertEquals("locked", line) { String(process.errorStream.readAllBytes()) }
        return process
    }
}
