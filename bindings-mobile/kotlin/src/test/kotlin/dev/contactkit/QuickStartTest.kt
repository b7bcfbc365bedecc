package dev.contactkit

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.util.concurrent.Executors

// The quick start of docs/mobile.md, run as a test: the text between the markers must
// appear in the guide exactly as it is here (checked below).

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

    // Record what happened; instants are java.time.Instant, decimals are strings.
    book.recordEvent(me.id, EventInput(name = "opened_app", paramsJson = """{"screen": "home"}"""))
    book.recordOrder(me.id, OrderInput(externalId = "order-1", amount = "19.90", currency = "EUR"))

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

class QuickStartTest {
    @Test
    fun quickStartRuns(@TempDir dir: File) {
        val me = quickStart(dir)
        assertEquals("ann@example.com", me.email)
        assertEquals(null, me.language)
        assertEquals(listOf("fcm-token-1"), me.devices.map { it.token })
        assertEquals(listOf("weekly-news"), me.categories)
        assertEquals(1uL, me.orderStats.orderCount)
        ContactBook.open(File(dir, "contacts.db").path).use { book ->
            assertEquals(2, book.activity(me.id).items.size)
        }
    }

    @Test
    fun theGuideShowsThisQuickStart() {
        val source = File("src/test/kotlin/dev/contactkit/QuickStartTest.kt").readText()
        val code = source.substringAfter("// quick start begin\n").substringBefore("// quick start end")
        val guide = File("../../docs/mobile.md").readText()
        check(guide.contains("```kotlin\n$code```")) {
            "docs/mobile.md must show the Kotlin quick start exactly as QuickStartTest.kt runs it"
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
            assertEquals(3000uL, report.created)
            val page = io.submit<ContactPage> { book.list(ListQuery(limit = 1000u)) }.get()
            assertEquals(1000, page.items.size)
            // A single lookup is quick enough for any thread.
            assertEquals("bg0@example.com", book.findByEmail("bg0@example.com")?.email)
            book.close()
        } finally {
            io.shutdown()
        }
    }
}
