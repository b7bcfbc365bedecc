//! What the pages show, worked out from the book's values: the All contacts rows,
//! the Contact information rows and the Contact activity items, as plain text and
//! tones. The templates only lay these out (and escape every piece), so each rule of
//! presentation (which status is red, what an order's line says) has one home here.

use crate::render::{self, day, plural, when, Catalog};
use contactkit::{
    Activity, ActivityDetail, Channel, ChannelStatus, Contact, SegmentKind, SuppressionRecord,
};

/// A contact's row in the All contacts table.
pub struct ListRow {
    /// The contact id (links and the preview).
    pub id: String,
    /// First and last name, or the best identifier.
    pub name: String,
    /// Email, or empty.
    pub email: String,
    /// The email's status.
    pub email_status: Option<Badge>,
    /// Phone, or empty.
    pub phone: String,
    /// The phone's status.
    pub phone_status: Option<Badge>,
    /// When it last changed.
    pub updated: String,
}

/// A status word and the colour it is drawn in (`green`, `yellow`, `red`).
pub struct Badge {
    /// `green`, `yellow` or `red`: a CSS class.
    pub tone: &'static str,
    /// The status.
    pub text: String,
}

/// One row of the Contact information tab.
pub struct InfoRow {
    /// A stable name for the row (tests and styles find it by this).
    pub key: &'static str,
    /// What the row is, as the profile window labels it.
    pub label: &'static str,
    /// Its values, one a line; none shows a dash.
    pub lines: Vec<Line>,
}

/// One value of an information row.
pub struct Line {
    /// The value.
    pub text: String,
    /// Its status, when it has one.
    pub badge: Option<Badge>,
    /// Shown when pointed at (an application's device ids).
    pub hover: Option<String>,
    /// Records under it (each suppression with its date and reason).
    pub notes: Vec<Badge>,
}

impl Line {
    fn plain(text: impl Into<String>) -> Line {
        Line {
            text: text.into(),
            badge: None,
            hover: None,
            notes: Vec::new(),
        }
    }
}

/// One item of the Contact activity tab.
pub struct Item {
    /// The colour bar: `green` (campaigns), `brown` (events), `red` (orders).
    pub color: &'static str,
    /// The icon's name: a campaign's channel, `flag`, `shopping_bag`.
    pub icon: &'static str,
    /// `campaign`, `event` or `order`.
    pub kind: &'static str,
    /// The message's name, the event's name, the order's external id.
    pub title: String,
    /// When it happened.
    pub at: String,
    /// The campaign's or order's status.
    pub status: Option<String>,
    /// The rest of what it carries, one a line.
    pub details: Vec<String>,
}

/// The row of `contact` in the All contacts table.
pub fn list_row(contact: &Contact) -> ListRow {
    ListRow {
        id: contact.id.clone(),
        name: render::plain_name(contact),
        email: contact.email.clone().unwrap_or_default(),
        email_status: contact.email_status.map(status_badge),
        phone: contact.phone.clone().unwrap_or_default(),
        phone_status: contact.phone_status.map(status_badge),
        updated: when(contact.updated_at),
    }
}

fn status_badge(status: ChannelStatus) -> Badge {
    Badge {
        tone: render::status_tone(status).class(),
        text: status.as_str().to_string(),
    }
}

/// Every row of the Contact information tab, in the profile window's order.
pub fn information(contact: &Contact, catalog: &Catalog) -> Vec<InfoRow> {
    let row = |key, label, lines| InfoRow { key, label, lines };
    let one = |value: Option<&str>| value.map(Line::plain).into_iter().collect::<Vec<_>>();
    let mut rows = vec![
        row(
            "first_name",
            "First name",
            one(contact.first_name.as_deref()),
        ),
        row("last_name", "Last name", one(contact.last_name.as_deref())),
        row(
            "email",
            "Email",
            address_line(
                contact,
                contact.email.as_deref(),
                contact.email_status,
                Channel::Email,
            ),
        ),
        row(
            "phone",
            "Phone",
            address_line(
                contact,
                contact.phone.as_deref(),
                contact.phone_status,
                Channel::Sms,
            ),
        ),
        row(
            "external_id",
            "External ID",
            one(contact.external_id.as_deref()),
        ),
        row(
            "contact_key",
            "Contact key",
            one(contact.contact_key.as_deref()),
        ),
        row("applications", "Applications", applications(contact)),
        row("mobile_push", "Mobile push", devices(contact)),
        row("web_push", "Web push", web_push(contact)),
        row(
            "telegram",
            "Telegram",
            contact
                .telegram
                .iter()
                .map(|t| Line::plain(format!("bot {} · chat {}", t.bot_id, t.chat_id)))
                .collect(),
        ),
    ];
    let pushed: Vec<Line> = [Channel::MobilePush, Channel::WebPush, Channel::Telegram]
        .into_iter()
        .flat_map(|channel| {
            records_of(contact, channel).map(move |record| Line {
                notes: vec![suppression_note(record)],
                ..Line::plain(channel.as_str())
            })
        })
        .collect();
    if !pushed.is_empty() {
        rows.push(row("push_suppressions", "Push suppressions", pushed));
    }
    rows.extend([
        row(
            "categories",
            "Subscription categories",
            contact
                .categories
                .iter()
                .map(|key| match catalog.categories.get(key) {
                    Some(c) if c.title != *key => Line::plain(format!("{} ({key})", c.title)),
                    _ => Line::plain(key.clone()),
                })
                .collect(),
        ),
        row("address", "Address", address(contact)),
        row("location", "Location", location(contact)),
        row("timezone", "Time zone", one(contact.timezone.as_deref())),
        row(
            "language",
            "Language",
            contact
                .language
                .iter()
                .map(|tag| Line::plain(language_name(tag)))
                .collect(),
        ),
        row("segments", "Segments", segments(contact, catalog)),
        row("fields", "Additional fields", fields(contact, catalog)),
        row("orders", "Orders", orders(contact)),
        row(
            "meta",
            "Created",
            vec![Line::plain(format!(
                "{} via {} · updated {}",
                when(contact.created_at),
                contact.source.as_str(),
                when(contact.updated_at)
            ))],
        ),
    ]);
    rows
}

fn records_of(contact: &Contact, channel: Channel) -> impl Iterator<Item = &SuppressionRecord> {
    contact
        .suppressions
        .iter()
        .filter(move |r| r.channel == channel)
}

/// An email or phone with the one status the profile shows, then every suppression
/// record at it with its date and reason.
fn address_line(
    contact: &Contact,
    address: Option<&str>,
    status: Option<ChannelStatus>,
    channel: Channel,
) -> Vec<Line> {
    let Some(address) = address else {
        return Vec::new();
    };
    vec![Line {
        text: address.to_string(),
        badge: Some(status_badge(status.unwrap_or(ChannelStatus::Active))),
        hover: None,
        notes: records_of(contact, channel).map(suppression_note).collect(),
    }]
}

/// `blacklisted 2025-02-01 10:00 UTC · hard_bounce`, with its lifting if any.
fn suppression_note(record: &SuppressionRecord) -> Badge {
    Badge {
        tone: render::suppression_tone(record.kind).class(),
        text: format!(
            "{} {}",
            record.kind.as_str(),
            render::suppression_details(record)
        ),
    }
}

/// The apps among the devices, each with its device ids to show on hover.
fn applications(contact: &Contact) -> Vec<Line> {
    contact
        .applications
        .iter()
        .map(|app| {
            let count = app.device_ids.len();
            Line {
                hover: Some(format!("device ids: {}", app.device_ids.join(", "))),
                ..Line::plain(format!("{} · {count} device{}", app.app_id, plural(count)))
            }
        })
        .collect()
}

/// One line a device: its id, app, platform, model, system and whether it can be
/// reached.
fn devices(contact: &Contact) -> Vec<Line> {
    contact
        .devices
        .iter()
        .map(|device| {
            let mut parts = vec![device.device_id.clone(), device.app_id.clone()];
            parts.extend(render::device_details(device));
            Line::plain(parts.join(" · "))
        })
        .collect()
}

/// One line a web push subscription: the push service, browser and since when.
fn web_push(contact: &Contact) -> Vec<Line> {
    contact
        .web_push
        .iter()
        .map(|s| Line {
            hover: Some(s.endpoint.clone()),
            ..Line::plain(joined([
                Some(render::push_service(&s.endpoint).to_string()),
                s.user_agent.clone(),
                s.os.clone(),
                s.language.clone(),
                s.subscription_page.clone(),
                Some(format!("since {}", day(s.created_at))),
            ]))
        })
        .collect()
}

fn address(contact: &Contact) -> Vec<Line> {
    let Some(a) = &contact.address else {
        return Vec::new();
    };
    let country = a.country.as_deref().map(country_name);
    let text = joined([
        a.street_address.clone(),
        a.postcode.clone(),
        a.town.clone(),
        a.region.clone(),
        country,
    ]);
    vec![Line::plain(text)]
}

fn location(contact: &Contact) -> Vec<Line> {
    contact
        .location
        .iter()
        .map(|l| Line::plain(render::location_line(l)))
        .collect()
}

/// The contact's segments by name, each with its kind when it is not a static list
/// (a category's segment follows its subscribers, a dynamic one its rule).
fn segments(contact: &Contact, catalog: &Catalog) -> Vec<Line> {
    let mut lines: Vec<(String, Option<Badge>)> = contact
        .segments
        .iter()
        .filter_map(|id| catalog.segments.get(id))
        .map(|s| {
            let kind = match s.kind {
                SegmentKind::Static => None,
                SegmentKind::Dynamic => Some("dynamic"),
                SegmentKind::Category => Some("category"),
            };
            let badge = kind.map(|k| Badge {
                tone: "grey",
                text: k.to_string(),
            });
            (s.name.clone(), badge)
        })
        .collect();
    lines.sort_by(|a, b| a.0.cmp(&b.0));
    lines
        .into_iter()
        .map(|(name, badge)| Line {
            badge,
            ..Line::plain(name)
        })
        .collect()
}

/// `Title: value`, by key.
fn fields(contact: &Contact, catalog: &Catalog) -> Vec<Line> {
    contact
        .fields
        .iter()
        .map(|(key, value)| {
            Line::plain(format!(
                "{}: {}",
                catalog.field_title(key),
                render::field_text(value)
            ))
        })
        .collect()
}

fn orders(contact: &Contact) -> Vec<Line> {
    render::order_summary(&contact.order_stats)
        .map(Line::plain)
        .into_iter()
        .collect()
}

/// A timeline item as the activity tab draws it: the colour bar and icon the book
/// gives it, and its data (message, date and status; event name and workflows;
/// order external id, amount, date and status).
pub fn item(activity: &Activity) -> Item {
    let (kind, title, status, details) = match &activity.detail {
        ActivityDetail::Campaign(c) => {
            let mut status = c.status.as_str().to_string();
            if let Some(description) = &c.status_description {
                status.push_str(&format!(" ({description})"));
            }
            let details = [
                Some(format!("{} · message {}", c.channel.as_str(), c.message_id)),
                c.sent_to.as_ref().map(|to| format!("sent to {to}")),
            ];
            (
                "campaign",
                c.message_name
                    .clone()
                    .unwrap_or_else(|| c.message_id.clone()),
                Some(status),
                details.into_iter().flatten().collect(),
            )
        }
        ActivityDetail::Event(e) => {
            let mut details = Vec::new();
            if let Some(key) = &e.key_value {
                details.push(format!("key value {key}"));
            }
            details.push(if e.workflows.is_empty() {
                "started no workflow".to_string()
            } else {
                format!("workflows: {}", e.workflows.join(", "))
            });
            if !e.params.is_empty() {
                details.push(serde_json::Value::Object(e.params.clone()).to_string());
            }
            ("event", e.name.clone(), None, details)
        }
        ActivityDetail::Order(o) => {
            let count = o.items.len();
            let details = [
                Some(format!("{} {}", o.amount, o.currency)),
                (count > 0).then(|| format!("{count} item{}", plural(count))),
                o.store_id.as_ref().map(|s| format!("store {s}")),
                Some(render::enum_name(&o.source)),
            ];
            (
                "order",
                o.external_id.clone(),
                Some(o.status.as_str().to_string()),
                details.into_iter().flatten().collect(),
            )
        }
    };
    Item {
        color: activity.color().as_str(),
        icon: activity.icon(),
        kind,
        title,
        at: when(activity.at),
        status,
        details,
    }
}

/// The static segments' names of `contact`, for the preview.
pub fn static_segments(contact: &Contact, catalog: &Catalog) -> String {
    catalog.static_segment_names(contact).join(", ")
}

/// `UA` as `Ukraine (UA)`; a code the country list does not know as it is.
pub fn country_name(code: &str) -> String {
    match code.parse::<celes::Country>() {
        Ok(country) => format!("{} ({code})", country.long_name),
        Err(_) => code.to_string(),
    }
}

/// A language tag with its language's English name, `Portuguese (pt-BR)`: the name
/// comes from the tag's ISO 639-1 primary subtag; a tag without one is shown as given.
pub fn language_name(tag: &str) -> String {
    let primary = tag.split(['-', '_']).next().unwrap_or(tag);
    match isolang::Language::from_639_1(&primary.to_ascii_lowercase()) {
        Some(language) => format!("{} ({tag})", language.to_name()),
        None => tag.to_string(),
    }
}

/// The present parts joined with ` · `, a part equal to the one before it left out.
fn joined<const N: usize>(parts: [Option<String>; N]) -> String {
    let mut out: Vec<String> = Vec::new();
    for part in parts.into_iter().flatten().filter(|p| !p.is_empty()) {
        if out.last() != Some(&part) {
            out.push(part);
        }
    }
    out.join(" · ")
}
