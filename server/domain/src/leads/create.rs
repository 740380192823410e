//! Opening a lead, with the checks its fields need.

use entity::enums::{LeadStage, LeadStatus};
use entity::{lead, user};
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use super::publish_lead;
use crate::actor::Actor;
use crate::customers::find_customer;
use crate::error::{DomainError, DomainResult};
use crate::events::LiveEventKind;
use crate::permissions::Permission;
use crate::scope::find_in_tenant_opt;
use crate::Services;

/// A lead to create.
#[derive(Debug, Clone, Default)]
pub struct NewLead {
    /// The customer (prospect) concerned.
    pub customer_id: i64,
    /// The staff member responsible; the creator by default.
    pub owner_id: Option<i64>,
    /// The staff member working on it.
    pub assignee_id: Option<i64>,
    /// The starting stage (not won or lost); `lead` by default.
    pub stage: Option<LeadStage>,
    /// The expected value.
    pub opportunity_value: Option<Decimal>,
    /// The value's currency; the customer's by default.
    pub currency: Option<String>,
    /// Chances of conversion, 0 to 100.
    pub conversion_probability: Option<i32>,
    /// Where it came from (website, fair, referral…).
    pub source: Option<String>,
    /// A link to its documents (a shared folder).
    pub document_url: Option<String>,
}

pub(super) fn validate_probability(p: Option<i32>) -> DomainResult<Option<i32>> {
    match p {
        Some(p) if !(0..=100).contains(&p) => Err(DomainError::validation(
            "conversionProbability",
            "a probability is between 0 and 100",
        )),
        other => Ok(other),
    }
}

pub(super) fn validate_value(v: Option<Decimal>) -> DomainResult<Option<Decimal>> {
    match v {
        Some(v) if v < Decimal::ZERO => Err(DomainError::validation(
            "opportunityValue",
            "a value cannot be negative",
        )),
        Some(v) if v.normalize().scale() > 4 => Err(DomainError::validation(
            "opportunityValue",
            "a value has at most four decimals",
        )),
        Some(v) if v >= Decimal::from(100_000_000_000_000_i64) => Err(DomainError::validation(
            "opportunityValue",
            "this value is too large",
        )),
        other => Ok(other),
    }
}

pub(super) fn validate_open_stage(stage: LeadStage) -> DomainResult<LeadStage> {
    if matches!(stage, LeadStage::Won | LeadStage::Lost) {
        Err(DomainError::validation(
            "stage",
            "a lead is won with winLead and lost with loseLead",
        ))
    } else {
        Ok(stage)
    }
}

/// Validates a link: an `http` or `https` URL without spaces.
///
/// # Errors
///
/// [`DomainError::Validation`] on `field`.
pub fn validate_url(field: &'static str, url: Option<String>) -> DomainResult<Option<String>> {
    let Some(url) = url.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > "https://".len()
        && !url.contains(char::is_whitespace)
        && url.len() <= 2000;
    if ok {
        Ok(Some(url))
    } else {
        Err(DomainError::validation(
            field,
            "a link is an http:// or https:// address",
        ))
    }
}

pub(super) async fn ensure_staff_user(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    field: &'static str,
    id: Option<i64>,
) -> DomainResult<Option<i64>> {
    let Some(id) = id else { return Ok(None) };
    let found = find_in_tenant_opt::<user::Entity>(db, tenant_id, id).await?;
    match found {
        Some(u) if crate::auth::is_staff_role(u.role) => Ok(Some(u.id)),
        _ => Err(DomainError::validation(
            field,
            "this is not a staff member of the tenant",
        )),
    }
}

/// Creates a lead.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`] for an unknown
/// customer; [`DomainError::Validation`] for a bad stage, value, probability, link or user.
pub async fn create_lead(
    svc: &Services,
    actor: &Actor,
    input: NewLead,
) -> DomainResult<lead::Model> {
    actor.require(Permission::WriteCrm)?;
    let customer = find_customer(&svc.db, actor.tenant_id, input.customer_id).await?;
    let stage = validate_open_stage(input.stage.unwrap_or(LeadStage::Lead))?;
    let owner = ensure_staff_user(
        &svc.db,
        actor.tenant_id,
        "ownerId",
        input.owner_id.or(Some(actor.user_id)),
    )
    .await?;
    let assignee =
        ensure_staff_user(&svc.db, actor.tenant_id, "assigneeId", input.assignee_id).await?;
    let currency = input
        .currency
        .as_deref()
        .map(crate::customers::normalize_currency)
        .transpose()?
        .unwrap_or(customer.currency.clone());
    let now = svc.now();
    let created = lead::ActiveModel {
        tenant_id: Set(actor.tenant_id),
        customer_id: Set(customer.id),
        owner_id: Set(owner),
        assignee_id: Set(assignee),
        status: Set(if stage == LeadStage::Lead {
            LeadStatus::New
        } else {
            LeadStatus::InProgress
        }),
        stage: Set(stage),
        opportunity_value: Set(validate_value(input.opportunity_value)?),
        currency: Set(currency),
        conversion_probability: Set(validate_probability(input.conversion_probability)?),
        source: Set(input
            .source
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())),
        document_url: Set(validate_url("documentUrl", input.document_url)?),
        ticket_id: Set(None),
        won_at: Set(None),
        lost_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&svc.db)
    .await?;
    publish_lead(svc, &created, LiveEventKind::LeadCreated).await;
    Ok(created)
}
