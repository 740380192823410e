//! Messages arriving from a channel (Telegram, SMS, WhatsApp, e-mail): the customer's
//! message opens a ticket or continues the open one, exactly once per provider message id.

use chrono::{DateTime, Utc};
use entity::enums::{AuthorKind, Channel, Role, TicketEventKind, TicketStatus, Visibility};
use entity::{customer, message, sync_mapping, ticket, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::{excerpt, queue_message_added, CONTINUED};
use crate::actor::{Actor, AuthMethod};
use crate::error::{DomainError, DomainResult};
use crate::events::LiveEventKind;
use crate::tickets::{insert_history, publish, publish_notifying, Change};
use crate::Services;

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
        method: AuthMethod::Internal,
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

/// The longest provider message id kept (Message-IDs are far shorter in practice; a
/// longer one is refused rather than overflowing an index).
const MAX_EXTERNAL_ID_CHARS: usize = 255;

impl InboundMessage {
    /// A message as a provider delivered it: text and id cleaned of control characters,
    /// the id checked.
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] for an empty id or one over 255 characters.
    pub fn new(
        integration_id: i64,
        channel: Channel,
        text: &str,
        external_id: &str,
    ) -> DomainResult<Self> {
        let external_id = crate::text::clean(external_id).trim().to_owned();
        if external_id.is_empty() || external_id.chars().count() > MAX_EXTERNAL_ID_CHARS {
            return Err(DomainError::validation(
                "messageId",
                "the provider's message id is missing or longer than 255 characters",
            ));
        }
        Ok(Self {
            integration_id,
            channel,
            text: crate::text::clean(text),
            external_id,
        })
    }
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
    let inbound = InboundMessage {
        text: crate::text::clean(&inbound.text),
        external_id: crate::text::clean(&inbound.external_id),
        ..inbound
    };
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
        Some(open) => {
            // The open ticket may be the one a concurrent delivery of this very message
            // has just opened (its first message recorded in the same transaction), which
            // the check above ran too early to see: check again now that it is visible.
            if let Some(ticket) = already_received(&svc.db, tenant_id, &inbound).await? {
                return Ok(InboundOutcome {
                    ticket,
                    created: false,
                });
            }
            append_customer_message(svc, &open, found_customer, inbound).await
        }
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
    origin: &crate::tickets::MessageOrigin,
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

/// An earlier delivery of a message: the ticket it opened or joined, and when.
struct Delivery {
    ticket: ticket::Model,
    at: chrono::DateTime<chrono::Utc>,
}

/// The earlier delivery of a message with this provider id, if any: the ticket it opened
/// (received when the ticket was created) or the message it was added as.
async fn earlier_delivery(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    inbound: &InboundMessage,
) -> DomainResult<Option<Delivery>> {
    let opened = sync_mapping::Entity::find()
        .filter(sync_mapping::Column::TenantId.eq(tenant_id))
        .filter(sync_mapping::Column::IntegrationId.eq(inbound.integration_id))
        .filter(sync_mapping::Column::EntityKind.eq(FIRST_MESSAGE))
        .filter(sync_mapping::Column::ExternalId.eq(inbound.external_id.as_str()))
        .one(db)
        .await?;
    if let Some(found) = opened {
        let ticket = crate::tickets::reload_ticket(db, found.local_id).await?;
        let at = ticket.created_at;
        return Ok(Some(Delivery { ticket, at }));
    }
    let duplicate = message::Entity::find()
        .filter(message::Column::TenantId.eq(tenant_id))
        .filter(message::Column::ExternalId.eq(inbound.external_id.as_str()))
        .filter(message::Column::Channel.eq(inbound.channel))
        .one(db)
        .await?;
    match duplicate {
        Some(found) => Ok(Some(Delivery {
            ticket: crate::tickets::reload_ticket(db, found.ticket_id).await?,
            at: found.created_at,
        })),
        None => Ok(None),
    }
}

/// When a message with this provider id was first received, if it was. Adapters whose
/// provider signs requests without a timestamp (Twilio) refuse a replay of one after a
/// short window.
///
/// # Errors
///
/// Database errors.
pub async fn first_received_at(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    inbound: &InboundMessage,
) -> DomainResult<Option<chrono::DateTime<chrono::Utc>>> {
    Ok(earlier_delivery(db, tenant_id, inbound)
        .await?
        .map(|delivery| delivery.at))
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
    Ok(earlier_delivery(db, tenant_id, inbound)
        .await?
        .map(|delivery| delivery.ticket))
}

/// Opens a ticket for a customer's first message on a channel: its text is the
/// description.
///
/// # Errors
///
/// As [`crate::tickets::create_ticket`].
pub async fn open_ticket_from_message(
    svc: &Services,
    system: &Actor,
    found_customer: &customer::Model,
    inbound: InboundMessage,
    subject: String,
) -> DomainResult<InboundOutcome> {
    let opened = crate::tickets::create_ticket(
        svc,
        system,
        crate::tickets::NewTicket {
            ticket_type: entity::enums::TicketType::Support,
            category: None,
            priority: None,
            subject,
            description: inbound.text.trim().to_owned(),
            customer_id: Some(found_customer.id),
            channel: Some(inbound.channel),
            origin: Some(crate::tickets::MessageOrigin {
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
    let txn = svc.begin().await?;
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
            .col_expr(
                ticket::Column::WaitingSince,
                Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
            )
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
                crate::sla::resume_clock_after_pending(&txn, open, now).await?;
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
    let told = queue_message_added(svc, &txn, open, &added, now).await?;
    let updated = crate::tickets::reload_ticket(&txn, open.id).await?;
    txn.commit().await?;
    publish_notifying(svc, open, LiveEventKind::MessageAdded, Some(added.id), told).await;
    if moved {
        publish(svc, open, LiveEventKind::TicketUpdated, None).await;
    }
    Ok(InboundOutcome {
        ticket: updated,
        created: false,
    })
}

pub(super) async fn insert_customer_message(
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
