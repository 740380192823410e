//! A ticket's card on the board.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::tickets::TicketSummary;
use crate::api::TicketStatus;
use crate::components::badges::PriorityBadge;
use crate::components::sla::{SlaChip, SlaClock, SlaKind, SlaState};
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
    // Both deadlines, counted down with the board's clock (or frozen at render time
    // outside the board).
    let clock = use_context::<SlaClock>();
    let now = move || clock.map_or_else(js_sys::Date::now, |clock| clock.0.get());
    let finished = matches!(
        ticket.status,
        TicketStatus::RESOLVED | TicketStatus::CLOSED | TicketStatus::CANCELLED
    );
    let responded = ticket.first_response_at.is_some() || finished;
    let response_due = ticket.response_due_at.clone();
    let resolution_due = ticket.resolution_due_at.clone();
    // A finished ticket's deadlines no longer matter on the board.
    let has_sla = !finished && (response_due.is_some() || resolution_due.is_some());
    let response_sla =
        Signal::derive(move || SlaState::at(response_due.as_deref(), responded, now()));
    let resolution_sla =
        Signal::derive(move || SlaState::at(resolution_due.as_deref(), finished, now()));
    view! {
        <article
            class="card"
            data-testid="ticket-card"
            data-number=number
            data-id=ticket.id
            data-status=ticket.status.as_str().to_owned()
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
                <Show when=move || has_sla>
                    <p class="card-sla">
                        <SlaChip kind=SlaKind::Response state=response_sla/>
                        <SlaChip kind=SlaKind::Resolution state=resolution_sla/>
                    </p>
                </Show>
            </A>
        </article>
    }
}
