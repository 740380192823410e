//! Merging a duplicate into another ticket, and linking related tickets.

use std::collections::HashMap;

use entity::enums::{AuthorKind, Channel, TicketEventKind, TicketStatus, Visibility};
use entity::{attachment, message, ticket, ticket_link, time_entry};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};

use super::actor::Actor;
use super::error::{DomainError, DomainResult};
use super::permissions::Permission;
use super::scope::find_visible_ticket;
use super::tickets::{publish, record_event, reload_ticket};
use super::Services;
use crate::events::LiveEventKind;

/// Merges `duplicate_id` into `target_id`: the duplicate's thread, time entries and
/// attachments move to the target, the duplicate is closed and points at the target, and
/// both histories record it. One transaction.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::Validation`] when merging a
/// ticket into itself, into a merged ticket, or across customers (a thread never moves to
/// another customer's ticket); [`DomainError::Conflict`] when the duplicate was already
/// merged.
pub async fn merge_tickets(
    svc: &Services,
    actor: &Actor,
    duplicate_id: i64,
    target_id: i64,
) -> DomainResult<ticket::Model> {
    actor.require(Permission::WorkTickets)?;
    if duplicate_id == target_id {
        return Err(DomainError::validation(
            "targetId",
            "a ticket cannot be merged into itself",
        ));
    }
    let duplicate = find_visible_ticket(&svc.db, actor, duplicate_id).await?;
    let target = find_visible_ticket(&svc.db, actor, target_id).await?;
    if target.merged_into_id.is_some() {
        return Err(DomainError::validation(
            "targetId",
            "the target was itself merged: merge into the ticket it went to",
        ));
    }
    if duplicate.customer_id != target.customer_id {
        return Err(DomainError::validation(
            "targetId",
            "only tickets of the same customer can be merged",
        ));
    }
    let now = svc.now();
    let txn = svc.db.begin().await?;
    let closed = ticket::Entity::update_many()
        .col_expr(ticket::Column::MergedIntoId, Expr::value(Some(target.id)))
        .col_expr(ticket::Column::Status, Expr::value(TicketStatus::Closed))
        .col_expr(ticket::Column::ClosedAt, Expr::value(Some(now)))
        .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
        .filter(ticket::Column::Id.eq(duplicate.id))
        .filter(ticket::Column::MergedIntoId.is_null())
        .exec(&txn)
        .await?;
    if closed.rows_affected == 0 {
        return Err(DomainError::Conflict(
            "this ticket was already merged".into(),
        ));
    }
    message::Entity::update_many()
        .col_expr(message::Column::TicketId, Expr::value(target.id))
        .filter(message::Column::TicketId.eq(duplicate.id))
        .exec(&txn)
        .await?;
    time_entry::Entity::update_many()
        .col_expr(time_entry::Column::TicketId, Expr::value(target.id))
        .filter(time_entry::Column::TicketId.eq(duplicate.id))
        .exec(&txn)
        .await?;
    attachment::Entity::update_many()
        .col_expr(attachment::Column::TicketId, Expr::value(target.id))
        .filter(attachment::Column::TicketId.eq(duplicate.id))
        .exec(&txn)
        .await?;
    message::ActiveModel {
        tenant_id: Set(target.tenant_id),
        ticket_id: Set(target.id),
        author_kind: Set(AuthorKind::System),
        author_user_id: Set(None),
        author_customer_id: Set(None),
        visibility: Set(Visibility::Internal),
        body: Set(format!(
            "{} « {} » a été fusionné dans ce ticket.",
            duplicate.number, duplicate.subject
        )),
        channel: Set(Channel::Web),
        external_id: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    ticket::Entity::update_many()
        .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
        .filter(ticket::Column::Id.eq(target.id))
        .exec(&txn)
        .await?;
    record_event(
        &txn,
        &duplicate,
        actor,
        TicketEventKind::Merged,
        Some(&duplicate.number),
        Some(&target.number),
        now,
    )
    .await?;
    record_event(
        &txn,
        &target,
        actor,
        TicketEventKind::Merged,
        Some(&duplicate.number),
        Some(&target.number),
        now,
    )
    .await?;
    let merged = reload_ticket(&txn, target.id).await?;
    txn.commit().await?;
    publish(svc, &duplicate, LiveEventKind::TicketUpdated, None).await;
    publish(svc, &merged, LiveEventKind::TicketUpdated, None).await;
    Ok(merged)
}

fn ordered(a: i64, b: i64) -> (i64, i64) {
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
    let txn = svc.db.begin().await?;
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
        None,
        Some(&second.number),
        now,
    )
    .await?;
    record_event(
        &txn,
        &second,
        actor,
        TicketEventKind::Linked,
        None,
        Some(&first.number),
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
