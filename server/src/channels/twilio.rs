//! SMS and WhatsApp through Twilio: inbound messages arrive at
//! `POST /channels/twilio/{integration_id}` as Twilio's form-encoded webhook (`From`, `To`,
//! `Body`, `MessageSid`, …), signed in `X-Twilio-Signature`; agents' replies leave through
//! Twilio's REST API from the channel outbox (`domain::channels`).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use entity::enums::{Channel, IntegrationKind};
use entity::integration;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use subtle::ConstantTimeEq;

use crate::domain::channels::{
    channel_actor, first_received_at, receive_customer_message, InboundMessage, InboundOutcome,
};
use crate::domain::customers::{find_or_create_from_contact, InboundContact};
use crate::domain::error::{DomainError, DomainResult};
use crate::domain::integrations::find_active_integration;
use crate::domain::Services;

/// How long after its first delivery a signed Twilio request is still answered (Twilio
/// retries within this window); after it, the same request is a replay and refused.
pub const REPLAY_WINDOW_MINUTES: i64 = 10;

/// Twilio's signature of a webhook: HMAC-SHA1, keyed by the auth token, of the full URL
/// followed by every POST parameter's name and value, sorted by name; base64.
#[must_use]
pub fn signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut data = url.to_owned();
    for (name, value) in sorted {
        data.push_str(name);
        data.push_str(value);
    }
    // HMAC takes keys of any length: this cannot fail.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()) else {
        return String::new();
    };
    mac.update(data.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// The URL Twilio signs for an integration's webhook: the public address and the path.
#[must_use]
pub fn webhook_url(svc: &Services, integration_id: i64) -> String {
    format!(
        "{}/channels/twilio/{integration_id}",
        svc.channels.public_url
    )
}

/// Checks the signature of a Twilio webhook; returns the integration.
///
/// # Errors
///
/// [`DomainError::NotFound`] for an unknown or inactive integration;
/// [`DomainError::Forbidden`] for a missing or wrong signature.
pub async fn authenticate_webhook(
    svc: &Services,
    integration_id: i64,
    params: &[(String, String)],
    given: Option<&str>,
) -> DomainResult<integration::Model> {
    let found = find_active_integration(&svc.db, integration_id, IntegrationKind::Twilio).await?;
    let credentials = svc.channels.decrypt(&found)?;
    let token = credentials
        .get("authToken")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    let expected = signature(token, &webhook_url(svc, integration_id), params);
    let given = given.unwrap_or_default();
    if token.is_empty() || !bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
        return Err(DomainError::Forbidden(
            "wrong or missing X-Twilio-Signature".into(),
        ));
    }
    Ok(found)
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Handles an authenticated inbound message: the sender (`From`, `whatsapp:+33…` for
/// WhatsApp) is found or created as a customer by phone number, and the message threads
/// into their open ticket of that channel or opens one.
///
/// # Errors
///
/// [`DomainError::Validation`] for a missing `From`, `Body` or `MessageSid`, or a sender
/// that is not a phone number; database errors.
pub async fn handle_message(
    svc: &Services,
    found: &integration::Model,
    params: &[(String, String)],
) -> DomainResult<InboundOutcome> {
    let from = param(params, "From")
        .filter(|f| !f.trim().is_empty())
        .ok_or_else(|| DomainError::validation("From", "the webhook has no From"))?;
    let body = param(params, "Body").unwrap_or_default();
    if body.trim().is_empty() {
        return Err(DomainError::validation("Body", "the message is empty"));
    }
    let sid = param(params, "MessageSid")
        .or_else(|| param(params, "SmsSid"))
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| DomainError::validation("MessageSid", "the webhook has no MessageSid"))?;
    let (channel, phone) = match from.strip_prefix("whatsapp:") {
        Some(phone) => (Channel::Whatsapp, phone),
        None => (Channel::Sms, from),
    };
    let inbound = InboundMessage::new(found.id, channel, body, sid)?;
    // Twilio signs no timestamp: a captured request stays valid. Its retries come within
    // minutes and are answered as the first delivery was; later, it is a replay.
    if let Some(at) = first_received_at(&svc.db, found.tenant_id, &inbound).await? {
        if svc.now() - at > chrono::Duration::minutes(REPLAY_WINDOW_MINUTES) {
            return Err(DomainError::Forbidden(format!(
                "message {} was received at {at}: a replay is refused",
                inbound.external_id
            )));
        }
    }
    let system = channel_actor(&svc.db, found.tenant_id).await?;
    let person = find_or_create_from_contact(
        svc,
        &system,
        InboundContact {
            channel,
            phone: Some(phone.to_owned()),
            email: None,
            first_name: param(params, "ProfileName").map(str::to_owned),
            last_name: None,
            message: Some(body.to_owned()),
        },
    )
    .await?
    .customer;
    receive_customer_message(svc, &system, &person, inbound).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test vector of Twilio's request validators.
    #[test]
    fn signature_matches_twilio_documentation() {
        let params: Vec<(String, String)> = [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+14158675309"),
            ("Digits", "1234"),
            ("From", "+14158675309"),
            ("To", "+18005551212"),
        ]
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
        assert_eq!(
            signature(
                "12345",
                "https://mycompany.com/myapp.php?foo=1&bar=2",
                &params
            ),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        );
    }
}
