//! What the channels (Telegram, Twilio SMS/WhatsApp) share: the outbox of outgoing channel
//! messages and its delivery, the pushes that ticket changes cause, and the customer side of
//! an inbound message (thread it into the customer's open ticket of that channel, or open
//! one).
//!
//! Outgoing messages are rows of `channel_outbox`, written in the transaction of the change
//! that causes them and sent by the one delivery loop (`delivery`) through the provider
//! transport that the server plugs in.

mod inbound;
mod mail_reply;

pub use inbound::*;

use chrono::{DateTime, Utc};
use entity::enums::{
    AuthorKind, Channel, IntegrationKind, NotificationKind, OutboxStatus, TicketStatus, Visibility,
};
use entity::{channel_outbox, customer, integration, message, sync_mapping, ticket};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::customers::display_name;
use crate::error::DomainResult;
use crate::integrations::TELEGRAM_CUSTOMER;
use crate::notices::Notice;
use crate::notifications::{announce, customer_language, department_staff, Announcement};
use crate::scope::find_in_tenant_opt;
use crate::Services;

/// Telegram refuses longer texts; SMS are cut by the carrier long before.
const MAX_TEXT_CHARS: usize = 4000;
/// Statuses in which a customer's new message continues the ticket instead of opening one.
pub(crate) const CONTINUED: [TicketStatus; 4] = [
    TicketStatus::New,
    TicketStatus::Open,
    TicketStatus::Pending,
    TicketStatus::Resolved,
];

/// Queues a message to `recipient` through an integration; call inside the transaction of
/// the change it reports.
///
/// # Errors
///
/// Database errors.
pub async fn queue_channel_message(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    integration_id: i64,
    recipient: &str,
    body: &str,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let body: String = body.chars().take(MAX_TEXT_CHARS).collect();
    channel_outbox::ActiveModel {
        tenant_id: Set(tenant_id),
        integration_id: Set(integration_id),
        recipient: Set(recipient.to_owned()),
        body: Set(body),
        status: Set(OutboxStatus::Pending),
        attempts: Set(0),
        last_error: Set(None),
        send_after: Set(now),
        sent_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Where to reach a ticket's customer on the ticket's channel: the integration and the
/// recipient (a Telegram chat id, a phone number, `whatsapp:` and a phone number).
async fn customer_address(
    db: &impl ConnectionTrait,
    found: &ticket::Model,
) -> DomainResult<Option<(i64, String)>> {
    match found.channel {
        Channel::Telegram => {
            let row = sync_mapping::Entity::find()
                .inner_join(integration::Entity)
                .filter(sync_mapping::Column::TenantId.eq(found.tenant_id))
                .filter(sync_mapping::Column::EntityKind.eq(TELEGRAM_CUSTOMER))
                .filter(sync_mapping::Column::LocalId.eq(found.customer_id))
                .filter(integration::Column::IsActive.eq(true))
                .order_by_desc(sync_mapping::Column::Id)
                .one(db)
                .await?;
            Ok(row.map(|m| (m.integration_id, m.external_id)))
        }
        Channel::Sms | Channel::Whatsapp => {
            let phone =
                find_in_tenant_opt::<customer::Entity>(db, found.tenant_id, found.customer_id)
                    .await?
                    .and_then(|c| c.phone);
            let Some(phone) = phone else {
                return Ok(None);
            };
            let twilio = integration::Entity::find()
                .filter(integration::Column::TenantId.eq(found.tenant_id))
                .filter(integration::Column::Kind.eq(IntegrationKind::Twilio))
                .filter(integration::Column::IsActive.eq(true))
                .order_by_asc(integration::Column::Id)
                .one(db)
                .await?;
            let recipient = if found.channel == Channel::Whatsapp {
                format!("whatsapp:{phone}")
            } else {
                phone
            };
            Ok(twilio.map(|i| (i.id, recipient)))
        }
        _ => Ok(None),
    }
}

fn excerpt(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max).collect();
        format!("{cut}\u{2026}")
    }
}

/// Pushes a new ticket to the linked staff chats and, for a ticket opened from a chat or
/// phone, acknowledges it to the customer with its number. Called by
/// [`crate::tickets::create_ticket`] inside its transaction.
///
/// # Errors
///
/// Database errors.
pub async fn queue_ticket_created(
    svc: &Services,
    db: &impl ConnectionTrait,
    created: &ticket::Model,
    now: DateTime<Utc>,
) -> DomainResult<Vec<i64>> {
    // The assignee when it was given one at once, else whoever works its department.
    let recipients = match created.assignee_id {
        Some(assignee) => vec![assignee],
        None => department_staff(db, created.tenant_id, created.department_id).await?,
    };
    let customer = customer::Entity::find_by_id(created.customer_id)
        .one(db)
        .await?;
    let name = customer.as_ref().map(display_name).unwrap_or_default();
    let subject = excerpt(&created.subject, 120);
    let body = excerpt(&created.description, 500);
    let told = announce(
        svc,
        db,
        created.tenant_id,
        &recipients,
        &Announcement {
            kind: NotificationKind::TicketCreated,
            notice: Notice::NewTicket {
                number: &created.number,
                customer: &name,
                subject: &subject,
                body: &body,
                channel: created.channel,
                at: now,
            },
            ticket: Some(created),
            author_id: created.created_by,
        },
        now,
    )
    .await?;
    if let Some((integration_id, recipient)) = customer_address(db, created).await? {
        let lang = customer_language(db, created.tenant_id, created.customer_id).await?;
        let said = svc.words(db, created.tenant_id).await?.word(
            &Notice::TicketAcknowledged {
                number: &created.number,
            },
            lang,
        );
        queue_channel_message(
            db,
            created.tenant_id,
            integration_id,
            &recipient,
            &said.body,
            now,
        )
        .await?;
    }
    Ok(told)
}

/// After a public message is added to a ticket: an agent's reply goes to the customer on
/// the ticket's channel (Telegram, SMS, WhatsApp, or e-mail with threading headers); a customer's message is pushed to the
/// linked staff chats. Called by [`crate::tickets::reply_to_ticket`] and by inbound
/// channel messages, inside their transaction.
///
/// # Errors
///
/// Database errors.
pub async fn queue_message_added(
    svc: &Services,
    db: &impl ConnectionTrait,
    found: &ticket::Model,
    added: &message::Model,
    now: DateTime<Utc>,
) -> DomainResult<Vec<i64>> {
    if added.visibility != Visibility::Public {
        return Ok(Vec::new());
    }
    match added.author_kind {
        AuthorKind::Agent if found.channel == Channel::Email => {
            mail_reply::queue_mail_reply(svc, db, found, added, now).await?;
        }
        AuthorKind::Agent => {
            // A chat the customer wrote from carries the reply; else (a ticket opened in
            // the app, by phone, or a chat no longer reachable) it goes by mail.
            let Some((integration_id, recipient)) = customer_address(db, found).await? else {
                mail_reply::queue_mail_reply(svc, db, found, added, now).await?;
                return Ok(Vec::new());
            };
            let lang = customer_language(db, found.tenant_id, found.customer_id).await?;
            let said = svc.words(db, found.tenant_id).await?.word(
                &Notice::AgentReplied {
                    number: &found.number,
                    body: &added.body,
                },
                lang,
            );
            queue_channel_message(
                db,
                found.tenant_id,
                integration_id,
                &recipient,
                &said.body,
                now,
            )
            .await?;
        }
        AuthorKind::Customer => {
            // The assignee, else whoever works the ticket's department.
            let recipients = match found.assignee_id {
                Some(assignee) => vec![assignee],
                None => department_staff(db, found.tenant_id, found.department_id).await?,
            };
            let customer = customer::Entity::find_by_id(found.customer_id)
                .one(db)
                .await?;
            let name = customer.as_ref().map(display_name).unwrap_or_default();
            let body = excerpt(&added.body, 1000);
            return announce(
                svc,
                db,
                found.tenant_id,
                &recipients,
                &Announcement {
                    kind: NotificationKind::MessageAdded,
                    notice: Notice::CustomerReplied {
                        number: &found.number,
                        customer: &name,
                        body: &body,
                        channel: added.channel,
                        at: now,
                    },
                    ticket: Some(found),
                    author_id: added.author_user_id,
                },
                now,
            )
            .await;
        }
        AuthorKind::System => {}
    }
    Ok(Vec::new())
}
