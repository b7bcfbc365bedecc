package dev.contactkit.sample

import dev.contactkit.ContactBook
import dev.contactkit.ContactInput
import dev.contactkit.DedupeOn
import kotlinx.coroutines.runBlocking
import java.io.File
import java.lang.management.ManagementFactory
import java.nio.file.Files

// Prints how long a fresh JVM takes to its first ContactKit call and its first query, for
// docs/mobile.md ("Size and start-up time"). Run by hand, never by the tests (a time is not
// something to assert): mvn -q compile exec:exec@timings
fun main() {
    val jvmStart = ManagementFactory.getRuntimeMXBean().startTime
    val mainStart = System.currentTimeMillis()

    // The first touch of ContactBook loads libcontactkit_mobile through JNA (unpacked from
    // the jar) and checks the Kotlin against the library's contract.
    var start = System.nanoTime()
    ContactBook.inMemory().close()
    val firstCall = millisSince(start)
    val sinceJvmStart = System.currentTimeMillis() - jvmStart

    start = System.nanoTime()
    ContactBook.inMemory().close()
    val secondCall = millisSince(start)

    // A small book file, as an app finds it on a later start: 100 contacts.
    val dir = Files.createTempDirectory("contactkit-timings").toFile()
    val path = File(dir, "contacts.db").path
    ContactBook.open(path).use { book ->
        repeat(100) { i ->
            book.upsert(ContactInput(email = "person$i@example.com", firstName = "Person"), DedupeOn.EMAIL)
        }
    }
    start = System.nanoTime()
    val found = ContactBook.open(path).use { book -> book.findByEmail("person42@example.com") }
    val openAndQuery = millisSince(start)
    check(found != null)
    dir.deleteRecursively()

    // What a suspend call costs over the blocking one: the hop to the library's thread
    // pool and back. The same 5,000 lookups in one in-memory book, after a warm-up.
    val book = ContactBook.inMemory()
    val id = book.create(ContactInput(email = "ann@example.com")).id
    val suspending = book.asyncBook()
    val lookups = 5_000
    fun blockingLookups() = repeat(lookups) { book.get(id) }
    fun suspendingLookups() = runBlocking { repeat(lookups) { suspending.get(id) } }
    blockingLookups()
    suspendingLookups()
    start = System.nanoTime()
    blockingLookups()
    val blockingEach = millisSince(start) * 1000 / lookups
    start = System.nanoTime()
    suspendingLookups()
    val suspendingEach = millisSince(start) * 1000 / lookups
    suspending.close()
    book.close()

    println("JVM start to main:                      ${mainStart - jvmStart} ms")
    println("first call (load library + inMemory()): ${"%.1f".format(firstCall)} ms")
    println("JVM start to first call returned:       $sinceJvmStart ms")
    println("second inMemory():                      ${"%.2f".format(secondCall)} ms")
    println("open a 100-contact file + findByEmail:  ${"%.2f".format(openAndQuery)} ms")
    println("get(id), blocking, each:                ${"%.1f".format(blockingEach)} µs")
    println("get(id), suspending, each:              ${"%.1f".format(suspendingEach)} µs (${"%.2f".format(suspendingEach / blockingEach)}× the blocking call)")
}

private fun millisSince(start: Long) = (System.nanoTime() - start) / 1e6
