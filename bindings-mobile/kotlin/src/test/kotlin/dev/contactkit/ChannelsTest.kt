package dev.contactkit

import dev.contactkit.Fixtures.clocked
import dev.contactkit.Fixtures.ENDPOINT
import dev.contactkit.Fixtures.START
import dev.contactkit.Fixtures.device
import dev.contactkit.Fixtures.webPush
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.time.Duration

/** Mobile push devices, installed apps, web push subscriptions and Telegram. */
class ChannelsTest {
    @Test
    fun mobilePushDevicesAndApplications() = clocked { t ->
        val c = t.book.create(ContactInput(email = "dev@example.com"))
        val withPixel = t.book.addMobilePush(c.id, device("tok-1").copy(model = "Pixel 8", osVersion = "15", locale = "uk-UA"))
        val pixel = withPixel.devices.single()
        assertEquals("tok-1", pixel.token)
        assertEquals(Platform.ANDROID, pixel.platform)
        assertEquals("Pixel 8", pixel.model)
        assertTrue(pixel.active)
        assertEquals(START, pixel.registeredAt)
        assertEquals(START, pixel.lastSeenAt)
        assertEquals(SendReason.OK, t.book.canSend(c.id, Channel.MOBILE_PUSH).reason)

        t.advance(Duration.ofDays(1))
        val twoDevices = t.book.addMobilePush(c.id, device("tok-2", device = "iphone", platform = null))
        assertEquals(listOf("pixel-8", "iphone"), twoDevices.devices.map { it.deviceId })
        assertEquals(Platform.OTHER, twoDevices.devices[1].platform)
        assertEquals(listOf(Application(appId = "news", deviceIds = listOf("pixel-8", "iphone"))), twoDevices.applications)

        // Registering the same device again refreshes it: no duplicate.
        t.advance(Duration.ofDays(1))
        val refreshed = t.book.addMobilePush(c.id, device("tok-1"))
        assertEquals(2, refreshed.devices.size)
        assertEquals(START, refreshed.devices[0].registeredAt)
        assertEquals(START.plus(Duration.ofDays(2)), refreshed.devices[0].lastSeenAt)

        val oneLeft = t.book.removeMobilePush(c.id, "tok-1")
        assertEquals(listOf("tok-2"), oneLeft.devices.map { it.token })
    }

    @Test
    fun aTokenMovesToTheContactThatRegistersIt() = clocked { t ->
        val a = t.book.create(ContactInput(email = "a@example.com"))
        val b = t.book.create(ContactInput(email = "b@example.com"))
        t.book.addMobilePush(a.id, device("shared"))
        t.book.addMobilePush(b.id, device("shared"))
        assertTrue(t.book.get(a.id)!!.devices.isEmpty())
        assertEquals("shared", t.book.get(b.id)!!.devices.single().token)
    }

    @Test
    fun registeringAgainWithoutPlatformOrActiveKeepsThem() = clocked { t ->
        val c = t.book.create(ContactInput(email = "keep@example.com"))
        t.book.addMobilePush(c.id, device("tok-1", platform = Platform.IOS).copy(active = false, model = "iPhone 15"))
        t.advance(Duration.ofDays(1))
        // A token refresh that knows only the ids and the new token.
        val refreshed = t.book.addMobilePush(c.id, device("tok-2", platform = null)).devices.single()
        assertEquals("tok-2", refreshed.token)
        assertEquals(Platform.IOS, refreshed.platform)
        assertFalse(refreshed.active)
        assertEquals(START.plus(Duration.ofDays(1)), refreshed.lastSeenAt)
        // registerApp without them keeps them too.
        val again = t.book.registerApp(c.id, DeviceInput(appId = "news", deviceId = "pixel-8")).devices.single()
        assertEquals(Platform.IOS, again.platform)
        assertFalse(again.active)
        // Given, they change.
        assertEquals(Platform.ANDROID, t.book.addMobilePush(c.id, device("tok-2")).devices.single().platform)
    }

    @Test
    fun findByPushTokenAndWebPushEndpoint() = clocked { t ->
        val a = t.book.create(ContactInput(email = "a@example.com", mobilePush = listOf(device("tok-a"))))
        val b = t.book.create(ContactInput(email = "b@example.com", webPush = listOf(webPush())))
        assertEquals(a.id, t.book.findByPushToken("tok-a")?.id)
        assertNull(t.book.findByPushToken("tok-unknown"))
        assertEquals(b.id, t.book.findByWebPushEndpoint(ENDPOINT)?.id)
        // Normalised as stored: scheme and host in any case.
        assertEquals(b.id, t.book.findByWebPushEndpoint(ENDPOINT.replace("https://updates.push", "HTTPS://Updates.Push"))?.id)
        assertNull(t.book.findByWebPushEndpoint("https://push.example.com/nobody"))
        // Text no subscription can have finds nobody, as for email and phone.
        for (bad in listOf("not a url", "http://updates.push.services.mozilla.com/wpush/v2/abc", "")) {
            assertNull(t.book.findByWebPushEndpoint(bad), bad)
        }
        // A token that moves is found on its new holder; a deleted holder is nobody.
        t.book.addMobilePush(b.id, device("tok-a"))
        assertEquals(b.id, t.book.findByPushToken("tok-a")?.id)
        t.book.delete(b.id)
        assertNull(t.book.findByPushToken("tok-a"))
        assertNull(t.book.findByWebPushEndpoint(ENDPOINT))
    }

    @Test
    fun addMobilePushNeedsAToken() = clocked { t ->
        val c = t.book.create(ContactInput(email = "t@example.com"))
        assertThrows<ContactKitException.Validation> { t.book.addMobilePush(c.id, device(null)) }
    }

    @Test
    fun registerAndRemoveApps() = clocked { t ->
        val c = t.book.create(ContactInput(firstName = "Installer"))
        val installed = t.book.registerApp(c.id, device(null, app = "shop", device = "tab").copy(active = false))
        val tab = installed.devices.single()
        assertNull(tab.token)
        assertFalse(tab.active)
        assertEquals(listOf("shop"), installed.applications.map { it.appId })
        assertEquals(SendReason.NO_ADDRESS, t.book.canSend(c.id, Channel.MOBILE_PUSH).reason)
        t.book.registerApp(c.id, device("tok-news", app = "news", device = "tab"))
        val removed = t.book.removeApp(c.id, "shop")
        assertEquals(listOf("news"), removed.applications.map { it.appId })
    }

    @Test
    fun webPushSubscriptions() = clocked { t ->
        val c = t.book.create(ContactInput(email = "web@example.com"))
        val subscribed = t.book.addWebPush(c.id, webPush().copy(userAgent = "Firefox", subscriptionPage = "https://shop.example/"))
        val sub = subscribed.webPush.single()
        assertEquals(ENDPOINT, sub.endpoint)
        assertEquals(Fixtures.P256DH, sub.p256dh)
        assertEquals(Fixtures.AUTH, sub.auth)
        assertEquals("Firefox", sub.userAgent)
        assertEquals(START, sub.createdAt)
        assertEquals(SendReason.OK, t.book.canSend(c.id, Channel.WEB_PUSH).reason)
        // Flat keys work too.
        val second = "https://fcm.googleapis.com/fcm/send/xyz"
        val two = t.book.addWebPush(c.id, WebPushInput(endpoint = second, p256dh = Fixtures.P256DH, auth = Fixtures.AUTH))
        assertEquals(listOf(ENDPOINT, second), two.webPush.map { it.endpoint })
        assertEquals(listOf(second), t.book.removeWebPush(c.id, ENDPOINT).webPush.map { it.endpoint })
        val bad = assertThrows<ContactKitException.Validation> {
            t.book.addWebPush(c.id, WebPushInput(endpoint = "http://insecure.example/", p256dh = Fixtures.P256DH, auth = Fixtures.AUTH))
        }
        assertTrue(bad.field.contains("endpoint"), bad.field)
    }

    @Test
    fun telegramBindsAndUnbinds() = clocked { t ->
        val c = t.book.create(ContactInput(email = "tg@example.com"))
        assertEquals(SendReason.NO_ADDRESS, t.book.canSend(c.id, Channel.TELEGRAM).reason)
        val bound = t.book.setTelegram(c.id, Telegram(botId = "bot-1", chatId = "42"))
        assertEquals(Telegram(botId = "bot-1", chatId = "42"), bound.telegram)
        assertEquals(SendReason.OK, t.book.canSend(c.id, Channel.TELEGRAM).reason)
        assertNull(t.book.setTelegram(c.id, null).telegram)
    }

    @Test
    fun channelsFromAContactInput() = clocked { t ->
        val c = t.book.create(
            ContactInput(
                email = "all@example.com",
                mobilePush = listOf(device("tok-in")),
                webPush = listOf(webPush()),
                telegram = Telegram(botId = "b", chatId = "c"),
                location = LocationInput(latitude = 50.45, longitude = 30.52, city = "Kyiv", source = LocationSource.GPS),
            ),
        )
        assertEquals(1, c.devices.size)
        assertEquals(1, c.webPush.size)
        assertEquals("c", c.telegram?.chatId)
        assertEquals(LocationSource.GPS, c.location?.source)
        assertEquals(START, c.location?.updatedAt)
        val cleared = t.book.update(
            c.id,
            ContactInput(clear = listOf(ContactAttribute.MOBILE_PUSH, ContactAttribute.WEB_PUSH, ContactAttribute.TELEGRAM, ContactAttribute.LOCATION)),
        )
        assertTrue(cleared.devices.isEmpty())
        assertTrue(cleared.webPush.isEmpty())
        assertNull(cleared.telegram)
        assertNull(cleared.location)
    }
}
