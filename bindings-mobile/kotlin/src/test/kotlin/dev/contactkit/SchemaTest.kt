package dev.contactkit

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.lang.reflect.Modifier

/**
 * Every record and string enum of the core's model (`contactkit::schema`, which the test
 * library exports) against the Kotlin the binding generates: a field or value added to the
 * core and not to what Kotlin sees fails here, naming it. Records and enums that cross as
 * the core's own (`uniffi::remote`) match by construction; the binding's own records
 * differ from the core's only as listed below, each for the reason its Rust doc comment
 * gives.
 */
class SchemaTest {
    /** Kotlin property name → core key, where the binding's record names a key otherwise. */
    private val renamed = mapOf(
        // serde renames the core's field_type to `type`; uniffi keeps the Rust name.
        "FieldDefinition" to mapOf("field_type" to "type"),
    )

    /** Properties only the binding's record has. */
    private val bindingOnly = mapOf(
        // Keep, set or clear: the core's Patch says "clear" by a null value, Kotlin by `clear`.
        "ContactInput" to setOf("clear"),
    )

    /** Kotlin names of the core's records, where they differ (`Activity.Campaign` would shadow `Campaign`). */
    private val recordNames = mapOf("Campaign" to "CampaignDetail", "Event" to "EventDetail", "Order" to "OrderDetail")

    /**
     * Core types with no Kotlin class, and why: `updateSegment` takes the change as its
     * `name` and `rule` parameters, and a rule's ops and attributes are inside the rule's
     * JSON text, which core reads and names.
     */
    private val notInKotlin = setOf("SegmentUpdate", "RuleOp", "RuleAttribute")

    /** Kotlin names of the core's enums, where they differ (SwiftUI has a `Color`). */
    private val enumNames = mapOf("Color" to "ActivityColor")

    private fun snake(name: String) = name.replace(Regex("[A-Z]")) { "_" + it.value.lowercase() }

    private fun kotlinClass(name: String): Class<*> = Class.forName("dev.contactkit.$name")

    /** The keys of Kotlin record [name] as the core names them. */
    private fun keysOf(name: String): Set<String> {
        val properties = kotlinClass(name).declaredFields.filter { !Modifier.isStatic(it.modifiers) }.map { snake(it.name) }
        val names = renamed[name].orEmpty()
        return properties.map { names[it] ?: it }.toSet() - bindingOnly[name].orEmpty()
    }

    /** The sealed class [name]'s variants (the core's `kind`), by their simple names. */
    private fun variantsOf(name: String): List<Class<*>> =
        kotlinClass(name).declaredClasses.filter { kotlinClass(name).isAssignableFrom(it) }

    /**
     * The keys of core record [name] in Kotlin, an Activity flattened as the core serialises
     * it: each variant's common keys and its detail's, and `kind`, which the variant is.
     */
    private fun coreShapedKeysOf(name: String): Set<String> = when (name) {
        "Activity" -> variantsOf(name).flatMap { v ->
            keysOf("Activity$${v.simpleName}") - "detail" + keysOf(recordNames.getValue(v.simpleName))
        }.toSet() + "kind"
        else -> keysOf(recordNames[name] ?: name)
    }

    @Test
    fun everyRecordHasTheCoresKeys() {
        val records = coreRecordKeysForTest()
        assertTrue(records.size >= 30, "the core describes ${records.size} records")
        for ((name, keys) in records.toSortedMap()) {
            if (name in notInKotlin) continue
            assertEquals(keys.toSortedSet(), coreShapedKeysOf(name).toSortedSet(), "$name: the core's keys against Kotlin's")
        }
    }

    @Test
    fun everyEnumHasTheCoresValues() {
        for ((name, values) in coreEnumValuesForTest().toSortedMap()) {
            if (name in notInKotlin) continue
            val constants by lazy { kotlinClass(enumNames[name] ?: name).enumConstants.map { it as Enum<*> } }
            val named = when (name) {
                // The core's periods are `7d`, `30d`, …: periodFromName reads them.
                "Period" -> values.map { periodFromName(it) }
                // The kind of an activity is which variant of the sealed class it is.
                "ActivityKind" -> {
                    assertEquals(values.toSet(), variantsOf("Activity").map { it.simpleName.lowercase() }.toSet())
                    continue
                }
                else -> values.map { value -> constants.single { it.name.lowercase() == value } }
            }
            assertEquals(constants.toSet(), named.toSet(), "$name: the core's values $values against Kotlin's constants")
        }
    }
}
