//! Small coloured labels for a ticket's priority and status.

use leptos::prelude::*;

use crate::api::{TicketPriority, TicketStatus};
use crate::state::use_app_state;

/// A ticket's priority, coloured by urgency.
#[component]
pub fn PriorityBadge(priority: TicketPriority) -> impl IntoView {
    let state = use_app_state();
    let name = priority.css_name();
    view! {
        <span class=format!("badge priority-{name}") data-priority=name>
            {move || state.texts().priority(&priority)}
        </span>
    }
}

/// A ticket's status.
#[component]
pub fn StatusBadge(status: TicketStatus) -> impl IntoView {
    let state = use_app_state();
    let class = format!("badge status status-{}", status.as_str().to_lowercase());
    view! {
        <span class=class>
            {move || state.texts().status(&status)}
        </span>
    }
}
