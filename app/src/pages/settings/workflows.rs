//! `/settings/workflows`: each ticket type's allowed status changes, as a from × to matrix
//! of checkboxes.

use std::collections::BTreeSet;

use leptos::prelude::*;

use crate::api::settings::{Transition, Workflow};
use crate::api::{self, ApiError};
use crate::api::{TicketStatus, TicketType};
use crate::components::error_view::{ErrorList, ErrorMessage};
use crate::state::use_app_state;

/// Loads the workflows and shows one editor per ticket type.
#[component]
pub fn WorkflowsPage() -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    let workflows = LocalResource::new(api::settings::fetch_workflows);
    let content = move || {
        Suspend::new(async move {
            workflows.await.map(|workflows| {
                workflows
                    .into_iter()
                    .map(|workflow| view! { <WorkflowEditor workflow/> })
                    .collect_view()
            })
        })
    };
    view! {
        <section class="settings-page">
            <h1>{move || texts().settings_workflows_title}</h1>
            <p class="muted">{move || texts().settings_workflows_intro}</p>
            <Transition fallback=move || view! { <p class="loading">{move || texts().loading}</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors/> }>
                    {content}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// One workflow's matrix and its save button.
#[component]
fn WorkflowEditor(workflow: Workflow) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    let ticket_type: TicketType = workflow.ticket_type;
    let initial = workflow.initial_status;
    let moves = RwSignal::new(
        workflow
            .transitions
            .iter()
            .map(|transition| (transition.from.clone(), transition.to.clone()))
            .collect::<BTreeSet<_>>(),
    );
    let saved = RwSignal::new(false);

    let save_type = ticket_type.clone();
    let save = Action::new_local(move |transitions: &Vec<Transition>| {
        let transitions = transitions.clone();
        let ticket_type = save_type.clone();
        async move {
            let workflow =
                api::settings::set_workflow_transitions(ticket_type, &transitions).await?;
            moves.set(
                workflow
                    .transitions
                    .into_iter()
                    .map(|transition| (transition.from, transition.to))
                    .collect(),
            );
            saved.set(true);
            Ok::<(), ApiError>(())
        }
    });
    let pending = save.pending();
    let error = move || save.value().get().and_then(Result::err);
    let on_save = move |_| {
        saved.set(false);
        let transitions = moves
            .get_untracked()
            .into_iter()
            .map(|(from, to)| Transition { from, to })
            .collect();
        save.dispatch_local(transitions);
    };

    let header = TicketStatus::ALL
        .into_iter()
        .map(|to| view! { <th scope="col">{move || texts().status(&to)}</th> })
        .collect_view();
    let rows = TicketStatus::ALL
        .into_iter()
        .map(|from| {
            let cells = TicketStatus::ALL
                .into_iter()
                .map(|to| {
                    let same = from == to;
                    let data_from = from.as_str().to_owned();
                    let data_to = to.as_str().to_owned();
                    let cell = (from.clone(), to);
                    let checked = {
                        let cell = cell.clone();
                        move || moves.with(|moves| moves.contains(&cell))
                    };
                    view! {
                        <td>
                            <input
                                type="checkbox"
                                data-testid="workflow-cell"
                                data-from=data_from
                                data-to=data_to
                                disabled=same
                                prop:checked=checked
                                on:change=move |event| {
                                    saved.set(false);
                                    let on = event_target_checked(&event);
                                    moves.update(|moves| {
                                        if on {
                                            moves.insert(cell.clone());
                                        } else {
                                            moves.remove(&cell);
                                        }
                                    });
                                }
                            />
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{move || texts().status(&from)}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();

    let type_name = ticket_type.as_str().to_owned();
    view! {
        <section class="panel workflow" data-testid="workflow" data-type=type_name>
            <h2>{move || texts().ticket_type(&ticket_type)} " — " {workflow.name}</h2>
            <p class="muted">
                {move || texts().workflow_initial} " " {move || texts().status(&initial)}
            </p>
            <table class="matrix">
                <thead>
                    <tr>
                        <th>{move || texts().workflow_from_to}</th>
                        {header}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            {move || error().map(|error| view! { <ErrorMessage error/> })}
            <div class="reply-actions">
                <Show when=move || saved.get()>
                    <span class="saved" data-testid="saved">{move || texts().saved}</span>
                </Show>
                <div class="spacer"></div>
                <button
                    type="button"
                    data-testid="workflow-save"
                    disabled=move || pending.get()
                    on:click=on_save
                >
                    {move || if pending.get() { texts().saving } else { texts().save }}
                </button>
            </div>
        </section>
    }
}
