//! The single-page app's files, as `cargo xtask build-spa` writes them: `index.html`, which
//! names every other file by its content (`app-<16 hex>.js`, `app_bg-<16 hex>.wasm`, …), and
//! beside each file its `.br` and `.gz`.
//!
//! - A hashed file never changes, so browsers may keep it for a year without asking again;
//!   `index.html` is always revalidated, so a deploy shows at the next load.
//! - Each file goes out precompressed (brotli, else gzip, else as is) by `Accept-Encoding`,
//!   with `Vary: Accept-Encoding` for caches in between.
//! - A path without an extension is one of the app's own routes (`/tickets/42`) and answers
//!   `index.html`; a path with one names a file, and a missing file is a 404, never
//!   `index.html`: an old `app-….js` asked for after a deploy must fail as a script, not run
//!   a page as one.

use std::path::Path;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// For hashed files: any cache may keep them a year, and never revalidate them.
const CACHE_IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// For `index.html` (and anything else): kept, but revalidated at each use.
const CACHE_REVALIDATE: &str = "no-cache";

/// The app built in `dir`, or a 404 saying how to build it.
pub(super) fn spa_service(dir: &Path) -> Router {
    let index = dir.join("index.html");
    if !index.is_file() {
        let message = format!(
            "The admin app is not built in {}: run `cargo xtask build-spa`. The API is at /graphql.",
            dir.display()
        );
        return Router::new().fallback(move || async move { (StatusCode::NOT_FOUND, message) });
    }
    let files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false);
    let index = ServeFile::new(index)
        .precompressed_br()
        .precompressed_gzip();
    Router::new().fallback(move |request: Request| serve_spa(files.clone(), index.clone(), request))
}

async fn serve_spa(files: ServeDir, index: ServeFile, request: Request) -> Response {
    let path = request.uri().path();
    let file_name = path.rsplit('/').next().unwrap_or_default();
    let immutable = is_hashed(file_name);
    let response = if file_name.contains('.') {
        files
            .oneshot(request)
            .await
            .map(|response| response.map(Body::new))
    } else {
        index
            .oneshot(request)
            .await
            .map(|response| response.map(Body::new))
    };
    let mut response = match response {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let status = response.status();
    let headers = response.headers_mut();
    let cache = if immutable && (status.is_success() || status == StatusCode::NOT_MODIFIED) {
        CACHE_IMMUTABLE
    } else {
        CACHE_REVALIDATE
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    response.into_response()
}

/// Whether `file_name` is one the build named by its content: `<stem>-<16 hex>.<extension>`.
fn is_hashed(file_name: &str) -> bool {
    let Some((name, _extension)) = file_name.split_once('.') else {
        return false;
    };
    name.rsplit_once('-').is_some_and(|(stem, hash)| {
        !stem.is_empty()
            && hash.len() == 16
            && hash
                .bytes()
                .all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
    })
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn only_names_the_build_made_from_content_count_as_hashed() {
        for name in [
            "app-0123456789abcdef.js",
            "app_bg-fedcba9876543210.wasm",
            "style-00000000000000aa.css",
        ] {
            assert!(is_hashed(name), "{name}");
        }
        for name in [
            "index.html",
            "app.js",
            "app-0123456789abcde.js",
            "app-0123456789ABCDEF.js",
            "-0123456789abcdef.js",
            "app-0123456789abcdef",
            "",
        ] {
            assert!(!is_hashed(name), "{name}");
        }
    }
}
