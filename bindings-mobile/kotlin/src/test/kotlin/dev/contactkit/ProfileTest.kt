package dev.contactkit

import dev.contactkit.Fixtures.clocked
import dev.contactkit.Fixtures.NOBODY
import dev.contactkit.Fixtures.START
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.time.Duration
import java.util.Collections
import java.math.BigDecimal

/** Profile operations: create, upsert, sign-up, update, lookups, delete/restore, paging, import. */
class ProfileTest {
    @Test
    fun createNormalisesAndStamps() = clocked { t ->
        val ann = t.book.create(
            ContactInput(
                email = " Ann@Example.COM ",
                phone = "+380 67 123 45 67",
                firstName = "Ann",
                address = Address(country = "UA", town = "Kyiv"),
                timezone = "Europe/Kyiv",
                language = "uk",
            ),
        )
        assertEquals("ann@example.com", ann.email)
        assertEquals("+380671234567", ann.phone)
        assertEquals(ChannelStatus.ACTIVE, ann.emailStatus)
        assertEquals(ChannelStatus.ACTIVE, ann.phoneStatus)
        assertEquals("Ann", ann.firstName)
        assertEquals("Kyiv", ann.address?.town)
        assertEquals("Europe/Kyiv", ann.timezone)
        assertEquals(Source.API, ann.source)
        assertEquals(START, ann.createdAt)
        assertEquals(START, ann.updatedAt)
        assertEquals(36, ann.id.length)
        assertEquals(1L, t.book.count())
        assertEquals(ann, t.book.get(ann.id))
    }

    @Test
    fun nationalPhoneUsesTheDefaultRegion() = clocked(region = "UA") { t ->
        assertEquals("+380671234567", t.book.create(ContactInput(phone = "067 123 4567")).phone)
    }

    @Test
    fun upsertMergesKeepsClearsAndSets() = clocked { t ->
        val first = t.book.upsert(ContactInput(email = "sam@example.com", firstName = "Sam", lastName = "Lee"), DedupeOn.EMAIL)
        t.advance(Duration.ofHours(1))
        // Absent (null) keeps, a value sets.
        val second = t.book.upsert(ContactInput(email = "SAM@example.com", lastName = "Park"), DedupeOn.EMAIL)
        assertEquals(first.id, second.id)
        assertEquals("Sam", second.firstName)
        assertEquals("Park", second.lastName)
        assertEquals(START, second.createdAt)
        assertEquals(START.plus(Duration.ofHours(1)), second.updatedAt)
        // Listed in `clear`: removed.
        val third = t.book.upsert(
            ContactInput(email = "sam@example.com", clear = listOf(ContactAttribute.FIRST_NAME)),
            DedupeOn.EMAIL,
        )
        assertNull(third.firstName)
        assertEquals("Park", third.lastName)
        assertEquals(1L, t.book.count())
    }

    @Test
    fun upsertByEveryKey() = clocked { t ->
        val c = t.book.create(ContactInput(externalId = "crm-1", contactKey = "key-1", phone = "+380671234567"))
        assertEquals(c.id, t.book.upsert(ContactInput(externalId = "crm-1", firstName = "A"), DedupeOn.EXTERNAL_ID).id)
        assertEquals(c.id, t.book.upsert(ContactInput(contactKey = "key-1", lastName = "B"), DedupeOn.CONTACT_KEY).id)
        assertEquals(c.id, t.book.upsert(ContactInput(phone = "+380 67 123 45 67", email = "a@example.com"), DedupeOn.PHONE).id)
        assertEquals(c.id, t.book.upsert(ContactInput(email = "a@example.com", timezone = "UTC"), DedupeOn.EMAIL_OR_PHONE).id)
        assertEquals(c.id, t.book.upsert(ContactInput(id = c.id, language = "en"), DedupeOn.ID).id)
        val merged = t.book.get(c.id)!!
        assertEquals("A", merged.firstName)
        assertEquals("B", merged.lastName)
        assertEquals("a@example.com", merged.email)
        assertEquals("en", merged.language)
        assertEquals(1L, t.book.count())
    }

    @Test
    fun settingAndClearingTheSameAttributeIsRejected() = clocked { t ->
        val e = assertThrows<ContactKitException.Validation> {
            t.book.create(ContactInput(email = "x@example.com", clear = listOf(ContactAttribute.EMAIL)))
        }
        assertEquals("email", e.field)
        assertEquals(0L, t.book.count())
    }

    @Test
    fun signUpWaitsForConfirmation() = clocked { t ->
        val c = t.book.signUp(ContactInput(email = "new@example.com"))
        assertEquals(ChannelStatus.UNCONFIRMED, c.emailStatus)
        assertEquals(Source.SUBSCRIPTION_FORM, c.source)
        assertEquals(SendReason.UNCONFIRMED, t.book.canSend(c.id, Channel.EMAIL).reason)
        assertEquals(ChannelStatus.ACTIVE, t.book.confirm(c.id, Channel.EMAIL).emailStatus)
        assertEquals(SendDecision(allowed = true, reason = SendReason.OK), t.book.canSend(c.id, Channel.EMAIL))
    }

    @Test
    fun updateAndEveryLookup() = clocked { t ->
        val c = t.book.create(ContactInput(email = "look@example.com"))
        val updated = t.book.update(
            c.id,
            ContactInput(phone = "+380501112233", externalId = "ext-9", contactKey = "k-9", firstName = "Olena"),
        )
        assertEquals("Olena", updated.firstName)
        assertEquals(c.id, t.book.findByEmail("LOOK@example.com")?.id)
        assertEquals(c.id, t.book.findByPhone("+380 50 111 22 33")?.id)
        assertEquals(c.id, t.book.findByKey("k-9")?.id)
        assertEquals(c.id, t.book.findByExternalId("ext-9")?.id)
        assertNull(t.book.findByEmail("nobody@example.com"))
        assertNull(t.book.findByPhone("+380509999999"))
        assertNull(t.book.findByKey("nope"))
        assertNull(t.book.findByExternalId("nope"))
        assertNull(t.book.get(NOBODY))
        val cleared = t.book.update(c.id, ContactInput(clear = listOf(ContactAttribute.PHONE, ContactAttribute.CONTACT_KEY)))
        assertNull(cleared.phone)
        assertNull(cleared.contactKey)
        assertEquals("ext-9", cleared.externalId)
    }

    @Test
    fun deleteHidesAndRestoreBrings() = clocked { t ->
        val c = t.book.create(ContactInput(email = "gone@example.com"))
        t.book.delete(c.id)
        assertNull(t.book.get(c.id))
        assertNull(t.book.findByEmail("gone@example.com"))
        assertEquals(0L, t.book.count())
        assertTrue(t.book.list().items.isEmpty())
        // Its email stays reserved while deleted.
        val e = assertThrows<ContactKitException.Conflict> { t.book.create(ContactInput(email = "gone@example.com")) }
        assertEquals("email", e.field)
        assertEquals(c.id, t.book.restore(c.id).id)
        assertEquals(1L, t.book.count())
        assertThrows<ContactKitException.NotFound> { t.book.restore(NOBODY) }
    }

    @Test
    fun listPagesInCreationOrder() = clocked { t ->
        val ids = (1..5).map { i ->
            t.advance(Duration.ofSeconds(1))
            t.book.create(ContactInput(email = "p$i@example.com")).id
        }
        val seen = mutableListOf<String>()
        var cursor: String? = null
        var pages = 0
        do {
            val page = t.book.list(ListQuery(limit = 2, cursor = cursor))
            seen += page.items.map { it.id }
            cursor = page.nextCursor
            pages++
        } while (cursor != null)
        assertEquals(ids, seen)
        assertEquals(3, pages)
        assertEquals(ids, t.book.list().items.map { it.id })
    }

    @Test
    fun importReportsCreatedUpdatedAndRejectedRows() = clocked { t ->
        val progress = Collections.synchronizedList(mutableListOf<Long>())
        val report = t.book.importContacts(
            listOf(
                ContactInput(email = "i1@example.com", firstName = "One"),
                ContactInput(email = "not-an-email"),
                ContactInput(email = "i2@example.com"),
                ContactInput(email = "i1@example.com", lastName = "Again"),
            ),
            DedupeOn.EMAIL,
            object : ImportProgress {
                override fun onProgress(done: Long) {
                    progress += done
                }
            },
        )
        assertEquals(2L, report.created)
        assertEquals(1L, report.updated)
        assertEquals(1, report.rejected.size)
        assertEquals(1L, report.rejected[0].index)
        assertEquals("email", report.rejected[0].field)
        assertTrue(report.rejected[0].reason.contains("not-an-email"))
        assertEquals(listOf(4L), progress)
        val one = t.book.findByEmail("i1@example.com")!!
        assertEquals("One", one.firstName)
        assertEquals("Again", one.lastName)
        assertEquals(Source.IMPORT, one.source)
    }

    @Test
    fun importReportsProgressPerBatch() = clocked { t ->
        val progress = mutableListOf<Long>()
        val rows = (0 until 10_000).map { ContactInput(email = "bulk$it@example.com") }
        val report = t.book.importContacts(rows, DedupeOn.EMAIL, object : ImportProgress {
            override fun onProgress(done: Long) {
                progress += done
            }
        })
        assertEquals(10_000L, report.created)
        assertEquals(listOf(4000L, 8000L, 10_000L), progress)
        assertEquals(10_000L, t.book.count())
        // Without a progress callback too: the same rows again update.
        assertEquals(10L, t.book.importContacts(rows.take(10), DedupeOn.EMAIL).updated)
    }

    @Test
    fun aRowThatDoesNotConvertIsRejectedNotThrown() = clocked { t ->
        val report = t.book.importContacts(
            listOf(
                ContactInput(email = "ok@example.com"),
                ContactInput(email = "both@example.com", clear = listOf(ContactAttribute.EMAIL)),
                ContactInput(email = "f@example.com", fields = mapOf("age" to FieldInput.Decimal(BigDecimal("1E+40")))),
            ),
            DedupeOn.EMAIL,
        )
        assertEquals(1L, report.created)
        assertEquals(listOf(1L, 2L), report.rejected.map { it.index })
        assertEquals(listOf("email", "fields.age"), report.rejected.map { it.field })
    }

    @Test
    fun idsAreUniqueAndTimeOrdered() = clocked { t ->
        val a = t.book.create(ContactInput(firstName = "A"))
        t.advance(Duration.ofMillis(5))
        val b = t.book.create(ContactInput(firstName = "B"))
        assertNotEquals(a.id, b.id)
        assertTrue(a.id < b.id)
    }
}
