//! Tickets, split by operation: creation with per-type numbering and routing, the board's
//! listing and search, the thread, status moves along the workflow, assignment, priority,
//! history, merging and links. The helpers shared by these operations live here: the
//! "reload, commit, publish" tail of every change and the grouping used by loaders.

mod assign;
mod create;
mod history;
mod links;
mod list;
mod merge;
mod priority;
mod search;
mod status;
mod thread;

pub use assign::*;
pub use create::*;
pub use history::*;
pub use links::*;
pub use list::*;
pub use merge::*;
pub use priority::*;
use search::{search_condition, search_words};

pub use status::*;
pub use thread::*;

use crate::error::{DomainError, DomainResult};
use crate::events::{LiveEvent, LiveEventKind};
use crate::Services;
use entity::ticket;
use sea_orm::{ConnectionTrait, EntityTrait};
use std::collections::HashMap;

/// Largest page a listing returns.
pub const MAX_PAGE_SIZE: u64 = 100;
/// Page size when the caller does not say.
pub const DEFAULT_PAGE_SIZE: u64 = 50;
const MAX_SUBJECT_CHARS: usize = 200;
const MAX_BODY_CHARS: usize = 20_000;

fn check_text(field: &'static str, value: &str, max: usize) -> DomainResult<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(DomainError::validation(
            field,
            format!("{field} must not be empty"),
        ));
    }
    if value.chars().count() > max {
        return Err(DomainError::validation(
            field,
            format!("{field} is longer than {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

/// Reads a ticket again inside the transaction that changed it, to return what was
/// committed.
pub(crate) async fn reload_ticket(
    db: &impl ConnectionTrait,
    id: i64,
) -> DomainResult<ticket::Model> {
    ticket::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("ticket"))
}

/// The tail of every change to one ticket: reload it inside the transaction, commit, then
/// tell subscribers.
///
/// # Errors
///
/// Database errors.
pub(crate) async fn commit_and_publish(
    svc: &Services,
    txn: crate::write::WriteTxn,
    ticket_id: i64,
    kind: LiveEventKind,
) -> DomainResult<ticket::Model> {
    commit_and_publish_notifying(svc, txn, ticket_id, kind, Vec::new()).await
}

/// [`commit_and_publish`], telling subscribers whose bell the change added to.
pub(crate) async fn commit_and_publish_notifying(
    svc: &Services,
    txn: crate::write::WriteTxn,
    ticket_id: i64,
    kind: LiveEventKind,
    notified: Vec<i64>,
) -> DomainResult<ticket::Model> {
    let updated = reload_ticket(&txn, ticket_id).await?;
    txn.commit().await?;
    publish_notifying(svc, &updated, kind, None, notified).await;
    Ok(updated)
}

/// Groups rows by the ticket they belong to, with an entry (maybe empty) for every id asked
/// for, so loaders can cache "nothing" as an answer too.
pub(crate) fn group_by_ticket<T>(
    ticket_ids: &[i64],
    rows: Vec<T>,
    ticket_of: impl Fn(&T) -> i64,
) -> HashMap<i64, Vec<T>> {
    let mut grouped: HashMap<i64, Vec<T>> = ticket_ids.iter().map(|id| (*id, Vec::new())).collect();
    for row in rows {
        grouped.entry(ticket_of(&row)).or_default().push(row);
    }
    grouped
}

pub(crate) async fn publish(
    svc: &Services,
    ticket: &ticket::Model,
    kind: LiveEventKind,
    message_id: Option<i64>,
) {
    publish_notifying(svc, ticket, kind, message_id, Vec::new()).await;
}

/// [`publish`], telling subscribers whose bell the change added to.
pub(crate) async fn publish_notifying(
    svc: &Services,
    ticket: &ticket::Model,
    kind: LiveEventKind,
    message_id: Option<i64>,
    notified: Vec<i64>,
) {
    svc.events
        .publish(
            LiveEvent::ticket(ticket.tenant_id, kind, ticket.id, message_id).notifying(notified),
        )
        .await;
}
