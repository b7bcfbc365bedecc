package dev.contactkit

import java.time.Duration
import java.time.Instant

/** Shared test setup: a book on a manual clock, and well-formed channel values. */
object Fixtures {
    val START: Instant = Instant.parse("2026-03-01T10:00:00Z")

    const val P256DH = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
    const val AUTH = "tBHItJI5svbpez7KI4CCXg"
    const val ENDPOINT = "https://updates.push.services.mozilla.com/wpush/v2/abc"

    /** An unknown contact id: a valid UUID nobody has. */
    const val NOBODY = "01900000-0000-7000-8000-000000000000"

    /** A fresh in-memory book whose clock starts at [START] and moves only when told. */
    class Clocked(region: String? = null) : AutoCloseable {
        val clock = ManualClock(START)
        val book = ContactBook.inMemoryWith(BookOptions(defaultRegion = region, clock = clock))

        fun advance(by: Duration) = clock.advance(by)

        override fun close() {
            book.close()
            clock.close()
        }
    }

    /**
     * Runs [body] on a fresh [Clocked] book and closes it. Returns Unit whatever the body's
     * last expression is: JUnit skips a test method that returns a value.
     */
    fun clocked(region: String? = null, body: (Clocked) -> Unit) {
        Clocked(region).use(body)
    }

    fun device(token: String?, app: String = "news", device: String = "pixel-8", platform: Platform? = Platform.ANDROID) =
        DeviceInput(appId = app, deviceId = device, token = token, platform = platform)

    fun webPush(endpoint: String = ENDPOINT) =
        WebPushInput(endpoint = endpoint, keys = WebPushKeys(p256dh = P256DH, auth = AUTH))
}
