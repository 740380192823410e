//! Tickets: creation with per-type numbering, the board's listing, the thread, status moves
//! along the workflow, assignment.

use std::collections::HashMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Datelike, Duration, Utc};
use entity::enums::{
    AuthorKind, Channel, DepartmentKind, TicketCategory, TicketEventKind, TicketPriority,
    TicketStatus, TicketType, Visibility,
};
use entity::{customer, department, message, sla_policy, tenant, ticket, ticket_event, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, Statement, TransactionTrait,
};

use super::actor::Actor;
use super::auth::is_staff_role;
use super::error::{DomainError, DomainResult};
use super::permissions::Permission;
use super::scope::{find_in_tenant, find_in_tenant_opt};
use super::scope::{find_visible_ticket, visible_tickets};
use super::workflows::TenantWorkflows;
use super::Services;
use crate::events::{LiveEvent, LiveEventKind};

/// Largest page a listing returns.
pub const MAX_PAGE_SIZE: u64 = 100;
/// Page size when the caller does not say.
pub const DEFAULT_PAGE_SIZE: u64 = 50;
const MAX_SUBJECT_CHARS: usize = 200;
const MAX_BODY_CHARS: usize = 20_000;

/// A ticket to open.
#[derive(Debug, Clone)]
pub struct NewTicket {
    /// Support, sales or inquiry.
    pub ticket_type: TicketType,
    /// Category; `other` by default.
    pub category: Option<TicketCategory>,
    /// Priority; `normal` by default.
    pub priority: Option<TicketPriority>,
    /// One line.
    pub subject: String,
    /// The request in full.
    pub description: String,
    /// The customer concerned; for customers, themselves.
    pub customer_id: Option<i64>,
    /// Where the ticket came from; `web` by default.
    pub channel: Option<Channel>,
    /// The customer's channel message this ticket opens with (its text is the
    /// description), recorded in the ticket's own transaction so that the provider
    /// delivering it again finds the ticket instead of opening another.
    pub origin: Option<MessageOrigin>,
}

/// A message received through an integration, by the provider's id for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageOrigin {
    /// The integration it came through.
    pub integration_id: i64,
    /// The provider's id of the message.
    pub external_id: String,
}

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

/// The words of a search, lower-cased, without punctuation (which both full-text query
/// languages would interpret).
fn search_words(search: &str) -> Vec<String> {
    search
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(12)
        .map(str::to_lowercase)
        .collect()
}

/// The full-text condition on `tickets` for `words`, in the backend's dialect.
fn search_condition(
    backend: DbBackend,
    actor: &Actor,
    words: &[String],
) -> sea_orm::sea_query::SimpleExpr {
    let public_only = !actor.is_staff();
    match backend {
        DbBackend::Postgres => {
            let query = words
                .iter()
                .map(|w| format!("{w}:*"))
                .collect::<Vec<_>>()
                .join(" & ");
            let visibility = if public_only {
                " AND m.visibility = 'public'"
            } else {
                ""
            };
            // Each branch can use its GIN index (a bitmap scan); an `OR` with `EXISTS`
            // would make PostgreSQL test every ticket newest first instead.
            Expr::cust_with_values(
                format!(
                    "\"tickets\".\"id\" IN (\
                     SELECT t.id FROM tickets t WHERE t.tenant_id = $1 \
                     AND to_tsvector('simple', guichet_fold(t.subject || ' ' || t.description)) @@ to_tsquery('simple', guichet_fold($2)) \
                     UNION SELECT m.ticket_id FROM messages m WHERE m.tenant_id = $3{visibility} \
                     AND to_tsvector('simple', guichet_fold(m.body)) @@ to_tsquery('simple', guichet_fold($4)))"
                ),
                [
                    sea_orm::Value::from(actor.tenant_id),
                    query.clone().into(),
                    actor.tenant_id.into(),
                    query.into(),
                ],
            )
        }
        _ => {
            let query = words
                .iter()
                .map(|w| format!("\"{w}\"*"))
                .collect::<Vec<_>>()
                .join(" ");
            let visibility = if public_only {
                " AND m.visibility = 'public'"
            } else {
                ""
            };
            // The FTS5 rowids are the tickets' and the messages' ids, so a match costs no
            // read of the indexed text; the outer query keeps the tenant's tickets.
            Expr::cust_with_values(
                format!(
                    "\"tickets\".\"id\" IN (\
                     SELECT rowid FROM ticket_text WHERE ticket_text MATCH ? \
                     UNION SELECT m.ticket_id FROM message_text JOIN messages m ON m.id = message_text.rowid \
                     WHERE message_text MATCH ? AND m.tenant_id = ?{visibility})"
                ),
                [
                    sea_orm::Value::from(query.clone()),
                    query.into(),
                    actor.tenant_id.into(),
                ],
            )
        }
    }
}

/// One page of tickets, newest first.
#[derive(Debug, Clone)]
pub struct TicketPage {
    /// The tickets of the page.
    pub tickets: Vec<ticket::Model>,
    /// Whether more follow.
    pub has_next_page: bool,
}

/// The prefix of a ticket type's numbers.
#[must_use]
pub const fn number_prefix(ticket_type: TicketType) -> &'static str {
    match ticket_type {
        TicketType::Support => "SUP",
        TicketType::Sales => "SAL",
        TicketType::Inquiry => "INQ",
    }
}

/// Formats a ticket number: `SUP-2026-00001`.
#[must_use]
pub fn format_number(ticket_type: TicketType, year: i32, value: i64) -> String {
    format!("{}-{year}-{value:05}", number_prefix(ticket_type))
}

/// The department a new ticket goes to (seed 003): sales tickets to sales, technical and
/// billing categories to their departments, everything else to support.
#[must_use]
pub const fn route_department(ticket_type: TicketType, category: TicketCategory) -> DepartmentKind {
    match (ticket_type, category) {
        (TicketType::Sales, _) => DepartmentKind::Sales,
        (_, TicketCategory::Technical | TicketCategory::InstallationIssue) => {
            DepartmentKind::Technical
        }
        (_, TicketCategory::Billing) => DepartmentKind::Billing,
        _ => DepartmentKind::Support,
    }
}

/// Takes the next number of a tenant, type and year. Run inside the transaction that
/// inserts the ticket: the row lock (PostgreSQL) or write lock (SQLite) taken by the upsert
/// serialises concurrent creations and a rollback gives the number back, so numbers are
/// gapless and unique.
async fn next_number(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    ticket_type: TicketType,
    year: i32,
) -> DomainResult<i64> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "INSERT INTO ticket_sequences (tenant_id, ticket_type, year, last_value) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (tenant_id, ticket_type, year) DO UPDATE SET last_value = ticket_sequences.last_value + 1 \
             RETURNING last_value"
        }
        _ => {
            "INSERT INTO ticket_sequences (tenant_id, ticket_type, year, last_value) VALUES (?, ?, ?, 1) \
             ON CONFLICT (tenant_id, ticket_type, year) DO UPDATE SET last_value = last_value + 1 \
             RETURNING last_value"
        }
    };
    let row = db
        .query_one(Statement::from_sql_and_values(
            backend,
            sql,
            [tenant_id.into(), ticket_type.as_str().into(), year.into()],
        ))
        .await?
        .ok_or_else(|| DomainError::internal("ticket sequence upsert returned no row"))?;
    Ok(row.try_get::<i64>("", "last_value")?)
}

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

/// Opens a ticket: numbers it, routes it to its department, starts its SLA clocks.
///
/// # Errors
///
/// [`DomainError::Validation`] for an empty subject or description or an unknown customer;
/// [`DomainError::Forbidden`] when a customer opens a ticket for someone else or an API
/// token lacks the write scope.
pub async fn create_ticket(
    svc: &Services,
    actor: &Actor,
    input: NewTicket,
) -> DomainResult<ticket::Model> {
    actor.require(Permission::WriteTickets)?;
    let subject = check_text("subject", &input.subject, MAX_SUBJECT_CHARS)?;
    let description = check_text("description", &input.description, MAX_BODY_CHARS)?;
    let customer_id = if actor.is_staff() {
        let id = input.customer_id.ok_or_else(|| {
            DomainError::validation("customerId", "choose the customer the ticket is for")
        })?;
        find_in_tenant_opt::<customer::Entity>(&svc.db, actor.tenant_id, id)
            .await?
            .ok_or_else(|| DomainError::validation("customerId", "no such customer"))?
            .id
    } else {
        let own = actor.customer_id.ok_or_else(|| {
            DomainError::Forbidden("this account is not linked to a customer".into())
        })?;
        if input.customer_id.is_some_and(|id| id != own) {
            return Err(DomainError::Forbidden(
                "customers may only open tickets for themselves".into(),
            ));
        }
        own
    };
    let category = input.category.unwrap_or(TicketCategory::Other);
    let workflows = TenantWorkflows::load(&svc.db, actor.tenant_id).await?;
    let sla = sla_policy::Entity::find()
        .filter(sla_policy::Column::TenantId.eq(actor.tenant_id))
        .filter(sla_policy::Column::TicketType.eq(input.ticket_type))
        .one(&svc.db)
        .await?;
    let department_id = department::Entity::find()
        .filter(department::Column::TenantId.eq(actor.tenant_id))
        .filter(department::Column::Kind.eq(route_department(input.ticket_type, category)))
        .one(&svc.db)
        .await?
        .map(|d| d.id);
    let auto_assignee = match department_id {
        Some(department_id) if auto_assignment_enabled(&svc.db, actor.tenant_id).await? => {
            pick_available_agent(&svc.db, actor.tenant_id, department_id).await?
        }
        _ => None,
    };
    let now = svc.now();
    let calendar = super::calendar::calendar_of(&svc.db, actor.tenant_id).await?;

    let txn = svc.db.begin().await?;
    // The sequence upsert comes first so that, on SQLite, the transaction takes the write
    // lock at once instead of upgrading a read lock (which can deadlock).
    let value = next_number(&txn, actor.tenant_id, input.ticket_type, now.year()).await?;
    let created = ticket::ActiveModel {
        tenant_id: Set(actor.tenant_id),
        number: Set(format_number(input.ticket_type, now.year(), value)),
        ticket_type: Set(input.ticket_type),
        category: Set(category),
        priority: Set(input.priority.unwrap_or(TicketPriority::Normal)),
        status: Set(workflows.initial_status(input.ticket_type)),
        subject: Set(subject),
        description: Set(description),
        resolution: Set(None),
        customer_id: Set(customer_id),
        assignee_id: Set(auto_assignee),
        department_id: Set(department_id),
        channel: Set(input.channel.unwrap_or(Channel::Web)),
        created_by: Set(Some(actor.user_id)),
        response_due_at: Set(sla
            .as_ref()
            .map(|p| calendar.add(now, Duration::hours(i64::from(p.response_hours))))),
        resolution_due_at: Set(sla
            .as_ref()
            .map(|p| calendar.add(now, Duration::hours(i64::from(p.resolution_hours))))),
        first_response_at: Set(None),
        resolved_at: Set(None),
        closed_at: Set(None),
        response_breached: Set(false),
        resolution_breached: Set(false),
        opportunity_value: Set(None),
        sales_stage: Set(None),
        lead_source: Set(None),
        conversion_probability: Set(None),
        lead_id: Set(None),
        quote_ref: Set(None),
        satisfaction_rating: Set(None),
        satisfaction_comment: Set(None),
        rated_at: Set(None),
        // The customer wrote last: through the portal, or on a channel.
        last_customer_message_at: Set(if actor.is_staff() && input.origin.is_none() {
            None
        } else {
            Some(now)
        }),
        last_agent_message_at: Set(None),
        merged_into_id: Set(None),
        auto_close_reminded_at: Set(None),
        response_warned: Set(false),
        resolution_warned: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    record_event(
        &txn,
        &created,
        actor,
        TicketEventKind::Created,
        None,
        Some(created.status.as_str()),
        now,
    )
    .await?;
    if let Some(assignee) = auto_assignee {
        let to = assignee.to_string();
        insert_history(
            &txn,
            &created,
            None,
            TicketEventKind::Assigned,
            None,
            Some(&to),
            now,
        )
        .await?;
    }
    if let Some(origin) = &input.origin {
        super::channels::record_first_message(&txn, &created, origin).await?;
    }
    super::channels::queue_ticket_created(&txn, &created, now).await?;
    txn.commit().await?;

    publish(svc, &created, LiveEventKind::TicketCreated, None).await;
    Ok(created)
}

/// Whether the tenant assigns new tickets automatically (setting `auto_assign`, on by
/// default).
async fn auto_assignment_enabled(db: &impl ConnectionTrait, tenant_id: i64) -> DomainResult<bool> {
    let found = tenant::Entity::find_by_id(tenant_id).one(db).await?;
    Ok(found.is_none_or(|t| {
        t.settings
            .get("auto_assign")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(true)
    }))
}

/// The agent of `department_id` to give a new ticket: online, active, below their maximum
/// of open tickets, with the fewest open tickets (then the longest-standing account).
///
/// # Errors
///
/// Database errors.
pub async fn pick_available_agent(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    department_id: i64,
) -> DomainResult<Option<i64>> {
    let backend = db.get_database_backend();
    let placeholders: [&str; 2] = match backend {
        DbBackend::Postgres => ["$1", "$2"],
        _ => ["?1", "?2"],
    };
    let sql = format!(
        "SELECT u.id AS id FROM users u \
         LEFT JOIN tickets t ON t.assignee_id = u.id AND t.status IN ('new', 'open', 'pending') \
         WHERE u.tenant_id = {0} AND u.department_id = {1} AND u.role IN ('agent', 'manager') \
         AND u.is_active = true AND u.availability = 'online' \
         GROUP BY u.id, u.max_open_tickets \
         HAVING COUNT(t.id) < u.max_open_tickets \
         ORDER BY COUNT(t.id), u.id LIMIT 1",
        placeholders[0], placeholders[1]
    );
    let row = db
        .query_one(Statement::from_sql_and_values(
            backend,
            sql,
            [tenant_id.into(), department_id.into()],
        ))
        .await?;
    Ok(row.map(|r| r.try_get::<i64>("", "id")).transpose()?)
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

/// The tail of every change to one ticket: reload it inside the transaction, commit, then
/// tell subscribers.
///
/// # Errors
///
/// Database errors.
pub(crate) async fn commit_and_publish(
    svc: &Services,
    txn: DatabaseTransaction,
    ticket_id: i64,
    kind: LiveEventKind,
) -> DomainResult<ticket::Model> {
    let updated = reload_ticket(&txn, ticket_id).await?;
    txn.commit().await?;
    publish(svc, &updated, kind, None).await;
    Ok(updated)
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
    svc.events
        .publish(LiveEvent {
            tenant_id: ticket.tenant_id,
            kind,
            ticket_id: Some(ticket.id),
            message_id,
            lead_id: None,
            customer_id: None,
        })
        .await;
}

/// Encodes a listing cursor.
#[must_use]
pub fn encode_cursor(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("ticket:{id}"))
}

fn decode_cursor(cursor: &str) -> DomainResult<i64> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("ticket:").and_then(|id| id.parse().ok()))
        .ok_or_else(|| DomainError::validation("after", "this cursor is not one the API returned"))
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
            query = query.filter(search_condition(
                svc.db.get_database_backend(),
                actor,
                &words,
            ));
        }
    }
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
    let mut query = message::Entity::find()
        .filter(message::Column::TenantId.eq(actor.tenant_id))
        .filter(message::Column::TicketId.is_in(ticket_ids.iter().copied()));
    if !actor.is_staff() {
        query = query.filter(message::Column::Visibility.eq(Visibility::Public));
    }
    let rows = query
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

    let txn = svc.db.begin().await?;
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
    super::channels::queue_message_added(svc, &txn, &found, &created, now).await?;
    // A customer answering a ticket that waits on them, or that was resolved, puts it back
    // in the team's hands.
    let mut moved = false;
    if !actor.is_staff()
        && !internal
        && matches!(found.status, TicketStatus::Pending | TicketStatus::Resolved)
    {
        let mut update = ticket::Entity::update_many()
            .col_expr(ticket::Column::Status, Expr::value(TicketStatus::Open))
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
                super::sla::resume_clock_after_pending(&txn, &found, now).await?;
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
                Some(found.status.as_str()),
                Some(TicketStatus::Open.as_str()),
                now,
            )
            .await?;
        }
    }
    txn.commit().await?;

    publish(svc, &found, LiveEventKind::MessageAdded, Some(created.id)).await;
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
    if found.visibility == Visibility::Internal && !actor.is_staff() {
        return Err(DomainError::NotFound("message"));
    }
    find_visible_ticket(&svc.db, actor, found.ticket_id).await?;
    Ok(found)
}

/// Moves a ticket to `to` if its type's workflow allows it from its current status, and
/// records the move in its history.
///
/// # Errors
///
/// [`DomainError::Validation`] for a move the workflow forbids; [`DomainError::Conflict`]
/// when someone else moved it meanwhile; [`DomainError::Forbidden`] for customers.
pub async fn change_ticket_status(
    svc: &Services,
    actor: &Actor,
    ticket_id: i64,
    to: TicketStatus,
) -> DomainResult<ticket::Model> {
    actor.require(Permission::WorkTickets)?;
    let found = find_visible_ticket(&svc.db, actor, ticket_id).await?;
    let workflows = TenantWorkflows::load(&svc.db, actor.tenant_id).await?;
    workflows.ensure_allowed(found.ticket_type, found.status, to)?;
    let now = svc.now();

    let txn = svc.db.begin().await?;
    let mut update = ticket::Entity::update_many()
        .col_expr(ticket::Column::Status, Expr::value(to))
        .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
        .filter(ticket::Column::Id.eq(found.id))
        // Only if nobody moved it since we read it.
        .filter(ticket::Column::Status.eq(found.status));
    update = match to {
        TicketStatus::Resolved => {
            update.col_expr(ticket::Column::ResolvedAt, Expr::value(Some(now)))
        }
        TicketStatus::Closed | TicketStatus::Cancelled => {
            update.col_expr(ticket::Column::ClosedAt, Expr::value(Some(now)))
        }
        TicketStatus::Open
            if matches!(found.status, TicketStatus::Resolved | TicketStatus::Closed) =>
        {
            update
                .col_expr(
                    ticket::Column::ResolvedAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                )
                .col_expr(
                    ticket::Column::ClosedAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                )
        }
        _ => update,
    };
    if update.exec(&txn).await?.rows_affected == 0 {
        return Err(DomainError::Conflict(
            "the ticket changed meanwhile: reload it and try again".into(),
        ));
    }
    if found.status == TicketStatus::Pending {
        super::sla::resume_clock_after_pending(&txn, &found, now).await?;
    }
    let kind = if to == TicketStatus::Open
        && matches!(found.status, TicketStatus::Resolved | TicketStatus::Closed)
    {
        TicketEventKind::Reopened
    } else {
        TicketEventKind::StatusChanged
    };
    record_event(
        &txn,
        &found,
        actor,
        kind,
        Some(found.status.as_str()),
        Some(to.as_str()),
        now,
    )
    .await?;
    if to == TicketStatus::Resolved && found.satisfaction_rating.is_none() {
        queue_rating_request(svc, &txn, &found, now).await?;
    }
    commit_and_publish(svc, txn, found.id, LiveEventKind::TicketUpdated).await
}

/// Mails the ticket's customer (when they have an address) a link to rate the resolution.
/// The link opens a page that needs a click, so mail scanners following it rate nothing.
async fn queue_rating_request(
    svc: &Services,
    db: &impl ConnectionTrait,
    found: &ticket::Model,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let Some(customer) = customer::Entity::find_by_id(found.customer_id)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let Some(address) = customer
        .email
        .as_deref()
        .filter(|a| super::mail::is_mailable(a))
    else {
        return Ok(());
    };
    let link = super::mail::rating_link(&svc.mail, found.tenant_id, found.id, customer.id, now)?;
    let subject = format!("[{}] How did we do? / Votre avis", found.number);
    let body = format!(
        "Hello {first},\n\nYour request \"{subject}\" ({number}) has been resolved.\n\
         Tell us how we did, from 1 to 5 stars:\n{link}\n\n\
         Bonjour {first},\n\nVotre demande « {subject} » ({number}) est résolue.\n\
         Dites-nous ce que vous en pensez (1 à 5 étoiles) :\n{link}\n",
        first = customer.first_name,
        subject = found.subject,
        number = found.number,
    );
    super::mail::queue_mail(db, found.tenant_id, address, &subject, &body, now).await?;
    Ok(())
}

/// Assigns a ticket to a staff member, or unassigns it with `None`. Admins and managers
/// assign anyone; agents only take a ticket themselves or let it go.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers, or agents assigning others;
/// [`DomainError::Validation`] when the assignee is not active staff of the tenant.
pub async fn assign_ticket(
    svc: &Services,
    actor: &Actor,
    ticket_id: i64,
    assignee_id: Option<i64>,
) -> DomainResult<ticket::Model> {
    actor.require(Permission::WorkTickets)?;
    if !actor.is_supervisor() && assignee_id.is_some_and(|id| id != actor.user_id) {
        return Err(DomainError::Forbidden(
            "agents may only assign tickets to themselves".into(),
        ));
    }
    let found = find_visible_ticket(&svc.db, actor, ticket_id).await?;
    if let Some(id) = assignee_id {
        let assignee = user::Entity::find_by_id(id)
            .filter(user::Column::TenantId.eq(actor.tenant_id))
            .filter(user::Column::IsActive.eq(true))
            .one(&svc.db)
            .await?;
        if !assignee.is_some_and(|u| is_staff_role(u.role)) {
            return Err(DomainError::validation(
                "assigneeId",
                "tickets can only be assigned to active staff",
            ));
        }
    }
    let now = svc.now();
    let txn = svc.db.begin().await?;
    ticket::Entity::update_many()
        .col_expr(ticket::Column::AssigneeId, Expr::value(assignee_id))
        .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
        .filter(ticket::Column::Id.eq(found.id))
        .exec(&txn)
        .await?;
    let from = found.assignee_id.map(|id| id.to_string());
    let to = assignee_id.map(|id| id.to_string());
    record_event(
        &txn,
        &found,
        actor,
        TicketEventKind::Assigned,
        from.as_deref(),
        to.as_deref(),
        now,
    )
    .await?;
    commit_and_publish(svc, txn, found.id, LiveEventKind::TicketAssigned).await
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
    let mut query = message::Entity::find()
        .select_only()
        .column(message::Column::TicketId)
        .column_as(message::Column::Id.count(), "count")
        .filter(message::Column::TenantId.eq(actor.tenant_id))
        .filter(message::Column::TicketId.is_in(ticket_ids.iter().copied()));
    if !actor.is_staff() {
        query = query.filter(message::Column::Visibility.eq(Visibility::Public));
    }
    let rows: Vec<(i64, i64)> = query
        .group_by(message::Column::TicketId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

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
    let txn = svc.db.begin().await?;
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
        Some(found.priority.as_str()),
        Some(priority.as_str()),
        now,
    )
    .await?;
    commit_and_publish(svc, txn, found.id, LiveEventKind::TicketUpdated).await
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
