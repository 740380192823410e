//! The words of a tenant's mails and notifications: admins rewrite a notice's template in
//! a language, preview it as the mail it makes, and set the signature under every mail.

use async_graphql::{Context, Object, SimpleObject};

use super::context::{actor, services};
use super::error::GraphqlResultExt;
use crate::domain::letters::{self, Letter};
use crate::domain::templates::{self, TemplateView};

/// A notice's wording in one language.
#[derive(SimpleObject)]
pub struct MessageTemplate {
    /// The notice: `assigned_to_you`, `rating_request`, `mail_reply`, …
    key: String,
    /// `fr`, `en` or `nl`.
    lang: String,
    /// The tenant's subject template (MiniJinja, e.g. `{{ number }}`), if it wrote one.
    subject: Option<String>,
    /// The tenant's body template, if it wrote one.
    body: Option<String>,
    /// Whether the tenant's template replaces the built-in wording.
    customised: bool,
    /// The facts a template may use, by name.
    facts: Vec<String>,
    /// The built-in subject, said with made-up facts.
    builtin_subject: String,
    /// The built-in text, said with made-up facts.
    builtin_body: String,
}

impl From<TemplateView> for MessageTemplate {
    fn from(view: TemplateView) -> Self {
        Self {
            key: view.key,
            lang: view.lang.as_str().to_owned(),
            customised: view.subject.is_some(),
            subject: view.subject,
            body: view.body,
            facts: view.facts,
            builtin_subject: view.builtin.title,
            builtin_body: view.builtin.body,
        }
    }
}

/// A mail as it would be sent: subject, plain text, and its HTML alternative.
#[derive(SimpleObject)]
pub struct MailPreview {
    subject: String,
    text: String,
    html: String,
}

impl From<Letter> for MailPreview {
    fn from(letter: Letter) -> Self {
        Self {
            subject: letter.subject,
            text: letter.text,
            html: letter.html,
        }
    }
}

/// Template queries (admins).
#[derive(Default)]
pub struct TemplateQuery;

#[Object]
impl TemplateQuery {
    /// Every notice in every language, with the tenant's templates.
    async fn message_templates(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<MessageTemplate>> {
        let actor = actor(ctx)?;
        Ok(templates::list_templates(services(ctx)?, actor)
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The mail `key` would be in `lang`, over made-up facts: with the given `subject` and
    /// `body` (an unsaved draft) when both are given, else with the tenant's wording.
    async fn preview_message_template(
        &self,
        ctx: &Context<'_>,
        key: String,
        lang: String,
        subject: Option<String>,
        body: Option<String>,
    ) -> async_graphql::Result<MailPreview> {
        let actor = actor(ctx)?;
        let draft = subject.as_deref().zip(body.as_deref());
        Ok(
            templates::preview_template(services(ctx)?, actor, &key, &lang, draft)
                .await
                .gql()?
                .into(),
        )
    }

    /// The signature under every mail of the tenant.
    async fn mail_signature(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let actor = actor(ctx)?;
        letters::signature(services(ctx)?, actor).await.gql()
    }
}

/// Template mutations (admins).
#[derive(Default)]
pub struct TemplateMutation;

#[Object]
impl TemplateMutation {
    /// Saves the tenant's template of a notice in a language, once it renders.
    async fn set_message_template(
        &self,
        ctx: &Context<'_>,
        key: String,
        lang: String,
        subject: String,
        body: String,
    ) -> async_graphql::Result<MessageTemplate> {
        let actor = actor(ctx)?;
        Ok(
            templates::set_template(services(ctx)?, actor, &key, &lang, &subject, &body)
                .await
                .gql()?
                .into(),
        )
    }

    /// Goes back to the built-in wording; true when a template was removed.
    async fn reset_message_template(
        &self,
        ctx: &Context<'_>,
        key: String,
        lang: String,
    ) -> async_graphql::Result<bool> {
        let actor = actor(ctx)?;
        templates::reset_template(services(ctx)?, actor, &key, &lang)
            .await
            .gql()
    }

    /// Sets the signature under every mail of the tenant (empty: none).
    async fn set_mail_signature(
        &self,
        ctx: &Context<'_>,
        signature: String,
    ) -> async_graphql::Result<String> {
        let actor = actor(ctx)?;
        letters::set_signature(services(ctx)?, actor, &signature)
            .await
            .gql()
    }
}
