//! Inbound e-mail: a mail relay (or a forwarding rule) posts each raw RFC 822 message to
//! `POST /channels/email/{integration_id}` with the integration's token as a bearer.
//!
//! This adapter checks the token and reads the message (sender, `Message-ID`, subject, the
//! text above the quoted previous mail, `In-Reply-To` and `References`, the recipients
//! that may carry a tagged reply address, and the relay's verdict on the sender in
//! `Authentication-Results`); which ticket the mail threads into, or opens, is the
//! domain's (`mail_threads`).
//!
//! `Authentication-Results` (RFC 8601) is read from the relay only: the header whose
//! authentication service is the integration's `authservId` setting, or, without that
//! setting, the topmost one (the last hop adds its own above those the sender wrote).

use entity::enums::IntegrationKind;
use entity::integration;
use mail_parser::{HeaderForm, Message, MessageParser};
use subtle::ConstantTimeEq;

use crate::domain::channels::InboundOutcome;
use crate::domain::error::{DomainError, DomainResult};
use crate::domain::integrations::find_active_integration;
use crate::domain::mail_threads::{receive_mail, InboundMail, SenderCheck};
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
    let authserv_id = found
        .settings
        .as_ref()
        .and_then(|s| s.get("authservId"))
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned);
    let mail = read_mail(raw, authserv_id.as_deref())?;
    receive_mail(svc, found, mail).await
}

/// The addresses a mail was sent to, lower-cased: `To`, `Cc`, and the delivery headers
/// relays add (`Delivered-To`, `X-Original-To`, `Envelope-To`).
fn recipients(parsed: &Message<'_>) -> Vec<String> {
    let mut found = Vec::new();
    for name in ["To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To"] {
        for value in parsed.header_as(name, HeaderForm::Addresses) {
            if let Some(list) = value.as_address() {
                found.extend(
                    list.iter()
                        .filter_map(|a| a.address())
                        .map(str::to_lowercase),
                );
            }
        }
    }
    found
}

/// The relay's verdict on the sender, from its `Authentication-Results` header: the one
/// of `authserv_id` when configured, else the topmost. DMARC decides when present; else a
/// DKIM or SPF pass passes, and a failed SPF without a DKIM pass fails.
pub fn sender_check(parsed: &Message<'_>, authserv_id: Option<&str>) -> SenderCheck {
    let mut headers = parsed
        .headers_raw()
        .filter(|(name, _)| name.eq_ignore_ascii_case("Authentication-Results"))
        .map(|(_, value)| value.split_whitespace().collect::<Vec<_>>().join(" "));
    let chosen = match authserv_id {
        Some(wanted) => headers.find(|value| {
            value
                .split(';')
                .next()
                .and_then(|first| first.split_whitespace().next())
                .is_some_and(|id| id.eq_ignore_ascii_case(wanted))
        }),
        None => headers.next(),
    };
    let Some(header) = chosen else {
        return SenderCheck::Unknown;
    };
    let result_of = |method: &str| {
        header.split(';').skip(1).find_map(|part| {
            let (name, rest) = part.trim().split_once('=')?;
            name.trim().eq_ignore_ascii_case(method).then(|| {
                rest.split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_lowercase()
            })
        })
    };
    let (dmarc, dkim, spf) = (result_of("dmarc"), result_of("dkim"), result_of("spf"));
    let is = |result: &Option<String>, words: &[&str]| {
        result.as_deref().is_some_and(|r| words.contains(&r))
    };
    if dmarc.is_some() {
        return if is(&dmarc, &["pass"]) {
            SenderCheck::Pass
        } else if is(&dmarc, &["fail"]) {
            SenderCheck::Fail("dmarc=fail".into())
        } else {
            SenderCheck::Unknown
        };
    }
    if is(&dkim, &["pass"]) || is(&spf, &["pass"]) {
        return SenderCheck::Pass;
    }
    if is(&spf, &["fail", "softfail"]) {
        return SenderCheck::Fail(format!("spf={}", spf.unwrap_or_default()));
    }
    if is(&dkim, &["fail"]) {
        return SenderCheck::Fail("dkim=fail".into());
    }
    SenderCheck::Unknown
}

/// The mail a raw RFC 822 message carries.
fn read_mail(raw: &[u8], authserv_id: Option<&str>) -> DomainResult<InboundMail> {
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
        recipients: recipients(&parsed),
        sender_check: sender_check(&parsed, authserv_id),
    })
}

#[cfg(test)]
mod tests {
    use mail_parser::MessageParser;
    use proptest::prelude::*;

    use super::{read_mail, sender_check, strip_quote, SenderCheck};
    use crate::domain::DomainError;

    /// Mail-shaped input: headers that matter, in any order and with any values (control
    /// characters, non-UTF-8 bytes, folding), and any body.
    fn mail_like() -> impl Strategy<Value = Vec<u8>> {
        let header = prop_oneof![
            Just("From"),
            Just("To"),
            Just("Cc"),
            Just("Subject"),
            Just("Message-ID"),
            Just("In-Reply-To"),
            Just("References"),
            Just("Authentication-Results"),
            Just("Content-Type"),
            Just("Content-Transfer-Encoding"),
            Just("Delivered-To"),
        ];
        let value = prop_oneof![
            any::<String>(),
            "[a-z]{1,8}@[a-z]{1,8}\\.[a-z]{2,3}",
            "<[a-z0-9.]{1,20}@[a-z]{1,8}>",
            "=\\?utf-8\\?[BQ]\\?[A-Za-z0-9=_+/]{0,30}\\?=",
            "multipart/(mixed|alternative); boundary=\"?[a-z]{0,5}\"?",
            "(base64|quoted-printable|8bit)",
            "mx; (spf|dkim|dmarc)=(pass|fail|softfail|none)[; a-z=]{0,20}",
        ];
        (
            proptest::collection::vec((header, value), 0..12),
            proptest::collection::vec(any::<u8>(), 0..400),
        )
            .prop_map(|(headers, body)| {
                let mut raw = Vec::new();
                for (name, value) in headers {
                    raw.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
                }
                raw.extend_from_slice(b"\r\n");
                raw.extend_from_slice(&body);
                raw
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Whatever a relay posts, reading it gives a mail or a validation error: never a
        /// panic (a 500, which relays retry forever), never another kind of error.
        #[test]
        fn any_message_reads_as_a_mail_or_a_validation_error(raw in prop_oneof![
            mail_like(),
            proptest::collection::vec(any::<u8>(), 0..600),
        ]) {
            match read_mail(&raw, None) {
                Ok(mail) => {
                    prop_assert!(!mail.message_id.is_empty());
                    prop_assert!(!mail.text.is_empty());
                    prop_assert!(mail.from_address.contains('@'));
                }
                Err(DomainError::Validation { .. }) => {}
                Err(other) => prop_assert!(false, "unexpected error {other:?}"),
            }
        }

        #[test]
        fn quotes_are_cut_without_panicking(text in any::<String>()) {
            let kept = strip_quote(&text);
            prop_assert!(kept.len() <= text.len());
        }
    }

    fn check(headers: &str, authserv_id: Option<&str>) -> SenderCheck {
        let raw = format!("{headers}From: a@b.example\r\nSubject: s\r\n\r\nx\r\n");
        MessageParser::default()
            .parse(raw.as_bytes())
            .map_or(SenderCheck::Unknown, |m| sender_check(&m, authserv_id))
    }

    #[test]
    fn the_relay_verdict_is_read_from_its_own_header() {
        assert_eq!(check("", None), SenderCheck::Unknown);
        assert_eq!(
            check("Authentication-Results: mx.guichet.test; spf=pass smtp.mailfrom=b.example; dkim=pass header.d=b.example; dmarc=pass\r\n", None),
            SenderCheck::Pass
        );
        assert_eq!(
            check("Authentication-Results: mx.guichet.test;\r\n spf=fail smtp.mailfrom=b.example;\r\n dkim=none; dmarc=fail (p=reject)\r\n", None),
            SenderCheck::Fail("dmarc=fail".into())
        );
        assert_eq!(
            check(
                "Authentication-Results: mx; spf=softfail; dkim=none\r\n",
                None
            ),
            SenderCheck::Fail("spf=softfail".into())
        );
        assert_eq!(
            check(
                "Authentication-Results: mx; spf=softfail; dkim=pass header.d=b.example\r\n",
                None
            ),
            SenderCheck::Pass
        );
        // The sender's own forged header, below the relay's, is not read.
        let forged = "Authentication-Results: mx.guichet.test; dmarc=fail\r\nAuthentication-Results: mx.guichet.test; dmarc=pass\r\n";
        assert_eq!(check(forged, None), SenderCheck::Fail("dmarc=fail".into()));
        // With an authserv-id set, only that service's header counts.
        let two = "Authentication-Results: evil.example; dmarc=pass\r\nAuthentication-Results: mx.guichet.test; dmarc=fail\r\n";
        assert_eq!(
            check(two, Some("mx.guichet.test")),
            SenderCheck::Fail("dmarc=fail".into())
        );
        assert_eq!(check(two, Some("other.example")), SenderCheck::Unknown);
    }

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
