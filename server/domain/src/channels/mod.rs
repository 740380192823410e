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
use crate::notices::Lang;
use crate::notices::Notice;
use crate::notifications::{announce, customer_language, department_staff, Announcement, Audience};
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
    address_on(db, found.tenant_id, found.customer_id, found.channel).await
}

/// Where to reach customer `customer_id` of `tenant_id` on `channel`, as
/// [`customer_address`] says of a ticket's customer.
async fn address_on(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    customer_id: i64,
    channel: Channel,
) -> DomainResult<Option<(i64, String)>> {
    match channel {
        Channel::Telegram => {
            let row = sync_mapping::Entity::find()
                .inner_join(integration::Entity)
                .filter(sync_mapping::Column::TenantId.eq(tenant_id))
                .filter(sync_mapping::Column::EntityKind.eq(TELEGRAM_CUSTOMER))
                .filter(sync_mapping::Column::LocalId.eq(customer_id))
                .filter(integration::Column::IsActive.eq(true))
                .order_by_desc(sync_mapping::Column::Id)
                .one(db)
                .await?;
            Ok(row.map(|m| (m.integration_id, m.external_id)))
        }
        Channel::Sms | Channel::Whatsapp => {
            let phone = find_in_tenant_opt::<customer::Entity>(db, tenant_id, customer_id)
                .await?
                .and_then(|c| c.phone);
            let Some(phone) = phone else {
                return Ok(None);
            };
            let twilio = integration::Entity::find()
                .filter(integration::Column::TenantId.eq(tenant_id))
                .filter(integration::Column::Kind.eq(IntegrationKind::Twilio))
                .filter(integration::Column::IsActive.eq(true))
                .order_by_asc(integration::Column::Id)
                .one(db)
                .await?;
            let recipient = if channel == Channel::Whatsapp {
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

/// What telling of a new ticket needs, read before the ticket's transaction (see
/// [`TicketCreatedNotice::prepare`]), so that the transaction, which holds the numbering
/// lock from the number to the commit, only writes.
pub struct TicketCreatedNotice<'s> {
    audience: Audience<'s>,
    customer_name: String,
    /// The customer's chat or phone on the ticket's channel, the words and their
    /// language, for the acknowledgement.
    acknowledgement: Option<(i64, String, Lang, crate::templates::TenantWords<'s>)>,
}

/// The ticket a [`TicketCreatedNotice`] is prepared for, as known before it is written.
#[derive(Debug, Clone)]
pub struct TicketToBe {
    /// Its tenant.
    pub tenant_id: i64,
    /// Its customer.
    pub customer_id: i64,
    /// The channel it came by.
    pub channel: Channel,
    /// The agent it is given to at once, if any.
    pub assignee_id: Option<i64>,
    /// Its department.
    pub department_id: Option<i64>,
    /// Who opens it (never told of it).
    pub created_by: Option<i64>,
    /// The customer's name, when the caller has read it already.
    pub customer_name: Option<String>,
}

impl<'s> TicketCreatedNotice<'s> {
    /// Reads who hears of a new ticket (the assignee when it is given one at once, else
    /// whoever works its department), the customer's name, and for a ticket opened from a
    /// chat or phone where to acknowledge it.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub async fn prepare(
        svc: &'s Services,
        db: &impl ConnectionTrait,
        ticket: TicketToBe,
    ) -> DomainResult<Self> {
        let recipients = match ticket.assignee_id {
            Some(assignee) => vec![assignee],
            None => department_staff(db, ticket.tenant_id, ticket.department_id).await?,
        };
        let audience = Audience::gather(
            svc,
            db,
            ticket.tenant_id,
            &recipients,
            ticket.created_by,
            Some(ticket.customer_id),
        )
        .await?;
        let customer_name = match ticket.customer_name {
            Some(name) => name,
            None => {
                find_in_tenant_opt::<customer::Entity>(db, ticket.tenant_id, ticket.customer_id)
                    .await?
                    .as_ref()
                    .map(display_name)
                    .unwrap_or_default()
            }
        };
        let acknowledgement =
            match address_on(db, ticket.tenant_id, ticket.customer_id, ticket.channel).await? {
                Some((integration_id, recipient)) => {
                    let lang = customer_language(db, ticket.tenant_id, ticket.customer_id).await?;
                    let words = svc.words(db, ticket.tenant_id).await?;
                    Some((integration_id, recipient, lang, words))
                }
                None => None,
            };
        Ok(Self {
            audience,
            customer_name,
            acknowledgement,
        })
    }

    /// Pushes `created` to the people gathered and acknowledges it to the customer with
    /// its number; call inside its transaction, once it is numbered. Returns who was told.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub async fn queue(
        &self,
        svc: &Services,
        db: &impl ConnectionTrait,
        created: &ticket::Model,
        now: DateTime<Utc>,
    ) -> DomainResult<Vec<i64>> {
        let subject = excerpt(&created.subject, 120);
        let body = excerpt(&created.description, 500);
        let told = self
            .audience
            .tell(
                svc,
                db,
                &Announcement {
                    kind: NotificationKind::TicketCreated,
                    notice: Notice::NewTicket {
                        number: &created.number,
                        customer: &self.customer_name,
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
        if let Some((integration_id, recipient, lang, words)) = &self.acknowledgement {
            let said = words.word(
                &Notice::TicketAcknowledged {
                    number: &created.number,
                },
                *lang,
            );
            queue_channel_message(
                db,
                created.tenant_id,
                *integration_id,
                recipient,
                &said.body,
                now,
            )
            .await?;
        }
        Ok(told)
    }
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
