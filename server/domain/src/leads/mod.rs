//! Leads (seed 000's `trigger_lead`): sales opportunities with a customer, moved along the
//! pipeline's stages, with meetings; converted from sales tickets, won (an order on the
//! customer) or lost.
//!
//! Stages `won` and `lost` are reached only through [`win_lead`] and [`lose_lead`], which
//! also close the lead (status `converted` or `lost`); a closed lead no longer moves.

mod create;
mod list;
mod meetings;
mod outcome;
mod update;

pub use create::*;
pub use list::*;
pub use meetings::*;
pub use outcome::*;
pub use update::*;

use entity::enums::LeadStage;
use entity::lead;
use sea_orm::ConnectionTrait;

use crate::actor::Actor;
use crate::error::DomainResult;
use crate::events::{LiveEvent, LiveEventKind};
use crate::permissions::Permission;
use crate::scope::find_in_tenant;
use crate::Services;

/// Every stage, in pipeline order.
pub const STAGES: [LeadStage; 6] = [
    LeadStage::Lead,
    LeadStage::Qualified,
    LeadStage::Proposal,
    LeadStage::Negotiation,
    LeadStage::Won,
    LeadStage::Lost,
];

/// One lead of the actor's tenant.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`].
pub async fn get_lead(svc: &Services, actor: &Actor, id: i64) -> DomainResult<lead::Model> {
    actor.require(Permission::ViewCrm)?;
    find_lead(&svc.db, actor.tenant_id, id).await
}

async fn find_lead(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    id: i64,
) -> DomainResult<lead::Model> {
    find_in_tenant::<lead::Entity>(db, tenant_id, id).await
}

/// Tells subscribers that a lead changed. Only ids travel; subscribers re-read.
async fn publish_lead(svc: &Services, found: &lead::Model, kind: LiveEventKind) {
    svc.events
        .publish(LiveEvent {
            tenant_id: found.tenant_id,
            kind,
            ticket_id: None,
            message_id: None,
            lead_id: Some(found.id),
            customer_id: Some(found.customer_id),
            notified: Vec::new(),
            crossed: None,
        })
        .await;
}
