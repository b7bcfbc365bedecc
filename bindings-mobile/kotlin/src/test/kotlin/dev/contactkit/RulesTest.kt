package dev.contactkit

import dev.contactkit.Fixtures.clocked
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.time.Duration

/**
 * Rules (DOMAIN.md, "Rules: queries and dynamic segments"): a rule crosses as JSON text;
 * `listWhere` and `countWhere` answer it over live contacts, a dynamic segment's members
 * are its matches, and a mistake is a `Validation` error naming its path inside the rule.
 */
class RulesTest {
    /** A book of four contacts: Ukraine gold, Ukraine silver, Poland gold, and one deleted. */
    private class Seeded : AutoCloseable {
        val t = Fixtures.Clocked()
        val book get() = t.book
        val uaGold: Contact
        val uaSilver: Contact
        val plGold: Contact
        val gone: Contact

        init {
            book.defineField(FieldDefinition(key = "tier", fieldType = FieldType.LIST, options = listOf("gold", "silver")))
            book.defineField(FieldDefinition(key = "visits", fieldType = FieldType.NUMBER))
            fun person(email: String, country: String, tier: String, visits: Long) = book.create(
                ContactInput(
                    email = email,
                    address = Address(country = country),
                    fields = mapOf("tier" to FieldInput.Text(tier), "visits" to FieldInput.Integer(visits)),
                ),
            )
            uaGold = person("olena@example.com", "UA", "gold", 12)
            uaSilver = person("taras@example.com", "UA", "silver", 3)
            plGold = person("ania@example.com", "PL", "gold", 7)
            gone = person("gone@example.com", "UA", "gold", 40)
            book.delete(gone.id)
        }

        fun ids(rule: String): List<String> = book.listWhere(rule).items.map { it.id }

        override fun close() = t.close()
    }

    private fun seeded(body: (Seeded) -> Unit) = Seeded().use(body)

    private val ukraine = """{"attr": "country", "op": "eq", "value": "ua"}"""
    private val gold = """{"field": "tier", "op": "eq", "value": "gold"}"""

    @Test
    fun listAndCountAnswerOverLiveContacts() = seeded { s ->
        assertEquals(listOf(s.uaGold.id, s.uaSilver.id), s.ids(ukraine))
        assertEquals(2L, s.book.countWhere(ukraine))
        val both = """{"all": [$ukraine, $gold]}"""
        assertEquals(listOf(s.uaGold.id), s.ids(both))
        assertEquals(1L, s.book.countWhere(both))
        assertEquals(listOf(s.uaSilver.id), s.ids("""{"all": [$ukraine, {"not": $gold}]}"""))
        assertEquals(3L, s.book.countWhere("""{"any": [$ukraine, $gold]}"""))
        assertEquals(listOf(s.uaGold.id, s.plGold.id), s.ids("""{"field": "visits", "op": "gte", "value": 7}"""))
        assertEquals(listOf(s.uaSilver.id), s.ids("""{"attr": "email", "op": "starts_with", "value": "TARAS"}"""))
        assertEquals(0L, s.book.countWhere("""{"any": []}"""))
        assertEquals(3L, s.book.countWhere("""{"all": []}"""))
        assertEquals(s.book.count(), s.book.countWhere("""{"all": []}"""))
    }

    @Test
    fun listWherePagesInCreationOrder() = seeded { s ->
        val first = s.book.listWhere("""{"all": []}""", ListQuery(limit = 2))
        assertEquals(listOf(s.uaGold.id, s.uaSilver.id), first.items.map { it.id })
        val rest = s.book.listWhere("""{"all": []}""", ListQuery(limit = 2, cursor = first.nextCursor))
        assertEquals(listOf(s.plGold.id), rest.items.map { it.id })
        assertNull(rest.nextCursor)
        // The contacts come back whole, as `get` gives them.
        assertEquals(s.book.get(s.plGold.id), rest.items.single())
    }

    @Test
    fun activityPeriodsCountBackFromTheBooksClock() = seeded { s ->
        s.book.recordEvent(s.uaSilver.id, EventInput(name = "login"))
        val recent = """{"activity": "event", "within": "7d", "where": {"name": "login"}}"""
        assertEquals(listOf(s.uaSilver.id), s.ids(recent))
        s.t.advance(Duration.ofDays(8))
        assertEquals(0L, s.book.countWhere(recent))
        assertEquals(1L, s.book.countWhere("""{"activity": "event", "where": {"name": "login"}}"""))
    }

    @Test
    fun aDynamicSegmentAgreesWithListWhere() = seeded { s ->
        val segment = s.book.createDynamicSegment("Ukraine", ukraine)
        assertEquals(SegmentKind.DYNAMIC, segment.kind)
        assertNull(segment.categoryKey)
        assertEquals(Json.parseToJsonElement(ukraine), Json.parseToJsonElement(segment.rule!!))
        assertEquals(listOf(segment), s.book.segments())
        agrees(s.book, segment.id, ukraine, listOf(s.uaGold.id, s.uaSilver.id))

        // Membership follows the data as of every read.
        s.book.update(s.plGold.id, ContactInput(address = Address(country = "UA")))
        agrees(s.book, segment.id, ukraine, listOf(s.uaGold.id, s.uaSilver.id, s.plGold.id))

        // A new rule; the name stays.
        val goldRule = """{"all": [$ukraine, $gold]}"""
        val changed = s.book.updateSegment(segment.id, rule = goldRule)
        assertEquals("Ukraine", changed.name)
        assertEquals(Json.parseToJsonElement(goldRule), Json.parseToJsonElement(changed.rule!!))
        agrees(s.book, segment.id, goldRule, listOf(s.uaGold.id, s.plGold.id))

        // A new name; the rule stays.
        val renamed = s.book.updateSegment(segment.id, name = "Gold in Ukraine")
        assertEquals(changed.copy(name = "Gold in Ukraine"), renamed)
        assertEquals(listOf(renamed), s.book.segments())

        // A rule naming the segment: another segment's members, and each profile agrees.
        val inIt = """{"in_segment": "${segment.id}"}"""
        val outer = s.book.createDynamicSegment("Not gold Ukraine", """{"not": $inIt}""")
        agrees(s.book, outer.id, """{"not": $inIt}""", listOf(s.uaSilver.id))
        // A segment that would reach itself is refused, naming the path.
        val cycle = assertThrows<ContactKitException.Validation> {
            s.book.updateSegment(segment.id, rule = """{"all": [$ukraine, {"in_segment": "${outer.id}"}]}""")
        }
        assertTrue(cycle.field.startsWith("rule"), cycle.field)
        // While a rule names it, the segment stays.
        assertEquals("segment", assertThrows<ContactKitException.Validation> { s.book.deleteSegment(segment.id) }.field)
        s.book.deleteSegment(outer.id)
        s.book.deleteSegment(segment.id)
        assertTrue(s.book.segments().isEmpty())
        assertTrue(s.book.get(s.uaGold.id)!!.segments.isEmpty())
    }

    /** `segmentMembers`, each live profile's `segments` and `listWhere` say the same. */
    private fun agrees(book: ContactBook, segmentId: String, rule: String, expected: List<String>) {
        assertEquals(expected, book.listWhere(rule).items.map { it.id })
        assertEquals(expected, book.segmentMembers(segmentId).items.map { it.id })
        for (contact in book.list().items) {
            assertEquals(contact.id in expected, segmentId in contact.segments, "segments of ${contact.id}")
            assertEquals(contact.id in expected, segmentId in book.get(contact.id)!!.segments)
        }
        for (contact in book.listWhere(rule).items) assertTrue(segmentId in contact.segments)
    }

    @Test
    fun aStaticSegmentHasNoRule() = clocked { t ->
        val vip = t.book.createSegment("VIP")
        assertEquals(SegmentKind.STATIC, vip.kind)
        assertNull(vip.rule)
        val refused = assertThrows<ContactKitException.Validation> { t.book.updateSegment(vip.id, rule = """{"all": []}""") }
        assertEquals("rule", refused.field)
        assertEquals(listOf(vip), t.book.segments())
        // Both left out changes nothing.
        assertEquals(vip, t.book.updateSegment(vip.id))
        val news = t.book.defineCategory("News")
        assertEquals(SegmentKind.CATEGORY, t.book.segments().single { it.id == news.segmentId }.kind)
    }

    @Test
    fun mistakesNameTheirPathInsideTheRule() = seeded { s ->
        fun field(rule: String): String {
            val forList = assertThrows<ContactKitException.Validation> { s.book.listWhere(rule) }
            val forCount = assertThrows<ContactKitException.Validation> { s.book.countWhere(rule) }
            val forSegment = assertThrows<ContactKitException.Validation> { s.book.createDynamicSegment("bad", rule) }
            assertEquals(forList.field, forCount.field)
            assertEquals(forList.field, forSegment.field)
            return forList.field
        }
        assertEquals("rule.all[1].op", field("""{"all": [$ukraine, {"attr": "email", "op": "like", "value": "x"}]}"""))
        assertEquals("rule.any[0].attr", field("""{"any": [{"attr": "shoe_size", "op": "eq", "value": 1}]}"""))
        assertEquals("rule.not.field", field("""{"not": {"field": "no_such", "op": "eq", "value": 1}}"""))
        assertEquals("rule.value", field("""{"field": "visits", "op": "gt", "value": "many"}""").substringBefore("["))
        assertEquals("rule.in_segment", field("""{"in_segment": "${Fixtures.NOBODY}"}"""))
        assertEquals("rule.in_category", field("""{"in_category": "no-such"}"""))
        assertTrue(field("""{"all": [], "any": []}""").startsWith("rule"))
        assertTrue(field("""[]""").startsWith("rule"))
        // Nothing was written.
        assertTrue(s.book.segments().isEmpty())
        val vip = s.book.createDynamicSegment("VIP", gold)
        val bad = assertThrows<ContactKitException.Validation> {
            s.book.updateSegment(vip.id, name = "Renamed", rule = """{"all": [{"status": "email", "is": "asleep"}]}""")
        }
        assertEquals("rule.all[0].is", bad.field)
        assertEquals(listOf(vip), s.book.segments())
    }

    @Test
    fun hostileRuleTextIsAValidationError() = seeded { s ->
        val before = s.book.list()
        val deep = "{\"not\": ".repeat(10_000) + ukraine + "}".repeat(10_000)
        val deepAll = "{\"all\": [".repeat(10_000) + "]}".repeat(10_000)
        val huge = """{"attr": "email", "op": "eq", "value": "${"x".repeat(1_000_000)}"}"""
        val hostile = listOf(deep, deepAll, huge, "not json", "", "{", "\u0000", "{\"all\": [}", "null", "42", "\"rule\"")
        for (text in hostile) {
            for (call in listOf<(String) -> Any>({ s.book.listWhere(it) }, { s.book.countWhere(it) }, { s.book.createDynamicSegment("h", it) })) {
                val error = assertThrows<ContactKitException.Validation> { call(text) }
                assertTrue(error.field.startsWith("rule"), "${text.take(40)}: ${error.field}")
                // The message does not quote a megabyte back.
                assertTrue(error.message!!.length < 100_000, "message of ${error.message!!.length} chars")
            }
        }
        assertTrue(s.book.segments().isEmpty())
        assertEquals(before, s.book.list())
        // The book still answers.
        assertEquals(2L, s.book.countWhere(ukraine))
    }

    @Test
    fun asyncFormsAnswerAsTheBlockingOnes() = seeded { s ->
        runBlocking {
            val book = AsyncContactBook.inMemory()
            try {
                val a = book.create(ContactInput(email = "a@example.com", address = Address(country = "UA")))
                book.create(ContactInput(email = "b@example.com", address = Address(country = "PL")))
                assertEquals(listOf(a.id), book.listWhere(ukraine).items.map { it.id })
                assertEquals(1L, book.countWhere(ukraine))
                val segment = book.createDynamicSegment("UA", ukraine)
                assertEquals(SegmentKind.DYNAMIC, segment.kind)
                assertEquals(listOf(a.id), book.segmentMembers(segment.id).items.map { it.id })
                assertEquals(listOf(segment.id), book.get(a.id)!!.segments)
                val all = book.updateSegment(segment.id, rule = """{"all": []}""")
                assertEquals(2, book.segmentMembers(all.id).items.size)
                assertEquals("Everyone", book.updateSegment(segment.id, name = "Everyone").name)
                val error = assertThrows<ContactKitException.Validation> {
                    runBlocking { book.countWhere("""{"all": [{"attr": "country", "op": "near", "value": 1}]}""") }
                }
                assertEquals("rule.all[0].op", error.field)
                val notJson = assertThrows<ContactKitException.Validation> { runBlocking { book.listWhere("nope") } }
                assertEquals("rule", notJson.field)
                val deep = "{\"not\": ".repeat(10_000) + ukraine + "}".repeat(10_000)
                assertTrue(assertThrows<ContactKitException.Validation> { runBlocking { book.createDynamicSegment("d", deep) } }.field.startsWith("rule"))
            } finally {
                book.close()
            }
            // The blocking book was not touched.
            assertEquals(2L, s.book.countWhere(ukraine))
        }
    }
}
