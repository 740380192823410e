//! HTTP routes: GraphQL over POST and websocket, health, and the single-page app.

mod channels;
mod rating;

use std::path::Path as FsPath;

use async_graphql::http::{GraphiQLSource, ALL_WEBSOCKET_PROTOCOLS};
use async_graphql::Data;
use async_graphql_axum::{GraphQLProtocol, GraphQLRequest, GraphQLResponse, GraphQLWebSocket};
use axum::extract::{DefaultBodyLimit, Path, Query, State, WebSocketUpgrade};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

mod reports_csv;

use crate::domain::attachments::{read_attachment, read_attachment_by_link};
use crate::domain::auth::authenticate;
use crate::domain::DomainError;
use crate::graphql::context::Authentication;
use crate::graphql::loaders::{Caching, Loaders};
use crate::state::AppState;

mod ical;

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    let spa = spa_service(&state.config.spa_dir);
    Router::new()
        .route("/graphql", get(graphiql).post(graphql))
        .route("/graphql/ws", get(graphql_ws))
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
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

fn spa_service(dir: &FsPath) -> Router {
    if dir.join("index.html").is_file() {
        // Client-side routes (/tickets/12) fall back to index.html.
        Router::new()
            .fallback_service(ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html"))))
    } else {
        let message = format!(
            "The admin app is not built in {}: run `cargo xtask build-spa`. The API is at /graphql.",
            dir.display()
        );
        Router::new().fallback(move || async move { (StatusCode::NOT_FOUND, message) })
    }
}

/// Authenticates `credential` (if any): the outcome, and the caller's loaders.
async fn authenticate_credential(
    state: &AppState,
    credential: Option<&str>,
    caching: Caching,
) -> (Authentication, Option<Loaders>) {
    let Some(credential) = credential else {
        return (Authentication::default(), None);
    };
    let svc = &state.services;
    match authenticate(&svc.db, &state.keys, svc.now(), credential).await {
        Ok(actor) => {
            let loaders = Loaders::new(&svc.db, &actor, caching);
            (
                Authentication {
                    actor: Some(actor),
                    failure: None,
                },
                Some(loaders),
            )
        }
        Err(crate::domain::DomainError::Unauthenticated(reason)) => (
            Authentication {
                actor: None,
                failure: Some(reason),
            },
            None,
        ),
        Err(other) => {
            tracing::error!(error = %crate::domain::error::Chain(&other), "authentication failed");
            (
                Authentication {
                    actor: None,
                    failure: Some("authentication is unavailable, try again".into()),
                },
                None,
            )
        }
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
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
    headers: HeaderMap,
    request: GraphQLRequest,
) -> GraphQLResponse {
    let (auth, loaders) =
        authenticate_credential(&state, bearer(&headers), Caching::PerRequest).await;
    let mut request = request.into_inner().data(auth);
    if let Some(loaders) = loaders {
        request = request.data(loaders);
    }
    state.schema.execute(request).await.into()
}

async fn graphiql(State(state): State<AppState>) -> Response {
    if !state.config.graphiql {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            "GraphiQL is disabled; POST GraphQL requests here",
        )
            .into_response();
    }
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql/ws")
            .finish(),
    )
    .into_response()
}

async fn graphql_ws(
    State(state): State<AppState>,
    protocol: GraphQLProtocol,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let header_token = bearer(&headers).map(str::to_owned);
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |stream| {
            let schema = state.schema.clone();
            GraphQLWebSocket::new(stream, schema, protocol)
                .on_connection_init(move |payload| async move {
                    // The token comes in `connection_init` (browsers cannot set headers on a
                    // websocket), or in the upgrade request's Authorization header.
                    let token = payload
                        .get("token")
                        .or_else(|| payload.get("Authorization"))
                        .or_else(|| payload.get("authorization"))
                        .and_then(|v| v.as_str())
                        .map(|t| t.trim_start_matches("Bearer ").to_owned())
                        .or(header_token);
                    let (auth, loaders) =
                        authenticate_credential(&state, token.as_deref(), Caching::Never).await;
                    let mut data = Data::default();
                    data.insert(auth);
                    if let Some(loaders) = loaders {
                        data.insert(loaders);
                    }
                    Ok(data)
                })
                .serve()
        })
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
            Some(credential) => match authenticate(&svc.db, &state.keys, now, credential).await {
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
