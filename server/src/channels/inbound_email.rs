//! Inbound e-mail: a mail relay (or a forwarding rule) posts each raw RFC 822 message to
//! `POST /channels/email/{integration_id}` with the integration's token as a bearer.
//!
//! This adapter checks the token and reads the message (sender, `Message-ID`, subject, the
//! text above the quoted previous mail, `In-Reply-To` and `References`); which ticket the
//! mail threads into, or opens, is the domain's (`mail_threads`).

use entity::enums::IntegrationKind;
use entity::integration;
use mail_parser::MessageParser;
use subtle::ConstantTimeEq;

use crate::domain::channels::InboundOutcome;
use crate::domain::error::{DomainError, DomainResult};
use crate::domain::integrations::find_active_integration;
use crate::domain::mail_threads::{receive_mail, InboundMail};
use crate::domain::tenants::normalize_email;
use crate::domain::Services;

/// Checks the bearer token of an inbound e-mail integration; returns the integration.
///
/// # Errors
///
/// [`DomainError::NotFound`] for an unknown or inactive integration;
/// [`DomainError::Unauthenticated`] for a missing or wrong token.
pub async fn authenticate_webhook(
    svc: &Services,
    integration_id: i64,
    bearer: Option<&str>,
) -> DomainResult<integration::Model> {
    let found =
        find_active_integration(&svc.db, integration_id, IntegrationKind::InboundEmail).await?;
    let credentials = svc.channels.decrypt(&found)?;
    let expected = credentials
        .get("token")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    let given = bearer.unwrap_or_default();
    if expected.is_empty() || !bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
        return Err(DomainError::Unauthenticated(
            "wrong or missing bearer token".into(),
        ));
    }
    Ok(found)
}

/// Keeps what the customer wrote: the text above the quoted previous mail.
fn strip_quote(text: &str) -> String {
    let mut kept = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        let lower = trimmed.to_lowercase();
        let attribution = (lower.starts_with("le ") && lower.ends_with("a écrit :"))
            || (lower.starts_with("le ") && lower.ends_with("a écrit:"))
            || (lower.starts_with("on ") && lower.ends_with("wrote:"));
        if trimmed.starts_with('>')
            || attribution
            || trimmed == "-----Original Message-----"
            || trimmed == "-- "
        {
            break;
        }
        kept.push(line);
    }
    let kept = kept.join("\n").trim().to_owned();
    if kept.is_empty() {
        text.trim().to_owned()
    } else {
        kept
    }
}

/// Handles an authenticated raw message: reads the RFC 822 message and hands the mail to
/// the domain (`mail_threads::receive_mail`), which threads or opens the ticket.
///
/// # Errors
///
/// [`DomainError::Validation`] for a body that is not a mail, or without a sender address,
/// `Message-ID` or text; database errors.
pub async fn handle_mail(
    svc: &Services,
    found: &integration::Model,
    raw: &[u8],
) -> DomainResult<InboundOutcome> {
    let mail = read_mail(raw)?;
    receive_mail(svc, found, mail).await
}

/// The mail a raw RFC 822 message carries.
fn read_mail(raw: &[u8]) -> DomainResult<InboundMail> {
    let parsed = MessageParser::default()
        .parse(raw)
        .filter(|m| m.from().is_some() || m.subject().is_some())
        .ok_or_else(|| DomainError::validation("body", "the body is not an RFC 822 message"))?;
    let sender = parsed
        .from()
        .and_then(|a| a.first())
        .ok_or_else(|| DomainError::validation("from", "the mail has no From address"))?;
    let address = sender
        .address()
        .ok_or_else(|| DomainError::validation("from", "the mail has no From address"))?;
    let from_address = normalize_email(address)?;
    let message_id = parsed
        .message_id()
        .map(str::to_owned)
        .ok_or_else(|| DomainError::validation("messageId", "the mail has no Message-ID"))?;
    let subject = parsed
        .subject()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("(sans objet)")
        .to_owned();
    let text = parsed
        .body_text(0)
        .map(|t| strip_quote(&t))
        .filter(|t| !t.is_empty())
        .ok_or_else(|| DomainError::validation("body", "the mail has no text"))?;
    let mut references: Vec<String> = Vec::new();
    for header in [parsed.in_reply_to(), parsed.references()] {
        if let Some(ids) = header.as_text_list() {
            references.extend(ids.iter().map(|id| id.to_string()));
        }
    }
    let (first_name, last_name) = sender
        .name()
        .map(|n| {
            let n = n.trim();
            n.split_once(' ')
                .map_or((n.to_owned(), String::new()), |(f, l)| {
                    (f.to_owned(), l.to_owned())
                })
        })
        .unwrap_or_default();
    Ok(InboundMail {
        from_address,
        first_name,
        last_name,
        message_id,
        subject,
        text,
        references,
    })
}

#[cfg(test)]
mod tests {
    use super::strip_quote;

    #[test]
    fn quoted_replies_are_cut() {
        assert_eq!(
            strip_quote("Merci !\n\nLe lun. 2 mars 2026 à 10:00, Guichet a écrit :\n> Bonjour"),
            "Merci !"
        );
        assert_eq!(
            strip_quote("Thanks\nOn Mon, Mar 2, 2026 Guichet wrote:\n> hi"),
            "Thanks"
        );
        assert_eq!(strip_quote("> only a quote"), "> only a quote");
    }
}
