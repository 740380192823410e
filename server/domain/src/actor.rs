//! Who is asking: the identity every domain operation is checked against.

use entity::enums::Role;

pub use crate::permissions::Permission;

use super::error::{DomainError, DomainResult};

/// How the caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    /// A session token from `login`, naming its server-side session.
    Session {
        /// The `sessions` row signing out revokes.
        session_id: i64,
    },
    /// Guichet acting on its own (the demo loader, a channel's system actor): no credential
    /// was presented, and none can end.
    Internal,
    /// An API token for an external tool, with its own scopes.
    ApiToken,
}

/// What an API token may do. Sessions may do everything their role allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Read queries and subscriptions.
    Read,
    /// Mutations.
    Write,
}

impl Scope {
    /// The scope's name in API token requests.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
        }
    }

    /// Parses a scope name.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "read" => Some(Self::Read),
            "write" => Some(Self::Write),
            _ => None,
        }
    }
}

/// The authenticated caller. The tenant comes from the credentials, never from the request.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The caller's tenant: every query is filtered by it.
    pub tenant_id: i64,
    /// The user the caller acts as (for API tokens, the token's owner).
    pub user_id: i64,
    /// The user's role.
    pub role: Role,
    /// For customers, the CRM customer they are.
    pub customer_id: Option<i64>,
    /// How the caller authenticated.
    pub method: AuthMethod,
    /// For API tokens, the granted scopes; sessions have all.
    pub scopes: Vec<Scope>,
}

impl Actor {
    /// Whether the caller works for the tenant (admin, manager or agent).
    #[must_use]
    pub fn is_staff(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Manager | Role::Agent)
    }

    /// Whether the caller may supervise others (admin or manager).
    #[must_use]
    pub fn is_supervisor(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Manager)
    }

    /// Refuses the caller unless both its role and, for API tokens, its scopes grant
    /// `permission`: the one check every door goes through.
    ///
    /// # Errors
    ///
    /// [`DomainError::Forbidden`] naming what is missing.
    pub fn require(&self, permission: Permission) -> DomainResult<()> {
        if !permission.roles().contains(&self.role) {
            return Err(DomainError::Forbidden(format!(
                "your role may not {}",
                permission.describe()
            )));
        }
        if self.method == AuthMethod::ApiToken && permission.needs_session() {
            return Err(DomainError::Forbidden(format!(
                "API tokens may not {}: sign in",
                permission.describe()
            )));
        }
        let scope = permission.scope();
        if self.method == AuthMethod::ApiToken && !self.scopes.contains(&scope) {
            return Err(DomainError::Forbidden(format!(
                "this API token lacks the '{}' scope",
                scope.as_str()
            )));
        }
        Ok(())
    }
}
