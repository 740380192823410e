//! Inbound e-mail: a mail relay (or a forwarding rule) posts each raw RFC 822 message to
//! `POST /channels/email/{integration_id}` with the integration's token as a bearer.
//!
//! A message threads into a ticket of its sender when its `In-Reply-To` or `References`
//! name a mail Guichet sent about that ticket (the outbox keeps their `Message-ID`s) or an
//! earlier mail of the customer in it, or else when its subject carries the ticket's number;
//! otherwise it opens a ticket (channel e-mail) for the sender, found or created by address.
//! Only the ticket's own customer can write into it: a mail from anyone else opens a ticket
//! of theirs, so a leaked number or Message-ID cannot inject text into someone's ticket.

use entity::enums::{Channel, IntegrationKind};
use entity::{customer, email_outbox, integration, ticket};
use mail_parser::MessageParser;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use subtle::ConstantTimeEq;

use crate::domain::channels::{
    already_received, append_customer_message, channel_actor, open_ticket_from_message,
    InboundMessage, InboundOutcome, CONTINUED,
};
use crate::domain::customers::{find_or_create_from_contact, InboundContact};
use crate::domain::error::{DomainError, DomainResult};
use crate::domain::integrations::find_active_integration;
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

/// Handles an authenticated raw message.
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
    let address = normalize_email(address)?;
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
    let mut referenced: Vec<String> = Vec::new();
    for header in [parsed.in_reply_to(), parsed.references()] {
        if let Some(ids) = header.as_text_list() {
            referenced.extend(ids.iter().map(|id| id.to_string()));
        }
    }

    let tenant_id = found.tenant_id;
    let inbound = InboundMessage {
        integration_id: found.id,
        channel: Channel::Email,
        text,
        external_id: message_id.clone(),
    };
    if let Some(ticket) = already_received(&svc.db, tenant_id, &inbound).await? {
        return Ok(InboundOutcome {
            ticket,
            created: false,
        });
    }
    // A mail that opened a ticket is the one our acknowledgement answers.
    if let Some(ack) = email_outbox::Entity::find()
        .filter(email_outbox::Column::TenantId.eq(tenant_id))
        .filter(email_outbox::Column::InReplyTo.eq(message_id.as_str()))
        .filter(email_outbox::Column::TicketId.is_not_null())
        .one(&svc.db)
        .await?
    {
        if let Some(ticket) = ticket::Entity::find_by_id(ack.ticket_id.unwrap_or_default())
            .filter(ticket::Column::TenantId.eq(tenant_id))
            .one(&svc.db)
            .await?
        {
            return Ok(InboundOutcome {
                ticket,
                created: false,
            });
        }
    }

    let system = channel_actor(&svc.db, tenant_id).await?;
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
    let person = find_or_create_from_contact(
        svc,
        &system,
        InboundContact {
            channel: Channel::Email,
            phone: None,
            email: Some(address.clone()),
            first_name: Some(first_name),
            last_name: Some(last_name),
            message: Some(subject.clone()),
        },
    )
    .await?
    .customer;

    if let Some(target) = thread_target(svc, tenant_id, &person, &referenced, &subject).await? {
        return append_customer_message(svc, &target, &person, inbound).await;
    }
    let subject: String = subject.chars().take(200).collect();
    let opened = open_ticket_from_message(svc, &system, &person, inbound, subject).await?;
    if !opened.created {
        return Ok(opened);
    }
    let created = opened.ticket;
    // Acknowledge with the number; the customer's answer to it threads back here.
    if let Some(to) = person
        .email
        .as_deref()
        .filter(|a| crate::domain::mail::is_mailable(a))
    {
        let ack_subject = format!("[{}] {}", created.number, created.subject);
        let body = format!(
            "Bonjour {first},\n\nVotre demande est enregistrée sous le numéro {number}. \
             Répondez à ce message pour compléter votre demande.\n\n\
             Hello {first},\n\nYour request is registered as {number}. \
             Reply to this message to add to it.\n",
            first = person.first_name,
            number = created.number,
        );
        crate::domain::mail::queue_ticket_mail(
            &svc.db,
            &svc.mail,
            crate::domain::mail::TicketMail {
                tenant_id,
                ticket_id: created.id,
                to,
                subject: &ack_subject,
                body: &body,
                in_reply_to: Some(&message_id),
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

/// The sender's ticket a reply belongs to: named by its references, else by the ticket
/// number in the subject; only if it is still being handled (a reply to a closed ticket
/// opens a new one).
async fn thread_target(
    svc: &Services,
    tenant_id: i64,
    person: &customer::Model,
    referenced: &[String],
    subject: &str,
) -> DomainResult<Option<ticket::Model>> {
    let mut candidates: Vec<i64> = Vec::new();
    if !referenced.is_empty() {
        let ours = email_outbox::Entity::find()
            .filter(email_outbox::Column::TenantId.eq(tenant_id))
            .filter(email_outbox::Column::MessageId.is_in(referenced.iter().cloned()))
            .order_by_desc(email_outbox::Column::Id)
            .all(&svc.db)
            .await?;
        candidates.extend(ours.iter().filter_map(|m| m.ticket_id));
        let theirs = entity::message::Entity::find()
            .filter(entity::message::Column::TenantId.eq(tenant_id))
            .filter(entity::message::Column::Channel.eq(Channel::Email))
            .filter(entity::message::Column::ExternalId.is_in(referenced.iter().cloned()))
            .all(&svc.db)
            .await?;
        candidates.extend(theirs.iter().map(|m| m.ticket_id));
    }
    let mut query = ticket::Entity::find()
        .filter(ticket::Column::TenantId.eq(tenant_id))
        .filter(ticket::Column::CustomerId.eq(person.id))
        .filter(ticket::Column::Status.is_in(CONTINUED))
        .filter(ticket::Column::MergedIntoId.is_null());
    if candidates.is_empty() {
        let Some(number) = super::telegram::find_ticket_number(subject) else {
            return Ok(None);
        };
        query = query.filter(ticket::Column::Number.eq(number));
    } else {
        query = query.filter(ticket::Column::Id.is_in(candidates));
    }
    Ok(query.order_by_desc(ticket::Column::Id).one(&svc.db).await?)
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
