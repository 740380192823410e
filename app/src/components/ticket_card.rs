//! A ticket's card on the board.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::tickets::TicketSummary;
use crate::components::badges::PriorityBadge;
use crate::state::use_app_state;

/// A card: number, subject, customer, priority and assignee; the whole card links to the
/// ticket's page.
#[component]
pub fn TicketCard(ticket: TicketSummary) -> impl IntoView {
    let state = use_app_state();
    let assignee = ticket.assignee.map(|assignee| assignee.display_name);
    let assigned = assignee.is_some();
    let number = ticket.number.clone();
    let href = format!("/tickets/{}", ticket.id);
    view! {
        <article
            class="card"
            data-testid="ticket-card"
            data-number=number
            data-id=ticket.id
            data-status=ticket.status.as_str()
        >
            <A href=href>
                <div class="card-top">
                    <span class="card-number">{ticket.number}</span>
                    <PriorityBadge priority=ticket.priority/>
                </div>
                <p class="card-subject">{ticket.subject}</p>
                <p class="card-customer">{ticket.customer.display_name}</p>
                <p class="card-assignee" class:unassigned=!assigned>
                    {move || assignee.clone().unwrap_or_else(|| state.texts().unassigned.to_owned())}
                </p>
            </A>
        </article>
    }
}
