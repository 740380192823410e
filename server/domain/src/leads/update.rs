//! Editing and deleting open leads.

use entity::enums::{LeadStage, LeadStatus};
use entity::{lead, meeting, ticket};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

use super::{
    ensure_staff_user, find_lead, publish_lead, validate_open_stage, validate_probability,
    validate_url, validate_value,
};
use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::events::LiveEventKind;
use crate::permissions::Permission;
use crate::Services;

/// A change to a lead: `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct LeadPatch {
    /// The staff member responsible.
    pub owner_id: Option<Option<i64>>,
    /// The staff member working on it.
    pub assignee_id: Option<Option<i64>>,
    /// The stage (not won or lost).
    pub stage: Option<LeadStage>,
    /// The expected value.
    pub opportunity_value: Option<Option<Decimal>>,
    /// Chances of conversion, 0 to 100.
    pub conversion_probability: Option<Option<i32>>,
    /// Where it came from.
    pub source: Option<Option<String>>,
    /// A link to its documents.
    pub document_url: Option<Option<String>>,
}

pub(super) fn ensure_open(found: &lead::Model) -> DomainResult<()> {
    if matches!(found.status, LeadStatus::Converted | LeadStatus::Lost) {
        Err(DomainError::Conflict(format!(
            "this lead is already {}",
            found.status.as_str()
        )))
    } else {
        Ok(())
    }
}

/// Changes a lead's fields or stage. Leaving the `lead` stage puts a new lead in progress.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`];
/// [`DomainError::Validation`] for won/lost stages and bad values;
/// [`DomainError::Conflict`] for a closed lead.
pub async fn update_lead(
    svc: &Services,
    actor: &Actor,
    id: i64,
    patch: LeadPatch,
) -> DomainResult<lead::Model> {
    actor.require(Permission::WriteCrm)?;
    let found = find_lead(&svc.db, actor.tenant_id, id).await?;
    ensure_open(&found)?;
    let mut model = found.clone().into_active_model();
    if let Some(stage) = patch.stage {
        let stage = validate_open_stage(stage)?;
        model.stage = Set(stage);
        if found.status == LeadStatus::New && stage != LeadStage::Lead {
            model.status = Set(LeadStatus::InProgress);
        }
    }
    if let Some(owner) = patch.owner_id {
        model.owner_id = Set(ensure_staff_user(&svc.db, actor.tenant_id, "ownerId", owner).await?);
    }
    if let Some(assignee) = patch.assignee_id {
        model.assignee_id =
            Set(ensure_staff_user(&svc.db, actor.tenant_id, "assigneeId", assignee).await?);
    }
    if let Some(value) = patch.opportunity_value {
        model.opportunity_value = Set(validate_value(value)?);
    }
    if let Some(p) = patch.conversion_probability {
        model.conversion_probability = Set(validate_probability(p)?);
    }
    if let Some(source) = patch.source {
        model.source = Set(source
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty()));
    }
    if let Some(url) = patch.document_url {
        model.document_url = Set(validate_url("documentUrl", url)?);
    }
    model.updated_at = Set(svc.now());
    let updated = model.update(&svc.db).await?;
    publish_lead(svc, &updated, LiveEventKind::LeadUpdated).await;
    Ok(updated)
}

/// Deletes a lead and its meetings; a ticket it came from forgets it.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for agents and customers (supervisors only);
/// [`DomainError::NotFound`].
pub async fn delete_lead(svc: &Services, actor: &Actor, id: i64) -> DomainResult<()> {
    actor.require(Permission::DeleteLeads)?;
    let found = find_lead(&svc.db, actor.tenant_id, id).await?;
    let txn = svc.begin().await?;
    ticket::Entity::update_many()
        .col_expr(ticket::Column::LeadId, Expr::value(Option::<i64>::None))
        .filter(ticket::Column::TenantId.eq(actor.tenant_id))
        .filter(ticket::Column::LeadId.eq(found.id))
        .exec(&txn)
        .await?;
    meeting::Entity::delete_many()
        .filter(meeting::Column::LeadId.eq(found.id))
        .exec(&txn)
        .await?;
    lead::Entity::delete_by_id(found.id).exec(&txn).await?;
    txn.commit().await?;
    publish_lead(svc, &found, LiveEventKind::LeadUpdated).await;
    Ok(())
}
