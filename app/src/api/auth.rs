//! Signing in and the signed-in user.

use crate::api::{graphql, ApiError, Role};

// The owner of `Role` (see `operation!`); the user is kept in localStorage, hence
// `Serialize`.
operation!(
    Me,
    "graphql/me.graphql",
    extern_enums(),
    response_derives = "Clone, Debug, PartialEq, Eq, Hash, Serialize"
);
operation!(Login, "graphql/login.graphql");
operation!(SignOut, "graphql/sign_out.graphql");

enum_names!(Role, [ADMIN, MANAGER, AGENT, CUSTOMER]);

impl Role {
    /// Whether the role belongs to the helpdesk's own people (who may write internal notes).
    pub fn is_staff(&self) -> bool {
        !matches!(self, Role::CUSTOMER)
    }
}

/// A signed-in user, as the `User` type of the schema.
pub type User = me::MeMe;

same_fields!(login::LoginLoginUser => User { id, email, display_name, role });

/// What `login` returns: a JWT and its user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthPayload {
    pub token: String,
    pub user: User,
}

/// Signs in (`login.graphql`); an empty tenant is sent as none.
///
/// # Errors
///
/// `UNAUTHENTICATED` for wrong credentials, or any [`ApiError`] of the call.
pub async fn login(email: &str, password: &str, tenant: &str) -> Result<AuthPayload, ApiError> {
    let tenant = tenant.trim();
    let variables = login::Variables {
        email: email.trim().to_owned(),
        password: password.to_owned(),
        tenant: (!tenant.is_empty()).then(|| tenant.to_owned()),
    };
    let payload = graphql::<Login>(variables).await?.login;
    Ok(AuthPayload {
        token: payload.token,
        user: payload.user.into(),
    })
}

/// The user of the stored token (`me.graphql`).
///
/// # Errors
///
/// `UNAUTHENTICATED` when the token has expired, or any [`ApiError`] of the call.
pub async fn fetch_me() -> Result<User, ApiError> {
    Ok(graphql::<Me>(me::Variables).await?.me)
}

/// Ends the stored session on the server (`sign_out.graphql`).
///
/// # Errors
///
/// `UNAUTHENTICATED` when it had already ended, or any [`ApiError`] of the call.
pub async fn sign_out() -> Result<(), ApiError> {
    graphql::<SignOut>(sign_out::Variables).await?;
    Ok(())
}
