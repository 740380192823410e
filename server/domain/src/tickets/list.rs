//! The ticket listing (filters, keyset pagination) and single-ticket reads.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use entity::enums::{TicketPriority, TicketStatus, TicketType};
use entity::ticket;
use sea_orm::sea_query::{Alias, Expr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, Iterable, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select,
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
    let limit = page_size("first", first)?;
    let mut query = filtered_tickets(svc.db.get_database_backend(), actor, filter);
    if let Some(after) = after {
        query = query.filter(ticket::Column::Id.lt(decode_cursor(after)?));
    }
    let tickets = query
        .order_by_desc(ticket::Column::Id)
        .limit(limit + 1)
        .all(&svc.db)
        .await?;
    Ok(page_of(tickets, limit))
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
    actor.require(Permission::ViewTickets)?;
    let limit = page_size("perColumn", per_column)?;
    let statuses = TicketStatus::iter()
        .filter(|status| filter.statuses.is_empty() || filter.statuses.contains(status));
    let searching = filter
        .search
        .as_deref()
        .is_some_and(|search| !search_words(search).is_empty());
    if !searching {
        let mut columns = Vec::new();
        for status in statuses {
            let column = TicketFilter {
                statuses: vec![status],
                ..filter.clone()
            };
            let tickets = filtered_tickets(svc.db.get_database_backend(), actor, &column)
                .order_by_desc(ticket::Column::Id)
                .limit(limit + 1)
                .all(&svc.db)
                .await?;
            columns.push(BoardColumn {
                status,
                page: page_of(tickets, limit),
            });
        }
        return Ok(columns);
    }
    // A search finds its matches once for every column: each column's newest, ranked
    // within its status in one statement, rather than the full-text match run per column.
    let backend = svc.db.get_database_backend();
    let ranked = filtered_tickets(backend, actor, filter)
        .expr_as(
            Expr::cust(
                "ROW_NUMBER() OVER (PARTITION BY \"tickets\".\"status\" ORDER BY \"tickets\".\"id\" DESC)",
            ),
            "board_rank",
        )
        .into_query();
    let query = sea_orm::sea_query::Query::select()
        .column(sea_orm::sea_query::Asterisk)
        .from_subquery(ranked, Alias::new("ranked"))
        .and_where(Expr::col(Alias::new("board_rank")).lte(limit + 1))
        .order_by(Alias::new("id"), sea_orm::Order::Desc)
        .to_owned();
    let found = ticket::Entity::find()
        .from_raw_sql(backend.build(&query))
        .all(&svc.db)
        .await?;
    Ok(statuses
        .map(|status| BoardColumn {
            status,
            page: page_of(
                found
                    .iter()
                    .filter(|t| t.status == status)
                    .cloned()
                    .collect(),
                limit,
            ),
        })
        .collect())
}

/// `first` (the default page size when absent), checked to be between 1 and
/// [`MAX_PAGE_SIZE`].
fn page_size(field: &'static str, first: Option<i64>) -> DomainResult<u64> {
    u64::try_from(first.unwrap_or(DEFAULT_PAGE_SIZE as i64))
        .ok()
        .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
        .ok_or_else(|| {
            DomainError::validation(
                field,
                format!("{field} must be between 1 and {MAX_PAGE_SIZE}"),
            )
        })
}

/// A page of at most `limit` of `tickets`, which holds one more when there are more.
fn page_of(mut tickets: Vec<ticket::Model>, limit: u64) -> TicketPage {
    let has_next_page = tickets.len() as u64 > limit;
    tickets.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    TicketPage {
        tickets,
        has_next_page,
    }
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
