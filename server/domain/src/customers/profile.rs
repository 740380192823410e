//! A customer's profile: edits, normalisation of country and currency, archiving.

use entity::customer;
use entity::enums::{Channel, CustomerSegment, CustomerStatus};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};

use super::{find_customer, normalize_phone, publish_customer};
use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::events::LiveEventKind;
use crate::permissions::Permission;
use crate::tenants::normalize_email;
use crate::Services;

/// A change to a customer: `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct CustomerPatch {
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Company.
    pub company: Option<Option<String>>,
    /// E-mail address.
    pub email: Option<Option<String>>,
    /// Phone number, normalised to E.164.
    pub phone: Option<Option<String>>,
    /// Segment.
    pub segment: Option<CustomerSegment>,
    /// Status (archiving goes through [`archive_customer`]).
    pub status: Option<CustomerStatus>,
    /// Preferred channel.
    pub preferred_channel: Option<Option<Channel>>,
    /// Street address.
    pub address: Option<Option<String>>,
    /// City.
    pub city: Option<Option<String>>,
    /// Postal code.
    pub postal_code: Option<Option<String>>,
    /// ISO 3166 country code.
    pub country: Option<String>,
    /// ISO 4217 currency code.
    pub currency: Option<String>,
    /// Free JSON.
    pub metadata: Option<Option<serde_json::Value>>,
}

pub(super) fn clean(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Validates an ISO 3166 alpha-2 country code and returns it upper-cased.
///
/// # Errors
///
/// [`DomainError::Validation`] on `country` for anything but two letters.
pub fn normalize_country(country: &str) -> DomainResult<String> {
    let country = country.trim().to_uppercase();
    if country.len() == 2 && country.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(country)
    } else {
        Err(DomainError::validation(
            "country",
            "a country is a two-letter ISO 3166 code such as FR",
        ))
    }
}

/// Validates an ISO 4217 currency code and returns it upper-cased.
///
/// # Errors
///
/// [`DomainError::Validation`] on `currency` for anything but three letters.
pub fn normalize_currency(currency: &str) -> DomainResult<String> {
    let currency = currency.trim().to_uppercase();
    if currency.len() == 3 && currency.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(currency)
    } else {
        Err(DomainError::validation(
            "currency",
            "a currency is a three-letter ISO 4217 code such as EUR",
        ))
    }
}

/// Changes a customer's details.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`];
/// [`DomainError::Validation`] for an empty name, a bad e-mail, phone, country or currency;
/// [`DomainError::Conflict`] when the e-mail or phone belongs to another customer.
pub async fn update_customer(
    svc: &Services,
    actor: &Actor,
    id: i64,
    patch: CustomerPatch,
) -> DomainResult<customer::Model> {
    actor.require(Permission::WriteCrm)?;
    let found = find_customer(&svc.db, actor.tenant_id, id).await?;
    let mut model = found.clone().into_active_model();
    if let Some(first) = patch.first_name {
        model.first_name = Set(first.trim().to_owned());
    }
    if let Some(last) = patch.last_name {
        model.last_name = Set(last.trim().to_owned());
    }
    if let Some(company) = patch.company {
        model.company = Set(clean(company));
    }
    if let Some(email) = patch.email {
        let email = clean(email).as_deref().map(normalize_email).transpose()?;
        model.email = Set(email);
    }
    if let Some(phone) = patch.phone {
        let phone = clean(phone)
            .as_deref()
            .map(|p| normalize_phone(p, &found.country))
            .transpose()?;
        model.phone = Set(phone);
    }
    if let Some(segment) = patch.segment {
        model.segment = Set(segment);
    }
    if let Some(status) = patch.status {
        if status == CustomerStatus::Archived {
            return Err(DomainError::validation(
                "status",
                "archive a customer with archiveCustomer",
            ));
        }
        model.status = Set(status);
        model.archived_at = Set(None);
    }
    if let Some(channel) = patch.preferred_channel {
        model.preferred_channel = Set(channel);
    }
    if let Some(address) = patch.address {
        model.address = Set(clean(address));
    }
    if let Some(city) = patch.city {
        model.city = Set(clean(city));
    }
    if let Some(postal_code) = patch.postal_code {
        model.postal_code = Set(clean(postal_code));
    }
    if let Some(country) = patch.country {
        model.country = Set(normalize_country(&country)?);
    }
    if let Some(currency) = patch.currency {
        model.currency = Set(normalize_currency(&currency)?);
    }
    if let Some(metadata) = patch.metadata {
        model.metadata = Set(metadata);
    }
    let first_empty = match &model.first_name {
        sea_orm::ActiveValue::Set(v) | sea_orm::ActiveValue::Unchanged(v) => v.is_empty(),
        sea_orm::ActiveValue::NotSet => true,
    };
    let last_empty = match &model.last_name {
        sea_orm::ActiveValue::Set(v) | sea_orm::ActiveValue::Unchanged(v) => v.is_empty(),
        sea_orm::ActiveValue::NotSet => true,
    };
    if first_empty && last_empty {
        return Err(DomainError::validation(
            "lastName",
            "a customer needs a name",
        ));
    }
    model.updated_at = Set(svc.now());
    let updated = model.update(&svc.db).await?;
    publish_customer(svc, &updated, LiveEventKind::CustomerUpdated).await;
    Ok(updated)
}

/// Archives a customer: hidden from listings by default, kept with its history.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`].
pub async fn archive_customer(
    svc: &Services,
    actor: &Actor,
    id: i64,
) -> DomainResult<customer::Model> {
    actor.require(Permission::WriteCrm)?;
    let found = find_customer(&svc.db, actor.tenant_id, id).await?;
    if found.archived_at.is_some() {
        return Ok(found);
    }
    let now = svc.now();
    let mut model = found.into_active_model();
    model.status = Set(CustomerStatus::Archived);
    model.archived_at = Set(Some(now));
    model.updated_at = Set(now);
    let updated = model.update(&svc.db).await?;
    publish_customer(svc, &updated, LiveEventKind::CustomerUpdated).await;
    Ok(updated)
}
