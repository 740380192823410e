//! What a resolver finds in its context: the caller and the shared services.

use async_graphql::Context;

use super::error::to_graphql_error;
use super::loaders::Loaders;
use crate::domain::{Actor, DomainError, Services};

/// The outcome of authenticating a request or a websocket connection.
#[derive(Debug, Clone, Default)]
pub struct Authentication {
    /// The caller, when the credentials were valid.
    pub actor: Option<Actor>,
    /// Why the credentials were refused, when some were given and were wrong.
    pub failure: Option<String>,
}

/// The caller of this request.
///
/// # Errors
///
/// `UNAUTHENTICATED` when no or wrong credentials were given.
pub fn actor<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Actor> {
    let auth = ctx.data_opt::<Authentication>();
    match auth {
        Some(Authentication {
            actor: Some(actor), ..
        }) => Ok(actor),
        Some(Authentication {
            failure: Some(reason),
            ..
        }) => Err(to_graphql_error(DomainError::Unauthenticated(
            reason.clone(),
        ))),
        _ => Err(to_graphql_error(DomainError::Unauthenticated(
            "sign in first: send 'Authorization: Bearer <token>'".into(),
        ))),
    }
}

/// The domain services.
///
/// # Errors
///
/// `INTERNAL` if the schema was built without them (a programming error).
pub fn services<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Services> {
    ctx.data::<Services>()
}

/// The request's DataLoaders.
///
/// # Errors
///
/// `UNAUTHENTICATED` when there is no caller (loaders are built per caller).
pub fn loaders<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Loaders> {
    actor(ctx)?;
    ctx.data::<Loaders>()
}
