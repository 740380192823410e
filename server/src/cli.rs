//! The `guichet` command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use rand::RngCore;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use tracing_subscriber::EnvFilter;

use crate::clock::SystemClock;
use crate::config::Config;
use crate::demo::{database_is_empty, load_data_set, LoadReport};
use crate::domain::tenants::{create_tenant, NewTenant};
use crate::state::AppState;

/// Guichet: helpdesk and CRM server.
#[derive(Debug, Parser)]
#[command(name = "guichet", version, about)]
pub struct Cli {
    /// Configuration file (TOML); missing is fine.
    #[arg(
        long,
        global = true,
        env = "GUICHET_CONFIG",
        default_value = "guichet.toml"
    )]
    config: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
struct DatabaseArgs {
    /// Database URL (`sqlite://file?mode=rwc` or `postgres://…`); overrides the config.
    #[arg(long)]
    database_url: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the HTTP server (migrating the database first).
    Serve {
        /// Address to listen on, e.g. 0.0.0.0:8080.
        #[arg(long)]
        bind: Option<std::net::SocketAddr>,
        #[command(flatten)]
        db: DatabaseArgs,
        /// Load the demo data set when the database is empty and print its sign-ins.
        #[arg(long)]
        demo: bool,
    },
    /// Brings the database schema up to date.
    Migrate {
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Encrypts every integration's credentials again under the current credentials
    /// secret, after a rotation (the old secret in `credentials_previous_secrets`).
    RotateCredentials {
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Loads the demo data set, `scale` times larger, and optionally a large history.
    Seed {
        /// Multiplies customers and tickets.
        #[arg(long, default_value_t = 1)]
        scale: usize,
        /// Then adds this many tickets (two years of history, with customers, threads,
        /// ratings and time) to the demo tenant with multi-row inserts: a million take
        /// minutes, not hours. For trying the app at the size of a large helpdesk.
        #[arg(long)]
        bulk_tickets: Option<usize>,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Manages tenants.
    Tenant {
        #[command(subcommand)]
        command: TenantCommand,
    },
    /// Maintains the report rollups.
    Rollups {
        #[command(subcommand)]
        command: RollupsCommand,
    },
    /// Prints the GraphQL schema (SDL), as committed in `schema.graphql`.
    Schema,
    /// Prints the permission matrix (Markdown), as printed in `docs/graphql-contract.md`.
    Permissions,
}

#[derive(Debug, Subcommand)]
enum TenantCommand {
    /// Creates a tenant with its first administrator.
    Create {
        /// The organisation's name.
        name: String,
        /// The administrator's e-mail address.
        #[arg(long)]
        admin_email: String,
        /// The administrator's password (8 characters at least).
        #[arg(long, env = "GUICHET_ADMIN_PASSWORD")]
        admin_password: String,
        /// The administrator's display name.
        #[arg(long, default_value = "Administrateur")]
        admin_name: String,
        /// The tenant's identifier, used at sign-in; derived from the name by default.
        #[arg(long)]
        slug: Option<String>,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

#[derive(Debug, Subcommand)]
enum RollupsCommand {
    /// Recomputes the report rollups from the tickets (all tenants, or one), e.g. after
    /// restoring tickets by hand. Ticket writes wait while it runs.
    Rebuild {
        /// Only this tenant (its identifier, as at sign-in).
        #[arg(long)]
        tenant: Option<String>,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

/// Parses the command line and runs it.
pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn")),
        )
        .init();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut config = Config::load(&cli.config).context("cannot read the configuration")?;
    match cli.command {
        Command::Schema => {
            print!("{}", crate::graphql::schema::sdl());
            Ok(())
        }
        Command::Permissions => {
            print!("{}", crate::graphql::permissions::matrix_markdown());
            Ok(())
        }
        Command::Migrate { db } => {
            apply_database_args(&mut config, db);
            open_database(&config).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::Rollups {
            command: RollupsCommand::Rebuild { tenant, db },
        } => {
            apply_database_args(&mut config, db);
            let db = open_database(&config).await?;
            let mut tenants = entity::tenant::Entity::find();
            if let Some(slug) = &tenant {
                tenants = tenants.filter(entity::tenant::Column::Slug.eq(slug.as_str()));
            }
            let tenants = tenants.all(&db).await?;
            anyhow::ensure!(
                !tenants.is_empty() || tenant.is_none(),
                "no tenant `{}`",
                tenant.unwrap_or_default()
            );
            for tenant in tenants {
                let rows = crate::domain::costs::reports::rollups::rebuild(&db, tenant.id).await?;
                println!("{}: {rows} rollup row(s)", tenant.slug);
            }
            Ok(())
        }
        Command::RotateCredentials { db } => {
            apply_database_args(&mut config, db);
            let state = build_state(config).await?;
            let rewritten =
                crate::domain::integrations::rotate_credentials(&state.services).await?;
            println!("{rewritten} integration(s) encrypted under the current secret");
            Ok(())
        }
        Command::Seed {
            scale,
            bulk_tickets,
            db,
        } => {
            apply_database_args(&mut config, db);
            let state = build_state(config).await?;
            let report = load_data_set(&state.services, &seeds::scaled(scale)).await?;
            print_report(&report);
            if let Some(tickets) = bulk_tickets {
                bulk_load(&state, &report.tenant_slug, tickets).await?;
            }
            Ok(())
        }
        Command::Tenant {
            command:
                TenantCommand::Create {
                    name,
                    admin_email,
                    admin_password,
                    admin_name,
                    slug,
                    db,
                },
        } => {
            apply_database_args(&mut config, db);
            let db = open_database(&config).await?;
            let input = NewTenant {
                name,
                slug,
                admin_email,
                admin_password,
                admin_name,
            };
            let (tenant, admin) = create_tenant(&db, input, chrono::Utc::now()).await?;
            println!(
                "tenant '{}' created (identifier: {}); administrator: {}",
                tenant.name, tenant.slug, admin.email
            );
            Ok(())
        }
        Command::Serve { bind, db, demo } => {
            apply_database_args(&mut config, db);
            if let Some(bind) = bind {
                config.bind = bind;
            }
            if demo {
                // A demo is for exploring: the API explorer and introspection are on.
                config.graphiql = true;
                config.introspection = true;
            }
            let state = build_state(config).await?;
            if demo {
                if database_is_empty(&state.services).await? {
                    let report = load_data_set(&state.services, &seeds::demo()).await?;
                    print_report(&report);
                } else {
                    println!("the database already holds data: demo data not loaded again");
                    let demo = seeds::demo();
                    let logins = demo
                        .users
                        .iter()
                        .map(|u| crate::demo::DemoLogin {
                            role: u.role.to_owned(),
                            email: u.email.clone(),
                            password: seeds::DEMO_PASSWORD.to_owned(),
                        })
                        .collect();
                    print_report(&LoadReport {
                        tenant_slug: demo.tenant_slug,
                        already_loaded: true,
                        logins,
                        tickets: 0,
                    });
                }
            }
            serve(state).await
        }
    }
}

fn apply_database_args(config: &mut Config, args: DatabaseArgs) {
    if let Some(url) = args.database_url {
        config.database_url = Some(url);
    }
}

async fn open_database(config: &Config) -> anyhow::Result<sea_orm::DatabaseConnection> {
    if config.database_url.is_none() {
        private_folder(&config.data_dir)?;
    }
    let url = config.effective_database_url();
    let db = crate::db::connect(&url).await.with_context(|| {
        format!(
            "cannot open the database {}",
            crate::config::redact_url(&url)
        )
    })?;
    crate::db::migrate(&db).await.context("migrations failed")?;
    Ok(db)
}

async fn build_state(config: Config) -> anyhow::Result<AppState> {
    let db = open_database(&config).await?;
    let secret = session_secret(&config)?;
    AppState::new(config, db, Arc::new(SystemClock), &secret)
        .await
        .context("cannot start the server")
}

/// Creates `folder` (and its parents) readable by this user only (0700 on Unix): it holds
/// the SQLite database, the attachments and the session secret.
fn private_folder(folder: &Path) -> anyhow::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(folder)
        .with_context(|| format!("cannot create the data folder {}", folder.display()))
}

/// The shortest session secret accepted, in bytes: HS256 keys shorter than the hash are
/// guessable offline from one token.
const MIN_SECRET_BYTES: usize = 32;

/// The configured session secret, or one generated once and kept in the data folder
/// (0600 on Unix).
fn session_secret(config: &Config) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = &config.session_secret {
        anyhow::ensure!(
            secret.len() >= MIN_SECRET_BYTES,
            "the session secret (GUICHET_SESSION_SECRET) needs at least {MIN_SECRET_BYTES} bytes; \
             leave it unset to have one generated"
        );
        return Ok(secret.as_bytes().to_vec());
    }
    let path: &Path = &config.data_dir.join("session.secret");
    if let Ok(existing) = std::fs::read_to_string(path) {
        if existing.trim().len() >= 32 {
            return Ok(existing.trim().as_bytes().to_vec());
        }
    }
    private_folder(&config.data_dir)?;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    std::io::Write::write_all(
        &mut options
            .open(path)
            .with_context(|| format!("cannot write {}", path.display()))?,
        secret.as_bytes(),
    )
    .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(secret.into_bytes())
}

/// Adds `tickets` bulk tickets to tenant `slug`, assigned among its agents.
async fn bulk_load(state: &AppState, slug: &str, tickets: usize) -> anyhow::Result<()> {
    use entity::enums::Role;
    use entity::{tenant, user};
    use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

    let db = &state.services.db;
    let tenant = tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(slug))
        .one(db)
        .await?
        .with_context(|| format!("no tenant '{slug}'"))?;
    let agents: Vec<i64> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::TenantId.eq(tenant.id))
        .filter(user::Column::Role.eq(Role::Agent))
        .into_tuple()
        .all(db)
        .await?;
    anyhow::ensure!(!agents.is_empty(), "tenant '{slug}' has no agent");
    let started = std::time::Instant::now();
    let shown = BulkProgress::new(tickets);
    let loaded = crate::bulk::load_with_progress(
        db,
        tenant.id,
        &agents,
        tickets,
        state.services.now(),
        &|progress| shown.show(progress),
    )
    .await;
    shown.finish();
    let loaded = loaded?;
    let load_time = started.elapsed();
    db.execute_unprepared("ANALYZE").await?;
    println!(
        "bulk data loaded into '{slug}': {} tickets, {} customers, {} messages ({:.1} per \
         ticket), {} history entries, {} time entries in {:.1} s (planner statistics: {:.1} s)",
        loaded.tickets,
        loaded.customers,
        loaded.messages,
        ratio(loaded.messages, loaded.tickets),
        loaded.events,
        loaded.time_entries,
        load_time.as_secs_f64(),
        (started.elapsed() - load_time).as_secs_f64()
    );
    Ok(())
}

#[allow(clippy::cast_precision_loss)] // A figure to read.
fn ratio(part: usize, whole: usize) -> f64 {
    part as f64 / whole.max(1) as f64
}

/// A bulk load's progress on stderr: a bar on a terminal, otherwise a line every few
/// seconds (a log stays readable).
struct BulkProgress {
    bar: Option<indicatif::ProgressBar>,
    started: std::time::Instant,
    last_line: std::sync::Mutex<std::time::Instant>,
}

impl BulkProgress {
    const LINE_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

    fn new(total: usize) -> Self {
        use std::io::IsTerminal as _;
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(u64::try_from(total).unwrap_or(u64::MAX));
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{wide_bar}] {human_pos}/{human_len} tickets, {per_sec} {msg}",
            ) {
                bar.set_style(style);
            }
            bar
        });
        let now = std::time::Instant::now();
        Self {
            bar,
            started: now,
            last_line: std::sync::Mutex::new(now),
        }
    }

    fn show(&self, progress: crate::bulk::Progress) {
        use crate::bulk::Progress;
        if let Some(bar) = &self.bar {
            match progress {
                Progress::Rows { tickets, .. } => {
                    bar.set_position(u64::try_from(tickets).unwrap_or(u64::MAX));
                }
                Progress::Indexes => bar.set_message("(rows written; building indexes)"),
            }
            return;
        }
        let elapsed = self.started.elapsed();
        match progress {
            Progress::Rows { tickets, total } => {
                let Ok(mut last) = self.last_line.lock() else {
                    return;
                };
                if last.elapsed() >= Self::LINE_EVERY || tickets == total {
                    *last = std::time::Instant::now();
                    eprintln!(
                        "{tickets}/{total} tickets written in {:.0} s ({:.0} tickets/s)",
                        elapsed.as_secs_f64(),
                        ratio(tickets, 1) / elapsed.as_secs_f64().max(0.001)
                    );
                }
            }
            Progress::Indexes => eprintln!(
                "rows written in {:.0} s; building indexes",
                elapsed.as_secs_f64()
            ),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish();
        }
    }
}

fn print_report(report: &LoadReport) {
    if !report.already_loaded {
        println!(
            "demo data loaded: tenant '{}', {} tickets",
            report.tenant_slug, report.tickets
        );
    }
    if !report.logins.is_empty() {
        println!("demo sign-ins (tenant '{}'):", report.tenant_slug);
        for login in &report.logins {
            println!("  {:<9} {:<38} {}", login.role, login.email, login.password);
        }
    }
}

/// Serves until SIGTERM or Ctrl-C, then shuts down gracefully ([`serve_on`]).
///
/// # Errors
///
/// Fails when the address cannot be bound.
pub async fn serve(state: AppState) -> anyhow::Result<()> {
    let bind = state.config.bind;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    println!("Guichet listens on http://{bind}/ (GraphQL at /graphql)");
    serve_on(state, listener, termination()).await
}

/// Completes at SIGTERM (what service managers and container runtimes send) or Ctrl-C.
async fn termination() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// How long the shutdown waits for open websockets to take their close frame, and for
/// the scheduler's running step.
const DRAIN: std::time::Duration = std::time::Duration::from_secs(30);

/// Serves on `listener`, with the scheduled jobs, until `stop` completes. Then: no new
/// connection is accepted, requests in flight are answered, every websocket is closed
/// with 1001 ("going away", the client reconnects elsewhere or later), and the jobs'
/// running pass finishes; only then does it return.
///
/// # Errors
///
/// Fails when serving fails.
pub async fn serve_on(
    state: AppState,
    listener: tokio::net::TcpListener,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let scheduler = (state.config.jobs_interval_seconds > 0).then(|| {
        crate::jobs::spawn_scheduler(
            state.services.clone(),
            std::time::Duration::from_secs(state.config.jobs_interval_seconds),
            state.shutting_down(),
        )
    });
    let app = crate::app(state.clone());
    let down = state.clone();
    let header_timeout = std::time::Duration::from_secs(state.config.http_header_timeout_seconds);
    crate::http::listen(listener, app, header_timeout, async move {
        stop.await;
        tracing::info!("shutting down: answering requests in flight, closing sockets");
        down.begin_shutdown();
    })
    .await;
    let deadline = tokio::time::Instant::now() + DRAIN;
    while state.sockets.open() > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    if let Some(scheduler) = scheduler {
        if tokio::time::timeout_at(deadline, scheduler).await.is_err() {
            tracing::warn!("the scheduled jobs did not finish their step in time");
        }
    }
    tracing::info!("shut down");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_and_kept_private() -> anyhow::Result<()> {
        let folder = tempfile::tempdir()?;
        let short = Config {
            session_secret: Some("trop-court".into()),
            data_dir: folder.path().join("data"),
            ..Config::default()
        };
        assert!(session_secret(&short).is_err());
        let generated = Config {
            session_secret: None,
            ..short
        };
        let secret = session_secret(&generated)?;
        assert!(secret.len() >= MIN_SECRET_BYTES);
        // Read back the same on the next start.
        assert_eq!(session_secret(&generated)?, secret);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).map(|m| m.permissions().mode() & 0o777);
            assert_eq!(mode(&generated.data_dir)?, 0o700);
            assert_eq!(mode(&generated.data_dir.join("session.secret"))?, 0o600);
        }
        Ok(())
    }
}
