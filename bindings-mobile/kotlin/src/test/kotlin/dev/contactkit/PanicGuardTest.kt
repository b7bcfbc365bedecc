package dev.contactkit

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.fail
import java.lang.reflect.Modifier
import java.math.BigDecimal

/**
 * A Rust panic inside any method of ContactBook reaches Kotlin as
 * `ContactKitException.Internal` and the JVM goes on. The book comes from
 * `ContactBook.panickingForTest()`, a constructor that exists only in the library the
 * tests build (cargo feature `test-hooks`): over `contactkit::PanickingStore` and a
 * clock that panics, every method panics inside ContactKit.
 */
class PanicGuardTest {
    private val id = "01900000-0000-7000-8000-00000000000a"
    private val segment = "01900000-0000-7000-8000-00000000000b"
    private val contact = ContactInput(email = "ann@example.com")
    private val device = DeviceInput(appId = "com.example.shop", deviceId = "d1", token = "t1", platform = Platform.ANDROID)
    private val webPush = WebPushInput(
        endpoint = "https://push.example.com/s/1",
        p256dh = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
        auth = "tBHItJI5svbpez7KI4CCXg",
    )

    /** Valid arguments for every method of ContactBook, by name. */
    private val calls: Map<String, (ContactBook) -> Any?> = mapOf(
        "now" to { b -> b.now() },
        "create" to { b -> b.create(contact) },
        "upsert" to { b -> b.upsert(contact, DedupeOn.EMAIL) },
        "signUp" to { b -> b.signUp(contact) },
        "update" to { b -> b.update(id, ContactInput(firstName = "Ann")) },
        "get" to { b -> b.get(id) },
        "findByEmail" to { b -> b.findByEmail("ann@example.com") },
        "findByPhone" to { b -> b.findByPhone("+380501234567") },
        "findByKey" to { b -> b.findByKey("key-1") },
        "findByExternalId" to { b -> b.findByExternalId("crm-1") },
        "findByPushToken" to { b -> b.findByPushToken("t1") },
        "findByWebPushEndpoint" to { b -> b.findByWebPushEndpoint(webPush.endpoint) },
        "delete" to { b -> b.delete(id) },
        "restore" to { b -> b.restore(id) },
        "merge" to { b -> b.merge(id, "01900000-0000-7000-8000-00000000000c") },
        "exportContact" to { b -> b.exportContact(id) },
        "erase" to { b -> b.erase(id) },
        "exportCatalogLines" to { b -> b.exportCatalogLines() },
        "exportProfileLines" to { b -> b.exportProfileLines(ListQuery(limit = 10), false) },
        "restoreLine" to { b -> b.restoreLine("""{"segment": {"name": "VIP"}}""", DedupeOn.ID) },
        "list" to { b -> b.list() },
        "count" to { b -> b.count() },
        "listWhere" to { b -> b.listWhere("""{"all": []}""") },
        "countWhere" to { b -> b.countWhere("""{"all": []}""") },
        "importContacts" to { b -> b.importContacts(listOf(contact), DedupeOn.EMAIL, onInvalid = OnInvalid.DROP_FIELD) },
        "addMobilePush" to { b -> b.addMobilePush(id, device) },
        "removeMobilePush" to { b -> b.removeMobilePush(id, "t1") },
        "registerApp" to { b -> b.registerApp(id, device) },
        "removeApp" to { b -> b.removeApp(id, "com.example.shop") },
        "addWebPush" to { b -> b.addWebPush(id, webPush) },
        "removeWebPush" to { b -> b.removeWebPush(id, webPush.endpoint) },
        "setTelegram" to { b -> b.setTelegram(id, Telegram(botId = "bot", chatId = "chat")) },
        "blacklist" to { b -> b.blacklist(id, Channel.EMAIL) },
        "unblacklist" to { b -> b.unblacklist(id, Channel.EMAIL, "support ticket 12") },
        "unsubscribe" to { b -> b.unsubscribe(id, Channel.EMAIL) },
        "resubscribe" to { b -> b.resubscribe(id, Channel.EMAIL) },
        "reportSpam" to { b -> b.reportSpam(id, Channel.EMAIL) },
        "confirm" to { b -> b.confirm(id, Channel.EMAIL) },
        "suppressions" to { b -> b.suppressions(Channel.EMAIL, "ann@example.com") },
        "suppressAddress" to { b -> b.suppressAddress(Channel.EMAIL, "ann@example.com", SuppressionKind.UNSUBSCRIBED) },
        "importSuppressions" to { b ->
            b.importSuppressions(listOf(SuppressionInput(channel = Channel.EMAIL, address = "ann@example.com", kind = SuppressionKind.BLACKLISTED)))
        },
        "canSend" to { b -> b.canSend(id, Channel.EMAIL) },
        "canSendMany" to { b -> b.canSendMany(listOf(id), Channel.EMAIL) },
        "defineCategory" to { b -> b.defineCategory("Weekly news") },
        "ensureCategory" to { b -> b.ensureCategory("Weekly news") },
        "categories" to { b -> b.categories() },
        "updateCategory" to { b -> b.updateCategory("weekly-news", "Weekly digest") },
        "deleteCategory" to { b -> b.deleteCategory("weekly-news") },
        "addCategory" to { b -> b.addCategory(id, "weekly-news") },
        "removeCategory" to { b -> b.removeCategory(id, "weekly-news") },
        "createSegment" to { b -> b.createSegment("VIP") },
        "ensureSegment" to { b -> b.ensureSegment("VIP") },
        "createDynamicSegment" to { b -> b.createDynamicSegment("Everyone", """{"all": []}""") },
        "segments" to { b -> b.segments() },
        "updateSegment" to { b -> b.updateSegment(segment, "VIP+") },
        "deleteSegment" to { b -> b.deleteSegment(segment) },
        "addToSegment" to { b -> b.addToSegment(id, segment) },
        "removeFromSegment" to { b -> b.removeFromSegment(id, segment) },
        "segmentMembers" to { b -> b.segmentMembers(segment) },
        "defineField" to { b -> b.defineField(FieldDefinition(key = "tier", fieldType = FieldType.TEXT)) },
        "fieldDefinitions" to { b -> b.fieldDefinitions() },
        "updateField" to { b -> b.updateField("tier", FieldUpdate(title = "Tier")) },
        "deleteField" to { b -> b.deleteField("tier") },
        "setField" to { b -> b.setField(id, "tier", FieldInput.Text("gold")) },
        "clearField" to { b -> b.clearField(id, "tier") },
        "recordCampaign" to { b ->
            b.recordCampaign(id, CampaignInput(messageId = "m-1", channel = CampaignChannel.EMAIL, status = CampaignStatus.SENT))
        },
        "recordEvent" to { b -> b.recordEvent(id, EventInput(name = "opened_app")) },
        "recordOrder" to { b -> b.recordOrder(id, OrderInput(externalId = "o-1", amount = BigDecimal("10"), currency = "UAH")) },
        "activity" to { b -> b.activity(id) },
        "changes" to { b -> b.changes() },
    )

    /** The methods a generated interface declares. */
    private fun methodsOf(type: Class<*>): Set<String> = type.declaredMethods
        .filter { !it.isSynthetic && !Modifier.isStatic(it.modifiers) }
        // A method taking or returning an unsigned type would be mangled on the JVM (`f-s-VKNKU`).
        .map { it.name.substringBefore('-') }
        .toSet()

    /** Every operation of ContactBook; `asyncBook()` only wraps the handle. */
    private fun methods(): Set<String> = methodsOf(ContactBookInterface::class.java) - "asyncBook"

    @Test
    fun theTableCoversEveryMethod() {
        assertEquals(methods().sorted(), calls.keys.sorted(), "methods of ContactBook without valid arguments here, or entries for methods gone")
    }

    @Test
    fun everyMethodTurnsAPanicIntoInternalAndTheJvmLivesOn() {
        ContactBook.panickingForTest().use { book ->
            for (name in methods().sorted()) {
                val call = calls[name] ?: fail("$name: no valid arguments in the table")
                // Twice: a panic leaves nothing behind that breaks the next call.
                repeat(2) {
                    val e = assertThrows<ContactKitException.Internal>(name) { call(book) }
                    assertTrue(e.reason.contains("a deliberate panic inside ContactKit"), "$name: ${e.reason}")
                }
            }
        }
        // The process and the library go on: a real book works after all of them.
        ContactBook.inMemory().use { book ->
            book.create(ContactInput(email = "after@example.com"))
            assertEquals(1L, book.count())
        }
    }

    /**
     * AsyncContactBook has every operation of ContactBook and no other (`blockingBook()`
     * aside), and each runs the guarded blocking one: a panic in a suspend function is
     * `Internal` too, on whichever thread the coroutine resumes.
     */
    @Test
    fun theSuspendFormsAreTheSameOperationsGuardedTheSameWay() {
        assertEquals(methods().sorted(), (methodsOf(AsyncContactBookInterface::class.java) - "blockingBook").sorted())
        ContactBook.panickingForTest().asyncBook().use { book ->
            val calls: Map<String, suspend () -> Any?> = mapOf(
                "create" to { book.create(contact) },
                "count" to { book.count() },
                "importContacts" to { book.importContacts(listOf(contact), DedupeOn.EMAIL) },
                "canSend" to { book.canSend(id, Channel.EMAIL) },
                "activity" to { book.activity(id) },
                "now" to { book.now() },
                "changes" to { book.changes("0", 10) },
                "merge" to { book.merge(id, "01900000-0000-7000-8000-00000000000c") },
                "exportContact" to { book.exportContact(id) },
                "erase" to { book.erase(id) },
                "exportCatalogLines" to { book.exportCatalogLines() },
                "exportProfileLines" to { book.exportProfileLines() },
                "restoreLine" to { book.restoreLine("""{"segment": {"name": "VIP"}}""", DedupeOn.ID) },
            )
            for ((name, call) in calls) {
                repeat(2) {
                    val e = assertThrows<ContactKitException.Internal>(name) { runBlocking { call() } }
                    assertTrue(e.reason.contains("a deliberate panic inside ContactKit"), "$name: ${e.reason}")
                }
            }
        }
    }
}
