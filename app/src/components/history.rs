//! A ticket's history, in a collapsible section.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::api::tickets::ticket::HistoryKind;
use crate::api::tickets::HistoryEntry;
use crate::components::time::Time;
use crate::state::use_app_state;

/// Who changed what and when, oldest first; closed until opened. `names` turns the user
/// ids of assignments into names.
#[component]
pub fn HistoryList(
    #[prop(into)] entries: Signal<Vec<HistoryEntry>>,
    #[prop(into)] names: Signal<HashMap<String, String>>,
) -> impl IntoView {
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
                        let from = entry.from_value.clone();
                        let to = entry.to_value.clone();
                        let assignment = entry.kind == HistoryKind::ASSIGNED;
                        let change = move || {
                            let texts = texts();
                            let show = |value: &str| {
                                assignment
                                    .then(|| names.with(|names| names.get(value).cloned()))
                                    .flatten()
                                    .unwrap_or_else(|| texts.history_value(value).to_owned())
                            };
                            match (&from, &to) {
                                (Some(from), Some(to)) => format!("{} → {}", show(from), show(to)),
                                (None, Some(to)) => show(to),
                                (Some(from), None) => format!("{} → —", show(from)),
                                (None, None) => String::new(),
                            }
                        };
                        view! {
                            <li class="history-entry" data-kind=entry.kind.as_str().to_owned()>
                                <Time instant=entry.created_at/>
                                <strong>{move || texts().history_kind(&kind).to_owned()}</strong>
                                <span class="change">{change}</span>
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
