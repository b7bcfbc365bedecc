package dev.contactkit

import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonObject
import org.json.JSONArray
import org.json.JSONObject
import java.math.BigDecimal
import java.math.BigInteger
import java.time.Instant
import java.time.OffsetDateTime

/** A scenario that cannot be run as written (bad shape of a step, unknown op): not an expected error. */
class BrokenScenario(message: String) : RuntimeException(message)

/**
 * An argument the typed Kotlin API cannot express, so there is no call to make: a key the
 * generated record has no property for (`emial`), a name that is no constant of the generated
 * enum (`symbian`), a required key left out, or a JSON value of another type than the
 * property's. The Rust core reads such an argument as a validation error on [field] quoting
 * [value]; a Kotlin caller cannot even write it down. [ScenarioRun] checks that the step
 * expected exactly that error, and ScenarioTest that each file has exactly the inexpressible
 * steps it lists, so none passes silently.
 */
class Inexpressible(val field: String, val value: String, why: String) :
    RuntimeException("$field: $why (\"$value\")")

/**
 * The shared scenarios' JSON (tests/scenarios/README.md) to and from the binding's records.
 * Inputs follow the serde forms of the Rust input types; results are turned into the JSON
 * the Rust core serialises, so the same `expect` blocks match in every language.
 */
object ScenarioJson {
    // ---- reading inputs -------------------------------------------------------------------

    /**
     * Where in the argument being read the reader is, as serde names it (`mobile_push[0]`);
     * empty between arguments, as [within] always steps back out.
     */
    private val path = ArrayDeque<String>()

    /** Runs [read] one level down, at key or index [segment] (`mobile_push`, `[0]`). */
    private fun <T> within(segment: String, read: () -> T): T {
        path.addLast(segment)
        try {
            return read()
        } finally {
            path.removeLast()
        }
    }

    /** The path of [key] in the current object, e.g. `mobile_push[0].platform`. */
    private fun pathTo(key: String): String =
        (path + key).fold("") { acc, s -> if (acc.isEmpty() || s.startsWith("[")) acc + s else "$acc.$s" }

    private fun inexpressible(key: String, value: Any?, why: String): Nothing =
        throw Inexpressible(pathTo(key), (value as? String) ?: value.toString(), why)

    /** The keys of [o], an unknown one (not in [allowed]) being [Inexpressible]. */
    private fun keys(o: JSONObject, what: String, allowed: Set<String>): Set<String> {
        (o.keySet() - allowed).minOrNull()?.let { inexpressible(it, it, "$what has no such property") }
        return o.keySet()
    }

    /** Absent or null: not given. */
    private fun JSONObject.given(key: String): Boolean = has(key) && !isNull(key)

    private inline fun <reified T> JSONObject.typed(key: String, what: String): T? =
        if (given(key)) (get(key) as? T ?: inexpressible(key, get(key), "not $what")) else null

    private fun JSONObject.str(key: String): String? = typed<String>(key, "a string")

    private fun JSONObject.requireStr(key: String): String = str(key) ?: inexpressible(key, "", "missing")

    private fun JSONObject.decimal(key: String): BigDecimal? =
        str(key)?.let { it.toBigDecimalOrNull() ?: inexpressible(key, it, "not a decimal number") }

    private fun JSONObject.requireDecimal(key: String): BigDecimal = decimal(key) ?: inexpressible(key, "", "missing")

    private fun JSONObject.bool(key: String): Boolean? = typed<Boolean>(key, "a boolean")

    private fun JSONObject.double(key: String): Double? = typed<Number>(key, "a number")?.toDouble()

    private fun JSONObject.int(key: String): Int? = typed<Number>(key, "a number")?.let { n ->
        n.toLong().takeIf { it.toDouble() == n.toDouble() && it in Int.MIN_VALUE..Int.MAX_VALUE }?.toInt()
            ?: inexpressible(key, n, "not a 32-bit integer")
    }

    private fun JSONObject.at(key: String): Instant? = str(key)?.let { instant(it) }

    private fun JSONObject.strings(key: String): List<String>? =
        typed<JSONArray>(key, "an array")?.let { a -> within(key) { strings(a) } }

    private fun JSONObject.obj(key: String): JSONObject? = typed<JSONObject>(key, "an object")

    /** The objects of array [key], each read by [read] at its index. */
    private fun <T> JSONObject.objects(key: String, read: (JSONObject) -> T): List<T>? =
        typed<JSONArray>(key, "an array")?.let { a ->
            within(key) {
                (0 until a.length()).map { i ->
                    val item = a.get(i) as? JSONObject ?: inexpressible("[$i]", a.get(i), "not an object")
                    within("[$i]") { read(item) }
                }
            }
        }

    /** The object at [key] read by [read] one level down. */
    private fun <T> JSONObject.nested(key: String, read: (JSONObject) -> T): T? = obj(key)?.let { within(key) { read(it) } }

    fun string(value: Any, what: String): String =
        value as? String ?: throw BrokenScenario("$what: not a string: $value")

    fun strings(array: JSONArray): List<String> =
        (0 until array.length()).map { i -> array.get(i) as? String ?: inexpressible("[$i]", array.get(i), "not a string") }

    fun instant(text: String): Instant = OffsetDateTime.parse(text).toInstant()

    /**
     * A lowercase snake_case name given for [key] as the Kotlin enum constant (`mobile_push` →
     * `MOBILE_PUSH`); a name that is no constant of [T] is [Inexpressible] at the key's path.
     */
    inline fun <reified T : Enum<T>> enumOf(key: String, name: String): T =
        enumValues<T>().firstOrNull { it.name == name.uppercase() } ?: noConstant(key, name, T::class.simpleName)

    fun noConstant(key: String, name: String, type: String?): Nothing = inexpressible(key, name, "no $type constant")

    private inline fun <reified T : Enum<T>> JSONObject.enum(key: String): T? = str(key)?.let { enumOf<T>(key, it) }

    private inline fun <reified T : Enum<T>> JSONObject.requireEnum(key: String): T =
        enum<T>(key) ?: inexpressible(key, "", "missing")

    /** The Kotlin enum constant's JSON name (`MOBILE_PUSH` → `mobile_push`). */
    fun name(value: Enum<*>): String = value.name.lowercase()

    private val contactInputKeys = setOf(
        "id", "external_id", "contact_key", "first_name", "last_name", "email", "phone", "mobile_push",
        "web_push", "telegram", "categories", "segments", "address", "location", "timezone", "language",
        "fields", "source",
    )

    /** A ContactInput: an absent key keeps, `null` clears (listed in `clear`), a value sets. */
    fun contactInput(o: JSONObject): ContactInput {
        keys(o, "ContactInput", contactInputKeys)
        val clear = mutableListOf<ContactAttribute>()
        for (key in o.keySet()) {
            if (o.isNull(key) && key !in setOf("id", "fields", "source")) clear += enumOf<ContactAttribute>(key, key)
        }
        val fields = o.nested("fields") { f -> f.keySet().associateWith { k -> if (f.isNull(k)) null else fieldInput(k, f.get(k)) } }
        return ContactInput(
            id = o.str("id"),
            externalId = o.str("external_id"),
            contactKey = o.str("contact_key"),
            firstName = o.str("first_name"),
            lastName = o.str("last_name"),
            email = o.str("email"),
            phone = o.str("phone"),
            mobilePush = o.objects("mobile_push", ::deviceInput),
            webPush = o.objects("web_push", ::webPushInput),
            telegram = o.nested("telegram", ::telegram),
            categories = o.strings("categories"),
            segments = o.strings("segments"),
            address = o.nested("address", ::address),
            location = o.nested("location", ::locationInput),
            timezone = o.str("timezone"),
            language = o.str("language"),
            fields = fields ?: emptyMap(),
            source = o.enum<Source>("source"),
            clear = clear,
        )
    }

    fun deviceInput(o: JSONObject): DeviceInput {
        keys(o, "DeviceInput", setOf("app_id", "device_id", "token", "platform", "model", "os", "os_version", "locale", "app_version", "active"))
        return DeviceInput(
            appId = o.str("app_id") ?: "",
            deviceId = o.str("device_id") ?: "",
            token = o.str("token"),
            platform = o.enum<Platform>("platform"),
            model = o.str("model"),
            os = o.str("os"),
            osVersion = o.str("os_version"),
            locale = o.str("locale"),
            appVersion = o.str("app_version"),
            active = o.bool("active"),
        )
    }

    fun webPushInput(o: JSONObject): WebPushInput {
        keys(o, "WebPushInput", setOf("endpoint", "p256dh", "auth", "keys", "user_agent", "language", "os", "subscription_page"))
        return WebPushInput(
            endpoint = o.str("endpoint") ?: "",
            p256dh = o.str("p256dh"),
            auth = o.str("auth"),
            keys = o.nested("keys") { k ->
                keys(k, "WebPushKeys", setOf("p256dh", "auth"))
                WebPushKeys(p256dh = k.requireStr("p256dh"), auth = k.requireStr("auth"))
            },
            userAgent = o.str("user_agent"),
            language = o.str("language"),
            os = o.str("os"),
            subscriptionPage = o.str("subscription_page"),
        )
    }

    fun telegram(o: JSONObject): Telegram {
        keys(o, "Telegram", setOf("bot_id", "chat_id"))
        return Telegram(botId = o.requireStr("bot_id"), chatId = o.requireStr("chat_id"))
    }

    fun address(o: JSONObject): Address {
        keys(o, "Address", setOf("country", "region", "town", "street_address", "postcode"))
        return Address(
            country = o.str("country"),
            region = o.str("region"),
            town = o.str("town"),
            streetAddress = o.str("street_address"),
            postcode = o.str("postcode"),
        )
    }

    fun locationInput(o: JSONObject): LocationInput {
        keys(o, "LocationInput", setOf("latitude", "longitude", "accuracy", "country", "region", "city", "source"))
        return LocationInput(
            latitude = o.double("latitude") ?: 0.0,
            longitude = o.double("longitude") ?: 0.0,
            accuracy = o.double("accuracy"),
            country = o.str("country"),
            region = o.str("region"),
            city = o.str("city"),
            source = o.enum<LocationSource>("source"),
        )
    }

    /** A field value given for [key]: boolean, integer, number with a fraction, string or array of strings. */
    fun fieldInput(key: String, value: Any): FieldInput = when (value) {
        is Boolean -> FieldInput.Bool(value)
        is Int, is Long -> FieldInput.Integer((value as Number).toLong())
        is BigInteger -> if (value.bitLength() < 64) FieldInput.Integer(value.toLong()) else FieldInput.Float(value.toDouble())
        is BigDecimal -> if (value.stripTrailingZeros().scale() <= 0 && value.abs() < BigDecimal("9.2e18")) FieldInput.Integer(value.toLong()) else FieldInput.Float(value.toDouble())
        is Number -> FieldInput.Float(value.toDouble())
        is String -> FieldInput.Text(value)
        is JSONArray -> FieldInput.Choices(within(key) { strings(value) })
        else -> inexpressible(key, value, "not a field value")
    }

    fun listQuery(o: JSONObject?): ListQuery {
        if (o == null) return ListQuery()
        keys(o, "ListQuery", setOf("limit", "cursor"))
        return ListQuery(limit = o.int("limit"), cursor = o.str("cursor"))
    }

    /** The `limit` of a `changes` step, an `Int` as the binding takes it. */
    fun changesLimit(args: JSONObject): Int? = args.int("limit")

    fun activityQuery(o: JSONObject?): ActivityQuery {
        if (o == null) return ActivityQuery()
        keys(o, "ActivityQuery", setOf("category", "period", "since", "until", "limit", "cursor"))
        return ActivityQuery(
            category = o.enum<ActivityCategory>("category"),
            period = o.str("period")?.let { periodFromName(it) },
            since = o.at("since"),
            until = o.at("until"),
            limit = o.int("limit"),
            cursor = o.str("cursor"),
        )
    }

    fun fieldDefinition(o: JSONObject): FieldDefinition {
        keys(o, "FieldDefinition", setOf("key", "title", "type", "required", "readonly", "options", "min", "max"))
        return FieldDefinition(
            key = o.requireStr("key"),
            fieldType = o.requireEnum("type"),
            title = o.str("title") ?: "",
            required = o.bool("required") ?: false,
            readonly = o.bool("readonly") ?: false,
            options = o.strings("options") ?: emptyList(),
            min = o.decimal("min"),
            max = o.decimal("max"),
        )
    }

    fun fieldUpdate(o: JSONObject): FieldUpdate {
        keys(o, "FieldUpdate", setOf("title", "add_options"))
        return FieldUpdate(title = o.str("title"), addOptions = o.strings("add_options") ?: emptyList())
    }

    fun campaignInput(o: JSONObject): CampaignInput {
        keys(o, "CampaignInput", setOf("message_id", "message_name", "channel", "status", "status_description", "at"))
        return CampaignInput(
            messageId = o.requireStr("message_id"),
            channel = o.requireEnum("channel"),
            status = o.requireEnum("status"),
            messageName = o.str("message_name"),
            statusDescription = o.str("status_description"),
            at = o.at("at"),
        )
    }

    fun eventInput(o: JSONObject): EventInput {
        keys(o, "EventInput", setOf("name", "key_value", "params", "workflows", "at"))
        return EventInput(
            name = o.str("name") ?: "",
            keyValue = o.str("key_value"),
            params = o.obj("params")?.let { Json.parseToJsonElement(it.toString()).jsonObject },
            workflows = o.strings("workflows") ?: emptyList(),
            at = o.at("at"),
        )
    }

    fun orderInput(o: JSONObject): OrderInput {
        keys(o, "OrderInput", setOf("external_id", "amount", "currency", "status", "items", "shipping", "discount", "taxes", "store_id", "source", "delivery_address", "at"))
        val items = o.objects("items") { item ->
            keys(item, "OrderItem", setOf("product_id", "name", "quantity", "price"))
            OrderItem(
                productId = item.requireStr("product_id"),
                quantity = item.requireDecimal("quantity"),
                price = item.requireDecimal("price"),
                name = item.str("name"),
            )
        }
        return OrderInput(
            externalId = o.requireStr("external_id"),
            amount = o.requireDecimal("amount"),
            currency = o.requireStr("currency"),
            status = o.enum<OrderStatus>("status"),
            items = items ?: emptyList(),
            shipping = o.decimal("shipping"),
            discount = o.decimal("discount"),
            taxes = o.decimal("taxes"),
            storeId = o.str("store_id"),
            source = o.enum<OrderSource>("source"),
            deliveryAddress = o.nested("delivery_address", ::address),
            at = o.at("at"),
        )
    }

    // ---- writing results ------------------------------------------------------------------

    private fun obj(vararg pairs: Pair<String, Any?>): JSONObject {
        val o = JSONObject()
        for ((k, v) in pairs) o.put(k, v ?: JSONObject.NULL)
        return o
    }

    private fun <T> array(items: List<T>, convert: (T) -> Any?): JSONArray =
        JSONArray().also { a -> items.forEach { a.put(convert(it) ?: JSONObject.NULL) } }

    fun time(at: Instant?): String? = at?.toString()

    fun address(a: Address?): JSONObject? = a?.let {
        obj("country" to it.country, "region" to it.region, "town" to it.town, "street_address" to it.streetAddress, "postcode" to it.postcode)
    }

    fun suppression(s: SuppressionRecord): JSONObject = obj(
        "channel" to name(s.channel), "address" to s.address, "kind" to name(s.kind), "at" to time(s.at),
        "reason" to s.reason, "lifted_at" to time(s.liftedAt), "lift_note" to s.liftNote,
    )

    fun fieldValue(v: FieldValue): Any = when (v) {
        is FieldValue.Text -> v.v1
        is FieldValue.Textarea -> v.v1
        is FieldValue.Number -> v.v1
        is FieldValue.Decimal -> v.v1.toPlainString()
        is FieldValue.Date -> v.v1.toString()
        is FieldValue.Datetime -> v.v1.toString()
        is FieldValue.Bool -> v.v1
        is FieldValue.Choice -> v.v1
        is FieldValue.Choices -> JSONArray(v.v1)
    }

    fun contact(c: Contact?): Any? = c?.let {
        obj(
            "id" to it.id,
            "external_id" to it.externalId,
            "contact_key" to it.contactKey,
            "first_name" to it.firstName,
            "last_name" to it.lastName,
            "email" to it.email,
            "email_status" to it.emailStatus?.let(::name),
            "phone" to it.phone,
            "phone_status" to it.phoneStatus?.let(::name),
            "suppressions" to array(it.suppressions, ::suppression),
            "devices" to array(it.devices) { d ->
                obj(
                    "app_id" to d.appId, "device_id" to d.deviceId, "token" to d.token, "platform" to name(d.platform),
                    "model" to d.model, "os" to d.os, "os_version" to d.osVersion, "locale" to d.locale,
                    "app_version" to d.appVersion, "active" to d.active, "registered_at" to time(d.registeredAt),
                    "last_seen_at" to time(d.lastSeenAt),
                )
            },
            "applications" to array(it.applications) { a -> obj("app_id" to a.appId, "device_ids" to JSONArray(a.deviceIds)) },
            "web_push" to array(it.webPush) { w ->
                obj(
                    "endpoint" to w.endpoint, "p256dh" to w.p256dh, "auth" to w.auth, "user_agent" to w.userAgent,
                    "language" to w.language, "os" to w.os, "subscription_page" to w.subscriptionPage,
                    "created_at" to time(w.createdAt),
                )
            },
            "telegram" to it.telegram?.let { t -> obj("bot_id" to t.botId, "chat_id" to t.chatId) },
            "categories" to JSONArray(it.categories),
            "address" to address(it.address),
            "location" to it.location?.let { l ->
                obj(
                    "latitude" to l.latitude, "longitude" to l.longitude, "accuracy" to l.accuracy, "country" to l.country,
                    "region" to l.region, "city" to l.city, "source" to name(l.source), "updated_at" to time(l.updatedAt),
                )
            },
            "timezone" to it.timezone,
            "language" to it.language,
            "segments" to JSONArray(it.segments),
            "fields" to JSONObject().also { f -> it.fields.forEach { (k, v) -> f.put(k, fieldValue(v)) } },
            "created_at" to time(it.createdAt),
            "updated_at" to time(it.updatedAt),
            "source" to name(it.source),
            "order_stats" to obj(
                "order_count" to it.orderStats.orderCount,
                "revenue" to JSONObject(it.orderStats.revenue.mapValues { (_, sum) -> sum.toPlainString() }),
                "last_order_at" to time(it.orderStats.lastOrderAt),
            ),
        )
    }

    fun contactPage(p: ContactPage): JSONObject = obj("items" to array(p.items, ::contact), "next_cursor" to p.nextCursor)

    fun changePage(p: ChangePage): JSONObject = obj(
        "items" to array(p.items) { c ->
            obj("seq" to c.seq, "at" to time(c.at), "op" to name(c.op), "contact_id" to c.contactId, "from_id" to c.fromId)
        },
        "next_cursor" to p.nextCursor,
    )

    fun category(c: Category): JSONObject = obj("key" to c.key, "title" to c.title, "segment_id" to c.segmentId)

    fun segment(s: Segment): JSONObject = obj(
        "id" to s.id, "name" to s.name, "kind" to name(s.kind), "category_key" to s.categoryKey,
        "rule" to s.rule?.let { JSONObject(it) },
    )

    fun fieldDefinition(d: FieldDefinition): JSONObject = obj(
        "key" to d.key, "title" to d.title, "type" to name(d.fieldType), "required" to d.required,
        "readonly" to d.readonly, "options" to JSONArray(d.options), "min" to d.min?.toPlainString(), "max" to d.max?.toPlainString(),
    )

    fun sendDecision(d: SendDecision): JSONObject = obj("allowed" to d.allowed, "reason" to name(d.reason))

    fun importReport(r: ImportReport): JSONObject = obj(
        "created" to r.created.toLong(),
        "updated" to r.updated.toLong(),
        "rejected" to array(r.rejected) { row -> obj("index" to row.index.toLong(), "field" to row.field, "reason" to row.reason) },
    )

    /** An activity flattened as the core serialises it: common keys, then the detail's. */
    fun activity(a: Activity): JSONObject {
        fun common(kind: String, id: String, contactId: String, at: Instant, color: ActivityColor, icon: String) = obj(
            "id" to id, "contact_id" to contactId, "at" to time(at), "kind" to kind, "color" to name(color), "icon" to icon,
        )
        return when (a) {
            is Activity.Campaign -> common("campaign", a.id, a.contactId, a.at, a.color, a.icon).also { o ->
                val c = a.detail
                o.put("message_id", c.messageId).put("message_name", c.messageName ?: JSONObject.NULL)
                    .put("channel", name(c.channel)).put("status", name(c.status))
                    .put("status_description", c.statusDescription ?: JSONObject.NULL)
                    .put("sent_to", c.sentTo ?: JSONObject.NULL)
            }
            is Activity.Event -> common("event", a.id, a.contactId, a.at, a.color, a.icon).also { o ->
                val e = a.detail
                o.put("name", e.name).put("key_value", e.keyValue ?: JSONObject.NULL)
                    .put("params", JSONObject(e.params.toString())).put("workflows", JSONArray(e.workflows))
            }
            is Activity.Order -> common("order", a.id, a.contactId, a.at, a.color, a.icon).also { o ->
                val r = a.detail
                o.put("external_id", r.externalId).put("amount", r.amount.toPlainString()).put("currency", r.currency)
                    .put("status", name(r.status))
                    .put("items", array(r.items) { i -> obj("product_id" to i.productId, "name" to i.name, "quantity" to i.quantity.toPlainString(), "price" to i.price.toPlainString()) })
                    .put("shipping", r.shipping?.toPlainString() ?: JSONObject.NULL)
                    .put("discount", r.discount?.toPlainString() ?: JSONObject.NULL)
                    .put("taxes", r.taxes?.toPlainString() ?: JSONObject.NULL)
                    .put("store_id", r.storeId ?: JSONObject.NULL)
                    .put("source", name(r.source)).put("delivery_address", address(r.deliveryAddress) ?: JSONObject.NULL)
            }
        }
    }

    fun activityPage(p: ActivityPage): JSONObject = obj("items" to array(p.items, ::activity), "next_cursor" to p.nextCursor)

    /** A contact's export as the core serialises it: the contact, its timeline, its suppressions. */
    fun contactExport(e: ContactExport): JSONObject = obj(
        "contact" to contact(e.contact),
        "activity" to array(e.activity, ::activity),
        "suppressions" to array(e.suppressions, ::suppression),
    )
}
