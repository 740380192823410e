//! A ticket's thread: replies, internal notes, message reads and counts.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::enums::{AuthorKind, Channel, TicketEventKind, TicketStatus, Visibility};
use entity::{message, ticket};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::Change;
use super::{
    check_text, group_by_ticket, publish, publish_notifying, record_event, MAX_BODY_CHARS,
};
use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::events::LiveEventKind;
use crate::permissions::Permission;
use crate::scope::{find_in_tenant, find_visible_ticket, may_read_message, visible_messages};
use crate::Services;

/// Tells the colleagues an internal note names with `@` (never its author).
async fn notify_mentions(
    svc: &Services,
    db: &impl ConnectionTrait,
    actor: &Actor,
    found: &ticket::Model,
    note: &message::Model,
    now: DateTime<Utc>,
) -> DomainResult<Vec<i64>> {
    let named = crate::notifications::mentioned_staff(db, found.tenant_id, &note.body).await?;
    if named.is_empty() {
        return Ok(Vec::new());
    }
    let by = find_in_tenant::<entity::user::Entity>(db, actor.tenant_id, actor.user_id)
        .await
        .map(|u| u.display_name)
        .unwrap_or_default();
    let excerpt: String = note.body.chars().take(500).collect();
    crate::notifications::announce(
        svc,
        db,
        found.tenant_id,
        &named,
        &crate::notifications::Announcement {
            kind: entity::enums::NotificationKind::Mentioned,
            notice: crate::notices::Notice::Mentioned {
                number: &found.number,
                subject: &found.subject,
                by: &by,
                body: &excerpt,
            },
            ticket: Some(found),
            author_id: Some(actor.user_id),
        },
        now,
    )
    .await
}

/// The threads of several tickets at once, oldest message first; internal notes only for
/// staff. The caller has already checked it may see these tickets.
///
/// # Errors
///
/// Database errors.
pub async fn messages_of_tickets(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ticket_ids: &[i64],
) -> DomainResult<HashMap<i64, Vec<message::Model>>> {
    let rows = message::Entity::find()
        .filter(visible_messages(actor))
        .filter(message::Column::TicketId.is_in(ticket_ids.iter().copied()))
        .order_by_asc(message::Column::CreatedAt)
        .order_by_asc(message::Column::Id)
        .all(db)
        .await?;
    Ok(group_by_ticket(ticket_ids, rows, |m| m.ticket_id))
}

/// Adds a reply (public) or an internal note (staff only) to a ticket's thread. The first
/// public reply of staff sets the ticket's first-response time.
///
/// # Errors
///
/// [`DomainError::NotFound`] for an invisible ticket; [`DomainError::Forbidden`] when a
/// customer writes an internal note; [`DomainError::Validation`] for an empty body.
pub async fn reply_to_ticket(
    svc: &Services,
    actor: &Actor,
    ticket_id: i64,
    body: &str,
    internal: bool,
) -> DomainResult<message::Model> {
    actor.require(Permission::WriteTickets)?;
    let body = check_text("body", body, MAX_BODY_CHARS)?;
    if internal && !actor.is_staff() {
        return Err(DomainError::Forbidden(
            "only staff may write internal notes".into(),
        ));
    }
    let found = find_visible_ticket(&svc.db, actor, ticket_id).await?;
    let now = svc.now();
    let author_kind = if actor.is_staff() {
        AuthorKind::Agent
    } else {
        AuthorKind::Customer
    };

    let txn = svc.begin().await?;
    let mut update = ticket::Entity::update_many()
        .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
        .filter(ticket::Column::Id.eq(found.id));
    if !internal {
        if actor.is_staff() {
            update = update.col_expr(ticket::Column::LastAgentMessageAt, Expr::value(now));
            if found.first_response_at.is_none() {
                update = update.col_expr(ticket::Column::FirstResponseAt, Expr::value(now));
            }
        } else {
            update = update.col_expr(ticket::Column::LastCustomerMessageAt, Expr::value(now));
        }
    }
    update.exec(&txn).await?;
    let created = message::ActiveModel {
        tenant_id: Set(found.tenant_id),
        ticket_id: Set(found.id),
        author_kind: Set(author_kind),
        author_user_id: Set(Some(actor.user_id)),
        author_customer_id: Set(if actor.is_staff() {
            None
        } else {
            actor.customer_id
        }),
        visibility: Set(if internal {
            Visibility::Internal
        } else {
            Visibility::Public
        }),
        body: Set(body),
        channel: Set(Channel::Web),
        external_id: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut told = crate::channels::queue_message_added(svc, &txn, &found, &created, now).await?;
    if internal {
        told.extend(notify_mentions(svc, &txn, actor, &found, &created, now).await?);
    }
    // A customer answering a ticket that waits on them, or that was resolved, puts it back
    // in the team's hands.
    let mut moved = false;
    if !actor.is_staff()
        && !internal
        && matches!(found.status, TicketStatus::Pending | TicketStatus::Resolved)
    {
        let mut update = ticket::Entity::update_many()
            .col_expr(ticket::Column::Status, Expr::value(TicketStatus::Open))
            .col_expr(
                ticket::Column::WaitingSince,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(ticket::Column::Id.eq(found.id))
            .filter(ticket::Column::Status.eq(found.status));
        if found.status == TicketStatus::Resolved {
            update = update.col_expr(
                ticket::Column::ResolvedAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            );
        }
        if update.exec(&txn).await?.rows_affected == 1 {
            moved = true;
            if found.status == TicketStatus::Pending {
                crate::sla::resume_clock_after_pending(&txn, &found, now).await?;
            }
            let kind = if found.status == TicketStatus::Resolved {
                TicketEventKind::Reopened
            } else {
                TicketEventKind::StatusChanged
            };
            record_event(
                &txn,
                &found,
                actor,
                kind,
                &Change::Status {
                    from: Some(found.status),
                    to: TicketStatus::Open,
                },
                now,
            )
            .await?;
        }
    }
    txn.commit().await?;

    publish_notifying(
        svc,
        &found,
        LiveEventKind::MessageAdded,
        Some(created.id),
        told,
    )
    .await;
    if moved {
        publish(svc, &found, LiveEventKind::TicketUpdated, None).await;
    }
    Ok(created)
}

/// One message, if the actor may see it (its ticket, and internal notes only for staff).
///
/// # Errors
///
/// [`DomainError::NotFound`] otherwise.
pub async fn get_message(svc: &Services, actor: &Actor, id: i64) -> DomainResult<message::Model> {
    let found = find_in_tenant::<message::Entity>(&svc.db, actor.tenant_id, id).await?;
    if !may_read_message(actor, &found) {
        return Err(DomainError::NotFound("message"));
    }
    find_visible_ticket(&svc.db, actor, found.ticket_id).await?;
    Ok(found)
}

/// Number of messages per ticket, in one statement, as the actor would see them.
///
/// # Errors
///
/// Database errors.
pub async fn message_counts(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ticket_ids: &[i64],
) -> DomainResult<HashMap<i64, i64>> {
    let rows: Vec<(i64, i64)> = message::Entity::find()
        .select_only()
        .column(message::Column::TicketId)
        .column_as(message::Column::Id.count(), "count")
        .filter(visible_messages(actor))
        .filter(message::Column::TicketId.is_in(ticket_ids.iter().copied()))
        .group_by(message::Column::TicketId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}
