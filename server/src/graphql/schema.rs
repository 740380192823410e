//! The schema: every area's queries, mutations and subscriptions merged.

use async_graphql::{MergedObject, MergedSubscription, Schema};

use super::auth::{AuthMutation, AuthQuery};
use super::costs::{BudgetSubscription, CostMutation, CostQuery};
use super::customers::{CustomerMutation, CustomerQuery, CustomerSubscription};
use super::directory::DirectoryQuery;
use super::integrations::{IntegrationMutation, IntegrationQuery};
use super::leads::{LeadMutation, LeadQuery, LeadSubscription};
use super::notifications::{
    NotificationMutation, NotificationQuery, NotificationSubscription, PreferenceMutation,
    PreferenceQuery,
};
use super::presence::{PresenceMutation, PresenceSubscription};
use super::reports::ReportQuery;
use super::settings::{SettingsMutation, SettingsQuery};
use super::team::TeamMutation;
use super::templates::{TemplateMutation, TemplateQuery};
use super::tickets::{TicketMutation, TicketQuery, TicketSubscription};
use crate::config::Config;
use crate::domain::auth::SessionKeys;
use crate::domain::Services;

/// Every query.
#[derive(MergedObject, Default)]
pub struct Query(
    AuthQuery,
    TicketQuery,
    DirectoryQuery,
    SettingsQuery,
    CostQuery,
    ReportQuery,
    NotificationQuery,
    CustomerQuery,
    LeadQuery,
    IntegrationQuery,
    PreferenceQuery,
    TemplateQuery,
);

/// Every mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    AuthMutation,
    TicketMutation,
    CostMutation,
    SettingsMutation,
    NotificationMutation,
    PresenceMutation,
    CustomerMutation,
    LeadMutation,
    IntegrationMutation,
    TeamMutation,
    PreferenceMutation,
    TemplateMutation,
);

/// Every subscription.
#[derive(MergedSubscription, Default)]
pub struct Subscription(
    TicketSubscription,
    PresenceSubscription,
    LeadSubscription,
    CustomerSubscription,
    NotificationSubscription,
    BudgetSubscription,
);

/// The depth the introspection query of graphql-js (GraphiQL's) needs, with margin.
const INTROSPECTION_DEPTH: usize = 16;

/// Guichet's GraphQL schema.
pub type GuichetSchema = Schema<Query, Mutation, Subscription>;

/// Builds the schema with the long-lived services; per-request data (the caller, loaders)
/// is added by the HTTP layer.
#[must_use]
pub fn build_schema(
    services: Option<Services>,
    keys: Option<SessionKeys>,
    config: &Config,
) -> GuichetSchema {
    let mut builder = Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    // graphql-js's introspection query (GraphiQL's) nests `ofType` deeper than the
    // default limit: with introspection on, the limit lets it through.
    .limit_depth(if config.introspection {
        config.graphql_depth_limit.max(INTROSPECTION_DEPTH)
    } else {
        config.graphql_depth_limit
    })
    .limit_complexity(config.graphql_complexity_limit)
    .limit_directives(config.graphql_directive_limit)
    // One resolution per event for subscribers who would get the same answer.
    .data(std::sync::Arc::new(
        super::shared::SharedResolutions::default(),
    ))
    .extension(super::context::FreshSocketCredential)
    .extension(super::hygiene::InputHygiene)
    .extension(super::hygiene::SubscriptionLimit)
    .extension(super::hygiene::OperationLimits {
        aliases: config.graphql_alias_limit,
        root_fields: config.graphql_root_field_limit,
    });
    if !config.introspection {
        builder = builder.disable_introspection().disable_suggestions();
    }
    if let Some(services) = services {
        builder = builder.data(services);
    }
    if let Some(keys) = keys {
        builder = builder.data(keys);
    }
    builder.finish()
}

/// The SDL of the schema, as committed in `schema.graphql`.
#[must_use]
pub fn sdl() -> String {
    build_schema(None, None, &Config::default()).sdl()
}
