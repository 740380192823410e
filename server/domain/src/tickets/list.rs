//! The ticket listing (filters, keyset pagination) and single-ticket reads.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use entity::enums::{TicketPriority, TicketStatus, TicketType};
use entity::ticket;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, Iterable, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

use super::{search_condition, search_words, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::permissions::Permission;
use crate::scope::{find_visible_ticket, visible_tickets};
use crate::Services;

/// Filters of the ticket listing; empty lists mean "any".
#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    /// Any of these statuses.
    pub statuses: Vec<TicketStatus>,
    /// Any of these priorities.
    pub priorities: Vec<TicketPriority>,
    /// Any of these types.
    pub types: Vec<TicketType>,
    /// Of this customer.
    pub customer_id: Option<i64>,
    /// Assigned to this user.
    pub assignee_id: Option<i64>,
    /// Only tickets nobody is assigned to.
    pub unassigned: bool,
    /// Routed to this department.
    pub department_id: Option<i64>,
    /// Created at or after this instant.
    pub created_after: Option<DateTime<Utc>>,
    /// Created before this instant.
    pub created_before: Option<DateTime<Utc>>,
    /// Words that must all appear (as word prefixes) in the subject, the description or a
    /// message of the thread the caller may see.
    pub search: Option<String>,
}

/// One page of tickets, newest first.
#[derive(Debug, Clone)]
pub struct TicketPage {
    /// The tickets of the page.
    pub tickets: Vec<ticket::Model>,
    /// Whether more follow.
    pub has_next_page: bool,
}

/// Encodes a listing cursor.
#[must_use]
pub fn encode_cursor(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("ticket:{id}"))
}

pub(super) fn decode_cursor(cursor: &str) -> DomainResult<i64> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("ticket:").and_then(|id| id.parse().ok()))
        .ok_or_else(|| DomainError::validation("after", "this cursor is not one the API returned"))
}

/// The tickets `actor` may see that match `filter`, unordered and unbounded: the listing's
/// statement before its page.
#[must_use]
pub fn filtered_tickets(
    backend: DbBackend,
    actor: &Actor,
    filter: &TicketFilter,
) -> Select<ticket::Entity> {
    let mut query = ticket::Entity::find().filter(visible_tickets(actor));
    if !filter.statuses.is_empty() {
        query = query.filter(ticket::Column::Status.is_in(filter.statuses.iter().copied()));
    }
    if !filter.priorities.is_empty() {
        query = query.filter(ticket::Column::Priority.is_in(filter.priorities.iter().copied()));
    }
    if !filter.types.is_empty() {
        query = query.filter(ticket::Column::TicketType.is_in(filter.types.iter().copied()));
    }
    if let Some(customer_id) = filter.customer_id {
        query = query.filter(ticket::Column::CustomerId.eq(customer_id));
    }
    if let Some(assignee_id) = filter.assignee_id {
        query = query.filter(ticket::Column::AssigneeId.eq(assignee_id));
    }
    if filter.unassigned {
        query = query.filter(ticket::Column::AssigneeId.is_null());
    }
    if let Some(department_id) = filter.department_id {
        query = query.filter(ticket::Column::DepartmentId.eq(department_id));
    }
    if let Some(at) = filter.created_after {
        query = query.filter(ticket::Column::CreatedAt.gte(at));
    }
    if let Some(at) = filter.created_before {
        query = query.filter(ticket::Column::CreatedAt.lt(at));
    }
    if let Some(search) = filter.search.as_deref() {
        let words = search_words(search);
        if !words.is_empty() {
            query = query.filter(search_condition(backend, actor, &words));
        }
    }
    query
}

/// A page of the tickets the actor may see, newest first, after `after`.
///
/// # Errors
///
/// [`DomainError::Validation`] when `first` is outside 1..=100 or the cursor is malformed.
pub async fn list_tickets(
    svc: &Services,
    actor: &Actor,
    filter: &TicketFilter,
    first: Option<i64>,
    after: Option<&str>,
) -> DomainResult<TicketPage> {
    actor.require(Permission::ViewTickets)?;
    let first = first.unwrap_or(DEFAULT_PAGE_SIZE as i64);
    let limit = u64::try_from(first)
        .ok()
        .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
        .ok_or_else(|| {
            DomainError::validation(
                "first",
                format!("first must be between 1 and {MAX_PAGE_SIZE}"),
            )
        })?;
    let mut query = filtered_tickets(svc.db.get_database_backend(), actor, filter);
    if let Some(after) = after {
        query = query.filter(ticket::Column::Id.lt(decode_cursor(after)?));
    }
    let mut tickets = query
        .order_by_desc(ticket::Column::Id)
        .limit(limit + 1)
        .all(&svc.db)
        .await?;
    let has_next_page = tickets.len() as u64 > limit;
    tickets.truncate(limit as usize);
    Ok(TicketPage {
        tickets,
        has_next_page,
    })
}

/// One column of the board: a status and the first page of its tickets.
#[derive(Debug, Clone)]
pub struct BoardColumn {
    /// The column's status.
    pub status: TicketStatus,
    /// Its newest tickets; the column pages on with [`list_tickets`] for its status.
    pub page: TicketPage,
}

/// The board: one column per status `filter` allows (every status when it names none), in
/// the workflow's order, so open work comes first, each with the first `per_column` of the
/// tickets the actor may see in that status, newest first. Each column reads at most a
/// screen (the index on tenant, status and id), whatever the tenant's history: the closed
/// tickets of years do not push today's work off the board.
///
/// # Errors
///
/// As [`list_tickets`].
pub async fn board(
    svc: &Services,
    actor: &Actor,
    filter: &TicketFilter,
    per_column: Option<i64>,
) -> DomainResult<Vec<BoardColumn>> {
    let mut columns = Vec::new();
    for status in TicketStatus::iter() {
        if !filter.statuses.is_empty() && !filter.statuses.contains(&status) {
            continue;
        }
        let column = TicketFilter {
            statuses: vec![status],
            ..filter.clone()
        };
        let page = list_tickets(svc, actor, &column, per_column, None).await?;
        columns.push(BoardColumn { status, page });
    }
    Ok(columns)
}

/// One ticket, if the actor may see it.
///
/// # Errors
///
/// [`DomainError::NotFound`] when it does not exist or is not visible to the actor.
pub async fn get_ticket(svc: &Services, actor: &Actor, id: i64) -> DomainResult<ticket::Model> {
    actor.require(Permission::ViewTickets)?;
    find_visible_ticket(&svc.db, actor, id).await
}

/// One ticket by its number (`SUP-2026-00001`), if the actor may see it.
///
/// # Errors
///
/// [`DomainError::NotFound`] when it does not exist or is not visible to the actor.
pub async fn get_ticket_by_number(
    svc: &Services,
    actor: &Actor,
    number: &str,
) -> DomainResult<ticket::Model> {
    actor.require(Permission::ViewTickets)?;
    ticket::Entity::find()
        .filter(visible_tickets(actor))
        .filter(ticket::Column::Number.eq(number.trim().to_uppercase()))
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound("ticket"))
}
