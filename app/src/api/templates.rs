//! The words of the tenant's mails (admins): each notice's template per language, its
//! preview as the mail it makes, and the signature under every mail.

use crate::api::{graphql, ApiError};

operation!(MessageTemplates, "graphql/message_templates.graphql");
operation!(
    PreviewMessageTemplate,
    "graphql/preview_message_template.graphql"
);
operation!(SetMessageTemplate, "graphql/set_message_template.graphql");
operation!(
    ResetMessageTemplate,
    "graphql/reset_message_template.graphql"
);
operation!(MailSignature, "graphql/mail_signature.graphql");
operation!(SetMailSignature, "graphql/set_mail_signature.graphql");

/// A notice's wording in one language: the tenant's template if it wrote one, the facts it
/// may use, and the built-in wording said with made-up facts.
pub type MessageTemplate = message_templates::MessageTemplatesMessageTemplates;
/// A mail as it would be sent: subject, plain text and its HTML alternative.
pub type MailPreview = preview_message_template::PreviewMessageTemplatePreviewMessageTemplate;

same_fields!(set_message_template::SetMessageTemplateSetMessageTemplate => MessageTemplate {
    key, lang, subject, body, customised, facts, builtin_subject, builtin_body
});

/// Every notice in every language (`message_templates.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for non-admins, or any [`ApiError`] of the call.
pub async fn fetch_templates() -> Result<Vec<MessageTemplate>, ApiError> {
    Ok(graphql::<MessageTemplates>(message_templates::Variables)
        .await?
        .message_templates)
}

/// The mail notice `key` would be in `lang` over made-up facts
/// (`preview_message_template.graphql`): with the draft when there is one, else with the
/// tenant's wording.
///
/// # Errors
///
/// `BAD_USER_INPUT` with the template's error (syntax, an unknown fact), `FORBIDDEN` for
/// non-admins, or any [`ApiError`] of the call.
pub async fn preview_template(
    key: &str,
    lang: &str,
    draft: Option<(String, String)>,
) -> Result<MailPreview, ApiError> {
    let (subject, body) = draft.unzip();
    let variables = preview_message_template::Variables {
        key: key.to_owned(),
        lang: lang.to_owned(),
        subject,
        body,
    };
    Ok(graphql::<PreviewMessageTemplate>(variables)
        .await?
        .preview_message_template)
}

/// Saves the tenant's template of `key` in `lang` (`set_message_template.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` for an empty text or a template that does not render, `FORBIDDEN` for
/// non-admins, or any [`ApiError`] of the call.
pub async fn set_template(
    key: &str,
    lang: &str,
    subject: &str,
    body: &str,
) -> Result<MessageTemplate, ApiError> {
    let variables = set_message_template::Variables {
        key: key.to_owned(),
        lang: lang.to_owned(),
        subject: subject.to_owned(),
        body: body.to_owned(),
    };
    Ok(graphql::<SetMessageTemplate>(variables)
        .await?
        .set_message_template
        .into())
}

/// Goes back to the built-in wording of `key` in `lang` (`reset_message_template.graphql`);
/// true when a template was removed.
///
/// # Errors
///
/// `FORBIDDEN` for non-admins, or any [`ApiError`] of the call.
pub async fn reset_template(key: &str, lang: &str) -> Result<bool, ApiError> {
    let variables = reset_message_template::Variables {
        key: key.to_owned(),
        lang: lang.to_owned(),
    };
    Ok(graphql::<ResetMessageTemplate>(variables)
        .await?
        .reset_message_template)
}

/// The signature under every mail (`mail_signature.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for non-admins, or any [`ApiError`] of the call.
pub async fn fetch_signature() -> Result<String, ApiError> {
    Ok(graphql::<MailSignature>(mail_signature::Variables)
        .await?
        .mail_signature)
}

/// Sets the signature under every mail, empty for none (`set_mail_signature.graphql`);
/// returns it as stored.
///
/// # Errors
///
/// `BAD_USER_INPUT` for a signature the server refuses, `FORBIDDEN` for non-admins, or any
/// [`ApiError`] of the call.
pub async fn set_signature(signature: &str) -> Result<String, ApiError> {
    let variables = set_mail_signature::Variables {
        signature: signature.to_owned(),
    };
    Ok(graphql::<SetMailSignature>(variables)
        .await?
        .set_mail_signature)
}
