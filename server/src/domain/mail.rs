//! Outgoing e-mail: an outbox table written in the same transaction as the change that
//! causes the mail, and a delivery job that sends it over SMTP (lettre).
//!
//! Delivery is at-least-once and safe with several instances: a run claims a row by moving
//! its `send_after` into the future and counting the attempt in one conditional `UPDATE`,
//! so two runs never send the same row at the same time. Failures are retried with a
//! growing delay, then the row is marked failed with the last error kept.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use entity::email_outbox;
use entity::enums::OutboxStatus;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::auth::SessionKeys;
use super::error::DomainResult;
use super::Services;

/// Attempts before a mail is marked failed.
pub const MAX_ATTEMPTS: i32 = 5;

/// How long a claimed row is reserved for the run that claimed it.
pub(crate) const CLAIM_MINUTES: i64 = 10;

/// Rows sent per run at most.
pub(crate) const BATCH: u64 = 100;

/// After failed attempt number `attempts` of an outbox row (mail or channel message): its
/// new status (failed after [`MAX_ATTEMPTS`]) and when to try again, 1, 4, 9 then 16
/// minutes after `now`.
pub(crate) fn after_failure(attempts: i32, now: DateTime<Utc>) -> (OutboxStatus, DateTime<Utc>) {
    let status = if attempts >= MAX_ATTEMPTS {
        OutboxStatus::Failed
    } else {
        OutboxStatus::Pending
    };
    (
        status,
        now + Duration::minutes(i64::from(attempts * attempts)),
    )
}

/// What the domain needs to write and send mail.
#[derive(Clone)]
pub struct Mailer {
    /// The SMTP relay; `None` keeps mail queued (nothing configured).
    pub transport: Option<Arc<AsyncSmtpTransport<Tokio1Executor>>>,
    /// The sender.
    pub from: Mailbox,
    /// The address users reach the server at, for links in mails (no trailing slash).
    pub public_url: String,
    /// Keys that sign links in mails (rating links).
    pub links: SessionKeys,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("smtp", &self.transport.is_some())
            .field("from", &self.from.to_string())
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// A mailer sending through the relay at `smtp_url` (`smtp://host:port` for plain
    /// SMTP, `smtp://host:port?tls=required` for STARTTLS, `smtps://…` for TLS), or
    /// queueing only when `smtp_url` is `None`.
    ///
    /// # Errors
    ///
    /// A malformed URL or sender address.
    pub fn new(
        smtp_url: Option<&str>,
        from: &str,
        public_url: &str,
        links: SessionKeys,
    ) -> Result<Self, String> {
        let transport = smtp_url
            .map(|url| {
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map(|b| Arc::new(b.build()))
                    .map_err(|e| format!("bad SMTP URL `{url}`: {e}"))
            })
            .transpose()?;
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| format!("bad sender address `{from}`: {e}"))?;
        Ok(Self {
            transport,
            from,
            public_url: public_url.trim_end_matches('/').to_owned(),
            links,
        })
    }
}

/// Queues a mail; call inside the transaction of the change it reports.
///
/// # Errors
///
/// Database errors.
pub async fn queue_mail(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    to: &str,
    subject: &str,
    body: &str,
    now: DateTime<Utc>,
) -> DomainResult<email_outbox::Model> {
    Ok(email_outbox::ActiveModel {
        tenant_id: Set(tenant_id),
        to_address: Set(to.to_owned()),
        subject: Set(subject.to_owned()),
        body_text: Set(body.to_owned()),
        status: Set(OutboxStatus::Pending),
        attempts: Set(0),
        last_error: Set(None),
        send_after: Set(now),
        sent_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// A mail about a ticket, with threading headers.
#[derive(Debug, Clone)]
pub struct TicketMail<'a> {
    /// The ticket's tenant.
    pub tenant_id: i64,
    /// The ticket.
    pub ticket_id: i64,
    /// The recipient.
    pub to: &'a str,
    /// The subject (with the ticket number, so that replies can be threaded by it too).
    pub subject: &'a str,
    /// The text.
    pub body: &'a str,
    /// The `Message-ID` (without brackets) of the mail this one answers.
    pub in_reply_to: Option<&'a str>,
}

/// Queues a mail about a ticket with its own `Message-ID`, remembered with the ticket so
/// that the customer's answer (`In-Reply-To`) threads back into it; call inside the
/// transaction of the change it reports.
///
/// # Errors
///
/// Database errors.
pub async fn queue_ticket_mail(
    db: &impl ConnectionTrait,
    mailer: &Mailer,
    mail: TicketMail<'_>,
    now: DateTime<Utc>,
) -> DomainResult<email_outbox::Model> {
    let mut random = [0u8; 12];
    rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut random);
    let token: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let domain = mailer.from.email.domain().to_owned();
    Ok(email_outbox::ActiveModel {
        tenant_id: Set(mail.tenant_id),
        to_address: Set(mail.to.to_owned()),
        subject: Set(mail.subject.to_owned()),
        body_text: Set(mail.body.to_owned()),
        status: Set(OutboxStatus::Pending),
        attempts: Set(0),
        last_error: Set(None),
        send_after: Set(now),
        sent_at: Set(None),
        created_at: Set(now),
        ticket_id: Set(Some(mail.ticket_id)),
        message_id: Set(Some(format!("ticket-{}.{token}@{domain}", mail.ticket_id))),
        in_reply_to: Set(mail.in_reply_to.map(str::to_owned)),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// What one delivery run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailReport {
    /// Mails handed to the relay.
    pub sent: usize,
    /// Attempts that failed (to be retried or given up).
    pub failed: usize,
}

/// Sends the mails that are due. Without a relay configured, nothing is sent and mail
/// stays queued.
///
/// # Errors
///
/// Database errors (SMTP errors are recorded on the row, not returned).
pub async fn deliver_outbox(svc: &Services) -> DomainResult<MailReport> {
    let mut report = MailReport::default();
    let Some(transport) = svc.mail.transport.clone() else {
        return Ok(report);
    };
    let now = svc.now();
    let due = email_outbox::Entity::find()
        .filter(email_outbox::Column::Status.eq(OutboxStatus::Pending))
        .filter(email_outbox::Column::SendAfter.lte(now))
        .order_by_asc(email_outbox::Column::Id)
        .limit(BATCH)
        .all(&svc.db)
        .await?;
    for mail in due {
        // Claim: only one run moves this attempt count on.
        let claimed = email_outbox::Entity::update_many()
            .col_expr(
                email_outbox::Column::Attempts,
                Expr::value(mail.attempts + 1),
            )
            .col_expr(
                email_outbox::Column::SendAfter,
                Expr::value(now + Duration::minutes(CLAIM_MINUTES)),
            )
            .filter(email_outbox::Column::Id.eq(mail.id))
            .filter(email_outbox::Column::Status.eq(OutboxStatus::Pending))
            .filter(email_outbox::Column::Attempts.eq(mail.attempts))
            .exec(&svc.db)
            .await?;
        if claimed.rows_affected == 0 {
            continue;
        }
        let attempts = mail.attempts + 1;
        match send_one(&transport, &svc.mail.from, &mail).await {
            Ok(()) => {
                email_outbox::Entity::update_many()
                    .col_expr(
                        email_outbox::Column::Status,
                        Expr::value(OutboxStatus::Sent),
                    )
                    .col_expr(email_outbox::Column::SentAt, Expr::value(Some(svc.now())))
                    .col_expr(email_outbox::Column::LastError, Expr::value(None::<String>))
                    .filter(email_outbox::Column::Id.eq(mail.id))
                    .exec(&svc.db)
                    .await?;
                report.sent += 1;
            }
            Err(error) => {
                tracing::warn!(mail = mail.id, attempts, %error, "sending mail failed");
                let (status, retry) = after_failure(attempts, now);
                email_outbox::Entity::update_many()
                    .col_expr(email_outbox::Column::Status, Expr::value(status))
                    .col_expr(email_outbox::Column::SendAfter, Expr::value(retry))
                    .col_expr(email_outbox::Column::LastError, Expr::value(Some(error)))
                    .filter(email_outbox::Column::Id.eq(mail.id))
                    .exec(&svc.db)
                    .await?;
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

async fn send_one(
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
    mail: &email_outbox::Model,
) -> Result<(), String> {
    let to = mail
        .to_address
        .parse::<Mailbox>()
        .map_err(|e| format!("bad recipient `{}`: {e}", mail.to_address))?;
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone());
    if let Some(id) = &mail.message_id {
        builder = builder.message_id(Some(format!("<{id}>")));
    }
    if let Some(id) = &mail.in_reply_to {
        builder = builder
            .in_reply_to(format!("<{id}>"))
            .references(format!("<{id}>"));
    }
    let message = builder
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        .body(mail.body_text.clone())
        .map_err(|e| format!("cannot build the mail: {e}"))?;
    transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The link a customer follows to rate a ticket; it opens a page that needs a click.
///
/// # Errors
///
/// [`DomainError::Internal`] if signing fails.
pub fn rating_link(
    mailer: &Mailer,
    tenant_id: i64,
    ticket_id: i64,
    customer_id: i64,
    now: DateTime<Utc>,
) -> DomainResult<String> {
    let token = mailer
        .links
        .sign_rating(ticket_id, customer_id, tenant_id, now)?;
    Ok(format!("{}/rate/{token}", mailer.public_url))
}

/// Checks that an address can be mailed to before queueing (rows with bad addresses would
/// only fail later).
#[must_use]
pub fn is_mailable(address: &str) -> bool {
    address.parse::<Mailbox>().is_ok()
}
