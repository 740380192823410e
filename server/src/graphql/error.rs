//! From domain errors to GraphQL errors with a stable `extensions.code`.

use async_graphql::ErrorExtensions;

use crate::domain::error::Chain;
use crate::domain::DomainError;

/// Converts a domain error. Database and internal causes are logged here and replaced by a
/// generic message: the client learns the code, never the cause.
#[must_use]
pub fn to_graphql_error(err: DomainError) -> async_graphql::Error {
    let code = err.code();
    let message = match &err {
        DomainError::Db(_) | DomainError::Internal { .. } => {
            tracing::error!(error = %Chain(&err), "internal error");
            "internal error".to_owned()
        }
        other => other.to_string(),
    };
    let field = match &err {
        DomainError::Validation { field, .. } => Some(*field),
        _ => None,
    };
    let retry_after = match &err {
        DomainError::RateLimited {
            retry_after_seconds,
        } => Some(*retry_after_seconds),
        _ => None,
    };
    async_graphql::Error::new(message).extend_with(|_, extensions| {
        extensions.set("code", code);
        if let Some(field) = field {
            extensions.set("field", field);
        }
        if let Some(seconds) = retry_after {
            extensions.set("retryAfter", seconds);
        }
    })
}

/// `?`-friendly conversion of domain results in resolvers.
pub trait GraphqlResultExt<T> {
    /// Maps the error with [`to_graphql_error`].
    ///
    /// # Errors
    ///
    /// The mapped domain error.
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> GraphqlResultExt<T> for Result<T, DomainError> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(to_graphql_error)
    }
}

/// Parses a GraphQL `ID` into a row id.
///
/// # Errors
///
/// `BAD_USER_INPUT` naming `field` when it is not an integer.
pub fn parse_id(field: &'static str, id: &async_graphql::ID) -> async_graphql::Result<i64> {
    id.parse::<i64>()
        .map_err(|_| DomainError::validation(field, format!("'{}' is not a valid id", id.as_str())))
        .gql()
}
