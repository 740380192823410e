//! Which rows a caller may reach: the one tenant-scoped lookup every domain function uses
//! for "this id, in my tenant", and the one condition that says which tickets an actor may
//! see (listings, loaders, search, subscriptions and downloads alike).

use std::collections::HashMap;

use entity::{
    api_token, attachment, budget, customer, department, integration, lead, meeting, message,
    ticket, user,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, Iterable, PrimaryKeyToColumn,
    PrimaryKeyTrait, QueryFilter,
};

use entity::enums::Visibility;

use super::actor::Actor;
use super::error::{DomainError, DomainResult};

/// A table whose rows belong to one tenant.
pub trait TenantScoped: EntityTrait {
    /// What a missing row is called in [`DomainError::NotFound`].
    const NOUN: &'static str;
    /// The `tenant_id` column.
    fn tenant_column() -> Self::Column;
    /// A row's id.
    fn id_of(model: &Self::Model) -> i64;
}

macro_rules! tenant_scoped {
    ($($module:ident => $noun:literal),+ $(,)?) => {
        $(
            impl TenantScoped for $module::Entity {
                const NOUN: &'static str = $noun;
                fn tenant_column() -> Self::Column {
                    $module::Column::TenantId
                }
                fn id_of(model: &Self::Model) -> i64 {
                    model.id
                }
            }
        )+
    };
}

tenant_scoped!(
    api_token => "API token",
    attachment => "attachment",
    budget => "budget",
    customer => "customer",
    department => "department",
    integration => "integration",
    lead => "lead",
    meeting => "meeting",
    message => "message",
    ticket => "ticket",
    user => "user",
);

/// The row `id` of `E` in `tenant_id`, or `None`: a row of another tenant is a missing row.
///
/// # Errors
///
/// Database errors.
pub async fn find_in_tenant_opt<E>(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    id: i64,
) -> DomainResult<Option<E::Model>>
where
    E: TenantScoped,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
{
    Ok(E::find_by_id(id)
        .filter(E::tenant_column().eq(tenant_id))
        .one(db)
        .await?)
}

/// The row `id` of `E` in `tenant_id`.
///
/// # Errors
///
/// [`DomainError::NotFound`] when it does not exist or belongs to another tenant.
pub async fn find_in_tenant<E>(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    id: i64,
) -> DomainResult<E::Model>
where
    E: TenantScoped,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
{
    find_in_tenant_opt::<E>(db, tenant_id, id)
        .await?
        .ok_or(DomainError::NotFound(E::NOUN))
}

/// The rows of `E` among `ids` that belong to `tenant_id`, by id: one statement for a batch
/// (loaders, exports).
///
/// # Errors
///
/// Database errors.
pub async fn find_many_in_tenant<E>(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    ids: impl IntoIterator<Item = i64>,
) -> DomainResult<HashMap<i64, E::Model>>
where
    E: TenantScoped,
{
    let Some(key) = E::PrimaryKey::iter().next() else {
        return Ok(HashMap::new());
    };
    let rows = E::find()
        .filter(E::tenant_column().eq(tenant_id))
        .filter(key.into_column().is_in(ids))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|row| (E::id_of(&row), row)).collect())
}

/// The tickets among `ids` that `actor` may see, by id: one statement for a batch.
///
/// # Errors
///
/// Database errors.
pub async fn find_visible_tickets(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: impl IntoIterator<Item = i64>,
) -> DomainResult<HashMap<i64, ticket::Model>> {
    let rows = ticket::Entity::find()
        .filter(visible_tickets(actor))
        .filter(ticket::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|row| (row.id, row)).collect())
}

/// The tickets `actor` may see: its tenant's, and for a customer only their own.
#[must_use]
pub fn visible_tickets(actor: &Actor) -> Condition {
    let condition = Condition::all().add(ticket::Column::TenantId.eq(actor.tenant_id));
    if actor.is_staff() {
        condition
    } else {
        condition.add(ticket::Column::CustomerId.eq(actor.customer_id.unwrap_or(-1)))
    }
}

/// Whether `actor` may see `found`: [`visible_tickets`] for a row already loaded (live
/// events load a changed ticket once for all subscribers). A test holds the two together.
#[must_use]
pub fn may_see_ticket(actor: &Actor, found: &ticket::Model) -> bool {
    found.tenant_id == actor.tenant_id
        && (actor.is_staff() || actor.customer_id == Some(found.customer_id))
}

/// The messages `actor` may read, of tickets it may see: internal notes are for staff.
#[must_use]
pub fn visible_messages(actor: &Actor) -> Condition {
    let condition = Condition::all().add(message::Column::TenantId.eq(actor.tenant_id));
    if actor.is_staff() {
        condition
    } else {
        condition.add(message::Column::Visibility.eq(Visibility::Public))
    }
}

/// Whether `actor` may read `found`, a message of a ticket it may see: [`visible_messages`]
/// for a row already loaded.
#[must_use]
pub fn may_read_message(actor: &Actor, found: &message::Model) -> bool {
    found.tenant_id == actor.tenant_id
        && (actor.is_staff() || found.visibility == Visibility::Public)
}

/// The ticket `id` if `actor` may see it. No permission check: the caller has required
/// the permission of its operation.
///
/// # Errors
///
/// [`DomainError::NotFound`] when it does not exist or is not visible to the actor.
pub async fn find_visible_ticket(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> DomainResult<ticket::Model> {
    ticket::Entity::find_by_id(id)
        .filter(visible_tickets(actor))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("ticket"))
}
