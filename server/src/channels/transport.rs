//! The transports the domain's delivery loop sends through: SMTP (lettre) for mail, the
//! Telegram Bot API and Twilio's REST API (reqwest) for channel messages.

use std::sync::Arc;

use entity::enums::IntegrationKind;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde_json::Value;

use crate::domain::delivery::{ChannelMessage, OutgoingMail, SendError, Transport, Transports};

/// Mail over SMTP.
pub struct Smtp(AsyncSmtpTransport<Tokio1Executor>);

impl Smtp {
    /// A relay at `url`: `smtp://host:port` for plain SMTP, `smtp://host:port?tls=required`
    /// for STARTTLS, `smtps://…` for TLS.
    ///
    /// # Errors
    ///
    /// A malformed URL.
    pub fn new(url: &str) -> Result<Self, String> {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map(|builder| Self(builder.build()))
            .map_err(|e| format!("bad SMTP URL `{}`: {e}", crate::config::redact_url(url)))
    }
}

/// Builds the RFC 5322 message of an outgoing mail.
///
/// # Errors
///
/// [`SendError::Invalid`] for an address lettre cannot use.
pub fn build_message(mail: &OutgoingMail) -> Result<Message, SendError> {
    let from = mail
        .from
        .parse::<Mailbox>()
        .map_err(|e| SendError::Invalid(format!("bad sender `{}`: {e}", mail.from)))?;
    let to = mail
        .to
        .parse::<Mailbox>()
        .map_err(|e| SendError::Invalid(format!("bad recipient `{}`: {e}", mail.to)))?;
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject.clone());
    // Every mail has a Message-ID (one is made for mails Guichet does not thread, such as
    // rating and budget mails) and a Date (lettre adds it).
    builder = builder.message_id(mail.message_id.as_ref().map(|id| format!("<{id}>")));
    if let Some(reply_to) = &mail.reply_to {
        let mailbox = reply_to
            .parse::<Mailbox>()
            .map_err(|e| SendError::Invalid(format!("bad reply address `{reply_to}`: {e}")))?;
        builder = builder.reply_to(mailbox);
    }
    if let Some(id) = &mail.in_reply_to {
        builder = builder.in_reply_to(format!("<{id}>"));
    }
    // The thread so far, ending with the mail answered.
    let mut references: Vec<&str> = mail.references.iter().map(String::as_str).collect();
    if let Some(id) = mail.in_reply_to.as_deref() {
        references.retain(|r| *r != id);
        references.push(id);
    }
    if !references.is_empty() {
        let joined: Vec<String> = references.iter().map(|id| format!("<{id}>")).collect();
        builder = builder.references(joined.join(" "));
    }
    let built = match &mail.body_html {
        Some(html) if !html.is_empty() => builder.multipart(MultiPart::alternative_plain_html(
            mail.body_text.clone(),
            html.clone(),
        )),
        _ => builder
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body_text.clone()),
    };
    built.map_err(|e| SendError::Invalid(format!("cannot build the mail: {e}")))
}

#[async_trait::async_trait]
impl Transport<OutgoingMail> for Smtp {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), SendError> {
        let message = build_message(mail)?;
        match self.0.send(message).await {
            Ok(_) => Ok(()),
            Err(error) => Err(match error.status() {
                Some(code) => SendError::Rejected {
                    status: u16::from(code.severity as u8) * 100
                        + u16::from(code.category as u8) * 10
                        + u16::from(code.detail as u8),
                    detail: error.to_string(),
                },
                None => SendError::Unreachable(error.to_string()),
            }),
        }
    }
}

/// Telegram and Twilio messages over their HTTP APIs.
pub struct Providers {
    http: reqwest::Client,
    telegram_api_url: String,
    twilio_api_url: String,
}

impl Providers {
    /// The providers at these base addresses (the real ones, or local fakes in tests).
    #[must_use]
    pub fn new(telegram_api_url: &str, twilio_api_url: &str) -> Self {
        Self {
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(20))
                .build()
                .unwrap_or_default(),
            telegram_api_url: telegram_api_url.trim_end_matches('/').to_owned(),
            twilio_api_url: twilio_api_url.trim_end_matches('/').to_owned(),
        }
    }

    fn telegram(&self, message: &ChannelMessage) -> Result<reqwest::RequestBuilder, SendError> {
        let token = credential(&message.credentials, "botToken")?;
        // A chat id is an integer in the Bot API.
        let chat_id: i64 = message.recipient.parse().map_err(|_| {
            SendError::Invalid(format!("'{}' is not a Telegram chat id", message.recipient))
        })?;
        Ok(self
            .http
            .post(format!("{}/bot{token}/sendMessage", self.telegram_api_url))
            .json(&serde_json::json!({ "chat_id": chat_id, "text": message.body })))
    }

    fn twilio(&self, message: &ChannelMessage) -> Result<reqwest::RequestBuilder, SendError> {
        let sid = credential(&message.credentials, "accountSid")?;
        let token = credential(&message.credentials, "authToken")?;
        let sender = |key: &str| message.settings.get(key).and_then(Value::as_str);
        let from = if message.recipient.starts_with("whatsapp:") {
            sender("whatsappFrom")
                .map(|n| format!("whatsapp:{}", n.trim_start_matches("whatsapp:")))
        } else {
            sender("smsFrom").map(str::to_owned)
        }
        .ok_or_else(|| {
            SendError::Invalid("the integration has no sender number for this channel".into())
        })?;
        Ok(self
            .http
            .post(format!(
                "{}/2010-04-01/Accounts/{sid}/Messages.json",
                self.twilio_api_url
            ))
            .basic_auth(&sid, Some(&token))
            .form(&[
                ("To", message.recipient.as_str()),
                ("From", from.as_str()),
                ("Body", message.body.as_str()),
            ]))
    }
}

fn credential(credentials: &Value, name: &str) -> Result<String, SendError> {
    credentials
        .get(name)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| SendError::Invalid(format!("the integration has no '{name}' credential")))
}

#[async_trait::async_trait]
impl Transport<ChannelMessage> for Providers {
    async fn send(&self, message: &ChannelMessage) -> Result<(), SendError> {
        let request = match message.kind {
            IntegrationKind::Telegram => self.telegram(message)?,
            IntegrationKind::Twilio => self.twilio(message)?,
            other => {
                return Err(SendError::Invalid(format!(
                    "{} integrations send no messages",
                    other.as_str()
                )))
            }
        };
        let response = request
            .send()
            .await
            .map_err(|e| SendError::Unreachable(e.to_string()))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let detail: String = response
            .text()
            .await
            .unwrap_or_default()
            .chars()
            .take(300)
            .collect();
        Err(SendError::Rejected {
            status: status.as_u16(),
            detail,
        })
    }
}

/// The transports for this configuration: SMTP when a relay is set (otherwise mail stays
/// queued), the providers' APIs always.
///
/// # Errors
///
/// A malformed SMTP URL.
pub fn transports(
    smtp_url: Option<&str>,
    telegram_api_url: &str,
    twilio_api_url: &str,
) -> Result<Transports, String> {
    let mail = match smtp_url {
        Some(url) => Some(Arc::new(Smtp::new(url)?) as _),
        None => None,
    };
    Ok(Transports {
        mail,
        channels: Some(Arc::new(Providers::new(telegram_api_url, twilio_api_url))),
    })
}
