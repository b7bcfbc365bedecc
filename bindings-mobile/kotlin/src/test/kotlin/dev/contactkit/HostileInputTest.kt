package dev.contactkit

import dev.contactkit.Fixtures.START
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.put
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.nio.charset.CharacterCodingException
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.time.Instant
import java.time.OffsetDateTime
import java.math.BigDecimal
import java.time.LocalDate

/**
 * What a hostile or careless caller gets (DOMAIN.md, "Limits on input"): every value below
 * is a `ContactKitException.Validation` naming the field, the JVM keeps running, and the
 * book reads back exactly as before the call.
 */
class HostileInputTest {
    /** A book holding one contact with an event and an order, to show nothing changes. */
    private class Seeded : AutoCloseable {
        val clock = ManualClock(START)
        val book = ContactBook.inMemoryWith(BookOptions(clock = clock))
        val id: String

        init {
            book.defineField(FieldDefinition(key = "credit", fieldType = FieldType.DECIMAL))
            book.defineField(FieldDefinition(key = "seen", fieldType = FieldType.DATETIME))
            book.defineField(FieldDefinition(key = "birthday", fieldType = FieldType.DATE))
            book.defineField(FieldDefinition(key = "note", fieldType = FieldType.TEXTAREA))
            id = book.create(ContactInput(email = "seed@example.com", firstName = "Seed")).id
            book.recordEvent(id, EventInput(name = "opened_app", params = buildJsonObject { put("screen", "home") }))
            book.recordOrder(id, OrderInput(externalId = "o-1", amount = BigDecimal("12.50"), currency = "EUR"))
        }

        /** Everything a caller can read back: the contacts and the seed's whole timeline. */
        fun state() = Triple(
            book.count(),
            book.list(ListQuery(limit = 1000)).items,
            book.activity(id, ActivityQuery(period = Period.ALL, limit = 1000)).items,
        )

        /** [call] is refused as a validation error on [field], and nothing was written. */
        fun refuses(field: String, call: () -> Unit): ContactKitException.Validation {
            val before = state()
            val e = assertThrows<ContactKitException.Validation> { call() }
            assertEquals(field, e.field, e.message)
            assertTrue(e.value.length <= 81, "the value is quoted shortened: ${e.value.length} chars")
            assertEquals(before, state(), "nothing was written")
            return e
        }

        override fun close() {
            book.close()
            clock.close()
        }
    }

    private fun seeded(body: (Seeded) -> Unit) = Seeded().use(body)

    private fun json(text: String) = Json.parseToJsonElement(text).jsonObject

    private fun event(params: String) = EventInput(name = "hostile", params = json(params))

    /** `{"a": [[…[]…]]}` with [depth] arrays inside the params object. */
    private fun nested(depth: Int) = """{"a": ${"[".repeat(depth)}${"]".repeat(depth)}}"""

    /**
     * [nested] built as a JsonObject rather than parsed: kotlinx.serialization's own parser
     * overflows the stack on arrays thousands deep, an app builds such params in code.
     */
    private fun nestedObject(depth: Int): JsonObject {
        var inner = JsonArray(emptyList())
        repeat(depth - 1) { inner = JsonArray(listOf(inner)) }
        return JsonObject(mapOf("a" to inner))
    }

    @Test
    fun paramsNestedTenThousandDeepAreTooDeep() = seeded { s ->
        // Past serde_json's own recursion limit (128): still the book's error, not the parser's.
        val e = s.refuses("params") { s.book.recordEvent(s.id, EventInput(name = "hostile", params = nestedObject(10_000))) }
        assertTrue(e.reason.contains("nested deeper than 32 levels"), e.reason)
        // Brackets inside a string are text, not nesting.
        val brackets = "[".repeat(10_000)
        val kept = s.book.recordEvent(s.id, event("""{"text": "$brackets"}"""))
        assertEquals(json("""{"text":"$brackets"}"""), (kept as Activity.Event).detail.params)
    }

    /**
     * A JsonObject nested a million deep, built by the app: writing it as JSON would
     * overflow the JVM's stack; it is refused as too deep, like any params past 32 levels.
     */
    @Test
    fun paramsNestedTooDeepForTheStackAreRefusedAsTooDeep() = seeded { s ->
        var deep = JsonObject(emptyMap())
        repeat(1_000_000) { deep = JsonObject(mapOf("a" to deep)) }
        val e = s.refuses("params") { s.book.recordEvent(s.id, EventInput(name = "deep", params = deep)) }
        assertEquals("nested deeper than 32 levels", e.reason)
        assertEquals("…", e.value)
    }

    @Test
    fun paramsNestedOnePastTheCoreLimitAreRefusedAndAtTheLimitKept() = seeded { s ->
        // The params object is the first of the 32 levels: 33 deep in all is refused.
        val e = s.refuses("params") { s.book.recordEvent(s.id, event(nested(32))) }
        assertTrue(e.reason.contains("nested deeper than 32 levels"), e.reason)
        val kept = s.book.recordEvent(s.id, event(nested(31)))
        assertEquals(json(nested(31)), (kept as Activity.Event).detail.params)
        val read = s.book.activity(s.id, ActivityQuery(category = ActivityCategory.EVENTS)).items.first()
        assertEquals(kept, read)
    }

    @Test
    fun paramsLargerThan64KiBAreRefused() = seeded { s ->
        val e = s.refuses("params") {
            s.book.recordEvent(s.id, event("""{"blob": "${"x".repeat(70_000)}"}"""))
        }
        assertTrue(e.reason.contains("larger than 65536 bytes"), e.reason)
        // Several megabytes are refused the same way, before they are parsed.
        s.refuses("params") { s.book.recordEvent(s.id, event("""{"blob": "${"x".repeat(8_000_000)}"}""")) }
        // Just under the limit is kept.
        val blob = "y".repeat(60_000)
        assertEquals(json("""{"blob":"$blob"}"""), s.book.recordEvent(s.id, event("""{"blob": "$blob"}""")).let { it as Activity.Event }.detail.params)
    }

    @Test
    fun tooManyWorkflowsOrOrderItemsAreRefused() = seeded { s ->
        s.refuses("workflows") {
            s.book.recordEvent(s.id, EventInput(name = "many", workflows = (0..100).map { "wf-$it" }))
        }
        assertEquals(100, s.book.recordEvent(s.id, EventInput(name = "many", workflows = (0 until 100).map { "wf-$it" })).let { it as Activity.Event }.detail.workflows.size)

        val item = OrderItem(productId = "p", quantity = BigDecimal("1"), price = BigDecimal("0.10"))
        s.refuses("items") {
            s.book.recordOrder(s.id, OrderInput(externalId = "o-big", amount = BigDecimal("100.10"), currency = "EUR", items = List(1001) { item }))
        }
        val order = s.book.recordOrder(s.id, OrderInput(externalId = "o-max", amount = BigDecimal("100.00"), currency = "EUR", items = List(1000) { item }))
        assertEquals(1000, (order as Activity.Order).detail.items.size)
    }

    /** Outside the years 1 to 9999 (UTC), the range every binding's date types hold. */
    private val outOfRange = listOf(
        Instant.MAX,
        Instant.MIN,
        // 9999-12-31T23:59:59 at UTC-18:00 (java.time's widest offset) is in the year 10000.
        OffsetDateTime.parse("9999-12-31T23:59:59-18:00").toInstant(),
        Instant.parse("+10000-01-01T00:00:00Z"),
        Instant.parse("0000-12-31T23:59:59.999Z"),
    )

    @Test
    fun instantsOutsideTheYears1To9999AreRefusedWhereverTheyAreGiven() = seeded { s ->
        for (at in outOfRange) {
            val e = s.refuses("at") { s.book.recordEvent(s.id, EventInput(name = "e", at = at)) }
            assertTrue(e.reason.contains("outside the years 1 to 9999"), e.reason)
            s.refuses("at") {
                s.book.recordCampaign(s.id, CampaignInput(messageId = "m", channel = CampaignChannel.EMAIL, status = CampaignStatus.SENT, at = at))
            }
            s.refuses("at") { s.book.recordOrder(s.id, OrderInput(externalId = "o-t", amount = BigDecimal("1"), currency = "EUR", at = at)) }
            s.refuses("since") { s.book.activity(s.id, ActivityQuery(since = at)) }
            s.refuses("until") { s.book.activity(s.id, ActivityQuery(until = at)) }
            s.refuses("fields.seen") { s.book.setField(s.id, "seen", FieldInput.Datetime(at)) }
            s.refuses("fields.seen") { s.book.update(s.id, ContactInput(fields = mapOf("seen" to FieldInput.Datetime(at)))) }
            assertEquals("start", assertThrows<ContactKitException.Validation> { ManualClock(at) }.field)
            assertEquals("at", assertThrows<ContactKitException.Validation> { s.clock.set(at) }.field)
        }
        // The clock did not move; the book still stamps START.
        assertEquals(START, s.book.now())
    }

    @Test
    fun theFirstAndLastInstantsOfTheRangeAreKeptExactly() = seeded { s ->
        for (at in listOf(Instant.parse("0001-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999Z"))) {
            val event = s.book.recordEvent(s.id, EventInput(name = "edge", at = at)) as Activity.Event
            assertEquals(at, event.at)
            assertEquals(at, s.book.setField(s.id, "seen", FieldInput.Datetime(at)).fields["seen"].let { (it as FieldValue.Datetime).v1 })
        }
        val all = s.book.activity(s.id, ActivityQuery(since = Instant.parse("0001-01-01T00:00:00Z"), until = Instant.parse("9999-12-31T23:59:59.999Z")))
        assertEquals(listOf("edge", "opened_app"), all.items.filterIsInstance<Activity.Event>().map { it.detail.name }.distinct().sorted())
    }

    @Test
    fun aClockIsNotMovedPastTheYear9999() = seeded { s ->
        for (by in listOf(Duration.ofDays(3_000_000), Duration.ofSeconds(Long.MAX_VALUE, 999_999_999))) {
            val e = assertThrows<ContactKitException.Validation> { s.clock.advance(by) }
            assertEquals("by", e.field)
        }
        // A negative duration never reaches ContactKit: uniffi's converter refuses it.
        assertThrows<IllegalArgumentException> { s.clock.advance(Duration.ofSeconds(-1)) }
        assertEquals(START, s.clock.now())
        s.clock.advance(Duration.ofDays(365))
        assertEquals(START.plus(Duration.ofDays(365)), s.clock.now())
    }

    @Test
    fun datesOutsideTheYears1To9999AreRefused() = seeded { s ->
        for (date in listOf("+10000-01-01", "0000-12-31", "-0001-01-01")) {
            s.refuses("fields.birthday") { s.book.setField(s.id, "birthday", FieldInput.Date(LocalDate.parse(date))) }
            s.refuses("fields.birthday") { s.book.setField(s.id, "birthday", FieldInput.Text(date)) }
        }
        assertEquals(FieldValue.Date(LocalDate.parse("9999-12-31")), s.book.setField(s.id, "birthday", FieldInput.Date(LocalDate.parse("9999-12-31"))).fields["birthday"])
    }

    @Test
    fun decimalsTheBookCannotHoldAreRefused() = seeded { s ->
        // A BigDecimal is always a number; the book holds 28 significant digits. (Not
        // millions of digits: the JVM's own BigDecimal text conversion is quadratic, and
        // 5,000,000 digits took it six minutes; the Rust side reads any length in one pass.)
        val tooBig = listOf("1E+40", "-79228162514264337593543950336", "1".repeat(200_000))
        for (text in tooBig.map(::BigDecimal)) {
            s.refuses("amount") { s.book.recordOrder(s.id, OrderInput(externalId = "o-d", amount = text, currency = "EUR")) }
            s.refuses("items[0].price") {
                s.book.recordOrder(s.id, OrderInput(externalId = "o-d", amount = BigDecimal("1"), currency = "EUR", items = listOf(OrderItem(productId = "p", quantity = BigDecimal("1"), price = text))))
            }
            s.refuses("fields.credit") { s.book.setField(s.id, "credit", FieldInput.Decimal(text)) }
        }
        // A binary float is not an exact decimal (0.1 + 0.2 is 0.30000000000000004).
        s.refuses("fields.credit") { s.book.setField(s.id, "credit", FieldInput.Float(0.1 + 0.2)) }
        assertEquals(FieldValue.Decimal(BigDecimal("0.3")), s.book.setField(s.id, "credit", FieldInput.Decimal(BigDecimal("0.3"))).fields["credit"])
    }

    @Test
    fun aCursorTheBookDidNotGiveOutIsRefused() = seeded { s ->
        val segment = s.book.createSegment("VIP")
        for (junk in listOf("junk", "", "x".repeat(3_000_000))) {
            s.refuses("cursor") { s.book.list(ListQuery(cursor = junk)) }
            s.refuses("cursor") { s.book.segmentMembers(segment.id, ListQuery(cursor = junk)) }
            s.refuses("cursor") { s.book.activity(s.id, ActivityQuery(cursor = junk)) }
        }
    }

    @Test
    fun aLimitOutOfRangeIsRefused() = seeded { s ->
        val segment = s.book.createSegment("VIP")
        for (limit in listOf(0, 1001, -1, Int.MIN_VALUE, Int.MAX_VALUE)) {
            s.refuses("limit") { s.book.list(ListQuery(limit = limit)) }
            s.refuses("limit") { s.book.segmentMembers(segment.id, ListQuery(limit = limit)) }
            s.refuses("limit") { s.book.activity(s.id, ActivityQuery(limit = limit)) }
        }
    }

    @Test
    fun multiMegabyteStringsAreRefusedAndQuotedShort() = seeded { s ->
        val huge = "x".repeat(5_000_000)
        // A contact input above 1 MiB is refused whole, before any of its fields is read.
        s.refuses("input") { s.book.create(ContactInput(firstName = huge)) }
        s.refuses("input") { s.book.update(s.id, ContactInput(fields = mapOf("note" to FieldInput.Text(huge)))) }
        val large = "x".repeat(500_000)
        s.refuses("first_name") { s.book.create(ContactInput(firstName = large)) }
        s.refuses("email") { s.book.create(ContactInput(email = "$large@example.com")) }
        s.refuses("name") { s.book.recordEvent(s.id, EventInput(name = huge)) }
        s.refuses("fields.note") { s.book.setField(s.id, "note", FieldInput.Text(large)) }
        // A lookup by a huge identifier finds nobody; it does not fail.
        assertEquals(null, s.book.findByKey(huge))
        // In an import the huge row is rejected and the others are written.
        val report = s.book.importContacts(listOf(ContactInput(email = "ok@example.com"), ContactInput(firstName = huge, email = "no@example.com")), DedupeOn.EMAIL)
        assertEquals(1L, report.created)
        assertEquals(listOf(1L), report.rejected.map { it.index })
        assertEquals("input", report.rejected.single().field)
        assertEquals(null, s.book.findByEmail("no@example.com"))
    }

    /**
     * The one hostile value ContactKit never sees: a string with a lone UTF-16 surrogate is
     * not Unicode, and uniffi's generated converter refuses to encode it before the call
     * (Swift strings cannot hold one). The JVM goes on and nothing is written.
     */
    @Test
    fun aLoneSurrogateIsRefusedByTheGeneratedConverter() = seeded { s ->
        val before = s.state()
        assertThrows<CharacterCodingException> { s.book.get("\ud800") }
        assertThrows<CharacterCodingException> { s.book.update(s.id, ContactInput(firstName = "Ann\udc00")) }
        assertEquals(before, s.state())
    }

    @Test
    fun aLocationThatIsNotANumberIsRefused() = seeded { s ->
        for (bad in listOf(Double.NaN, Double.POSITIVE_INFINITY, 91.0)) {
            s.refuses("location.latitude") { s.book.update(s.id, ContactInput(location = LocationInput(latitude = bad, longitude = 0.0))) }
        }
    }

    @Test
    fun aBusyTimeoutSQLiteCannotTakeIsRefusedBeforeTheFileIsCreated(@TempDir dir: Path) {
        val path = dir.resolve("never.db")
        val e = assertThrows<ContactKitException.Validation> {
            ContactBook.openWith(path.toString(), BookOptions(busyTimeoutMs = UInt.MAX_VALUE))
        }
        assertEquals("busy_timeout", e.field)
        assertEquals("${UInt.MAX_VALUE} ms", e.value)
        assertFalse(Files.exists(path))
    }
}
