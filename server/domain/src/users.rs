//! Users of a tenant: staff (admin, manager, agent) and customers who sign in.

use chrono::{DateTime, Utc};
use entity::enums::{Availability, DepartmentKind, Role};
use entity::{department, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::actor::Actor;
use super::auth::validate_password;
use super::error::{DomainError, DomainResult};
use super::permissions::Permission;
use super::scope::{find_in_tenant, find_in_tenant_opt};
use super::tenants::normalize_email;

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Sign-in address, unique in the tenant.
    pub email: String,
    /// Initial password; `None` for accounts that never sign in with one.
    pub password: Option<String>,
    /// Name shown to others.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Department (staff).
    pub department: Option<DepartmentKind>,
    /// The CRM customer this account is (customers).
    pub customer_id: Option<i64>,
    /// How many open tickets the agent may hold.
    pub max_open_tickets: i32,
}

/// Creates a user in the actor's tenant. Only admins may.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for non-admins; [`DomainError::Validation`] for a bad e-mail,
/// a weak password or a customer account without customer; [`DomainError::Conflict`] for a
/// duplicate e-mail.
pub async fn create_user(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: NewUser,
    now: DateTime<Utc>,
) -> DomainResult<user::Model> {
    actor.require(Permission::ManageUsers)?;
    insert_user(db, actor.tenant_id, input, now).await
}

/// Creates a user without an actor: for the CLI and the seeds, which act as the operator.
///
/// # Errors
///
/// As [`create_user`], without the role check.
pub async fn insert_user(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    input: NewUser,
    now: DateTime<Utc>,
) -> DomainResult<user::Model> {
    let email = normalize_email(&input.email)?;
    let display_name = input.display_name.trim().to_owned();
    if display_name.is_empty() {
        return Err(DomainError::validation("displayName", "a name is required"));
    }
    if input.role == Role::Customer && input.customer_id.is_none() {
        return Err(DomainError::validation(
            "customerId",
            "a customer account must be linked to a customer",
        ));
    }
    let password_hash = match input.password.as_deref() {
        Some(password) => {
            validate_password(password)?;
            Some(crate::auth::hash_off_workers(password).await?)
        }
        None => None,
    };
    let department_id = match input.department {
        Some(kind) => Some(
            department::Entity::find()
                .filter(department::Column::TenantId.eq(tenant_id))
                .filter(department::Column::Kind.eq(kind))
                .one(db)
                .await?
                .ok_or(DomainError::NotFound("department"))?
                .id,
        ),
        None => None,
    };
    let model = user::ActiveModel {
        tenant_id: Set(tenant_id),
        email: Set(email),
        password_hash: Set(password_hash),
        display_name: Set(display_name),
        role: Set(input.role),
        department_id: Set(department_id),
        customer_id: Set(input.customer_id),
        availability: Set(Availability::Online),
        max_open_tickets: Set(input.max_open_tickets),
        locale: Set("fr".to_owned()),
        is_active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(model)
}

/// Staff who can be assigned tickets, by name.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers.
pub async fn list_agents(
    db: &impl ConnectionTrait,
    actor: &Actor,
) -> DomainResult<Vec<user::Model>> {
    actor.require(Permission::ViewTeam)?;
    Ok(user::Entity::find()
        .filter(user::Column::TenantId.eq(actor.tenant_id))
        .filter(user::Column::IsActive.eq(true))
        .filter(user::Column::Role.is_in([Role::Admin, Role::Manager, Role::Agent]))
        .order_by_asc(user::Column::DisplayName)
        .all(db)
        .await?)
}

/// The caller's own user row.
///
/// # Errors
///
/// [`DomainError::NotFound`] if it disappeared since authentication.
pub async fn get_me(db: &impl ConnectionTrait, actor: &Actor) -> DomainResult<user::Model> {
    actor.require(Permission::ViewOwnAccount)?;
    find_in_tenant::<user::Entity>(db, actor.tenant_id, actor.user_id).await
}

/// A user of tenant `tenant_id`, if there is one with that id.
///
/// # Errors
///
/// Database errors.
pub async fn get_user_in_tenant(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    user_id: i64,
) -> DomainResult<Option<user::Model>> {
    find_in_tenant_opt::<user::Entity>(db, tenant_id, user_id).await
}

/// A change an admin makes to a colleague's access.
#[derive(Debug, Clone, Copy, Default)]
pub struct AccessChange {
    /// Deactivate (`false`) or reactivate (`true`) the account.
    pub active: Option<bool>,
    /// The new role (staff roles only).
    pub role: Option<Role>,
}

/// Deactivates, reactivates or changes the role of a user of the admin's tenant. A
/// deactivated user's sessions end, and every open connection of the user, on every
/// instance, checks its credential again at once: it closes when deactivated or when the
/// role changed (the client signs in again and gets what the new role allows).
///
/// # Errors
///
/// [`DomainError::Forbidden`] for non-admins; [`DomainError::NotFound`] for a user of another
/// tenant; [`DomainError::Validation`] for a change of one's own access, or to or from the
/// customer role (a customer account is tied to its CRM customer).
pub async fn change_user_access(
    svc: &crate::Services,
    actor: &Actor,
    user_id: i64,
    change: AccessChange,
) -> DomainResult<user::Model> {
    actor.require(Permission::ManageUsers)?;
    if user_id == actor.user_id {
        return Err(DomainError::validation(
            "id",
            "you cannot deactivate yourself or change your own role: ask another administrator",
        ));
    }
    let txn = svc.begin().await?;
    let found = find_in_tenant::<user::Entity>(&txn, actor.tenant_id, user_id).await?;
    if let Some(role) = change.role {
        if (role == Role::Customer) != (found.role == Role::Customer) {
            return Err(DomainError::validation(
                "role",
                "a staff account cannot become a customer account, nor the reverse",
            ));
        }
    }
    let now = svc.now();
    let deactivated = change.active == Some(false) && found.is_active;
    let changed_role = change.role.is_some_and(|role| role != found.role);
    let mut active: user::ActiveModel = found.into();
    if let Some(is_active) = change.active {
        active.is_active = Set(is_active);
    }
    if let Some(role) = change.role {
        active.role = Set(role);
    }
    active.updated_at = Set(now);
    let updated = active.update(&txn).await?;
    if deactivated {
        crate::sessions::end_sessions(&txn, updated.tenant_id, updated.id, now).await?;
    }
    txn.commit().await?;
    if deactivated || changed_role {
        crate::sessions::announce(svc, updated.tenant_id, updated.id).await;
    }
    Ok(updated)
}
