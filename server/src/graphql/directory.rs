//! Looking up people: agents to assign, customers to open tickets for.

use async_graphql::{Context, Object};

use super::context::{actor, services};
use super::error::GraphqlResultExt;
use super::types::{Customer, User};
use crate::domain::{customers, users};

/// Directory queries.
#[derive(Default)]
pub struct DirectoryQuery;

#[Object]
impl DirectoryQuery {
    /// Active staff who can be assigned tickets, by name.
    async fn agents(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<User>> {
        let actor = actor(ctx)?;
        Ok(users::list_agents(&services(ctx)?.db, actor)
            .await
            .gql()?
            .into_iter()
            .map(User)
            .collect())
    }

    /// Customers whose name, company or e-mail contains `search`; at most `first` (50 by
    /// default, 100 at most).
    async fn customers(
        &self,
        ctx: &Context<'_>,
        search: Option<String>,
        first: Option<i32>,
    ) -> async_graphql::Result<Vec<Customer>> {
        let actor = actor(ctx)?;
        let limit = u64::try_from(first.unwrap_or(50))
            .unwrap_or(0)
            .clamp(1, 100);
        Ok(
            customers::search_customers(&services(ctx)?.db, actor, search.as_deref(), limit)
                .await
                .gql()?
                .into_iter()
                .map(Customer)
                .collect(),
        )
    }
}
