//! Inbound e-mail, once the server's adapter has parsed the RFC 822 message: which ticket a
//! mail belongs to, and what it opens when it belongs to none.
//!
//! A mail joins an existing ticket of its sender only with proof that it answers us:
//! - it was sent to the ticket's tagged reply address, which only Guichet can make, for
//!   that ticket and that address (`Mailer::reply_address`);
//! - or its `In-Reply-To`/`References` name a mail Guichet sent about the ticket to that
//!   address (`email_outbox` keeps their `Message-ID`s), or an earlier mail of the customer
//!   in it (`messages.external_id`, or the mail that opened it);
//! - or the relay vouches for the sender (`Authentication-Results` pass) and the subject
//!   carries the ticket's number.
//!
//! A mail the relay says failed sender authentication (DMARC, or SPF without DKIM) is
//! refused. Otherwise a mail without proof opens a ticket (channel e-mail) for the sender,
//! found or created by address, acknowledged by a mail whose answer threads back. Only the
//! ticket's own customer can write into it, so a leaked number or Message-ID, or a mail
//! forged in a customer's name, cannot put text into her ticket as hers.

use entity::enums::Channel;
use entity::{customer, email_outbox, integration, message, sync_mapping, ticket};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::channels::{
    already_received, append_customer_message, channel_actor, open_ticket_from_message,
    InboundMessage, InboundOutcome, CONTINUED, FIRST_MESSAGE,
};
use super::customers::{find_or_create_from_contact, InboundContact};
use super::error::{DomainError, DomainResult};
use super::mail::{is_mailable, queue_ticket_mail, TicketMail};
use super::notices::{Medium, Notice};
use super::notifications::customer_language;
use super::scope::find_in_tenant_opt;
use super::ticket_summaries::find_ticket_number;
use super::Services;

/// A mail a customer sent, as the adapter read it.
#[derive(Debug, Clone)]
pub struct InboundMail {
    /// The sender's address, normalised (`tenants::normalize_email`).
    pub from_address: String,
    /// The sender's first name, from the `From` display name.
    pub first_name: String,
    /// The sender's last name, from the `From` display name.
    pub last_name: String,
    /// Its `Message-ID`, without angle brackets.
    pub message_id: String,
    /// Its subject, never empty.
    pub subject: String,
    /// What the customer wrote, without the quoted previous mail.
    pub text: String,
    /// The ids of its `In-Reply-To` and `References` headers, without angle brackets.
    pub references: Vec<String>,
    /// The addresses it was sent to (lower-cased), where a tagged reply address may be.
    pub recipients: Vec<String>,
    /// What the relay found of the sender's authenticity.
    pub sender_check: SenderCheck,
}

/// The relay's verdict on a mail's sender (SPF, DKIM, DMARC), from its
/// `Authentication-Results` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SenderCheck {
    /// The sender's domain vouches for the mail.
    Pass,
    /// The mail is not from whom it says (the reason, e.g. `dmarc=fail`).
    Fail(String),
    /// No verdict (no header, or nothing conclusive).
    Unknown,
}

/// Threads a customer's mail received on an inbound e-mail integration into their ticket,
/// or opens one (acknowledged by mail). A mail delivered twice (same `Message-ID`) counts
/// once.
///
/// # Errors
///
/// [`DomainError::Validation`](super::DomainError::Validation) for an unusable sender or
/// text; [`DomainError::Internal`](super::DomainError::Internal) when the tenant has no
/// active admin to act as; database errors.
pub async fn receive_mail(
    svc: &Services,
    found: &integration::Model,
    mail: InboundMail,
) -> DomainResult<InboundOutcome> {
    use crate::text::clean;
    if let SenderCheck::Fail(reason) = &mail.sender_check {
        return Err(DomainError::Forbidden(format!(
            "the mail relay reports that this mail is not from its sender ({reason}): not accepted"
        )));
    }
    let mail = InboundMail {
        from_address: clean(&mail.from_address),
        first_name: clean(&mail.first_name),
        last_name: clean(&mail.last_name),
        message_id: clean(&mail.message_id),
        subject: clean(&mail.subject),
        text: clean(&mail.text),
        references: mail.references.iter().map(|r| clean(r)).collect(),
        recipients: mail.recipients.iter().map(|r| clean(r)).collect(),
        sender_check: mail.sender_check,
    };
    let tenant_id = found.tenant_id;
    let inbound = InboundMessage::new(found.id, Channel::Email, &mail.text, &mail.message_id)?;
    if let Some(ticket) = already_received(&svc.db, tenant_id, &inbound).await? {
        return Ok(InboundOutcome {
            ticket,
            created: false,
        });
    }
    // A mail that opened a ticket is the one our acknowledgement answers.
    if let Some(ticket) = acknowledged_ticket(svc, tenant_id, &mail.message_id).await? {
        return Ok(InboundOutcome {
            ticket,
            created: false,
        });
    }

    let system = channel_actor(&svc.db, tenant_id).await?;
    let person = find_or_create_from_contact(
        svc,
        &system,
        InboundContact {
            channel: Channel::Email,
            phone: None,
            email: Some(mail.from_address.clone()),
            first_name: Some(mail.first_name.clone()),
            last_name: Some(mail.last_name.clone()),
            message: Some(mail.subject.clone()),
        },
    )
    .await?
    .customer;

    if let Some(target) = thread_target(svc, tenant_id, &person, &mail).await? {
        return append_customer_message(svc, &target, &person, inbound).await;
    }
    let subject: String = mail.subject.chars().take(200).collect();
    let opened = open_ticket_from_message(svc, &system, &person, inbound, subject).await?;
    if !opened.created {
        return Ok(opened);
    }
    let created = opened.ticket;
    // Acknowledge with the number; the customer's answer to it threads back here.
    if let Some(to) = person.email.as_deref().filter(|a| is_mailable(a)) {
        let ack_subject = format!("[{}] {}", created.number, created.subject);
        let lang = customer_language(&svc.db, tenant_id, person.id).await?;
        let mut said = svc.words(&svc.db, tenant_id).await?.word_for(
            &Notice::MailAcknowledged {
                first_name: &person.first_name,
                number: &created.number,
            },
            lang,
            Medium::Email,
        );
        // The customer's own subject, numbered, so that their client threads it.
        said.title = ack_subject;
        queue_ticket_mail(
            &svc.db,
            &svc.mail,
            TicketMail {
                tenant_id,
                ticket_id: created.id,
                to,
                worded: &said,
                in_reply_to: Some(&mail.message_id),
            },
            svc.now(),
        )
        .await?;
    }
    Ok(InboundOutcome {
        ticket: created,
        created: true,
    })
}

/// The ticket whose acknowledgement answered the mail `message_id`, that is the ticket this
/// mail opened: a redelivery, even through another e-mail integration of the tenant, opens
/// nothing new.
async fn acknowledged_ticket(
    svc: &Services,
    tenant_id: i64,
    message_id: &str,
) -> DomainResult<Option<ticket::Model>> {
    let ack = email_outbox::Entity::find()
        .filter(email_outbox::Column::TenantId.eq(tenant_id))
        .filter(email_outbox::Column::InReplyTo.eq(message_id))
        .filter(email_outbox::Column::TicketId.is_not_null())
        .one(&svc.db)
        .await?;
    match ack.and_then(|a| a.ticket_id) {
        Some(ticket_id) => {
            find_in_tenant_opt::<ticket::Entity>(&svc.db, tenant_id, ticket_id).await
        }
        None => Ok(None),
    }
}

/// The sender's ticket a reply proves to belong to (see the module documentation); only
/// if it is still being handled (a reply to a closed ticket opens a new one).
async fn thread_target(
    svc: &Services,
    tenant_id: i64,
    person: &customer::Model,
    mail: &InboundMail,
) -> DomainResult<Option<ticket::Model>> {
    let sender = mail.from_address.to_lowercase();
    let mut candidates: Vec<i64> = Vec::new();
    if let Some(ticket_id) = svc
        .mail
        .replied_ticket(tenant_id, &sender, &mail.recipients)
    {
        candidates.push(ticket_id);
    }
    let referenced = &mail.references;
    if !referenced.is_empty() {
        let ours = email_outbox::Entity::find()
            .filter(email_outbox::Column::TenantId.eq(tenant_id))
            .filter(email_outbox::Column::MessageId.is_in(referenced.iter().cloned()))
            .order_by_desc(email_outbox::Column::Id)
            .all(&svc.db)
            .await?;
        candidates.extend(
            ours.iter()
                .filter(|m| m.to_address.trim().eq_ignore_ascii_case(&sender))
                .filter_map(|m| m.ticket_id),
        );
        let theirs = message::Entity::find()
            .filter(message::Column::TenantId.eq(tenant_id))
            .filter(message::Column::Channel.eq(Channel::Email))
            .filter(message::Column::AuthorCustomerId.eq(person.id))
            .filter(message::Column::ExternalId.is_in(referenced.iter().cloned()))
            .all(&svc.db)
            .await?;
        candidates.extend(theirs.iter().map(|m| m.ticket_id));
        // The mail that opened a ticket is its description, not a message: it is known by
        // the record of the ticket's first message.
        let opened = sync_mapping::Entity::find()
            .filter(sync_mapping::Column::TenantId.eq(tenant_id))
            .filter(sync_mapping::Column::EntityKind.eq(FIRST_MESSAGE))
            .filter(sync_mapping::Column::ExternalId.is_in(referenced.iter().cloned()))
            .all(&svc.db)
            .await?;
        candidates.extend(opened.iter().map(|m| m.local_id));
    }
    let mut query = ticket::Entity::find()
        .filter(ticket::Column::TenantId.eq(tenant_id))
        .filter(ticket::Column::CustomerId.eq(person.id))
        .filter(ticket::Column::Status.is_in(CONTINUED))
        .filter(ticket::Column::MergedIntoId.is_null());
    if candidates.is_empty() {
        // The number in the subject is no proof by itself: anyone can write it. It counts
        // only when the relay vouches for the sender.
        if mail.sender_check != SenderCheck::Pass {
            return Ok(None);
        }
        let Some(number) = find_ticket_number(&mail.subject) else {
            return Ok(None);
        };
        query = query.filter(ticket::Column::Number.eq(number));
    } else {
        query = query.filter(ticket::Column::Id.is_in(candidates));
    }
    Ok(query.order_by_desc(ticket::Column::Id).one(&svc.db).await?)
}

/// The `References` of the outbox mail `outbox_id` about `ticket_id`, written at `before`:
/// the `Message-ID`s of the thread so far (Guichet's earlier mails, the customer's mails up
/// to then), oldest first — the customer's mails (the one that opened the ticket
/// included) and Guichet's — at most the last 20, so that any mail client threads it.
///
/// # Errors
///
/// Database errors.
pub async fn thread_references(
    db: &impl sea_orm::ConnectionTrait,
    tenant_id: i64,
    ticket_id: i64,
    outbox_id: i64,
    before: chrono::DateTime<chrono::Utc>,
) -> DomainResult<Vec<String>> {
    use sea_orm::QuerySelect;
    const KEPT: u64 = 20;
    // (when, which table, row id, Message-ID): sorted, ties keep each table's order.
    let mut ids: Vec<(chrono::DateTime<chrono::Utc>, u8, i64, String)> = Vec::new();
    let ours = email_outbox::Entity::find()
        .filter(email_outbox::Column::TenantId.eq(tenant_id))
        .filter(email_outbox::Column::TicketId.eq(ticket_id))
        .filter(email_outbox::Column::MessageId.is_not_null())
        .filter(email_outbox::Column::Id.lt(outbox_id))
        .order_by_desc(email_outbox::Column::Id)
        .limit(KEPT)
        .all(db)
        .await?;
    ids.extend(
        ours.into_iter()
            .filter_map(|m| m.message_id.map(|id| (m.created_at, 1, m.id, id))),
    );
    let theirs = message::Entity::find()
        .filter(message::Column::TenantId.eq(tenant_id))
        .filter(message::Column::TicketId.eq(ticket_id))
        .filter(message::Column::Channel.eq(Channel::Email))
        .filter(message::Column::ExternalId.is_not_null())
        .filter(message::Column::CreatedAt.lte(before))
        .order_by_desc(message::Column::Id)
        .limit(KEPT)
        .all(db)
        .await?;
    ids.extend(
        theirs
            .into_iter()
            .filter_map(|m| m.external_id.map(|id| (m.created_at, 2, m.id, id))),
    );
    let opened = sync_mapping::Entity::find()
        .filter(sync_mapping::Column::TenantId.eq(tenant_id))
        .filter(sync_mapping::Column::EntityKind.eq(FIRST_MESSAGE))
        .filter(sync_mapping::Column::LocalId.eq(ticket_id))
        .one(db)
        .await?;
    if let Some(first) = opened {
        // Before everything else of the thread.
        ids.push((
            chrono::DateTime::<chrono::Utc>::MIN_UTC,
            0,
            first.id,
            first.external_id,
        ));
    }
    ids.sort();
    let skip = ids
        .len()
        .saturating_sub(usize::try_from(KEPT).unwrap_or(usize::MAX));
    Ok(ids.into_iter().skip(skip).map(|(.., id)| id).collect())
}
