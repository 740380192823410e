//! Running the team: administrators deactivate, reactivate and change the role of their
//! colleagues (`domain::users::change_user_access`).

use async_graphql::{Context, Object, ID};

use super::context::{actor, services};
use super::enums::Role;
use super::error::{parse_id, GraphqlResultExt};
use super::types::User;
use crate::domain::users::{change_user_access, AccessChange};

/// Team mutations (administrators).
#[derive(Default)]
pub struct TeamMutation;

impl TeamMutation {
    async fn change(
        ctx: &Context<'_>,
        id: &ID,
        change: AccessChange,
    ) -> async_graphql::Result<User> {
        let actor = actor(ctx)?;
        let id = parse_id("id", id)?;
        Ok(User(
            change_user_access(services(ctx)?, actor, id, change)
                .await
                .gql()?,
        ))
    }
}

#[Object]
impl TeamMutation {
    /// Deactivates a colleague's account: they cannot sign in, their sessions end and their
    /// open connections close at once (administrators).
    async fn deactivate_user(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<User> {
        let change = AccessChange {
            active: Some(false),
            role: None,
        };
        Self::change(ctx, &id, change).await
    }

    /// Lets a deactivated colleague sign in again (administrators).
    async fn reactivate_user(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<User> {
        let change = AccessChange {
            active: Some(true),
            role: None,
        };
        Self::change(ctx, &id, change).await
    }

    /// Gives a colleague another staff role; their open connections close so that they
    /// continue with what the new role allows (administrators).
    async fn change_user_role(
        &self,
        ctx: &Context<'_>,
        id: ID,
        role: Role,
    ) -> async_graphql::Result<User> {
        let change = AccessChange {
            active: None,
            role: Some(role.into()),
        };
        Self::change(ctx, &id, change).await
    }
}
