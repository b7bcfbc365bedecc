//! The profile card in a terminal: the Contact information block and the Contact
//! activity block, newest first, each row led by its colour bar (green campaigns
//! with the channel's name, brown events with a flag, red orders with a bag).
//!
//! Colour is only escapes around the same text: with colour off (NO_COLOR, a pipe,
//! `--color never`) the card is plain text with exactly the same layout, which is
//! what the golden test compares.
//!
//! Stored text never reaches the terminal raw: every value from the book passes
//! [`escape`] where it joins the card, so the only escapes in the output are the
//! card's own colours.

use chrono::{DateTime, Utc};
use contactkit::{
    Activity, ActivityDetail, Category, ChannelStatus, Color, Contact, FieldDefinition,
    MobilePushDevice, Segment, SegmentKind, SuppressionKind, SuppressionRecord,
};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Width of the label column in the information block.
const LABEL: usize = 14;

/// How text is drawn.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Wrap text in ANSI colour escapes.
    pub color: bool,
}

/// A piece of text and the colour it is shown in: an ANSI escape on the card, a CSS
/// class in the studio.
#[derive(Clone, Copy)]
pub enum Tone {
    Bold,
    Dim,
    Green,
    Brown,
    Red,
    Yellow,
}

impl Tone {
    /// The studio's CSS class for the tone.
    pub fn class(self) -> &'static str {
        match self {
            Tone::Bold => "bold",
            Tone::Dim => "dim",
            Tone::Green => "green",
            Tone::Brown => "brown",
            Tone::Red => "red",
            Tone::Yellow => "yellow",
        }
    }

    fn escape(self) -> &'static str {
        match self {
            Tone::Bold => "\x1b[1m",
            Tone::Dim => "\x1b[2m",
            Tone::Green => "\x1b[32m",
            // 256-colour palette 130 is a brown; 16-colour terminals show yellow.
            Tone::Brown => "\x1b[38;5;130m",
            Tone::Red => "\x1b[31m",
            Tone::Yellow => "\x1b[33m",
        }
    }
}

impl Style {
    fn paint(self, tone: Tone, text: &str) -> String {
        if self.color {
            format!("{}{text}\x1b[0m", tone.escape())
        } else {
            text.to_string()
        }
    }
}

/// Text as a terminal may show it: each character that could act on the terminal
/// (a C0 or C1 control, DEL) or rearrange what it shows (a bidirectional embedding,
/// override or isolate; a line or paragraph separator) written as its Rust escape
/// (`\u{1b}`, `\n`). Stored data thus cannot clear the screen, retitle the window,
/// move the cursor, fake a line or reorder a row. Text without such characters is
/// returned as it is, and escaping twice changes nothing.
pub fn escape(text: &str) -> Cow<'_, str> {
    replace_acting(text, |out, c| out.extend(c.escape_debug()))
}

/// A value as one JSON line that is as safe to show: serde_json escapes the C0
/// controls, and the other characters [`escape`] writes out (DEL, C1, the
/// bidirectional and separator marks) are escaped the JSON way (`\u009b`), so the
/// line still reads back as the same value.
pub fn json_line(value: &impl serde::Serialize) -> String {
    let json = serde_json::to_string(value).unwrap_or_default();
    // Such a character is only ever inside a JSON string, and each is in the BMP.
    replace_acting(&json, |out, c| {
        let _ = write!(out, "\\u{:04x}", u32::from(c));
    })
    .into_owned()
}

/// `text` with each character that [`acts_on_terminal`] replaced by what `write`
/// writes for it.
fn replace_acting(text: &str, write: impl Fn(&mut String, char)) -> Cow<'_, str> {
    if !text.chars().any(acts_on_terminal) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if acts_on_terminal(c) {
            write(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The characters [`escape`] and [`json_line`] write out.
fn acts_on_terminal(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// What the card needs from the book besides the contact: names for ids.
pub struct Catalog {
    /// Segment names by id.
    pub segments: BTreeMap<String, Segment>,
    /// Category titles by key.
    pub categories: BTreeMap<String, Category>,
    /// Field definitions by key.
    pub fields: BTreeMap<String, FieldDefinition>,
}

impl Catalog {
    /// A field's title, or its key when the definition is gone.
    pub fn field_title(&self, key: &str) -> String {
        self.fields
            .get(key)
            .map(field_title)
            .unwrap_or_else(|| key.to_string())
    }

    /// Gathers the catalogue from lists as the book returns them.
    pub fn new(
        segments: Vec<Segment>,
        categories: Vec<Category>,
        fields: Vec<FieldDefinition>,
    ) -> Self {
        Catalog {
            segments: segments.into_iter().map(|s| (s.id.clone(), s)).collect(),
            categories: categories.into_iter().map(|c| (c.key.clone(), c)).collect(),
            fields: fields.into_iter().map(|f| (f.key.clone(), f)).collect(),
        }
    }

    /// Names of the contact's static segments (category segments follow the
    /// categories and are shown there), sorted.
    pub fn static_segment_names(&self, contact: &Contact) -> Vec<String> {
        let mut names: Vec<String> = contact
            .segments
            .iter()
            .filter_map(|id| self.segments.get(id))
            .filter(|s| s.kind == SegmentKind::Static)
            .map(|s| s.name.clone())
            .collect();
        names.sort();
        names
    }
}

/// The activity block's items and what they cover.
pub struct Timeline<'a> {
    /// Items, newest first.
    pub items: &'a [Activity],
    /// A sentence of what is shown, e.g. `all · last 30 days`.
    pub scope: String,
    /// A hint printed under the items when more exist.
    pub more: Option<String>,
}

/// The whole card: a title, the information block, the activity block.
pub fn card(contact: &Contact, catalog: &Catalog, timeline: &Timeline<'_>, style: Style) -> String {
    let mut out = String::new();
    let name = display_name(contact);
    let _ = writeln!(out, "{}", style.paint(Tone::Bold, &name));
    let _ = writeln!(
        out,
        "{}",
        style.paint(
            Tone::Dim,
            &format!(
                "created {} via {} · updated {}",
                when(contact.created_at),
                contact.source.as_str(),
                when(contact.updated_at)
            )
        )
    );
    out.push('\n');
    information(&mut out, contact, catalog, style);
    out.push('\n');
    activity_block(&mut out, timeline, style);
    out
}

/// `First Last`, or the best identifier when the contact has no name; escaped.
pub fn display_name(contact: &Contact) -> String {
    escape(&plain_name(contact)).into_owned()
}

/// `First Last`, or the email, phone or external id of a contact without a name, as
/// stored: the name every surface (card, studio) gives a contact.
pub fn plain_name(contact: &Contact) -> String {
    let name = [contact.first_name.as_deref(), contact.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if !name.is_empty() {
        return name;
    }
    contact
        .email
        .as_deref()
        .or(contact.phone.as_deref())
        .or(contact.external_id.as_deref())
        .unwrap_or("(no name)")
        .to_string()
}

/// The Contact information block.
fn information(out: &mut String, contact: &Contact, catalog: &Catalog, style: Style) {
    let _ = writeln!(out, "{}", style.paint(Tone::Bold, "Contact information"));
    let mut row = |label: &str, value: String| {
        let _ = writeln!(
            out,
            "  {}{}",
            style.paint(Tone::Dim, &format!("{label:<LABEL$}")),
            value
        );
    };
    let indent = " ".repeat(2 + LABEL);

    row("ID", escape(&contact.id).into_owned());
    row("External ID", or_dash(contact.external_id.as_deref()));
    row("Contact key", or_dash(contact.contact_key.as_deref()));

    row(
        "Email",
        address_line(
            contact.email.as_deref(),
            contact.email_status,
            &suppressions_of(contact, contactkit::Channel::Email),
            &indent,
            style,
        ),
    );
    row(
        "Phone",
        address_line(
            contact.phone.as_deref(),
            contact.phone_status,
            &suppressions_of(contact, contactkit::Channel::Sms),
            &indent,
            style,
        ),
    );

    row("Mobile push", devices(contact, &indent));
    let mut other = String::new();
    for channel in [
        contactkit::Channel::MobilePush,
        contactkit::Channel::WebPush,
        contactkit::Channel::Telegram,
    ] {
        for record in suppressions_of(contact, channel) {
            let _ = write!(
                other,
                "\n{indent}  {} {}",
                channel.as_str(),
                suppression_text(&record, style)
            );
        }
    }
    row("Web push", web_push(contact, &indent));
    row(
        "Telegram",
        match &contact.telegram {
            Some(t) => format!("bot {} · chat {}", escape(&t.bot_id), escape(&t.chat_id)),
            None => "—".to_string(),
        },
    );
    if !other.is_empty() {
        row(
            "Suppressed",
            other.trim_start_matches('\n').trim().to_string(),
        );
    }
    row(
        "Categories",
        list_or_dash(
            contact
                .categories
                .iter()
                .map(|key| match catalog.categories.get(key) {
                    Some(c) if c.title != *key => format!("{} ({key})", c.title),
                    _ => key.clone(),
                }),
        ),
    );
    row(
        "Address",
        match &contact.address {
            Some(a) => list_or_dash(
                distinct([
                    a.street_address.as_deref(),
                    a.postcode.as_deref(),
                    a.town.as_deref(),
                    a.region.as_deref(),
                    a.country.as_deref(),
                ])
                .into_iter(),
            ),
            None => "—".to_string(),
        },
    );
    row(
        "Location",
        match &contact.location {
            Some(l) => escape(&location_line(l)).into_owned(),
            None => "—".to_string(),
        },
    );
    row("Time zone", or_dash(contact.timezone.as_deref()));
    row("Language", or_dash(contact.language.as_deref()));
    row(
        "Segments",
        list_or_dash(catalog.static_segment_names(contact).into_iter()),
    );
    row("Fields", fields(contact, catalog, &indent));
    row(
        "Orders",
        order_summary(&contact.order_stats)
            .map(|summary| escape(&summary).into_owned())
            .unwrap_or_else(|| "—".to_string()),
    );
}

/// A contact's orders in one line, `3 orders · delivered 14715 UAH · last
/// 2026-11-30`, or `None` without orders: the card and the studio both show it.
pub fn order_summary(stats: &contactkit::OrderStats) -> Option<String> {
    if stats.order_count == 0 {
        return None;
    }
    let revenue = if stats.revenue.is_empty() {
        "no delivered revenue".to_string()
    } else {
        stats
            .revenue
            .iter()
            .map(|(currency, amount)| format!("{amount} {currency}"))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    let last = stats
        .last_order_at
        .map(|at| format!(" · last {}", day(at)))
        .unwrap_or_default();
    Some(format!(
        "{} order{} · delivered {revenue}{last}",
        stats.order_count,
        plural(stats.order_count as usize)
    ))
}

fn suppressions_of(contact: &Contact, channel: contactkit::Channel) -> Vec<SuppressionRecord> {
    contact
        .suppressions
        .iter()
        .filter(|r| r.channel == channel)
        .cloned()
        .collect()
}

/// An email or phone with its one status, then every suppression record with its
/// date and reason.
fn address_line(
    address: Option<&str>,
    status: Option<ChannelStatus>,
    records: &[SuppressionRecord],
    indent: &str,
    style: Style,
) -> String {
    let Some(address) = address else {
        return "—".to_string();
    };
    let status = status.unwrap_or(ChannelStatus::Active);
    let mut text = format!(
        "{} · {}",
        escape(address),
        style.paint(status_tone(status), status.as_str())
    );
    for record in records {
        let _ = write!(text, "\n{indent}  {}", suppression_text(record, style));
    }
    text
}

/// `blacklisted 2025-02-01 10:00 UTC · hard_bounce`, with the lifting if any.
fn suppression_text(record: &SuppressionRecord, style: Style) -> String {
    format!(
        "{} {}",
        style.paint(suppression_tone(record.kind), record.kind.as_str()),
        escape(&suppression_details(record))
    )
}

/// The colour of an address's status: green when it may be sent to, yellow when
/// the person opted out or has not confirmed, red when it is blocked.
pub fn status_tone(status: ChannelStatus) -> Tone {
    match status {
        ChannelStatus::Active => Tone::Green,
        ChannelStatus::Unconfirmed | ChannelStatus::Unsubscribed => Tone::Yellow,
        ChannelStatus::SpamComplaint | ChannelStatus::Blacklisted => Tone::Red,
    }
}

/// The colour of a suppression record, as [`status_tone`] colours the status it sets.
pub fn suppression_tone(kind: SuppressionKind) -> Tone {
    match kind {
        SuppressionKind::Blacklisted | SuppressionKind::SpamComplaint => Tone::Red,
        SuppressionKind::Unsubscribed => Tone::Yellow,
    }
}

/// What follows a suppression record's kind, plain: `2025-02-01 10:00 UTC ·
/// hard_bounce`, then its lifting if any (`· lifted … (note)`).
pub fn suppression_details(record: &SuppressionRecord) -> String {
    let mut text = when(record.at);
    if let Some(reason) = &record.reason {
        let _ = write!(text, " · {reason}");
    }
    if let Some(lifted) = record.lifted_at {
        let _ = write!(text, " · lifted {}", when(lifted));
        if let Some(note) = &record.lift_note {
            let _ = write!(text, " ({note})");
        }
    }
    text
}

/// A location in one line, plain: `50.4474, 30.5219 ±25 m · Kyiv, UA · gps ·
/// 2026-12-02` (the place's repeated parts once).
pub fn location_line(l: &contactkit::Location) -> String {
    let mut text = format!("{:.4}, {:.4}", l.latitude, l.longitude);
    if let Some(accuracy) = l.accuracy {
        let _ = write!(text, " ±{accuracy} m");
    }
    let place = distinct([l.city.as_deref(), l.region.as_deref(), l.country.as_deref()]).join(", ");
    if !place.is_empty() {
        let _ = write!(text, " · {place}");
    }
    let _ = write!(text, " · {} · {}", l.source.as_str(), day(l.updated_at));
    text
}

/// A serde-named enum's lowercase name (`ios`, `online`), for the enums without an
/// `as_str` of their own.
pub fn enum_name(value: &impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// What a push device is, as the card and the studio show it after its id: platform,
/// model, system, app version, locale, and whether it can be reached (plain text).
pub fn device_details(device: &MobilePushDevice) -> Vec<String> {
    let platform = enum_name(&device.platform);
    let os = [device.os.as_deref(), device.os_version.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let reach = match (device.active, device.token.is_some()) {
        (_, false) => "no push token",
        (true, true) => "active",
        (false, true) => "inactive",
    };
    [
        Some(platform),
        device.model.clone(),
        (!os.is_empty()).then_some(os),
        device.app_version.as_ref().map(|v| format!("v{v}")),
        device.locale.clone(),
        Some(reach.to_string()),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The push service of a web push endpoint, its host (`fcm.googleapis.com`): the
/// endpoint itself is a long capability URL, too long to show and not for display.
pub fn push_service(endpoint: &str) -> &str {
    endpoint
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or(endpoint)
}

/// Devices grouped by app: the app with its device count, then one line a device.
fn devices(contact: &Contact, indent: &str) -> String {
    if contact.applications.is_empty() {
        return "—".to_string();
    }
    let mut text = String::new();
    for (i, app) in contact.applications.iter().enumerate() {
        if i > 0 {
            let _ = write!(text, "\n{indent}");
        }
        let count = app.device_ids.len();
        let _ = write!(
            text,
            "{} · {count} device{}",
            escape(&app.app_id),
            plural(count)
        );
        for device in contact.devices.iter().filter(|d| d.app_id == app.app_id) {
            let details = device_details(device).join(" · ");
            let _ = write!(
                text,
                "\n{indent}  {:<12} {}",
                escape(&device.device_id),
                escape(&details)
            );
        }
    }
    text
}

/// One line a web push subscription: the push service, browser and since when.
fn web_push(contact: &Contact, indent: &str) -> String {
    if contact.web_push.is_empty() {
        return "—".to_string();
    }
    contact
        .web_push
        .iter()
        .map(|s| {
            let line = [
                Some(push_service(&s.endpoint).to_string()),
                s.user_agent.clone(),
                s.os.clone(),
                s.language.clone(),
                Some(format!("since {}", day(s.created_at))),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
            escape(&line).into_owned()
        })
        .collect::<Vec<_>>()
        .join(&format!("\n{indent}"))
}

/// Additional fields: title and value, one a line, by key.
fn fields(contact: &Contact, catalog: &Catalog, indent: &str) -> String {
    if contact.fields.is_empty() {
        return "—".to_string();
    }
    let titled: Vec<(String, String)> = contact
        .fields
        .iter()
        .map(|(key, value)| {
            let (title, value) = (catalog.field_title(key), field_text(value));
            (escape(&title).into_owned(), escape(&value).into_owned())
        })
        .collect();
    let width = titled
        .iter()
        .map(|(t, _)| t.chars().count())
        .max()
        .unwrap_or(0);
    titled
        .iter()
        .map(|(title, value)| format!("{title:<width$}  {value}"))
        .collect::<Vec<_>>()
        .join(&format!("\n{indent}"))
}

/// The Contact activity block: a heading, then one row an item. The scope and the
/// hint may quote stored text (a name, an id), so they are escaped here.
pub fn activity_block(out: &mut String, timeline: &Timeline<'_>, style: Style) {
    let _ = writeln!(
        out,
        "{} {}",
        style.paint(Tone::Bold, "Contact activity"),
        style.paint(
            Tone::Dim,
            &format!("· {} · newest first", escape(&timeline.scope))
        )
    );
    if timeline.items.is_empty() {
        let _ = writeln!(out, "  {}", style.paint(Tone::Dim, "no activity"));
    }
    for item in timeline.items {
        let _ = writeln!(out, "{}", activity_row(item, style));
    }
    if let Some(more) = &timeline.more {
        let _ = writeln!(out, "  {}", style.paint(Tone::Dim, &escape(more)));
    }
}

/// `▌ 2025-05-30 09:12  email     Spring sale · read`: the bar in the item's colour,
/// the time (UTC), the icon (a campaign's channel, a flag, a bag), then what it was.
pub fn activity_row(item: &Activity, style: Style) -> String {
    let tone = match item.color() {
        Color::Green => Tone::Green,
        Color::Brown => Tone::Brown,
        Color::Red => Tone::Red,
    };
    // The icon column is 14 cells: a glyph (or nothing) and a label.
    let icon = match &item.detail {
        ActivityDetail::Campaign(c) => format!("{:<14}", c.channel.as_str()),
        // U+2691 is one cell wide, U+1F45C two: pad each to the same width.
        ActivityDetail::Event(_) => format!("{:<14}", "⚑ event"),
        ActivityDetail::Order(_) => format!("{:<13}", "👜 order"),
    };
    let text = match &item.detail {
        ActivityDetail::Campaign(c) => {
            let mut text = format!(
                "{} · {}",
                c.message_name.as_deref().unwrap_or(&c.message_id),
                c.status.as_str()
            );
            if let Some(description) = &c.status_description {
                let _ = write!(text, " ({description})");
            }
            text
        }
        ActivityDetail::Event(e) => {
            let mut text = e.name.clone();
            if let Some(key) = &e.key_value {
                let _ = write!(text, " · {key}");
            }
            if !e.workflows.is_empty() {
                let _ = write!(text, " → {}", e.workflows.join(", "));
            }
            text
        }
        ActivityDetail::Order(o) => {
            let mut text = format!(
                "{} · {} {} · {}",
                o.external_id,
                o.amount,
                o.currency,
                o.status.as_str()
            );
            let count = o.items.len();
            if count > 0 {
                let _ = write!(text, " · {count} item{}", plural(count));
            }
            text
        }
    };
    format!(
        "{} {}  {}{}",
        style.paint(tone, "▌"),
        style.paint(Tone::Dim, &item.at.format("%Y-%m-%d %H:%M").to_string()),
        style.paint(tone, &icon),
        escape(&text)
    )
}

/// A field's title, or its key when it has none.
pub fn field_title(definition: &FieldDefinition) -> String {
    if definition.title.is_empty() {
        definition.key.clone()
    } else {
        definition.title.clone()
    }
}

/// A field's value as the card and the studio show it: a multilist's items joined,
/// an instant as [`when`], a boolean as yes or no.
pub fn field_text(value: &contactkit::FieldValue) -> String {
    use contactkit::FieldValue;
    match value {
        FieldValue::Multilist(items) => items.join(", "),
        FieldValue::Datetime(at) => when(*at),
        FieldValue::Boolean(true) => "yes".into(),
        FieldValue::Boolean(false) => "no".into(),
        other => other.to_platform_string(),
    }
}

/// An instant as the card and every studio page show it: `2025-05-30 09:12 UTC`.
pub fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A day: `2025-05-30`.
pub fn day(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

/// The present parts, a part equal to the one before it left out ("Kyiv, Kyiv"
/// reads "Kyiv").
fn distinct<const N: usize>(parts: [Option<&str>; N]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in parts.into_iter().flatten() {
        if out.last().map(String::as_str) != Some(part) {
            out.push(part.to_string());
        }
    }
    out
}

/// A stored value, escaped, or a dash when there is none.
fn or_dash(value: Option<&str>) -> String {
    escape(value.unwrap_or("—")).into_owned()
}

/// Stored values joined with commas, escaped, or a dash when there are none.
fn list_or_dash(items: impl Iterator<Item = String>) -> String {
    let joined = items.collect::<Vec<_>>().join(", ");
    if joined.is_empty() {
        "—".to_string()
    } else {
        escape(&joined).into_owned()
    }
}

/// The plural ending of a count's noun.
pub fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_bidi_marks_and_separators_are_escaped_once() {
        let stored = "Kyiv\u{1b}[2J\u{7f}\u{9b}\u{202e}\u{2028}\tend";
        let shown = r"Kyiv\u{1b}[2J\u{7f}\u{9b}\u{202e}\u{2028}\tend";
        assert_eq!(escape(stored), shown);
        assert_eq!(escape(shown), shown, "escaping twice changes nothing");
        assert!(matches!(
            escape("Київ · 👜 \"quoted\" \\"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn json_lines_escape_the_same_characters_and_read_back() {
        let stored = "a\u{1b}\u{85}\u{2066}b";
        let line = json_line(&stored);
        assert_eq!(line, r#""a\u001b\u0085\u2066b""#);
        assert_eq!(serde_json::from_str::<String>(&line).unwrap(), stored);
    }
}
