//! One delivery loop for every outbox (`email_outbox`, `channel_outbox`), each sent through
//! a [`Transport`] that the server plugs in (SMTP, the Telegram Bot API, Twilio's REST API).
//! The wire formats live with those transports in the server; the domain only knows the
//! message, the outcome and the retry policy.
//!
//! Delivery is at-least-once and safe with several instances: a run claims a row by moving
//! its `send_after` into the future and counting the attempt in one conditional `UPDATE`,
//! so two runs never send the same row at the same time. Failures are retried with a
//! growing delay (1, 4, 9, 16 minutes), then the row is marked failed with the last error
//! kept. Each outbox is delivered on its own: one failing transport (or table) never stops
//! the others.

use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use entity::enums::{IntegrationKind, OutboxStatus};
use entity::{channel_outbox, email_outbox, integration};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::Value;

use super::error::DomainResult;
use super::scope::find_in_tenant_opt;
use super::Services;

/// Attempts before a row the relay or provider refused (or that cannot be sent) is marked
/// failed.
pub const MAX_ATTEMPTS: i32 = 5;

/// How long a row is retried while the relay or provider cannot be reached or answers
/// "try later": an outage of hours loses nothing, as with any mail server.
pub const KEEP_TRYING_HOURS: i64 = 72;

/// The longest wait between two attempts.
const MAX_BACKOFF_MINUTES: i64 = 60;

/// How long a claimed row is reserved for the run that claimed it.
const CLAIM_MINUTES: i64 = 10;

/// Rows sent per run and outbox at most.
const BATCH: u64 = 100;

/// Why a message could not be sent. Every variant is retried; the text is kept on the row.
/// Transient ones (unreachable, or "try later" in the outbox's protocol) for
/// [`KEEP_TRYING_HOURS`], the others [`MAX_ATTEMPTS`] times.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The provider or relay could not be reached (network, time-out, TLS).
    #[error("cannot reach the provider: {0}")]
    Unreachable(String),
    /// The provider answered with a refusal.
    #[error("the provider answered {status}: {detail}")]
    Rejected {
        /// The HTTP status or SMTP reply code.
        status: u16,
        /// The start of the provider's answer.
        detail: String,
    },
    /// The message cannot be sent as it is (bad recipient, missing credential or sender,
    /// an integration that is gone or sends nothing).
    #[error("{0}")]
    Invalid(String),
}

/// Something that sends messages of one kind over the wire.
#[async_trait::async_trait]
pub trait Transport<M: Sync>: Send + Sync {
    /// Sends one message; `Ok` once the relay or provider accepted it.
    async fn send(&self, message: &M) -> Result<(), SendError>;
}

/// A transport shared by every clone of the services.
pub type SharedTransport<M> = Arc<dyn Transport<M>>;

/// An e-mail, ready for the relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    /// The sender (`Name <address>` or an address).
    pub from: String,
    /// The recipient.
    pub to: String,
    /// The subject.
    pub subject: String,
    /// The plain-text body.
    pub body_text: String,
    /// The HTML alternative, when the mail has one.
    pub body_html: Option<String>,
    /// The mail's own `Message-ID`, without brackets.
    pub message_id: Option<String>,
    /// The `Message-ID` (without brackets) this mail answers.
    pub in_reply_to: Option<String>,
    /// Where answers go: for mails about a ticket, its tagged reply address.
    pub reply_to: Option<String>,
    /// The `Message-ID`s of the thread so far, oldest first (`References`).
    pub references: Vec<String>,
}

/// A text message on a channel, ready for its provider.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelMessage {
    /// Which provider.
    pub kind: IntegrationKind,
    /// The integration's decrypted credentials.
    pub credentials: Value,
    /// The integration's settings (sender numbers).
    pub settings: Value,
    /// A Telegram chat id, a phone number, or `whatsapp:` and a phone number.
    pub recipient: String,
    /// The text.
    pub body: String,
}

/// The transports of the outboxes; `None` keeps that outbox queued (nothing configured).
#[derive(Clone, Default)]
pub struct Transports {
    /// SMTP.
    pub mail: Option<SharedTransport<OutgoingMail>>,
    /// Telegram and Twilio.
    pub channels: Option<SharedTransport<ChannelMessage>>,
}

impl std::fmt::Debug for Transports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transports")
            .field("mail", &self.mail.is_some())
            .field("channels", &self.channels.is_some())
            .finish()
    }
}

/// What one delivery run of one outbox did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    /// Messages the relay or provider accepted.
    pub sent: usize,
    /// Attempts that failed (to be retried or given up).
    pub failed: usize,
}

/// After failed attempt number `attempts` of an outbox row created at `created_at`: its new
/// status and when to try again (1, 4, 9, 16… minutes later, at most an hour). A transient
/// failure keeps the row pending for [`KEEP_TRYING_HOURS`]; any other gives up after
/// [`MAX_ATTEMPTS`].
#[must_use]
pub fn after_failure(
    attempts: i32,
    transient: bool,
    created_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> (OutboxStatus, DateTime<Utc>) {
    let give_up = if transient {
        now >= created_at + Duration::hours(KEEP_TRYING_HOURS)
    } else {
        attempts >= MAX_ATTEMPTS
    };
    let status = if give_up {
        OutboxStatus::Failed
    } else {
        OutboxStatus::Pending
    };
    let wait = i64::from(attempts)
        .saturating_mul(i64::from(attempts))
        .min(MAX_BACKOFF_MINUTES);
    (status, now + Duration::minutes(wait))
}

/// The columns every outbox table has.
struct Columns<C> {
    id: C,
    status: C,
    attempts: C,
    send_after: C,
    sent_at: C,
    last_error: C,
}

/// An outbox table: where its rows are, what message a row becomes, and who sends it.
trait Outbox: EntityTrait {
    type Message: Send + Sync + 'static;
    const NAME: &'static str;
    fn columns() -> Columns<Self::Column>;
    fn row_id(row: &Self::Model) -> i64;
    fn row_attempts(row: &Self::Model) -> i32;
    fn row_created_at(row: &Self::Model) -> DateTime<Utc>;
    /// Whether trying again later may succeed, in this outbox's protocol.
    fn transient(error: &SendError) -> bool;
    fn transport(svc: &Services) -> Option<SharedTransport<Self::Message>>;
    /// The message a claimed row becomes (an error is recorded as a failed attempt).
    fn message(
        svc: &Services,
        row: &Self::Model,
    ) -> impl Future<Output = DomainResult<Result<Self::Message, SendError>>> + Send;
}

/// The parts of [`Outbox`] that every outbox table has alike.
macro_rules! outbox_table {
    ($table:ident) => {
        fn columns() -> Columns<Self::Column> {
            use $table::Column as C;
            Columns {
                id: C::Id,
                status: C::Status,
                attempts: C::Attempts,
                send_after: C::SendAfter,
                sent_at: C::SentAt,
                last_error: C::LastError,
            }
        }

        fn row_id(row: &$table::Model) -> i64 {
            row.id
        }

        fn row_attempts(row: &$table::Model) -> i32 {
            row.attempts
        }

        fn row_created_at(row: &$table::Model) -> DateTime<Utc> {
            row.created_at
        }
    };
}

impl Outbox for email_outbox::Entity {
    type Message = OutgoingMail;
    const NAME: &'static str = "mail";

    outbox_table!(email_outbox);

    /// SMTP: the relay unreachable, or a 4xx reply ("try again later").
    fn transient(error: &SendError) -> bool {
        match error {
            SendError::Unreachable(_) => true,
            SendError::Rejected { status, .. } => (400..500).contains(status),
            SendError::Invalid(_) => false,
        }
    }

    fn transport(svc: &Services) -> Option<SharedTransport<OutgoingMail>> {
        svc.transports.mail.clone()
    }

    async fn message(
        svc: &Services,
        row: &email_outbox::Model,
    ) -> DomainResult<Result<OutgoingMail, SendError>> {
        let references = match row.ticket_id {
            Some(ticket_id) => {
                crate::mail_threads::thread_references(
                    &svc.db,
                    row.tenant_id,
                    ticket_id,
                    row.id,
                    row.created_at,
                )
                .await?
            }
            None => Vec::new(),
        };
        Ok(Ok(OutgoingMail {
            references,
            from: svc.mail.from.clone(),
            to: row.to_address.clone(),
            subject: row.subject.clone(),
            body_text: row.body_text.clone(),
            body_html: row.body_html.clone(),
            message_id: row.message_id.clone(),
            in_reply_to: row.in_reply_to.clone(),
            reply_to: row.ticket_id.map(|ticket| {
                svc.mail
                    .reply_address(row.tenant_id, ticket, &row.to_address)
            }),
        }))
    }
}

impl Outbox for channel_outbox::Entity {
    type Message = ChannelMessage;
    const NAME: &'static str = "channel";

    outbox_table!(channel_outbox);

    /// HTTP APIs: the provider unreachable, or 408, 429 or 5xx.
    fn transient(error: &SendError) -> bool {
        match error {
            SendError::Unreachable(_) => true,
            SendError::Rejected { status, .. } => {
                matches!(status, 408 | 429) || (500..600).contains(status)
            }
            SendError::Invalid(_) => false,
        }
    }

    fn transport(svc: &Services) -> Option<SharedTransport<ChannelMessage>> {
        svc.transports.channels.clone()
    }

    async fn message(
        svc: &Services,
        row: &channel_outbox::Model,
    ) -> DomainResult<Result<ChannelMessage, SendError>> {
        let found =
            find_in_tenant_opt::<integration::Entity>(&svc.db, row.tenant_id, row.integration_id)
                .await?;
        let Some(found) = found.filter(|f| f.is_active) else {
            return Ok(Err(SendError::Invalid(
                "the integration is gone or inactive".into(),
            )));
        };
        let credentials = match svc.channels.decrypt(&found) {
            Ok(credentials) => credentials,
            Err(error) => return Ok(Err(SendError::Invalid(error.to_string()))),
        };
        Ok(Ok(ChannelMessage {
            kind: found.kind,
            credentials,
            settings: found.settings.clone().unwrap_or(Value::Null),
            recipient: row.recipient.clone(),
            body: row.body.clone(),
        }))
    }
}

/// What one run of every outbox did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReports {
    /// Mails handed to the relay.
    pub mail: DeliveryReport,
    /// Telegram, SMS and WhatsApp messages handed to their provider.
    pub channels: DeliveryReport,
}

/// Sends what is due in every outbox. A failure of one outbox (its table, its transport) is
/// logged and does not stop the others.
pub async fn deliver_all(svc: &Services) -> DeliveryReports {
    DeliveryReports {
        mail: deliver::<email_outbox::Entity>(svc).await,
        channels: deliver::<channel_outbox::Entity>(svc).await,
    }
}

/// Delivers one outbox; database errors end this outbox's run (logged), not the caller's.
async fn deliver<E: Outbox>(svc: &Services) -> DeliveryReport {
    match try_deliver::<E>(svc).await {
        Ok(report) => report,
        Err(error) => {
            tracing::error!(outbox = E::NAME, error = %crate::error::Chain(&error), "delivering an outbox failed");
            DeliveryReport::default()
        }
    }
}

async fn try_deliver<E: Outbox>(svc: &Services) -> DomainResult<DeliveryReport> {
    let mut report = DeliveryReport::default();
    let Some(transport) = E::transport(svc) else {
        return Ok(report);
    };
    let columns = E::columns();
    let now = svc.now();
    let due = E::find()
        .filter(columns.status.eq(OutboxStatus::Pending))
        .filter(columns.send_after.lte(now))
        .order_by_asc(columns.id)
        .limit(BATCH)
        .all(&svc.db)
        .await?;
    for row in due {
        let (id, attempts) = (E::row_id(&row), E::row_attempts(&row));
        // Claim: only one run moves this attempt count on.
        let claimed = E::update_many()
            .col_expr(columns.attempts, Expr::value(attempts + 1))
            .col_expr(
                columns.send_after,
                Expr::value(now + Duration::minutes(CLAIM_MINUTES)),
            )
            .filter(columns.id.eq(id))
            .filter(columns.status.eq(OutboxStatus::Pending))
            .filter(columns.attempts.eq(attempts))
            .exec(&svc.db)
            .await?;
        if claimed.rows_affected == 0 {
            continue;
        }
        let attempts = attempts + 1;
        let outcome = match E::message(svc, &row).await? {
            Ok(message) => transport.send(&message).await,
            Err(error) => Err(error),
        };
        let update = E::update_many().filter(columns.id.eq(id));
        match outcome {
            Ok(()) => {
                update
                    .col_expr(columns.status, Expr::value(OutboxStatus::Sent))
                    .col_expr(columns.sent_at, Expr::value(Some(svc.now())))
                    .col_expr(columns.last_error, Expr::value(None::<String>))
                    .exec(&svc.db)
                    .await?;
                report.sent += 1;
            }
            Err(error) => {
                tracing::warn!(outbox = E::NAME, row = id, attempts, %error, "sending failed");
                let (status, retry) =
                    after_failure(attempts, E::transient(&error), E::row_created_at(&row), now);
                update
                    .col_expr(columns.status, Expr::value(status))
                    .col_expr(columns.send_after, Expr::value(retry))
                    .col_expr(columns.last_error, Expr::value(Some(error.to_string())))
                    .exec(&svc.db)
                    .await?;
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    #[test]
    fn outages_are_waited_out_and_refusals_given_up() {
        let created = Utc
            .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .unwrap_or_default();
        // Unreachable: still pending after 30 attempts over a day, waits capped at an hour.
        let (status, retry) = after_failure(30, true, created, created + Duration::hours(24));
        assert_eq!(status, OutboxStatus::Pending);
        assert_eq!(retry, created + Duration::hours(25));
        // ... until three days have passed.
        let (status, _) = after_failure(80, true, created, created + Duration::hours(72));
        assert_eq!(status, OutboxStatus::Failed);
        // Refused: the fifth attempt is the last, whatever the time.
        let (status, retry) = after_failure(4, false, created, created);
        assert_eq!(
            (status, retry),
            (OutboxStatus::Pending, created + Duration::minutes(16))
        );
        let (status, _) = after_failure(5, false, created, created);
        assert_eq!(status, OutboxStatus::Failed);
    }
}
