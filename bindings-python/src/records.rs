//! The read-only classes handed to Python: each wraps a core value and converts an
//! attribute when it is read. Every class has a readable `repr`, equality (by value)
//! and `to_dict()`.

use crate::convert::{Shape, ToPy};
use chrono::{DateTime, Utc};
use contactkit as core;
use contactkit::{ActivityDetail, ActivityKind, Color};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyType};

/// Defines a read-only class over a core value: one getter per attribute, `to_dict`,
/// `__repr__` (the attributes listed under `repr`, leaving out `None`s) and `==`.
macro_rules! record {
    (
        $(#[$doc:meta])*
        $name:ident($inner:ty) as $r:ident {
            $($field:ident => $value:expr),* $(,)?
        }
        repr [$($repr:ident),* $(,)?]
    ) => {
        $(#[$doc])*
        #[pyclass(frozen, eq, module = "contactkit")]
        #[derive(Debug, PartialEq)]
        pub struct $name {
            pub(crate) inner: $inner,
        }

        impl $name {
            const REPR: &'static [&'static str] = &[$(stringify!($repr)),*];

            /// Every attribute with its Python value.
            #[allow(unused_variables)]
            fn entries<'py>(
                &self,
                py: Python<'py>,
                shape: Shape,
            ) -> PyResult<Vec<(&'static str, Bound<'py, PyAny>)>> {
                let $r = &self.inner;
                Ok(vec![$(
                    (
                        stringify!($field).trim_start_matches("r#"),
                        ToPy::to_py(&$value, py, shape)?,
                    )
                ),*])
            }
        }

        #[pymethods]
        impl $name {
            $(
                #[getter]
                fn $field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    let $r = &self.inner;
                    ToPy::to_py(&$value, py, Shape::Object)
                }
            )*

            /// The attributes as a `dict` of plain Python values (nested records as dicts).
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                let dict = PyDict::new(py);
                for (key, value) in self.entries(py, Shape::Dict)? {
                    dict.set_item(key, value)?;
                }
                Ok(dict)
            }

            fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
                let mut parts = Vec::new();
                for (key, value) in self.entries(py, Shape::Object)? {
                    if Self::REPR.iter().any(|r| r.trim_start_matches("r#") == key)
                        && !value.is_none()
                    {
                        parts.push(format!("{key}={}", value.repr()?));
                    }
                }
                Ok(format!("{}({})", stringify!($name), parts.join(", ")))
            }
        }

        impl ToPy for $inner {
            fn to_py<'py>(&self, py: Python<'py>, shape: Shape) -> PyResult<Bound<'py, PyAny>> {
                let record = $name { inner: self.clone() };
                match shape {
                    Shape::Object => Ok(Bound::new(py, record)?.into_any()),
                    Shape::Dict => Ok(record.to_dict(py)?.into_any()),
                }
            }
        }
    };
}

record! {
    /// A contact profile: identity, channels, consent, segments, fields and derived figures.
    Contact(core::Contact) as r {
        id => r.id,
        external_id => r.external_id,
        contact_key => r.contact_key,
        first_name => r.first_name,
        last_name => r.last_name,
        email => r.email,
        email_status => r.email_status,
        phone => r.phone,
        phone_status => r.phone_status,
        suppressions => r.suppressions,
        devices => r.devices,
        applications => r.applications,
        web_push => r.web_push,
        telegram => r.telegram,
        categories => r.categories,
        address => r.address,
        location => r.location,
        timezone => r.timezone,
        language => r.language,
        segments => r.segments,
        fields => r.fields,
        created_at => r.created_at,
        updated_at => r.updated_at,
        source => r.source,
        order_stats => r.order_stats,
    }
    repr [id, external_id, contact_key, first_name, last_name, email, phone]
}

record! {
    /// One suppression record of an address (or of a contact's push/Telegram channel).
    Suppression(core::SuppressionRecord) as r {
        channel => r.channel,
        address => r.address,
        kind => r.kind,
        at => r.at,
        reason => r.reason,
        lifted_at => r.lifted_at,
        lift_note => r.lift_note,
    }
    repr [channel, address, kind, at, reason, lifted_at, lift_note]
}

record! {
    /// One app installation on one device (mobile push).
    Device(core::MobilePushDevice) as r {
        app_id => r.app_id,
        device_id => r.device_id,
        token => r.token,
        platform => r.platform,
        model => r.model,
        os => r.os,
        os_version => r.os_version,
        locale => r.locale,
        app_version => r.app_version,
        active => r.active,
        registered_at => r.registered_at,
        last_seen_at => r.last_seen_at,
    }
    repr [app_id, device_id, token, platform, active]
}

record! {
    /// An app among a contact's devices, with the ids of the devices that have it.
    Application(core::Application) as r {
        app_id => r.app_id,
        device_ids => r.device_ids,
    }
    repr [app_id, device_ids]
}

record! {
    /// A browser's web push subscription.
    WebPushSubscription(core::WebPushSubscription) as r {
        endpoint => r.endpoint,
        p256dh => r.p256dh,
        auth => r.auth,
        user_agent => r.user_agent,
        language => r.language,
        os => r.os,
        subscription_page => r.subscription_page,
        created_at => r.created_at,
    }
    repr [endpoint, user_agent, created_at]
}

record! {
    /// A Telegram binding: which bot talks to which chat.
    Telegram(core::Telegram) as r {
        bot_id => r.bot_id,
        chat_id => r.chat_id,
    }
    repr [bot_id, chat_id]
}

record! {
    /// A postal address.
    Address(core::Address) as r {
        country => r.country,
        region => r.region,
        town => r.town,
        street_address => r.street_address,
        postcode => r.postcode,
    }
    repr [country, region, town, street_address, postcode]
}

record! {
    /// A geographic location and how it was obtained.
    Location(core::Location) as r {
        latitude => r.latitude,
        longitude => r.longitude,
        accuracy => r.accuracy,
        country => r.country,
        region => r.region,
        city => r.city,
        source => r.source,
        updated_at => r.updated_at,
    }
    repr [latitude, longitude, accuracy, country, region, city, source]
}

record! {
    /// Order figures derived from a contact's orders.
    OrderStats(core::OrderStats) as r {
        order_count => r.order_count,
        revenue => r.revenue,
        last_order_at => r.last_order_at,
    }
    repr [order_count, revenue, last_order_at]
}

record! {
    /// A subscription category and the segment holding its subscribers.
    Category(core::Category) as r {
        key => r.key,
        title => r.title,
        segment_id => r.segment_id,
    }
    repr [key, title, segment_id]
}

record! {
    /// A segment: static, dynamic (its members are the live contacts its `rule`
    /// matches) or a category's.
    Segment(core::Segment) as r {
        id => r.id,
        name => r.name,
        kind => r.kind,
        category_key => r.category_key,
        rule => r.rule,
    }
    repr [id, name, kind, category_key, rule]
}

record! {
    /// The definition an additional field's values are checked against.
    FieldDefinition(core::FieldDefinition) as r {
        key => r.key,
        title => r.title,
        r#type => r.field_type,
        required => r.required,
        readonly => r.readonly,
        options => r.options,
        min => r.min,
        max => r.max,
    }
    repr [key, title, r#type, required, readonly, options, min, max]
}

record! {
    /// The answer of `can_send`: whether a message may go, and the one reason why.
    SendDecision(core::SendDecision) as r {
        allowed => r.allowed,
        reason => r.reason,
    }
    repr [allowed, reason]
}

record! {
    /// The outcome of `import_contacts`: counts, every rejected row and every row written
    /// without some of its values, and the contact id of each row (`None` for a
    /// rejected one), in input order.
    ImportReport(core::ImportReport) as r {
        created => r.created,
        updated => r.updated,
        without_key => r.without_key,
        rejected => r.rejected,
        dropped => r.dropped,
        ids => r.ids,
    }
    repr [created, updated, without_key, rejected, dropped]
}

record! {
    /// A row an import rejected: its 0-based position, its first problem's field and
    /// message, and every problem found in it.
    RejectedRow(core::RejectedRow) as r {
        index => r.index,
        field => r.field,
        reason => r.reason,
        problems => r.problems,
    }
    repr [index, field, reason]
}

record! {
    /// A row `import_contacts(on_invalid="drop_field")` wrote without the values it
    /// dropped: its position, the contact it was written to, and one problem per value.
    DroppedRow(core::DroppedRow) as r {
        index => r.index,
        id => r.id,
        problems => r.problems,
    }
    repr [index, id, problems]
}

record! {
    /// One value of a row the book refused: `code` (`invalid`, `conflict`,
    /// `not_found`), the field, the value as given and why.
    RowProblem(core::RowProblem) as r {
        code => r.code,
        field => r.field,
        value => r.value,
        reason => r.reason,
    }
    repr [code, field, value, reason]
}

record! {
    /// The outcome of `import_suppressions`.
    SuppressionImportReport(core::SuppressionImportReport) as r {
        recorded => r.recorded,
        unchanged => r.unchanged,
        rejected => r.rejected,
    }
    repr [recorded, unchanged, rejected]
}

record! {
    /// A line of an order.
    OrderItem(core::OrderItem) as r {
        product_id => r.product_id,
        name => r.name,
        quantity => r.quantity,
        price => r.price,
    }
    repr [product_id, name, quantity, price]
}

record! {
    /// One change of the book's change feed (`changes`).
    Change(core::Change) as r {
        seq => r.seq,
        at => r.at,
        op => r.op,
        contact_id => r.contact_id,
        from_id => r.from_id,
    }
    repr [seq, at, op, contact_id, from_id]
}

record! {
    /// A page of the change feed, oldest first; `next_cursor` is always set (an empty
    /// page gives back a cursor at the same place: poll with it).
    ChangePage(core::ChangePage) as r {
        items => r.items,
        next_cursor => r.next_cursor,
    }
    repr [items, next_cursor]
}

record! {
    /// What `restore_line` did with one line of the portable form: its `kind`, the
    /// contact a profile line landed on, and whether it created that contact.
    Restored(core::Restored) as r {
        kind => r.kind,
        contact_id => r.contact_id,
        created => r.created,
    }
    repr [kind, contact_id, created]
}

/// A timeline item split into its common part and its kind's data, so each kind's
/// class reads its fields without matching.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry<D> {
    id: String,
    contact_id: String,
    at: DateTime<Utc>,
    kind: ActivityKind,
    color: Color,
    icon: &'static str,
    detail: D,
}

record! {
    /// A message sent to the contact (timeline item of kind `campaign`).
    CampaignActivity(Entry<core::Campaign>) as r {
        id => r.id,
        contact_id => r.contact_id,
        kind => r.kind,
        at => r.at,
        color => r.color,
        icon => r.icon,
        message_id => r.detail.message_id,
        message_name => r.detail.message_name,
        channel => r.detail.channel,
        status => r.detail.status,
        status_description => r.detail.status_description,
        sent_to => r.detail.sent_to,
    }
    repr [kind, at, message_id, message_name, channel, status, status_description, sent_to]
}

record! {
    /// Something the contact did (timeline item of kind `event`).
    EventActivity(Entry<core::Event>) as r {
        id => r.id,
        contact_id => r.contact_id,
        kind => r.kind,
        at => r.at,
        color => r.color,
        icon => r.icon,
        name => r.detail.name,
        key_value => r.detail.key_value,
        params => r.detail.params,
        workflows => r.detail.workflows,
    }
    repr [kind, at, name, key_value, params, workflows]
}

record! {
    /// A purchase (timeline item of kind `order`).
    OrderActivity(Entry<core::Order>) as r {
        id => r.id,
        contact_id => r.contact_id,
        kind => r.kind,
        at => r.at,
        color => r.color,
        icon => r.icon,
        external_id => r.detail.external_id,
        amount => r.detail.amount,
        currency => r.detail.currency,
        status => r.detail.status,
        items => r.detail.items,
        shipping => r.detail.shipping,
        discount => r.detail.discount,
        taxes => r.detail.taxes,
        store_id => r.detail.store_id,
        source => r.detail.source,
        delivery_address => r.detail.delivery_address,
    }
    repr [kind, at, external_id, amount, currency, status]
}

impl ToPy for core::Activity {
    fn to_py<'py>(&self, py: Python<'py>, shape: Shape) -> PyResult<Bound<'py, PyAny>> {
        fn entry<D>(activity: &core::Activity, detail: D) -> Entry<D> {
            Entry {
                id: activity.id.clone(),
                contact_id: activity.contact_id.clone(),
                at: activity.at,
                kind: activity.kind(),
                color: activity.color(),
                icon: activity.icon(),
                detail,
            }
        }
        match &self.detail {
            ActivityDetail::Campaign(c) => entry(self, c.clone()).to_py(py, shape),
            ActivityDetail::Event(e) => entry(self, e.clone()).to_py(py, shape),
            ActivityDetail::Order(o) => entry(self, o.clone()).to_py(py, shape),
        }
    }
}

/// The items of a page.
#[derive(Debug, Clone, PartialEq)]
pub enum PageItems {
    /// Contacts (`list`, `segment_members`).
    Contacts(Vec<core::Contact>),
    /// Timeline items (`activity`).
    Activities(Vec<core::Activity>),
    /// Profile lines of the portable form (`export_profile_lines`): JSON-shaped dicts.
    Lines(Vec<serde_json::Value>),
}

impl ToPy for PageItems {
    fn to_py<'py>(&self, py: Python<'py>, shape: Shape) -> PyResult<Bound<'py, PyAny>> {
        match self {
            PageItems::Contacts(items) => items.to_py(py, shape),
            PageItems::Activities(items) => items.to_py(py, shape),
            PageItems::Lines(items) => items.to_py(py, shape),
        }
    }
}

/// One page of results and the cursor of the next one (`None` on the last page).
#[pyclass(frozen, eq, module = "contactkit")]
#[derive(Debug, PartialEq)]
pub struct Page {
    pub(crate) items: PageItems,
    pub(crate) next_cursor: Option<String>,
}

impl Page {
    /// A page of contacts.
    pub fn of_contacts(page: core::Page<core::Contact>) -> Self {
        Page {
            items: PageItems::Contacts(page.items),
            next_cursor: page.next_cursor,
        }
    }

    /// A page of timeline items.
    pub fn of_activities(page: core::Page<core::Activity>) -> Self {
        Page {
            items: PageItems::Activities(page.items),
            next_cursor: page.next_cursor,
        }
    }

    /// A page of profile lines.
    pub fn of_lines(page: core::Page<serde_json::Value>) -> Self {
        Page {
            items: PageItems::Lines(page.items),
            next_cursor: page.next_cursor,
        }
    }

    fn len(&self) -> usize {
        match &self.items {
            PageItems::Contacts(items) => items.len(),
            PageItems::Activities(items) => items.len(),
            PageItems::Lines(items) => items.len(),
        }
    }
}

#[pymethods]
impl Page {
    /// The items of this page (a new list on each read).
    #[getter]
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.items.to_py(py, Shape::Object)
    }

    /// Pass as `cursor` to read the next page; `None` on the last page.
    #[getter]
    fn next_cursor(&self) -> Option<String> {
        self.next_cursor.clone()
    }

    /// `{"items": [...], "next_cursor": ...}` with every item as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        dict.set_item("items", self.items.to_py(py, Shape::Dict)?)?;
        dict.set_item("next_cursor", &self.next_cursor)?;
        Ok(dict)
    }

    fn __len__(&self) -> usize {
        self.len()
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let items = self.items.to_py(py, Shape::Object)?;
        Ok(items.cast_into::<PyList>()?.try_iter()?.into_any())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let items = self.items.to_py(py, Shape::Object)?;
        Ok(format!(
            "Page(items={}, next_cursor={})",
            items.repr()?,
            self.next_cursor
                .as_deref()
                .map(|c| format!("{c:?}"))
                .unwrap_or_else(|| "None".to_string())
        ))
    }

    /// `Page[Contact]` in annotations evaluated at run time.
    #[classmethod]
    fn __class_getitem__<'py>(
        cls: &Bound<'py, PyType>,
        item: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let generic_alias = cls.py().import("types")?.getattr("GenericAlias")?;
        generic_alias.call1((cls, item))
    }
}

/// Every record class, for the module to export.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Contact>()?;
    module.add_class::<Suppression>()?;
    module.add_class::<Device>()?;
    module.add_class::<Application>()?;
    module.add_class::<WebPushSubscription>()?;
    module.add_class::<Telegram>()?;
    module.add_class::<Address>()?;
    module.add_class::<Location>()?;
    module.add_class::<OrderStats>()?;
    module.add_class::<Category>()?;
    module.add_class::<Segment>()?;
    module.add_class::<FieldDefinition>()?;
    module.add_class::<SendDecision>()?;
    module.add_class::<ImportReport>()?;
    module.add_class::<RejectedRow>()?;
    module.add_class::<DroppedRow>()?;
    module.add_class::<RowProblem>()?;
    module.add_class::<SuppressionImportReport>()?;
    module.add_class::<OrderItem>()?;
    module.add_class::<CampaignActivity>()?;
    module.add_class::<EventActivity>()?;
    module.add_class::<OrderActivity>()?;
    module.add_class::<Page>()?;
    module.add_class::<Change>()?;
    module.add_class::<ChangePage>()?;
    module.add_class::<Restored>()?;
    Ok(())
}
