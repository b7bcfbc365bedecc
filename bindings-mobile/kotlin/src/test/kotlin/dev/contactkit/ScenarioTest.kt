package dev.contactkit

import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.fail
import java.io.File
import java.math.BigDecimal
import java.time.Duration
import java.time.OffsetDateTime

/**
 * Runs every shared conformance scenario (each .json file in tests/scenarios, format in its README)
 * against the Kotlin binding: one dynamic test per file, each on a fresh in-memory book
 * with a manual clock. An expected error is compared by kind and by every attribute the step
 * gives (`field`, `value`, `reason`, `what`, `id`, `existing`, `existing_id`). An argument the typed Kotlin
 * API cannot express ([Inexpressible]: an unknown key, a name no enum constant has) makes no
 * call; such a step must expect exactly that validation error, and each file must have
 * exactly the inexpressible steps listed below.
 */
class ScenarioTest {
    private val dir = File(System.getProperty("contactkit.scenarios") ?: "../../tests/scenarios")

    private fun files(): List<File> =
        (dir.listFiles { f -> f.isFile && f.name.endsWith(".json") } ?: emptyArray()).sortedBy { it.name }

    @Test
    fun thereAreAtLeastTwelveScenarios() {
        assertTrue(files().size >= 12, "expected at least 12 scenarios in $dir, found ${files().size}")
    }

    /**
     * Each file's steps whose argument the typed Kotlin API cannot express (see
     * [Inexpressible]), by the path the validation error names. A run must meet exactly
     * these: one more is a scenario the runner silently skipped, one fewer a stale entry.
     */
    private val inexpressible = mapOf(
        // A key ContactInput has no property for, and a platform no Platform constant names.
        "error_vocabulary.json" to listOf("emial", "mobile_push[0].platform"),
    )

    @TestFactory
    fun scenarios(): List<DynamicTest> = files().map { file ->
        DynamicTest.dynamicTest(file.nameWithoutExtension) {
            val met = ScenarioRun(file, Store.MEMORY).run()
            if (met.isNotEmpty()) println("${file.name}: ${met.size} step(s) inexpressible in Kotlin, checked as the expected error: $met")
            assertEquals(inexpressible[file.name].orEmpty(), met, "${file.name}: steps the Kotlin API cannot express")
        }
    }

    /** The same files on a book on the PostgreSQL test server, one fresh schema each. */
    @TestFactory
    fun scenariosOnPostgres(): List<DynamicTest> = files().map { file ->
        DynamicTest.dynamicTest("${file.nameWithoutExtension} on PostgreSQL") {
            val met = ScenarioRun(file, Store.POSTGRES).run()
            assertEquals(inexpressible[file.name].orEmpty(), met, "${file.name}: steps the Kotlin API cannot express")
        }
    }
}

/** Where a scenario's book lives. */
private enum class Store { MEMORY, POSTGRES }

private val FILE_KEYS = setOf("name", "description", "clock", "default_region", "steps")
private val STEP_KEYS = setOf("op", "args", "save", "expect", "expect_error")
private val EXPECT_ERROR_KEYS = setOf("kind", "field", "value", "reason", "what", "id", "existing", "existing_id")

/** The arguments each operation takes (a misspelt one fails the step). */
private val OP_ARGS: Map<String, Set<String>> = mapOf(
    "create" to setOf("input"), "upsert" to setOf("input", "dedupe_on"), "sign_up" to setOf("input"),
    "update" to setOf("id", "patch"), "get" to setOf("id"), "find_by_email" to setOf("email"),
    "find_by_phone" to setOf("phone"), "find_by_key" to setOf("contact_key"),
    "find_by_external_id" to setOf("external_id"), "find_by_push_token" to setOf("token"),
    "find_by_web_push_endpoint" to setOf("endpoint"), "delete" to setOf("id"), "restore" to setOf("id"),
    "merge" to setOf("into_id", "from_id"), "export_contact" to setOf("id"), "erase" to setOf("id"),
    "list" to setOf("query", "rule"), "count" to setOf("rule"), "import_contacts" to setOf("rows", "dedupe_on"),
    "add_mobile_push" to setOf("id", "device"), "remove_mobile_push" to setOf("id", "token"),
    "register_app" to setOf("id", "device"), "remove_app" to setOf("id", "app_id"),
    "add_web_push" to setOf("id", "subscription"), "remove_web_push" to setOf("id", "endpoint"),
    "set_telegram" to setOf("id", "telegram"), "blacklist" to setOf("id", "channel", "reason"),
    "unblacklist" to setOf("id", "channel", "note"), "unsubscribe" to setOf("id", "channel", "reason"),
    "resubscribe" to setOf("id", "channel", "note"), "report_spam" to setOf("id", "channel", "reason"),
    "suppress_address" to setOf("channel", "address", "kind", "reason"),
    "confirm" to setOf("id", "channel"), "suppressions" to setOf("channel", "address"),
    "can_send" to setOf("id", "channel", "category"), "can_send_many" to setOf("ids", "channel", "category"),
    "define_category" to setOf("title"), "categories" to setOf(), "update_category" to setOf("key", "title"),
    "delete_category" to setOf("key"), "add_category" to setOf("id", "key"), "remove_category" to setOf("id", "key"),
    "create_segment" to setOf("name", "rule"), "segments" to setOf(), "update_segment" to setOf("id", "name", "rule"),
    "delete_segment" to setOf("id"), "add_to_segment" to setOf("id", "segment_id"),
    "remove_from_segment" to setOf("id", "segment_id"), "segment_members" to setOf("segment_id", "query"),
    "define_field" to setOf("definition"), "field_definitions" to setOf(),
    "update_field" to setOf("key", "update"), "delete_field" to setOf("key"), "set_field" to setOf("id", "key", "value"),
    "clear_field" to setOf("id", "key"), "record_campaign" to setOf("id", "input"),
    "record_event" to setOf("id", "input"), "record_order" to setOf("id", "input"),
    "activity" to setOf("id", "query"), "changes" to setOf("cursor", "limit"), "advance_clock" to setOf("days", "seconds"), "set_clock" to setOf("at"),
)

/** One scenario file's run. */
private class ScenarioRun(private val file: File, private val store: Store) {
    private val scenario = JSONObject(file.readText())
    private val clock: ManualClock
    private val book: ContactBook
    private val saved = mutableMapOf<String, Any?>()

    init {
        val unknown = scenario.keySet() - FILE_KEYS
        if (unknown.isNotEmpty()) throw BrokenScenario("${file.name}: unknown keys $unknown")
        clock = ManualClock(ScenarioJson.instant(scenario.getString("clock")))
        val region = scenario.optString("default_region").ifEmpty { null }
        book = when (store) {
            Store.MEMORY -> ContactBook.inMemoryWith(BookOptions(defaultRegion = region, clock = clock))
            Store.POSTGRES -> ContactBook.connectWith(
                TestServer.url(),
                ServerOptions(schema = TestServer.freshSchema(), defaultRegion = region, clock = clock),
            )
        }
    }

    /** The fields of the [Inexpressible] steps met, in order. */
    private val inexpressible = mutableListOf<String>()

    /** Runs every step; returns the fields of the steps the Kotlin API could not express. */
    fun run(): List<String> {
        val steps = scenario.getJSONArray("steps")
        try {
            for (index in 0 until steps.length()) step(index, steps.getJSONObject(index))
        } finally {
            book.close()
            clock.close()
        }
        return inexpressible
    }

    private fun step(index: Int, step: JSONObject) {
        val unknown = step.keySet() - STEP_KEYS
        if (unknown.isNotEmpty()) throw BrokenScenario("step $index: unknown keys $unknown")
        val op = step.getString("op")
        val allowed = OP_ARGS[op] ?: throw BrokenScenario("step $index: unknown op $op")
        val args = resolve(step.optJSONObject("args") ?: JSONObject()) as JSONObject
        val where = "${file.name} step $index ($op)"

        val expected = step.optJSONObject("expect_error")
        val unknownExpected = expected?.keySet().orEmpty() - EXPECT_ERROR_KEYS
        if (unknownExpected.isNotEmpty()) throw BrokenScenario("step $index: unknown expect_error keys $unknownExpected")

        val outcome: Result<Any?> = try {
            Result.success(call(op, Args(args)))
        } catch (e: ContactKitException) {
            Result.failure(e)
        } catch (e: Inexpressible) {
            // No call was made: the step must expect exactly the validation error the core
            // gives for this argument, and is counted (see ScenarioTest.inexpressible).
            if (expected == null || expected.getString("kind") != "validation" || expected.optString("field") != e.field ||
                (expected.has("value") && expected.getString("value") != e.value)
            ) {
                fail("$where: the Kotlin API cannot express this argument (${e.message}); the step expects ${expected ?: "success"}")
            }
            inexpressible += e.field
            return
        }

        if (expected != null) {
            val error = outcome.exceptionOrNull() as? ContactKitException
                ?: fail("$where: expected error $expected, got result ${outcome.getOrNull()}")
            val actual = attributes(error)
            val mismatched = expected.keySet().filter { key -> !actual.containsKey(key) || actual[key] != expected.getString(key) }
            if (mismatched.isNotEmpty()) fail("$where: expected error $expected, got $actual (differs in $mismatched)")
            return
        }
        val error = outcome.exceptionOrNull()
        if (error != null) fail("$where: expected success, got ${attributes(error as ContactKitException)}")
        val result = outcome.getOrNull()
        val extra = args.keySet() - allowed
        if (extra.isNotEmpty()) fail("$where: arguments $extra are not taken by $op")
        if (step.has("expect")) {
            val expected = resolve(step.get("expect"))
            val mismatch = Matcher.mismatch(expected, result, "$")
            if (mismatch != null) {
                fail("$where: $mismatch\n  expected: $expected\n  actual:   ${jsonText(result)}")
            }
        }
        if (step.has("save")) saved[step.getString("save")] = result
    }

    private fun jsonText(value: Any?): String = when (value) {
        null -> "null"
        is JSONObject -> value.toString()
        is JSONArray -> value.toString()
        else -> JSONObject.valueToString(value)
    }

    /** The error's kind and attributes by the README's names (section Errors). */
    private fun attributes(e: ContactKitException): Map<String, String> = when (e) {
        is ContactKitException.Validation -> mapOf("kind" to "validation", "field" to e.field, "value" to e.value, "reason" to e.reason)
        is ContactKitException.NotFound -> mapOf("kind" to "not_found", "what" to e.what, "id" to e.id)
        is ContactKitException.Conflict -> mapOf("kind" to "conflict", "field" to e.field, "value" to e.value, "existing" to e.existing, "existing_id" to e.existingId)
        is ContactKitException.Storage -> mapOf("kind" to "storage", "reason" to e.reason)
        is ContactKitException.Internal -> mapOf("kind" to "internal", "reason" to e.reason)
    }

    /** Replaces `$name.path` references with saved values (keeping their JSON type). */
    private fun resolve(value: Any?): Any? = when (value) {
        is JSONObject -> JSONObject().also { o -> value.keySet().forEach { k -> o.put(k, resolve(value.get(k)) ?: JSONObject.NULL) } }
        is JSONArray -> JSONArray().also { a -> (0 until value.length()).forEach { a.put(resolve(value.get(it)) ?: JSONObject.NULL) } }
        is String -> if (value.length > 1 && value[0] == '$' && (value[1].isLetter() || value[1] == '_')) lookup(value.substring(1)) else value
        else -> value
    }

    private fun lookup(reference: String): Any? {
        val parts = reference.split(".")
        if (parts[0] !in saved) throw BrokenScenario("unknown reference \$${parts[0]}")
        var current: Any? = saved[parts[0]]
        for (part in parts.drop(1)) {
            current = when (current) {
                is JSONObject -> if (current.has(part)) current.get(part) else throw BrokenScenario("no $part in \$$reference")
                is JSONArray -> current.opt(part.toIntOrNull() ?: throw BrokenScenario("bad index $part in \$$reference"))
                    ?: throw BrokenScenario("no index $part in \$$reference")
                else -> throw BrokenScenario("cannot walk $part in \$$reference")
            }
        }
        return if (current == JSONObject.NULL) null else current
    }

    /** Named arguments: `null` and absent are both "not given". */
    private class Args(val o: JSONObject) {
        fun str(key: String): String = opt(key) ?: throw BrokenScenario("missing argument $key")
        fun opt(key: String): String? = if (o.has(key) && !o.isNull(key)) ScenarioJson.string(o.get(key), key) else null
        fun obj(key: String): JSONObject = optObj(key) ?: throw BrokenScenario("missing argument $key")
        fun optObj(key: String): JSONObject? =
            if (o.has(key) && !o.isNull(key)) o.get(key) as? JSONObject ?: throw BrokenScenario("$key: not an object") else null
        fun array(key: String): JSONArray = o.optJSONArray(key) ?: throw BrokenScenario("missing array $key")
        fun long(key: String): Long? = if (o.has(key) && !o.isNull(key)) (o.get(key) as Number).toLong() else null
        fun raw(key: String): Any = if (o.has(key)) o.get(key) else throw BrokenScenario("missing argument $key")

        /** The optional rule, as the JSON text the binding takes. */
        fun rule(): String? = if (o.has("rule") && !o.isNull("rule")) o.get("rule").toString() else null

        // Channel and dedupe_on arrive as strings; the binding reads them (an unknown
        // name is a Validation error on `channel` / `dedupe_on`).
        fun channel(): Channel = channelFromName(str("channel"))
        fun dedupeOn(): DedupeOn = dedupeOnFromName(str("dedupe_on"))
    }

    private fun call(op: String, a: Args): Any? {
        val j = ScenarioJson
        val id by lazy { a.str("id") }
        return when (op) {
            "create" -> j.contact(book.create(j.contactInput(a.obj("input"))))
            "upsert" -> j.contact(book.upsert(j.contactInput(a.obj("input")), a.dedupeOn()))
            "sign_up" -> j.contact(book.signUp(j.contactInput(a.obj("input"))))
            "update" -> j.contact(book.update(id, j.contactInput(a.obj("patch"))))
            "get" -> j.contact(book.get(id))
            "find_by_email" -> j.contact(book.findByEmail(a.str("email")))
            "find_by_phone" -> j.contact(book.findByPhone(a.str("phone")))
            "find_by_key" -> j.contact(book.findByKey(a.str("contact_key")))
            "find_by_external_id" -> j.contact(book.findByExternalId(a.str("external_id")))
            "find_by_push_token" -> j.contact(book.findByPushToken(a.str("token")))
            "find_by_web_push_endpoint" -> j.contact(book.findByWebPushEndpoint(a.str("endpoint")))
            "delete" -> { book.delete(id); null }
            "restore" -> j.contact(book.restore(id))
            "merge" -> j.contact(book.merge(a.str("into_id"), a.str("from_id")))
            "export_contact" -> j.contactExport(book.exportContact(id))
            "erase" -> { book.erase(id); null }
            "list" -> when (val rule = a.rule()) {
                null -> j.contactPage(book.list(j.listQuery(a.optObj("query"))))
                else -> j.contactPage(book.listWhere(rule, j.listQuery(a.optObj("query"))))
            }
            "count" -> when (val rule = a.rule()) {
                null -> book.count().toLong()
                else -> book.countWhere(rule)
            }
            "import_contacts" -> {
                val rows = a.array("rows")
                val inputs = (0 until rows.length()).map { j.contactInput(rows.getJSONObject(it)) }
                j.importReport(book.importContacts(inputs, a.dedupeOn()))
            }
            "add_mobile_push" -> j.contact(book.addMobilePush(id, j.deviceInput(a.obj("device"))))
            "remove_mobile_push" -> j.contact(book.removeMobilePush(id, a.str("token")))
            "register_app" -> j.contact(book.registerApp(id, j.deviceInput(a.obj("device"))))
            "remove_app" -> j.contact(book.removeApp(id, a.str("app_id")))
            "add_web_push" -> j.contact(book.addWebPush(id, j.webPushInput(a.obj("subscription"))))
            "remove_web_push" -> j.contact(book.removeWebPush(id, a.str("endpoint")))
            "set_telegram" -> j.contact(book.setTelegram(id, a.optObj("telegram")?.let(j::telegram)))
            "blacklist" -> j.contact(book.blacklist(id, a.channel(), a.opt("reason")))
            "unblacklist" -> j.contact(book.unblacklist(id, a.channel(), a.str("note")))
            "unsubscribe" -> j.contact(book.unsubscribe(id, a.channel(), a.opt("reason")))
            "resubscribe" -> j.contact(book.resubscribe(id, a.channel(), a.opt("note")))
            "report_spam" -> j.contact(book.reportSpam(id, a.channel(), a.opt("reason")))
            "confirm" -> j.contact(book.confirm(id, a.channel()))
            "suppressions" -> JSONArray(book.suppressions(a.channel(), a.str("address")).map(j::suppression))
            "suppress_address" -> JSONArray(
                book.suppressAddress(a.channel(), a.str("address"), j.enumOf("kind", a.str("kind")), a.opt("reason"))
                    .map(j::suppression),
            )
            "can_send" -> j.sendDecision(book.canSend(id, a.channel(), a.opt("category")))
            "can_send_many" -> JSONArray(
                book.canSendMany(j.strings(a.array("ids")), a.channel(), a.opt("category")).map(j::sendDecision),
            )
            "define_category" -> j.category(book.defineCategory(a.str("title")))
            "categories" -> JSONArray(book.categories().map(j::category))
            "update_category" -> j.category(book.updateCategory(a.str("key"), a.str("title")))
            "delete_category" -> { book.deleteCategory(a.str("key")); null }
            "add_category" -> j.contact(book.addCategory(id, a.str("key")))
            "remove_category" -> j.contact(book.removeCategory(id, a.str("key")))
            "create_segment" -> when (val rule = a.rule()) {
                null -> j.segment(book.createSegment(a.str("name")))
                else -> j.segment(book.createDynamicSegment(a.str("name"), rule))
            }
            "segments" -> JSONArray(book.segments().map(j::segment))
            "update_segment" -> j.segment(book.updateSegment(id, a.opt("name"), a.rule()))
            "delete_segment" -> { book.deleteSegment(id); null }
            "add_to_segment" -> j.contact(book.addToSegment(id, a.str("segment_id")))
            "remove_from_segment" -> j.contact(book.removeFromSegment(id, a.str("segment_id")))
            "segment_members" -> j.contactPage(book.segmentMembers(a.str("segment_id"), j.listQuery(a.optObj("query"))))
            "define_field" -> j.fieldDefinition(book.defineField(j.fieldDefinition(a.obj("definition"))))
            "field_definitions" -> JSONArray(book.fieldDefinitions().map { j.fieldDefinition(it) })
            "update_field" -> j.fieldDefinition(book.updateField(a.str("key"), j.fieldUpdate(a.obj("update"))))
            "delete_field" -> { book.deleteField(a.str("key")); null }
            "set_field" -> j.contact(book.setField(id, a.str("key"), j.fieldInput("value", a.raw("value"))))
            "clear_field" -> j.contact(book.clearField(id, a.str("key")))
            "record_campaign" -> j.activity(book.recordCampaign(id, j.campaignInput(a.obj("input"))))
            "record_event" -> j.activity(book.recordEvent(id, j.eventInput(a.obj("input"))))
            "record_order" -> j.activity(book.recordOrder(id, j.orderInput(a.obj("input"))))
            "activity" -> j.activityPage(book.activity(id, j.activityQuery(a.optObj("query"))))
            "changes" -> j.changePage(book.changes(a.opt("cursor"), j.changesLimit(a.o)))
            "advance_clock" -> {
                val days = a.long("days")
                val seconds = a.long("seconds")
                if (days == null && seconds == null) throw BrokenScenario("advance_clock needs days or seconds")
                clock.advance(Duration.ofDays(days ?: 0).plusSeconds(seconds ?: 0))
                null
            }
            "set_clock" -> { clock.set(ScenarioJson.instant(a.str("at"))); null }
            else -> throw BrokenScenario("unknown op $op")
        }
    }
}

/** The README's matching rules: subset objects, `$len`, instants and decimals by value. */
object Matcher {
    private val rfc3339 = Regex("""\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})""")
    private val plainDecimal = Regex("""-?[0-9]+(\.[0-9]+)?""")

    private fun isNull(v: Any?) = v == null || v == JSONObject.NULL

    /** Why [actual] does not match [expected], or null when it does. */
    fun mismatch(expected: Any?, actual: Any?, path: String): String? {
        if (isNull(expected)) return if (isNull(actual)) null else "$path: expected null, got $actual"
        return when (expected) {
            is JSONObject -> {
                if (expected.keySet() == setOf("\$len")) {
                    val n = (expected.get("\$len") as Number).toInt()
                    if (actual is JSONArray && actual.length() == n) null
                    else "$path: expected an array of length $n, got ${(actual as? JSONArray)?.length() ?: actual}"
                } else if (actual !is JSONObject) {
                    "$path: expected an object, got $actual"
                } else {
                    expected.keySet().firstNotNullOfOrNull { key ->
                        mismatch(expected.get(key), if (actual.has(key)) actual.get(key) else null, "$path.$key")
                    }
                }
            }
            is JSONArray -> {
                if (actual !is JSONArray || actual.length() != expected.length()) {
                    "$path: expected an array of ${expected.length()}, got ${(actual as? JSONArray)?.length() ?: actual}"
                } else {
                    (0 until expected.length()).firstNotNullOfOrNull { mismatch(expected.get(it), actual.get(it), "$path[$it]") }
                }
            }
            is String -> when {
                actual !is String -> "$path: expected string \"$expected\", got $actual"
                expected == actual -> null
                rfc3339.matches(expected) && rfc3339.matches(actual) &&
                    OffsetDateTime.parse(expected).toInstant() == OffsetDateTime.parse(actual).toInstant() -> null
                plainDecimal.matches(expected) && plainDecimal.matches(actual) &&
                    BigDecimal(expected).compareTo(BigDecimal(actual)) == 0 -> null
                else -> "$path: expected \"$expected\", got \"$actual\""
            }
            is Boolean -> if (actual == expected) null else "$path: expected $expected, got $actual"
            is Number -> if (actual is Number && actual !is Boolean &&
                BigDecimal(expected.toString()).compareTo(BigDecimal(actual.toString())) == 0
            ) null else "$path: expected $expected, got $actual"
            else -> "$path: cannot match $expected"
        }
    }
}
