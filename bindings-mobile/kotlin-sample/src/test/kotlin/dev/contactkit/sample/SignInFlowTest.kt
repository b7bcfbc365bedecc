package dev.contactkit.sample

import dev.contactkit.Activity
import dev.contactkit.ContactBook
import dev.contactkit.ContactInput
import dev.contactkit.DedupeOn
import dev.contactkit.EventInput
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test

// The sign-in flow of docs/mobile.md ("Signing in: the anonymous profile"), as the core
// behaves: an app install starts a profile from its push token alone; at sign-in, the
// upsert that carries the email AND the device lands on that profile, one by email alone
// makes a second one; `merge` joins an anonymous profile to the one the email already has.
class SignInFlowTest {
    private fun anonymousProfile(book: ContactBook) =
        book.upsert(ContactInput(mobilePush = listOf(device)), DedupeOn.EMAIL)

    @Test
    fun `signing in with the email and the device completes the anonymous profile`() {
        ContactBook.inMemory().use { book ->
            val anonymous = anonymousProfile(book)
            assertNull(anonymous.email)

            val signedIn = book.upsert(
                ContactInput(email = "ann@example.com", firstName = "Ann", mobilePush = listOf(device)),
                DedupeOn.EMAIL,
            )
            assertEquals(anonymous.id, signedIn.id)
            assertEquals("ann@example.com", signedIn.email)
            assertEquals(1L, book.count().toLong())
            assertEquals(signedIn.id, book.findByPushToken("fcm-token-1")?.id)
        }
    }

    @Test
    fun `signing in with the email alone makes a second profile`() {
        ContactBook.inMemory().use { book ->
            val anonymous = anonymousProfile(book)

            val signedIn = book.upsert(ContactInput(email = "ann@example.com"), DedupeOn.EMAIL)
            assertNotEquals(anonymous.id, signedIn.id)
            assertEquals(2L, book.count().toLong())
            // The token stays on the anonymous profile: pushes go to a profile without the email.
            assertEquals(anonymous.id, book.findByPushToken("fcm-token-1")?.id)
        }
    }

    @Test
    fun `another person signing in on the same device gets a profile of their own and the token`() {
        ContactBook.inMemory().use { book ->
            anonymousProfile(book)
            val ann = book.upsert(ContactInput(email = "ann@example.com", mobilePush = listOf(device)), DedupeOn.EMAIL)

            // Ann signs out; Bob signs in on the same phone, with the same token.
            val bob = book.upsert(ContactInput(email = "bob@example.com", mobilePush = listOf(device)), DedupeOn.EMAIL)
            assertNotEquals(ann.id, bob.id)
            assertEquals(bob.id, book.findByPushToken("fcm-token-1")?.id)
            assertEquals("ann@example.com", book.get(ann.id)?.email)
            assertEquals(2L, book.count().toLong())
        }
    }

    @Test
    fun `signing in with an email another profile has, then merging the anonymous profile into it`() {
        ContactBook.inMemory().use { book ->
            // Ann signed in on another phone before.
            val ann = book.create(ContactInput(email = "ann@example.com", firstName = "Ann"))
            val anonymous = anonymousProfile(book)
            book.recordEvent(anonymous.id, EventInput(name = "viewed_offer"))

            val signedIn = book.upsert(ContactInput(email = "ann@example.com", mobilePush = listOf(device)), DedupeOn.EMAIL)
            assertEquals(ann.id, signedIn.id)
            assertEquals(2L, book.count().toLong())

            val me = book.merge(signedIn.id, anonymous.id)
            assertEquals(ann.id, me.id)
            assertEquals(1L, book.count().toLong())
            assertEquals(ann.id, book.get(anonymous.id)?.id)
            // The event of before sign-in moved with it.
            val event = book.exportContact(me.id).activity.single() as Activity.Event
            assertEquals("viewed_offer" to ann.id, event.detail.name to event.contactId)
        }
    }
}
