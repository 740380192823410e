//! Opening a ticket: validation, numbering, routing to a department, auto-assignment.

use chrono::{Datelike, Duration};
use entity::enums::{
    Channel, DepartmentKind, TicketCategory, TicketEventKind, TicketPriority, TicketType,
};
use entity::{customer, ticket};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Set,
    Statement,
};

use super::Change;
use super::{
    check_text, insert_history, pick_available_agent, publish_notifying, record_event,
    MAX_BODY_CHARS, MAX_SUBJECT_CHARS,
};
use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::events::LiveEventKind;
use crate::permissions::Permission;
use crate::scope::find_in_tenant_opt;
use crate::Services;

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
/// inserts the ticket, as late as it can: the row lock (PostgreSQL) or write lock (SQLite)
/// taken by the upsert serialises concurrent creations until commit and a rollback gives
/// the number back, so numbers are gapless and unique.
pub(super) async fn next_number(
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

/// A unique stand-in for a ticket's number until [`next_number`] gives it one, inside the
/// same transaction: nobody else ever sees it.
fn provisional_number() -> String {
    format!("~{:032x}", rand::random::<u128>())
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
    let mut customer_name = None;
    let customer_id = if actor.is_staff() {
        let id = input.customer_id.ok_or_else(|| {
            DomainError::validation("customerId", "choose the customer the ticket is for")
        })?;
        let found = find_in_tenant_opt::<customer::Entity>(&svc.db, actor.tenant_id, id)
            .await?
            .ok_or_else(|| DomainError::validation("customerId", "no such customer"))?;
        customer_name = Some(crate::customers::display_name(&found));
        found.id
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
    // Staff triage: a customer's ticket comes from the portal at normal priority,
    // whatever the request says.
    let (priority, channel) = if actor.is_staff() {
        (
            input.priority.unwrap_or(TicketPriority::Normal),
            input.channel.unwrap_or(Channel::Web),
        )
    } else {
        (TicketPriority::Normal, Channel::Web)
    };
    let category = input.category.unwrap_or(TicketCategory::Other);
    let workflows = svc.events.workflows().get(&svc.db, actor.tenant_id).await?;
    let setup = svc
        .setup(actor.tenant_id)
        .await?
        .ok_or(DomainError::NotFound("tenant"))?;
    let sla = setup.sla_policy(input.ticket_type);
    let department_id = setup.department(route_department(input.ticket_type, category));
    let auto_assignee = match department_id {
        Some(department_id) if setup.auto_assignment() => {
            pick_available_agent(&svc.db, actor.tenant_id, department_id).await?
        }
        _ => None,
    };
    let now = svc.now();
    let calendar = setup.calendar();
    // Who hears of it is read now: the transaction below only writes.
    let notice = crate::channels::TicketCreatedNotice::prepare(
        svc,
        &svc.db,
        crate::channels::TicketToBe {
            tenant_id: actor.tenant_id,
            customer_id,
            channel,
            assignee_id: auto_assignee,
            department_id,
            created_by: Some(actor.user_id),
            customer_name,
        },
    )
    .await?;

    let txn = svc.begin().await?;
    // The ticket is written under a provisional number and numbered last, just before
    // the notices that quote its number: the numbering row lock (PostgreSQL), which
    // serialises every creation of a type in a tenant until commit, is not held while the
    // ticket, its history and its search entries are written. (The insert comes first so
    // that, on SQLite, the transaction takes the write lock at once.)
    let initial = workflows.initial_status(input.ticket_type);
    let mut created = ticket::ActiveModel {
        tenant_id: Set(actor.tenant_id),
        number: Set(provisional_number()),
        ticket_type: Set(input.ticket_type),
        category: Set(category),
        priority: Set(priority),
        status: Set(initial),
        waiting_since: Set(matches!(
            initial,
            entity::enums::TicketStatus::Pending | entity::enums::TicketStatus::Resolved
        )
        .then_some(now)),
        subject: Set(subject),
        description: Set(description),
        resolution: Set(None),
        customer_id: Set(customer_id),
        assignee_id: Set(auto_assignee),
        department_id: Set(department_id),
        channel: Set(channel),
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
        &Change::Status {
            from: None,
            to: created.status,
        },
        now,
    )
    .await?;
    if let Some(assignee) = auto_assignee {
        insert_history(
            &txn,
            &created,
            None,
            TicketEventKind::Assigned,
            &Change::Assignee {
                from: None,
                to: Some(assignee),
            },
            now,
        )
        .await?;
    }
    if let Some(origin) = &input.origin {
        crate::channels::record_first_message(&txn, &created, origin).await?;
    }
    let value = next_number(&txn, actor.tenant_id, input.ticket_type, now.year()).await?;
    created.number = format_number(input.ticket_type, now.year(), value);
    ticket::Entity::update_many()
        .col_expr(ticket::Column::Number, Expr::value(created.number.clone()))
        .filter(ticket::Column::Id.eq(created.id))
        .exec(&txn)
        .await?;
    let told = notice.queue(svc, &txn, &created, now).await?;
    txn.commit().await?;

    publish_notifying(svc, &created, LiveEventKind::TicketCreated, None, told).await;
    Ok(created)
}
