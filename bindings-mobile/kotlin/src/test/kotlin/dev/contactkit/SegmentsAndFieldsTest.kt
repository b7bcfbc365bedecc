package dev.contactkit

import dev.contactkit.Fixtures.clocked
import dev.contactkit.Fixtures.NOBODY
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.time.Duration
import java.time.Instant
import java.math.BigDecimal
import java.time.LocalDate

/** Static segments, renaming and deleting categories and segments, and typed additional fields. */
class SegmentsAndFieldsTest {
    @Test
    fun staticSegments() = clocked { t ->
        val vip = t.book.createSegment("VIP")
        assertEquals("VIP", vip.name)
        assertNull(vip.categoryKey)
        t.advance(Duration.ofSeconds(1))
        val wholesale = t.book.createSegment("Wholesale")
        assertEquals(listOf(vip, wholesale), t.book.segments())

        val ids = (1..3).map { i ->
            t.advance(Duration.ofSeconds(1))
            t.book.create(ContactInput(email = "m$i@example.com")).id
        }
        ids.forEach { t.book.addToSegment(it, vip.id) }
        assertEquals(listOf(vip.id), t.book.get(ids[0])!!.segments)
        val first = t.book.segmentMembers(vip.id, ListQuery(limit = 2))
        assertEquals(ids.take(2), first.items.map { it.id })
        val second = t.book.segmentMembers(vip.id, ListQuery(limit = 2, cursor = first.nextCursor))
        assertEquals(ids.drop(2), second.items.map { it.id })
        assertNull(second.nextCursor)

        assertTrue(t.book.removeFromSegment(ids[0], vip.id).segments.isEmpty())
        assertEquals(2, t.book.segmentMembers(vip.id).items.size)
        val missing = assertThrows<ContactKitException.NotFound> { t.book.addToSegment(ids[1], NOBODY) }
        assertEquals("segment", missing.what)
        // Segments given in an input replace the set.
        assertEquals(listOf(wholesale.id), t.book.update(ids[1], ContactInput(segments = listOf(wholesale.id))).segments)
    }

    @Test
    fun renameAndDeleteCategoriesAndSegments() = clocked { t ->
        val news = t.book.defineCategory("Weekly news")
        val vip = t.book.createSegment("VIP")
        val c = t.book.create(ContactInput(email = "s@example.com", categories = listOf(news.key), segments = listOf(vip.id)))

        // A category keeps its key; its segment takes the new title.
        val renamed = t.book.updateCategory(news.key, "Monthly news")
        assertEquals(Category(key = "weekly-news", title = "Monthly news", segmentId = news.segmentId), renamed)
        assertEquals(listOf(renamed), t.book.categories())
        assertEquals("Monthly news", t.book.segments().single { it.id == news.segmentId }.name)
        assertEquals(listOf("weekly-news"), t.book.get(c.id)!!.categories)
        assertThrows<ContactKitException.Conflict> { t.book.updateCategory(news.key, "vip") }
        assertEquals("title", assertThrows<ContactKitException.Validation> { t.book.updateCategory(news.key, " ") }.field)
        assertThrows<ContactKitException.NotFound> { t.book.updateCategory("no-such", "X") }

        assertEquals(Segment(id = vip.id, name = "V.I.P.", kind = SegmentKind.STATIC, categoryKey = null, rule = null), t.book.updateSegment(vip.id, "V.I.P."))
        assertEquals("name", assertThrows<ContactKitException.Conflict> { t.book.updateSegment(vip.id, "Monthly news") }.field)
        // A category's segment goes with its category.
        assertEquals("segment", assertThrows<ContactKitException.Validation> { t.book.updateSegment(news.segmentId, "x") }.field)
        assertEquals("segment", assertThrows<ContactKitException.Validation> { t.book.deleteSegment(news.segmentId) }.field)

        t.book.deleteSegment(vip.id)
        assertEquals(listOf(news.segmentId), t.book.get(c.id)!!.segments)
        assertThrows<ContactKitException.NotFound> { t.book.deleteSegment(vip.id) }
        t.book.deleteCategory(news.key)
        assertTrue(t.book.categories().isEmpty())
        assertTrue(t.book.segments().isEmpty())
        val left = t.book.get(c.id)!!
        assertTrue(left.categories.isEmpty())
        assertTrue(left.segments.isEmpty())
        assertThrows<ContactKitException.NotFound> { t.book.canSend(c.id, Channel.EMAIL, news.key) }
        assertThrows<ContactKitException.NotFound> { t.book.deleteCategory(news.key) }
    }

    @Test
    fun updateAndDeleteFields() = clocked { t ->
        t.book.defineField(FieldDefinition(key = "tier", fieldType = FieldType.LIST, options = listOf("gold")))
        t.book.defineField(FieldDefinition(key = "nickname", fieldType = FieldType.TEXT))
        val c = t.book.create(
            ContactInput(email = "f@example.com", fields = mapOf("tier" to FieldInput.Text("gold"), "nickname" to FieldInput.Text("Fi"))),
        )
        // Options are added at the end; the title is kept unless given.
        val added = t.book.updateField("tier", FieldUpdate(addOptions = listOf("platinum")))
        assertEquals(listOf("gold", "platinum"), added.options)
        assertEquals("tier", added.title)
        assertEquals(FieldValue.Choice("platinum"), t.book.setField(c.id, "tier", FieldInput.Text("platinum")).fields["tier"])
        val titled = t.book.updateField("tier", FieldUpdate(title = "Loyalty tier"))
        assertEquals("Loyalty tier", titled.title)
        assertEquals(listOf("gold", "platinum"), titled.options)
        assertEquals(titled, t.book.fieldDefinitions().single { it.key == "tier" })
        // An option the field has already is refused, and nothing changes.
        val twice = assertThrows<ContactKitException.Validation> {
            t.book.updateField("tier", FieldUpdate(title = "Tier", addOptions = listOf("silver", "gold")))
        }
        assertEquals("options", twice.field)
        assertEquals(titled, t.book.fieldDefinitions().single { it.key == "tier" })
        // A multilist option with a comma could never be set (values are joined with commas).
        t.book.defineField(FieldDefinition(key = "interests", fieldType = FieldType.MULTILIST, options = listOf("books")))
        val comma = assertThrows<ContactKitException.Validation> {
            t.book.updateField("interests", FieldUpdate(addOptions = listOf("arts, crafts")))
        }
        assertEquals("options", comma.field)
        assertThrows<ContactKitException.NotFound> { t.book.updateField("shoe_size", FieldUpdate(title = "Shoe size")) }

        t.book.deleteField("tier")
        assertEquals(listOf("interests", "nickname"), t.book.fieldDefinitions().map { it.key })
        assertEquals(setOf("nickname"), t.book.get(c.id)!!.fields.keys)
        assertEquals("fields.tier", assertThrows<ContactKitException.Validation> { t.book.setField(c.id, "tier", FieldInput.Text("gold")) }.field)
        assertThrows<ContactKitException.NotFound> { t.book.deleteField("tier") }
    }

    private fun defineAll(book: ContactBook) {
        book.defineField(FieldDefinition(key = "nickname", fieldType = FieldType.TEXT))
        book.defineField(FieldDefinition(key = "notes", fieldType = FieldType.TEXTAREA, title = "Notes"))
        book.defineField(FieldDefinition(key = "age", fieldType = FieldType.NUMBER, min = BigDecimal("0"), max = BigDecimal("150")))
        book.defineField(FieldDefinition(key = "credit", fieldType = FieldType.DECIMAL, max = BigDecimal("1000")))
        book.defineField(FieldDefinition(key = "birthday", fieldType = FieldType.DATE))
        book.defineField(FieldDefinition(key = "last_visit", fieldType = FieldType.DATETIME))
        book.defineField(FieldDefinition(key = "vip", fieldType = FieldType.BOOLEAN))
        book.defineField(FieldDefinition(key = "tier", fieldType = FieldType.LIST, options = listOf("silver", "gold")))
        book.defineField(
            FieldDefinition(key = "interests", fieldType = FieldType.MULTILIST, options = listOf("books", "travel", "music")),
        )
        book.defineField(FieldDefinition(key = "crm_score", fieldType = FieldType.NUMBER, readonly = true))
    }

    @Test
    fun definitions() = clocked { t ->
        val nickname = t.book.defineField(FieldDefinition(key = "nickname", fieldType = FieldType.TEXT))
        assertEquals("nickname", nickname.title)
        assertFalse(nickname.required)
        defineAll(t.book)
        val defs = t.book.fieldDefinitions()
        assertEquals(defs.map { it.key }.sorted(), defs.map { it.key })
        val age = defs.single { it.key == "age" }
        assertEquals(FieldType.NUMBER, age.fieldType)
        assertEquals(BigDecimal("0"), age.min)
        assertEquals(BigDecimal("150"), age.max)
        assertEquals(listOf("silver", "gold"), defs.single { it.key == "tier" }.options)
        val bad = assertThrows<ContactKitException.Validation> {
            t.book.defineField(FieldDefinition(key = "limit", fieldType = FieldType.DECIMAL, min = BigDecimal("1E+40")))
        }
        assertEquals("min", bad.field)
    }

    @Test
    fun typedValuesInAndOut() = clocked { t ->
        defineAll(t.book)
        val id = t.book.create(ContactInput(email = "f@example.com")).id
        fun set(key: String, value: FieldInput) = t.book.setField(id, key, value).fields[key]

        assertEquals(FieldValue.Text("Fifi"), set("nickname", FieldInput.Text("Fifi")))
        assertEquals(FieldValue.Textarea("long text"), set("notes", FieldInput.Text("long text")))
        assertEquals(FieldValue.Number(42), set("age", FieldInput.Text("42")))
        assertEquals(FieldValue.Number(43), set("age", FieldInput.Integer(43)))
        assertEquals(FieldValue.Decimal(BigDecimal("19.99")), set("credit", FieldInput.Text("19.99")))
        // A binary float is not exact, so a decimal field refuses it (DOMAIN.md, "Limits on input").
        assertEquals("fields.credit", assertThrows<ContactKitException.Validation> { set("credit", FieldInput.Float(19.5)) }.field)
        assertEquals(FieldValue.Decimal(BigDecimal("12.30")), set("credit", FieldInput.Decimal(BigDecimal("12.30"))))
        assertEquals(FieldValue.Date(LocalDate.parse("1990-03-09")), set("birthday", FieldInput.Text("1990-03-09")))
        assertEquals(FieldValue.Date(LocalDate.parse("1991-04-10")), set("birthday", FieldInput.Date(LocalDate.parse("1991-04-10"))))
        val visit = Instant.parse("2026-02-28T10:00:00Z")
        assertEquals(FieldValue.Datetime(visit), set("last_visit", FieldInput.Text("2026-02-28T12:00:00+02:00")))
        assertEquals(FieldValue.Datetime(visit), set("last_visit", FieldInput.Datetime(visit)))
        // Without an offset, as export tools write it: read as UTC.
        assertEquals(FieldValue.Datetime(visit), set("last_visit", FieldInput.Text("2026-02-28 10:00:00")))
        assertEquals(FieldValue.Bool(true), set("vip", FieldInput.Text("true")))
        assertEquals(FieldValue.Bool(false), set("vip", FieldInput.Bool(false)))
        assertEquals(FieldValue.Choice("gold"), set("tier", FieldInput.Text("gold")))
        assertEquals(FieldValue.Choices(listOf("books", "travel")), set("interests", FieldInput.Choices(listOf("travel", "books"))))

        // Every stored value goes back in unchanged.
        val stored = t.book.get(id)!!.fields
        for ((key, value) in stored) assertEquals(value, set(key, fieldInputOf(value)), key)
        assertEquals(10 - 1, stored.size)

        assertFalse(t.book.clearField(id, "nickname").fields.containsKey("nickname"))
    }

    @Test
    fun rejectedValuesNameTheField() = clocked { t ->
        defineAll(t.book)
        val id = t.book.create(ContactInput(email = "r@example.com")).id
        val rejected = listOf(
            "age" to FieldInput.Text("151"),
            "age" to FieldInput.Text("forty"),
            "age" to FieldInput.Text("7.5"),
            "credit" to FieldInput.Text("1000.01"),
            "credit" to FieldInput.Decimal(BigDecimal("1E+40")),
            "birthday" to FieldInput.Text("1990-02-30"),
            "birthday" to FieldInput.Date(LocalDate.of(10000, 3, 9)),
            "last_visit" to FieldInput.Text("28.02.2026 12:00"),
            "vip" to FieldInput.Text("maybe"),
            "tier" to FieldInput.Text("platinum"),
            "interests" to FieldInput.Choices(listOf("books", "knitting")),
            "nickname" to FieldInput.Text("x".repeat(256)),
        )
        for ((key, value) in rejected) {
            val e = assertThrows<ContactKitException.Validation>("$key = $value") { t.book.setField(id, key, value) }
            assertEquals("fields.$key", e.field)
        }
        assertTrue(t.book.get(id)!!.fields.isEmpty())
        // A field nobody defined is rejected the same way.
        assertEquals("fields.shoe_size", assertThrows<ContactKitException.Validation> { t.book.setField(id, "shoe_size", FieldInput.Integer(42)) }.field)
    }

    @Test
    fun fieldsInAContactInput() = clocked { t ->
        defineAll(t.book)
        val c = t.book.create(
            ContactInput(
                email = "in@example.com",
                fields = mapOf("age" to FieldInput.Integer(30), "tier" to FieldInput.Text("silver"), "crm_score" to FieldInput.Integer(7)),
            ),
        )
        assertEquals(FieldValue.Number(30), c.fields["age"])
        assertEquals(FieldValue.Choice("silver"), c.fields["tier"])
        // null clears one field and keeps the others.
        val cleared = t.book.update(c.id, ContactInput(fields = mapOf("age" to null)))
        assertEquals(setOf("tier", "crm_score"), cleared.fields.keys)
        // A person's manual edit may not change a readonly field.
        val e = assertThrows<ContactKitException.Validation> {
            t.book.update(c.id, ContactInput(fields = mapOf("crm_score" to FieldInput.Integer(8)), source = Source.MANUAL))
        }
        assertEquals("fields.crm_score", e.field)
        assertEquals(FieldValue.Number(8), t.book.update(c.id, ContactInput(fields = mapOf("crm_score" to FieldInput.Integer(8)))).fields["crm_score"])
    }

    @Test
    fun requiredFieldsAreCheckedOnCreate() = clocked { t ->
        t.book.defineField(FieldDefinition(key = "plan", fieldType = FieldType.TEXT, required = true))
        val e = assertThrows<ContactKitException.Validation> { t.book.create(ContactInput(email = "q@example.com")) }
        assertEquals("fields.plan", e.field)
        assertEquals(
            FieldValue.Text("basic"),
            t.book.create(ContactInput(email = "q@example.com", fields = mapOf("plan" to FieldInput.Text("basic")))).fields["plan"],
        )
    }
}
