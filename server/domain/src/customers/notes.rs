//! Notes and logged activities (calls, e-mails, meetings) on a customer.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::enums::{ActivityKind, Channel};
use entity::{customer, customer_activity, customer_note};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::{clean, find_customer, publish_customer};
use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::events::LiveEventKind;
use crate::permissions::Permission;
use crate::Services;

/// Adds a note to a customer.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`];
/// [`DomainError::Validation`] for an empty note.
pub async fn add_note(
    svc: &Services,
    actor: &Actor,
    customer_id: i64,
    content: &str,
) -> DomainResult<customer_note::Model> {
    actor.require(Permission::WriteCrm)?;
    let content = content.trim();
    if content.is_empty() {
        return Err(DomainError::validation("content", "a note cannot be empty"));
    }
    let found = find_customer(&svc.db, actor.tenant_id, customer_id).await?;
    let note = customer_note::ActiveModel {
        tenant_id: Set(actor.tenant_id),
        customer_id: Set(found.id),
        content: Set(content.to_owned()),
        created_by: Set(Some(actor.user_id)),
        metadata: Set(None),
        created_at: Set(svc.now()),
        ..Default::default()
    }
    .insert(&svc.db)
    .await?;
    publish_customer(svc, &found, LiveEventKind::CustomerUpdated).await;
    Ok(note)
}

/// An interaction to log on a customer's timeline.
#[derive(Debug, Clone)]
pub struct NewActivity {
    /// What happened.
    pub kind: ActivityKind,
    /// Through which channel.
    pub channel: Option<Channel>,
    /// A few words.
    pub description: Option<String>,
    /// Free JSON (message ids and the like).
    pub metadata: Option<serde_json::Value>,
    /// When; now by default.
    pub occurred_at: Option<DateTime<Utc>>,
}

/// Logs an interaction with a customer and moves its last contact forward.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`];
/// [`DomainError::Validation`] for a date in the future.
pub async fn log_activity(
    svc: &Services,
    actor: &Actor,
    customer_id: i64,
    input: NewActivity,
) -> DomainResult<customer_activity::Model> {
    actor.require(Permission::WriteCrm)?;
    let now = svc.now();
    if input.occurred_at.is_some_and(|at| at > now) {
        return Err(DomainError::validation(
            "occurredAt",
            "an activity cannot be in the future",
        ));
    }
    let found = find_customer(&svc.db, actor.tenant_id, customer_id).await?;
    let txn = svc.begin().await?;
    let activity = insert_activity(&txn, &found, Some(actor.user_id), input, now).await?;
    txn.commit().await?;
    publish_customer(svc, &found, LiveEventKind::CustomerUpdated).await;
    Ok(activity)
}

/// Inserts an activity and moves `last_contact_at` forward (never backward), in the
/// caller's transaction.
pub(crate) async fn insert_activity(
    db: &impl ConnectionTrait,
    customer: &customer::Model,
    created_by: Option<i64>,
    input: NewActivity,
    now: DateTime<Utc>,
) -> DomainResult<customer_activity::Model> {
    let occurred_at = input.occurred_at.unwrap_or(now);
    let activity = customer_activity::ActiveModel {
        tenant_id: Set(customer.tenant_id),
        customer_id: Set(customer.id),
        kind: Set(input.kind),
        channel: Set(input.channel),
        description: Set(clean(input.description)),
        metadata: Set(input.metadata),
        created_by: Set(created_by),
        occurred_at: Set(occurred_at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    customer::Entity::update_many()
        .col_expr(customer::Column::LastContactAt, Expr::value(occurred_at))
        .col_expr(customer::Column::UpdatedAt, Expr::value(now))
        .filter(customer::Column::Id.eq(customer.id))
        .filter(
            Condition::any()
                .add(customer::Column::LastContactAt.is_null())
                .add(customer::Column::LastContactAt.lt(occurred_at)),
        )
        .exec(db)
        .await?;
    Ok(activity)
}

/// Counts rows per customer of a CRM table, in one grouped statement.
pub(super) async fn counts_by_customer<E>(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    customer_ids: &[i64],
    tenant_col: E::Column,
    customer_col: E::Column,
    id_col: E::Column,
) -> DomainResult<HashMap<i64, i64>>
where
    E: EntityTrait,
{
    let rows: Vec<(i64, i64)> = E::find()
        .select_only()
        .column(customer_col)
        .column_as(id_col.count(), "count")
        .filter(tenant_col.eq(tenant_id))
        .filter(customer_col.is_in(customer_ids.iter().copied()))
        .group_by(customer_col)
        .into_tuple()
        .all(db)
        .await?;
    let mut counts: HashMap<i64, i64> = customer_ids.iter().map(|id| (*id, 0)).collect();
    counts.extend(rows);
    Ok(counts)
}

/// Number of notes per customer (zero included), in one statement.
///
/// # Errors
///
/// Database errors.
pub async fn note_counts(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    customer_ids: &[i64],
) -> DomainResult<HashMap<i64, i64>> {
    counts_by_customer::<customer_note::Entity>(
        db,
        tenant_id,
        customer_ids,
        customer_note::Column::TenantId,
        customer_note::Column::CustomerId,
        customer_note::Column::Id,
    )
    .await
}

/// Number of activities per customer (zero included), in one statement.
///
/// # Errors
///
/// Database errors.
pub async fn activity_counts(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    customer_ids: &[i64],
) -> DomainResult<HashMap<i64, i64>> {
    counts_by_customer::<customer_activity::Entity>(
        db,
        tenant_id,
        customer_ids,
        customer_activity::Column::TenantId,
        customer_activity::Column::CustomerId,
        customer_activity::Column::Id,
    )
    .await
}

/// The notes of several customers, newest first, in one statement.
///
/// # Errors
///
/// Database errors.
pub async fn notes_of_customers(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    customer_ids: &[i64],
) -> DomainResult<HashMap<i64, Vec<customer_note::Model>>> {
    let rows = customer_note::Entity::find()
        .filter(customer_note::Column::TenantId.eq(tenant_id))
        .filter(customer_note::Column::CustomerId.is_in(customer_ids.iter().copied()))
        .order_by_desc(customer_note::Column::CreatedAt)
        .order_by_desc(customer_note::Column::Id)
        .all(db)
        .await?;
    Ok(crate::tickets::group_by_ticket(customer_ids, rows, |n| {
        n.customer_id
    }))
}
