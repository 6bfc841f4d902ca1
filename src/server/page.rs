//! The search page at `/`: one HTML file, one script, one stylesheet and
//! its icon, embedded in the binary so the page works offline. The script
//! calls the JSON API and inserts document text only as text nodes.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::{AppState, Limits};

/// The page's HTML.
pub const INDEX_HTML: &str = include_str!("assets/index.html");
/// The page's script.
pub const APP_JS: &str = include_str!("assets/app.js");
/// The page's stylesheet.
pub const APP_CSS: &str = include_str!("assets/app.css");
/// The page's icon: without one, browsers ask for `/favicon.ico` and log
/// its 404 as an error on every page load, and the page's
/// Content-Security-Policy (`img-src 'self'`) refuses an inline one.
pub const ICON_SVG: &str = include_str!("assets/icon.svg");

/// The page's routes, its script carrying `limits`.
pub(crate) fn routes(limits: &Limits) -> Router<Arc<AppState>> {
    let script = Bytes::from(script(limits));
    Router::new()
        .route(
            "/",
            get(|| async { asset("text/html; charset=utf-8", INDEX_HTML) }),
        )
        .route(
            "/assets/app.js",
            get(move || async move { asset("text/javascript; charset=utf-8", script) }),
        )
        .route(
            "/assets/app.css",
            get(|| async { asset("text/css; charset=utf-8", APP_CSS) }),
        )
        .route(
            "/assets/icon.svg",
            get(|| async { asset("image/svg+xml", ICON_SVG) }),
        )
}

/// The script as served: the page pages and exports only as far as the
/// API answers, and a server may be given other limits than the defaults
/// the file is written with.
fn script(limits: &Limits) -> String {
    let defaults = Limits::default();
    [
        ("EXPORT_LIMIT", defaults.max_limit, limits.max_limit),
        ("MAX_OFFSET", defaults.max_offset(), limits.max_offset()),
    ]
    .iter()
    .fold(APP_JS.to_owned(), |script, (name, default, value)| {
        script.replacen(
            &format!("const {name} = {default};"),
            &format!("const {name} = {value};"),
            1,
        )
    })
}

fn asset(content_type: &'static str, body: impl IntoResponse) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_carries_the_servers_limits() {
        let limits = Limits {
            max_limit: 40,
            max_window: 1_000,
            ..Limits::default()
        };
        let served = script(&limits);
        assert!(served.contains("const EXPORT_LIMIT = 40;"), "{served}");
        assert!(served.contains("const MAX_OFFSET = 960;"));
        assert_eq!(script(&Limits::default()), APP_JS);
    }
}
