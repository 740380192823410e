//! Merging a duplicate ticket into another.

use entity::enums::{AuthorKind, Channel, TicketEventKind, TicketStatus, Visibility};
use entity::{attachment, message, ticket, time_entry};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::Change;
use super::{publish, record_event, reload_ticket};
use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::events::LiveEventKind;
use crate::notices::{Lang, Notice};
use crate::permissions::Permission;
use crate::scope::find_visible_ticket;
use crate::Services;

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
    let txn = svc.begin().await?;
    let closed = ticket::Entity::update_many()
        .col_expr(ticket::Column::MergedIntoId, Expr::value(Some(target.id)))
        .col_expr(ticket::Column::Status, Expr::value(TicketStatus::Closed))
        .col_expr(
            ticket::Column::WaitingSince,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
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
    // Staff read it (an internal note), each in their own language; it is written once,
    // in the tenant's default.
    let merged_note = svc.wording.word(
        &Notice::Merged {
            number: &duplicate.number,
            subject: &duplicate.subject,
        },
        Lang::default(),
    );
    message::ActiveModel {
        tenant_id: Set(target.tenant_id),
        ticket_id: Set(target.id),
        author_kind: Set(AuthorKind::System),
        author_user_id: Set(None),
        author_customer_id: Set(None),
        visibility: Set(Visibility::Internal),
        body: Set(merged_note.body),
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
    let merged = Change::Merge {
        duplicate: duplicate.number.clone(),
        target: target.number.clone(),
    };
    record_event(
        &txn,
        &duplicate,
        actor,
        TicketEventKind::Merged,
        &merged,
        now,
    )
    .await?;
    record_event(&txn, &target, actor, TicketEventKind::Merged, &merged, now).await?;
    let merged = reload_ticket(&txn, target.id).await?;
    txn.commit().await?;
    publish(svc, &duplicate, LiveEventKind::TicketUpdated, None).await;
    publish(svc, &merged, LiveEventKind::TicketUpdated, None).await;
    Ok(merged)
}
