//! The search page at `/`: one HTML file, one script, one stylesheet and
//! its icon, embedded in the binary so the page works offline. The script
//! calls the JSON API and inserts document text only as text nodes.

use std::sync::Arc;

use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::AppState;

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

/// The page's routes.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/",
            get(|| async { asset("text/html; charset=utf-8", INDEX_HTML) }),
        )
        .route(
            "/assets/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }),
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

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}
