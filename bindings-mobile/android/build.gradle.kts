// dev.contactkit:contactkit-android: the generated Kotlin (src/main/java) and
// libcontactkit_mobile.so for each ABI (src/main/jniLibs), both written by build-aar.sh,
// with the consumer ProGuard rules an app's R8 applies. `gradle publishToMavenLocal`
// installs it under those coordinates.
plugins {
    id("com.android.library") version "8.13.0"
    id("org.jetbrains.kotlin.android") version "2.4.21"
    `maven-publish`
}

// The generated Kotlin uses java.time (Instant, Duration): native from API 26. Building with
// -Pcontactkit.minSdk=21 (down to 21) turns on core library desugaring instead, which the
// app must then enable too (docs/mobile.md, "minSdk and java.time").
val contactkitMinSdk = (findProperty("contactkit.minSdk") as String?)?.toInt() ?: 26
val desugar = contactkitMinSdk < 26

android {
    namespace = "dev.contactkit"
    compileSdk = 36

    defaultConfig {
        minSdk = contactkitMinSdk
        consumerProguardFiles("consumer-rules.pro")
    }

    compileOptions {
        isCoreLibraryDesugaringEnabled = desugar
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    publishing {
        singleVariant("release") {
            withSourcesJar()
        }
    }
}

kotlin {
    compilerOptions {
        jvmTarget.set(org.jetbrains.kotlin.gradle.dsl.JvmTarget.JVM_17)
    }
}

dependencies {
    // JNA as an Android archive: its own native dispatch library for every ABI.
    api("net.java.dev.jna:jna:5.19.1@aar")
    // AsyncContactBook's suspend functions.
    api("org.jetbrains.kotlinx:kotlinx-coroutines-core:1.10.2")
    // Event params (JsonObject).
    api("org.jetbrains.kotlinx:kotlinx-serialization-json:1.9.0")
    // The Android flavour of the generated code annotates its API-level checks.
    implementation("androidx.annotation:annotation:1.9.1")
    if (desugar) {
        coreLibraryDesugaring("com.android.tools:desugar_jdk_libs:2.1.5")
    }
}

publishing {
    publications {
        register<MavenPublication>("release") {
            groupId = "dev.contactkit"
            artifactId = "contactkit-android"
            version = "0.1.0"
            afterEvaluate {
                from(components["release"])
            }
        }
    }
}
