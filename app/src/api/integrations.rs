//! Channel integrations (admins): list them and connect new ones.

use crate::api::{graphql, ApiError, IntegrationKind};

// The owner of `IntegrationKind` (see `operation!`).
operation!(
    Integrations,
    "graphql/integrations.graphql",
    extern_enums(),
    response_derives = "Clone, Debug, PartialEq, Eq"
);
operation!(CreateIntegration, "graphql/create_integration.graphql");
operation!(
    DeactivateIntegration,
    "graphql/deactivate_integration.graphql"
);

enum_names!(
    IntegrationKind,
    [
        HUBSPOT,
        SALESFORCE,
        TELEGRAM,
        TWILIO,
        INBOUND_EMAIL,
        CHAT_WIDGET
    ]
);

/// An integration as the list shows it.
pub type Integration = integrations::IntegrationsIntegrations;
/// What `createIntegration` takes.
pub type NewIntegration = create_integration::CreateIntegrationInput;

same_fields!(create_integration::CreateIntegrationCreateIntegration => Integration {
    id, kind, name, is_active, has_credentials, webhook_url
});

/// The tenant's integrations (`integrations.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for non-admins, or any [`ApiError`] of the call.
pub async fn fetch_integrations() -> Result<Vec<Integration>, ApiError> {
    Ok(graphql::<Integrations>(integrations::Variables)
        .await?
        .integrations)
}

/// Connects a channel (`create_integration.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` for missing credentials, `CONFLICT` for a duplicate name, or any
/// [`ApiError`] of the call.
pub async fn create_integration(input: NewIntegration) -> Result<Integration, ApiError> {
    let data = graphql::<CreateIntegration>(create_integration::Variables { input }).await?;
    Ok(data.create_integration.into())
}

/// Deactivates an integration (`deactivate_integration.graphql`).
///
/// # Errors
///
/// `NOT_FOUND`, `FORBIDDEN` for non-admins, or any [`ApiError`] of the call.
pub async fn deactivate_integration(id: &str) -> Result<(), ApiError> {
    let variables = deactivate_integration::Variables { id: id.to_owned() };
    graphql::<DeactivateIntegration>(variables).await?;
    Ok(())
}
