//! What a resolver finds in its context: the caller and the shared services.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::{Context, Request, ServerResult};

use super::error::to_graphql_error;
use super::loaders::{Caching, Loaders};
use crate::domain::auth::{authenticate, SessionKeys};
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

/// Authenticates `credential` (if any): the outcome, and the caller's loaders. The one
/// door-side use of `domain::auth::authenticate`, for HTTP requests, websocket connections
/// and every operation on a websocket.
pub async fn authenticate_credential(
    svc: &Services,
    keys: &SessionKeys,
    credential: Option<&str>,
    caching: Caching,
) -> (Authentication, Option<Loaders>) {
    let Some(credential) = credential else {
        return (Authentication::default(), None);
    };
    match authenticate(svc, keys, credential).await {
        Ok(actor) => {
            let loaders =
                Loaders::new(&svc.db, Arc::clone(svc.events.workflows()), &actor, caching);
            (
                Authentication {
                    actor: Some(actor),
                    failure: None,
                },
                Some(loaders),
            )
        }
        Err(DomainError::Unauthenticated(reason)) => (
            Authentication {
                actor: None,
                failure: Some(reason),
            },
            None,
        ),
        Err(other) => {
            tracing::error!(error = %crate::domain::error::Chain(&other), "authentication failed");
            (
                Authentication {
                    actor: None,
                    failure: Some("authentication is unavailable, try again".into()),
                },
                None,
            )
        }
    }
}

/// The network address of the caller (the TCP peer), for throttling sign-ins.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub std::net::IpAddr);

/// The credential a websocket connection was opened with, kept in its session data so
/// that every operation on the socket checks it again (a credential lives no longer on a
/// socket than over HTTP).
#[derive(Debug, Clone)]
pub struct SocketCredential(pub Option<String>);

/// The schema extension that gives each operation on a websocket a caller authenticated
/// now, from [`SocketCredential`]: a revoked or expired credential, a deactivated user or
/// a changed role takes effect at the next operation. HTTP requests are authenticated per
/// request already and pass through.
pub struct FreshSocketCredential;

impl ExtensionFactory for FreshSocketCredential {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(FreshSocketCredentialExtension)
    }
}

struct FreshSocketCredentialExtension;

#[async_trait::async_trait]
impl Extension for FreshSocketCredentialExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let mut request = request;
        if let Some(SocketCredential(credential)) = ctx.data_opt::<SocketCredential>() {
            if let (Some(svc), Some(keys)) =
                (ctx.data_opt::<Services>(), ctx.data_opt::<SessionKeys>())
            {
                let (auth, loaders) =
                    authenticate_credential(svc, keys, credential.as_deref(), Caching::Never).await;
                request = request.data(auth);
                if let Some(loaders) = loaders {
                    request = request.data(loaders);
                }
            }
        }
        next.run(ctx, request).await
    }
}
