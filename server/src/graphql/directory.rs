//! Looking up people: agents to assign, customers to open tickets for.

use async_graphql::{Context, Object};

use super::context::{actor, services};
use super::customer_types::{customer_filter, CustomerFilter, CustomerOrder};
use super::customers::prime_customer_loaders;
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

    /// Customers whose name, company, e-mail or phone contains `search` and that match
    /// `filter`, in `orderBy` order (by name by default); at most `first` (50 by default, 100
    /// at most). Archived customers only with `filter.includeArchived`.
    #[graphql(complexity = "crate::graphql::list_cost(first, 50, child_complexity)")]
    async fn customers(
        &self,
        ctx: &Context<'_>,
        search: Option<String>,
        filter: Option<CustomerFilter>,
        order_by: Option<CustomerOrder>,
        first: Option<i32>,
    ) -> async_graphql::Result<Vec<Customer>> {
        let actor = actor(ctx)?;
        let limit = u64::try_from(first.unwrap_or(50))
            .unwrap_or(0)
            .clamp(1, 100);
        let found = customers::list_customers(
            services(ctx)?,
            actor,
            customer_filter(search, filter),
            order_by.unwrap_or_default().into(),
            limit,
        )
        .await
        .gql()?;
        let ids: Vec<i64> = found.iter().map(|c| c.id).collect();
        prime_customer_loaders(ctx, &ids).await?;
        Ok(found.into_iter().map(Customer).collect())
    }
}
