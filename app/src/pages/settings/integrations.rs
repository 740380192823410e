//! `/settings/integrations`: the tenant's channel integrations (admins) and a form to
//! connect one (Telegram bot, Twilio SMS/WhatsApp, inbound e-mail). Credentials are sent
//! once and never shown again; the page shows where to point the provider's webhook.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use serde_json::json;

use crate::api::integrations::{Integration, NewIntegration};
use crate::api::{self, ApiError, IntegrationKind};
use crate::components::error_view::{ErrorList, ErrorMessage};
use crate::i18n::Lang;
use crate::state::use_app_state;

/// The page's texts (kept here: only this page uses them).
struct IntegrationTexts {
    title: &'static str,
    intro: &'static str,
    none: &'static str,
    kind: &'static str,
    name: &'static str,
    active: &'static str,
    inactive: &'static str,
    webhook: &'static str,
    add_title: &'static str,
    add: &'static str,
    adding: &'static str,
    added: &'static str,
    secrets_note: &'static str,
    deactivate: &'static str,
}

const FR: IntegrationTexts = IntegrationTexts {
    title: "Intégrations",
    intro: "Les canaux par lesquels vos clients vous écrivent. Les secrets sont chiffrés et ne sont jamais réaffichés.",
    none: "Aucune intégration.",
    kind: "Type",
    name: "Nom",
    active: "Active",
    inactive: "Désactivée",
    webhook: "Webhook",
    add_title: "Connecter un canal",
    add: "Connecter",
    adding: "Connexion…",
    added: "Intégration créée",
    secrets_note: "Les secrets saisis ici ne seront plus affichés.",
    deactivate: "Désactiver",
};

const EN: IntegrationTexts = IntegrationTexts {
    title: "Integrations",
    intro: "The channels your customers write to you through. Secrets are encrypted and never shown again.",
    none: "No integration.",
    kind: "Kind",
    name: "Name",
    active: "Active",
    inactive: "Deactivated",
    webhook: "Webhook",
    add_title: "Connect a channel",
    add: "Connect",
    adding: "Connecting…",
    added: "Integration created",
    secrets_note: "Secrets typed here will not be shown again.",
    deactivate: "Deactivate",
};

fn texts_for(lang: Lang) -> &'static IntegrationTexts {
    match lang {
        Lang::Fr => &FR,
        Lang::En => &EN,
    }
}

/// The kinds the form offers, with their label.
const KINDS: [(&str, &str); 3] = [
    ("TELEGRAM", "Telegram"),
    ("TWILIO", "Twilio (SMS / WhatsApp)"),
    ("INBOUND_EMAIL", "E-mail"),
];

fn kind_label(kind: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(value, _)| *value == kind)
        .map_or("", |(_, label)| *label)
}

/// Lists the integrations and offers the form.
#[component]
pub fn IntegrationsPage() -> impl IntoView {
    let state = use_app_state();
    let texts = move || texts_for(state.lang.get());
    let integrations = LocalResource::new(api::integrations::fetch_integrations);
    let content = move || {
        Suspend::new(async move {
            integrations.await.map(|list| {
                if list.is_empty() {
                    view! { <p class="muted" data-testid="integrations-empty">{move || texts().none}</p> }
                        .into_any()
                } else {
                    view! { <IntegrationTable list on_changed=move || integrations.refetch()/> }
                        .into_any()
                }
            })
        })
    };
    view! {
        <section class="settings-page" data-testid="integrations-page">
            <h1>{move || texts().title}</h1>
            <p class="muted">{move || texts().intro}</p>
            <Transition fallback=move || view! { <p class="loading">{move || state.texts().loading}</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors/> }>
                    {content}
                </ErrorBoundary>
            </Transition>
            <IntegrationForm on_created=move || integrations.refetch()/>
        </section>
    }
}

/// The integrations as a table; an active one can be deactivated.
#[component]
fn IntegrationTable(
    list: Vec<Integration>,
    on_changed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = use_app_state();
    let texts = move || texts_for(state.lang.get());
    let deactivate = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            api::integrations::deactivate_integration(&id).await?;
            on_changed();
            Ok::<(), ApiError>(())
        }
    });
    let error = move || deactivate.value().get().and_then(Result::err);
    let rows = list
        .into_iter()
        .map(|integration| {
            let kind = integration.kind.as_str().to_owned();
            let active = integration.is_active;
            view! {
                <tr data-testid="integration" data-kind=kind.clone()>
                    <td>{kind_label(&kind)}</td>
                    <td data-testid="integration-name">{integration.name.clone()}</td>
                    <td>{move || if active { texts().active } else { texts().inactive }}</td>
                    <td><code data-testid="integration-webhook">{integration.webhook_url.clone().unwrap_or_default()}</code></td>
                    <td>
                        {active.then(|| {
                            let id = integration.id.clone();
                            view! {
                                <button
                                    type="button"
                                    class="secondary"
                                    data-testid="integration-deactivate"
                                    disabled=move || deactivate.pending().get()
                                    on:click=move |_| {
                                        deactivate.dispatch_local(id.clone());
                                    }
                                >
                                    {move || texts().deactivate}
                                </button>
                            }
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {move || error().map(|error| view! { <ErrorMessage error/> })}
        <table class="panel integrations" data-testid="integrations">
            <thead>
                <tr>
                    <th>{move || texts().kind}</th>
                    <th>{move || texts().name}</th>
                    <th></th>
                    <th>{move || texts().webhook}</th>
                    <th></th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// One labelled text input bound to a signal.
#[component]
fn Field(label: &'static str, name: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! {
        <label>
            <span>{label}</span>
            <input
                type="text"
                name=name
                data-testid=format!("integration-{name}")
                prop:value=value
                on:input=move |event| value.set(event_target_value(&event))
            />
        </label>
    }
}

/// The form that connects a channel.
#[component]
fn IntegrationForm(on_created: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let state = use_app_state();
    let texts = move || texts_for(state.lang.get());
    let kind = RwSignal::new("TELEGRAM".to_owned());
    let name = RwSignal::new(String::new());
    let bot_token = RwSignal::new(String::new());
    let webhook_secret = RwSignal::new(String::new());
    let account_sid = RwSignal::new(String::new());
    let auth_token = RwSignal::new(String::new());
    let sms_from = RwSignal::new(String::new());
    let whatsapp_from = RwSignal::new(String::new());
    let mail_token = RwSignal::new(String::new());
    let added = RwSignal::new(false);

    let create = Action::new_local(move |input: &NewIntegration| {
        let input = input.clone();
        async move {
            api::integrations::create_integration(input).await?;
            for secret in [
                name,
                bot_token,
                webhook_secret,
                account_sid,
                auth_token,
                sms_from,
                whatsapp_from,
                mail_token,
            ] {
                secret.set(String::new());
            }
            added.set(true);
            on_created();
            Ok::<(), ApiError>(())
        }
    });
    let pending = create.pending();
    let error = move || create.value().get().and_then(Result::err);

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        added.set(false);
        let kind = kind.get_untracked();
        let (credentials, settings) = match kind.as_str() {
            "TWILIO" => {
                let mut settings = serde_json::Map::new();
                for (key, value) in [("smsFrom", sms_from), ("whatsappFrom", whatsapp_from)] {
                    let value = value.get_untracked();
                    if !value.trim().is_empty() {
                        settings.insert(key.to_owned(), json!(value.trim()));
                    }
                }
                (
                    json!({ "accountSid": account_sid.get_untracked(), "authToken": auth_token.get_untracked() }),
                    Some(serde_json::Value::Object(settings)),
                )
            }
            "INBOUND_EMAIL" => (json!({ "token": mail_token.get_untracked() }), None),
            _ => (
                json!({ "botToken": bot_token.get_untracked(), "webhookSecret": webhook_secret.get_untracked() }),
                None,
            ),
        };
        create.dispatch_local(NewIntegration {
            kind: IntegrationKind::parse(&kind).unwrap_or(IntegrationKind::Other(kind)),
            name: name.get_untracked(),
            credentials,
            settings,
        });
    };

    view! {
        <form class="panel integration-form" data-testid="integration-form" on:submit=on_submit>
            <h2>{move || texts().add_title}</h2>
            <label>
                <span>{move || texts().kind}</span>
                <select
                    name="kind"
                    data-testid="integration-kind"
                    on:change=move |event| kind.set(event_target_value(&event))
                >
                    {KINDS
                        .iter()
                        .map(|(value, label)| {
                            view! {
                                <option value=*value selected=move || kind.get() == *value>
                                    {*label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <Field label="Nom / Name" name="name" value=name/>
            <Show when=move || kind.get() == "TELEGRAM">
                <Field label="Bot token" name="botToken" value=bot_token/>
                <Field label="Webhook secret" name="webhookSecret" value=webhook_secret/>
            </Show>
            <Show when=move || kind.get() == "TWILIO">
                <Field label="Account SID" name="accountSid" value=account_sid/>
                <Field label="Auth token" name="authToken" value=auth_token/>
                <Field label="SMS from (+33…)" name="smsFrom" value=sms_from/>
                <Field label="WhatsApp from (+33…)" name="whatsappFrom" value=whatsapp_from/>
            </Show>
            <Show when=move || kind.get() == "INBOUND_EMAIL">
                <Field label="Token" name="token" value=mail_token/>
            </Show>
            <p class="muted">{move || texts().secrets_note}</p>
            {move || error().map(|error| view! { <ErrorMessage error/> })}
            <div class="reply-actions">
                <Show when=move || added.get()>
                    <span class="saved" data-testid="integration-added">{move || texts().added}</span>
                </Show>
                <div class="spacer"></div>
                <button type="submit" data-testid="integration-submit" disabled=move || pending.get()>
                    {move || if pending.get() { texts().adding } else { texts().add }}
                </button>
            </div>
        </form>
    }
}
