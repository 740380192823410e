//! A ticket's history, in a collapsible section.

use leptos::prelude::*;

use crate::api::tickets::ticket::TicketTicketHistoryChange as Change;
use crate::api::tickets::HistoryEntry;
use crate::components::time::Time;
use crate::i18n::Texts;
use crate::state::use_app_state;

/// Who changed what and when, oldest first; closed until opened. Each entry's change
/// arrives typed from the API and is worded here, in the reader's language.
#[component]
pub fn HistoryList(#[prop(into)] entries: Signal<Vec<HistoryEntry>>) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    let count = move || entries.with(Vec::len);
    view! {
        <details class="panel history" data-testid="history">
            <summary>
                <h2>{move || texts().history_title}</h2>
                <span class="count">{count}</span>
            </summary>
            <Show when=move || count() == 0>
                <p class="empty">{move || texts().history_empty}</p>
            </Show>
            <ol class="history-entries">
                <For
                    each=move || entries.get()
                    key=|entry| entry.id.clone()
                    children=move |entry| {
                        let actor = entry.actor.map(|actor| actor.display_name);
                        let kind = entry.kind.clone();
                        let change = entry.change.clone();
                        view! {
                            <li class="history-entry" data-kind=entry.kind.as_str().to_owned()>
                                <Time instant=entry.created_at/>
                                <strong>{move || texts().history_kind(&kind).to_owned()}</strong>
                                <span class="change">
                                    {move || change.as_ref().map(|c| describe(texts(), c)).unwrap_or_default()}
                                </span>
                                <span class="muted">
                                    {move || actor.clone().unwrap_or_else(|| texts().author_system.to_owned())}
                                </span>
                            </li>
                        }
                    }
                />
            </ol>
        </details>
    }
}

/// "before → after" (or just the value) for one change.
fn describe(texts: &Texts, change: &Change) -> String {
    let arrow = |from: Option<String>, to: Option<String>| {
        let nobody = || texts.history_nobody.to_owned();
        match from {
            Some(from) => format!("{from} → {}", to.unwrap_or_else(nobody)),
            None => to.unwrap_or_else(nobody),
        }
    };
    match change {
        Change::StatusChange(c) => arrow(
            c.status_from.as_ref().map(|s| texts.status(s).to_owned()),
            Some(texts.status(&c.status_to).to_owned()),
        ),
        Change::AssigneeChange(c) => match (&c.assignee_from, &c.assignee_to) {
            (None, to) => arrow(None, to.as_ref().map(|u| u.display_name.clone())),
            (Some(from), to) => arrow(
                Some(from.display_name.clone()),
                to.as_ref().map(|u| u.display_name.clone()),
            ),
        },
        Change::PriorityChange(c) => arrow(
            Some(texts.priority(&c.priority_from).to_owned()),
            Some(texts.priority(&c.priority_to).to_owned()),
        ),
        Change::DepartmentChange(c) => match (&c.department_from, &c.department_to) {
            (None, to) => arrow(None, to.as_ref().map(|d| d.name.clone())),
            (Some(from), to) => arrow(Some(from.name.clone()), to.as_ref().map(|d| d.name.clone())),
        },
        Change::MergeChange(c) => format!("{} → {}", c.duplicate_number, c.target_number),
        Change::TicketLinkChange(c) => c.number.clone(),
        Change::LeadLinkChange(c) => format!("{} #{}", texts.history_lead, c.lead_id),
        Change::RatingChange(c) => format!("{} {}", c.stars, texts.history_stars),
        Change::SlaDeadlineChange(c) => texts.deadline(&c.deadline).to_owned(),
    }
}
