//! Signing in, the caller's identity, and API tokens.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::api_token;

use super::context::{actor, services, ClientAddress};
use super::error::{parse_id, GraphqlResultExt};
use super::types::User;
use crate::domain::auth::{login, SessionKeys, SignIn};
use crate::domain::{api_tokens, sessions, users};

/// A session: the bearer token to send and who it is for.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Send as `Authorization: Bearer <token>`.
    token: String,
    /// The signed-in user.
    user: User,
}

/// An API token, without its secret.
pub struct ApiToken(api_token::Model);

#[Object]
impl ApiToken {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The token's first characters, to recognise it.
    async fn prefix(&self) -> &str {
        &self.0.token_prefix
    }
    async fn scopes(&self) -> Vec<String> {
        self.0
            .scopes
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
    /// When the token stops working by itself; null: only when revoked.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }
}

/// A new API token with its secret, shown this once.
#[derive(SimpleObject)]
pub struct CreatedApiToken {
    /// The secret: store it now, it cannot be shown again.
    token: String,
    /// The token's record.
    api_token: ApiToken,
}

/// A token to create.
#[derive(InputObject)]
pub struct CreateApiTokenInput {
    /// What uses the token.
    name: String,
    /// `read` and/or `write`.
    scopes: Vec<String>,
    /// When the token stops working by itself (in the future, within five years); omitted:
    /// only when revoked.
    expires_at: Option<DateTime<Utc>>,
}

/// Identity queries.
#[derive(Default)]
pub struct AuthQuery;

#[Object]
impl AuthQuery {
    /// The signed-in caller.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        let actor = actor(ctx)?;
        Ok(User(users::get_me(&services(ctx)?.db, actor).await.gql()?))
    }

    /// The tenant's API tokens (admins).
    async fn api_tokens(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApiToken>> {
        let actor = actor(ctx)?;
        Ok(api_tokens::list_api_tokens(services(ctx)?, actor)
            .await
            .gql()?
            .into_iter()
            .map(ApiToken)
            .collect())
    }
}

/// Identity mutations.
#[derive(Default)]
pub struct AuthMutation;

#[Object]
impl AuthMutation {
    /// Signs in. `tenant` (the organisation's identifier) is needed only when the e-mail
    /// address exists in several organisations.
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
        tenant: Option<String>,
    ) -> async_graphql::Result<AuthPayload> {
        let svc = services(ctx)?;
        let keys = ctx.data::<SessionKeys>()?;
        let client = ctx.data_opt::<ClientAddress>().map(|c| c.0);
        let (token, user) = login(
            &svc.db,
            keys,
            &svc.login_throttle,
            svc.now(),
            SignIn {
                email: &email,
                password: &password,
                tenant_slug: tenant.as_deref(),
                client,
            },
        )
        .await
        .gql()?;
        Ok(AuthPayload {
            token,
            user: User(user),
        })
    }

    /// Signs out of the session this request uses: its token stops working at once, here
    /// and on the open websockets that hold it. API tokens are revoked instead.
    async fn sign_out(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let actor = actor(ctx)?;
        sessions::sign_out(services(ctx)?, actor).await.gql()?;
        Ok(true)
    }

    /// Signs out of every session of the caller's account, this one included (a lost
    /// device): returns how many ended. Their open websockets close at once.
    async fn sign_out_everywhere(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let actor = actor(ctx)?;
        sessions::sign_out_everywhere(services(ctx)?, actor)
            .await
            .gql()
    }

    /// Creates an API token for an external tool (admins).
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        input: CreateApiTokenInput,
    ) -> async_graphql::Result<CreatedApiToken> {
        let actor = actor(ctx)?;
        let new = api_tokens::NewApiToken {
            name: input.name,
            scopes: input.scopes,
            expires_at: input.expires_at,
        };
        let (token, row) = api_tokens::create_api_token(services(ctx)?, actor, new)
            .await
            .gql()?;
        Ok(CreatedApiToken {
            token,
            api_token: ApiToken(row),
        })
    }

    /// Revokes an API token at once (admins).
    async fn revoke_api_token(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ApiToken> {
        let actor = actor(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(ApiToken(
            api_tokens::revoke_api_token(services(ctx)?, actor, id)
                .await
                .gql()?,
        ))
    }
}
