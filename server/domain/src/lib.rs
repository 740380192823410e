//! The rules of Guichet, free of HTTP and GraphQL: a crate of its own, so that the build
//! itself refuses an `axum`, `async_graphql` or HTTP-client import here.
//!
//! Every operation takes the [`Services`] it needs and the [`Actor`] asking, checks tenancy
//! and permissions itself, and returns entity models or a [`DomainError`]. GraphQL
//! resolvers, webhooks, jobs and the CLI are all doors into these functions.

pub mod actor;
pub mod api_tokens;
pub mod attachments;
pub mod auth;
pub mod auto_close;
pub mod calendar;
pub mod channels;
pub mod clock;
pub mod costs;
pub mod credentials;
pub mod customers;
pub mod delivery;
pub mod error;
pub mod events;
pub mod ical;
pub mod integrations;
pub mod leads;
pub mod letters;
pub mod live;
pub mod mail;
pub mod mail_threads;
pub mod notices;
pub mod notifications;
pub mod permissions;
pub mod presence;
pub mod satisfaction;
pub mod scope;
pub mod sessions;
pub mod settings;
pub mod setup;
pub mod sla;
pub mod telegram_links;
pub mod templates;
pub mod tenants;
pub mod text;
pub mod ticket_summaries;
pub mod tickets;
pub mod users;
pub mod workflows;
pub mod write;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

pub use actor::{Actor, AuthMethod, Scope};
pub use error::{DomainError, DomainResult};
pub use permissions::Permission;

use crate::clock::SharedClock;
use crate::events::EventBus;

/// What domain operations need from the outside world.
#[derive(Debug, Clone)]
pub struct Services {
    /// The database pool.
    pub db: DatabaseConnection,
    /// The clock (injected so tests can move time).
    pub clock: SharedClock,
    /// Live events to subscribers.
    pub events: EventBus,
    /// Where attachment contents are kept.
    pub storage: attachments::SharedStore,
    /// Outgoing mail: relay, sender, link signing.
    pub mail: mail::Mailer,
    /// Channel integrations: credentials key, provider addresses.
    pub channels: integrations::Channels,
    /// What sends the outboxes' messages (SMTP, providers' APIs), plugged in by the server.
    pub transports: delivery::Transports,
    /// The words of every notice (bell, mails, chat pushes), plugged in by the server.
    pub wording: notices::SharedWording,
    /// Failed sign-ins of this instance, per account and client address.
    pub login_throttle: std::sync::Arc<auth::LoginThrottle>,
    /// The turn of this instance's write transactions (SQLite has one writer at a time).
    pub writes: write::WriteTurns,
}

impl Services {
    /// Begins a write transaction, in turn with the instance's other writers on SQLite.
    ///
    /// # Errors
    ///
    /// Database errors; [`DomainError::Internal`] when no turn came within 30 s.
    pub async fn begin(&self) -> DomainResult<write::WriteTxn> {
        self.writes.begin(&self.db).await
    }

    /// The current time according to the injected clock.
    #[must_use]
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The words of tenant `tenant_id`: its admins' templates over the built-in wording
    /// (kept with the tenant's setup; read through `db` when this instance has not kept it).
    ///
    /// # Errors
    ///
    /// Database errors.
    pub async fn words(
        &self,
        db: &impl sea_orm::ConnectionTrait,
        tenant_id: i64,
    ) -> DomainResult<templates::TenantWords<'_>> {
        Ok(match self.events.setup().get(db, tenant_id).await? {
            Some(setup) => templates::TenantWords::with_overrides(
                self.wording.as_ref(),
                setup.templates.clone(),
            ),
            None => templates::TenantWords::builtin(self.wording.as_ref()),
        })
    }

    /// What tenant `tenant_id` has set up (settings, SLA policies, departments, templates),
    /// as this instance keeps it; `None` for a tenant that does not exist.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub async fn setup(
        &self,
        tenant_id: i64,
    ) -> DomainResult<Option<std::sync::Arc<setup::TenantSetup>>> {
        self.events.setup().get(&self.db, tenant_id).await
    }

    /// Whether the database answers (the health check).
    ///
    /// # Errors
    ///
    /// The database's error.
    pub async fn check_database(&self) -> DomainResult<()> {
        use sea_orm::ConnectionTrait as _;
        self.db.execute_unprepared("SELECT 1").await?;
        Ok(())
    }
}
