//! In-app notifications: the bell in the SPA's header.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::enums::{NotificationKind, Role};
use entity::{notification, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::actor::Actor;
use super::error::DomainResult;
use super::notices::{Lang, Notice, Wording};
use super::permissions::Permission;
use super::Services;

/// A notification to send to some users of a tenant.
#[derive(Debug, Clone)]
pub struct NewNotification<'a> {
    /// What it is about.
    pub kind: NotificationKind,
    /// The facts, worded for each recipient in their language.
    pub notice: Notice<'a>,
    /// The ticket concerned, if any.
    pub ticket_id: Option<i64>,
}

/// Stores `notification` for each of `user_ids` (duplicates ignored), worded in each
/// recipient's language.
///
/// # Errors
///
/// Database errors.
pub async fn notify_users(
    db: &impl ConnectionTrait,
    wording: &dyn Wording,
    tenant_id: i64,
    user_ids: &[i64],
    notification: &NewNotification<'_>,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let mut seen = std::collections::BTreeSet::new();
    let ids: Vec<i64> = user_ids
        .iter()
        .copied()
        .filter(|id| seen.insert(*id))
        .collect();
    let languages = languages_of(db, tenant_id, &ids).await?;
    for user_id in ids {
        let lang = languages.get(&user_id).copied().unwrap_or_default();
        let said = wording.word(&notification.notice, lang);
        notification::ActiveModel {
            tenant_id: Set(tenant_id),
            user_id: Set(user_id),
            kind: Set(notification.kind),
            title: Set(said.title),
            body: Set(said.body),
            ticket_id: Set(notification.ticket_id),
            read_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The language of each of `user_ids` (from their locale), in one statement.
///
/// # Errors
///
/// Database errors.
pub async fn languages_of(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    user_ids: &[i64],
) -> DomainResult<HashMap<i64, Lang>> {
    if user_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::Locale)
        .filter(user::Column::TenantId.eq(tenant_id))
        .filter(user::Column::Id.is_in(user_ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, locale)| (id, Lang::of_locale(&locale)))
        .collect())
}

/// The language to write to a customer in: the locale of their first active portal
/// account, else the default.
///
/// # Errors
///
/// Database errors.
pub async fn customer_language(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    customer_id: i64,
) -> DomainResult<Lang> {
    let locale: Option<String> = user::Entity::find()
        .select_only()
        .column(user::Column::Locale)
        .filter(user::Column::TenantId.eq(tenant_id))
        .filter(user::Column::CustomerId.eq(customer_id))
        .filter(user::Column::IsActive.eq(true))
        .order_by_asc(user::Column::Id)
        .into_tuple()
        .one(db)
        .await?;
    Ok(locale.map(|l| Lang::of_locale(&l)).unwrap_or_default())
}

/// The active admins and managers of a tenant: who hears of escalations.
///
/// # Errors
///
/// Database errors.
pub async fn supervisors(db: &impl ConnectionTrait, tenant_id: i64) -> DomainResult<Vec<i64>> {
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::TenantId.eq(tenant_id))
        .filter(user::Column::IsActive.eq(true))
        .filter(user::Column::Role.is_in([Role::Admin, Role::Manager]))
        .into_tuple()
        .all(db)
        .await?)
}

/// The user accounts of a CRM customer (who receives customer-side notifications).
///
/// # Errors
///
/// Database errors.
pub async fn customer_accounts(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    customer_id: i64,
) -> DomainResult<Vec<i64>> {
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::TenantId.eq(tenant_id))
        .filter(user::Column::CustomerId.eq(customer_id))
        .filter(user::Column::IsActive.eq(true))
        .into_tuple()
        .all(db)
        .await?)
}

/// The caller's notifications, newest first.
///
/// # Errors
///
/// Database errors.
pub async fn list_notifications(
    svc: &Services,
    actor: &Actor,
    unread_only: bool,
    limit: u64,
) -> DomainResult<Vec<notification::Model>> {
    actor.require(Permission::ViewOwnAccount)?;
    let mut query = notification::Entity::find()
        .filter(notification::Column::TenantId.eq(actor.tenant_id))
        .filter(notification::Column::UserId.eq(actor.user_id));
    if unread_only {
        query = query.filter(notification::Column::ReadAt.is_null());
    }
    Ok(query
        .order_by_desc(notification::Column::Id)
        .limit(limit)
        .all(&svc.db)
        .await?)
}

/// How many of the caller's notifications are unread.
///
/// # Errors
///
/// Database errors.
pub async fn unread_count(svc: &Services, actor: &Actor) -> DomainResult<u64> {
    actor.require(Permission::ViewOwnAccount)?;
    Ok(notification::Entity::find()
        .filter(notification::Column::TenantId.eq(actor.tenant_id))
        .filter(notification::Column::UserId.eq(actor.user_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(&svc.db)
        .await?)
}

/// Marks the caller's notifications read: those in `ids`, or all when `ids` is `None`.
/// Returns how many changed.
///
/// # Errors
///
/// [`super::DomainError::Forbidden`] for a token without the `write` scope; database
/// errors.
pub async fn mark_read(svc: &Services, actor: &Actor, ids: Option<&[i64]>) -> DomainResult<u64> {
    actor.require(Permission::UpdateOwnAccount)?;
    let mut update = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Some(svc.now())))
        .filter(notification::Column::TenantId.eq(actor.tenant_id))
        .filter(notification::Column::UserId.eq(actor.user_id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(ids) = ids {
        update = update.filter(notification::Column::Id.is_in(ids.iter().copied()));
    }
    Ok(update.exec(&svc.db).await?.rows_affected)
}
