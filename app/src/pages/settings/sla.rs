//! `/settings/sla`: each ticket type's response and resolution hours.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::settings::SlaPolicy;
use crate::api::{self, ApiError};
use crate::components::error_view::{ErrorList, ErrorMessage};
use crate::state::use_app_state;

/// Loads the SLA policies and shows one form per ticket type.
#[component]
pub fn SlaPage() -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    let policies = LocalResource::new(api::settings::fetch_sla_policies);
    let content = move || {
        Suspend::new(async move {
            policies.await.map(|policies| {
                policies
                    .into_iter()
                    .map(|policy| view! { <SlaEditor policy/> })
                    .collect_view()
            })
        })
    };
    view! {
        <section class="settings-page">
            <h1>{move || texts().settings_sla_title}</h1>
            <p class="muted">{move || texts().settings_sla_intro}</p>
            <Transition fallback=move || view! { <p class="loading">{move || texts().loading}</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors/> }>
                    <div class="sla-policies">{content}</div>
                </ErrorBoundary>
            </Transition>
            <super::calendar::CalendarSection/>
        </section>
    }
}

/// One ticket type's hours and their save button.
#[component]
fn SlaEditor(policy: SlaPolicy) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    let ticket_type = policy.ticket_type;
    let type_name = ticket_type.as_str().to_owned();
    let save_type = ticket_type.clone();
    let response = RwSignal::new(policy.response_hours.to_string());
    let resolution = RwSignal::new(policy.resolution_hours.to_string());
    let invalid = RwSignal::new(false);
    let saved = RwSignal::new(false);

    let save = Action::new_local(move |hours: &(i64, i64)| {
        let (response_hours, resolution_hours) = *hours;
        let ticket_type = save_type.clone();
        async move {
            let policy =
                api::settings::update_sla_policy(ticket_type, response_hours, resolution_hours)
                    .await?;
            response.set(policy.response_hours.to_string());
            resolution.set(policy.resolution_hours.to_string());
            saved.set(true);
            Ok::<(), ApiError>(())
        }
    });
    let pending = save.pending();
    let error = move || save.value().get().and_then(Result::err);

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        saved.set(false);
        let parse = |text: String| text.trim().parse::<i64>().ok().filter(|hours| *hours > 0);
        match (
            parse(response.get_untracked()),
            parse(resolution.get_untracked()),
        ) {
            (Some(response_hours), Some(resolution_hours)) => {
                invalid.set(false);
                save.dispatch_local((response_hours, resolution_hours));
            }
            _ => invalid.set(true),
        }
    };

    view! {
        <form
            class="panel sla-policy"
            data-testid="sla-policy"
            data-type=type_name
            on:submit=on_submit
        >
            <h2>{move || texts().ticket_type(&ticket_type)}</h2>
            <label>
                <span>{move || texts().sla_response_hours}</span>
                <input
                    type="number"
                    min="1"
                    name="responseHours"
                    data-testid="sla-response-hours"
                    prop:value=response
                    on:input=move |event| response.set(event_target_value(&event))
                />
            </label>
            <label>
                <span>{move || texts().sla_resolution_hours}</span>
                <input
                    type="number"
                    min="1"
                    name="resolutionHours"
                    data-testid="sla-resolution-hours"
                    prop:value=resolution
                    on:input=move |event| resolution.set(event_target_value(&event))
                />
            </label>
            <Show when=move || invalid.get()>
                <p class="error" role="alert">{move || texts().settings_invalid_number}</p>
            </Show>
            {move || error().map(|error| view! { <ErrorMessage error/> })}
            <div class="reply-actions">
                <Show when=move || saved.get()>
                    <span class="saved" data-testid="saved">{move || texts().saved}</span>
                </Show>
                <div class="spacer"></div>
                <button type="submit" data-testid="sla-save" disabled=move || pending.get()>
                    {move || if pending.get() { texts().saving } else { texts().save }}
                </button>
            </div>
        </form>
    }
}
