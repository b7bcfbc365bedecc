package dev.contactkit

import dev.contactkit.Fixtures.NOBODY
import dev.contactkit.Fixtures.START
import dev.contactkit.Fixtures.clocked
import dev.contactkit.Fixtures.device
import dev.contactkit.Fixtures.webPush
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.lang.reflect.InvocationTargetException
import java.math.BigDecimal
import java.nio.charset.CharacterCodingException
import java.nio.file.Path
import java.time.Duration
import java.time.Instant

/**
 * A profile's lifecycle past create and delete (DOMAIN.md "Profile lifecycle: merge,
 * export, erase"): `merge(intoId, fromId)`, `exportContact(id)` and `erase(id)`.
 */
class LifecycleTest {
    /** An id no contact has, other than [NOBODY]. */
    private val stranger = "01900000-0000-7000-8000-0000000000ff"

    @Test
    fun mergeFoldsFromIntoIntoAndFromsIdBecomesAnAlias() = clocked { t ->
        val book = t.book
        val news = book.defineCategory("Weekly news")
        val offers = book.defineCategory("Offers")
        val vip = book.createSegment("VIP")
        book.defineField(FieldDefinition(key = "tier", fieldType = FieldType.TEXT))
        val ann = book.create(ContactInput(email = "ann@example.com", firstName = "Ann", categories = listOf(news.key), fields = mapOf("tier" to FieldInput.Text("gold"))))
        t.advance(Duration.ofSeconds(1))
        val anon = book.create(
            ContactInput(
                email = "ann.lee@example.org", firstName = "Anna", lastName = "Lee", phone = "+380671234567",
                contactKey = "app-77", timezone = "Europe/Kyiv", categories = listOf(offers.key), segments = listOf(vip.id),
                fields = mapOf("tier" to FieldInput.Text("silver")), mobilePush = listOf(device("tok-1")), webPush = listOf(webPush()),
            ),
        )
        book.unsubscribe(anon.id, Channel.MOBILE_PUSH, "too many")
        book.recordOrder(anon.id, OrderInput(externalId = "o-1", amount = BigDecimal("20"), currency = "EUR", status = OrderStatus.DELIVERED, at = START.minusSeconds(3600)))
        book.recordEvent(ann.id, EventInput(name = "signed_in", at = START.minusSeconds(60)))
        val before = book.changes().nextCursor
        t.advance(Duration.ofSeconds(1))

        val merged = book.merge(ann.id, anon.id)
        // into keeps what it has, from fills the gaps.
        assertEquals(ann.id, merged.id)
        assertEquals("ann@example.com", merged.email)
        assertEquals("Ann", merged.firstName)
        assertEquals("Lee", merged.lastName)
        assertEquals("+380671234567", merged.phone)
        assertEquals("app-77", merged.contactKey)
        assertEquals("Europe/Kyiv", merged.timezone)
        assertEquals(FieldValue.Text("gold"), merged.fields["tier"])
        // Collections and the timeline move.
        assertEquals(listOf("offers", "weekly-news"), merged.categories.sorted())
        // Each category's segment, and the static segment from was in.
        assertEquals(setOf(news.segmentId, offers.segmentId, vip.id), merged.segments.toSet())
        assertEquals(listOf("tok-1"), merged.devices.map { it.token })
        assertEquals(listOf(Fixtures.ENDPOINT), merged.webPush.map { it.endpoint })
        assertEquals(1L, merged.orderStats.orderCount)
        assertEquals(0, BigDecimal("20").compareTo(merged.orderStats.revenue.getValue("EUR")))
        assertEquals(START, merged.createdAt)
        assertEquals(START.plusSeconds(2), merged.updatedAt)
        assertEquals(ChangePage(items = listOf(Change(seq = before.toLong() + 1, at = START.plusSeconds(2), op = ChangeOp.MERGED, contactId = ann.id, fromId = anon.id)), nextCursor = "${before.toLong() + 1}"), book.changes(before))

        // from's id is an alias every id-taking operation resolves to into.
        assertEquals(merged, book.get(anon.id))
        assertEquals(merged, book.get(anon.id.uppercase()))
        assertEquals(1L, book.count())
        assertNull(book.findByEmail("ann.lee@example.org"), "from's email, which into has its own of, is released")
        assertEquals(ann.id, book.findByKey("app-77")?.id)
        assertEquals(ann.id, book.findByPushToken("tok-1")?.id)
        assertEquals(SendReason.UNSUBSCRIBED, book.canSend(anon.id, Channel.MOBILE_PUSH).reason, "from's push unsubscribe joins into's")
        val timeline = book.activity(anon.id, ActivityQuery(period = Period.ALL)).items
        assertEquals(listOf("event", "order"), timeline.map { it.javaClass.simpleName.lowercase() })
        assertTrue(timeline.all { it.contactId() == ann.id })
        assertEquals(listOf(ann.id), book.segmentMembers(vip.id).items.map { it.id })
        val updated = book.update(anon.id, ContactInput(language = "uk"))
        assertEquals(ann.id to "uk", updated.id to updated.language)
        assertEquals(ann.id, book.recordEvent(anon.id, EventInput(name = "via_alias")).contactId())
        // The released email is free for a new contact.
        assertNotNull(book.create(ContactInput(email = "ann.lee@example.org")))
    }

    @Test
    fun mergeRefusesItselfAnAliasOfItselfADeletedContactAndAnUnknownId() = clocked { t ->
        val book = t.book
        val ann = book.create(ContactInput(email = "ann@example.com"))
        val bob = book.create(ContactInput(email = "bob@example.com"))
        val gone = book.create(ContactInput(email = "gone@example.com"))
        book.delete(gone.id)

        fun refused(field: String, into: String, from: String): ContactKitException.Validation {
            val cursor = book.changes().nextCursor
            val e = assertThrows<ContactKitException.Validation>("merge($into, $from)") { book.merge(into, from) }
            assertEquals(field, e.field, e.message)
            assertEquals(emptyList<Change>(), book.changes(cursor).items, "a refused merge writes nothing")
            return e
        }
        assertEquals(ann.id, refused("from_id", ann.id, ann.id).value)
        refused("from_id", ann.id, ann.id.uppercase())
        refused("from_id", ann.id, gone.id)
        refused("into_id", gone.id, ann.id)

        book.merge(ann.id, bob.id)
        // bob's id now names ann: merging it into ann is merging ann into herself.
        refused("from_id", ann.id, bob.id)
        refused("from_id", bob.id, ann.id)

        val unknownFrom = assertThrows<ContactKitException.NotFound> { book.merge(ann.id, NOBODY) }
        assertEquals("contact" to NOBODY, unknownFrom.what to unknownFrom.id)
        val unknownInto = assertThrows<ContactKitException.NotFound> { book.merge(stranger, ann.id) }
        assertEquals("contact" to stranger, unknownInto.what to unknownInto.id)
        assertEquals(listOf(ann.id), book.list().items.map { it.id })
    }

    @Test
    fun exportHoldsTheProfileTheWholeTimelineAndTheSuppressionsAtItsAddresses() = clocked { t ->
        val book = t.book
        val zoe = book.create(ContactInput(email = "Zoe.Quill@Example.com", phone = "+380671234567", firstName = "Zoë", mobilePush = listOf(device("tok-z"))))
        val other = book.create(ContactInput(email = "other@example.com"))
        book.unsubscribe(other.id, Channel.EMAIL)
        val params = buildJsonObject { put("page", "pricing") }
        book.recordEvent(zoe.id, EventInput(name = "viewed", params = params, at = Instant.parse("2026-02-01T10:00:00Z")))
        book.recordOrder(zoe.id, OrderInput(externalId = "o-9", amount = BigDecimal("12.50"), currency = "EUR", at = Instant.parse("2026-02-02T10:00:00Z")))
        book.recordCampaign(zoe.id, CampaignInput(messageId = "m-1", channel = CampaignChannel.EMAIL, status = CampaignStatus.SENT, at = Instant.parse("2026-01-01T10:00:00Z")))
        t.advance(Duration.ofSeconds(1))
        book.unsubscribe(zoe.id, Channel.EMAIL, "moved away")
        t.advance(Duration.ofSeconds(1))
        book.resubscribe(zoe.id, Channel.EMAIL, "came back")
        book.blacklist(zoe.id, Channel.SMS, "hard_bounce")
        book.unsubscribe(zoe.id, Channel.MOBILE_PUSH)

        val export: ContactExport = book.exportContact(zoe.id)
        // The profile exactly as `get` gives it.
        assertEquals(book.get(zoe.id), export.contact)
        assertEquals("zoe.quill@example.com", export.contact.email)
        // The whole timeline, newest first, as `activity` gives it.
        assertEquals(book.activity(zoe.id, ActivityQuery(period = Period.ALL, limit = 1000)).items, export.activity)
        assertEquals(listOf("o-9", "viewed", "m-1"), export.activity.map {
            when (it) {
                is Activity.Order -> it.detail.externalId
                is Activity.Event -> it.detail.name
                is Activity.Campaign -> it.detail.messageId
            }
        })
        assertEquals(params, (export.activity[1] as Activity.Event).detail.params)
        // The email's records (lifted ones too), then the phone's, then the id's; none of other's.
        assertEquals(
            listOf(
                Triple(Channel.EMAIL, "zoe.quill@example.com", SuppressionKind.UNSUBSCRIBED),
                Triple(Channel.SMS, "+380671234567", SuppressionKind.BLACKLISTED),
                Triple(Channel.MOBILE_PUSH, zoe.id, SuppressionKind.UNSUBSCRIBED),
            ),
            export.suppressions.map { Triple(it.channel, it.address, it.kind) },
        )
        val email = export.suppressions.first()
        assertEquals("moved away" to "came back", email.reason to email.liftNote)
        assertEquals(START.plusSeconds(1) to START.plusSeconds(2), email.at to email.liftedAt)
        assertEquals(book.suppressions(Channel.EMAIL, "zoe.quill@example.com"), listOf(email))

        // A contact with nothing recorded exports empty lists; a deleted one can be exported.
        val bare = book.create(ContactInput(email = "bare@example.com"))
        assertEquals(ContactExport(contact = bare, activity = emptyList(), suppressions = emptyList()), book.exportContact(bare.id))
        book.delete(zoe.id)
        assertNull(book.get(zoe.id))
        val deleted = book.exportContact(zoe.id)
        assertEquals(zoe.id to "Zoë", deleted.contact.id to deleted.contact.firstName)
        assertEquals(export.activity, deleted.activity)
        assertEquals(export.suppressions, deleted.suppressions)
        // A record: equal by value, changed by copy.
        assertEquals(export, export.copy())
        assertEquals(emptyList<Activity>(), export.copy(activity = emptyList()).activity)

        val e = assertThrows<ContactKitException.NotFound> { book.exportContact(NOBODY) }
        assertEquals("contact" to NOBODY, e.what to e.id)
    }

    @Test
    fun eraseForgetsTheContactAndKeepsItsAddressesBlocked() = clocked { t ->
        val book = t.book
        val vip = book.createSegment("VIP")
        val zoe = book.create(ContactInput(email = "zoe@example.com", phone = "+380671234567", firstName = "Zoë", segments = listOf(vip.id)))
        book.recordEvent(zoe.id, EventInput(name = "viewed"))
        book.unsubscribe(zoe.id, Channel.EMAIL, "moved away")
        book.blacklist(zoe.id, Channel.SMS, "hard_bounce")
        val before = book.changes().nextCursor

        book.erase(zoe.id)
        assertNull(book.get(zoe.id))
        assertNull(book.findByEmail("zoe@example.com"))
        assertNull(book.findByPhone("+380671234567"))
        assertEquals(0L, book.count())
        assertEquals(emptyList<Contact>(), book.segmentMembers(vip.id).items)
        val changes = book.changes(before).items
        assertEquals(listOf(Triple(ChangeOp.ERASED, zoe.id, null as String?)), changes.map { Triple(it.op, it.contactId, it.fromId) })

        // Gone for good: restore, export, erase and the operations that change a contact are NotFound.
        for ((name, call) in listOf<Pair<String, () -> Any?>>(
            "restore" to { book.restore(zoe.id) },
            "exportContact" to { book.exportContact(zoe.id) },
            "erase" to { book.erase(zoe.id) },
            "update" to { book.update(zoe.id, ContactInput(firstName = "Z")) },
            "activity" to { book.activity(zoe.id) },
        )) {
            val e = assertThrows<ContactKitException.NotFound>(name) { call() }
            assertEquals("contact" to zoe.id, e.what to e.id, name)
        }

        // The suppressions still answer by the address, and bind a contact taking it again.
        assertEquals(listOf(SuppressionKind.UNSUBSCRIBED to "moved away"), book.suppressions(Channel.EMAIL, "ZOE@example.com").map { it.kind to it.reason })
        assertEquals(listOf("+380671234567"), book.suppressions(Channel.SMS, "+380 67 123 4567").map { it.address })
        val back = book.create(ContactInput(email = "zoe@example.com", firstName = "Zoe"))
        assertEquals(ChannelStatus.UNSUBSCRIBED, back.emailStatus)
        assertEquals(SendReason.UNSUBSCRIBED, book.canSend("zoe@example.com", Channel.EMAIL).reason)
        assertEquals(emptyList<Activity>(), book.activity(back.id, ActivityQuery(period = Period.ALL)).items)

        // A deleted contact can be erased; an unknown one is NotFound.
        val gone = book.create(ContactInput(email = "gone@example.com"))
        book.delete(gone.id)
        book.erase(gone.id)
        assertThrows<ContactKitException.NotFound> { book.restore(gone.id) }
        val e = assertThrows<ContactKitException.NotFound> { book.erase(NOBODY) }
        assertEquals("contact" to NOBODY, e.what to e.id)
    }

    @Test
    fun erasingAMergedContactForgetsItsAliasToo() = clocked { t ->
        val book = t.book
        val ann = book.create(ContactInput(email = "ann@example.com"))
        val anon = book.create(ContactInput(contactKey = "app-1"))
        book.merge(ann.id, anon.id)
        book.erase(anon.id)
        assertNull(book.get(ann.id), "erasing by the alias erases into")
        assertNull(book.get(anon.id))
        assertThrows<ContactKitException.NotFound> { book.exportContact(anon.id) }
        assertThrows<ContactKitException.NotFound> { book.erase(ann.id) }
    }

    @Test
    fun aFileBookKeepsTheMergeAndTheErasureAcrossAReopen(@TempDir dir: Path) {
        val path = dir.resolve("lifecycle.db").toString()
        val (ann, anon, zoe) = ContactBook.open(path).use { book ->
            val ann = book.create(ContactInput(email = "ann@example.com"))
            val anon = book.create(ContactInput(contactKey = "app-1", firstName = "Ann"))
            val zoe = book.create(ContactInput(email = "zoe@example.com", firstName = "Zoë Quill"))
            book.unsubscribe(zoe.id, Channel.EMAIL)
            book.merge(ann.id, anon.id)
            book.erase(zoe.id)
            Triple(ann.id, anon.id, zoe.id)
        }
        ContactBook.open(path).use { book ->
            assertEquals(ann, book.get(anon)?.id)
            assertEquals("Ann", book.get(ann)?.firstName)
            assertNull(book.get(zoe))
            assertThrows<ContactKitException.NotFound> { book.restore(zoe) }
            assertEquals(SendReason.UNSUBSCRIBED, book.canSend(book.create(ContactInput(email = "zoe@example.com")).id, Channel.EMAIL).reason)
        }
        // Nothing in the file holds the erased name any more (secure_delete, WAL checkpointed).
        for (file in dir.toFile().listFiles()!!) {
            assertTrue(!String(file.readBytes(), Charsets.UTF_8).contains("Zoë Quill"), "${file.name} still holds the erased name")
        }
    }

    @Test
    fun theSuspendFormsMergeExportAndErase() = runBlocking {
        AsyncContactBook.inMemory().use { book ->
            val ann = book.create(ContactInput(email = "ann@example.com"))
            val anon = book.create(ContactInput(phone = "+380671234567"))
            val merged = book.merge(ann.id, anon.id)
            assertEquals("+380671234567", merged.phone)
            val export = book.exportContact(anon.id)
            assertEquals(merged, export.contact)
            assertEquals(export, book.blockingBook().exportContact(ann.id))
            book.erase(ann.id)
            assertNull(book.get(ann.id))
            val e = assertThrows<ContactKitException.NotFound> { runBlocking { book.restore(ann.id) } }
            assertEquals(ann.id, e.id)
            val bob = book.create(ContactInput(email = "bob@example.com"))
            val self = assertThrows<ContactKitException.Validation> { runBlocking { book.merge(bob.id, bob.id) } }
            assertEquals("from_id" to bob.id, self.field to self.value)
        }
    }

    /**
     * Hostile ids (DOMAIN.md "Limits on input"): junk text, a megabyte, SQL and control
     * characters are ids nobody has, so each operation is `NotFound` quoting the id (shortened
     * to 80 characters), nothing is written and the JVM goes on, on memory, on a SQLite file
     * and on PostgreSQL: an id holding U+0000 too, which the core does not send to a store
     * (PostgreSQL cannot hold it in text; core 4c0c396).
     */
    @Test
    fun junkIdsAreNotFoundOnEveryStore(@TempDir dir: Path) {
        val stores = listOf<Pair<String, () -> ContactBook>>(
            "memory" to { ContactBook.inMemory() },
            "SQLite" to { ContactBook.open(dir.resolve("hostile.db").toString()) },
            "PostgreSQL" to { ContactBook.connectWith(TestServer.url(), ServerOptions(schema = TestServer.freshSchema())) },
        )
        val junk = listOf(
            "not-an-id", "", "   ", "'; DROP TABLE contacts; --", "\u0000", "ann\u0000@example.com", "🙂‍↔️",
            "0190c5a4-2f3b-7000-8000-00000000000", "x".repeat(1_048_576),
        )
        for ((store, open) in stores) {
            open().use { book ->
                val ann = book.create(ContactInput(email = "ann@example.com", firstName = "Ann"))
                book.recordEvent(ann.id, EventInput(name = "seen"))
                val state = { Triple(book.list().items, book.exportContact(ann.id), book.changes().items) }
                val before = state()
                for (id in junk) {
                    val shown = "$store: ${id.take(40)} (${id.length} chars)"
                    for ((name, call) in listOf<Pair<String, () -> Any?>>(
                        "merge from" to { book.merge(ann.id, id) },
                        "merge into" to { book.merge(id, ann.id) },
                        "exportContact" to { book.exportContact(id) },
                        "erase" to { book.erase(id) },
                    )) {
                        val e = assertThrows<ContactKitException.NotFound>("$name, $shown") { call() }
                        assertEquals("contact", e.what, "$name, $shown")
                        // Quoted as given, shortened to 80 characters like a validation error's value.
                        val quoted = if (id.length > 80) id.take(80) + "…" else id
                        assertEquals(quoted, e.id, "$name, $shown")
                    }
                }
                assertEquals(before, state(), "$store: nothing was written")
            }
        }
    }

    /**
     * The hostile values ContactKit never sees. A lone UTF-16 surrogate is not Unicode:
     * uniffi's generated converter refuses to encode it before the call (as for every
     * String argument; see HostileInputTest). A wrong argument type does not compile; forced
     * through reflection it is refused by the JVM before the binding is entered. Either way
     * nothing is written and the book works on.
     */
    @Test
    fun aLoneSurrogateAndAWrongArgumentTypeNeverReachTheBook() = clocked { t ->
        val book = t.book
        val ann = book.create(ContactInput(email = "ann@example.com"))
        val before = book.exportContact(ann.id)
        for (surrogate in listOf("\ud800", "ann\udc00", ann.id + "\udbff")) {
            assertThrows<CharacterCodingException> { book.merge(ann.id, surrogate) }
            assertThrows<CharacterCodingException> { book.merge(surrogate, ann.id) }
            assertThrows<CharacterCodingException> { book.exportContact(surrogate) }
            assertThrows<CharacterCodingException> { book.erase(surrogate) }
        }
        val erase = ContactBook::class.java.getMethod("erase", String::class.java)
        assertThrows<IllegalArgumentException> { erase.invoke(book, 42) }
        val merge = ContactBook::class.java.getMethod("merge", String::class.java, String::class.java)
        assertThrows<IllegalArgumentException> { merge.invoke(book, ann.id, listOf(ann.id)) }
        // Through reflection the binding's own errors come wrapped, as any method's do.
        val wrapped = assertThrows<InvocationTargetException> { erase.invoke(book, NOBODY) }
        assertEquals(NOBODY, (wrapped.targetException as ContactKitException.NotFound).id)
        assertEquals(before, book.exportContact(ann.id))
        book.erase(ann.id)
        assertNull(book.get(ann.id))
    }

    private fun Activity.contactId(): String = when (this) {
        is Activity.Campaign -> contactId
        is Activity.Event -> contactId
        is Activity.Order -> contactId
    }
}
