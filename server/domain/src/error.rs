//! The one error type of the domain. The GraphQL layer maps each variant to a stable
//! `extensions.code`; database and internal causes are logged there and never shown.

use sea_orm::{DbErr, RuntimeErr, SqlErr};

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
            Self::Db(_) | Self::Internal { .. } => "INTERNAL",
        }
    }
}

impl From<DbErr> for DomainError {
    fn from(err: DbErr) -> Self {
        // Unique violations are the caller's business (a duplicate); the rest is ours.
        if let Some(SqlErr::UniqueConstraintViolation(detail)) = err.sql_err() {
            return Self::Conflict(conflict_message(&detail));
        }
        if let DbErr::RecordNotFound(_) = err {
            return Self::NotFound("record");
        }
        if let DbErr::Query(RuntimeErr::SqlxError(ref e))
        | DbErr::Exec(RuntimeErr::SqlxError(ref e)) = err
        {
            if let Some(db) = e.as_database_error() {
                if db.is_foreign_key_violation() {
                    return Self::validation("id", "a referenced record does not exist");
                }
            }
        }
        Self::Db(err)
    }
}

/// Turns a unique-constraint message into a sentence naming what is duplicated, by the
/// constraint or column names that the migrations chose.
fn conflict_message(detail: &str) -> String {
    let known = [
        ("email", "this e-mail address is already in use"),
        ("slug", "this tenant name is already taken"),
        ("phone", "this phone number is already in use"),
        ("number", "this ticket number already exists"),
        ("token_hash", "this token already exists"),
    ];
    known
        .iter()
        .find(|(needle, _)| detail.contains(needle))
        .map_or_else(
            || "this record already exists".to_owned(),
            |(_, msg)| (*msg).to_owned(),
        )
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
