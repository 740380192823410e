//! HTTP routes: GraphQL over POST and websocket, health, and the single-page app.

mod channels;
mod graphiql;
mod listen;
mod rating;

use async_graphql_axum::rejection::GraphQLRejection;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

mod reports_csv;
mod socket;
mod spa;

pub use listen::listen;
pub use socket::{SocketCounts, CLOSE_CREDENTIAL_ENDED, CLOSE_GOING_AWAY, CLOSE_INIT_TIMEOUT};

use crate::domain::attachments::{read_attachment, read_attachment_by_link};
use crate::domain::auth::authenticate;
use crate::domain::DomainError;
use crate::graphql::context::{Authentication, ClientAddress};
use crate::graphql::loaders::{Caching, Loaders};
use crate::state::AppState;

mod ical;

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    let spa = spa::spa_service(&state.config.spa_dir);
    Router::new()
        .route("/graphql", get(graphiql::page).post(graphql))
        .route("/graphql/assets/{file}", get(graphiql::asset))
        .route("/graphql/ws", get(socket::graphql_ws))
        .route("/reports/{file}", get(reports_csv::report_csv))
        .route("/healthz", get(healthz))
        .route("/attachments/{id}", get(download_attachment))
        .route("/rate/{token}", get(rating::show).post(rating::submit))
        .route(
            "/channels/telegram/{integration_id}",
            post(channels::telegram_webhook),
        )
        .route(
            "/channels/twilio/{integration_id}",
            post(channels::twilio_webhook),
        )
        .route(
            "/channels/email/{integration_id}",
            post(channels::email_webhook),
        )
        .route(
            "/leads/{id}/meetings.ics",
            get(ical::download_lead_meetings),
        )
        .fallback_service(spa)
        .layer(DefaultBodyLimit::max(state.config.body_limit_bytes))
        .layer(RequestBodyLimitLayer::new(state.config.body_limit_bytes))
        // Pages may say otherwise (downloads are sandboxed, GraphiQL's fonts are data URLs).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(CatchPanicLayer::custom(panic_response))
        // Slow clients are dropped; beyond the limit, requests wait their turn.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            std::time::Duration::from_secs(state.config.http_request_timeout_seconds),
        ))
        .layer(GlobalConcurrencyLimitLayer::new(
            state.config.http_concurrency_limit,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// What the SPA and Guichet's own pages may load: their own files only (the WASM module
/// compiled by the page), inline styles (the rating page, Leptos style attributes),
/// images from the site, `data:` and `blob:` (attachments); never framed elsewhere.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
     object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// A panic anywhere answers like any internal error (logged, `INTERNAL`), never as a
/// dropped connection.
fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic");
    tracing::error!(panic = detail, "request handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}"#,
    )
        .into_response()
}

/// Authenticates `credential` (if any): the outcome, and the caller's loaders.
pub(crate) async fn authenticate_credential(
    state: &AppState,
    credential: Option<&str>,
    caching: Caching,
) -> (Authentication, Option<Loaders>) {
    crate::graphql::context::authenticate_credential(
        &state.services,
        &state.keys,
        credential,
        caching,
    )
    .await
}

/// The client's address: the TCP peer, or, when the peer is one of the configured trusted
/// proxies, the right-most address of `X-Forwarded-For` that is not itself a trusted
/// proxy (addresses further left were written by the client and prove nothing).
pub(crate) fn client_address(
    config: &crate::config::Config,
    peer: std::net::IpAddr,
    headers: &HeaderMap,
) -> std::net::IpAddr {
    if !config.trusted_proxies.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<std::net::IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|part| part.trim().parse().ok())
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|address| !config.trusted_proxies.contains(address))
        .copied()
        .unwrap_or(peer)
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

async fn graphql(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    request: Result<GraphQLRequest, GraphQLRejection>,
) -> Response {
    let request = match request {
        Ok(request) => request,
        Err(rejection) => return unreadable_request(&rejection.0),
    };
    let (auth, loaders) =
        authenticate_credential(&state, bearer(&headers), Caching::PerRequest).await;
    let mut request = request
        .into_inner()
        .data(auth)
        .data(ClientAddress(client_address(
            &state.config,
            peer.ip(),
            &headers,
        )));
    if let Some(loaders) = loaders {
        request = request.data(loaders);
    }
    GraphQLResponse::from(state.schema.execute(request).await).into_response()
}

/// A body that is not a GraphQL request (bad JSON, a broken multipart upload, a file part
/// the map does not name) answers as GraphQL errors do, with a code.
fn unreadable_request(error: &async_graphql::ParseRequestError) -> Response {
    use async_graphql::ParseRequestError;
    let status = match error {
        ParseRequestError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::BAD_REQUEST,
    };
    let body = serde_json::json!({
        "errors": [{
            "message": format!("unreadable request: {error}"),
            "extensions": { "code": "BAD_USER_INPUT" },
        }]
    });
    (status, axum::Json(body)).into_response()
}

#[derive(serde::Deserialize)]
struct DownloadQuery {
    token: Option<String>,
}

/// Serves an attachment to a caller with a bearer credential that may see its ticket, or
/// with a signed link the API gave such a caller.
async fn download_attachment(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<DownloadQuery>,
    headers: HeaderMap,
) -> Response {
    let svc = &state.services;
    let now = svc.now();
    let result = if let Some(token) = query.token.as_deref() {
        match state.keys.verify_download(token, id, now) {
            Ok(tenant_id) => read_attachment_by_link(svc, tenant_id, id).await,
            Err(e) => Err(e),
        }
    } else {
        match bearer(&headers) {
            Some(credential) => match authenticate(svc, &state.keys, credential).await {
                Ok(actor) => read_attachment(svc, &actor, id).await,
                Err(e) => Err(e),
            },
            None => Err(DomainError::Unauthenticated("sign in first".into())),
        }
    };
    match result {
        Ok((found, content)) => {
            let disposition = format!("inline; filename=\"{}\"", found.filename.replace('"', ""));
            (
                [
                    (header::CONTENT_TYPE, found.content_type),
                    (header::CONTENT_DISPOSITION, disposition),
                    (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
                    (header::CACHE_CONTROL, "private, max-age=300".to_owned()),
                    (
                        header::CONTENT_SECURITY_POLICY,
                        "sandbox; default-src 'none'".to_owned(),
                    ),
                ],
                content,
            )
                .into_response()
        }
        Err(DomainError::Unauthenticated(reason)) => {
            (StatusCode::UNAUTHORIZED, reason).into_response()
        }
        Err(DomainError::NotFound(_) | DomainError::Forbidden(_)) => {
            (StatusCode::NOT_FOUND, "not found").into_response()
        }
        Err(other) => {
            tracing::error!(error = %crate::domain::error::Chain(&other), "attachment download failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.services.check_database().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(error) => {
            tracing::error!(error = %crate::domain::error::Chain(&error), "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}
