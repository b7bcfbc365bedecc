package dev.contactkit

import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.time.Instant
import java.util.concurrent.Executors
import java.math.BigDecimal

// The quick start of docs/mobile.md and its section on push feedback, suppression lists and
// catalog edits, run as tests: the text between each pair of markers must appear in the
// guide exactly as it is here (checked below).

// quick start begin
fun quickStart(filesDir: File): Contact {
    // One book per app, opened once: a SQLite file in the app's private storage.
    val book = ContactBook.open(File(filesDir, "contacts.db").path)

    // Upsert the signed-in person: attributes left null keep their stored values.
    val me = book.upsert(
        ContactInput(email = "ann@example.com", firstName = "Ann", language = "uk"),
        DedupeOn.EMAIL,
    )

    // Register this device's push token (it moves here from any other profile).
    book.addMobilePush(
        me.id,
        DeviceInput(appId = "com.example.shop", deviceId = "pixel-8", token = "fcm-token-1", platform = Platform.ANDROID),
    )

    // Record what happened; instants are java.time.Instant, money java.math.BigDecimal.
    book.recordEvent(me.id, EventInput(name = "opened_app", params = buildJsonObject { put("screen", "home") }))
    book.recordOrder(me.id, OrderInput(externalId = "order-1", amount = BigDecimal("19.90"), currency = "EUR"))

    // Check consent before sending.
    val news = book.defineCategory("Weekly news")
    book.addCategory(me.id, news.key)
    check(book.canSend(me.id, Channel.MOBILE_PUSH, news.key).allowed)

    // Errors are typed and name the field at fault; nothing was written.
    try {
        book.update(me.id, ContactInput(email = "not-an-email"))
    } catch (e: ContactKitException.Validation) {
        check(e.field == "email")
    }

    // Clearing an attribute is explicit.
    return book.update(me.id, ContactInput(clear = listOf(ContactAttribute.LANGUAGE)))
}
// quick start end

// push feedback begin
fun pushFeedbackAndCatalog(book: ContactBook) {
    // Whose token or subscription is this? A provider's feedback names only the token.
    val ann = book.findByPushToken("fcm-token-1") ?: return
    check(book.findByWebPushEndpoint("https://fcm.googleapis.com/fcm/send/gone") == null)

    // A complaint with its reason; another sender's suppression list (email and sms only):
    // whoever takes one of its addresses later is suppressed.
    book.reportSpam(ann.id, Channel.EMAIL, reason = "abuse report")
    book.suppressAddress(Channel.EMAIL, "gone@example.com", SuppressionKind.UNSUBSCRIBED, reason = "list import")

    // canSend takes any identifier: the id (any case), email, phone, external id, contact key.
    // canSendMany answers up to 1000 recipients, in order, from one read of the book.
    check(book.canSend("ann@example.com", Channel.EMAIL).reason == SendReason.SPAM_COMPLAINT)
    val decisions = book.canSendMany(listOf(ann.id.uppercase(), "gone@example.com"), Channel.EMAIL)
    check(decisions.map { it.reason } == listOf(SendReason.SPAM_COMPLAINT, SendReason.UNKNOWN_CONTACT))

    // Renames keep keys and ids; deletes take memberships and values with them.
    val news = book.defineCategory("Weekly news")
    check(book.updateCategory(news.key, "Monthly news").key == "weekly-news")
    book.deleteCategory(news.key) // its segment and every subscription too
    val vip = book.updateSegment(book.createSegment("VIP").id, "V.I.P.")
    book.deleteSegment(vip.id)
    book.defineField(FieldDefinition(key = "tier", fieldType = FieldType.LIST, options = listOf("gold")))
    book.updateField("tier", FieldUpdate(title = "Loyalty tier", addOptions = listOf("platinum")))
    book.deleteField("tier") // every contact's value too
}
// push feedback end

// moving in begin
fun moveAnAudienceIn(book: ContactBook): ImportReport {
    // A setup script can run again: ensureCategory and ensureSegment find what it made before.
    val news = book.ensureCategory("Weekly news")
    book.ensureSegment("VIP")

    // An export's rows, consent history included; a segment is named by its id or its name.
    val rows = listOf(
        ContactInput(email = "ann@example.com", categories = listOf(news.key), segments = listOf("VIP")),
        ContactInput(
            email = "gone@example.com",
            emailStatus = ChannelStatus.UNSUBSCRIBED,
            emailStatusAt = Instant.parse("2024-02-20T04:42:48Z"),
            emailStatusReason = "too many emails",
        ),
        ContactInput(email = "cy@example.com", timezone = "Mars/Olympus"),
        ContactInput(email = "not an email"),
    )
    // DROP_FIELD writes a row without the values the book refuses (REJECT_ROW, the default,
    // writes nothing of such a row); a row whose dedupe key is refused is rejected either way.
    // Every problem of a row is listed, and there is one id per row, in order.
    val report = book.importContacts(rows, DedupeOn.EMAIL, onInvalid = OnInvalid.DROP_FIELD)
    check(report.dropped.single().problems.map { it.field } == listOf("timezone"))
    check(report.rejected.single().problems.single().field == "email")
    check(report.ids[3] == null && report.ids[2] == report.dropped.single().id)

    // History from another system keeps its date: `at`, never after the book's clock.
    book.blacklist(report.ids[0]!!, Channel.EMAIL, "hard_bounce", at = Instant.parse("2025-06-01T00:00:00Z"))
    val list = book.importSuppressions(
        listOf(
            SuppressionInput(Channel.EMAIL, "bounced@example.com", SuppressionKind.BLACKLISTED, "hard_bounce"),
            SuppressionInput(Channel.SMS, "call me", SuppressionKind.UNSUBSCRIBED),
        ),
    )
    check(list.recorded == 1L && list.rejected.single().field == "phone")

    // Finders answer null to text no contact can hold.
    check(book.findByEmail("not an email") == null)
    return report
}
// moving in end

class QuickStartTest {
    @Test
    fun quickStartRuns(@TempDir dir: File) {
        val me = quickStart(dir)
        assertEquals("ann@example.com", me.email)
        assertEquals(null, me.language)
        assertEquals(listOf("fcm-token-1"), me.devices.map { it.token })
        assertEquals(listOf("weekly-news"), me.categories)
        assertEquals(1L, me.orderStats.orderCount)
        ContactBook.open(File(dir, "contacts.db").path).use { book ->
            assertEquals(2, book.activity(me.id).items.size)
        }
    }

    @Test
    fun pushFeedbackAndCatalogEditsAsTheGuideShows() {
        val clock = ManualClock(Fixtures.START)
        val book = ContactBook.inMemoryWith(BookOptions(clock = clock))
        val ann = book.create(ContactInput(email = "ann@example.com", mobilePush = listOf(Fixtures.device("fcm-token-1"))))
        pushFeedbackAndCatalog(book)
        assertEquals(ChannelStatus.SPAM_COMPLAINT, book.get(ann.id)!!.emailStatus)
        assertEquals("list import", book.suppressions(Channel.EMAIL, "gone@example.com").single().reason)
        assertEquals(ChannelStatus.UNSUBSCRIBED, book.create(ContactInput(email = "gone@example.com")).emailStatus)
        assertEquals(emptyList<Category>(), book.categories())
        assertEquals(emptyList<Segment>(), book.segments())
        assertEquals(emptyList<FieldDefinition>(), book.fieldDefinitions())
        book.close()
        clock.close()
    }

    @Test
    fun movingAnAudienceInAsTheGuideShows() {
        val clock = ManualClock(Fixtures.START)
        val book = ContactBook.inMemoryWith(BookOptions(clock = clock))
        val report = moveAnAudienceIn(book)
        assertEquals(3L, report.created)
        val ann = book.findByEmail("ann@example.com")!!
        assertEquals(listOf("weekly-news"), ann.categories)
        assertEquals(Instant.parse("2025-06-01T00:00:00Z"), ann.suppressions.single().at)
        val gone = book.findByEmail("gone@example.com")!!
        assertEquals(ChannelStatus.UNSUBSCRIBED, gone.emailStatus)
        assertEquals("too many emails", gone.suppressions.single().reason)
        // The category's segment and VIP, named by name in the row.
        assertEquals(setOf(book.categories().single().segmentId, book.ensureSegment("VIP").id), ann.segments.toSet())
        assertEquals(SuppressionKind.BLACKLISTED, book.suppressions(Channel.EMAIL, "bounced@example.com").single().kind)
        book.close()
        clock.close()
    }

    @Test
    fun theGuideShowsTheseExamples() {
        val source = File("src/test/kotlin/dev/contactkit/QuickStartTest.kt").readText()
        val guide = File("../../docs/mobile.md").readText()
        for (example in listOf("quick start", "push feedback", "moving in")) {
            val code = source.substringAfter("// $example begin\n").substringBefore("// $example end")
            check(guide.contains("```kotlin\n$code```")) {
                "docs/mobile.md must show the Kotlin $example example exactly as QuickStartTest.kt runs it"
            }
        }
    }

    /** The guide's background-thread pattern: a large page and an import off the caller's thread. */
    @Test
    fun backgroundWorkPattern(@TempDir dir: File) {
        val io = Executors.newSingleThreadExecutor()
        try {
            val book = ContactBook.open(File(dir, "bg.db").path)
            val rows = (0 until 3000).map { ContactInput(email = "bg$it@example.com") }
            val report = io.submit<ImportReport> { book.importContacts(rows, DedupeOn.EMAIL) }.get()
            assertEquals(3000L, report.created)
            val page = io.submit<ContactPage> { book.list(ListQuery(limit = 1000)) }.get()
            assertEquals(1000, page.items.size)
            // A single lookup is quick enough for any thread.
            assertEquals("bg0@example.com", book.findByEmail("bg0@example.com")?.email)
            book.close()
        } finally {
            io.shutdown()
        }
    }
}
