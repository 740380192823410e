//! Small coloured labels for a ticket's priority and status.

use leptos::prelude::*;

use crate::api::tickets::{TicketPriority, TicketStatus};
use crate::state::use_app_state;

/// A ticket's priority, coloured by urgency.
#[component]
pub fn PriorityBadge(priority: TicketPriority) -> impl IntoView {
    let state = use_app_state();
    view! {
        <span
            class=format!("badge priority-{}", priority.css_name())
            data-priority=priority.css_name()
        >
            {move || state.texts().priority(priority)}
        </span>
    }
}

/// A ticket's status.
#[component]
pub fn StatusBadge(status: TicketStatus) -> impl IntoView {
    let state = use_app_state();
    view! {
        <span class=format!("badge status status-{}", status.as_str().to_lowercase())>
            {move || state.texts().status(status)}
        </span>
    }
}
