//! Live events as subscribers receive them. What an event names (the changed ticket, the
//! message added, the customer or lead changed) is loaded once per instance, however many
//! subscribers watch: the first to ask loads it, the others await that load. Each subscriber then keeps what it may see
//! by the rules queries use ([`crate::scope::may_see_ticket`],
//! [`crate::scope::may_read_message`]), in memory.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use entity::{customer, department, lead, message, ticket, user};
use sea_orm::ConnectionTrait;
use tokio::sync::OnceCell;

use crate::error::DomainResult;
use crate::events::LiveEvent;
use crate::scope::{find_in_tenant_opt, find_many_in_tenant};

/// How many recent events' loads an instance keeps: subscribers read an event within
/// moments of its arrival, and one that lags further is told to load again anyway.
const KEPT: usize = 512;

/// The rows an event names, as they were just after the change.
#[derive(Debug, Clone, Default)]
pub struct LoadedEvent {
    /// The ticket, if it still exists.
    pub ticket: Option<ticket::Model>,
    /// The lead, for lead events, if it still exists.
    pub lead: Option<lead::Model>,
    /// The message the event added, if any.
    pub message: Option<message::Model>,
    /// The ticket's customer, or the customer a customer event names.
    pub customer: Option<customer::Model>,
    /// The ticket's assignee and the message's author, if staff.
    pub users: Vec<user::Model>,
    /// The ticket's department.
    pub department: Option<department::Model>,
}

impl LoadedEvent {
    /// The customer `id`, if the event loaded it.
    #[must_use]
    pub fn customer(&self, id: i64) -> Option<&customer::Model> {
        self.customer.as_ref().filter(|c| c.id == id)
    }

    /// The user `id`, if the event loaded it.
    #[must_use]
    pub fn user(&self, id: i64) -> Option<&user::Model> {
        self.users.iter().find(|u| u.id == id)
    }

    /// The department `id`, if the event loaded it.
    #[must_use]
    pub fn department(&self, id: i64) -> Option<&department::Model> {
        self.department.as_ref().filter(|d| d.id == id)
    }
}

type Slot = Arc<OnceCell<Option<Arc<LoadedEvent>>>>;

/// The loads of recent events, by their [`crate::events::Delivery::seq`].
#[derive(Debug, Default)]
pub struct LiveLoads {
    recent: Mutex<VecDeque<(u64, Slot)>>,
}

impl LiveLoads {
    /// What event `seq` names, loaded once for all its subscribers; `None` when the load
    /// failed (subscribers then tell their clients to load again).
    pub async fn event(
        &self,
        db: &impl ConnectionTrait,
        seq: u64,
        event: &LiveEvent,
    ) -> Option<Arc<LoadedEvent>> {
        let slot = {
            let mut recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
            match recent.iter().rev().find(|(known, _)| *known == seq) {
                Some((_, slot)) => Arc::clone(slot),
                None => {
                    let slot: Slot = Arc::default();
                    recent.push_back((seq, Arc::clone(&slot)));
                    while recent.len() > KEPT {
                        recent.pop_front();
                    }
                    slot
                }
            }
        };
        slot.get_or_init(|| async {
            match load(db, event).await {
                Ok(loaded) => Some(Arc::new(loaded)),
                Err(error) => {
                    tracing::warn!(%error, "cannot load a live event; its subscribers resync");
                    None
                }
            }
        })
        .await
        .clone()
    }
}

async fn load(db: &impl ConnectionTrait, event: &LiveEvent) -> DomainResult<LoadedEvent> {
    let tenant = event.tenant_id;
    if let Some(lead_id) = event.lead_id {
        return Ok(LoadedEvent {
            lead: find_in_tenant_opt::<lead::Entity>(db, tenant, lead_id).await?,
            ..LoadedEvent::default()
        });
    }
    let Some(ticket_id) = event.ticket_id else {
        let customer = match event.customer_id {
            Some(id) => find_in_tenant_opt::<customer::Entity>(db, tenant, id).await?,
            None => None,
        };
        return Ok(LoadedEvent {
            customer,
            ..LoadedEvent::default()
        });
    };
    let Some(ticket) = find_in_tenant_opt::<ticket::Entity>(db, tenant, ticket_id).await? else {
        return Ok(LoadedEvent::default());
    };
    let message = match event.message_id {
        Some(id) => find_in_tenant_opt::<message::Entity>(db, tenant, id)
            .await?
            .filter(|m| m.ticket_id == ticket_id),
        None => None,
    };
    // What a card and a thread show with the ticket: its customer, assignee, department
    // and the message's author, once here rather than once per subscriber.
    let customer = find_in_tenant_opt::<customer::Entity>(db, tenant, ticket.customer_id).await?;
    let user_ids: Vec<i64> = ticket
        .assignee_id
        .into_iter()
        .chain(message.as_ref().and_then(|m| m.author_user_id))
        .collect();
    let users = if user_ids.is_empty() {
        Vec::new()
    } else {
        find_many_in_tenant::<user::Entity>(db, tenant, user_ids)
            .await?
            .into_values()
            .collect()
    };
    let department = match ticket.department_id {
        Some(id) => find_in_tenant_opt::<department::Entity>(db, tenant, id).await?,
        None => None,
    };
    Ok(LoadedEvent {
        ticket: Some(ticket),
        lead: None,
        message,
        customer,
        users,
        department,
    })
}
