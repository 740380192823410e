//! Tenants: creating one with everything it needs to work on day one.

use chrono::{DateTime, Utc};
use entity::enums::{Availability, DepartmentKind, Role, TicketType};
use entity::{department, sla_policy, tenant, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
};

use super::auth::validate_password;
use super::error::{DomainError, DomainResult};
use super::workflows::create_default_workflows;

/// What it takes to open a tenant.
#[derive(Debug, Clone)]
pub struct NewTenant {
    /// Display name, e.g. "Atelier Dupont".
    pub name: String,
    /// URL-safe identifier; derived from the name when `None`.
    pub slug: Option<String>,
    /// The first administrator's e-mail address.
    pub admin_email: String,
    /// The first administrator's password.
    pub admin_password: String,
    /// The first administrator's display name.
    pub admin_name: String,
}

/// Default SLA hours (response, resolution) per ticket type, from seed 003.
#[must_use]
pub const fn default_sla_hours(ticket_type: TicketType) -> (i32, i32) {
    match ticket_type {
        TicketType::Support => (8, 72),
        TicketType::Sales => (4, 48),
        TicketType::Inquiry => (8, 48),
    }
}

/// Turns a name into a slug: lowercase ASCII letters, digits and dashes.
#[must_use]
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.to_lowercase().chars() {
        let c = match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            other => other,
        };
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

/// Creates a tenant with its departments, default workflows, SLA policies and first
/// administrator, in one transaction.
///
/// # Errors
///
/// [`DomainError::Validation`] for an empty name, a bad e-mail or a weak password;
/// [`DomainError::Conflict`] when the slug is taken.
pub async fn create_tenant<C>(
    db: &C,
    input: NewTenant,
    now: DateTime<Utc>,
) -> DomainResult<(tenant::Model, user::Model)>
where
    C: ConnectionTrait + TransactionTrait,
{
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        return Err(DomainError::validation("name", "the tenant needs a name"));
    }
    let slug = input
        .slug
        .as_deref()
        .map_or_else(|| slugify(&name), slugify);
    if slug.is_empty() {
        return Err(DomainError::validation(
            "slug",
            "the identifier needs letters or digits",
        ));
    }
    let email = normalize_email(&input.admin_email)?;
    validate_password(&input.admin_password)?;
    let password_hash = crate::auth::hash_off_workers(&input.admin_password).await?;
    if tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(&slug))
        .one(db)
        .await?
        .is_some()
    {
        return Err(DomainError::Conflict(format!(
            "a tenant with the identifier '{slug}' already exists"
        )));
    }

    let txn = db.begin().await?;
    let tenant = tenant::ActiveModel {
        slug: Set(slug),
        name: Set(name),
        settings: Set(serde_json::json!({ "auto_close_days": 5, "timezone": "Europe/Paris" })),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for kind in [
        DepartmentKind::Support,
        DepartmentKind::Sales,
        DepartmentKind::Technical,
        DepartmentKind::Billing,
        DepartmentKind::Management,
    ] {
        department::ActiveModel {
            tenant_id: Set(tenant.id),
            kind: Set(kind),
            name: Set(default_department_name(kind).to_owned()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    create_default_workflows(&txn, tenant.id, now).await?;
    for ticket_type in [TicketType::Support, TicketType::Sales, TicketType::Inquiry] {
        let (response, resolution) = default_sla_hours(ticket_type);
        sla_policy::ActiveModel {
            tenant_id: Set(tenant.id),
            ticket_type: Set(ticket_type),
            response_hours: Set(response),
            resolution_hours: Set(resolution),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let admin = user::ActiveModel {
        tenant_id: Set(tenant.id),
        email: Set(email),
        password_hash: Set(Some(password_hash)),
        display_name: Set(input.admin_name.trim().to_owned()),
        role: Set(Role::Admin),
        department_id: Set(None),
        customer_id: Set(None),
        availability: Set(Availability::Online),
        max_open_tickets: Set(50),
        locale: Set("fr".to_owned()),
        is_active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok((tenant, admin))
}

/// French display names of the default departments (the seeds' users are French).
#[must_use]
pub const fn default_department_name(kind: DepartmentKind) -> &'static str {
    match kind {
        DepartmentKind::Support => "Support",
        DepartmentKind::Sales => "Commercial",
        DepartmentKind::Technical => "Technique",
        DepartmentKind::Billing => "Facturation",
        DepartmentKind::Management => "Direction",
    }
}

/// Lower-cases and checks an e-mail address.
///
/// # Errors
///
/// [`DomainError::Validation`] on field `email` when it does not look like an address.
pub fn normalize_email(email: &str) -> DomainResult<String> {
    let email = email.trim().to_lowercase();
    let valid = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    }) && !email.contains(char::is_whitespace);
    if valid {
        Ok(email)
    } else {
        Err(DomainError::validation(
            "email",
            format!("'{email}' is not a valid e-mail address"),
        ))
    }
}
