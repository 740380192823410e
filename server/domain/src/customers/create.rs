//! Creating customers, from the API or from a channel contact.

use chrono::{DateTime, Utc};
use entity::customer;
use entity::enums::{Channel, CustomerSegment, CustomerStatus};
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use super::{
    insert_tags, normalize_country, normalize_currency, normalize_phone, normalize_tag,
    publish_customer,
};
use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::events::LiveEventKind;
use crate::permissions::Permission;
use crate::tenants::normalize_email;
use crate::Services;

/// A customer to create.
#[derive(Debug, Clone, Default)]
pub struct NewCustomer {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Company, for business customers.
    pub company: Option<String>,
    /// E-mail address, unique in the tenant.
    pub email: Option<String>,
    /// Phone number in E.164 form, unique in the tenant.
    pub phone: Option<String>,
    /// Segment; prospect by default.
    pub segment: Option<CustomerSegment>,
    /// Preferred channel.
    pub preferred_channel: Option<Channel>,
    /// Street address.
    pub address: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// ISO 3166 country code; `FR` by default.
    pub country: Option<String>,
    /// ISO 4217 currency code; `EUR` by default.
    pub currency: Option<String>,
    /// Free JSON.
    pub metadata: Option<serde_json::Value>,
}

/// Creates a customer in the actor's tenant; staff only.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::Validation`] for missing names,
/// a bad e-mail or tag; [`DomainError::Conflict`] for a duplicate e-mail or phone. Nothing
/// is written unless all of it is (customer and tags in one transaction).
pub async fn create_customer(
    svc: &Services,
    actor: &Actor,
    input: NewCustomer,
    tags: &[String],
) -> DomainResult<customer::Model> {
    actor.require(Permission::WriteCrm)?;
    let tags = tags
        .iter()
        .map(|t| normalize_tag(t))
        .collect::<DomainResult<Vec<_>>>()?;
    let now = svc.now();
    let txn = svc.begin().await?;
    let created = insert_customer(&txn, actor.tenant_id, input, now).await?;
    if !tags.is_empty() {
        insert_tags(&txn, &created, &tags, now).await?;
    }
    txn.commit().await?;
    publish_customer(svc, &created, LiveEventKind::CustomerCreated).await;
    Ok(created)
}

/// Creates a customer without an actor (seeds, channels acting as the system).
///
/// # Errors
///
/// As [`create_customer`], without the role check.
pub async fn insert_customer(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    input: NewCustomer,
    now: DateTime<Utc>,
) -> DomainResult<customer::Model> {
    let first_name = input.first_name.trim().to_owned();
    let last_name = input.last_name.trim().to_owned();
    if first_name.is_empty() && last_name.is_empty() {
        return Err(DomainError::validation(
            "lastName",
            "a customer needs a name",
        ));
    }
    let email = input
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(normalize_email)
        .transpose()?;
    let country = input
        .country
        .as_deref()
        .map_or(Ok("FR".to_owned()), normalize_country)?;
    let currency = input
        .currency
        .as_deref()
        .map_or(Ok("EUR".to_owned()), normalize_currency)?;
    // Stored in E.164 so that the unique index recognises the same number however written.
    let phone = input
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| normalize_phone(p, &country))
        .transpose()?;
    let model = customer::ActiveModel {
        tenant_id: Set(tenant_id),
        first_name: Set(first_name),
        last_name: Set(last_name),
        company: Set(input.company),
        email: Set(email),
        phone: Set(phone),
        status: Set(CustomerStatus::Active),
        segment: Set(input.segment.unwrap_or(CustomerSegment::Prospect)),
        preferred_channel: Set(input.preferred_channel),
        address: Set(input.address),
        city: Set(input.city),
        postal_code: Set(input.postal_code),
        country: Set(country),
        currency: Set(currency),
        total_orders: Set(0),
        total_revenue: Set(Decimal::ZERO),
        last_contact_at: Set(None),
        last_order_at: Set(None),
        metadata: Set(input.metadata),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(model)
}

/// The customer's display name: "First Last", or the company.
#[must_use]
pub fn display_name(customer: &customer::Model) -> String {
    let name = format!("{} {}", customer.first_name, customer.last_name)
        .trim()
        .to_owned();
    if name.is_empty() {
        customer.company.clone().unwrap_or_default()
    } else {
        name
    }
}
