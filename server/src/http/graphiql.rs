//! GraphiQL at `GET /graphql` (when `graphiql` is on), served from Guichet's own files
//! (`server/assets/graphiql`): no script from a CDN, and a Content-Security-Policy that
//! allows the site's own scripts only.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use crate::state::AppState;

/// The page's policy: GraphiQL's stylesheet embeds its fonts as `data:` URLs and sets
/// inline styles; scripts come from this site only.
const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     font-src 'self' data:; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Guichet API explorer</title>
<link rel="stylesheet" href="/graphql/assets/graphiql.min.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphql/assets/react.production.min.js"></script>
<script src="/graphql/assets/react-dom.production.min.js"></script>
<script src="/graphql/assets/graphiql.min.js"></script>
<script src="/graphql/assets/graphiql-init.js"></script>
</body>
</html>
"#;

/// The files GraphiQL loads: name, type, content, whether it is gzip-compressed.
const ASSETS: &[(&str, &str, &[u8], bool)] = &[
    (
        "graphiql.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.js.gz"),
        true,
    ),
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.css.gz"),
        true,
    ),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react.production.min.js.gz"),
        true,
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react-dom.production.min.js.gz"),
        true,
    ),
    (
        "graphiql-init.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql-init.js"),
        false,
    ),
];

/// `GET /graphql`: the explorer, or a hint when it is off.
pub async fn page(State(state): State<AppState>) -> Response {
    if !state.config.graphiql {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            "GraphiQL is disabled; POST GraphQL requests here",
        )
            .into_response();
    }
    ([(header::CONTENT_SECURITY_POLICY, POLICY)], Html(PAGE)).into_response()
}

/// `GET /graphql/assets/{file}`: GraphiQL's files, compressed, cached for a day.
pub async fn asset(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some((_, content_type, body, gzipped)) = ASSETS
        .iter()
        .find(|(name, ..)| *name == file)
        .filter(|_| state.config.graphiql)
    else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let cache = (header::CACHE_CONTROL, "public, max-age=86400");
    if !gzipped {
        return ([(header::CONTENT_TYPE, *content_type), cache], *body).into_response();
    }
    let accepts_gzip = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    if !accepts_gzip {
        return (
            StatusCode::NOT_ACCEPTABLE,
            "this file is served gzip-compressed only",
        )
            .into_response();
    }
    (
        [
            (header::CONTENT_TYPE, *content_type),
            (header::CONTENT_ENCODING, "gzip"),
            (header::VARY, "Accept-Encoding"),
            cache,
        ],
        *body,
    )
        .into_response()
}
