//! The stylesheet and the one script, compiled into the binary: the studio is one
//! file to run, with no build step and nothing fetched from elsewhere.

use axum::http::header;
use axum::response::IntoResponse;

/// `studio.css`.
pub fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("assets/studio.css"),
    )
}

/// `studio.js`: row clicks, the preview window, the period dropdown. Every page works
/// without it (links and forms), only less directly.
pub fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("assets/studio.js"),
    )
}

/// The tab's icon, also answered at `/favicon.ico`, where browsers ask first.
pub fn icon() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "image/svg+xml")],
        include_str!("assets/favicon.svg"),
    )
}
