//! Integrations (admins): channel connectors and CRM connections. Credentials go in and
//! never come out; the API tells only whether they are set.

use async_graphql::{Context, InputObject, Json, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::context::{actor, services};
use super::enums::IntegrationKind;
use super::error::{parse_id, GraphqlResultExt};
use crate::domain::integrations::{self, IntegrationPatch, NewIntegration};

/// A tenant's connection to a channel or an external system.
pub struct Integration {
    model: entity::integration::Model,
    public_url: String,
}

#[Object]
impl Integration {
    async fn id(&self) -> ID {
        ID(self.model.id.to_string())
    }
    async fn kind(&self) -> IntegrationKind {
        self.model.kind.into()
    }
    async fn name(&self) -> &str {
        &self.model.name
    }
    /// Inactive integrations refuse their webhooks and send nothing.
    async fn is_active(&self) -> bool {
        self.model.is_active
    }
    /// Non-secret settings (Twilio: `smsFrom`, `whatsappFrom`).
    async fn settings(&self) -> Option<Json<Value>> {
        self.model.settings.clone().map(Json)
    }
    /// Whether credentials are stored (they are never returned).
    async fn has_credentials(&self) -> bool {
        self.model.credentials_encrypted.is_some()
    }
    /// Where the provider posts: the Telegram webhook (`setWebhook` with the integration's
    /// `webhookSecret` as `secret_token`), the Twilio messaging webhook, or the inbound
    /// e-mail hook; `null` for kinds without one.
    async fn webhook_url(&self) -> Option<String> {
        let segment = match self.model.kind {
            entity::enums::IntegrationKind::Telegram => "telegram",
            entity::enums::IntegrationKind::Twilio => "twilio",
            entity::enums::IntegrationKind::InboundEmail => "email",
            _ => return None,
        };
        Some(format!(
            "{}/channels/{segment}/{}",
            self.public_url, self.model.id
        ))
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.model.updated_at
    }
}

fn output(
    ctx: &Context<'_>,
    model: entity::integration::Model,
) -> async_graphql::Result<Integration> {
    Ok(Integration {
        model,
        public_url: services(ctx)?.channels.public_url.clone(),
    })
}

/// A new integration.
#[derive(InputObject)]
pub struct CreateIntegrationInput {
    kind: IntegrationKind,
    /// Unique among the tenant's integrations of this kind.
    name: String,
    /// Secrets, write-only: Telegram `{botToken, webhookSecret}`, Twilio `{accountSid,
    /// authToken}`, inbound e-mail `{token}`, HubSpot/Salesforce `{apiKey}`.
    credentials: Json<Value>,
    /// Non-secret settings: Twilio `{smsFrom, whatsappFrom}` (the numbers replies leave
    /// from).
    settings: Option<Json<Value>>,
}

/// Changes to an integration; omitted fields stay.
#[derive(InputObject)]
pub struct UpdateIntegrationInput {
    name: Option<String>,
    is_active: Option<bool>,
    /// Replaces all the credentials.
    credentials: Option<Json<Value>>,
    /// Replaces all the settings.
    settings: Option<Json<Value>>,
}

/// A one-time code to link a Telegram chat to the caller's account.
#[derive(SimpleObject)]
pub struct TelegramLinkCode {
    /// The code.
    code: String,
    /// What to send to the bot: `/start CODE`.
    command: String,
    /// Until when it works.
    expires_at: DateTime<Utc>,
}

/// Integration queries.
#[derive(Default)]
pub struct IntegrationQuery;

#[Object]
impl IntegrationQuery {
    /// The tenant's integrations (admins).
    async fn integrations(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Integration>> {
        let actor = actor(ctx)?;
        integrations::list_integrations(services(ctx)?, actor)
            .await
            .gql()?
            .into_iter()
            .map(|m| output(ctx, m))
            .collect()
    }
}

/// Integration mutations.
#[derive(Default)]
pub struct IntegrationMutation;

#[Object]
impl IntegrationMutation {
    /// Connects a channel or system (admins); credentials are encrypted and never returned.
    async fn create_integration(
        &self,
        ctx: &Context<'_>,
        input: CreateIntegrationInput,
    ) -> async_graphql::Result<Integration> {
        let actor = actor(ctx)?;
        let created = integrations::create_integration(
            services(ctx)?,
            actor,
            NewIntegration {
                kind: input.kind.into(),
                name: input.name,
                credentials: input.credentials.0,
                settings: input.settings.map(|s| s.0),
            },
        )
        .await
        .gql()?;
        output(ctx, created)
    }

    /// Changes an integration (admins).
    async fn update_integration(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateIntegrationInput,
    ) -> async_graphql::Result<Integration> {
        let actor = actor(ctx)?;
        let id = parse_id("id", &id)?;
        let updated = integrations::update_integration(
            services(ctx)?,
            actor,
            id,
            IntegrationPatch {
                name: input.name,
                is_active: input.is_active,
                credentials: input.credentials.map(|c| c.0),
                settings: input.settings.map(|s| s.0),
            },
        )
        .await
        .gql()?;
        output(ctx, updated)
    }

    /// Turns an integration off (admins): its webhooks answer 404 and nothing is sent
    /// through it.
    async fn deactivate_integration(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Integration> {
        let actor = actor(ctx)?;
        let id = parse_id("id", &id)?;
        let updated = integrations::update_integration(
            services(ctx)?,
            actor,
            id,
            IntegrationPatch {
                is_active: Some(false),
                ..IntegrationPatch::default()
            },
        )
        .await
        .gql()?;
        output(ctx, updated)
    }

    /// A one-time code (15 minutes) the caller sends to the tenant's Telegram bot as
    /// `/start CODE` to receive new tickets there and manage them with commands (staff).
    async fn create_telegram_link_code(
        &self,
        ctx: &Context<'_>,
        integration_id: ID,
    ) -> async_graphql::Result<TelegramLinkCode> {
        let actor = actor(ctx)?;
        let id = parse_id("integrationId", &integration_id)?;
        let code = integrations::create_telegram_link_code(services(ctx)?, actor, id)
            .await
            .gql()?;
        Ok(TelegramLinkCode {
            command: format!("/start {}", code.code),
            code: code.code,
            expires_at: code.expires_at,
        })
    }
}
