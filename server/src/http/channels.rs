//! Channel webhooks: Telegram updates and Twilio SMS/WhatsApp messages. Each checks the
//! provider's proof (secret header, signature) against the integration named in the path,
//! whose tenant is the only one the message can reach; then hands the message to the domain.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::channels::{inbound_email, telegram, twilio};
use crate::domain::DomainError;
use crate::state::AppState;

/// Maps a domain error to a status and a short plain-text reason; causes of server errors
/// are logged, not sent.
fn failure(error: &DomainError) -> Response {
    let status = match error {
        DomainError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        DomainError::Forbidden(_) => StatusCode::FORBIDDEN,
        DomainError::NotFound(_) => StatusCode::NOT_FOUND,
        DomainError::Validation { .. } => StatusCode::BAD_REQUEST,
        DomainError::Conflict(_) => StatusCode::CONFLICT,
        DomainError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        DomainError::Db(_) | DomainError::Internal { .. } => {
            tracing::error!(error = %crate::domain::error::Chain(error), "channel webhook failed");
            return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
        }
    };
    (status, error.to_string()).into_response()
}

/// `POST /channels/telegram/{integration_id}`: a Bot API `Update`.
pub async fn telegram_webhook(
    State(state): State<AppState>,
    Path(integration_id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let svc = &state.services;
    let secret = headers
        .get("x-telegram-bot-api-secret-token")
        .and_then(|v| v.to_str().ok());
    let found = match telegram::authenticate_webhook(svc, integration_id, secret).await {
        Ok(found) => found,
        Err(error) => return failure(&error),
    };
    let update: telegram::Update = match serde_json::from_slice(&body) {
        Ok(update) => update,
        Err(error) => {
            return (
                StatusCode::BAD_REQUEST,
                format!("not a Telegram Update: {error}"),
            )
                .into_response()
        }
    };
    match telegram::handle_update(svc, &found, update).await {
        Ok(()) => StatusCode::OK.into_response(),
        Err(error) => failure(&error),
    }
}

/// An empty TwiML document: Guichet answers through the outbox, not in the response.
const EMPTY_TWIML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";

/// `POST /channels/twilio/{integration_id}`: Twilio's form-encoded message webhook.
pub async fn twilio_webhook(
    State(state): State<AppState>,
    Path(integration_id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let svc = &state.services;
    let params: Vec<(String, String)> = match serde_urlencoded_pairs(&body) {
        Some(params) => params,
        None => {
            return (StatusCode::BAD_REQUEST, "the body is not a form").into_response();
        }
    };
    let signature = headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok());
    let found = match twilio::authenticate_webhook(svc, integration_id, &params, signature).await {
        Ok(found) => found,
        Err(error) => return failure(&error),
    };
    match twilio::handle_message(svc, &found, &params).await {
        Ok(_) => (
            [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
            EMPTY_TWIML,
        )
            .into_response(),
        Err(error) => failure(&error),
    }
}

/// The name/value pairs of an `application/x-www-form-urlencoded` body, in order.
fn serde_urlencoded_pairs(body: &[u8]) -> Option<Vec<(String, String)>> {
    serde_urlencoded::from_bytes(body).ok()
}

/// `POST /channels/email/{integration_id}`: one raw RFC 822 message, with the
/// integration's token as `Authorization: Bearer`.
pub async fn email_webhook(
    State(state): State<AppState>,
    Path(integration_id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let svc = &state.services;
    let found =
        match inbound_email::authenticate_webhook(svc, integration_id, super::bearer(&headers))
            .await
        {
            Ok(found) => found,
            Err(error) => return failure(&error),
        };
    match inbound_email::handle_mail(svc, &found, &body).await {
        Ok(outcome) => (
            if outcome.created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            },
            axum::Json(serde_json::json!({
                "ticketNumber": outcome.ticket.number,
                "created": outcome.created,
            })),
        )
            .into_response(),
        Err(error) => failure(&error),
    }
}
