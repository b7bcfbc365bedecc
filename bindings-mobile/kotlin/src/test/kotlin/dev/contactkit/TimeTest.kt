package dev.contactkit

import dev.contactkit.Fixtures.clocked
import dev.contactkit.Fixtures.START
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.time.Duration
import java.time.Instant
import java.time.temporal.ChronoUnit

/** Instants cross as java.time.Instant, stamped by the book's clock. */
class TimeTest {
    @Test
    fun stampsComeFromTheManualClock() = clocked { t ->
        assertEquals(START, t.book.now())
        assertEquals(START, t.clock.now())
        val c = t.book.create(ContactInput(email = "time@example.com"))
        assertEquals(START, c.createdAt)
        t.advance(Duration.ofDays(2).plusMillis(250))
        val later = t.book.update(c.id, ContactInput(firstName = "Tim"))
        assertEquals(START, later.createdAt)
        assertEquals(Instant.parse("2026-03-03T10:00:00.250Z"), later.updatedAt)
        t.clock.set(Instant.parse("2030-01-01T00:00:00Z"))
        assertEquals(Instant.parse("2030-01-01T00:00:00Z"), t.book.unsubscribe(c.id, Channel.EMAIL).suppressions.single().at)
    }

    @Test
    fun theSystemClockStampsNowToTheMillisecond() {
        ContactBook.inMemory().use { book ->
            val before = Instant.now().truncatedTo(ChronoUnit.MILLIS)
            val c = book.create(ContactInput(email = "now@example.com"))
            val after = Instant.now()
            assertTrue(!c.createdAt.isBefore(before) && !c.createdAt.isAfter(after), "${c.createdAt} not in [$before, $after]")
            assertEquals(0, c.createdAt.nano % 1_000_000)
        }
    }

    @Test
    fun givenInstantsRoundTrip() = clocked { t ->
        val c = t.book.create(ContactInput(email = "rt@example.com"))
        val at = Instant.parse("2025-12-31T23:59:59.123Z")
        val campaign = t.book.recordCampaign(c.id, CampaignInput(messageId = "m", channel = CampaignChannel.EMAIL, status = CampaignStatus.SENT, at = at)) as Activity.Campaign
        assertEquals(at, campaign.at)
        val event = t.book.recordEvent(c.id, EventInput(name = "e", at = Instant.EPOCH)) as Activity.Event
        assertEquals(Instant.EPOCH, event.at)
        val page = t.book.activity(c.id, ActivityQuery(since = at, until = at.plusMillis(1)))
        assertEquals(listOf(campaign), page.items)
    }

    @Test
    fun aClockMovesBackAndForth() {
        ManualClock(START).use { clock ->
            clock.advance(Duration.ofSeconds(90))
            assertEquals(START.plusSeconds(90), clock.now())
            clock.set(START.minus(Duration.ofDays(365)))
            assertEquals(Instant.parse("2025-03-01T10:00:00Z"), clock.now())
        }
    }
}
