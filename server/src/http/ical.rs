//! `GET /leads/{id}/meetings.ics`: a lead's meetings as an iCalendar file, for a bearer
//! credential that may see the lead (staff of its tenant), like attachments.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::bearer;
use crate::domain::auth::authenticate;
use crate::domain::leads::lead_meetings_ics;
use crate::domain::DomainError;
use crate::state::AppState;

pub(super) async fn download_lead_meetings(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let svc = &state.services;
    let result = match bearer(&headers) {
        Some(credential) => match authenticate(svc, &state.keys, credential).await {
            Ok(actor) => lead_meetings_ics(svc, &actor, id).await,
            Err(e) => Err(e),
        },
        None => Err(DomainError::Unauthenticated("sign in first".into())),
    };
    match result {
        Ok(ics) => (
            [
                (
                    header::CONTENT_TYPE,
                    "text/calendar; charset=utf-8".to_owned(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"lead-{id}-meetings.ics\""),
                ),
                (header::CACHE_CONTROL, "private, no-store".to_owned()),
            ],
            ics,
        )
            .into_response(),
        Err(DomainError::Unauthenticated(reason)) => {
            (StatusCode::UNAUTHORIZED, reason).into_response()
        }
        Err(DomainError::NotFound(_) | DomainError::Forbidden(_)) => {
            (StatusCode::NOT_FOUND, "not found").into_response()
        }
        Err(other) => {
            tracing::error!(error = %crate::domain::error::Chain(&other), "calendar export failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}
