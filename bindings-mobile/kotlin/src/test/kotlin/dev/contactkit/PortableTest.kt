package dev.contactkit

import dev.contactkit.Fixtures.START
import dev.contactkit.Fixtures.clocked
import dev.contactkit.Fixtures.device
import dev.contactkit.Fixtures.webPush
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.put
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.math.BigDecimal
import java.nio.file.Path
import java.time.Duration

/**
 * The portable form of a book (docs/lifecycle.md, "Export and restore whole books"):
 * `exportCatalogLines()`, `exportProfileLines(query, withActivity)` and
 * `restoreLine(line, dedupeOn)`. A line crosses as its JSON text with the core's keys
 * (snake_case), so a line exported is handed back unchanged.
 */
class PortableTest {
    /** An event with an empty name is refused: the part of the line that is broken. */
    private val emptyEventName = "activity[0].name"

    /** A book with a bit of everything a profile line carries. */
    private fun seed(t: Fixtures.Clocked): List<String> {
        val book = t.book
        book.defineField(FieldDefinition(key = "tier", fieldType = FieldType.LIST, options = listOf("gold", "silver")))
        book.defineField(FieldDefinition(key = "nickname", fieldType = FieldType.TEXT))
        val news = book.defineCategory("Weekly news")
        val vip = book.createSegment("VIP")
        book.createDynamicSegment("Ukrainians", """{"attr": "country", "op": "eq", "value": "UA"}""")
        val ann = book.create(
            ContactInput(
                email = "ann@example.com", phone = "+380501234567", firstName = "Ann", lastName = "Lee",
                contactKey = "app-1", externalId = "crm-1", timezone = "Europe/Kyiv", language = "uk",
                address = Address(country = "UA", town = "Kyiv"),
                categories = listOf(news.key), segments = listOf(vip.id),
                fields = mapOf("tier" to FieldInput.Text("gold"), "nickname" to FieldInput.Text("annie")),
                mobilePush = listOf(device("tok-1")), webPush = listOf(webPush()),
            ),
        )
        book.registerApp(ann.id, device(null, app = "shop", device = "pixel-9"))
        book.recordEvent(ann.id, EventInput(name = "viewed_item", keyValue = "sku-1", params = buildJsonObject { put("price", 10) }, at = START.minusSeconds(60)))
        book.recordOrder(ann.id, OrderInput(externalId = "o-1", amount = BigDecimal("20.50"), currency = "EUR", status = OrderStatus.DELIVERED, at = START.minusSeconds(3600)))
        book.recordCampaign(ann.id, CampaignInput(messageId = "m-1", channel = CampaignChannel.EMAIL, status = CampaignStatus.SENT, at = START.minusSeconds(30)))
        book.unsubscribe(ann.id, Channel.SMS, "too many texts")
        book.blacklist(ann.id, Channel.MOBILE_PUSH, "abuse")
        book.unblacklist(ann.id, Channel.MOBILE_PUSH, "support ticket 12")
        val bob = book.create(ContactInput(email = "bob@example.com", firstName = "Bob", categories = listOf(news.key)))
        book.recordEvent(bob.id, EventInput(name = "opened_app"))
        book.create(ContactInput(phone = "+380671234567", source = Source.MANUAL))
        val gone = book.create(ContactInput(email = "gone@example.com"))
        book.delete(gone.id)
        return lines(book)
    }

    /** The whole portable form of [book]: the catalogue, then the profiles a page of two at a time. */
    private fun lines(book: ContactBook, withActivity: Boolean = true): List<String> {
        val lines = book.exportCatalogLines().toMutableList()
        var cursor: String? = null
        do {
            val page = book.exportProfileLines(ListQuery(limit = 2, cursor = cursor), withActivity)
            lines += page.items
            cursor = page.nextCursor
        } while (cursor != null)
        return lines
    }

    private fun parse(line: String): JsonObject = Json.parseToJsonElement(line).jsonObject

    /** [items] (a JSON array of objects) without the keys [stamps]. */
    private fun without(items: JsonElement?, vararg stamps: String) =
        JsonArray(items!!.jsonArray.map { JsonObject(it.jsonObject - stamps.toSet()) })

    /**
     * The profile lines of [book] without the stamps a restoring book sets itself
     * (docs/lifecycle.md): `updated_at`, and when devices and web push subscriptions were
     * registered and last seen.
     */
    private fun profiles(book: ContactBook): List<JsonObject> =
        lines(book).map(::parse).filter { "id" in it }.map { line ->
            JsonObject(
                line - "updated_at" +
                    ("devices" to without(line["devices"], "registered_at", "last_seen_at")) +
                    ("web_push" to without(line["web_push"], "created_at")),
            )
        }

    /** [contact] without the stamps of [profiles], and without its segment ids (each book's own). */
    private fun unstamped(contact: Contact) = contact.copy(
        updatedAt = START,
        segments = emptyList(),
        devices = contact.devices.map { it.copy(registeredAt = START, lastSeenAt = START) },
        webPush = contact.webPush.map { it.copy(createdAt = START) },
    )

    /** Everything [book] holds that a restore could add to. */
    private fun everything(book: ContactBook): List<Any> {
        val contacts = book.list(ListQuery(limit = 1000)).items
        return listOf(
            contacts,
            book.categories(),
            book.segments(),
            book.fieldDefinitions(),
            contacts.map { book.activity(it.id, ActivityQuery(period = Period.ALL, limit = 1000)).items },
            contacts.flatMap { c -> listOfNotNull(c.email).map { book.suppressions(Channel.EMAIL, it) } },
            contacts.flatMap { c -> listOfNotNull(c.phone).map { book.suppressions(Channel.SMS, it) } },
            contacts.map { book.suppressions(Channel.MOBILE_PUSH, it.id) },
        )
    }

    @Test
    fun linesAreJsonTextWithTheCoresKeys() = clocked { t ->
        val lines = seed(t)
        val catalog = t.book.exportCatalogLines()
        assertEquals(lines.take(catalog.size), catalog)
        // Field definitions, categories, static then dynamic segments.
        assertEquals(
            listOf("field_definition", "field_definition", "category", "segment", "segment"),
            catalog.map { parse(it).keys.single() },
        )
        assertEquals("""{"attr":"country","op":"eq","value":"UA"}""", parse(catalog.last())["segment"]!!.jsonObject["rule"].toString())
        val profiles = lines.drop(catalog.size).map(::parse)
        // Three live contacts, in id order; the deleted one is not exported.
        assertEquals(3, profiles.size)
        assertEquals(t.book.list().items.map { it.id }, profiles.map { (it["id"] as JsonPrimitive).content })
        val ann = profiles.first()
        for (key in listOf("created_at", "updated_at", "email_status", "first_name", "order_stats", "suppressions", "activity")) {
            assertTrue(key in ann, "$key in $ann")
        }
        assertFalse(lines.any { "createdAt" in it || "firstName" in it || "contactId" in it }, "keys are the core's")
        // Static segments by name, the timeline newest first without the book's ids.
        assertEquals(JsonArray(listOf(JsonPrimitive("VIP"))), ann["segments"])
        val activity = ann["activity"]!!.jsonArray.map { it.jsonObject }
        assertEquals(listOf("campaign", "event", "order"), activity.map { (it["kind"] as JsonPrimitive).content })
        assertTrue(activity.none { "id" in it || "contact_id" in it })
        // Without the timeline.
        val bare = t.book.exportProfileLines(withActivity = false).items.map(::parse)
        assertEquals(3, bare.size)
        assertTrue(bare.none { "activity" in it })
        assertEquals(profiles.map { JsonObject(it - "activity") }, bare)
        // The default query is the first page of 100, with the timeline.
        assertEquals(PortableLinePage(items = lines.drop(catalog.size), nextCursor = null), t.book.exportProfileLines())
    }

    @Test
    fun aBookRestoresIntoAFreshBookWithEqualProfiles() = clocked { t ->
        val lines = seed(t)
        clocked { fresh ->
            val restored = lines.map { fresh.book.restoreLine(it, DedupeOn.ID) }
            val catalog = t.book.exportCatalogLines().size
            assertEquals(List(catalog) { Restored(kind = LineKind.CATALOG, contactId = null, created = false) }, restored.take(catalog))
            assertEquals(
                t.book.list().items.map { Restored(kind = LineKind.PROFILE, contactId = it.id, created = true) },
                restored.drop(catalog),
            )
            // The same catalogue (new segment ids), the same profiles line for line.
            assertEquals(t.book.fieldDefinitions(), fresh.book.fieldDefinitions())
            assertEquals(t.book.categories().map { it.key to it.title }, fresh.book.categories().map { it.key to it.title })
            assertEquals(
                t.book.segments().map { Triple(it.name, it.kind, it.rule) },
                fresh.book.segments().map { Triple(it.name, it.kind, it.rule) },
            )
            assertEquals(profiles(t.book), profiles(fresh.book))
            for (before in t.book.list().items) {
                val after = fresh.book.get(before.id)!!
                assertEquals(unstamped(before), unstamped(after))
                assertEquals(
                    t.book.activity(before.id, ActivityQuery(period = Period.ALL)).items.map { it.kind() },
                    fresh.book.activity(before.id, ActivityQuery(period = Period.ALL)).items.map { it.kind() },
                )
            }
            val ann = t.book.findByEmail("ann@example.com")!!
            assertEquals(t.book.suppressions(Channel.SMS, ann.phone!!), fresh.book.suppressions(Channel.SMS, ann.phone!!))
            assertEquals(t.book.suppressions(Channel.MOBILE_PUSH, ann.id), fresh.book.suppressions(Channel.MOBILE_PUSH, ann.id))
            assertEquals(SendReason.UNSUBSCRIBED, fresh.book.canSend(ann.id, Channel.SMS).reason)
            assertEquals(listOf("Ukrainians", "VIP", "Weekly news"), fresh.book.get(ann.id)!!.segments.map { id -> fresh.book.segments().single { it.id == id }.name }.sorted())
        }
    }

    @Test
    fun restoringAgainAddsNothing() = clocked { t ->
        val lines = seed(t)
        clocked { fresh ->
            lines.forEach { fresh.book.restoreLine(it, DedupeOn.ID) }
            val once = everything(fresh.book)
            val feed = fresh.book.changes().nextCursor
            fresh.advance(Duration.ofSeconds(5))
            val again = lines.map { fresh.book.restoreLine(it, DedupeOn.ID) }
            assertTrue(again.none { it.created }, "$again")
            assertEquals(once.drop(1), everything(fresh.book).drop(1), "no timeline item, suppression or catalogue entry added")
            assertEquals(
                (once.first() as List<*>).map { unstamped(it as Contact) },
                fresh.book.list(ListQuery(limit = 1000)).items.map(::unstamped),
            )
            assertEquals(profiles(t.book), profiles(fresh.book))
            // The original book takes its own lines back unchanged, too.
            val before = everything(t.book)
            lines.forEach { t.book.restoreLine(it, DedupeOn.ID) }
            assertEquals(before.drop(1), everything(t.book).drop(1))
            assertEquals(3L, t.book.count())
            // The feed: no contact created, no suppression or catalogue entry; campaigns and
            // orders are written again by their ids (same values), so the feed may say so.
            val ops = fresh.book.changes(feed).items.map { it.op }.toSet()
            assertTrue(setOf(ChangeOp.UPDATED, ChangeOp.ACTIVITY).containsAll(ops), "$ops")
        }
    }

    /** Whether the profile [line]'s newest activity item is an event. */
    private fun eventFirst(line: String): Boolean =
        parse(line)["activity"]?.jsonArray?.firstOrNull()?.jsonObject?.get("kind") == JsonPrimitive("event")

    /** [line] with its first activity item's event name replaced by [name]. */
    private fun withEventName(line: String, name: String): String {
        val profile = parse(line)
        val activity = profile["activity"]!!.jsonArray.toMutableList()
        activity[0] = JsonObject(activity[0].jsonObject + ("name" to JsonPrimitive(name)))
        return JsonObject(profile + ("activity" to JsonArray(activity))).toString()
    }

    @Test
    fun aBrokenLineIsAValidationErrorNamingItsPartAndWritesNothing() = clocked { t ->
        val bob = t.book.create(ContactInput(email = "bob@example.com", firstName = "Bob"))
        t.book.recordEvent(bob.id, EventInput(name = "opened_app"))
        val line = t.book.exportProfileLines().items.single()
        val broken = withEventName(line, "")
        clocked { fresh ->
            val e = assertThrows<ContactKitException.Validation> { fresh.book.restoreLine(broken, DedupeOn.ID) }
            assertEquals(emptyEventName, e.field, e.message)
            // Nothing of the line was written: not the contact its upsert came before.
            assertEquals(0L, fresh.book.count())
            assertNull(fresh.book.get(bob.id))
            assertEquals(emptyList<Change>(), fresh.book.changes().items)
            // The line as exported restores.
            assertTrue(fresh.book.restoreLine(line, DedupeOn.ID).created)
        }
        // On the book that holds the contact, the broken line changes nothing either.
        val before = everything(t.book)
        t.book.update(bob.id, ContactInput(firstName = "Robert"))
        val renamed = everything(t.book)
        val e = assertThrows<ContactKitException.Validation> { t.book.restoreLine(broken, DedupeOn.ID) }
        assertEquals(emptyEventName, e.field)
        assertEquals(renamed, everything(t.book))
        assertEquals("Robert", t.book.get(bob.id)!!.firstName)
        assertTrue(before != renamed)
        // A suppression's reason and a segment the book lacks are named too.
        val profile = parse(line)
        val suppression = buildJsonObject {
            put("channel", "email"); put("address", "bob@example.com"); put("kind", "unsubscribed")
            put("reason", 5); put("at", "2026-01-01T00:00:00Z"); put("lifted_at", null as String?); put("lift_note", null as String?)
        }
        val badReason = JsonObject(profile + ("suppressions" to JsonArray(listOf(suppression)))).toString()
        assertEquals("suppressions[0].reason", assertThrows<ContactKitException.Validation> { t.book.restoreLine(badReason, DedupeOn.ID) }.field)
        val badSegment = JsonObject(profile + ("segments" to JsonArray(listOf(JsonPrimitive("Nope"))))).toString()
        assertEquals("segments[0]", assertThrows<ContactKitException.Validation> { t.book.restoreLine(badSegment, DedupeOn.ID) }.field)
        assertEquals(renamed, everything(t.book))
    }

    /** [text] is refused by `restoreLine` as a validation error on [field], writing nothing. */
    private fun Fixtures.Clocked.refuses(field: String, text: String): ContactKitException.Validation {
        val before = everything(book)
        val e = assertThrows<ContactKitException.Validation> { book.restoreLine(text, DedupeOn.ID) }
        assertEquals(field, e.field, e.message)
        assertTrue(e.value.length <= 81, "the value is quoted shortened: ${e.value.length} chars")
        assertEquals(before, everything(book), "nothing was written")
        return e
    }

    @Test
    fun hostileTextIsAValidationErrorAndTheJvmGoesOn() = clocked { t ->
        t.book.create(ContactInput(email = "seed@example.com"))
        val id = "01900000-0000-7000-8000-00000000000a"
        val at = "2026-01-01T00:00:00Z"
        fun profile(rest: String) = """{"id": "$id", "created_at": "$at"$rest}"""
        val megabyte = "x".repeat(1 shl 20)

        // Not JSON, and JSON that is not a line's object.
        assertTrue(t.refuses("line", "{").reason.startsWith("not valid JSON"))
        t.refuses("line", "not json")
        t.refuses("line", "")
        for (notAnObject in listOf("[1]", "42", "null", "\"line\"", "[]")) {
            assertEquals("not a JSON object", t.refuses("line", notAnObject).reason, notAnObject)
        }
        t.refuses("line", "{}")
        t.refuses("line", """{"email": "ann@example.com"}""")
        // Nesting thousands deep: refused before it is parsed, inside a line too.
        for (depth in listOf(65, 10_000, 1_000_000)) {
            assertEquals("nested deeper than 64 levels", t.refuses("line", "[".repeat(depth)).reason)
            t.refuses("line", profile(""", "first_name": ${"[".repeat(depth)}${"]".repeat(depth)}"""))
        }
        // Within that bound, deep params are the core's to name.
        fun event(name: String, params: String = "{}") =
            """{"kind": "event", "name": "$name", "at": "$at", "params": $params, "workflows": []}"""
        val params = """{"a": ${"[".repeat(40)}${"]".repeat(40)}}"""
        val deep = t.refuses("activity[0].params", profile(""", "activity": [${event("n", params)}]"""))
        assertEquals("nested deeper than 32 levels", deep.reason)
        // A megabyte string: as the line, as a key, as a value.
        t.refuses("line", "\"$megabyte\"")
        t.refuses("line", """{"$megabyte": 1}""")
        t.refuses("activity[0].name", profile(""", "activity": [${event(megabyte)}]"""))
        t.refuses("segments[0]", profile(""", "segments": ["$megabyte"]"""))
        t.refuses("input", profile(""", "first_name": "$megabyte""""))
        t.refuses("title", """{"category": {"title": "$megabyte"}}""")
        // More than 32 MiB of text is refused before it is parsed.
        assertTrue(t.refuses("line", " ".repeat(32 * 1024 * 1024 + 1)).reason.startsWith("larger than"))
        // Wrong types, named where they are.
        t.refuses("category.title", """{"category": {"title": 5}}""")
        t.refuses("segment.name", """{"segment": {"name": ["a"]}}""")
        t.refuses("field_definition.type", """{"field_definition": {"key": "a", "type": "nope"}}""")
        t.refuses("id", """{"id": 5, "created_at": "$at"}""")
        t.refuses("created_at", """{"id": "$id", "created_at": 5}""")
        t.refuses("first_name", profile(""", "first_name": 5"""))
        t.refuses("activity", profile(""", "activity": "x""""))
        t.refuses("rule", """{"segment": {"name": "Bad", "rule": 5}}""")
        // The JVM and the book go on.
        assertEquals(1L, t.book.count())
        assertTrue(t.book.restoreLine("""{"segment": {"name": "After"}}""", DedupeOn.ID).kind == LineKind.CATALOG)
        assertEquals(listOf("After"), t.book.segments().map { it.name })
    }

    /** The example of docs/mobile.md, "Export and restore whole books", through a file. */
    @Test
    fun theDocsExampleMovesABookThroughAFile(@TempDir dir: Path) = clocked { t ->
        seed(t)
        val book = t.book
        val file = dir.resolve("book.jsonl").toFile()
        val lines = book.exportCatalogLines().toMutableList()
        var cursor: String? = null
        do {
            val page = book.exportProfileLines(ListQuery(limit = 500, cursor = cursor))
            lines += page.items
            cursor = page.nextCursor
        } while (cursor != null)
        file.writeText(lines.joinToString("\n", postfix = "\n"))

        clocked { f ->
            val fresh = f.book
            file.readLines().filter { it.isNotBlank() }.forEach { fresh.restoreLine(it, DedupeOn.ID) }
            assertEquals(profiles(book), profiles(fresh))
        }
    }

    @Test
    fun theSuspendFormsAreTheSameOperations() = clocked { t ->
        val lines = seed(t)
        runBlocking {
            t.book.asyncBook().use { suspending ->
                assertEquals(t.book.exportCatalogLines(), suspending.exportCatalogLines())
                assertEquals(t.book.exportProfileLines(), suspending.exportProfileLines())
                assertEquals(t.book.exportProfileLines(ListQuery(limit = 1), false), suspending.exportProfileLines(ListQuery(limit = 1), false))
            }
            AsyncContactBook.inMemory().use { fresh ->
                val restored = lines.map { fresh.restoreLine(it, DedupeOn.ID) }
                assertEquals(3, restored.count { it.created })
                assertEquals(emptyEventName, assertThrows<ContactKitException.Validation> { runBlocking { fresh.restoreLine(withEventName(lines.first { eventFirst(it) }, ""), DedupeOn.ID) } }.field)
                assertEquals(3L, fresh.count())
            }
        }
    }

    private fun Activity.kind(): String = when (this) {
        is Activity.Campaign -> "campaign:${detail.messageId}:${detail.status}"
        is Activity.Event -> "event:${detail.name}:${detail.keyValue}:${detail.params}"
        is Activity.Order -> "order:${detail.externalId}:${detail.amount}:${detail.status}"
    }
}
