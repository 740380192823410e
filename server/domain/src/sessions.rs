//! Server-side sessions: every session token names a row of `sessions`, checked on each
//! request, so that signing out ends a token at once (it would otherwise live until it
//! expires), and "sign out everywhere" ends every session of a user. Either closes the
//! user's open websockets on every instance through an [`AccessEvent`].

use chrono::{DateTime, Duration, Utc};
use entity::{session, user};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::actor::{Actor, AuthMethod, Permission};
use super::error::{DomainError, DomainResult};
use super::events::AccessEvent;
use super::Services;

/// How long the rows of ended sessions are kept before the jobs delete them.
const KEEP_ENDED: i64 = 7;

/// Records a new session of `user`, valid until `expires_at`.
///
/// # Errors
///
/// Database errors.
pub(crate) async fn open_session(
    db: &impl ConnectionTrait,
    user: &user::Model,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> DomainResult<session::Model> {
    Ok(session::ActiveModel {
        tenant_id: Set(user.tenant_id),
        user_id: Set(user.id),
        created_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// The session a token names and its active user, if the session is still open: one
/// query.
///
/// # Errors
///
/// [`DomainError::Unauthenticated`] when the session was signed out, has expired, belongs
/// to someone else, or its user is gone or deactivated.
pub(crate) async fn live_session_user(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    user_id: i64,
    session_id: i64,
    now: DateTime<Utc>,
) -> DomainResult<(session::Model, user::Model)> {
    let found = session::Entity::find_by_id(session_id)
        .filter(session::Column::TenantId.eq(tenant_id))
        .filter(session::Column::UserId.eq(user_id))
        .find_also_related(user::Entity)
        .one(db)
        .await?;
    let Some((session, user)) = found else {
        return Err(DomainError::Unauthenticated("invalid session token".into()));
    };
    if session.revoked_at.is_some() {
        return Err(DomainError::Unauthenticated(
            "this session was signed out: sign in again".into(),
        ));
    }
    if session.expires_at <= now {
        return Err(DomainError::Unauthenticated(
            "session expired: sign in again".into(),
        ));
    }
    let user = user
        .filter(|u| u.is_active && u.tenant_id == tenant_id)
        .ok_or_else(|| {
            DomainError::Unauthenticated("this account no longer exists or is disabled".into())
        })?;
    Ok((session, user))
}

/// Signs the caller out of the session they are using; signing out twice is harmless.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for an API token (revoke it instead).
pub async fn sign_out(svc: &Services, actor: &Actor) -> DomainResult<()> {
    actor.require(Permission::ManageOwnSessions)?;
    let AuthMethod::Session { session_id } = actor.method else {
        return Err(DomainError::Forbidden(
            "only a signed-in session can sign out".into(),
        ));
    };
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(svc.now()))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::UserId.eq(actor.user_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(&svc.db)
        .await?;
    announce(svc, actor.tenant_id, actor.user_id).await;
    Ok(())
}

/// Signs the caller out of every session they have open, this one included (a lost
/// laptop, a shared computer); returns how many ended. API tokens are not sessions: they
/// are revoked one by one.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for an API token.
pub async fn sign_out_everywhere(svc: &Services, actor: &Actor) -> DomainResult<u64> {
    actor.require(Permission::ManageOwnSessions)?;
    let ended = end_sessions(&svc.db, actor.tenant_id, actor.user_id, svc.now()).await?;
    announce(svc, actor.tenant_id, actor.user_id).await;
    Ok(ended)
}

/// Ends every open session of a user (signed out everywhere, deactivated); the caller
/// announces it with [`announce`] once its transaction is committed.
///
/// # Errors
///
/// Database errors.
pub(crate) async fn end_sessions(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> DomainResult<u64> {
    Ok(session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .filter(session::Column::TenantId.eq(tenant_id))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?
        .rows_affected)
}

/// Tells every instance that the user's access changed: their open sockets check their
/// credential again and close if it ended.
pub(crate) async fn announce(svc: &Services, tenant_id: i64, user_id: i64) {
    svc.events
        .publish_access(AccessEvent { tenant_id, user_id })
        .await;
}

/// Deletes the rows of sessions that ended (expired or signed out) over a week ago; the
/// jobs run it. Returns how many went.
///
/// # Errors
///
/// Database errors.
pub async fn purge_ended_sessions(svc: &Services) -> DomainResult<u64> {
    let before = svc.now() - Duration::days(KEEP_ENDED);
    Ok(session::Entity::delete_many()
        .filter(
            session::Column::ExpiresAt
                .lt(before)
                .or(session::Column::RevokedAt.lt(before)),
        )
        .exec(&svc.db)
        .await?
        .rows_affected)
}
