//! Staff controls of a ticket: its priority and its assignee.

use leptos::prelude::*;

use crate::api::people::Agent;
use crate::api::tickets::TicketDetail;
use crate::api::{self, ApiError, TicketPriority};
use crate::components::error_view::ErrorMessage;
use crate::state::use_app_state;

use super::refresh_history;

/// The priority drop-down.
#[component]
pub fn PrioritySelect(ticket_id: String, detail: RwSignal<TicketDetail>) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    let current = Memo::new(move |_| detail.with(|detail| detail.priority.clone()));
    // Bumped after a refused change, to put the drop-down back on the current priority.
    let redraw = RwSignal::new(0_u32);

    let change = Action::new_local(move |priority: &TicketPriority| {
        let priority = priority.clone();
        let ticket_id = ticket_id.clone();
        async move {
            match api::tickets::change_ticket_priority(&ticket_id, priority).await {
                Ok(snapshot) => {
                    detail.update(|detail| detail.apply_snapshot(&snapshot));
                    refresh_history(ticket_id, detail);
                    Ok(())
                }
                Err(error) => {
                    redraw.update(|count| *count += 1);
                    Err::<(), ApiError>(error)
                }
            }
        }
    });
    let pending = change.pending();
    let error = move || change.value().get().and_then(Result::err);

    let on_change =
        move |event: leptos::ev::Event| match TicketPriority::parse(&event_target_value(&event)) {
            Some(priority) if current.with_untracked(|current| priority != *current) => {
                change.dispatch_local(priority);
            }
            _ => {}
        };

    let select = move || {
        redraw.track();
        let current = current.get();
        let options = TicketPriority::ALL
            .into_iter()
            .map(|priority| {
                view! {
                    <option value=priority.as_str().to_owned() selected=priority == current>
                        {texts().priority(&priority)}
                    </option>
                }
            })
            .collect_view();
        view! {
            <select
                data-testid="priority-select"
                name="priority"
                prop:value=current.as_str().to_owned()
                disabled=move || pending.get()
                on:change=on_change
            >
                {options}
            </select>
        }
    };

    view! {
        <div class="control">
            <label>
                <span>{move || texts().change_priority}</span>
                {select}
            </label>
            {move || error().map(|error| view! { <ErrorMessage error/> })}
        </div>
    }
}

/// The assignee drop-down, fed by the agents list, with an "unassigned" choice.
#[component]
pub fn AssigneeSelect(
    ticket_id: String,
    detail: RwSignal<TicketDetail>,
    agents: LocalResource<Result<Vec<Agent>, ApiError>>,
) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    let current = Memo::new(move |_| detail.with(|detail| detail.assignee.clone()));
    let redraw = RwSignal::new(0_u32);

    let assign = Action::new_local(move |assignee_id: &Option<String>| {
        let assignee_id = assignee_id.clone();
        let ticket_id = ticket_id.clone();
        async move {
            match api::tickets::assign_ticket(&ticket_id, assignee_id.as_deref()).await {
                Ok(snapshot) => {
                    detail.update(|detail| detail.apply_snapshot(&snapshot));
                    refresh_history(ticket_id, detail);
                    Ok(())
                }
                Err(error) => {
                    redraw.update(|count| *count += 1);
                    Err::<(), ApiError>(error)
                }
            }
        }
    });
    let pending = assign.pending();
    let error = move || {
        assign
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| agents.get().and_then(Result::err))
    };

    let on_change = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        let chosen = (!value.is_empty()).then_some(value);
        let known = current.with_untracked(|current| current.as_ref().map(|a| a.id.clone()));
        if chosen != known {
            assign.dispatch_local(chosen);
        }
    };

    let select = move || {
        redraw.track();
        let current = current.get();
        let current_id = current.as_ref().map(|a| a.id.clone()).unwrap_or_default();
        let mut people = agents.get().and_then(Result::ok).unwrap_or_default();
        if let Some(current) = &current {
            if !people.iter().any(|agent| agent.id == current.id) {
                people.insert(0, current.clone().into());
            }
        }
        let options = people
            .into_iter()
            .map(|agent| {
                let selected = agent.id == current_id;
                view! { <option value=agent.id selected=selected>{agent.display_name}</option> }
            })
            .collect_view();
        view! {
            <select
                data-testid="assignee-select"
                name="assignee"
                prop:value=current_id.clone()
                disabled=move || pending.get()
                on:change=on_change
            >
                <option value="" selected=current_id.is_empty()>{texts().unassigned}</option>
                {options}
            </select>
        }
    };

    view! {
        <div class="control">
            <label>
                <span>{move || texts().change_assignee}</span>
                {select}
            </label>
            {move || error().map(|error| view! { <ErrorMessage error/> })}
        </div>
    }
}
