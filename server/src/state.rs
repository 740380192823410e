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
    /// The NATS server carrying live events could not be reached.
    #[error("cannot reach the NATS server for live events: {0}")]
    Nats(String),
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
    /// Open websockets per client address and per user.
    pub sockets: Arc<crate::http::SocketCounts>,
    /// Turns `true` once the server is shutting down: sockets close ("going away") and the
    /// scheduler stops after its running pass.
    pub shutdown: Arc<tokio::sync::watch::Sender<bool>>,
}

impl AppState {
    /// Tells sockets and the scheduler that the server is shutting down.
    pub fn begin_shutdown(&self) {
        self.shutdown.send_replace(true);
    }

    /// Completes once the server is shutting down.
    pub fn shutting_down(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut watch = self.shutdown.subscribe();
        async move {
            let _ = watch.wait_for(|down| *down).await;
        }
    }

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
        let events = if let Some(url) = &config.nats_url {
            EventBus::nats(url, &config.nats_subject_prefix)
                .await
                .map_err(|e| StartupError::Nats(e.to_string()))?
        } else if db.get_database_backend() == DbBackend::Postgres {
            EventBus::postgres(db.get_postgres_connection_pool().clone()).await?
        } else {
            EventBus::local()
        };
        let folder = config.data_dir.join("attachments");
        std::fs::create_dir_all(&folder)
            .map_err(|e| StartupError::Storage(format!("{}: {e}", folder.display())))?;
        let storage = object_store::local::LocalFileSystem::new_with_prefix(&folder)
            .map_err(|e| StartupError::Storage(format!("{}: {e}", folder.display())))?;
        let bytes = |secrets: &[String]| -> Vec<Vec<u8>> {
            secrets.iter().map(|s| s.as_bytes().to_vec()).collect()
        };
        let previous_sessions = bytes(&config.session_previous_secrets);
        let keys = SessionKeys::rotating(session_secret, &previous_sessions, config.session_hours);
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
        // Without a credentials secret of its own, the key comes from the session secret,
        // and former session secrets still decrypt.
        let mut previous_credentials = bytes(&config.credentials_previous_secrets);
        let credentials_secret = match config.credentials_secret.as_deref() {
            Some(secret) => secret.as_bytes(),
            None => {
                previous_credentials.extend(previous_sessions);
                session_secret
            }
        };
        let channels = Channels::rotating(
            credentials_secret,
            &previous_credentials,
            &config.effective_public_url(),
        );
        let services = Services {
            writes: crate::domain::write::WriteTurns::for_backend(db.get_database_backend()),
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
            sockets: Arc::default(),
            shutdown: Arc::new(tokio::sync::watch::Sender::new(false)),
        })
    }
}
