//! Notifications: who hears of what ([`announce`]), by which ways ([`preferences`]), the
//! daily digest ([`digest`]), and the bell in the SPA's header.

mod announce;
pub mod digest;
pub mod preferences;

pub use announce::{announce, department_staff, mentioned_staff, mentions, Announcement, Audience};

use std::collections::HashMap;

use entity::enums::Role;
use entity::{notification, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::actor::Actor;
use super::error::DomainResult;
use super::events::{LiveEvent, LiveEventKind};
use super::notices::Lang;
use super::permissions::Permission;
use super::Services;

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
    let changed = update.exec(&svc.db).await?.rows_affected;
    if changed > 0 {
        // The user's other tabs and devices update their bell.
        svc.events
            .publish(LiveEvent {
                tenant_id: actor.tenant_id,
                kind: LiveEventKind::BellChanged,
                ticket_id: None,
                message_id: None,
                lead_id: None,
                customer_id: None,
                notified: vec![actor.user_id],
                crossed: None,
            })
            .await;
    }
    Ok(changed)
}
