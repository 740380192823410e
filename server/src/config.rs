//! Configuration: one struct, read once at start-up and passed down.
//!
//! Precedence, lowest first: built-in defaults, the TOML file (`guichet.toml` or
//! `--config`), `GUICHET_*` environment variables, `DATABASE_URL`, then command-line flags.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

/// Everything the server needs to know about its environment.
#[derive(Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub bind: SocketAddr,
    /// Database URL: `sqlite://path?mode=rwc` (default, a file under `data_dir`) or
    /// `postgres://user@host/db`.
    pub database_url: Option<String>,
    /// Folder for the SQLite file, the generated signing secret and attachments.
    pub data_dir: PathBuf,
    /// Secret from which the keys that sign session tokens and links are derived (HKDF,
    /// one key per purpose). Every instance of one deployment must share it; when unset,
    /// one is generated once and kept in `data_dir/session.secret`.
    pub session_secret: Option<String>,
    /// Former session secrets whose tokens and links still verify (never sign) during a
    /// rotation; remove them once `session_hours` have passed (SECURITY.md).
    pub session_previous_secrets: Vec<String>,
    /// How long a session token is valid, in hours.
    pub session_hours: i64,
    /// Folder holding the built single-page app (`cargo xtask build-spa`).
    pub spa_dir: PathBuf,
    /// Whether `GET /graphql` serves the GraphiQL explorer (off by default; `serve --demo`
    /// turns it on).
    pub graphiql: bool,
    /// Whether the schema answers introspection and suggests field names in errors (off by
    /// default: the committed `schema.graphql` is the contract; `serve --demo` turns it on).
    pub introspection: bool,
    /// Largest accepted request body, in bytes (attachments are at most 10 MB).
    pub body_limit_bytes: usize,
    /// Deepest accepted GraphQL query.
    pub graphql_depth_limit: usize,
    /// Highest accepted GraphQL query complexity; a list counts as many times its
    /// children as it may hold (`first`).
    pub graphql_complexity_limit: usize,
    /// Most directives in one request.
    pub graphql_directive_limit: usize,
    /// Most aliased fields in one request.
    pub graphql_alias_limit: usize,
    /// Most root fields in one operation.
    pub graphql_root_field_limit: usize,
    /// Seconds a websocket may take to send `connection_init` before it is closed (4408).
    pub ws_init_timeout_seconds: u64,
    /// Most operations (subscriptions) open at once on one websocket.
    pub ws_subscriptions_per_connection: usize,
    /// Most websockets open at once from one client address, on one instance (429 beyond).
    pub ws_connections_per_address: usize,
    /// Most websockets open at once for one user, on one instance (refused at
    /// `connection_init` beyond).
    pub ws_connections_per_user: usize,
    /// Addresses of reverse proxies in front of this server: for requests from them, the
    /// client's address is read from `X-Forwarded-For` (the last address no proxy of this
    /// list added). Empty: the TCP peer is the client, and the header is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// A NATS server (`nats://127.0.0.1:4222`) carrying live events between instances
    /// instead of PostgreSQL `NOTIFY`, for deployments whose write rate makes `NOTIFY` (a
    /// lock taken at every notifying commit) the bottleneck. Unset: `NOTIFY` on PostgreSQL,
    /// nothing to carry on SQLite (one instance).
    pub nats_url: Option<String>,
    /// The first part of the NATS subjects (`<prefix>.events`, `.presence`, `.access`):
    /// the instances of one deployment share it; deployments sharing a NATS server do not.
    pub nats_subject_prefix: String,
    /// Web origins (`https://crm.example.com`) besides the server's own address whose pages
    /// may open the GraphQL websocket; browsers from elsewhere are refused (403).
    pub allowed_origins: Vec<String>,
    /// Seconds an HTTP request may take, reading included, before it is answered 408.
    pub http_request_timeout_seconds: u64,
    /// Seconds a client may take to send a request's headers before its connection is
    /// dropped (slow clients holding connections open).
    pub http_header_timeout_seconds: u64,
    /// Most HTTP requests served at once by this instance; others wait their turn.
    pub http_concurrency_limit: usize,
    /// Seconds between runs of the scheduled jobs (SLA, auto-close); 0 disables them.
    pub jobs_interval_seconds: u64,
    /// SMTP relay for outgoing mail: `smtp://host:port` (plain), `…?tls=required`
    /// (STARTTLS) or `smtps://user:password@host:port`. Unset: mail stays queued in the
    /// outbox.
    pub smtp_url: Option<String>,
    /// The sender of outgoing mail.
    pub mail_from: String,
    /// The address users reach this server at, for links in mails; defaults to
    /// `http://<bind>`.
    pub public_url: Option<String>,
    /// Secret from which the key that encrypts integration credentials at rest is derived
    /// (ChaCha20-Poly1305). Every instance of one deployment must share it; when unset, the
    /// key is derived from the session secret.
    pub credentials_secret: Option<String>,
    /// Former credentials secrets that still decrypt during a rotation, until
    /// `guichet rotate-credentials` has encrypted every integration again (SECURITY.md).
    pub credentials_previous_secrets: Vec<String>,
    /// Base address of the Telegram Bot API (`https://api.telegram.org`); tests point it at
    /// a local fake.
    pub telegram_api_url: String,
    /// Base address of Twilio's REST API (`https://api.twilio.com`); tests point it at a
    /// local fake.
    pub twilio_api_url: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: None,
            data_dir: PathBuf::from("data"),
            session_secret: None,
            session_previous_secrets: Vec::new(),
            session_hours: 12,
            spa_dir: PathBuf::from("app/dist"),
            graphiql: false,
            introspection: false,
            body_limit_bytes: 12 * 1024 * 1024,
            graphql_depth_limit: 12,
            graphql_complexity_limit: 20_000,
            graphql_directive_limit: 16,
            graphql_alias_limit: 32,
            graphql_root_field_limit: 16,
            ws_init_timeout_seconds: 10,
            ws_subscriptions_per_connection: 64,
            ws_connections_per_address: 256,
            ws_connections_per_user: 32,
            nats_url: None,
            nats_subject_prefix: "guichet".to_owned(),
            allowed_origins: Vec::new(),
            trusted_proxies: Vec::new(),
            http_request_timeout_seconds: 30,
            http_header_timeout_seconds: 10,
            http_concurrency_limit: 512,
            jobs_interval_seconds: 60,
            smtp_url: None,
            mail_from: "Guichet <no-reply@guichet.localhost>".to_owned(),
            public_url: None,
            credentials_secret: None,
            credentials_previous_secrets: Vec::new(),
            telegram_api_url: "https://api.telegram.org".to_owned(),
            twilio_api_url: "https://api.twilio.com".to_owned(),
        }
    }
}

/// Prints the configuration with its secrets hidden: the session and credentials secrets,
/// and passwords in the database and SMTP URLs.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |secret: &Option<String>| secret.as_ref().map(|_| "***");
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field(
                "database_url",
                &self.database_url.as_deref().map(redact_url),
            )
            .field("data_dir", &self.data_dir)
            .field("session_secret", &hidden(&self.session_secret))
            .field(
                "session_previous_secrets",
                &self.session_previous_secrets.len(),
            )
            .field("session_hours", &self.session_hours)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("mail_from", &self.mail_from)
            .field("public_url", &self.public_url)
            .field("credentials_secret", &hidden(&self.credentials_secret))
            .field(
                "credentials_previous_secrets",
                &self.credentials_previous_secrets.len(),
            )
            .finish_non_exhaustive()
    }
}

/// Hides the password of a URL (`scheme://user:password@host`) before it is printed or
/// logged.
#[must_use]
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl Config {
    /// Reads the defaults, the TOML file at `file` (if it exists) and the environment.
    ///
    /// # Errors
    ///
    /// Fails when the file or a variable holds a value of the wrong type.
    pub fn load(file: &Path) -> Result<Self, Box<figment::Error>> {
        Figment::from(Serialized::defaults(Self::default()))
            .merge(Toml::file(file))
            .merge(Env::prefixed("GUICHET_"))
            .merge(Env::raw().only(&["DATABASE_URL"]))
            .extract()
            .map_err(Box::new)
    }

    /// The public address in force: the configured one or `http://<bind>`.
    #[must_use]
    pub fn effective_public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind))
    }

    /// The database URL in force: the configured one or the default SQLite file.
    #[must_use]
    pub fn effective_database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("guichet.sqlite").display()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{redact_url, Config};

    #[test]
    fn secrets_never_print() {
        let config = Config {
            session_secret: Some("session-secret-that-is-long-enough-0123".into()),
            session_previous_secrets: vec!["previous-session-secret-long-enough".into()],
            credentials_secret: Some("credentials-secret-long-enough-0123".into()),
            database_url: Some("postgres://guichet:db-password@db/guichet".into()),
            smtp_url: Some("smtps://mailer:smtp-password@smtp.example:465".into()),
            ..Config::default()
        };
        let printed = format!("{config:?}");
        for secret in [
            "session-secret",
            "previous-session",
            "credentials-secret",
            "db-password",
            "smtp-password",
        ] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
        assert!(
            printed.contains("smtps://mailer:***@smtp.example:465"),
            "{printed}"
        );
        // An `@` in the password itself.
        assert_eq!(
            redact_url("postgres://u:p@ss@host/db"),
            "postgres://u:***@host/db"
        );
        assert_eq!(
            redact_url("sqlite://data/g.sqlite"),
            "sqlite://data/g.sqlite"
        );
        let error = crate::channels::transport::transports(
            Some("smtps://mailer:smtp-password@/bad:port:x"),
            "http://t",
            "http://w",
        )
        .err()
        .unwrap_or_default();
        assert!(error.starts_with("bad SMTP URL"), "{error}");
        assert!(!error.contains("smtp-password"), "{error}");
    }
}
