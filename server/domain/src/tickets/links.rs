//! Links between related tickets.

use std::collections::HashMap;

use entity::enums::TicketEventKind;
use entity::{ticket, ticket_link};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use super::Change;
use super::{publish, record_event};
use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::events::LiveEventKind;
use crate::permissions::Permission;
use crate::scope::find_visible_ticket;
use crate::Services;

pub(super) fn ordered(a: i64, b: i64) -> (i64, i64) {
    if a < b {
        (a, b)
    } else {
        (b, a)
    }
}

/// Links two related tickets of the tenant (idempotent).
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::Validation`] for a ticket linked
/// to itself; [`DomainError::NotFound`] for an invisible ticket.
pub async fn link_tickets(
    svc: &Services,
    actor: &Actor,
    ticket_id: i64,
    other_id: i64,
) -> DomainResult<ticket::Model> {
    actor.require(Permission::WorkTickets)?;
    if ticket_id == other_id {
        return Err(DomainError::validation(
            "otherId",
            "a ticket cannot be linked to itself",
        ));
    }
    let first = find_visible_ticket(&svc.db, actor, ticket_id).await?;
    let second = find_visible_ticket(&svc.db, actor, other_id).await?;
    let (low, high) = ordered(first.id, second.id);
    let existing = ticket_link::Entity::find()
        .filter(ticket_link::Column::TicketId.eq(low))
        .filter(ticket_link::Column::LinkedTicketId.eq(high))
        .one(&svc.db)
        .await?;
    if existing.is_some() {
        return Ok(first);
    }
    let now = svc.now();
    let txn = svc.begin().await?;
    ticket_link::ActiveModel {
        tenant_id: Set(actor.tenant_id),
        ticket_id: Set(low),
        linked_ticket_id: Set(high),
        created_by: Set(Some(actor.user_id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    record_event(
        &txn,
        &first,
        actor,
        TicketEventKind::Linked,
        &Change::LinkedTicket {
            number: second.number.clone(),
        },
        now,
    )
    .await?;
    record_event(
        &txn,
        &second,
        actor,
        TicketEventKind::Linked,
        &Change::LinkedTicket {
            number: first.number.clone(),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    publish(svc, &first, LiveEventKind::TicketUpdated, None).await;
    publish(svc, &second, LiveEventKind::TicketUpdated, None).await;
    Ok(first)
}

/// Removes the link between two tickets, if any.
///
/// # Errors
///
/// As [`link_tickets`].
pub async fn unlink_tickets(
    svc: &Services,
    actor: &Actor,
    ticket_id: i64,
    other_id: i64,
) -> DomainResult<ticket::Model> {
    actor.require(Permission::WorkTickets)?;
    let first = find_visible_ticket(&svc.db, actor, ticket_id).await?;
    let second = find_visible_ticket(&svc.db, actor, other_id).await?;
    let (low, high) = ordered(first.id, second.id);
    ticket_link::Entity::delete_many()
        .filter(ticket_link::Column::TenantId.eq(actor.tenant_id))
        .filter(ticket_link::Column::TicketId.eq(low))
        .filter(ticket_link::Column::LinkedTicketId.eq(high))
        .exec(&svc.db)
        .await?;
    publish(svc, &first, LiveEventKind::TicketUpdated, None).await;
    Ok(first)
}

/// The ids of the tickets linked to each of `ticket_ids`; staff only (customers get none).
///
/// # Errors
///
/// Database errors.
pub async fn links_of_tickets(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ticket_ids: &[i64],
) -> DomainResult<HashMap<i64, Vec<i64>>> {
    let mut links: HashMap<i64, Vec<i64>> = ticket_ids.iter().map(|id| (*id, Vec::new())).collect();
    if !actor.is_staff() {
        return Ok(links);
    }
    let rows = ticket_link::Entity::find()
        .filter(ticket_link::Column::TenantId.eq(actor.tenant_id))
        .filter(
            Condition::any()
                .add(ticket_link::Column::TicketId.is_in(ticket_ids.iter().copied()))
                .add(ticket_link::Column::LinkedTicketId.is_in(ticket_ids.iter().copied())),
        )
        .order_by_asc(ticket_link::Column::Id)
        .all(db)
        .await?;
    for row in rows {
        if let Some(list) = links.get_mut(&row.ticket_id) {
            list.push(row.linked_ticket_id);
        }
        if let Some(list) = links.get_mut(&row.linked_ticket_id) {
            list.push(row.ticket_id);
        }
    }
    Ok(links)
}
