//! A ticket's history: who changed what, when.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::enums::TicketEventKind;
use entity::{ticket, ticket_event};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::group_by_ticket;
use crate::actor::Actor;
use crate::error::DomainResult;

pub(crate) async fn record_event(
    db: &impl ConnectionTrait,
    ticket: &ticket::Model,
    actor: &Actor,
    kind: TicketEventKind,
    from: Option<&str>,
    to: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    insert_history(db, ticket, Some(actor.user_id), kind, from, to, now).await
}

/// Appends an entry to a ticket's history; `actor_id` is `None` for the system.
pub(crate) async fn insert_history(
    db: &impl ConnectionTrait,
    ticket: &ticket::Model,
    actor_id: Option<i64>,
    kind: TicketEventKind,
    from: Option<&str>,
    to: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    ticket_event::ActiveModel {
        tenant_id: Set(ticket.tenant_id),
        ticket_id: Set(ticket.id),
        actor_id: Set(actor_id),
        kind: Set(kind),
        from_value: Set(from.map(str::to_owned)),
        to_value: Set(to.map(str::to_owned)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The history of several tickets (who did what, when, from what to what), oldest first.
/// Staff only; the caller has checked it may see the tickets.
///
/// # Errors
///
/// Database errors.
pub async fn history_of_tickets(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ticket_ids: &[i64],
) -> DomainResult<HashMap<i64, Vec<ticket_event::Model>>> {
    if !actor.is_staff() {
        return Ok(group_by_ticket(
            ticket_ids,
            Vec::new(),
            |e: &ticket_event::Model| e.ticket_id,
        ));
    }
    let rows = ticket_event::Entity::find()
        .filter(ticket_event::Column::TenantId.eq(actor.tenant_id))
        .filter(ticket_event::Column::TicketId.is_in(ticket_ids.iter().copied()))
        .order_by_asc(ticket_event::Column::CreatedAt)
        .order_by_asc(ticket_event::Column::Id)
        .all(db)
        .await?;
    Ok(group_by_ticket(ticket_ids, rows, |e| e.ticket_id))
}
