//! API tokens for external tools: created by admins, shown once, scoped, revocable.

use chrono::{DateTime, Duration, Utc};
use entity::api_token;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::actor::{Actor, Scope};
use super::auth::{generate_api_token, hash_api_token};
use super::error::{DomainError, DomainResult};
use super::permissions::Permission;
use super::scope::find_in_tenant;
use super::Services;
use crate::events::AccessEvent;

/// A token to create.
#[derive(Debug, Clone, Default)]
pub struct NewApiToken {
    /// What uses the token.
    pub name: String,
    /// Scope names (`read`, `write`).
    pub scopes: Vec<String>,
    /// When the token stops working by itself; `None`: when revoked.
    pub expires_at: Option<DateTime<Utc>>,
}

/// The longest an expiring token may be made for.
const MAX_LIFETIME_DAYS: i64 = 5 * 366;

/// Creates a token acting as the calling admin with `scopes`; returns the secret (shown
/// once, never stored) and the stored row.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for non-admins and API tokens; [`DomainError::Validation`] for
/// an empty name, an unknown or missing scope, or an expiry not in the future (or beyond
/// five years).
pub async fn create_api_token(
    svc: &Services,
    actor: &Actor,
    input: NewApiToken,
) -> DomainResult<(String, api_token::Model)> {
    actor.require(Permission::ManageApiTokens)?;
    let now = svc.now();
    if let Some(at) = input.expires_at {
        if at <= now || at > now + Duration::days(MAX_LIFETIME_DAYS) {
            return Err(DomainError::validation(
                "expiresAt",
                "the expiry must be in the future, within five years",
            ));
        }
    }
    let scopes = &input.scopes;
    let name = input.name.trim();
    if name.is_empty() {
        return Err(DomainError::validation(
            "name",
            "give the token a name that says what uses it",
        ));
    }
    if scopes.is_empty() {
        return Err(DomainError::validation(
            "scopes",
            "give at least one scope: read, write",
        ));
    }
    let mut parsed = Vec::new();
    for scope in scopes {
        let scope = Scope::parse(scope.trim()).ok_or_else(|| {
            DomainError::validation(
                "scopes",
                format!("unknown scope '{scope}': use read or write"),
            )
        })?;
        if !parsed.contains(&scope) {
            parsed.push(scope);
        }
    }
    let (secret, prefix) = generate_api_token();
    let row = api_token::ActiveModel {
        tenant_id: Set(actor.tenant_id),
        user_id: Set(actor.user_id),
        name: Set(name.to_owned()),
        token_prefix: Set(prefix),
        token_hash: Set(hash_api_token(&secret)),
        scopes: Set(parsed
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")),
        last_used_at: Set(None),
        expires_at: Set(input.expires_at),
        revoked_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&svc.db)
    .await?;
    Ok((secret, row))
}

/// The tenant's tokens, newest first (secrets are never returned).
///
/// # Errors
///
/// [`DomainError::Forbidden`] for non-admins.
pub async fn list_api_tokens(svc: &Services, actor: &Actor) -> DomainResult<Vec<api_token::Model>> {
    actor.require(Permission::ViewApiTokens)?;
    Ok(api_token::Entity::find()
        .filter(api_token::Column::TenantId.eq(actor.tenant_id))
        .order_by_desc(api_token::Column::Id)
        .all(&svc.db)
        .await?)
}

/// Revokes a token at once, including on the websockets it opened; revoking twice is
/// harmless.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for non-admins; [`DomainError::NotFound`] for another tenant's
/// token.
pub async fn revoke_api_token(
    svc: &Services,
    actor: &Actor,
    id: i64,
) -> DomainResult<api_token::Model> {
    actor.require(Permission::ManageApiTokens)?;
    let token = find_in_tenant::<api_token::Entity>(&svc.db, actor.tenant_id, id).await?;
    if token.revoked_at.is_some() {
        return Ok(token);
    }
    let mut active: api_token::ActiveModel = token.into();
    active.revoked_at = Set(Some(svc.now()));
    let revoked = active.update(&svc.db).await?;
    // Sockets opened with it close now, on every instance.
    svc.events
        .publish_access(AccessEvent {
            tenant_id: revoked.tenant_id,
            user_id: revoked.user_id,
        })
        .await;
    Ok(revoked)
}
