//! The state shared by every request.

use std::sync::Arc;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend};

use crate::clock::SharedClock;
use crate::config::Config;
use crate::domain::auth::SessionKeys;
use crate::domain::integrations::Channels;
use crate::domain::mail::Mailer;
use crate::domain::Services;
use crate::events::EventBus;
use crate::graphql::{build_schema, GuichetSchema};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The live event listener could not connect.
    #[error("cannot start live events: {0}")]
    Events(#[from] sqlx::Error),
    /// The attachment storage could not be opened.
    #[error("cannot open the attachment storage {0}")]
    Storage(String),
    /// The mail settings are wrong.
    #[error("cannot set up mail: {0}")]
    Mail(String),
}

/// Everything handlers need, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The configuration in force.
    pub config: Arc<Config>,
    /// Database, clock and events, as the domain takes them.
    pub services: Services,
    /// Session token keys.
    pub keys: SessionKeys,
    /// The GraphQL schema.
    pub schema: GuichetSchema,
}

impl AppState {
    /// Assembles the state. On PostgreSQL, live events go through `LISTEN/NOTIFY` so that
    /// several instances share them; elsewhere they stay in-process.
    ///
    /// # Errors
    ///
    /// Fails when the PostgreSQL listener cannot connect or the attachment folder cannot be
    /// created.
    pub async fn new(
        config: Config,
        db: DatabaseConnection,
        clock: SharedClock,
        session_secret: &[u8],
    ) -> Result<Self, StartupError> {
        let events = if db.get_database_backend() == DbBackend::Postgres {
            EventBus::postgres(db.get_postgres_connection_pool().clone()).await?
        } else {
            EventBus::local()
        };
        let folder = config.data_dir.join("attachments");
        std::fs::create_dir_all(&folder)
            .map_err(|e| StartupError::Storage(format!("{}: {e}", folder.display())))?;
        let storage = object_store::local::LocalFileSystem::new_with_prefix(&folder)
            .map_err(|e| StartupError::Storage(format!("{}: {e}", folder.display())))?;
        let keys = SessionKeys::new(session_secret, config.session_hours);
        let mail = Mailer::new(
            &config.mail_from,
            &config.effective_public_url(),
            keys.clone(),
        )
        .map_err(|e| StartupError::Mail(e.to_string()))?;
        let transports = crate::channels::transport::transports(
            config.smtp_url.as_deref(),
            &config.telegram_api_url,
            &config.twilio_api_url,
        )
        .map_err(StartupError::Mail)?;
        let credentials_secret = config
            .credentials_secret
            .as_deref()
            .map_or(session_secret, str::as_bytes);
        let channels = Channels::new(credentials_secret, &config.effective_public_url());
        let services = Services {
            db,
            clock,
            events,
            storage: Arc::new(storage),
            mail,
            channels,
            transports,
            wording: Arc::new(crate::texts::Templates),
            login_throttle: Arc::default(),
        };
        let schema = build_schema(Some(services.clone()), Some(keys.clone()), &config);
        Ok(Self {
            config: Arc::new(config),
            services,
            keys,
            schema,
        })
    }
}
