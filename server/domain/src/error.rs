//! The one error type of the domain. The GraphQL layer maps each variant to a stable
//! `extensions.code`; database and internal causes are logged there and never shown.

use sea_orm::{DbErr, RuntimeErr};

/// What can go wrong in a domain operation.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// The caller is not signed in, or their credentials are wrong, expired or revoked.
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller is signed in but may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The row does not exist, or exists in another tenant (the two are indistinguishable on
    /// purpose).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// An input value is wrong; `field` names it as the API spells it.
    #[error("{message}")]
    Validation {
        /// The input field at fault.
        field: &'static str,
        /// A sentence saying what is wrong and what is expected.
        message: String,
    },
    /// The change collides with the current state (a duplicate, a concurrent update).
    #[error("{0}")]
    Conflict(String),
    /// Too many failed attempts: wait `retry_after_seconds` before trying again.
    #[error("too many failed sign-ins: try again in {retry_after_seconds} s")]
    RateLimited {
        /// Seconds until the next attempt is heard.
        retry_after_seconds: i64,
    },
    /// The database failed.
    #[error("database error")]
    Db(#[source] DbErr),
    /// Anything else that is not the caller's fault: what we were doing, and why it failed
    /// (kept whole for the log, never sent to the caller).
    #[error("{context}")]
    Internal {
        /// What failed, in a few words.
        context: String,
        /// The cause, with its own chain of sources.
        #[source]
        source: Option<BoxError>,
    },
}

/// Any error, as a cause kept in [`DomainError::Internal`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl DomainError {
    /// Shorthand for [`DomainError::Validation`].
    pub fn validation(field: &'static str, message: impl Into<String>) -> Self {
        Self::Validation {
            field,
            message: message.into(),
        }
    }

    /// An internal error without a further cause.
    pub fn internal(context: impl Into<String>) -> Self {
        Self::Internal {
            context: context.into(),
            source: None,
        }
    }

    /// An internal error caused by `source`, whose chain is kept for the log.
    pub fn internal_from(context: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Self::Internal {
            context: context.into(),
            source: Some(source.into()),
        }
    }

    /// The stable machine-readable code of this error, as sent in `extensions.code`.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::NotFound(_) => "NOT_FOUND",
            Self::Validation { .. } => "BAD_USER_INPUT",
            Self::Conflict(_) => "CONFLICT",
            Self::RateLimited { .. } => "RATE_LIMITED",
            Self::Db(_) | Self::Internal { .. } => "INTERNAL",
        }
    }
}

impl From<DbErr> for DomainError {
    fn from(err: DbErr) -> Self {
        if let DbErr::RecordNotFound(_) = err {
            return Self::NotFound("record");
        }
        if let Some(db) = database_error(&err) {
            // Unique violations are the caller's business (a duplicate), named by the
            // constraint the migrations created; the rest is ours.
            if db.is_unique_violation() {
                let message =
                    violated_constraint(db).map_or("this record already exists", |c| c.message);
                return Self::Conflict(message.to_owned());
            }
            if db.is_foreign_key_violation() {
                return Self::validation("id", "a referenced record does not exist");
            }
        }
        Self::Db(err)
    }
}

fn database_error(err: &DbErr) -> Option<&(dyn sqlx::error::DatabaseError + 'static)> {
    match err {
        DbErr::Query(RuntimeErr::SqlxError(e)) | DbErr::Exec(RuntimeErr::SqlxError(e)) => {
            e.as_database_error()
        }
        _ => None,
    }
}

/// A unique constraint (index) created by the migrations, and what a duplicate means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UniqueConstraint {
    /// The index's name, as PostgreSQL reports it.
    pub name: &'static str,
    /// Its table.
    pub table: &'static str,
    /// Its columns, in order, as SQLite reports them.
    pub columns: &'static [&'static str],
    /// The sentence the caller gets with `CONFLICT`.
    pub message: &'static str,
}

const fn unique(
    name: &'static str,
    table: &'static str,
    columns: &'static [&'static str],
    message: &'static str,
) -> UniqueConstraint {
    UniqueConstraint {
        name,
        table,
        columns,
        message,
    }
}

/// Every unique constraint of the schema; a test checks this list against the migrated
/// database on both backends, so a new unique index without a sentence fails it.
pub const UNIQUE_CONSTRAINTS: &[UniqueConstraint] = &[
    unique(
        "idx_message_templates_notice",
        "message_templates",
        &["tenant_id", "notice", "lang"],
        "this notice already has a template in this language",
    ),
    unique(
        "uq_tenants_slug",
        "tenants",
        &["slug"],
        "this tenant name is already taken",
    ),
    unique(
        "uq_users_tenant_id_email",
        "users",
        &["tenant_id", "email"],
        "this e-mail address is already in use",
    ),
    unique(
        "uq_customers_tenant_id_email",
        "customers",
        &["tenant_id", "email"],
        "this e-mail address is already in use",
    ),
    unique(
        "uq_customers_tenant_id_phone",
        "customers",
        &["tenant_id", "phone"],
        "this phone number is already in use",
    ),
    unique(
        "uq_departments_tenant_id_kind",
        "departments",
        &["tenant_id", "kind"],
        "this department already exists",
    ),
    unique(
        "uq_agent_hourly_costs_user_id_effective_from",
        "agent_hourly_costs",
        &["user_id", "effective_from"],
        "this agent already has an hourly cost from that date",
    ),
    unique(
        "uq_api_tokens_token_hash",
        "api_tokens",
        &["token_hash"],
        "this token already exists",
    ),
    unique(
        "uq_budget_alerts_budget_id_threshold",
        "budget_alerts",
        &["budget_id", "threshold"],
        "this budget alert was already raised",
    ),
    unique(
        "uq_budgets_customer_id_period_kind_period_start",
        "budgets",
        &["customer_id", "period_kind", "period_start"],
        "this customer already has a budget for that period",
    ),
    unique(
        "uq_customer_tags_customer_id_tag",
        "customer_tags",
        &["customer_id", "tag"],
        "the customer already has this tag",
    ),
    unique(
        "uq_integrations_tenant_id_kind_name",
        "integrations",
        &["tenant_id", "kind", "name"],
        "an integration of this kind already has this name",
    ),
    unique(
        "uq_sla_policies_tenant_id_ticket_type",
        "sla_policies",
        &["tenant_id", "ticket_type"],
        "this ticket type already has an SLA policy",
    ),
    unique(
        "uq_sync_mappings_integration_id_entity_kind_local_id",
        "sync_mappings",
        &["integration_id", "entity_kind", "local_id"],
        "this record is already linked",
    ),
    unique(
        "uq_sync_mappings_integration_id_entity_kind_external_id",
        "sync_mappings",
        &["integration_id", "entity_kind", "external_id"],
        "this external record is already linked",
    ),
    unique(
        "uq_ticket_links_pair",
        "ticket_links",
        &["ticket_id", "linked_ticket_id"],
        "these tickets are already linked",
    ),
    unique(
        "uq_ticket_sequences_tenant_id_ticket_type_year",
        "ticket_sequences",
        &["tenant_id", "ticket_type", "year"],
        "this ticket number already exists",
    ),
    unique(
        "uq_tickets_tenant_id_number",
        "tickets",
        &["tenant_id", "number"],
        "this ticket number already exists",
    ),
    unique(
        "uq_workflow_transitions_workflow_id_from_status_to_status",
        "workflow_transitions",
        &["workflow_id", "from_status", "to_status"],
        "this transition already exists",
    ),
    unique(
        "uq_workflows_tenant_id_ticket_type",
        "workflows",
        &["tenant_id", "ticket_type"],
        "this ticket type already has a workflow",
    ),
];

/// The constraint a unique violation names: PostgreSQL gives its name; SQLite gives
/// `UNIQUE constraint failed: table.column, …` (or `index 'name'` for an expression index).
fn violated_constraint(
    db: &(dyn sqlx::error::DatabaseError + 'static),
) -> Option<&'static UniqueConstraint> {
    if let Some(name) = db.constraint() {
        return UNIQUE_CONSTRAINTS.iter().find(|c| c.name == name);
    }
    let detail = db.message().strip_prefix("UNIQUE constraint failed: ")?;
    if let Some(name) = detail
        .strip_prefix("index '")
        .and_then(|rest| rest.strip_suffix('\''))
    {
        return UNIQUE_CONSTRAINTS.iter().find(|c| c.name == name);
    }
    let mut table = None;
    let mut columns = Vec::new();
    for qualified in detail.split(", ") {
        let (t, column) = qualified.split_once('.')?;
        if table.is_some_and(|known| known != t) {
            return None;
        }
        table = Some(t);
        columns.push(column);
    }
    let table = table?;
    UNIQUE_CONSTRAINTS
        .iter()
        .find(|c| c.table == table && c.columns == columns.as_slice())
}

/// The result type of domain operations.
pub type DomainResult<T> = Result<T, DomainError>;

/// Displays an error with every cause in its chain (`a: b: c`), for the log.
#[derive(Debug, Clone, Copy)]
pub struct Chain<'a>(pub &'a (dyn std::error::Error + 'static));

impl std::fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(error) = cause {
            write!(f, ": {error}")?;
            cause = error.source();
        }
        Ok(())
    }
}
