//! The page a customer reaches from the rating link in their "resolved" e-mail.
//!
//! `GET /rate/{token}` only shows a form (the stars chosen in the mail preselected with
//! `?stars=N`); nothing is recorded until the customer presses the button, which `POST`s
//! the form. Mail scanners and link previewers that follow links therefore never rate a
//! ticket. The token is signed and names the ticket and the customer, so the page needs no
//! sign-in.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

use crate::domain::satisfaction::{rate_by_link, ticket_for_link};
use crate::domain::DomainError;
use crate::state::AppState;

/// `?stars=N` on the link.
#[derive(Debug, Deserialize)]
pub struct Preselect {
    stars: Option<i32>,
}

/// The submitted form.
#[derive(Debug, Deserialize)]
pub struct RatingForm {
    stars: Option<i32>,
    comment: Option<String>,
}

/// `GET /rate/{token}`: the form, or why it cannot be used.
pub async fn show(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(preselect): Query<Preselect>,
) -> Response {
    let now = state.services.now();
    let grant = match state.keys.verify_rating(&token, now) {
        Ok(grant) => grant,
        Err(error) => return failure(&error),
    };
    let ticket = match ticket_for_link(&state.services, grant).await {
        Ok(ticket) => ticket,
        Err(error) => return failure(&error),
    };
    if let Some(stars) = ticket.satisfaction_rating {
        return page(
            StatusCode::OK,
            "Merci / Thank you",
            &format!(
                "<p>Vous avez déjà noté cette demande ({stars}/5). \
                 You already rated this request ({stars}/5).</p>"
            ),
        );
    }
    let chosen = preselect.stars.filter(|s| (1..=5).contains(s));
    let mut stars = String::new();
    for value in 1..=5 {
        let checked = if chosen == Some(value) {
            " checked"
        } else {
            ""
        };
        stars.push_str(&format!(
            "<label class=\"star\"><input type=\"radio\" name=\"stars\" value=\"{value}\" \
             required{checked}> {value} ★</label>"
        ));
    }
    let body = format!(
        "<p><strong>{number}</strong> — {subject}</p>\
         <form method=\"post\">\
         <fieldset><legend>Votre note / Your rating</legend>{stars}</fieldset>\
         <p><label>Commentaire / Comment<br>\
         <textarea name=\"comment\" rows=\"4\" cols=\"50\" maxlength=\"5000\"></textarea></label></p>\
         <p><button type=\"submit\" id=\"submit-rating\">Envoyer / Send</button></p>\
         </form>",
        number = escape(&ticket.number),
        subject = escape(&ticket.subject),
    );
    page(StatusCode::OK, "Votre avis / Your opinion", &body)
}

/// `POST /rate/{token}`: records the rating.
pub async fn submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(form): Form<RatingForm>,
) -> Response {
    let now = state.services.now();
    let grant = match state.keys.verify_rating(&token, now) {
        Ok(grant) => grant,
        Err(error) => return failure(&error),
    };
    let Some(stars) = form.stars else {
        return failure(&DomainError::validation(
            "rating",
            "choose from 1 to 5 stars",
        ));
    };
    match rate_by_link(&state.services, grant, stars, form.comment.as_deref()).await {
        Ok(_) => page(
            StatusCode::OK,
            "Merci / Thank you",
            &format!(
                "<p id=\"rated\">Merci pour votre note de {stars}/5. \
                 Thank you for rating us {stars}/5.</p>"
            ),
        ),
        Err(error) => failure(&error),
    }
}

fn failure(error: &DomainError) -> Response {
    let status = match error {
        DomainError::Unauthenticated(_) | DomainError::Forbidden(_) => StatusCode::FORBIDDEN,
        DomainError::NotFound(_) => StatusCode::NOT_FOUND,
        DomainError::Validation { .. } => StatusCode::BAD_REQUEST,
        DomainError::Conflict(_) => StatusCode::CONFLICT,
        DomainError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        DomainError::Db(_) | DomainError::Internal { .. } => {
            tracing::error!(error = %crate::domain::error::Chain(error), "rating page failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    let message = match error {
        DomainError::Db(_) | DomainError::Internal { .. } => "Something went wrong.".to_owned(),
        other => other.to_string(),
    };
    page(
        status,
        "Guichet",
        &format!("<p class=\"error\">{}</p>", escape(&message)),
    )
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\">\
         <title>{title}</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}}\
         .star{{margin-right:1rem}}.error{{color:#b00020}}button{{padding:.5rem 1.5rem}}</style>\
         </head><body><h1>{title}</h1>{body}</body></html>",
        title = escape(title),
    );
    (status, Html(html)).into_response()
}

/// Escapes text for HTML content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}
