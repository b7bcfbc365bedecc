package dev.contactkit

import dev.contactkit.Fixtures.clocked
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.lang.reflect.Modifier
import java.math.BigDecimal
import java.time.LocalDate

/** The Kotlin types the binding speaks: immutable records, BigDecimal, LocalDate, Long, a sealed Activity. */
class KotlinTypesTest {
    @Test
    fun recordsAreImmutableValuesChangedByCopy() = clocked { t ->
        for (record in listOf(Contact::class.java, ContactInput::class.java, OrderInput::class.java, ActivityQuery::class.java)) {
            val fields = record.declaredFields.filter { !Modifier.isStatic(it.modifiers) }
            assertTrue(fields.isNotEmpty(), record.simpleName)
            assertTrue(fields.all { Modifier.isFinal(it.modifiers) }, "${record.simpleName} has a var")
            assertTrue(record.methods.none { it.name.startsWith("set") && it.parameterCount == 1 }, "${record.simpleName} has a setter")
        }
        val ann = t.book.create(ContactInput(email = "ann@example.com", firstName = "Ann"))
        val renamed = t.book.update(ann.id, ContactInput(firstName = "Anna"))
        assertEquals(renamed.copy(firstName = "Ann", updatedAt = ann.updatedAt), ann)
    }

    @Test
    fun moneyIsBigDecimalBothWays() = clocked { t ->
        val c = t.book.create(ContactInput(email = "buyer@example.com"))
        val item = OrderItem(productId = "p", quantity = BigDecimal("3"), price = BigDecimal("0.10"))
        val order = t.book.recordOrder(
            c.id,
            OrderInput(externalId = "o-1", amount = BigDecimal("0.30"), currency = "EUR", items = listOf(item), status = OrderStatus.DELIVERED),
        ) as Activity.Order
        assertEquals(BigDecimal("0.30"), order.detail.amount)
        assertEquals(item, order.detail.items.single())
        // BigDecimal.toString() writes some values with an exponent: read as the number it is.
        t.book.recordOrder(c.id, OrderInput(externalId = "o-2", amount = BigDecimal("1E+3"), currency = "EUR", status = OrderStatus.DELIVERED))
        assertEquals(0, BigDecimal("1000.30").compareTo(t.book.get(c.id)!!.orderStats.revenue.getValue("EUR")))
        // More digits than the book holds is a validation error on the field, nothing written.
        val e = assertThrows<ContactKitException.Validation> {
            t.book.recordOrder(c.id, OrderInput(externalId = "o-3", amount = BigDecimal("1E+40"), currency = "EUR"))
        }
        assertEquals("amount", e.field)
        assertEquals(2, t.book.activity(c.id).items.size)
    }

    @Test
    fun datesAreLocalDatesAndDecimalFieldsBigDecimals() = clocked { t ->
        t.book.defineField(FieldDefinition(key = "birthday", fieldType = FieldType.DATE))
        t.book.defineField(FieldDefinition(key = "credit", fieldType = FieldType.DECIMAL, min = BigDecimal("0"), max = BigDecimal("1000")))
        val c = t.book.create(ContactInput(email = "d@example.com"))
        val birthday = LocalDate.of(1990, 3, 9)
        assertEquals(FieldValue.Date(birthday), t.book.setField(c.id, "birthday", FieldInput.Date(birthday)).fields["birthday"])
        val stored = t.book.setField(c.id, "credit", FieldInput.Decimal(BigDecimal("19.99"))).fields.getValue("credit")
        assertEquals(FieldValue.Decimal(BigDecimal("19.99")), stored)
        assertEquals(FieldInput.Decimal(BigDecimal("19.99")), fieldInputOf(stored))
        assertEquals(BigDecimal("1000"), t.book.fieldDefinitions().single { it.key == "credit" }.max)
    }

    @Test
    fun countsAreLongsAndLimitsInts() = clocked { t ->
        val report = t.book.importContacts(listOf(ContactInput(email = "a@example.com"), ContactInput(email = "bad")), DedupeOn.EMAIL)
        val created: Long = report.created
        val index: Long = report.rejected.single().index
        assertEquals(1L, created)
        assertEquals(1L, index)
        val count: Long = t.book.count()
        assertEquals(1L, count)
        assertEquals(1, t.book.list(ListQuery(limit = 1)).items.size)
        val e = assertThrows<ContactKitException.Validation> { t.book.list(ListQuery(limit = -5)) }
        assertEquals("limit" to "-5", e.field to e.value)
    }

    @Test
    fun anActivityIsOneOfThreeKinds() = clocked { t ->
        val c = t.book.create(ContactInput(email = "k@example.com"))
        t.book.recordCampaign(c.id, CampaignInput(messageId = "m-1", channel = CampaignChannel.EMAIL, status = CampaignStatus.SENT))
        t.book.recordEvent(c.id, EventInput(name = "opened_app"))
        t.book.recordOrder(c.id, OrderInput(externalId = "o-1", amount = BigDecimal("5"), currency = "EUR"))
        // An exhaustive `when`, no `else`: a fourth kind would fail to compile here.
        val seen = t.book.activity(c.id).items.map {
            when (it) {
                is Activity.Campaign -> Triple("campaign", it.color, it.detail.messageId)
                is Activity.Event -> Triple("event", it.color, it.detail.name)
                is Activity.Order -> Triple("order", it.color, it.detail.externalId)
            }
        }
        assertEquals(
            setOf(
                Triple("campaign", ActivityColor.GREEN, "m-1"),
                Triple("event", ActivityColor.BROWN, "opened_app"),
                Triple("order", ActivityColor.RED, "o-1"),
            ),
            seen.toSet(),
        )
    }
}
