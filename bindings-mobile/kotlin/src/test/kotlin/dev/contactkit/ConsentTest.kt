package dev.contactkit

import dev.contactkit.Fixtures.clocked
import dev.contactkit.Fixtures.NOBODY
import dev.contactkit.Fixtures.START
import dev.contactkit.Fixtures.device
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.time.Duration

/** Suppressions, statuses, canSend, categories and the enum name helpers. */
class ConsentTest {
    @Test
    fun statusPrecedenceAndHistory() = clocked { t ->
        val c = t.book.create(ContactInput(email = "sam@example.com"))
        assertEquals(ChannelStatus.UNSUBSCRIBED, t.book.unsubscribe(c.id, Channel.EMAIL, "too many emails").emailStatus)
        t.advance(Duration.ofDays(1))
        assertEquals(ChannelStatus.SPAM_COMPLAINT, t.book.reportSpam(c.id, Channel.EMAIL).emailStatus)
        t.advance(Duration.ofDays(1))
        assertEquals(ChannelStatus.BLACKLISTED, t.book.blacklist(c.id, Channel.EMAIL, "hard_bounce").emailStatus)
        assertEquals(SendDecision(false, SendReason.BLACKLISTED), t.book.canSend(c.id, Channel.EMAIL))

        t.advance(Duration.ofDays(1))
        val lifted = t.book.unblacklist(c.id, Channel.EMAIL, "fixed by support")
        assertEquals(ChannelStatus.SPAM_COMPLAINT, lifted.emailStatus)
        val records = t.book.suppressions(Channel.EMAIL, "sam@example.com")
        assertEquals(
            listOf(SuppressionKind.UNSUBSCRIBED, SuppressionKind.SPAM_COMPLAINT, SuppressionKind.BLACKLISTED),
            records.map { it.kind },
        )
        assertEquals(listOf(START, START.plus(Duration.ofDays(1)), START.plus(Duration.ofDays(2))), records.map { it.at })
        assertEquals("too many emails", records[0].reason)
        val blacklist = records[2]
        assertEquals(START.plus(Duration.ofDays(3)), blacklist.liftedAt)
        assertEquals("fixed by support", blacklist.liftNote)
        assertEquals("hard_bounce", blacklist.reason)
        assertEquals(records, lifted.suppressions)
    }

    @Test
    fun resubscribeLiftsAnUnsubscribe() = clocked { t ->
        val c = t.book.create(ContactInput(phone = "+380671234567"))
        t.book.unsubscribe(c.id, Channel.SMS)
        assertEquals(SendReason.UNSUBSCRIBED, t.book.canSend(c.id, Channel.SMS).reason)
        val back = t.book.resubscribe(c.id, Channel.SMS, "asked at the till")
        assertEquals(ChannelStatus.ACTIVE, back.phoneStatus)
        assertEquals(SendReason.OK, t.book.canSend(c.id, Channel.SMS).reason)
        val record = t.book.suppressions(Channel.SMS, "+380671234567").single()
        assertEquals("asked at the till", record.liftNote)
    }

    @Test
    fun theBlacklistStaysWithTheAddress() = clocked { t ->
        val a = t.book.create(ContactInput(email = "shared@example.com"))
        t.book.blacklist(a.id, Channel.EMAIL)
        t.book.update(a.id, ContactInput(clear = listOf(ContactAttribute.EMAIL)))
        val b = t.book.create(ContactInput(email = "shared@example.com"))
        assertEquals(ChannelStatus.BLACKLISTED, b.emailStatus)
    }

    @Test
    fun pushChannelsAreSuppressedPerContact() = clocked { t ->
        val c = t.book.create(ContactInput(mobilePush = listOf(device("tok"))))
        t.book.unsubscribe(c.id, Channel.MOBILE_PUSH)
        assertEquals(SendReason.UNSUBSCRIBED, t.book.canSend(c.id, Channel.MOBILE_PUSH).reason)
        assertEquals(c.id, t.book.suppressions(Channel.MOBILE_PUSH, c.id).single().address)
    }

    @Test
    fun canSendReasons() = clocked { t ->
        val c = t.book.create(ContactInput(email = "r@example.com"))
        assertEquals(SendDecision(true, SendReason.OK), t.book.canSend(c.id, Channel.EMAIL))
        assertEquals(SendReason.NO_ADDRESS, t.book.canSend(c.id, Channel.SMS).reason)
        assertEquals(SendReason.NO_ADDRESS, t.book.canSend(c.id, Channel.WEB_PUSH).reason)
        assertEquals(SendReason.UNKNOWN_CONTACT, t.book.canSend(NOBODY, Channel.EMAIL).reason)
        val e = assertThrows<ContactKitException.NotFound> { t.book.canSend(c.id, Channel.EMAIL, "no-such") }
        assertEquals("category", e.what)
        assertEquals("no-such", e.id)
        // Consent on an address the contact does not have is an error, not a silent no-op.
        assertThrows<ContactKitException> { t.book.blacklist(c.id, Channel.SMS) }
    }

    @Test
    fun categories() = clocked { t ->
        val news = t.book.defineCategory("Weekly news")
        assertEquals("weekly-news", news.key)
        assertEquals("Weekly news", news.title)
        val deals = t.book.defineCategory("Deals")
        assertEquals(listOf("deals", "weekly-news"), t.book.categories().map { it.key })
        val backing = t.book.segments().single { it.id == news.segmentId }
        assertEquals("weekly-news", backing.categoryKey)

        val c = t.book.create(ContactInput(email = "reader@example.com"))
        assertEquals(SendDecision(false, SendReason.NOT_IN_CATEGORY), t.book.canSend(c.id, Channel.EMAIL, news.key))
        val subscribed = t.book.addCategory(c.id, news.key)
        assertEquals(listOf("weekly-news"), subscribed.categories)
        assertEquals(listOf(news.segmentId), subscribed.segments)
        assertTrue(t.book.canSend(c.id, Channel.EMAIL, news.key).allowed)
        assertEquals(listOf(c.id), t.book.segmentMembers(news.segmentId).items.map { it.id })
        // A category's segment is not edited by hand.
        assertThrows<ContactKitException.Validation> { t.book.addToSegment(c.id, deals.segmentId) }
        assertTrue(t.book.removeCategory(c.id, news.key).categories.isEmpty())
        assertThrows<ContactKitException.NotFound> { t.book.addCategory(c.id, "no-such-category") }
        // Categories given in an input replace the set.
        val both = t.book.update(c.id, ContactInput(categories = listOf("deals", "weekly-news")))
        assertEquals(listOf("deals", "weekly-news"), both.categories)
        assertTrue(t.book.update(c.id, ContactInput(clear = listOf(ContactAttribute.CATEGORIES))).categories.isEmpty())
    }

    @Test
    fun aSpamComplaintKeepsItsReason() = clocked { t ->
        val c = t.book.create(ContactInput(email = "fbl@example.com", phone = "+380671234567"))
        assertEquals(ChannelStatus.SPAM_COMPLAINT, t.book.reportSpam(c.id, Channel.EMAIL, "abuse report").emailStatus)
        assertEquals("abuse report", t.book.suppressions(Channel.EMAIL, "fbl@example.com").single().reason)
        // The reason is optional.
        t.book.reportSpam(c.id, Channel.SMS)
        assertNull(t.book.suppressions(Channel.SMS, "+380671234567").single().reason)
        val tooLong = assertThrows<ContactKitException.Validation> { t.book.reportSpam(c.id, Channel.EMAIL, "x".repeat(100_000)) }
        assertEquals("reason", tooLong.field)
    }

    @Test
    fun suppressAddressReachesTheContactThatTakesItLater() = clocked { t ->
        val records = t.book.suppressAddress(Channel.EMAIL, " Later@Example.com ", SuppressionKind.UNSUBSCRIBED, "list import")
        val record = records.single()
        assertEquals("later@example.com", record.address)
        assertEquals(Channel.EMAIL, record.channel)
        assertEquals(SuppressionKind.UNSUBSCRIBED, record.kind)
        assertEquals("list import", record.reason)
        assertEquals(START, record.at)
        // The same kind again changes nothing; another kind adds a record.
        t.advance(Duration.ofDays(1))
        assertEquals(records, t.book.suppressAddress(Channel.EMAIL, "later@example.com", SuppressionKind.UNSUBSCRIBED, null))
        val both = t.book.suppressAddress(Channel.EMAIL, "later@example.com", SuppressionKind.BLACKLISTED, null)
        assertEquals(listOf(SuppressionKind.UNSUBSCRIBED, SuppressionKind.BLACKLISTED), both.map { it.kind })

        val later = t.book.create(ContactInput(email = "later@example.com"))
        assertEquals(ChannelStatus.BLACKLISTED, later.emailStatus)
        assertEquals(SendReason.BLACKLISTED, t.book.canSend(later.id, Channel.EMAIL).reason)

        // A phone is normalised to E.164 as a contact's is.
        val sms = t.book.suppressAddress(Channel.SMS, "+380 67 123 4567", SuppressionKind.SPAM_COMPLAINT, null)
        assertEquals("+380671234567", sms.single().address)
        // Only email and sms are suppressed by address; a bad address names its field.
        for (channel in listOf(Channel.MOBILE_PUSH, Channel.WEB_PUSH, Channel.TELEGRAM)) {
            val e = assertThrows<ContactKitException.Validation> { t.book.suppressAddress(channel, "x", SuppressionKind.BLACKLISTED, null) }
            assertEquals("channel", e.field)
        }
        val badEmail = assertThrows<ContactKitException.Validation> {
            t.book.suppressAddress(Channel.EMAIL, "not an email", SuppressionKind.BLACKLISTED, null)
        }
        assertEquals("email", badEmail.field)
        val badPhone = assertThrows<ContactKitException.Validation> {
            t.book.suppressAddress(Channel.SMS, "call me", SuppressionKind.BLACKLISTED, null)
        }
        assertEquals("phone", badPhone.field)
    }

    @Test
    fun canSendTakesAnyIdentifier() = clocked { t ->
        val c = t.book.create(
            ContactInput(email = "any@example.com", phone = "+380671234567", externalId = "crm-7", contactKey = "key-7"),
        )
        for (who in listOf(c.id, c.id.uppercase(), "ANY@example.com", "+380671234567", "crm-7", "key-7")) {
            assertEquals(SendDecision(true, SendReason.OK), t.book.canSend(who, Channel.EMAIL), who)
        }
        t.book.unsubscribe(c.id, Channel.SMS)
        assertEquals(SendReason.UNSUBSCRIBED, t.book.canSend("crm-7", Channel.SMS).reason)
        assertEquals(SendReason.UNKNOWN_CONTACT, t.book.canSend("nobody@example.com", Channel.EMAIL).reason)
    }

    @Test
    fun canSendManyAnswersEachRecipientInOrder() = clocked { t ->
        val news = t.book.defineCategory("News")
        val reader = t.book.create(ContactInput(email = "reader@example.com", categories = listOf(news.key)))
        val other = t.book.create(ContactInput(email = "other@example.com"))
        val phoneOnly = t.book.create(ContactInput(phone = "+380671234567"))
        t.book.blacklist(other.id, Channel.EMAIL)
        val ids = listOf(reader.id, "other@example.com", phoneOnly.id, NOBODY)
        assertEquals(
            listOf(SendReason.OK, SendReason.BLACKLISTED, SendReason.NO_ADDRESS, SendReason.UNKNOWN_CONTACT),
            t.book.canSendMany(ids, Channel.EMAIL).map { it.reason },
        )
        // Each answer is the one canSend gives.
        assertEquals(ids.map { t.book.canSend(it, Channel.EMAIL, news.key) }, t.book.canSendMany(ids, Channel.EMAIL, news.key))
        assertEquals(SendReason.NOT_IN_CATEGORY, t.book.canSendMany(listOf(phoneOnly.id), Channel.SMS, news.key).single().reason)
        assertTrue(t.book.canSendMany(emptyList(), Channel.EMAIL).isEmpty())
        assertThrows<ContactKitException.NotFound> { t.book.canSendMany(ids, Channel.EMAIL, "no-such") }
        // At most 1000 recipients a call.
        assertEquals(1000, t.book.canSendMany(List(1000) { reader.id }, Channel.EMAIL).size)
        assertThrows<ContactKitException.Validation> { t.book.canSendMany(List(1001) { reader.id }, Channel.EMAIL) }
    }

    @Test
    fun namesReadAndWrittenAsEveryBindingDoes() {
        assertEquals(Channel.MOBILE_PUSH, channelFromName("mobile_push"))
        assertEquals("web_push", channelName(Channel.WEB_PUSH))
        for (channel in Channel.values()) assertEquals(channel, channelFromName(channelName(channel)))
        val e = assertThrows<ContactKitException.Validation> { channelFromName("fax") }
        assertEquals("channel", e.field)
        assertEquals("fax", e.value)
        assertEquals(DedupeOn.EMAIL_OR_PHONE, dedupeOnFromName("email_or_phone"))
        assertEquals("dedupe_on", assertThrows<ContactKitException.Validation> { dedupeOnFromName("by_name") }.field)
        assertEquals(Period.DAYS7, periodFromName("7d"))
        assertEquals(Period.YEAR, periodFromName("1y"))
        assertEquals("period", assertThrows<ContactKitException.Validation> { periodFromName("2w") }.field)
    }

    @Test
    fun unblacklistNeedsANote() = clocked { t ->
        val c = t.book.create(ContactInput(email = "n@example.com"))
        t.book.blacklist(c.id, Channel.EMAIL, "manual")
        assertEquals("note", assertThrows<ContactKitException.Validation> { t.book.unblacklist(c.id, Channel.EMAIL, "") }.field)
        assertNull(t.book.suppressions(Channel.EMAIL, "n@example.com").single().liftedAt)
        assertFalse(t.book.canSend(c.id, Channel.EMAIL).allowed)
    }
}
