//! Presence: which agents have a ticket open, and who is typing, so two agents do not
//! answer the same customer at once. Nothing is stored: reports travel as live events
//! (across instances on PostgreSQL) and fade out after [`PRESENCE_TTL`] unless renewed.

use super::actor::Actor;
use super::error::DomainResult;
use super::permissions::Permission;
use super::scope::find_visible_ticket;
use super::Services;
use crate::events::{PresenceEvent, PresenceState};

pub use crate::events::PRESENCE_TTL;

/// Reports what the calling agent does on a ticket they may see.
///
/// # Errors
///
/// [`super::DomainError::Forbidden`] for customers; [`super::DomainError::NotFound`] for a
/// ticket the caller cannot see.
pub async fn report_presence(
    svc: &Services,
    actor: &Actor,
    ticket_id: i64,
    state: PresenceState,
) -> DomainResult<()> {
    actor.require(Permission::WorkTickets)?;
    let found = find_visible_ticket(&svc.db, actor, ticket_id).await?;
    svc.events
        .publish_presence(PresenceEvent {
            tenant_id: found.tenant_id,
            ticket_id: found.id,
            user_id: actor.user_id,
            state,
            at: svc.now(),
        })
        .await;
    Ok(())
}

/// Checks that the caller may follow presence on a ticket: staff who can see it.
///
/// # Errors
///
/// [`super::DomainError::Forbidden`] for customers; [`super::DomainError::NotFound`] for a
/// ticket the caller cannot see.
pub async fn ensure_can_follow(svc: &Services, actor: &Actor, ticket_id: i64) -> DomainResult<()> {
    actor.require(Permission::ViewTeam)?;
    find_visible_ticket(&svc.db, actor, ticket_id)
        .await
        .map(|_| ())
}

/// The agents present on a ticket now (staff only see it; customers get nobody).
#[must_use]
pub fn present_on(svc: &Services, actor: &Actor, ticket_id: i64) -> Vec<(i64, PresenceState)> {
    if !actor.is_staff() {
        return Vec::new();
    }
    svc.events
        .presence()
        .on_ticket(actor.tenant_id, ticket_id, svc.now())
}
