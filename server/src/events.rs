//! Live events: what subscriptions push to agents' boards.
//!
//! Within one instance, events travel on a tokio broadcast channel. On PostgreSQL they go
//! through `NOTIFY` on the channel [`PG_CHANNEL`] and every instance's listener re-broadcasts
//! them locally, so an agent connected to instance A sees a ticket created on instance B.
//! Events are published after the change is committed; a subscriber that lags too far
//! behind skips events rather than slowing publishers down.

use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgListener, PgPool};
use tokio::sync::broadcast;

/// The PostgreSQL `NOTIFY` channel carrying events between instances.
pub const PG_CHANNEL: &str = "guichet_events";

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveEventKind {
    /// A ticket was created.
    TicketCreated,
    /// A ticket's fields or status changed.
    TicketUpdated,
    /// A message was added to a ticket's thread.
    MessageAdded,
    /// A ticket was (re)assigned.
    TicketAssigned,
    /// A lead was created (`lead_id`).
    LeadCreated,
    /// A lead changed: fields, stage, meetings, won, lost or deleted (`lead_id`).
    LeadUpdated,
    /// A customer was created (`customer_id`).
    CustomerCreated,
    /// A customer changed: details, notes, activities, tags, orders (`customer_id`).
    CustomerUpdated,
}

impl LiveEventKind {
    /// Whether the event is about a ticket (and `ticket_id` is set).
    #[must_use]
    pub const fn is_ticket_event(self) -> bool {
        matches!(
            self,
            Self::TicketCreated | Self::TicketUpdated | Self::MessageAdded | Self::TicketAssigned
        )
    }
}

/// One event, small enough for a `NOTIFY` payload: subscribers load what they show, through
/// the same visibility rules as queries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveEvent {
    /// The tenant the event belongs to; subscribers of other tenants never see it.
    pub tenant_id: i64,
    /// What happened.
    pub kind: LiveEventKind,
    /// The ticket concerned, for ticket events.
    pub ticket_id: Option<i64>,
    /// The message added, for [`LiveEventKind::MessageAdded`].
    pub message_id: Option<i64>,
    /// The lead concerned, for lead events.
    #[serde(default)]
    pub lead_id: Option<i64>,
    /// The customer concerned, for customer and lead events.
    #[serde(default)]
    pub customer_id: Option<i64>,
}

/// Publishes and distributes live events.
#[derive(Debug, Clone)]
pub struct EventBus {
    local: broadcast::Sender<LiveEvent>,
    postgres: Option<PgPool>,
}

impl EventBus {
    /// A bus local to this process (SQLite, tests).
    #[must_use]
    pub fn local() -> Self {
        let (local, _) = broadcast::channel(1024);
        Self {
            local,
            postgres: None,
        }
    }

    /// A bus that goes through PostgreSQL `NOTIFY`, and the task that listens for it.
    ///
    /// # Errors
    ///
    /// Fails when the listener cannot connect.
    pub async fn postgres(pool: PgPool) -> Result<Self, sqlx::Error> {
        let (local, _) = broadcast::channel(1024);
        let mut listener = PgListener::connect_with(&pool).await?;
        listener.listen(PG_CHANNEL).await?;
        let sender = local.clone();
        tokio::spawn(async move {
            loop {
                // `recv` reconnects by itself after a lost connection.
                match listener.recv().await {
                    Ok(notification) => {
                        match serde_json::from_str::<LiveEvent>(notification.payload()) {
                            Ok(event) => {
                                let _ = sender.send(event);
                            }
                            Err(error) => tracing::warn!(%error, "ignoring a malformed live event"),
                        }
                    }
                    Err(error) => {
                        tracing::warn!(%error, "live event listener failed; retrying");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok(Self {
            local,
            postgres: Some(pool),
        })
    }

    /// Sends `event` to every subscriber of every instance. Failures are logged, never
    /// returned: the change the event reports is already committed.
    pub async fn publish(&self, event: LiveEvent) {
        if let Some(pool) = &self.postgres {
            let payload = match serde_json::to_string(&event) {
                Ok(payload) => payload,
                Err(error) => {
                    tracing::error!(%error, "cannot encode live event");
                    return;
                }
            };
            if let Err(error) = sqlx::query("SELECT pg_notify($1, $2)")
                .bind(PG_CHANNEL)
                .bind(payload)
                .execute(pool)
                .await
            {
                tracing::error!(%error, "cannot publish live event");
            }
        } else {
            // No receiver is not an error: nobody is watching.
            let _ = self.local.send(event);
        }
    }

    /// A new receiver of every event published from now on.
    #[must_use]
    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.local.subscribe()
    }
}
