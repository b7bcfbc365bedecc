package dev.contactkit

import dev.contactkit.Fixtures.clocked
import dev.contactkit.Fixtures.NOBODY
import dev.contactkit.Fixtures.START
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.add
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.int
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.put
import kotlinx.serialization.json.putJsonArray
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.time.Duration
import java.time.Instant
import java.math.BigDecimal

/** Campaigns, events, orders and the timeline query. */
class ActivityTest {
    private fun daysAgo(days: Long): Instant = START.minus(Duration.ofDays(days))

    @Test
    fun campaignsMoveForwardOnly() = clocked { t ->
        val c = t.book.create(ContactInput(email = "camp@example.com"))
        val sent = t.book.recordCampaign(
            c.id,
            CampaignInput(messageId = "m-1", channel = CampaignChannel.EMAIL, status = CampaignStatus.SENT, messageName = "Spring sale"),
        )
        // The sealed class is the kind: a campaign is an Activity.Campaign, its message the detail.
        assertTrue(sent is Activity.Campaign)
        sent as Activity.Campaign
        assertEquals(ActivityColor.GREEN, sent.color)
        assertEquals("email", sent.icon)
        assertEquals(START, sent.at)
        assertEquals(c.id, sent.contactId)
        assertEquals("Spring sale", sent.detail.messageName)

        val read = t.book.recordCampaign(c.id, CampaignInput(messageId = "m-1", channel = CampaignChannel.EMAIL, status = CampaignStatus.READ)) as Activity.Campaign
        assertEquals(sent.id, read.id)
        assertEquals(CampaignStatus.READ, read.detail.status)
        val back = t.book.recordCampaign(c.id, CampaignInput(messageId = "m-1", channel = CampaignChannel.EMAIL, status = CampaignStatus.DELIVERED)) as Activity.Campaign
        assertEquals(CampaignStatus.READ, back.detail.status)
        assertEquals(1, t.book.activity(c.id).items.size)
    }

    @Test
    fun campaignOutcomesSuppressTheAddress() = clocked { t ->
        val c = t.book.create(ContactInput(email = "bounce@example.com", phone = "+380671234567"))
        val at = daysAgo(2)
        t.book.recordCampaign(
            c.id,
            CampaignInput(
                messageId = "m-b", channel = CampaignChannel.EMAIL, status = CampaignStatus.UNDELIVERED,
                statusDescription = "hard_bounce", at = at,
            ),
        )
        val bounced = t.book.get(c.id)!!
        assertEquals(ChannelStatus.BLACKLISTED, bounced.emailStatus)
        assertEquals(at, bounced.suppressions.single().at)
        t.book.recordCampaign(c.id, CampaignInput(messageId = "m-s", channel = CampaignChannel.SMS, status = CampaignStatus.SPAM))
        assertEquals(ChannelStatus.SPAM_COMPLAINT, t.book.get(c.id)!!.phoneStatus)
    }

    @Test
    fun aBounceSuppressesTheAddressTheMessageWentTo() = clocked { t ->
        val c = t.book.create(ContactInput(email = "x@example.com", phone = "+380671234567"))
        val email = CampaignInput(messageId = "m-1", channel = CampaignChannel.EMAIL, status = CampaignStatus.SENT)
        assertEquals("x@example.com", (t.book.recordCampaign(c.id, email) as Activity.Campaign).detail.sentTo)
        val sms = CampaignInput(messageId = "m-2", channel = CampaignChannel.SMS, status = CampaignStatus.SENT)
        assertEquals("+380671234567", (t.book.recordCampaign(c.id, sms) as Activity.Campaign).detail.sentTo)
        t.book.addMobilePush(c.id, Fixtures.device("tok"))
        val push = CampaignInput(messageId = "m-3", channel = CampaignChannel.MOBILE_PUSH, status = CampaignStatus.SENT)
        assertNull((t.book.recordCampaign(c.id, push) as Activity.Campaign).detail.sentTo)

        // The contact changes address before the bounce arrives: the old one is blacklisted.
        t.advance(Duration.ofHours(1))
        t.book.update(c.id, ContactInput(email = "y@example.com"))
        val bounce = t.book.recordCampaign(
            c.id,
            email.copy(status = CampaignStatus.UNDELIVERED, statusDescription = "hard_bounce"),
        )
        assertEquals("x@example.com", (bounce as Activity.Campaign).detail.sentTo)
        assertEquals(ChannelStatus.ACTIVE, t.book.get(c.id)!!.emailStatus)
        assertEquals(SuppressionKind.BLACKLISTED, t.book.suppressions(Channel.EMAIL, "x@example.com").single().kind)
        assertTrue(t.book.suppressions(Channel.EMAIL, "y@example.com").isEmpty())
    }

    @Test
    fun eventsCarryJsonParams() = clocked { t ->
        val c = t.book.create(ContactInput(email = "ev@example.com"))
        val event = t.book.recordEvent(
            c.id,
            EventInput(
                name = "added_to_cart", keyValue = "sku-42", params = buildJsonObject {
                    put("quantity", 2)
                    put("price", "19.99")
                    putJsonArray("tags") { add("a") }
                },
                workflows = listOf("cart-reminder"),
            ),
        )
        event as Activity.Event
        assertEquals(ActivityColor.BROWN, event.color)
        assertEquals("flag", event.icon)
        val params = event.detail.params
        assertEquals(2, params.getValue("quantity").jsonPrimitive.int)
        assertEquals("19.99", params.getValue("price").jsonPrimitive.content)
        assertEquals(listOf("a"), params.getValue("tags").jsonArray.map { it.jsonPrimitive.content })
        assertEquals(listOf("cart-reminder"), event.detail.workflows)
        assertEquals(JsonObject(emptyMap()), (t.book.recordEvent(c.id, EventInput(name = "login")) as Activity.Event).detail.params)
        for (bad in listOf("what?", "a,b", "e".repeat(101))) {
            assertEquals("name", assertThrows<ContactKitException.Validation> { t.book.recordEvent(c.id, EventInput(name = bad)) }.field)
        }
        assertThrows<ContactKitException.NotFound> { t.book.recordEvent(NOBODY, EventInput(name = "login")) }
    }

    @Test
    fun ordersUpdateByExternalIdAndCountDeliveredRevenue() = clocked { t ->
        val c = t.book.create(ContactInput(email = "buyer@example.com"))
        val placed = t.book.recordOrder(
            c.id,
            OrderInput(
                externalId = "o-1", amount = BigDecimal("250.00"), currency = "UAH",
                items = listOf(OrderItem(productId = "sku-42", quantity = BigDecimal("2"), price = BigDecimal("125.00"), name = "Mug")),
                shipping = BigDecimal("50"), deliveryAddress = Address(country = "UA", town = "Lviv"),
            ),
        )
        placed as Activity.Order
        assertEquals(ActivityColor.RED, placed.color)
        assertEquals("shopping_bag", placed.icon)
        val order = placed.detail
        assertEquals(OrderStatus.INITIALIZED, order.status)
        assertEquals(OrderSource.ONLINE, order.source)
        assertEquals(BigDecimal("250.00"), order.amount)
        assertEquals(BigDecimal("50"), order.shipping)
        assertEquals(OrderItem(productId = "sku-42", quantity = BigDecimal("2"), price = BigDecimal("125.00"), name = "Mug"), order.items.single())
        // The delivery address fills an empty contact address.
        assertEquals("Lviv", t.book.get(c.id)!!.address?.town)
        assertEquals(0, t.book.get(c.id)!!.orderStats.revenue.size)

        t.advance(Duration.ofDays(1))
        val delivered = t.book.recordOrder(c.id, OrderInput(externalId = "o-1", amount = BigDecimal("250.00"), currency = "UAH", status = OrderStatus.DELIVERED))
        assertEquals(placed.id, (delivered as Activity.Order).id)
        t.book.recordOrder(c.id, OrderInput(externalId = "o-2", amount = BigDecimal("99.50"), currency = "UAH", status = OrderStatus.CANCELLED))
        val stats = t.book.get(c.id)!!.orderStats
        assertEquals(2L, stats.orderCount)
        assertEquals(0, java.math.BigDecimal("250").compareTo(stats.revenue["UAH"]))
        assertEquals(START.plus(Duration.ofDays(1)), stats.lastOrderAt)

        assertEquals("amount", assertThrows<ContactKitException.Validation> {
            t.book.recordOrder(c.id, OrderInput(externalId = "o-3", amount = BigDecimal("1E+40"), currency = "UAH"))
        }.field)
        assertEquals("items[0].price", assertThrows<ContactKitException.Validation> {
            t.book.recordOrder(
                c.id,
                OrderInput(externalId = "o-3", amount = BigDecimal("1"), currency = "UAH", items = listOf(OrderItem(productId = "p", quantity = BigDecimal("1"), price = BigDecimal("1E+40")))),
            )
        }.field)
        assertEquals("currency", assertThrows<ContactKitException.Validation> {
            t.book.recordOrder(c.id, OrderInput(externalId = "o-3", amount = BigDecimal("10"), currency = "XYZ"))
        }.field)
    }

    @Test
    fun timelineQueries() = clocked { t ->
        val c = t.book.create(ContactInput(email = "tl@example.com"))
        t.book.recordEvent(c.id, EventInput(name = "old_event", at = daysAgo(400)))
        t.book.recordOrder(c.id, OrderInput(externalId = "o-old", amount = BigDecimal("100"), currency = "UAH", at = daysAgo(380)))
        t.book.recordCampaign(c.id, CampaignInput(messageId = "m-60", channel = CampaignChannel.SMS, status = CampaignStatus.SENT, at = daysAgo(60)))
        t.book.recordEvent(c.id, EventInput(name = "recent", at = daysAgo(3)))
        t.book.recordCampaign(c.id, CampaignInput(messageId = "m-1", channel = CampaignChannel.MOBILE_PUSH, status = CampaignStatus.SENT, at = daysAgo(1)))

        fun kinds(q: ActivityQuery) = t.book.activity(c.id, q).items.map {
            when (it) {
                is Activity.Campaign -> it.detail.messageId
                is Activity.Event -> it.detail.name
                is Activity.Order -> it.detail.externalId
            }
        }

        // Default: every kind over the last 30 days, newest first.
        assertEquals(listOf("m-1", "recent"), kinds(ActivityQuery()))
        assertEquals(listOf("m-1"), kinds(ActivityQuery(period = Period.DAYS7, category = ActivityCategory.CAMPAIGNS)))
        assertEquals(listOf("recent"), kinds(ActivityQuery(period = Period.DAYS7, category = ActivityCategory.EVENTS)))
        assertEquals(listOf("m-1", "recent", "m-60"), kinds(ActivityQuery(period = Period.DAYS90)))
        assertEquals(listOf("m-1", "recent", "m-60", "o-old", "old_event"), kinds(ActivityQuery(period = Period.ALL)))
        // The orders category is always the full history, whatever the period.
        assertEquals(listOf("o-old"), kinds(ActivityQuery(category = ActivityCategory.ORDERS, period = Period.DAYS7)))
        // An explicit range: since inclusive, until exclusive.
        assertEquals(listOf("m-60"), kinds(ActivityQuery(since = daysAgo(60), until = daysAgo(3))))
        assertEquals(listOf("m-60", "o-old", "old_event"), kinds(ActivityQuery(since = daysAgo(400), until = daysAgo(4))))

        // Paging with a cursor.
        val seen = mutableListOf<Activity>()
        var cursor: String? = null
        do {
            val page = t.book.activity(c.id, ActivityQuery(period = Period.ALL, limit = 2, cursor = cursor))
            assertTrue(page.items.size <= 2)
            seen += page.items
            cursor = page.nextCursor
        } while (cursor != null)
        assertEquals(t.book.activity(c.id, ActivityQuery(period = Period.ALL)).items, seen)
        assertEquals(5, seen.size)
        assertThrows<ContactKitException.NotFound> { t.book.activity(NOBODY) }
    }
}
