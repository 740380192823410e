//! Live events: what subscriptions push to agents' boards.
//!
//! Within one instance, events travel on a tokio broadcast channel. Between instances they
//! go through a transport, and every instance re-broadcasts what arrives locally, so an
//! agent connected to instance A sees a ticket created on instance B: PostgreSQL `NOTIFY`
//! on the channel [`PG_CHANNEL`] (and its siblings) by default, or NATS subjects
//! (`<prefix>.events`, `.presence`, `.access`) for deployments whose write rate makes
//! `NOTIFY` (a lock taken at every notifying commit) the bottleneck.
//! Events are published after the change is committed; a subscriber that lags too far
//! behind skips events rather than slowing publishers down.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgListener, PgPool};
use tokio::sync::{broadcast, watch};

/// The PostgreSQL `NOTIFY` channel carrying events between instances.
pub const PG_CHANNEL: &str = "guichet_events";

/// The PostgreSQL `NOTIFY` channel carrying presence (who views or types on a ticket).
pub const PG_PRESENCE_CHANNEL: &str = "guichet_presence";

/// The PostgreSQL `NOTIFY` channel carrying changes to users' access (a token revoked, an
/// account deactivated or its role changed), so every instance closes their sockets.
pub const PG_ACCESS_CHANNEL: &str = "guichet_access";

/// A user's access changed: whatever credential their open connections hold must be
/// checked again now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEvent {
    /// The tenant.
    pub tenant_id: i64,
    /// The user whose access changed.
    pub user_id: i64,
}

/// How long a presence report lasts without being renewed: clients renew it while the
/// ticket stays open, so a closed tab fades out by itself.
pub const PRESENCE_TTL: std::time::Duration = std::time::Duration::from_secs(45);

/// What an agent is doing on a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PresenceState {
    /// Has the ticket open.
    Viewing,
    /// Is writing a reply or note.
    Typing,
    /// Closed the ticket.
    Left,
}

/// One agent's presence on one ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresenceEvent {
    /// The tenant; other tenants never see it.
    pub tenant_id: i64,
    /// The ticket.
    pub ticket_id: i64,
    /// The agent.
    pub user_id: i64,
    /// What they are doing.
    pub state: PresenceState,
    /// When they said so, by the services' clock (presence fades by the same clock).
    #[serde(default = "Utc::now")]
    pub at: DateTime<Utc>,
}

/// (tenant, ticket).
type PresenceKey = (i64, i64);

/// Per user on one ticket: what they do and when they last said so.
type TicketPresence = HashMap<i64, (PresenceState, DateTime<Utc>)>;

/// Who is on which ticket now, kept by every instance from the presence events of all.
#[derive(Debug, Default)]
pub struct PresenceRegistry {
    entries: std::sync::Mutex<HashMap<PresenceKey, TicketPresence>>,
}

impl PresenceRegistry {
    fn record(&self, event: &PresenceEvent) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = (event.tenant_id, event.ticket_id);
        let users = entries.entry(key).or_default();
        if event.state == PresenceState::Left {
            users.remove(&event.user_id);
        } else {
            users.insert(event.user_id, (event.state, event.at));
        }
        if users.is_empty() {
            entries.remove(&key);
        }
    }

    /// The agents present on a ticket at `now`, with what they do, by user id: those who
    /// renewed their report within [`PRESENCE_TTL`].
    #[must_use]
    pub fn on_ticket(
        &self,
        tenant_id: i64,
        ticket_id: i64,
        now: DateTime<Utc>,
    ) -> Vec<(i64, PresenceState)> {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(users) = entries.get_mut(&(tenant_id, ticket_id)) else {
            return Vec::new();
        };
        let ttl = chrono::Duration::from_std(PRESENCE_TTL).unwrap_or(chrono::Duration::MAX);
        users.retain(|_, (_, seen)| now.signed_duration_since(*seen) < ttl);
        let mut present: Vec<_> = users.iter().map(|(id, (state, _))| (*id, *state)).collect();
        present.sort_unstable_by_key(|(id, _)| *id);
        present
    }
}

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
    /// A customer's budgets changed: spend or plan (`customer_id`; every customer's when
    /// `None`, as when an hourly cost changes).
    BudgetUpdated,
    /// A budget's spend crossed one of its thresholds (`customer_id`, `crossed`).
    BudgetThresholdCrossed,
    /// Only bells changed (notifications read): see `notified`.
    BellChanged,
    /// The tenant's setup changed (workflows, settings, SLA policies, departments,
    /// templates): instances forget what they keep of it (`crate::setup`).
    SetupChanged,
    /// Too much changed at once to tell one by one (a job pass, an import): subscribers of
    /// the tenant load again what they show.
    Resync,
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
    /// The users the change put something in the bell of (their bell's count changed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notified: Vec<i64>,
    /// The budget and threshold, for [`LiveEventKind::BudgetThresholdCrossed`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crossed: Option<ThresholdCrossed>,
}

/// A budget's threshold that its spend crossed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThresholdCrossed {
    /// The budget.
    pub budget_id: i64,
    /// The threshold, in percent of the planned amount.
    pub threshold: i32,
}

impl LiveEvent {
    /// An event about ticket `ticket_id`.
    #[must_use]
    pub const fn ticket(
        tenant_id: i64,
        kind: LiveEventKind,
        ticket_id: i64,
        message_id: Option<i64>,
    ) -> Self {
        Self {
            tenant_id,
            kind,
            ticket_id: Some(ticket_id),
            message_id,
            lead_id: None,
            customer_id: None,
            notified: Vec::new(),
            crossed: None,
        }
    }

    /// Everything of `tenant_id` may have changed.
    #[must_use]
    pub const fn resync(tenant_id: i64) -> Self {
        Self::tenant_wide(tenant_id, LiveEventKind::Resync)
    }

    /// An event about the whole of `tenant_id`, no ticket, lead or customer in particular.
    #[must_use]
    pub const fn tenant_wide(tenant_id: i64, kind: LiveEventKind) -> Self {
        Self {
            tenant_id,
            kind,
            ticket_id: None,
            message_id: None,
            lead_id: None,
            customer_id: None,
            notified: Vec::new(),
            crossed: None,
        }
    }

    /// The budgets of `customer_id` (of every customer when `None`) changed.
    #[must_use]
    pub const fn budgets(tenant_id: i64, customer_id: Option<i64>) -> Self {
        Self {
            tenant_id,
            kind: LiveEventKind::BudgetUpdated,
            ticket_id: None,
            message_id: None,
            lead_id: None,
            customer_id,
            notified: Vec::new(),
            crossed: None,
        }
    }

    /// The same event, telling also that `users` have something new in their bell.
    #[must_use]
    pub fn notifying(mut self, users: impl IntoIterator<Item = i64>) -> Self {
        self.notified.extend(users);
        self.notified.sort_unstable();
        self.notified.dedup();
        // A NOTIFY payload is at most 8000 bytes: past a few hundred people, everyone of
        // the tenant checks their bell (a resync of bells).
        if self.notified.len() > MAX_NOTIFIED {
            self.notified = vec![EVERYONE];
        }
        self
    }

    /// Whether `user_id`'s bell changed with this event.
    #[must_use]
    pub fn notifies(&self, user_id: i64) -> bool {
        self.kind == LiveEventKind::Resync
            || self
                .notified
                .iter()
                .any(|id| *id == user_id || *id == EVERYONE)
    }
}

/// The most users an event names in `notified`.
const MAX_NOTIFIED: usize = 400;
/// In `notified`: every user of the tenant.
const EVERYONE: i64 = -1;

/// More changes than this in one pass of a job, for one tenant, are published as one
/// [`LiveEventKind::Resync`] rather than one event each.
pub const BATCH_LIMIT: usize = 20;

/// An event as this instance received it, numbered in the order it did: the number names
/// it for the loads shared by its subscribers.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// This instance's number for the event.
    pub seq: u64,
    /// The event.
    pub event: Arc<LiveEvent>,
}

/// Publishes and distributes live events.
#[derive(Debug, Clone)]
pub struct EventBus {
    local: broadcast::Sender<Delivery>,
    /// The next [`Delivery::seq`].
    seq: Arc<std::sync::atomic::AtomicU64>,
    /// What this instance loaded for its subscribers, by event.
    loads: Arc<crate::live::LiveLoads>,
    /// The tenants' workflows this instance keeps.
    workflows: Arc<crate::workflows::WorkflowCache>,
    /// The rest of the tenants' setup this instance keeps.
    setup: Arc<crate::setup::SetupCache>,
    /// The credentials this instance checked, forgotten when their user's access changes.
    credentials: Arc<crate::credentials::CredentialCache>,
    presence: broadcast::Sender<PresenceEvent>,
    registry: Arc<PresenceRegistry>,
    access: broadcast::Sender<AccessEvent>,
    transport: Transport,
    /// How many receivers [`Self::subscribe`] and [`Self::subscribe_presence`] handed out.
    opened: Arc<watch::Sender<u64>>,
}

impl EventBus {
    /// A bus local to this process (SQLite, tests).
    #[must_use]
    pub fn local() -> Self {
        let (local, _) = broadcast::channel(1024);
        let (presence, registry) = presence_channel();
        let (access, _) = broadcast::channel(256);
        Self {
            local,
            seq: Arc::default(),
            loads: Arc::default(),
            workflows: Arc::default(),
            setup: Arc::default(),
            credentials: Arc::default(),
            presence,
            registry,
            access,
            transport: Transport::Local,
            opened: Arc::new(watch::Sender::new(0)),
        }
    }

    /// A bus that goes through PostgreSQL `NOTIFY`, and the task that listens for it.
    ///
    /// # Errors
    ///
    /// Fails when the listener cannot connect.
    pub async fn postgres(pool: PgPool) -> Result<Self, sqlx::Error> {
        let mut listener = PgListener::connect_with(&pool).await?;
        listener
            .listen_all(Topic::ALL.map(Topic::pg_channel))
            .await?;
        let bus = Self::local().through(Transport::Postgres(pool));
        let inbound = bus.inbound();
        tokio::spawn(async move {
            loop {
                // `recv` reconnects by itself after a lost connection.
                match listener.recv().await {
                    Ok(notification) => {
                        if let Some(topic) = Topic::ALL
                            .into_iter()
                            .find(|t| t.pg_channel() == notification.channel())
                        {
                            inbound.receive(topic, notification.payload().as_bytes());
                        }
                    }
                    Err(error) => {
                        tracing::warn!(%error, "live event listener failed; retrying");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok(bus)
    }

    /// A bus that goes through the NATS server at `url`, on the subjects `<prefix>.events`,
    /// `<prefix>.presence` and `<prefix>.access` (instances of one deployment share the
    /// prefix; deployments sharing a NATS server each have their own), and the task that
    /// listens to them. The client reconnects by itself after a lost connection.
    ///
    /// # Errors
    ///
    /// Fails when the NATS server cannot be reached or refuses the subscription.
    pub async fn nats(url: &str, prefix: &str) -> Result<Self, async_nats::Error> {
        let client = async_nats::connect(url).await?;
        let mut subscription = client.subscribe(format!("{prefix}.*")).await?;
        // The subscription is registered once the server has seen it: events published
        // from now on, by any instance, reach this one.
        client.flush().await?;
        let bus = Self::local().through(Transport::Nats {
            client,
            prefix: prefix.to_owned(),
        });
        let inbound = bus.inbound();
        let prefix = prefix.to_owned();
        tokio::spawn(async move {
            use futures::StreamExt as _;
            while let Some(message) = subscription.next().await {
                let name = message
                    .subject
                    .as_str()
                    .strip_prefix(prefix.as_str())
                    .and_then(|rest| rest.strip_prefix('.'));
                if let Some(topic) = Topic::ALL.into_iter().find(|t| Some(t.name()) == name) {
                    inbound.receive(topic, &message.payload);
                }
            }
            tracing::warn!("the NATS subscription ended: no more live events from other instances");
        });
        Ok(bus)
    }

    fn through(mut self, transport: Transport) -> Self {
        self.transport = transport;
        self
    }

    /// What the transport's listener hands what arrives to.
    fn inbound(&self) -> Inbound {
        Inbound {
            events: self.local.clone(),
            seq: Arc::clone(&self.seq),
            workflows: Arc::clone(&self.workflows),
            setup: Arc::clone(&self.setup),
            credentials: Arc::clone(&self.credentials),
            presence: self.presence.clone(),
            access: self.access.clone(),
        }
    }

    /// Sends `payload` on `topic` to every instance (this one included), through the
    /// transport; `false` when there is none (this instance alone).
    async fn send(&self, topic: Topic, payload: &impl Serialize) -> bool {
        let encoded = || match serde_json::to_string(payload) {
            Ok(encoded) => Some(encoded),
            Err(error) => {
                tracing::error!(%error, topic = topic.name(), "cannot encode an event");
                None
            }
        };
        match &self.transport {
            Transport::Local => false,
            Transport::Postgres(pool) => {
                if let Some(encoded) = encoded() {
                    notify(pool, topic.pg_channel(), encoded).await;
                }
                true
            }
            Transport::Nats { client, prefix } => {
                if let Some(encoded) = encoded() {
                    let subject = format!("{prefix}.{}", topic.name());
                    if let Err(error) = client.publish(subject, encoded.into()).await {
                        tracing::error!(%error, topic = topic.name(), "cannot publish an event");
                    }
                }
                true
            }
        }
    }

    /// Sends `event` to every subscriber of every instance. Failures are logged, never
    /// returned: the change the event reports is already committed.
    pub async fn publish(&self, event: LiveEvent) {
        if event.kind == LiveEventKind::SetupChanged {
            // At once here; other instances when the event reaches them.
            self.workflows.forget(event.tenant_id);
            self.setup.forget(event.tenant_id);
        }
        if !self.send(Topic::Events, &event).await {
            self.inbound().deliver(event);
        }
    }

    /// Publishes what one pass of a job changed: per tenant, each event, or one
    /// [`LiveEventKind::Resync`] when there are more than [`BATCH_LIMIT`] (a pass closing a
    /// thousand tickets does not send a thousand events to every board).
    pub async fn publish_batch(&self, events: Vec<LiveEvent>) {
        let mut by_tenant: std::collections::BTreeMap<i64, Vec<LiveEvent>> =
            std::collections::BTreeMap::new();
        for event in events {
            by_tenant.entry(event.tenant_id).or_default().push(event);
        }
        for (tenant_id, events) in by_tenant {
            if events.len() > BATCH_LIMIT {
                self.publish(LiveEvent::resync(tenant_id)).await;
            } else {
                for event in events {
                    self.publish(event).await;
                }
            }
        }
    }

    /// The tenants' workflows this instance keeps.
    #[must_use]
    pub fn workflows(&self) -> &Arc<crate::workflows::WorkflowCache> {
        &self.workflows
    }

    /// The credentials this instance checked.
    #[must_use]
    pub fn credentials(&self) -> &Arc<crate::credentials::CredentialCache> {
        &self.credentials
    }

    /// The rest of the tenants' setup this instance keeps.
    #[must_use]
    pub fn setup(&self) -> &Arc<crate::setup::SetupCache> {
        &self.setup
    }

    /// The loads of this instance's events, shared by their subscribers.
    #[must_use]
    pub fn loads(&self) -> &crate::live::LiveLoads {
        &self.loads
    }

    /// A new receiver of every event published from now on.
    #[must_use]
    pub fn subscribe(&self) -> broadcast::Receiver<Delivery> {
        let receiver = self.local.subscribe();
        self.count_opened();
        receiver
    }

    /// Tells every instance what `event.user_id` does on a ticket.
    pub async fn publish_presence(&self, event: PresenceEvent) {
        if !self.send(Topic::Presence, &event).await {
            let _ = self.presence.send(event);
        }
    }

    /// A new receiver of every presence event from now on.
    #[must_use]
    pub fn subscribe_presence(&self) -> broadcast::Receiver<PresenceEvent> {
        let receiver = self.presence.subscribe();
        self.count_opened();
        receiver
    }

    /// Tells every instance that a user's access changed, so that connections holding one
    /// of their credentials check it again at once.
    pub async fn publish_access(&self, event: AccessEvent) {
        // At once here (before any socket checks again); other instances when the event
        // reaches them.
        self.credentials.forget_user(event.tenant_id, event.user_id);
        if !self.send(Topic::Access, &event).await {
            let _ = self.access.send(event);
        }
    }

    /// A new receiver of every access change from now on.
    #[must_use]
    pub fn subscribe_access(&self) -> broadcast::Receiver<AccessEvent> {
        self.access.subscribe()
    }

    /// The number of receivers [`Self::subscribe`] and [`Self::subscribe_presence`] have
    /// handed out since the bus was made, watched: it rises once a subscription's receiver
    /// exists, so whoever opened a subscription can await the moment from which it misses
    /// no event (the graphql-transport-ws protocol acknowledges connections, not
    /// subscriptions). It counts openings and never falls, so a subscription ending
    /// meanwhile cannot hide one starting.
    #[must_use]
    pub fn receivers_opened(&self) -> watch::Receiver<u64> {
        self.opened.subscribe()
    }

    fn count_opened(&self) {
        self.opened.send_modify(|opened| *opened += 1);
    }

    /// Who is on which ticket now.
    #[must_use]
    pub fn presence(&self) -> &PresenceRegistry {
        &self.registry
    }
}

/// How events travel between instances.
#[derive(Debug, Clone)]
enum Transport {
    /// They do not: one instance (SQLite, tests).
    Local,
    /// PostgreSQL `NOTIFY`.
    Postgres(PgPool),
    /// NATS subjects under `prefix`.
    Nats {
        client: async_nats::Client,
        prefix: String,
    },
}

/// What travels between instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Topic {
    /// [`LiveEvent`]s.
    Events,
    /// [`PresenceEvent`]s.
    Presence,
    /// [`AccessEvent`]s.
    Access,
}

impl Topic {
    const ALL: [Self; 3] = [Self::Events, Self::Presence, Self::Access];

    /// The NATS subject's last part.
    const fn name(self) -> &'static str {
        match self {
            Self::Events => "events",
            Self::Presence => "presence",
            Self::Access => "access",
        }
    }

    /// The PostgreSQL `NOTIFY` channel.
    const fn pg_channel(self) -> &'static str {
        match self {
            Self::Events => PG_CHANNEL,
            Self::Presence => PG_PRESENCE_CHANNEL,
            Self::Access => PG_ACCESS_CHANNEL,
        }
    }
}

/// Hands what arrives from the transport (or what is published with none) to this
/// instance's subscribers.
#[derive(Clone)]
struct Inbound {
    events: broadcast::Sender<Delivery>,
    seq: Arc<std::sync::atomic::AtomicU64>,
    workflows: Arc<crate::workflows::WorkflowCache>,
    setup: Arc<crate::setup::SetupCache>,
    credentials: Arc<crate::credentials::CredentialCache>,
    presence: broadcast::Sender<PresenceEvent>,
    access: broadcast::Sender<AccessEvent>,
}

impl Inbound {
    /// Numbers `event` and hands it to this instance's subscribers. No receiver is not an
    /// error: nobody is watching.
    fn deliver(&self, event: LiveEvent) {
        if event.kind == LiveEventKind::SetupChanged {
            self.workflows.forget(event.tenant_id);
            self.setup.forget(event.tenant_id);
        }
        let _ = self.events.send(Delivery {
            seq: self.seq.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            event: Arc::new(event),
        });
    }

    /// Decodes what arrived on `topic` and hands it on; malformed payloads are logged and
    /// dropped (whoever can publish on the transport is not trusted to crash us).
    fn receive(&self, topic: Topic, payload: &[u8]) {
        let outcome = match topic {
            Topic::Events => serde_json::from_slice::<LiveEvent>(payload).map(|e| self.deliver(e)),
            Topic::Presence => serde_json::from_slice::<PresenceEvent>(payload).map(|e| {
                let _ = self.presence.send(e);
            }),
            Topic::Access => serde_json::from_slice::<AccessEvent>(payload).map(|e| {
                self.credentials.forget_user(e.tenant_id, e.user_id);
                let _ = self.access.send(e);
            }),
        };
        if let Err(error) = outcome {
            tracing::warn!(%error, topic = topic.name(), "ignoring a malformed event");
        }
    }
}

/// Sends `payload` on the PostgreSQL `NOTIFY` channel `channel`, to every instance's
/// listener. Failures are logged, never returned: what the event reports is committed.
async fn notify(pool: &PgPool, channel: &str, payload: String) {
    if let Err(error) = sqlx::query("SELECT pg_notify($1, $2)")
        .bind(channel)
        .bind(payload)
        .execute(pool)
        .await
    {
        tracing::error!(%error, channel, "cannot publish an event");
    }
}

/// The presence channel, and the registry a background task keeps from it.
fn presence_channel() -> (broadcast::Sender<PresenceEvent>, Arc<PresenceRegistry>) {
    let (sender, mut receiver) = broadcast::channel::<PresenceEvent>(1024);
    let registry = Arc::new(PresenceRegistry::default());
    let kept = Arc::clone(&registry);
    // Outside a runtime (schema export) there is nothing to keep.
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(async move {
            loop {
                match receiver.recv().await {
                    Ok(event) => kept.record(&event),
                    Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => break,
                }
            }
        });
    }
    (sender, registry)
}
