//! Signing in and the signed-in user.

use serde::{Deserialize, Serialize};

use crate::api::{graphql, ApiError, NoVariables};

const LOGIN: &str = include_str!("../../graphql/login.graphql");
const ME: &str = include_str!("../../graphql/me.graphql");

/// A user's role; staff is every role but `CUSTOMER`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    Admin,
    Manager,
    Agent,
    Customer,
}

impl Role {
    /// Whether the role belongs to the helpdesk's own people (who may write internal notes).
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Customer)
    }
}

/// A signed-in user, as the `User` type of the schema.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

/// What `login` returns: a JWT and its user.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct AuthPayload {
    pub token: String,
    pub user: User,
}

#[derive(Serialize)]
struct LoginVariables<'a> {
    email: &'a str,
    password: &'a str,
    tenant: Option<&'a str>,
}

#[derive(Deserialize)]
struct LoginData {
    login: AuthPayload,
}

#[derive(Deserialize)]
struct MeData {
    me: User,
}

/// Signs in (`login.graphql`); an empty tenant is sent as none.
///
/// # Errors
///
/// `UNAUTHENTICATED` for wrong credentials, or any [`ApiError`] of the call.
pub async fn login(email: &str, password: &str, tenant: &str) -> Result<AuthPayload, ApiError> {
    let tenant = tenant.trim();
    let variables = LoginVariables {
        email: email.trim(),
        password,
        tenant: (!tenant.is_empty()).then_some(tenant),
    };
    let data: LoginData = graphql(LOGIN, variables).await?;
    Ok(data.login)
}

/// The user of the stored token (`me.graphql`).
///
/// # Errors
///
/// `UNAUTHENTICATED` when the token has expired, or any [`ApiError`] of the call.
pub async fn fetch_me() -> Result<User, ApiError> {
    let data: MeData = graphql(ME, NoVariables {}).await?;
    Ok(data.me)
}
