//! Presence on a ticket: report it, read it, follow it live.

use async_graphql::{Context, Enum, Object, SimpleObject, Subscription, ID};
use futures::{Stream, StreamExt};
use tokio_stream::wrappers::BroadcastStream;

use super::context::{actor, services};
use super::error::{parse_id, GraphqlResultExt};
use super::types::User;
use crate::domain::{presence, users};
use crate::events;

/// What an agent is doing on a ticket.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum PresenceState {
    /// Has the ticket open.
    Viewing,
    /// Is writing a reply or a note.
    Typing,
    /// Closed the ticket.
    Left,
}

impl From<events::PresenceState> for PresenceState {
    fn from(state: events::PresenceState) -> Self {
        match state {
            events::PresenceState::Viewing => Self::Viewing,
            events::PresenceState::Typing => Self::Typing,
            events::PresenceState::Left => Self::Left,
        }
    }
}

impl From<PresenceState> for events::PresenceState {
    fn from(state: PresenceState) -> Self {
        match state {
            PresenceState::Viewing => Self::Viewing,
            PresenceState::Typing => Self::Typing,
            PresenceState::Left => Self::Left,
        }
    }
}

/// One agent's presence on a ticket.
#[derive(SimpleObject)]
pub struct TicketPresence {
    /// The ticket.
    pub ticket_id: ID,
    /// The agent.
    pub user: User,
    /// What they are doing.
    pub state: PresenceState,
}

/// Loads the users of `present` (one query) and pairs them with their state.
pub(crate) async fn with_users(
    ctx: &Context<'_>,
    ticket_id: i64,
    present: Vec<(i64, events::PresenceState)>,
) -> async_graphql::Result<Vec<TicketPresence>> {
    if present.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = present.iter().map(|(id, _)| *id).collect();
    let found = super::context::loaders(ctx)?
        .users
        .load_many(ids)
        .await
        .map_err(|e| super::loaders::loader_error(&e))?;
    Ok(present
        .into_iter()
        .filter_map(|(id, state)| {
            found.get(&id).map(|user| TicketPresence {
                ticket_id: ID(ticket_id.to_string()),
                user: User(user.clone()),
                state: state.into(),
            })
        })
        .collect())
}

/// Presence mutations.
#[derive(Default)]
pub struct PresenceMutation;

#[Object]
impl PresenceMutation {
    /// Tells the other agents what the caller does on a ticket (staff). Clients repeat
    /// `VIEWING` while the ticket stays open (it fades after 45 s), send `TYPING` while
    /// writing and `LEFT` when they close it.
    async fn report_presence(
        &self,
        ctx: &Context<'_>,
        ticket_id: ID,
        state: PresenceState,
    ) -> async_graphql::Result<bool> {
        let actor = actor(ctx)?;
        let id = parse_id("ticketId", &ticket_id)?;
        presence::report_presence(services(ctx)?, actor, id, state.into())
            .await
            .gql()?;
        Ok(true)
    }
}

/// Live presence.
#[derive(Default)]
pub struct PresenceSubscription;

#[Subscription]
impl PresenceSubscription {
    /// Presence changes on one ticket (staff of its tenant).
    async fn ticket_presence(
        &self,
        ctx: &Context<'_>,
        ticket_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = TicketPresence>> {
        let actor = std::sync::Arc::new(actor(ctx)?.clone());
        let svc = std::sync::Arc::new(services(ctx)?.clone());
        let id = parse_id("ticketId", &ticket_id)?;
        // Seeing the ticket is required to follow who is on it.
        presence::ensure_can_follow(&svc, &actor, id).await.gql()?;
        let receiver = svc.events.subscribe_presence();
        Ok(BroadcastStream::new(receiver).filter_map(move |received| {
            let svc = svc.clone();
            let tenant_id = actor.tenant_id;
            async move {
                let event = received.ok()?;
                if event.tenant_id != tenant_id || event.ticket_id != id {
                    return None;
                }
                let user = users::get_user_in_tenant(&svc.db, tenant_id, event.user_id)
                    .await
                    .ok()??;
                Some(TicketPresence {
                    ticket_id: ID(event.ticket_id.to_string()),
                    user: User(user),
                    state: event.state.into(),
                })
            }
        }))
    }
}
