// The Android library that packs ContactKit as an AAR (build-aar.sh runs it; see
// docs/mobile.md, "The Android AAR").
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "contactkit-android"
