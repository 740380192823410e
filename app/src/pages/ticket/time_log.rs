//! Time worked on a ticket: the total, the entries and a form to log more (staff).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::tickets::{LogTimeInput, TicketDetail};
use crate::api::{self, ApiError};
use crate::components::error_view::ErrorMessage;
use crate::state::use_app_state;

/// The most minutes one entry may hold (a day).
const MAX_MINUTES: i64 = 1440;

/// The "time spent" panel.
#[component]
pub fn TimeLog(ticket_id: String, detail: RwSignal<TicketDetail>) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    let minutes = RwSignal::new(String::new());
    let work_date = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let invalid = RwSignal::new(false);

    let log = Action::new_local(move |input: &LogTimeInput| {
        let input = input.clone();
        async move {
            let entry = api::tickets::log_time(input).await?;
            detail.update(|detail| {
                if !detail.time_entries.iter().any(|known| known.id == entry.id) {
                    detail.logged_minutes += entry.minutes;
                    detail.time_entries.push(entry);
                }
            });
            minutes.set(String::new());
            note.set(String::new());
            Ok::<(), ApiError>(())
        }
    });
    let pending = log.pending();
    let error = move || log.value().get().and_then(Result::err);

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let Some(count) = minutes
            .get_untracked()
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|count| (1..=MAX_MINUTES).contains(count))
        else {
            invalid.set(true);
            return;
        };
        invalid.set(false);
        let date = work_date.get_untracked();
        let text = note.get_untracked();
        log.dispatch_local(LogTimeInput {
            ticket_id: ticket_id.clone(),
            minutes: count,
            work_date: (!date.is_empty()).then_some(date),
            note: (!text.trim().is_empty()).then(|| text.trim().to_owned()),
        });
    };

    let total = move || detail.with(|detail| detail.logged_minutes);

    view! {
        <section class="panel time-log">
            <h2>{move || texts().time_title}</h2>
            <p class="total" data-testid="logged-minutes" data-minutes=move || total().to_string()>
                {move || texts().time_total} " : "
                <strong>{move || texts().duration(total())}</strong>
            </p>
            <Show when=move || detail.with(|detail| detail.time_entries.is_empty())>
                <p class="empty">{move || texts().time_none}</p>
            </Show>
            <ul class="time-entries">
                <For
                    each=move || detail.with(|detail| detail.time_entries.clone())
                    key=|entry| entry.id.clone()
                    children=move |entry| {
                        let who = entry.user.map(|user| user.display_name).unwrap_or_default();
                        let minutes = entry.minutes;
                        view! {
                            <li data-testid="time-entry">
                                <span class="date">{entry.work_date}</span>
                                <strong>{move || texts().duration(minutes)}</strong>
                                <span class="muted">{who}</span>
                                <span>{entry.note.unwrap_or_default()}</span>
                            </li>
                        }
                    }
                />
            </ul>
            <form class="inline-form" on:submit=on_submit>
                <label>
                    <span>{move || texts().time_minutes}</span>
                    <input
                        type="number"
                        min="1"
                        max=MAX_MINUTES.to_string()
                        name="minutes"
                        data-testid="log-minutes"
                        prop:value=minutes
                        on:input=move |event| minutes.set(event_target_value(&event))
                    />
                </label>
                <label>
                    <span>{move || texts().time_date}</span>
                    <input
                        type="date"
                        name="workDate"
                        data-testid="log-date"
                        prop:value=work_date
                        on:input=move |event| work_date.set(event_target_value(&event))
                    />
                </label>
                <label class="grow">
                    <span>{move || texts().time_note}</span>
                    <input
                        type="text"
                        name="note"
                        data-testid="log-note"
                        prop:value=note
                        on:input=move |event| note.set(event_target_value(&event))
                    />
                </label>
                <button type="submit" data-testid="log-submit" disabled=move || pending.get()>
                    {move || texts().time_submit}
                </button>
            </form>
            <Show when=move || invalid.get()>
                <p class="error" role="alert">{move || texts().time_invalid}</p>
            </Show>
            {move || error().map(|error| view! { <ErrorMessage error/> })}
        </section>
    }
}
