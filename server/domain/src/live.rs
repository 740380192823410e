//! Live events as subscribers receive them. What an event names (the changed ticket, the
//! message added) is loaded once per instance, however many subscribers watch: the first
//! to ask loads it, the others await that load. Each subscriber then keeps what it may see
//! by the rules queries use ([`crate::scope::may_see_ticket`],
//! [`crate::scope::may_read_message`]), in memory.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use entity::{message, ticket};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use tokio::sync::OnceCell;

use crate::error::DomainResult;
use crate::events::LiveEvent;

/// How many recent events' loads an instance keeps: subscribers read an event within
/// moments of its arrival, and one that lags further is told to load again anyway.
const KEPT: usize = 512;

/// The rows a ticket event names, as they were just after the change.
#[derive(Debug, Clone, Default)]
pub struct LoadedTicketEvent {
    /// The ticket, if it still exists.
    pub ticket: Option<ticket::Model>,
    /// The message the event added, if any.
    pub message: Option<message::Model>,
}

type Slot = Arc<OnceCell<Option<Arc<LoadedTicketEvent>>>>;

/// The loads of recent events, by their [`crate::events::Delivery::seq`].
#[derive(Debug, Default)]
pub struct LiveLoads {
    recent: Mutex<VecDeque<(u64, Slot)>>,
}

impl LiveLoads {
    /// What ticket event `seq` names, loaded once for all its subscribers; `None` when the
    /// load failed (subscribers then tell their clients to load again).
    pub async fn ticket_event(
        &self,
        db: &impl ConnectionTrait,
        seq: u64,
        event: &LiveEvent,
    ) -> Option<Arc<LoadedTicketEvent>> {
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

async fn load(db: &impl ConnectionTrait, event: &LiveEvent) -> DomainResult<LoadedTicketEvent> {
    let Some(ticket_id) = event.ticket_id else {
        return Ok(LoadedTicketEvent::default());
    };
    let ticket = ticket::Entity::find_by_id(ticket_id)
        .filter(ticket::Column::TenantId.eq(event.tenant_id))
        .one(db)
        .await?;
    let message = match event.message_id {
        Some(id) => {
            message::Entity::find_by_id(id)
                .filter(message::Column::TenantId.eq(event.tenant_id))
                .filter(message::Column::TicketId.eq(ticket_id))
                .one(db)
                .await?
        }
        None => None,
    };
    Ok(LoadedTicketEvent { ticket, message })
}
