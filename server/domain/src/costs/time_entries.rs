//! Time logged by agents on tickets: what costs and budgets are computed from.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::time_entry;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::permissions::Permission;
use crate::scope::find_visible_ticket;
use crate::tickets::group_by_ticket;
use crate::Services;

/// Records `minutes` worked by the caller on a ticket, on `work_date` (today by default).
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::Validation`] for a duration
/// outside 1..=1440 minutes or a date in the future.
pub async fn log_time(
    svc: &Services,
    actor: &Actor,
    ticket_id: i64,
    minutes: i32,
    work_date: Option<NaiveDate>,
    note: Option<&str>,
) -> DomainResult<time_entry::Model> {
    actor.require(Permission::WorkTickets)?;
    let found = find_visible_ticket(&svc.db, actor, ticket_id).await?;
    if !(1..=1440).contains(&minutes) {
        return Err(DomainError::validation(
            "minutes",
            "log between 1 and 1440 minutes (one day) at a time",
        ));
    }
    let now = svc.now();
    let today = now.date_naive();
    let work_date = work_date.unwrap_or(today);
    if work_date > today {
        return Err(DomainError::validation(
            "workDate",
            "time cannot be logged in the future",
        ));
    }
    let entry = time_entry::ActiveModel {
        tenant_id: Set(found.tenant_id),
        ticket_id: Set(found.id),
        user_id: Set(actor.user_id),
        minutes: Set(minutes),
        work_date: Set(work_date),
        note: Set(note
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&svc.db)
    .await?;
    // The work may push the customer's budget over a threshold: alert now, not at the next
    // run of the jobs (which would alert all the same, once).
    crate::costs::budgets::budget_changed(svc, found.tenant_id, Some(found.customer_id)).await?;
    Ok(entry)
}

/// The time entries of several tickets, by date; staff only (customers get none).
///
/// # Errors
///
/// Database errors.
pub async fn time_entries_of_tickets(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ticket_ids: &[i64],
) -> DomainResult<HashMap<i64, Vec<time_entry::Model>>> {
    if !actor.is_staff() {
        return Ok(group_by_ticket(
            ticket_ids,
            Vec::new(),
            |e: &time_entry::Model| e.ticket_id,
        ));
    }
    let rows = time_entry::Entity::find()
        .filter(time_entry::Column::TenantId.eq(actor.tenant_id))
        .filter(time_entry::Column::TicketId.is_in(ticket_ids.iter().copied()))
        .order_by_asc(time_entry::Column::WorkDate)
        .order_by_asc(time_entry::Column::Id)
        .all(db)
        .await?;
    Ok(group_by_ticket(ticket_ids, rows, |row| row.ticket_id))
}
