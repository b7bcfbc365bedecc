//! The studio's routes: each handler reads the request, asks the book (on tokio's
//! blocking pool), turns what it gets into a page with [`super::view`] or
//! [`super::edit`], and renders a template. Every value reaches the HTML through
//! askama, which escapes it for HTML.

use super::edit::{self, Choice, FieldControl, SegmentChoice, Values};
use super::guard::Guard;
use super::{assets, search, view};
use crate::render::Catalog;
use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use contactkit::{ActivityCategory, ActivityQuery, Contact, ContactBook, Error, ListQuery, Period};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Contacts a page of the All contacts table shows.
const CONTACTS_PAGE: u32 = 25;
/// Items a page of the activity tab shows.
const ACTIVITY_PAGE: u32 = 20;

/// What every handler shares.
#[derive(Clone)]
pub struct Studio {
    /// The book the pages read and edit.
    pub book: Arc<ContactBook>,
    /// Which requests may reach the pages.
    pub guard: Arc<Guard>,
}

/// The routes, behind the guard and the security headers.
pub fn router(studio: Studio) -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::to("/contacts") }))
        .route("/contacts", get(contacts))
        .route("/contacts/{id}", get(profile))
        .route("/contacts/{id}/preview", get(preview))
        .route("/contacts/{id}/edit", get(edit_form).post(save))
        .route("/assets/studio.css", get(|| async { assets::stylesheet() }))
        .route("/assets/studio.js", get(|| async { assets::script() }))
        .route("/favicon.ico", get(|| async { assets::icon() }))
        .fallback(|| async { PageError::NotFound("no such page".into()) })
        .layer(middleware::from_fn_with_state(studio.clone(), guarded))
        .with_state(studio)
}

/// Turns away what the guard refuses, and adds the headers that keep pages from
/// being framed, sniffed or running script from anywhere but the studio itself.
async fn guarded(State(studio): State<Studio>, request: Request, next: Next) -> Response {
    let mut response = match studio
        .guard
        .check_request(request.method(), request.headers())
    {
        Ok(()) => next.run(request).await,
        Err(refusal) => PageError::Refused(refusal.0).into_response(),
    };
    let headers = response.headers_mut();
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::CACHE_CONTROL, "no-store"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// Why a page could not be shown.
pub enum PageError {
    /// Nothing at that address (an unknown or deleted contact).
    NotFound(String),
    /// The request asked for something the book refused (a junk cursor).
    BadRequest(String),
    /// The guard turned it away.
    Refused(String),
    /// The book could not be read or written.
    Storage(String),
}

impl From<Error> for PageError {
    fn from(error: Error) -> Self {
        match error {
            Error::NotFound { .. } => PageError::NotFound(error.to_string()),
            Error::Storage { .. } => PageError::Storage(error.to_string()),
            other => PageError::BadRequest(other.to_string()),
        }
    }
}

#[derive(Template)]
#[template(path = "studio/error.html")]
struct ErrorPage {
    title: &'static str,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, message) = match self {
            PageError::NotFound(m) => (StatusCode::NOT_FOUND, "Not found", m),
            PageError::BadRequest(m) => (StatusCode::BAD_REQUEST, "Bad request", m),
            PageError::Refused(m) => (StatusCode::FORBIDDEN, "Refused", m),
            PageError::Storage(m) => (StatusCode::INTERNAL_SERVER_ERROR, "Storage error", m),
        };
        (status, page(&ErrorPage { title, message })).into_response()
    }
}

/// A rendered template; a template that fails to render is a bug, shown as one.
fn page(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the studio could not draw this page: {e}"),
        )
            .into_response(),
    }
}

/// Runs `call` on the book on the blocking pool (the book is synchronous, and a long
/// read must not hold up the other pages), giving back the book's own answer.
async fn book_call<T: Send + 'static>(
    studio: &Studio,
    call: impl FnOnce(&ContactBook) -> contactkit::Result<T> + Send + 'static,
) -> Result<contactkit::Result<T>, PageError> {
    let book = studio.book.clone();
    tokio::task::spawn_blocking(move || call(&book))
        .await
        .map_err(|e| PageError::Storage(format!("the book call did not finish: {e}")))
}

/// [`book_call`], with the book's error as the page's.
async fn with_book<T: Send + 'static>(
    studio: &Studio,
    call: impl FnOnce(&ContactBook) -> contactkit::Result<T> + Send + 'static,
) -> Result<T, PageError> {
    book_call(studio, call).await?.map_err(PageError::from)
}

/// The live contact `id`, or the not-found page.
async fn contact(studio: &Studio, id: String) -> Result<Contact, PageError> {
    let wanted = id.clone();
    with_book(studio, move |book| book.get(&wanted))
        .await?
        .ok_or_else(|| PageError::NotFound(format!("no live contact has id {id:?}")))
}

/// The values of a query string in order, a repeated key keeping each.
type Pairs = Vec<(String, String)>;

fn first<'a>(pairs: &'a Pairs, key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The cursors of the pages before this one (`after=…`, oldest first): the last is
/// where this page starts, and dropping it is the previous page.
fn trail(pairs: &Pairs) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == "after")
        .map(|(_, v)| v.clone())
        .collect()
}

/// `path?k=v&…`, encoded.
fn href(path: &str, pairs: &[(&str, &str)]) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().filter(|(_, v)| !v.is_empty()))
        .finish();
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

/// Links to the previous and next page of a cursor-paged list, keeping `fixed`.
fn pager(
    path: &str,
    fixed: &[(&str, &str)],
    trail: &[String],
    next: Option<&str>,
) -> (Option<String>, Option<String>) {
    let link = |cursors: &[&str]| {
        let mut pairs = fixed.to_vec();
        pairs.extend(cursors.iter().map(|c| ("after", *c)));
        href(path, &pairs)
    };
    let cursors: Vec<&str> = trail.iter().map(String::as_str).collect();
    let prev = (!cursors.is_empty()).then(|| link(&cursors[..cursors.len() - 1]));
    let next = next.map(|n| {
        let mut longer = cursors.clone();
        longer.push(n);
        link(&longer)
    });
    (prev, next)
}

#[derive(Template)]
#[template(path = "studio/contacts.html")]
struct ContactsPage {
    q: String,
    rows: Vec<view::ListRow>,
    total: u64,
    page_no: usize,
    prev_href: Option<String>,
    next_href: Option<String>,
    problem: Option<String>,
}

/// Contacts → All contacts: the table, the search box, the pages.
async fn contacts(
    State(studio): State<Studio>,
    Query(pairs): Query<Pairs>,
) -> Result<Response, PageError> {
    let q = first(&pairs, "q").unwrap_or("").to_string();
    let trail = trail(&pairs);
    let rule = search::rule(&q);
    let query = ListQuery {
        limit: Some(CONTACTS_PAGE),
        cursor: trail.last().cloned(),
    };
    let (total, answer) = with_book(&studio, move |book| {
        Ok(match &rule {
            Ok(Some(rule)) => (book.count_where(rule)?, book.list_where(rule, &query)),
            Ok(None) => (book.count()?, book.list(&query)),
            Err(error) => (0, Err(error.clone())),
        })
    })
    .await?;
    // A search too large for a rule, or a junk cursor in the address bar, is a
    // validation error, shown above an empty table rather than as a broken page.
    let (items, next, problem) = match answer.map_err(PageError::from) {
        Ok(page_of) => (page_of.items, page_of.next_cursor, None),
        Err(PageError::BadRequest(message)) => (Vec::new(), None, Some(message)),
        Err(other) => return Err(other),
    };
    let (prev_href, next_href) = pager("/contacts", &[("q", &q)], &trail, next.as_deref());
    Ok(page(&ContactsPage {
        rows: items.iter().map(view::list_row).collect(),
        total,
        page_no: trail.len() + 1,
        prev_href,
        next_href,
        problem,
        q,
    }))
}

#[derive(Template)]
#[template(path = "studio/preview.html")]
struct PreviewPage {
    id: String,
    name: String,
    email: String,
    email_status: Option<view::Badge>,
    phone: String,
    phone_status: Option<view::Badge>,
    segments: String,
    updated: String,
}

/// The preview a row's icon opens: who it is and how to reach them, at a glance.
async fn preview(
    State(studio): State<Studio>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let contact = contact(&studio, id).await?;
    let catalog = catalog(&studio).await?;
    let row = view::list_row(&contact);
    Ok(page(&PreviewPage {
        segments: view::static_segments(&contact, &catalog),
        id: row.id,
        name: row.name,
        email: row.email,
        email_status: row.email_status,
        phone: row.phone,
        phone_status: row.phone_status,
        updated: row.updated,
    }))
}

async fn catalog(studio: &Studio) -> Result<Catalog, PageError> {
    with_book(studio, |book| {
        Ok(Catalog::new(
            book.segments()?,
            book.categories()?,
            book.field_definitions()?,
        ))
    })
    .await
}

/// A category link of the activity tab.
struct CategoryLink {
    value: &'static str,
    label: &'static str,
    href: String,
    current: bool,
}

/// A period of the dropdown.
struct PeriodChoice {
    value: &'static str,
    label: &'static str,
    current: bool,
}

/// The Contact activity tab's contents.
struct ActivityTab {
    category: &'static str,
    categories: Vec<CategoryLink>,
    periods: Vec<PeriodChoice>,
    items: Vec<view::Item>,
    prev_href: Option<String>,
    next_href: Option<String>,
    problem: Option<String>,
}

#[derive(Template)]
#[template(path = "studio/profile.html")]
struct ProfilePage {
    id: String,
    name: String,
    notice: Option<&'static str>,
    rows: Vec<view::InfoRow>,
    activity: Option<ActivityTab>,
}

const CATEGORIES: [(&str, &str, ActivityCategory); 4] = [
    ("all", "All activity", ActivityCategory::All),
    ("campaigns", "Campaigns", ActivityCategory::Campaigns),
    ("events", "Events", ActivityCategory::Events),
    ("orders", "Orders", ActivityCategory::Orders),
];

const PERIODS: [(&str, &str); 5] = [
    ("7d", "Last 7 days"),
    ("30d", "Last 30 days"),
    ("90d", "Last 90 days"),
    ("1y", "Last year"),
    ("all", "All time"),
];

/// The profile window: the Contact information tab, or with `tab=activity` the
/// Contact activity tab (`category`, `period`, `after`).
async fn profile(
    State(studio): State<Studio>,
    Path(id): Path<String>,
    Query(pairs): Query<Pairs>,
) -> Result<Response, PageError> {
    let contact = contact(&studio, id).await?;
    let notice = match first(&pairs, "saved") {
        Some("1") => Some("Saved."),
        Some("unchanged") => Some("Nothing to save: the form was unchanged."),
        _ => None,
    };
    let activity = if first(&pairs, "tab") == Some("activity") {
        Some(activity_tab(&studio, &contact.id, &pairs).await?)
    } else {
        None
    };
    let rows = match activity {
        Some(_) => Vec::new(),
        None => view::information(&contact, &catalog(&studio).await?),
    };
    Ok(page(&ProfilePage {
        name: view::list_row(&contact).name,
        id: contact.id,
        notice,
        rows,
        activity,
    }))
}

async fn activity_tab(studio: &Studio, id: &str, pairs: &Pairs) -> Result<ActivityTab, PageError> {
    let wanted = first(pairs, "category").unwrap_or("all");
    let (category_name, _, category) = CATEGORIES
        .iter()
        .copied()
        .find(|(name, _, _)| *name == wanted)
        .unwrap_or(CATEGORIES[0]);
    let period_name = first(pairs, "period")
        .and_then(|p| PERIODS.iter().find(|(name, _)| *name == p))
        .map(|(name, _)| *name)
        .unwrap_or("30d");
    let period: Period = period_name.parse().map_err(PageError::from)?;
    let trail = trail(pairs);
    let query = ActivityQuery {
        category,
        period,
        limit: Some(ACTIVITY_PAGE),
        cursor: trail.last().cloned(),
        ..ActivityQuery::default()
    };
    let id = id.to_string();
    let path = format!("/contacts/{id}");
    // A junk cursor in the address bar is the book's validation error, shown on the
    // tab rather than as a broken page.
    let (items, next, problem) =
        match with_book(studio, move |book| book.activity(&id, &query)).await {
            Ok(page) => (page.items, page.next_cursor, None),
            Err(PageError::BadRequest(message)) => (Vec::new(), None, Some(message)),
            Err(other) => return Err(other),
        };
    let fixed = [
        ("tab", "activity"),
        ("category", category_name),
        ("period", period_name),
    ];
    let (prev_href, next_href) = pager(&path, &fixed, &trail, next.as_deref());
    Ok(ActivityTab {
        category: category_name,
        categories: CATEGORIES
            .iter()
            .map(|(value, label, _)| CategoryLink {
                value,
                label,
                href: href(
                    &path,
                    &[
                        ("tab", "activity"),
                        ("category", value),
                        ("period", period_name),
                    ],
                ),
                current: *value == category_name,
            })
            .collect(),
        periods: PERIODS
            .iter()
            .map(|(value, label)| PeriodChoice {
                value,
                label,
                current: *value == period_name,
            })
            .collect(),
        items: items.iter().map(view::item).collect(),
        prev_href,
        next_href,
        problem,
    })
}

#[derive(Template)]
#[template(path = "studio/edit.html")]
struct EditPage {
    id: String,
    name: String,
    csrf: String,
    version: String,
    values: Values,
    errors: BTreeMap<String, String>,
    general: Option<String>,
    name_controls: &'static [(&'static str, &'static str)],
    address_controls: &'static [(&'static str, &'static str)],
    location_controls: &'static [(&'static str, &'static str)],
    address_countries: Vec<Choice>,
    location_countries: Vec<Choice>,
    time_zones: Vec<Choice>,
    languages: Vec<Choice>,
    segments: Vec<SegmentChoice>,
    segment_names: String,
    fields: Vec<FieldControl>,
}

impl EditPage {
    fn value(&self, name: &str) -> &str {
        self.values.one(name)
    }

    fn error(&self, name: &str) -> Option<&str> {
        self.errors.get(name).map(String::as_str)
    }
}

/// What the edit window is drawn from.
struct EditState {
    contact: Contact,
    segments: Vec<contactkit::Segment>,
    fields: Vec<contactkit::FieldDefinition>,
}

impl EditState {
    /// The form's values as the book holds them.
    fn drawn(&self) -> Values {
        edit::values_of(&self.contact, &self.segments, &self.fields)
    }
}

async fn edit_state(studio: &Studio, id: String) -> Result<EditState, PageError> {
    let contact = contact(studio, id).await?;
    let (segments, fields) = with_book(studio, |book| {
        Ok((book.segments()?, book.field_definitions()?))
    })
    .await?;
    Ok(EditState {
        contact,
        segments,
        fields,
    })
}

/// The version a form was drawn from: a digest of the values it showed. Save
/// refuses a form whose contact shows other values now, so an edit never overwrites a
/// change made since (in another tab, by an import) to what the form holds, while a
/// change the form does not show (a new campaign in the timeline) does not stop it.
/// The contact's last-change stamp would not do: two writes in the same millisecond,
/// or any under a pinned clock (`CONTACTKIT_NOW`), leave it as it was. The digest only
/// has to match within this server's run, which drew the form.
fn version_of(drawn: &Values) -> String {
    use std::hash::{Hash, Hasher};
    let mut digest = std::collections::hash_map::DefaultHasher::new();
    drawn.hash(&mut digest);
    format!("{:016x}", digest.finish())
}

fn edit_page(
    studio: &Studio,
    state: &EditState,
    values: Values,
    refused: Option<&Error>,
) -> EditPage {
    let mut errors = BTreeMap::new();
    let general = refused.map(|error| {
        if let Error::Validation { field, .. } | Error::Conflict { field, .. } = error {
            errors.insert(edit::control_of(field).to_string(), error.to_string());
        }
        format!("Nothing was saved: {error}")
    });
    EditPage {
        id: state.contact.id.clone(),
        name: view::list_row(&state.contact).name,
        csrf: studio.guard.token().to_string(),
        version: version_of(&state.drawn()),
        address_countries: edit::countries(values.one("address.country")),
        location_countries: edit::countries(values.one("location.country")),
        time_zones: edit::time_zones(values.one("timezone")),
        languages: edit::languages(values.one("language")),
        segments: edit::segment_choices(&state.segments, &values),
        segment_names: edit::chosen_segment_names(&state.segments, &values),
        fields: edit::field_controls(&state.fields, &values),
        name_controls: &edit::NAME_CONTROLS,
        address_controls: &edit::ADDRESS_CONTROLS,
        location_controls: &edit::LOCATION_CONTROLS,
        errors,
        general,
        values,
    }
}

/// The Edit contact window, filled with the contact as it is.
async fn edit_form(
    State(studio): State<Studio>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let state = edit_state(&studio, id).await?;
    Ok(page(&edit_page(&studio, &state, state.drawn(), None)))
}

/// Save: the changed values go to `ContactBook::update` as one patch. A refused value
/// redraws the form as sent, with the book's error beside its control, and the book
/// as it was.
async fn save(
    State(studio): State<Studio>,
    Path(id): Path<String>,
    form: Result<Form<Pairs>, FormRejection>,
) -> Result<Response, PageError> {
    // A form that cannot be read (over the 2 MB body limit, not form-encoded) is
    // answered with the studio's page saying why, not the framework's bare text.
    let Form(pairs) = form.map_err(|e| {
        PageError::BadRequest(format!(
            "the edit could not be read, nothing was saved: {e}"
        ))
    })?;
    studio
        .guard
        .check_token(first(&pairs, "csrf"))
        .map_err(|r| PageError::Refused(r.0))?;
    let state = edit_state(&studio, id).await?;
    let version = first(&pairs, "version").unwrap_or("").to_string();
    let sent = Values::from_pairs(
        pairs
            .into_iter()
            .filter(|(k, _)| k != "csrf" && k != "version")
            .collect(),
    );
    let before = state.drawn();
    let refuse = |error: Error| {
        let shown = sent.clone().over(&before);
        let page = edit_page(&studio, &state, shown, Some(&error));
        (StatusCode::UNPROCESSABLE_ENTITY, self::page(&page)).into_response()
    };
    if version != version_of(&before) {
        return Ok(refuse(Error::validation(
            "version",
            version,
            "the contact changed since this form was opened; its values are shown again as \
             you sent them, save again to apply them over the change",
        )));
    }
    let patch = match edit::patch(&before, &sent, &state.fields) {
        Ok(patch) => patch,
        Err(error) => return Ok(refuse(error)),
    };
    let target = format!("/contacts/{}", state.contact.id);
    let Some(patch) = patch else {
        return Ok(Redirect::to(&format!("{target}?saved=unchanged")).into_response());
    };
    let id = state.contact.id.clone();
    match book_call(&studio, move |book| book.update(&id, patch)).await? {
        Ok(_) => Ok(Redirect::to(&format!("{target}?saved=1")).into_response()),
        Err(error @ (Error::Validation { .. } | Error::Conflict { .. })) => Ok(refuse(error)),
        Err(other) => Err(other.into()),
    }
}
