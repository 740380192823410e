//! Customers (the CRM side of Guichet): profiles, contacts, notes and activities, tags,
//! orders, the customer listing and the timeline of everything that happened with one.

mod contacts;
mod create;
mod list;
mod notes;
mod orders;
mod profile;
mod tags;
mod timeline;

pub use contacts::*;
pub use create::*;
pub use list::*;
pub use notes::*;
pub use orders::*;
pub use profile::*;
pub use tags::*;
pub use timeline::*;

use entity::customer;
use sea_orm::ConnectionTrait;

use crate::actor::Actor;
use crate::error::DomainResult;
use crate::events::{LiveEvent, LiveEventKind};
use crate::permissions::Permission;
use crate::scope::find_in_tenant;
use crate::Services;

/// One customer of the actor's tenant.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`] when it does not
/// exist in the tenant.
pub async fn get_customer(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> DomainResult<customer::Model> {
    actor.require(Permission::ViewCrm)?;
    find_customer(db, actor.tenant_id, id).await
}

pub(crate) async fn find_customer(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    id: i64,
) -> DomainResult<customer::Model> {
    find_in_tenant::<customer::Entity>(db, tenant_id, id).await
}

/// Tells subscribers that a customer changed. Only ids travel; subscribers re-read.
pub(crate) async fn publish_customer(
    svc: &Services,
    customer: &customer::Model,
    kind: LiveEventKind,
) {
    svc.events
        .publish(LiveEvent {
            tenant_id: customer.tenant_id,
            kind,
            ticket_id: None,
            message_id: None,
            lead_id: None,
            customer_id: Some(customer.id),
            notified: Vec::new(),
            crossed: None,
        })
        .await;
}
