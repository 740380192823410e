//! Outgoing e-mail: an outbox table written in the same transaction as the change that
//! causes the mail; `delivery` sends it through the SMTP transport the server plugs in.

use chrono::{DateTime, Utc};
use entity::email_outbox;
use entity::enums::OutboxStatus;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use super::auth::SessionKeys;
use super::error::{DomainError, DomainResult};
use super::letters::{letterhead, Letterhead};
use super::notices::Worded;

/// What the domain needs to write mail.
#[derive(Debug, Clone)]
pub struct Mailer {
    /// The sender, as configured (`Name <address>` or an address).
    pub from: String,
    /// The domain of the sender's address, for the `Message-ID`s of our mails.
    pub from_domain: String,
    /// The part of the sender's address before the `@`, for reply addresses.
    from_local: String,
    /// The address users reach the server at, for links in mails (no trailing slash).
    pub public_url: String,
    /// Keys that sign links in mails (rating links).
    pub links: SessionKeys,
}

impl Mailer {
    /// The mail settings.
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] when `from` holds no mailable address.
    pub fn new(from: &str, public_url: &str, links: SessionKeys) -> DomainResult<Self> {
        let address = from
            .rsplit_once('<')
            .map_or(from, |(_, rest)| rest.trim_end_matches('>'))
            .trim();
        if !is_mailable(address) {
            return Err(DomainError::validation(
                "mailFrom",
                format!("bad sender address `{from}`"),
            ));
        }
        let (from_local, from_domain) = address
            .rsplit_once('@')
            .map(|(local, domain)| (local.to_owned(), domain.to_owned()))
            .unwrap_or_default();
        Ok(Self {
            from: from.to_owned(),
            from_domain,
            from_local,
            public_url: public_url.trim_end_matches('/').to_owned(),
            links,
        })
    }
}

impl Mailer {
    /// The reply address of mails about `ticket_id` sent to `to`: the sender's address with
    /// a tag only Guichet can make (`support+t12-…@example.com`), so the answer proves it
    /// answers us. The relay must deliver `+` addresses to the inbound integration.
    #[must_use]
    pub fn reply_address(&self, tenant_id: i64, ticket_id: i64, to: &str) -> String {
        let tag = self.links.reply_tag(tenant_id, ticket_id, to);
        format!("{}+{tag}@{}", self.from_local, self.from_domain)
    }

    /// The ticket named by a reply address among `recipients`, if one of them carries a tag
    /// Guichet made for `sender` in `tenant_id`.
    #[must_use]
    pub fn replied_ticket(
        &self,
        tenant_id: i64,
        sender: &str,
        recipients: &[String],
    ) -> Option<i64> {
        recipients.iter().find_map(|address| {
            let local = address.rsplit_once('@')?.0;
            let tag = local.rsplit_once('+')?.1;
            self.links.check_reply_tag(tag, tenant_id, sender)
        })
    }
}

/// Queues a mail worded by `worded`, composed with the tenant's letterhead (signature,
/// HTML alternative); call inside the transaction of the change it reports.
///
/// # Errors
///
/// Database errors.
pub async fn queue_mail(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    to: &str,
    worded: &Worded,
    now: DateTime<Utc>,
) -> DomainResult<email_outbox::Model> {
    let head = letterhead(db, tenant_id).await?;
    queue_letter(db, tenant_id, &head, to, worded, now, now).await
}

/// [`queue_mail`] with the tenant's letterhead at hand (a caller mailing several people),
/// held until `send_after` (a recipient's working hours).
///
/// # Errors
///
/// Database errors.
pub async fn queue_letter(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    head: &Letterhead,
    to: &str,
    worded: &Worded,
    now: DateTime<Utc>,
    send_after: DateTime<Utc>,
) -> DomainResult<email_outbox::Model> {
    Ok(letter_row(tenant_id, head, to, worded, now, send_after)
        .insert(db)
        .await?)
}

/// The outbox row of a letter to `to` (see [`queue_letter`]), for writing several at once.
#[must_use]
pub fn letter_row(
    tenant_id: i64,
    head: &Letterhead,
    to: &str,
    worded: &Worded,
    now: DateTime<Utc>,
    send_after: DateTime<Utc>,
) -> email_outbox::ActiveModel {
    let letter = head.letter(worded);
    email_outbox::ActiveModel {
        tenant_id: Set(tenant_id),
        to_address: Set(to.to_owned()),
        subject: Set(letter.subject),
        body_text: Set(letter.text),
        body_html: Set(Some(letter.html)),
        status: Set(OutboxStatus::Pending),
        attempts: Set(0),
        last_error: Set(None),
        send_after: Set(send_after.max(now)),
        sent_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
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
    /// The words: the subject (with the ticket number, so that replies can be threaded by
    /// it too) and the text.
    pub worded: &'a Worded,
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
    let domain = &mailer.from_domain;
    let letter = letterhead(db, mail.tenant_id).await?.letter(mail.worded);
    Ok(email_outbox::ActiveModel {
        tenant_id: Set(mail.tenant_id),
        to_address: Set(mail.to.to_owned()),
        subject: Set(letter.subject),
        body_text: Set(letter.text),
        body_html: Set(Some(letter.html)),
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
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let atom = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c);
    !local.is_empty()
        && local.len() <= 64
        && local.chars().all(|c| atom(c) || !c.is_ascii())
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && !domain.is_empty()
        && domain.len() <= 255
        && domain.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || !c.is_ascii())
        })
}

#[cfg(test)]
mod tests {
    use super::is_mailable;

    #[test]
    fn addresses_are_checked_before_queueing() {
        for good in [
            "a@b.fr",
            "jean.dupont+sav@exemple.fr",
            "x@localhost",
            "élodie@café.fr",
        ] {
            assert!(is_mailable(good), "{good}");
        }
        for bad in [
            "", "a", "@b.fr", "a@", "a b@c.fr", "a@b..fr", "<a@b.fr>", "a@b.fr\0", "a\n@b.fr",
            ".a@b.fr", "a@-b.fr",
        ] {
            assert!(!is_mailable(bad), "{bad:?}");
        }
    }
}
