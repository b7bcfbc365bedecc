package dev.contactkit

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * `ContactBook.connect`: a book on a PostgreSQL server (the jar's feature `postgres`).
 * The server is CONTACTKIT_TEST_PG_URL (scripts/test.sh starts a throwaway one); its
 * absence fails the tests. Each test works in schemas of its own, dropped afterwards.
 */
class ServerTest {
    private val url = TestServer.url()

    private fun freshSchema() = TestServer.freshSchema()

    @Test
    fun aServerBookIsSharedByEveryConnection() {
        val options = ServerOptions(schema = freshSchema(), defaultRegion = "UA")
        val id = ContactBook.connectWith(url, options).use { book ->
            val ann = book.create(ContactInput(email = "Ann@Example.com", phone = "050 123 4567"))
            book.unsubscribe(ann.id, Channel.SMS, "replied STOP")
            ann.id
        }
        ContactBook.connectWith(url, options).use { again ->
            assertEquals("+380501234567", again.get(id)?.phone)
            assertEquals(SendReason.UNSUBSCRIBED, again.canSend("ann@example.com", Channel.SMS).reason)
        }
    }

    @Test
    fun theSuspendingConstructorConnectsToo() = runBlocking {
        AsyncContactBook.connectWith(url, ServerOptions(schema = freshSchema())).use { book ->
            book.create(ContactInput(email = "async@example.com"))
            assertEquals(1L, book.count())
        }
    }

    @Test
    fun aWrongPasswordIsAStorageErrorThatNeverShowsIt() {
        val wrong = url.replace(Regex("://([^:/@]+):[^@]*@"), "://$1:n0t-the-password@")
        assertTrue(wrong != url, "the test server's URL carries a password")
        val e = assertThrows<ContactKitException.Storage> { ContactBook.connect(wrong) }
        assertTrue(e.reason.contains("password authentication failed"), e.reason)
        assertFalse(e.reason.contains("n0t-the-password"), e.reason)
    }

    @Test
    fun anUnreachableServerAndABadSchemaAreRefused() {
        val unreachable = assertThrows<ContactKitException.Storage> { ContactBook.connect("postgresql://ck:pw@127.0.0.1:1/books") }
        assertTrue(unreachable.reason.contains("127.0.0.1:1"), unreachable.reason)
        val schema = assertThrows<ContactKitException.Validation> {
            ContactBook.connectWith(url, ServerOptions(schema = "Robert'); DROP TABLE contacts;--"))
        }
        assertEquals("schema", schema.field)
        val pool = assertThrows<ContactKitException.Validation> { ContactBook.connectWith(url, ServerOptions(poolSize = 0)) }
        assertEquals("pool_size", pool.field)
        val negative = assertThrows<ContactKitException.Validation> { ContactBook.connectWith(url, ServerOptions(poolSize = -1)) }
        assertEquals("pool_size", negative.field)
    }
}

/**
 * The PostgreSQL server of the tests: CONTACTKIT_TEST_PG_URL (scripts/test.sh starts a
 * throwaway one); its absence fails a test, never skips it. Schemas handed out are
 * dropped when the JVM exits.
 */
object TestServer {
    private val schemas = java.util.concurrent.ConcurrentLinkedQueue<String>()

    init {
        Runtime.getRuntime().addShutdownHook(Thread { dropSchemas() })
    }

    fun url(): String = System.getenv("CONTACTKIT_TEST_PG_URL")
        ?: org.junit.jupiter.api.fail("CONTACTKIT_TEST_PG_URL is not set: start a server with `scripts/postgres.sh start DIR` and export the URL it prints (scripts/test.sh does both)")

    /** A schema name no other test uses. */
    fun freshSchema(): String =
        "kt_${java.util.UUID.randomUUID().toString().replace("-", "").take(16)}".also { schemas += it }

    private fun dropSchemas() {
        val uri = java.net.URI(url())
        val (user, password) = uri.userInfo.split(":", limit = 2)
        java.sql.DriverManager.getConnection("jdbc:postgresql://${uri.host}:${uri.port}${uri.path}", user, password).use { conn ->
            schemas.forEach { conn.createStatement().execute("DROP SCHEMA IF EXISTS \"$it\" CASCADE") }
        }
    }
}
