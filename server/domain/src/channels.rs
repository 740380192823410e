//! What the channels (Telegram, Twilio SMS/WhatsApp) share: the outbox of outgoing channel
//! messages and its delivery, the pushes that ticket changes cause, and the customer side of
//! an inbound message (thread it into the customer's open ticket of that channel, or open
//! one).
//!
//! Outgoing messages are rows of `channel_outbox`, written in the transaction of the change
//! that causes them and sent by the one delivery loop (`delivery`) through the provider
//! transport that the server plugs in.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::enums::{
    AuthorKind, Channel, IntegrationKind, OutboxStatus, Role, TicketEventKind, TicketStatus,
    Visibility,
};
use entity::{
    channel_outbox, customer, email_outbox, integration, message, sync_mapping, ticket, user,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};

use super::actor::{Actor, AuthMethod};
use super::customers::display_name;
use super::error::{DomainError, DomainResult};
use super::integrations::{TELEGRAM_CUSTOMER, TELEGRAM_USER};
use super::notices::{Lang, Notice};
use super::notifications::customer_language;
use super::scope::find_in_tenant_opt;
use super::tickets::Change;
use super::tickets::{insert_history, publish};
use super::Services;
use crate::events::LiveEventKind;

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

/// The Telegram chats of the tenant's active staff linked to an active Telegram bot, with
/// each staff member's language.
async fn linked_staff_chats(
    db: &impl ConnectionTrait,
    tenant_id: i64,
) -> DomainResult<Vec<(i64, String, Lang)>> {
    let links = sync_mapping::Entity::find()
        .inner_join(integration::Entity)
        .filter(sync_mapping::Column::TenantId.eq(tenant_id))
        .filter(sync_mapping::Column::EntityKind.eq(TELEGRAM_USER))
        .filter(integration::Column::IsActive.eq(true))
        .order_by_asc(sync_mapping::Column::Id)
        .all(db)
        .await?;
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let staff: HashMap<i64, Lang> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::Locale)
        .filter(user::Column::TenantId.eq(tenant_id))
        .filter(user::Column::IsActive.eq(true))
        .filter(user::Column::Role.is_in([Role::Admin, Role::Manager, Role::Agent]))
        .filter(user::Column::Id.is_in(links.iter().map(|l| l.local_id)))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, locale)| (id, Lang::of_locale(&locale)))
        .collect();
    Ok(links
        .into_iter()
        .filter_map(|l| {
            let lang = *staff.get(&l.local_id)?;
            Some((l.integration_id, l.external_id, lang))
        })
        .collect())
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
/// [`super::tickets::create_ticket`] inside its transaction.
///
/// # Errors
///
/// Database errors.
pub async fn queue_ticket_created(
    svc: &Services,
    db: &impl ConnectionTrait,
    created: &ticket::Model,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let chats = linked_staff_chats(db, created.tenant_id).await?;
    if !chats.is_empty() {
        let customer = customer::Entity::find_by_id(created.customer_id)
            .one(db)
            .await?;
        let name = customer.as_ref().map(display_name).unwrap_or_default();
        let subject = excerpt(&created.subject, 120);
        let body = excerpt(&created.description, 500);
        let notice = Notice::NewTicket {
            number: &created.number,
            customer: &name,
            subject: &subject,
            body: &body,
            channel: created.channel,
            at: now,
        };
        for (integration_id, chat, lang) in &chats {
            let said = svc.wording.word(&notice, *lang);
            queue_channel_message(
                db,
                created.tenant_id,
                *integration_id,
                chat,
                &said.body,
                now,
            )
            .await?;
        }
    }
    if let Some((integration_id, recipient)) = customer_address(db, created).await? {
        let lang = customer_language(db, created.tenant_id, created.customer_id).await?;
        let said = svc.wording.word(
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
    Ok(())
}

/// After a public message is added to a ticket: an agent's reply goes to the customer on
/// the ticket's channel (Telegram, SMS, WhatsApp, or e-mail with threading headers); a customer's message is pushed to the
/// linked staff chats. Called by [`super::tickets::reply_to_ticket`] and by inbound
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
) -> DomainResult<()> {
    if added.visibility != Visibility::Public {
        return Ok(());
    }
    match added.author_kind {
        AuthorKind::Agent if found.channel == Channel::Email => {
            queue_email_reply(svc, db, found, added, now).await?;
        }
        AuthorKind::Agent => {
            if let Some((integration_id, recipient)) = customer_address(db, found).await? {
                let lang = customer_language(db, found.tenant_id, found.customer_id).await?;
                let said = svc.wording.word(
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
        }
        AuthorKind::Customer => {
            let chats = linked_staff_chats(db, found.tenant_id).await?;
            if chats.is_empty() {
                return Ok(());
            }
            let customer = customer::Entity::find_by_id(found.customer_id)
                .one(db)
                .await?;
            let name = customer.as_ref().map(display_name).unwrap_or_default();
            let body = excerpt(&added.body, 1000);
            let notice = Notice::CustomerReplied {
                number: &found.number,
                customer: &name,
                body: &body,
                channel: added.channel,
                at: now,
            };
            for (integration_id, chat, lang) in &chats {
                let said = svc.wording.word(&notice, *lang);
                queue_channel_message(db, found.tenant_id, *integration_id, chat, &said.body, now)
                    .await?;
            }
        }
        AuthorKind::System => {}
    }
    Ok(())
}

/// Mails an agent's reply on an e-mail ticket to the customer, answering (`In-Reply-To`)
/// the customer's last mail on the ticket, or else the last mail Guichet sent about it.
async fn queue_email_reply(
    svc: &Services,
    db: &impl ConnectionTrait,
    found: &ticket::Model,
    added: &message::Model,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let Some(address) =
        find_in_tenant_opt::<customer::Entity>(db, found.tenant_id, found.customer_id)
            .await?
            .and_then(|c| c.email)
            .filter(|a| super::mail::is_mailable(a))
    else {
        return Ok(());
    };
    let anchor = match last_customer_mail_id(db, found).await? {
        Some(id) => Some(id),
        None => email_outbox::Entity::find()
            .filter(email_outbox::Column::TenantId.eq(found.tenant_id))
            .filter(email_outbox::Column::TicketId.eq(found.id))
            .filter(email_outbox::Column::MessageId.is_not_null())
            .order_by_desc(email_outbox::Column::Id)
            .one(db)
            .await?
            .and_then(|m| m.message_id),
    };
    let subject = format!("Re: [{}] {}", found.number, found.subject);
    super::mail::queue_ticket_mail(
        db,
        &svc.mail,
        super::mail::TicketMail {
            tenant_id: found.tenant_id,
            ticket_id: found.id,
            to: &address,
            subject: &subject,
            body: &added.body,
            in_reply_to: anchor.as_deref(),
        },
        now,
    )
    .await?;
    Ok(())
}

/// The `Message-ID` of the customer's last mail in a ticket's thread.
async fn last_customer_mail_id(
    db: &impl ConnectionTrait,
    found: &ticket::Model,
) -> DomainResult<Option<String>> {
    Ok(message::Entity::find()
        .filter(message::Column::TenantId.eq(found.tenant_id))
        .filter(message::Column::TicketId.eq(found.id))
        .filter(message::Column::AuthorKind.eq(AuthorKind::Customer))
        .filter(message::Column::Channel.eq(Channel::Email))
        .filter(message::Column::ExternalId.is_not_null())
        .order_by_desc(message::Column::Id)
        .one(db)
        .await?
        .and_then(|m| m.external_id))
}

/// Who inbound channel messages act as in the domain: the tenant's first active admin.
/// Customers writing through a channel have no account; the tickets they open are created
/// on the tenant's behalf, so numbering, routing, SLA and assignment rules apply as for any
/// ticket.
///
/// # Errors
///
/// [`DomainError::Internal`] when the tenant has no active admin.
pub async fn channel_actor(db: &impl ConnectionTrait, tenant_id: i64) -> DomainResult<Actor> {
    let admin = user::Entity::find()
        .filter(user::Column::TenantId.eq(tenant_id))
        .filter(user::Column::Role.eq(Role::Admin))
        .filter(user::Column::IsActive.eq(true))
        .order_by_asc(user::Column::Id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::internal(format!("tenant {tenant_id} has no active admin")))?;
    Ok(actor_of(&admin))
}

/// The actor of a staff user acting through a channel (a linked Telegram chat).
#[must_use]
pub fn actor_of(found: &user::Model) -> Actor {
    Actor {
        tenant_id: found.tenant_id,
        user_id: found.id,
        role: found.role,
        customer_id: found.customer_id,
        method: AuthMethod::Session,
        scopes: Vec::new(),
    }
}

/// A message a customer sent through a channel.
#[derive(Debug, Clone)]
pub struct InboundMessage {
    /// The integration it came through.
    pub integration_id: i64,
    /// The channel it came through.
    pub channel: Channel,
    /// What they wrote.
    pub text: String,
    /// The provider's id of the message (Telegram `chat:message_id`, Twilio `MessageSid`),
    /// so that a webhook delivered twice adds it once.
    pub external_id: String,
}

/// What an inbound message did.
#[derive(Debug, Clone)]
pub struct InboundOutcome {
    /// The ticket it went to.
    pub ticket: ticket::Model,
    /// Whether the ticket was opened by it.
    pub created: bool,
}

/// Threads a customer's message into their open ticket of the channel (new, open,
/// pending or resolved; the last two go back to open, as when they reply on the portal), or
/// opens a ticket with it (the text becomes its description). A follow-up message already
/// recorded (same external id: a webhook delivered twice) is not added again.
///
/// # Errors
///
/// [`DomainError::Validation`] for an empty text; database errors.
pub async fn receive_customer_message(
    svc: &Services,
    system: &Actor,
    found_customer: &customer::Model,
    inbound: InboundMessage,
) -> DomainResult<InboundOutcome> {
    let text = inbound.text.trim().to_owned();
    if text.is_empty() {
        return Err(DomainError::validation("body", "the message is empty"));
    }
    let tenant_id = found_customer.tenant_id;
    if let Some(ticket) = already_received(&svc.db, tenant_id, &inbound).await? {
        return Ok(InboundOutcome {
            ticket,
            created: false,
        });
    }
    let open = ticket::Entity::find()
        .filter(ticket::Column::TenantId.eq(tenant_id))
        .filter(ticket::Column::CustomerId.eq(found_customer.id))
        .filter(ticket::Column::Channel.eq(inbound.channel))
        .filter(ticket::Column::Status.is_in(CONTINUED))
        .filter(ticket::Column::MergedIntoId.is_null())
        .order_by_desc(ticket::Column::Id)
        .one(&svc.db)
        .await?;
    match open {
        Some(open) => append_customer_message(svc, &open, found_customer, inbound).await,
        None => {
            let subject = excerpt(text.lines().next().unwrap_or("Message"), 80);
            open_ticket_from_message(svc, system, found_customer, inbound, subject).await
        }
    }
}

/// The `sync_mappings.entity_kind` of the channel message a ticket was opened with.
pub const FIRST_MESSAGE: &str = "channel_first_message";

/// Records, in the transaction that opens `created`, the channel message it opens with.
///
/// # Errors
///
/// [`DomainError::Conflict`] when that message already opened a ticket (a concurrent
/// delivery of the same message); database errors.
pub async fn record_first_message(
    txn: &impl ConnectionTrait,
    created: &ticket::Model,
    origin: &super::tickets::MessageOrigin,
) -> DomainResult<()> {
    sync_mapping::ActiveModel {
        tenant_id: Set(created.tenant_id),
        integration_id: Set(origin.integration_id),
        entity_kind: Set(FIRST_MESSAGE.to_owned()),
        local_id: Set(created.id),
        external_id: Set(origin.external_id.clone()),
        last_synced_at: Set(None),
        sync_status: Set(entity::enums::SyncStatus::Idle),
        metadata: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// The ticket a message with this provider id was already added to, or opened (a webhook
/// delivered twice).
///
/// # Errors
///
/// Database errors.
pub async fn already_received(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    inbound: &InboundMessage,
) -> DomainResult<Option<ticket::Model>> {
    let opened = sync_mapping::Entity::find()
        .filter(sync_mapping::Column::TenantId.eq(tenant_id))
        .filter(sync_mapping::Column::IntegrationId.eq(inbound.integration_id))
        .filter(sync_mapping::Column::EntityKind.eq(FIRST_MESSAGE))
        .filter(sync_mapping::Column::ExternalId.eq(inbound.external_id.as_str()))
        .one(db)
        .await?;
    if let Some(found) = opened {
        return Ok(Some(
            super::tickets::reload_ticket(db, found.local_id).await?,
        ));
    }
    let duplicate = message::Entity::find()
        .filter(message::Column::TenantId.eq(tenant_id))
        .filter(message::Column::ExternalId.eq(inbound.external_id.as_str()))
        .filter(message::Column::Channel.eq(inbound.channel))
        .one(db)
        .await?;
    match duplicate {
        Some(found) => Ok(Some(
            super::tickets::reload_ticket(db, found.ticket_id).await?,
        )),
        None => Ok(None),
    }
}

/// Opens a ticket for a customer's first message on a channel: its text is the
/// description.
///
/// # Errors
///
/// As [`super::tickets::create_ticket`].
pub async fn open_ticket_from_message(
    svc: &Services,
    system: &Actor,
    found_customer: &customer::Model,
    inbound: InboundMessage,
    subject: String,
) -> DomainResult<InboundOutcome> {
    let opened = super::tickets::create_ticket(
        svc,
        system,
        super::tickets::NewTicket {
            ticket_type: entity::enums::TicketType::Support,
            category: None,
            priority: None,
            subject,
            description: inbound.text.trim().to_owned(),
            customer_id: Some(found_customer.id),
            channel: Some(inbound.channel),
            origin: Some(super::tickets::MessageOrigin {
                integration_id: inbound.integration_id,
                external_id: inbound.external_id.clone(),
            }),
        },
    )
    .await;
    match opened {
        Ok(created) => Ok(InboundOutcome {
            ticket: created,
            created: true,
        }),
        // The same message, delivered twice at once: the other delivery opened it.
        Err(DomainError::Conflict(_)) => {
            match already_received(&svc.db, found_customer.tenant_id, &inbound).await? {
                Some(ticket) => Ok(InboundOutcome {
                    ticket,
                    created: false,
                }),
                None => Err(DomainError::Conflict(
                    "this message was already received".into(),
                )),
            }
        }
        Err(other) => Err(other),
    }
}

/// Adds a customer's message to a ticket's thread: a pending or resolved ticket goes back
/// to open (as when they reply on the portal), and the linked staff are told.
///
/// # Errors
///
/// Database errors.
pub async fn append_customer_message(
    svc: &Services,
    open: &ticket::Model,
    found_customer: &customer::Model,
    inbound: InboundMessage,
) -> DomainResult<InboundOutcome> {
    let text = inbound.text.trim().to_owned();
    let now = svc.now();
    let txn = svc.db.begin().await?;
    ticket::Entity::update_many()
        .col_expr(ticket::Column::LastCustomerMessageAt, Expr::value(now))
        .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
        .filter(ticket::Column::Id.eq(open.id))
        .exec(&txn)
        .await?;
    let added = insert_customer_message(
        &txn,
        open,
        found_customer.id,
        &text,
        inbound.channel,
        &inbound.external_id,
        now,
    )
    .await?;
    let mut moved = false;
    if matches!(open.status, TicketStatus::Pending | TicketStatus::Resolved) {
        let mut update = ticket::Entity::update_many()
            .col_expr(ticket::Column::Status, Expr::value(TicketStatus::Open))
            .filter(ticket::Column::Id.eq(open.id))
            .filter(ticket::Column::Status.eq(open.status));
        if open.status == TicketStatus::Resolved {
            update = update.col_expr(
                ticket::Column::ResolvedAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            );
        }
        if update.exec(&txn).await?.rows_affected == 1 {
            moved = true;
            if open.status == TicketStatus::Pending {
                super::sla::resume_clock_after_pending(&txn, open, now).await?;
            }
            let kind = if open.status == TicketStatus::Resolved {
                TicketEventKind::Reopened
            } else {
                TicketEventKind::StatusChanged
            };
            insert_history(
                &txn,
                open,
                None,
                kind,
                &Change::Status {
                    from: Some(open.status),
                    to: TicketStatus::Open,
                },
                now,
            )
            .await?;
        }
    }
    queue_message_added(svc, &txn, open, &added, now).await?;
    let updated = super::tickets::reload_ticket(&txn, open.id).await?;
    txn.commit().await?;
    publish(svc, open, LiveEventKind::MessageAdded, Some(added.id)).await;
    if moved {
        publish(svc, open, LiveEventKind::TicketUpdated, None).await;
    }
    Ok(InboundOutcome {
        ticket: updated,
        created: false,
    })
}

async fn insert_customer_message(
    db: &impl ConnectionTrait,
    found: &ticket::Model,
    customer_id: i64,
    body: &str,
    channel: Channel,
    external_id: &str,
    now: DateTime<Utc>,
) -> DomainResult<message::Model> {
    Ok(message::ActiveModel {
        tenant_id: Set(found.tenant_id),
        ticket_id: Set(found.id),
        author_kind: Set(AuthorKind::Customer),
        author_user_id: Set(None),
        author_customer_id: Set(Some(customer_id)),
        visibility: Set(Visibility::Public),
        body: Set(body.to_owned()),
        channel: Set(channel),
        external_id: Set(Some(external_id.to_owned())),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}
