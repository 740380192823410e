//! Assignment, manual and automatic.

use entity::enums::{NotificationKind, TicketEventKind};
use entity::{ticket, user};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement};

use super::Change;
use super::{commit_and_publish_notifying, record_event};
use crate::actor::Actor;
use crate::auth::is_staff_role;
use crate::error::{DomainError, DomainResult};
use crate::events::LiveEventKind;
use crate::notices::Notice;
use crate::permissions::Permission;
use crate::scope::find_visible_ticket;
use crate::Services;

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
    let statement = available_agent(db.get_database_backend(), tenant_id, department_id);
    let row = db.query_one(statement).await?;
    Ok(row.map(|r| r.try_get::<i64>("", "id")).transpose()?)
}

/// The statement of [`pick_available_agent`]. Each agent's open tickets are counted
/// through the index on (tenant, assignee, status): the cost is the department's open
/// work, whatever the tenant's history holds.
#[must_use]
pub fn available_agent(backend: DbBackend, tenant_id: i64, department_id: i64) -> Statement {
    let placeholders: [&str; 2] = match backend {
        DbBackend::Postgres => ["$1", "$2"],
        _ => ["?1", "?2"],
    };
    let sql = format!(
        "SELECT u.id AS id FROM users u \
         LEFT JOIN tickets t ON t.tenant_id = u.tenant_id AND t.assignee_id = u.id \
         AND t.status IN ('new', 'open', 'pending') \
         WHERE u.tenant_id = {0} AND u.department_id = {1} AND u.role IN ('agent', 'manager') \
         AND u.is_active = true AND u.availability = 'online' \
         GROUP BY u.id, u.max_open_tickets \
         HAVING COUNT(t.id) < u.max_open_tickets \
         ORDER BY COUNT(t.id), u.id LIMIT 1",
        placeholders[0], placeholders[1]
    );
    Statement::from_sql_and_values(backend, sql, [tenant_id.into(), department_id.into()])
}

/// Assigns a ticket to a staff member, or unassigns it with `None`. Admins and managers
/// assign anyone; agents only take an unassigned ticket or let their own go, never a
/// colleague's.
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
    if !actor.is_supervisor() && found.assignee_id.is_some_and(|id| id != actor.user_id) {
        return Err(DomainError::Forbidden(
            "this ticket is a colleague's: ask them or a manager".into(),
        ));
    }
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
    let txn = svc.begin().await?;
    ticket::Entity::update_many()
        .col_expr(ticket::Column::AssigneeId, Expr::value(assignee_id))
        .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
        .filter(ticket::Column::Id.eq(found.id))
        .exec(&txn)
        .await?;
    record_event(
        &txn,
        &found,
        actor,
        TicketEventKind::Assigned,
        &Change::Assignee {
            from: found.assignee_id,
            to: assignee_id,
        },
        now,
    )
    .await?;
    // The new assignee hears of it, unless they took it themselves.
    let mut told = Vec::new();
    if let Some(assignee) =
        assignee_id.filter(|id| *id != actor.user_id && Some(*id) != found.assignee_id)
    {
        let by = user::Entity::find_by_id(actor.user_id)
            .one(&txn)
            .await?
            .map(|u| u.display_name)
            .unwrap_or_default();
        told = crate::notifications::announce(
            svc,
            &txn,
            found.tenant_id,
            &[assignee],
            &crate::notifications::Announcement {
                kind: NotificationKind::TicketAssigned,
                notice: Notice::AssignedToYou {
                    number: &found.number,
                    subject: &found.subject,
                    by: &by,
                },
                ticket: Some(&found),
                author_id: Some(actor.user_id),
            },
            now,
        )
        .await?;
    }
    commit_and_publish_notifying(svc, txn, found.id, LiveEventKind::TicketAssigned, told).await
}
