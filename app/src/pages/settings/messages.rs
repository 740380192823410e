//! `/settings/messages` (admins): what the team hears of by default, the signature under
//! every mail, and the wording of each message.

use leptos::prelude::*;

use crate::api::preferences::Scope;
use crate::api::{self, ApiError};
use crate::components::error_view::{ErrorList, ErrorMessage};
use crate::state::use_app_state;

use super::preferences::PreferencesSection;
use super::templates::TemplatesSection;

/// The team's defaults, the signature and the templates.
#[component]
pub fn MessagesPage() -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().notifications;
    view! {
        <section class="settings-page" data-testid="messages-page">
            <h1>{move || texts().messages_title}</h1>
            <p class="muted">{move || texts().messages_intro}</p>
            <TemplatesSection/>
            <SignatureSection/>
            <PreferencesSection scope=Scope::Tenant/>
        </section>
    }
}

/// Loads the signature and shows its form.
#[component]
fn SignatureSection() -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().notifications;
    let signature = LocalResource::new(api::templates::fetch_signature);
    let content = move || {
        Suspend::new(async move {
            signature
                .await
                .map(|signature| view! { <SignatureEditor signature/> })
        })
    };
    view! {
        <section class="panel signature" data-testid="signature">
            <h2>{move || texts().signature_title}</h2>
            <p class="muted">{move || texts().signature_intro}</p>
            <Transition fallback=move || view! { <p class="loading">{move || state.texts().loading}</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors/> }>{content}</ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn SignatureEditor(signature: String) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    let text = RwSignal::new(signature);
    let saved = RwSignal::new(false);
    let save = Action::new_local(move |signature: &String| {
        let signature = signature.clone();
        async move {
            let stored = api::templates::set_signature(&signature).await?;
            text.set(stored);
            saved.set(true);
            Ok::<(), ApiError>(())
        }
    });
    let pending = save.pending();
    let error = move || save.value().get().and_then(Result::err);
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        saved.set(false);
        save.dispatch_local(text.get_untracked());
    };
    view! {
        <form on:submit=on_submit>
            <label>
                <span class="visually-hidden">{move || texts().notifications.signature_title}</span>
                <textarea
                    rows="4"
                    data-testid="signature-text"
                    prop:value=text
                    on:input=move |event| {
                        saved.set(false);
                        text.set(event_target_value(&event));
                    }
                ></textarea>
            </label>
            {move || error().map(|error| view! { <ErrorMessage error/> })}
            <div class="reply-actions">
                <Show when=move || saved.get()>
                    <span class="saved" data-testid="signature-saved">{move || texts().saved}</span>
                </Show>
                <div class="spacer"></div>
                <button type="submit" data-testid="signature-save" disabled=move || pending.get()>
                    {move || if pending.get() { texts().saving } else { texts().save }}
                </button>
            </div>
        </form>
    }
}
