package dev.contactkit

import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put
import dev.contactkit.Fixtures.START
import dev.contactkit.Fixtures.device
import dev.contactkit.Fixtures.webPush
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.math.BigDecimal

/** A SQLite file keeps everything across a close and a reopen, as an app's sandbox does. */
class SqliteFileTest {
    @Test
    fun everythingSurvivesAReopen(@TempDir dir: Path) {
        val path = dir.resolve("contacts.db").toString()
        val clock = ManualClock(START)
        val (written, timeline) = ContactBook.openWith(path, BookOptions(clock = clock, defaultRegion = "UA")).use { book ->
            assertEquals(0L, book.count())
            book.defineField(FieldDefinition(key = "tier", fieldType = FieldType.LIST, options = listOf("gold", "silver")))
            val news = book.defineCategory("News")
            val c = book.create(
                ContactInput(
                    email = "keep@example.com",
                    phone = "067 123 4567",
                    firstName = "Kept",
                    mobilePush = listOf(device("tok-keep")),
                    webPush = listOf(webPush()),
                    categories = listOf(news.key),
                    fields = mapOf("tier" to FieldInput.Text("gold")),
                    location = LocationInput(latitude = 49.84, longitude = 24.03, accuracy = 12.5),
                ),
            )
            clock.advance(Duration.ofMinutes(5))
            book.unsubscribe(c.id, Channel.SMS, "stop")
            book.recordOrder(c.id, OrderInput(externalId = "o-1", amount = BigDecimal("12.50"), currency = "EUR", status = OrderStatus.DELIVERED))
            book.recordEvent(c.id, EventInput(name = "opened_app", params = buildJsonObject { put("screen", "home") }))
            book.get(c.id)!! to book.activity(c.id).items
        }
        assertEquals("+380671234567", written.phone)

        ContactBook.open(path).use { reopened ->
            assertEquals(1L, reopened.count())
            assertEquals(written, reopened.get(written.id))
            assertEquals(timeline, reopened.activity(written.id, ActivityQuery(since = START)).items)
            assertEquals(listOf("news"), reopened.categories().map { it.key })
            assertEquals(listOf("tier"), reopened.fieldDefinitions().map { it.key })
            assertEquals(ChannelStatus.UNSUBSCRIBED, reopened.findByPhone("+380671234567")!!.phoneStatus)
            // The reopened book writes with the system clock.
            reopened.update(written.id, ContactInput(lastName = "Later"))
        }
        ContactBook.open(path).use { again ->
            assertEquals("Later", again.get(written.id)!!.lastName)
        }
        clock.close()
    }

    @Test
    fun fullDurabilityAndTwoBooksOnOneFile(@TempDir dir: Path) {
        val path = dir.resolve("durable.db").toString()
        ContactBook.openWith(path, BookOptions(durability = Durability.FULL)).use { first ->
            ContactBook.open(path).use { second ->
                val c = first.create(ContactInput(email = "both@example.com"))
                assertEquals(c.id, second.findByEmail("both@example.com")?.id)
                second.blacklist(c.id, Channel.EMAIL, "manual")
                assertEquals(ChannelStatus.BLACKLISTED, first.get(c.id)!!.emailStatus)
            }
        }
        assertTrue(Files.size(Path.of(path)) > 0)
    }

    @Test
    fun aMissingFileIsCreated(@TempDir dir: Path) {
        val path = dir.resolve("fresh.db")
        ContactBook.open(path.toString()).use { book -> assertEquals(0L, book.count()) }
        assertTrue(Files.exists(dir.resolve("fresh.db")))
    }
}
