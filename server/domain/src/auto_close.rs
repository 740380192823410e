//! Auto-close: a ticket waiting on its customer (pending or resolved) with no customer reply
//! for the tenant's `auto_close_days` (5 by default, 0 to disable) is closed, with a message
//! in its thread saying why; the customer is reminded a day before.
//!
//! The wait counts from when the ticket began to wait on its customer: the later of its
//! entering pending or resolved (`waiting_since`) and the last agent message, never from
//! `updated_at` (which system events touch). So a ticket resolved right after the
//! customer's "Merci !" closes too. A customer message newer than that stops it (and
//! reopens the ticket). Each step is a conditional update, so running the job twice, or on
//! two instances at once, acts once.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::enums::{
    AuthorKind, Channel, NotificationKind, TicketEventKind, TicketStatus, Visibility,
};
use entity::{message, tenant, ticket};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Select, Set,
};

use super::error::DomainResult;
use super::notices::{Medium, Notice};
use super::notifications::{announce, customer_accounts, customer_language, Announcement};
use super::sla::system_event;
use super::tickets::Change;
use super::Services;
use crate::events::{LiveEvent, LiveEventKind};

/// Days without customer reply before closing, when the tenant does not say.
pub const DEFAULT_AUTO_CLOSE_DAYS: i64 = 5;

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AutoCloseReport {
    /// Customers reminded that their ticket closes tomorrow.
    pub reminded: usize,
    /// Tickets closed.
    pub closed: usize,
}

fn auto_close_days(settings: &serde_json::Value) -> i64 {
    settings
        .get("auto_close_days")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(DEFAULT_AUTO_CLOSE_DAYS)
}

/// The tickets of every tenant waiting on their customer (pending or resolved) since
/// `cutoff` at least, with no customer message since, oldest first, 1 000 at a time:
/// read through the index on the status, so a pass costs the waiting tickets, not the
/// history.
#[must_use]
pub fn waiting_candidates(cutoff: DateTime<Utc>) -> Select<ticket::Entity> {
    ticket::Entity::find()
        .filter(ticket::Column::Status.is_in([TicketStatus::Pending, TicketStatus::Resolved]))
        .filter(
            Condition::any()
                .add(ticket::Column::WaitingSince.is_not_null())
                .add(ticket::Column::LastAgentMessageAt.is_not_null()),
        )
        .filter(
            Condition::any()
                .add(ticket::Column::WaitingSince.is_null())
                .add(ticket::Column::WaitingSince.lte(cutoff)),
        )
        .filter(
            Condition::any()
                .add(ticket::Column::LastAgentMessageAt.is_null())
                .add(ticket::Column::LastAgentMessageAt.lte(cutoff)),
        )
        .filter(
            Condition::any()
                .add(ticket::Column::LastCustomerMessageAt.is_null())
                .add(
                    Expr::col(ticket::Column::LastCustomerMessageAt)
                        .lt(Expr::col(ticket::Column::WaitingSince)),
                )
                .add(
                    Expr::col(ticket::Column::LastCustomerMessageAt)
                        .lt(Expr::col(ticket::Column::LastAgentMessageAt)),
                ),
        )
        .order_by_asc(ticket::Column::Id)
        .limit(1000)
}

/// Reminds and closes what is due, in every tenant.
///
/// # Errors
///
/// Database errors.
pub async fn run_auto_close(svc: &Services) -> DomainResult<AutoCloseReport> {
    let now = svc.now();
    let days: HashMap<i64, i64> = tenant::Entity::find()
        .all(&svc.db)
        .await?
        .into_iter()
        .map(|t| (t.id, auto_close_days(&t.settings)))
        .collect();
    // Waiting for a day at least (reminders come a day before closing), and no customer
    // message since it began to wait.
    let cutoff = now - Duration::days(1);
    let waiting = waiting_candidates(cutoff).all(&svc.db).await?;
    let mut report = AutoCloseReport::default();
    let mut changed = Vec::new();
    for found in waiting {
        let wait_days = days
            .get(&found.tenant_id)
            .copied()
            .unwrap_or(DEFAULT_AUTO_CLOSE_DAYS);
        let Some(since) = waiting_since(&found) else {
            continue;
        };
        if found.last_customer_message_at.is_some_and(|at| at >= since) {
            continue;
        }
        if wait_days <= 0 {
            continue;
        }
        let deadline = since + Duration::days(wait_days);
        if now >= deadline {
            if close(svc, &found, since, wait_days, now, &mut changed).await? {
                report.closed += 1;
            }
        } else if now >= deadline - Duration::days(1)
            && found.auto_close_reminded_at.is_none_or(|at| at < since)
            && remind(svc, &found, since, deadline, now, &mut changed).await?
        {
            report.reminded += 1;
        }
    }
    // One resync per tenant rather than a thousand events when a pass closes many.
    svc.events.publish_batch(changed).await;
    Ok(report)
}

/// When the ticket began to wait on its customer: the later of its entering pending or
/// resolved and the last agent message.
fn waiting_since(found: &ticket::Model) -> Option<DateTime<Utc>> {
    match (found.waiting_since, found.last_agent_message_at) {
        (Some(entered), Some(answered)) => Some(entered.max(answered)),
        (entered, answered) => entered.or(answered),
    }
}

/// Conditions under which the ticket is still waiting as read: same status, same start of
/// the wait, no newer customer reply.
fn still_waiting(found: &ticket::Model, since: DateTime<Utc>) -> Condition {
    let same = |column: ticket::Column, value: Option<DateTime<Utc>>| match value {
        Some(at) => column.eq(at),
        None => column.is_null(),
    };
    Condition::all()
        .add(ticket::Column::Id.eq(found.id))
        .add(ticket::Column::Status.eq(found.status))
        .add(same(ticket::Column::WaitingSince, found.waiting_since))
        .add(same(
            ticket::Column::LastAgentMessageAt,
            found.last_agent_message_at,
        ))
        .add(
            Condition::any()
                .add(ticket::Column::LastCustomerMessageAt.is_null())
                .add(ticket::Column::LastCustomerMessageAt.lt(since)),
        )
}

async fn system_message(
    db: &impl sea_orm::ConnectionTrait,
    found: &ticket::Model,
    body: String,
    now: DateTime<Utc>,
) -> DomainResult<message::Model> {
    Ok(message::ActiveModel {
        tenant_id: Set(found.tenant_id),
        ticket_id: Set(found.id),
        author_kind: Set(AuthorKind::System),
        author_user_id: Set(None),
        author_customer_id: Set(None),
        visibility: Set(Visibility::Public),
        body: Set(body),
        channel: Set(Channel::Web),
        external_id: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

async fn remind(
    svc: &Services,
    found: &ticket::Model,
    since: DateTime<Utc>,
    deadline: DateTime<Utc>,
    now: DateTime<Utc>,
    changed: &mut Vec<LiveEvent>,
) -> DomainResult<bool> {
    let txn = svc.begin().await?;
    let flipped = ticket::Entity::update_many()
        .col_expr(ticket::Column::AutoCloseRemindedAt, Expr::value(Some(now)))
        .filter(still_waiting(found, since))
        .filter(
            Condition::any()
                .add(ticket::Column::AutoCloseRemindedAt.is_null())
                .add(ticket::Column::AutoCloseRemindedAt.lt(since)),
        )
        .exec(&txn)
        .await?
        .rows_affected;
    if flipped == 0 {
        return Ok(false);
    }
    let notice = Notice::AutoCloseReminder {
        number: &found.number,
        subject: &found.subject,
        closes_at: deadline,
    };
    let lang = customer_language(&txn, found.tenant_id, found.customer_id).await?;
    let words = svc.words(&txn, found.tenant_id).await?;
    let said = words.word_for(&notice, lang, Medium::Email);
    let created = system_message(&txn, found, said.body.clone(), now).await?;
    let recipients = customer_accounts(&txn, found.tenant_id, found.customer_id).await?;
    let told = announce(
        svc,
        &txn,
        found.tenant_id,
        &recipients,
        &Announcement {
            kind: NotificationKind::System,
            notice: notice.clone(),
            ticket: Some(found),
            author_id: None,
        },
        now,
    )
    .await?;
    // Customers without a sign-in learn it by mail.
    let customer = entity::customer::Entity::find_by_id(found.customer_id)
        .one(&txn)
        .await?;
    if let Some(address) = customer
        .and_then(|c| c.email)
        .filter(|a| super::mail::is_mailable(a))
    {
        super::mail::queue_mail(&txn, found.tenant_id, &address, &said, now).await?;
    }
    txn.commit().await?;
    changed.push(
        LiveEvent::ticket(
            found.tenant_id,
            LiveEventKind::MessageAdded,
            found.id,
            Some(created.id),
        )
        .notifying(told),
    );
    Ok(true)
}

async fn close(
    svc: &Services,
    found: &ticket::Model,
    since: DateTime<Utc>,
    wait_days: i64,
    now: DateTime<Utc>,
    changed: &mut Vec<LiveEvent>,
) -> DomainResult<bool> {
    let txn = svc.begin().await?;
    let flipped = ticket::Entity::update_many()
        .col_expr(ticket::Column::Status, Expr::value(TicketStatus::Closed))
        .col_expr(
            ticket::Column::WaitingSince,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(ticket::Column::ClosedAt, Expr::value(Some(now)))
        .col_expr(ticket::Column::UpdatedAt, Expr::value(now))
        .filter(still_waiting(found, since))
        .exec(&txn)
        .await?
        .rows_affected;
    if flipped == 0 {
        return Ok(false);
    }
    let lang = customer_language(&txn, found.tenant_id, found.customer_id).await?;
    let said = svc
        .words(&txn, found.tenant_id)
        .await?
        .word(&Notice::AutoClosed { wait_days }, lang);
    let created = system_message(&txn, found, said.body, now).await?;
    system_event(
        &txn,
        found,
        TicketEventKind::AutoClosed,
        &Change::Status {
            from: Some(found.status),
            to: TicketStatus::Closed,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    changed.push(LiveEvent::ticket(
        found.tenant_id,
        LiveEventKind::TicketUpdated,
        found.id,
        None,
    ));
    changed.push(LiveEvent::ticket(
        found.tenant_id,
        LiveEventKind::MessageAdded,
        found.id,
        Some(created.id),
    ));
    Ok(true)
}
