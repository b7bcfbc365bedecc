package dev.contactkit.sample

import dev.contactkit.DeviceInput
import dev.contactkit.Platform

/** The phone the sample's tests run on: one app install with its push token. */
val device = DeviceInput(
    appId = "com.example.shop",
    deviceId = "pixel-8",
    token = "fcm-token-1",
    platform = Platform.ANDROID,
)
