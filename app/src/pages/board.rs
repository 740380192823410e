//! The ticket board: one column per status, kept current by the live feed.

use leptos::prelude::*;

use crate::api;
use crate::api::tickets::{TicketStatus, TicketSummary};
use crate::components::error_view::ErrorList;
use crate::components::ticket_card::TicketCard;
use crate::state::use_app_state;

/// Loads the newest tickets, then inserts, updates and moves cards as live events arrive.
#[component]
pub fn BoardPage() -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();

    // The cards shown: the loaded page, then every live change applied on top.
    let board = RwSignal::new(Vec::<TicketSummary>::new());
    state.live.on_event(move |event| {
        board.update(|tickets| upsert_ticket(tickets, &event.ticket.summary))
    });

    let page = LocalResource::new(api::tickets::fetch_board_tickets);

    let columns = move || {
        Suspend::new(async move {
            page.await.map(|page| {
                let truncated = page.truncated;
                board.update(|live| *live = merge_loaded(page.tickets, live));
                view! {
                    <Show when=move || truncated>
                        <p class="notice">{move || texts().board_truncated}</p>
                    </Show>
                    <div class="board" data-testid="board">
                        {TicketStatus::ALL
                            .into_iter()
                            .map(|status| view! { <BoardColumn status board/> })
                            .collect_view()}
                    </div>
                }
            })
        })
    };

    view! {
        <section class="board-page">
            <h1>{move || texts().board_title}</h1>
            <Transition fallback=move || view! { <p class="loading">{move || texts().loading}</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors/> }>
                    {columns}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// One status's column.
#[component]
fn BoardColumn(status: TicketStatus, board: RwSignal<Vec<TicketSummary>>) -> impl IntoView {
    let state = use_app_state();
    let tickets = move || {
        board.with(|tickets| {
            tickets
                .iter()
                .filter(|ticket| ticket.status == status)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let count = move || board.with(|tickets| tickets.iter().filter(|t| t.status == status).count());
    view! {
        <section
            class=format!("column column-{}", status.as_str().to_lowercase())
            data-testid=format!("column-{}", status.as_str())
        >
            <h2>
                <span>{move || state.texts().status(status)}</span>
                <span class="count">{count}</span>
            </h2>
            <div class="cards">
                // A card's key is its whole content, so a changed ticket is drawn anew.
                <For each=tickets key=|ticket| ticket.clone() children=|ticket| view! { <TicketCard ticket/> }/>
                <Show when=move || count() == 0>
                    <p class="empty">{move || state.texts().board_empty_column}</p>
                </Show>
            </div>
        </section>
    }
}

/// Puts a changed ticket on the board: replaced where it was (its column follows its
/// status), or first when it is new.
fn upsert_ticket(tickets: &mut Vec<TicketSummary>, ticket: &TicketSummary) {
    match tickets.iter_mut().find(|known| known.id == ticket.id) {
        Some(known) => known.clone_from(ticket),
        None => tickets.insert(0, ticket.clone()),
    }
}

/// The loaded page with the live changes that arrived while it loaded and are newer than
/// what it says.
fn merge_loaded(loaded: Vec<TicketSummary>, live: &[TicketSummary]) -> Vec<TicketSummary> {
    let mut merged = loaded;
    for ticket in live.iter().rev() {
        let newer = merged
            .iter()
            .find(|known| known.id == ticket.id)
            .is_none_or(|known| ticket.updated_at > known.updated_at);
        if newer {
            upsert_ticket(&mut merged, ticket);
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::tickets::{PersonRef, TicketPriority, TicketType};

    fn ticket(id: &str, status: TicketStatus, updated_at: &str) -> TicketSummary {
        TicketSummary {
            id: id.into(),
            number: format!("SUP-2026-{id:0>5}"),
            subject: format!("Subject {id}"),
            status,
            priority: TicketPriority::Normal,
            ticket_type: TicketType::Support,
            updated_at: updated_at.into(),
            customer: PersonRef {
                id: "1".into(),
                display_name: "Ada".into(),
            },
            assignee: None,
        }
    }

    #[test]
    fn a_new_ticket_goes_first_and_a_known_one_is_replaced() {
        let mut tickets = vec![ticket("1", TicketStatus::New, "2026-01-01T00:00:00Z")];
        upsert_ticket(
            &mut tickets,
            &ticket("2", TicketStatus::New, "2026-01-02T00:00:00Z"),
        );
        upsert_ticket(
            &mut tickets,
            &ticket("1", TicketStatus::Open, "2026-01-03T00:00:00Z"),
        );
        let ids: Vec<_> = tickets.iter().map(|t| (t.id.as_str(), t.status)).collect();
        assert_eq!(ids, [("2", TicketStatus::New), ("1", TicketStatus::Open)]);
    }

    #[test]
    fn loading_keeps_only_newer_live_changes() {
        let loaded = vec![
            ticket("2", TicketStatus::Open, "2026-01-05T00:00:00Z"),
            ticket("1", TicketStatus::New, "2026-01-01T00:00:00Z"),
        ];
        let live = [
            ticket("3", TicketStatus::New, "2026-01-06T00:00:00Z"),
            ticket("2", TicketStatus::New, "2026-01-04T00:00:00Z"),
            ticket("1", TicketStatus::Closed, "2026-01-07T00:00:00Z"),
        ];
        let merged = merge_loaded(loaded, &live);
        let ids: Vec<_> = merged.iter().map(|t| (t.id.as_str(), t.status)).collect();
        assert_eq!(
            ids,
            [
                ("3", TicketStatus::New),
                ("2", TicketStatus::Open),
                ("1", TicketStatus::Closed)
            ]
        );
    }
}
