package dev.contactkit

import dev.contactkit.Fixtures.START
import dev.contactkit.Fixtures.clocked
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.math.BigDecimal
import java.time.Duration
import java.time.Instant

/**
 * Moving a messy export in: every problem of a row, invalid values dropped on request,
 * each row's id, keyless rows made once, consent history with its dates (in rows, in the
 * consent operations and in suppression lists), finders that answer null to malformed
 * text, a catalogue a setup script can define again, and segments named by name.
 */
class PipelinesTest {
    private fun defineFields(book: ContactBook) {
        book.defineField(FieldDefinition(key = "age", fieldType = FieldType.NUMBER))
        book.defineField(FieldDefinition(key = "credit", fieldType = FieldType.DECIMAL))
    }

    private fun fieldsOf(problems: List<RowProblem>) = problems.map { it.field }

    @Test
    fun dropFieldKeepsTheRowWithoutItsInvalidValues() = clocked { t ->
        defineFields(t.book)
        val report = t.book.importContacts(
            listOf(
                ContactInput(
                    email = "ann@example.com",
                    firstName = "Ann",
                    timezone = "Mars/Olympus",
                    fields = mapOf(
                        "age" to FieldInput.Integer(30),
                        // Out of the decimal range: left out by the binding, named like the rest.
                        "credit" to FieldInput.Decimal(BigDecimal("1E+40")),
                    ),
                ),
                ContactInput(email = "not an email", firstName = "Bob"),
            ),
            DedupeOn.EMAIL,
            onInvalid = OnInvalid.DROP_FIELD,
        )
        assertEquals(1L, report.created)
        val dropped = report.dropped.single()
        assertEquals(0L, dropped.index)
        assertEquals(listOf("fields.credit", "timezone"), dropped.problems.mapNotNull { it.field }.sorted())
        val timezone = dropped.problems.single { it.field == "timezone" }
        assertEquals(ProblemCode.INVALID, timezone.code)
        assertEquals("Mars/Olympus", timezone.value)
        val ann = t.book.get(dropped.id)!!
        assertEquals("Ann", ann.firstName)
        assertNull(ann.timezone)
        assertEquals(FieldValue.Number(30), ann.fields["age"])
        assertNull(ann.fields["credit"])
        // The dedupe key itself cannot be dropped: that row is rejected.
        assertEquals(listOf(1L), report.rejected.map { it.index })
        assertEquals("email", report.rejected.single().field)
        assertEquals(listOf(ann.id, null), report.ids)
    }

    @Test
    fun rejectRowReportsEveryProblemAndWritesNothing() = clocked { t ->
        defineFields(t.book)
        val report = t.book.importContacts(
            listOf(
                ContactInput(
                    email = "ann@example.com",
                    timezone = "Mars/Olympus",
                    language = "english",
                    categories = listOf("no-such-category"),
                    fields = mapOf("age" to FieldInput.Text("old"), "undefined_key" to FieldInput.Integer(1)),
                ),
            ),
            DedupeOn.EMAIL,
        )
        assertEquals(0L, report.created)
        assertEquals(0L, report.updated)
        assertTrue(report.dropped.isEmpty())
        val row = report.rejected.single()
        val fields = fieldsOf(row.problems)
        for (expected in listOf("timezone", "language", "categories", "fields.age", "fields.undefined_key")) {
            assertTrue(expected in fields, "$expected in $fields")
        }
        assertEquals(row.problems.first().field, row.field)
        assertEquals(listOf<String?>(null), report.ids)
        assertNull(t.book.findByEmail("ann@example.com"))
        assertEquals(0L, t.book.count())
    }

    @Test
    fun aConflictOnAnotherIdentifierIsDroppedNotTheRow() = clocked { t ->
        t.book.create(ContactInput(email = "old@example.com", phone = "+380671234567"))
        val report = t.book.importContacts(
            listOf(ContactInput(email = "new@example.com", phone = "+380671234567")),
            DedupeOn.EMAIL,
            onInvalid = OnInvalid.DROP_FIELD,
        )
        assertEquals(1L, report.created)
        val problem = report.dropped.single().problems.single()
        assertEquals(ProblemCode.CONFLICT, problem.code)
        assertEquals("phone", problem.field)
        assertNull(t.book.findByEmail("new@example.com")!!.phone)
    }

    @Test
    fun idsAlignWithTheRows() = clocked { t ->
        val existing = t.book.create(ContactInput(email = "bob@example.com"))
        val report = t.book.importContacts(
            listOf(
                ContactInput(email = "ann@example.com"),
                ContactInput(email = "not an email"),
                ContactInput(email = "BOB@example.com", firstName = "Bob"),
                ContactInput(email = "ann@example.com", lastName = "Again"),
            ),
            DedupeOn.EMAIL,
        )
        val ann = t.book.findByEmail("ann@example.com")!!
        assertEquals(listOf(ann.id, null, existing.id, ann.id), report.ids)
        assertEquals(1L, report.created)
        assertEquals(2L, report.updated)
        assertEquals(0L, report.withoutKey)
    }

    @Test
    fun aRowWithoutItsKeyImportedTwiceMakesOneContact() = clocked { t ->
        val rows = listOf(ContactInput(firstName = "Walk-in", phone = "+380671234567"), ContactInput(email = "ann@example.com"))
        val first = t.book.importContacts(rows, DedupeOn.EMAIL)
        assertEquals(2L, first.created)
        assertEquals(1L, first.withoutKey)
        t.advance(Duration.ofDays(1))
        val second = t.book.importContacts(rows, DedupeOn.EMAIL)
        assertEquals(0L, second.created)
        assertEquals(2L, second.updated)
        assertEquals(1L, second.withoutKey)
        assertEquals(first.ids, second.ids)
        assertEquals(2L, t.book.count())
    }

    @Test
    fun consentOperationsTakeWhenItHappened() = clocked { t ->
        val c = t.book.create(ContactInput(email = "ann@example.com", phone = "+380671234567"))
        val earlier = START.minus(Duration.ofDays(400))
        val ann = t.book.unsubscribe(c.id, Channel.EMAIL, "moved", at = earlier)
        assertEquals(ChannelStatus.UNSUBSCRIBED, ann.emailStatus)
        assertEquals(earlier, ann.suppressions.single().at)
        // A record dated before an earlier one takes its place in time.
        val older = earlier.minus(Duration.ofDays(30))
        val dates = t.book.reportSpam(c.id, Channel.EMAIL, at = older).suppressions.map { it.at }
        assertEquals(listOf(older, earlier), dates)
        // Without `at`, the book's clock.
        assertEquals(START, t.book.blacklist(c.id, Channel.EMAIL).suppressions.last().at)

        // After the book's clock: a validation error on `at`, and nothing recorded.
        val future = START.plusSeconds(1)
        assertEquals("at", assertThrows<ContactKitException.Validation> { t.book.blacklist(c.id, Channel.SMS, at = future) }.field)
        assertEquals("at", assertThrows<ContactKitException.Validation> { t.book.unsubscribe(c.id, Channel.SMS, at = future) }.field)
        val e = assertThrows<ContactKitException.Validation> {
            t.book.suppressAddress(Channel.EMAIL, "x@example.com", SuppressionKind.BLACKLISTED, at = future)
        }
        assertEquals("at", e.field)
        assertEquals(ChannelStatus.ACTIVE, t.book.get(c.id)!!.phoneStatus)
        assertTrue(t.book.suppressions(Channel.EMAIL, "x@example.com").isEmpty())
        val listed = t.book.suppressAddress(Channel.EMAIL, "x@example.com", SuppressionKind.BLACKLISTED, "hard_bounce", earlier)
        assertEquals(earlier, listed.single().at)
    }

    @Test
    fun anAudienceExportMovesInWithItsConsentDates() = clocked { t ->
        val gone = Instant.parse("2024-02-20T04:42:48Z")
        val report = t.book.importContacts(
            listOf(
                ContactInput(email = "active@example.com", emailStatus = ChannelStatus.ACTIVE),
                ContactInput(
                    email = "gone@example.com",
                    emailStatus = ChannelStatus.UNSUBSCRIBED,
                    emailStatusAt = gone,
                    emailStatusReason = "too many emails",
                ),
                ContactInput(phone = "+380671234567", phoneStatus = ChannelStatus.BLACKLISTED, phoneStatusReason = "hard_bounce"),
                ContactInput(email = "late@example.com", emailStatus = ChannelStatus.UNSUBSCRIBED, emailStatusAt = START.plusSeconds(60)),
            ),
            DedupeOn.EMAIL_OR_PHONE,
        )
        assertEquals(3L, report.created)
        assertEquals(listOf(3L to "email_status_at"), report.rejected.map { it.index to it.field })
        assertEquals(ChannelStatus.ACTIVE, t.book.findByEmail("active@example.com")!!.emailStatus)
        val unsubscribed = t.book.findByEmail("gone@example.com")!!
        assertEquals(ChannelStatus.UNSUBSCRIBED, unsubscribed.emailStatus)
        assertEquals(gone, unsubscribed.suppressions.single().at)
        assertEquals("too many emails", unsubscribed.suppressions.single().reason)
        assertEquals(SendReason.UNSUBSCRIBED, t.book.canSend(unsubscribed.id, Channel.EMAIL).reason)
        val bounced = t.book.findByPhone("+380671234567")!!
        assertEquals(ChannelStatus.BLACKLISTED, bounced.phoneStatus)
        assertEquals(START, bounced.suppressions.single().at)
        // An ACTIVE row never lifts a suppression.
        t.book.importContacts(listOf(ContactInput(email = "gone@example.com", emailStatus = ChannelStatus.ACTIVE)), DedupeOn.EMAIL)
        assertEquals(ChannelStatus.UNSUBSCRIBED, t.book.findByEmail("gone@example.com")!!.emailStatus)
    }

    @Test
    fun aSuppressionListIsRecordedRowByRow() = clocked { t ->
        val holder = t.book.create(ContactInput(email = "held@example.com"))
        val at = Instant.parse("2024-01-02T03:04:05Z")
        val report = t.book.importSuppressions(
            listOf(
                SuppressionInput(Channel.EMAIL, "Held@Example.com", SuppressionKind.BLACKLISTED, "hard_bounce", at),
                SuppressionInput(channel = Channel.SMS, address = "+380671234567", kind = SuppressionKind.UNSUBSCRIBED),
                SuppressionInput(channel = Channel.EMAIL, address = "not an email", kind = SuppressionKind.UNSUBSCRIBED),
                SuppressionInput(channel = Channel.EMAIL, address = "held@example.com", kind = SuppressionKind.BLACKLISTED),
            ),
        )
        assertEquals(2L, report.recorded)
        assertEquals(1L, report.unchanged)
        val rejected = report.rejected.single()
        assertEquals(2L, rejected.index)
        assertEquals("email", rejected.field)
        assertEquals("email", rejected.problems.single().field)
        val held = t.book.get(holder.id)!!
        assertEquals(ChannelStatus.BLACKLISTED, held.emailStatus)
        assertEquals(at, held.suppressions.single().at)
        assertEquals("hard_bounce", held.suppressions.single().reason)
        assertEquals(START, t.book.suppressions(Channel.SMS, "+380671234567").single().at)
    }

    @Test
    fun findersAnswerNullToWhatNoContactCanHold() = clocked { t ->
        t.book.create(ContactInput(email = "ann@example.com"))
        for (text in listOf("not an email", "", "@", "x".repeat(100_000))) {
            assertNull(t.book.findByEmail(text), text.take(20))
            assertNull(t.book.findByPhone(text), text.take(20))
            assertNull(t.book.findByWebPushEndpoint(text), text.take(20))
        }
    }

    @Test
    fun aSetupScriptCanRunAgain() = clocked { t ->
        val news = t.book.ensureCategory("Weekly news")
        assertEquals(news, t.book.ensureCategory("Weekly news"))
        assertEquals(news, t.book.ensureCategory(" weekly NEWS "))
        assertEquals("key", assertThrows<ContactKitException.Conflict> { t.book.defineCategory("Weekly news") }.field)
        val vip = t.book.ensureSegment("VIP")
        assertEquals(vip, t.book.ensureSegment("vip"))
        assertEquals(2, t.book.segments().size, "the category's and VIP")
        assertEquals("name", assertThrows<ContactKitException.Validation> { t.book.ensureSegment("  ") }.field)
    }

    @Test
    fun segmentsAreNamedByIdOrName() = clocked { t ->
        val vip = t.book.createSegment("VIP customers")
        val ann = t.book.create(ContactInput(email = "ann@example.com"))
        assertEquals(listOf(vip.id), t.book.addToSegment(ann.id, "vip customers").segments)
        assertEquals(listOf(ann.id), t.book.segmentMembers("VIP customers").items.map { it.id })
        assertTrue(t.book.removeFromSegment(ann.id, vip.id.uppercase()).segments.isEmpty())
        val bob = t.book.create(ContactInput(email = "bob@example.com", segments = listOf("VIP customers")))
        assertEquals(listOf(vip.id), bob.segments)
        assertEquals("segment", assertThrows<ContactKitException.NotFound> { t.book.addToSegment(bob.id, "Nobody") }.what)
        assertEquals("VIP", t.book.updateSegment("VIP customers", name = "VIP").name)
        t.book.deleteSegment("VIP")
        assertTrue(t.book.segments().isEmpty())
    }

    @Test
    fun theSuspendFormsTakeTheSameArguments() = clocked { t ->
        runBlocking {
            t.book.asyncBook().use { book ->
                val report = book.importContacts(
                    listOf(ContactInput(email = "ann@example.com", timezone = "Mars/Olympus")),
                    DedupeOn.EMAIL,
                    onInvalid = OnInvalid.DROP_FIELD,
                )
                val id = report.ids.single()!!
                val earlier = START.minus(Duration.ofDays(1))
                assertEquals(earlier, book.unsubscribe(id, Channel.EMAIL, at = earlier).suppressions.single().at)
                val suppressions = book.importSuppressions(
                    listOf(SuppressionInput(channel = Channel.SMS, address = "+380671234567", kind = SuppressionKind.BLACKLISTED)),
                )
                assertEquals(1L, suppressions.recorded)
                assertEquals(book.ensureCategory("News"), book.ensureCategory("News"))
                assertEquals(book.ensureSegment("VIP").id, book.addToSegment(id, "VIP").segments.single())
                assertNull(book.findByEmail("not an email"))
            }
        }
    }
}
