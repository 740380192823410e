//! Changing a ticket's priority.

use entity::enums::{TicketEventKind, TicketPriority};
use entity::ticket;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::Change;
use super::{commit_and_publish, record_event};
use crate::actor::Actor;
use crate::error::DomainResult;
use crate::events::LiveEventKind;
use crate::permissions::Permission;
use crate::scope::find_visible_ticket;
use crate::Services;

/// Changes a ticket's priority and records it in the history.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`] for an invisible
/// ticket.
pub async fn change_ticket_priority(
    svc: &Services,
    actor: &Actor,
    ticket_id: i64,
    priority: TicketPriority,
) -> DomainResult<ticket::Model> {
    actor.require(Permission::WorkTickets)?;
    let found = find_visible_ticket(&svc.db, actor, ticket_id).await?;
    if found.priority == priority {
        return Ok(found);
    }
    let now = svc.now();
    let txn = svc.begin().await?;
    ticket::Entity::update_many()
        .col_expr(ticket::Column::Priority, Expr::value(priority))
        .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
        .filter(ticket::Column::Id.eq(found.id))
        .exec(&txn)
        .await?;
    record_event(
        &txn,
        &found,
        actor,
        TicketEventKind::PriorityChanged,
        &Change::Priority {
            from: found.priority,
            to: priority,
        },
        now,
    )
    .await?;
    commit_and_publish(svc, txn, found.id, LiveEventKind::TicketUpdated).await
}
