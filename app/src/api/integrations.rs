//! Channel integrations (admins): list them and connect new ones.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::{graphql, ApiError, NoVariables};

const INTEGRATIONS: &str = include_str!("../../graphql/integrations.graphql");
const CREATE_INTEGRATION: &str = include_str!("../../graphql/create_integration.graphql");
const DEACTIVATE_INTEGRATION: &str = include_str!("../../graphql/deactivate_integration.graphql");

/// An integration as the list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Integration {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub is_active: bool,
    pub has_credentials: bool,
    pub webhook_url: Option<String>,
}

#[derive(Deserialize)]
struct IntegrationsData {
    integrations: Vec<Integration>,
}

/// What `createIntegration` takes.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewIntegration {
    pub kind: String,
    pub name: String,
    pub credentials: Value,
    pub settings: Option<Value>,
}

#[derive(Serialize)]
struct CreateVariables {
    input: NewIntegration,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateData {
    create_integration: Integration,
}

/// The tenant's integrations (`integrations.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for non-admins, or any [`ApiError`] of the call.
pub async fn fetch_integrations() -> Result<Vec<Integration>, ApiError> {
    let data: IntegrationsData = graphql(INTEGRATIONS, NoVariables {}).await?;
    Ok(data.integrations)
}

/// Connects a channel (`create_integration.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` for missing credentials, `CONFLICT` for a duplicate name, or any
/// [`ApiError`] of the call.
pub async fn create_integration(input: NewIntegration) -> Result<Integration, ApiError> {
    let data: CreateData = graphql(CREATE_INTEGRATION, CreateVariables { input }).await?;
    Ok(data.create_integration)
}

#[derive(Serialize)]
struct IdVariables<'a> {
    id: &'a str,
}

/// Deactivates an integration (`deactivate_integration.graphql`).
///
/// # Errors
///
/// `NOT_FOUND`, `FORBIDDEN` for non-admins, or any [`ApiError`] of the call.
pub async fn deactivate_integration(id: &str) -> Result<(), ApiError> {
    let _: serde_json::Value = graphql(DEACTIVATE_INTEGRATION, IdVariables { id }).await?;
    Ok(())
}
