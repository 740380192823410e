//! SLA clocks: breach detection with escalation, and the pause while a ticket waits on its
//! customer.
//!
//! Deadlines are counted in the tenant's business hours (`calendar`; around the clock by
//! default). A breach is
//! recorded exactly once per ticket and deadline, even when several instances run the job
//! at the same moment: the flag is set by a conditional `UPDATE … WHERE …_breached = false`
//! and the rest (history, escalation, notifications) happens only in the transaction that
//! flipped it.

use chrono::{DateTime, Utc};
use entity::enums::{NotificationKind, TicketEventKind, TicketPriority, TicketStatus};
use entity::{ticket, ticket_event};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Select,
};

use super::error::DomainResult;
use super::notices::Notice;
use super::notifications::{announce, supervisors, Announcement};
use super::tickets::{Change, SlaDeadline};
use super::Services;
use crate::events::{LiveEvent, LiveEventKind};

/// What one run of the breach check did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SlaReport {
    /// Deadlines about to pass, newly warned about.
    pub warnings: usize,
    /// First-response deadlines newly breached.
    pub response_breaches: usize,
    /// Resolution deadlines newly breached.
    pub resolution_breaches: usize,
}

/// The next priority up, if any.
#[must_use]
pub const fn escalated(priority: TicketPriority) -> Option<TicketPriority> {
    match priority {
        TicketPriority::Low => Some(TicketPriority::Normal),
        TicketPriority::Normal => Some(TicketPriority::High),
        TicketPriority::High => Some(TicketPriority::Urgent),
        TicketPriority::Urgent => None,
    }
}

/// Finds deadlines passed since the last run, in every tenant, and for each: flags it,
/// records it in the history, raises the priority one step and notifies the assignee and
/// the tenant's supervisors. Tickets waiting on their customer (pending) are paused.
///
/// # Errors
///
/// Database errors.
pub async fn check_sla_breaches(svc: &Services) -> DomainResult<SlaReport> {
    let now = svc.now();
    let mut changed = Vec::new();
    let mut report = SlaReport {
        warnings: warn_before_breaches(svc, now, &mut changed).await?,
        ..SlaReport::default()
    };
    let candidates = breach_candidates(now).all(&svc.db).await?;
    for found in candidates {
        let response_due = found.first_response_at.is_none()
            && !found.response_breached
            && found.response_due_at.is_some_and(|d| d <= now);
        if response_due
            && record_breach(svc, &found, SlaDeadline::Response, now, &mut changed).await?
        {
            report.response_breaches += 1;
        }
        if !found.resolution_breached && found.resolution_due_at.is_some_and(|d| d <= now) {
            // Reload: the response breach may just have raised the priority.
            let current = ticket::Entity::find_by_id(found.id).one(&svc.db).await?;
            if let Some(current) = current {
                if record_breach(svc, &current, SlaDeadline::Resolution, now, &mut changed).await? {
                    report.resolution_breaches += 1;
                }
            }
        }
    }
    svc.events.publish_batch(changed).await;
    Ok(report)
}

/// The tickets of every tenant whose response or resolution deadline has passed and is
/// not recorded yet, oldest first, 500 at a time: read through the index on the status,
/// so a pass costs the open tickets, not the history.
#[must_use]
pub fn breach_candidates(now: DateTime<Utc>) -> Select<ticket::Entity> {
    let open = [TicketStatus::New, TicketStatus::Open];
    ticket::Entity::find()
        .filter(ticket::Column::Status.is_in(open))
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(ticket::Column::ResponseBreached.eq(false))
                        .add(ticket::Column::FirstResponseAt.is_null())
                        .add(ticket::Column::ResponseDueAt.lte(now)),
                )
                .add(
                    Condition::all()
                        .add(ticket::Column::ResolutionBreached.eq(false))
                        .add(ticket::Column::ResolutionDueAt.lte(now)),
                ),
        )
        .order_by_asc(ticket::Column::Id)
        .limit(500)
}

/// The tickets of every tenant with a deadline passing between `now` and `soon` and not
/// warned about yet, oldest first, 500 at a time (through the index on the status).
#[must_use]
pub fn warning_candidates(now: DateTime<Utc>, soon: DateTime<Utc>) -> Select<ticket::Entity> {
    ticket::Entity::find()
        .filter(ticket::Column::Status.is_in([TicketStatus::New, TicketStatus::Open]))
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(ticket::Column::ResponseWarned.eq(false))
                        .add(ticket::Column::FirstResponseAt.is_null())
                        .add(ticket::Column::ResponseDueAt.gt(now))
                        .add(ticket::Column::ResponseDueAt.lte(soon)),
                )
                .add(
                    Condition::all()
                        .add(ticket::Column::ResolutionWarned.eq(false))
                        .add(ticket::Column::ResolutionDueAt.gt(now))
                        .add(ticket::Column::ResolutionDueAt.lte(soon)),
                ),
        )
        .order_by_asc(ticket::Column::Id)
        .limit(500)
}

/// How long before a deadline the team is warned.
pub const WARNING_WINDOW_MINUTES: i64 = 60;

/// Warns the assignee (or, for unassigned tickets, the supervisors) once per deadline that
/// passes within [`WARNING_WINDOW_MINUTES`].
async fn warn_before_breaches(
    svc: &Services,
    now: DateTime<Utc>,
    changed: &mut Vec<LiveEvent>,
) -> DomainResult<usize> {
    let soon = now + chrono::Duration::minutes(WARNING_WINDOW_MINUTES);
    let candidates = warning_candidates(now, soon).all(&svc.db).await?;
    let mut warned = 0;
    for found in candidates {
        let due_soon = |due: Option<DateTime<Utc>>| due.is_some_and(|d| d > now && d <= soon);
        if !found.response_warned
            && found.first_response_at.is_none()
            && due_soon(found.response_due_at)
            && record_warning(svc, &found, SlaDeadline::Response, now, changed).await?
        {
            warned += 1;
        }
        if !found.resolution_warned
            && due_soon(found.resolution_due_at)
            && record_warning(svc, &found, SlaDeadline::Resolution, now, changed).await?
        {
            warned += 1;
        }
    }
    Ok(warned)
}

async fn record_warning(
    svc: &Services,
    found: &ticket::Model,
    deadline: SlaDeadline,
    now: DateTime<Utc>,
    changed: &mut Vec<LiveEvent>,
) -> DomainResult<bool> {
    let flag = match deadline {
        SlaDeadline::Response => ticket::Column::ResponseWarned,
        SlaDeadline::Resolution => ticket::Column::ResolutionWarned,
    };
    let txn = svc.begin().await?;
    let flipped = ticket::Entity::update_many()
        .col_expr(flag, Expr::value(true))
        .filter(ticket::Column::Id.eq(found.id))
        .filter(flag.eq(false))
        .exec(&txn)
        .await?
        .rows_affected;
    if flipped == 0 {
        return Ok(false);
    }
    system_event(
        &txn,
        found,
        TicketEventKind::SlaWarning,
        &Change::Deadline { deadline },
        now,
    )
    .await?;
    let recipients = match found.assignee_id {
        Some(assignee) => vec![assignee],
        None => supervisors(&txn, found.tenant_id).await?,
    };
    let told = announce(
        svc,
        &txn,
        found.tenant_id,
        &recipients,
        &Announcement {
            kind: NotificationKind::SlaWarning,
            notice: Notice::SlaWarning {
                number: &found.number,
                subject: &found.subject,
                deadline,
            },
            ticket: Some(found),
            author_id: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    // The ticket shows the warning's chip; the told see it in their bell.
    changed.push(
        LiveEvent::ticket(
            found.tenant_id,
            LiveEventKind::TicketUpdated,
            found.id,
            None,
        )
        .notifying(told),
    );
    Ok(true)
}

async fn record_breach(
    svc: &Services,
    found: &ticket::Model,
    deadline: SlaDeadline,
    now: DateTime<Utc>,
    changed: &mut Vec<LiveEvent>,
) -> DomainResult<bool> {
    let flag = match deadline {
        SlaDeadline::Response => ticket::Column::ResponseBreached,
        SlaDeadline::Resolution => ticket::Column::ResolutionBreached,
    };
    let txn = svc.begin().await?;
    let flipped = ticket::Entity::update_many()
        .col_expr(flag, Expr::value(true))
        .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
        .filter(ticket::Column::Id.eq(found.id))
        .filter(flag.eq(false))
        .exec(&txn)
        .await?
        .rows_affected;
    if flipped == 0 {
        // Another run got there first.
        return Ok(false);
    }
    system_event(
        &txn,
        found,
        TicketEventKind::SlaBreached,
        &Change::Deadline { deadline },
        now,
    )
    .await?;
    if let Some(higher) = escalated(found.priority) {
        ticket::Entity::update_many()
            .col_expr(ticket::Column::Priority, Expr::value(higher))
            .filter(ticket::Column::Id.eq(found.id))
            .exec(&txn)
            .await?;
        system_event(
            &txn,
            found,
            TicketEventKind::Escalated,
            &Change::Priority {
                from: found.priority,
                to: higher,
            },
            now,
        )
        .await?;
    }
    let mut recipients = supervisors(&txn, found.tenant_id).await?;
    recipients.extend(found.assignee_id);
    let told = announce(
        svc,
        &txn,
        found.tenant_id,
        &recipients,
        &Announcement {
            kind: NotificationKind::SlaBreached,
            notice: Notice::SlaBreached {
                number: &found.number,
                subject: &found.subject,
                deadline,
            },
            ticket: Some(found),
            author_id: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    changed.push(
        LiveEvent::ticket(
            found.tenant_id,
            LiveEventKind::TicketUpdated,
            found.id,
            None,
        )
        .notifying(told),
    );
    Ok(true)
}

/// Records a history entry made by the system (no actor).
pub(crate) async fn system_event(
    db: &impl ConnectionTrait,
    found: &ticket::Model,
    kind: TicketEventKind,
    change: &Change,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    super::tickets::insert_history(db, found, None, kind, change, now).await
}

/// Pushes the open deadlines of a ticket leaving `pending` by the time it waited there, so
/// time spent waiting on the customer never counts against the team. Call inside the
/// transaction that moves the ticket out of pending.
///
/// # Errors
///
/// Database errors.
pub async fn resume_clock_after_pending(
    db: &impl ConnectionTrait,
    found: &ticket::Model,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let since = ticket_event::Entity::find()
        .filter(ticket_event::Column::TicketId.eq(found.id))
        .filter(ticket_event::Column::ToValue.eq(TicketStatus::Pending.as_str()))
        .filter(
            ticket_event::Column::Kind
                .is_in([TicketEventKind::StatusChanged, TicketEventKind::Reopened]),
        )
        .order_by_desc(ticket_event::Column::Id)
        .one(db)
        .await?;
    let Some(since) = since else { return Ok(()) };
    let paused_at = since.created_at;
    if now <= paused_at {
        return Ok(());
    }
    // Business time left when the ticket started waiting is what it has again from now.
    let calendar = super::calendar::calendar_of(db, found.tenant_id).await?;
    let resumed = |due: DateTime<Utc>| calendar.add(now, calendar.between(paused_at, due));
    let mut update = ticket::Entity::update_many().filter(ticket::Column::Id.eq(found.id));
    let mut changed = false;
    if let (Some(due), false) = (found.resolution_due_at, found.resolution_breached) {
        update = update.col_expr(
            ticket::Column::ResolutionDueAt,
            Expr::value(Some(resumed(due))),
        );
        changed = true;
    }
    if let (Some(due), None, false) = (
        found.response_due_at,
        found.first_response_at,
        found.response_breached,
    ) {
        update = update.col_expr(
            ticket::Column::ResponseDueAt,
            Expr::value(Some(resumed(due))),
        );
        changed = true;
    }
    if changed {
        update.exec(db).await?;
    }
    Ok(())
}
