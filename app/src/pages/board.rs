//! The ticket board: a search box and filters, one column per status, kept current by the
//! live feed.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api::tickets::{BoardFilter, TicketSummary};
use crate::api::{self, ApiError};
use crate::api::{TicketPriority, TicketStatus, TicketType};
use crate::components::error_view::{ErrorList, ErrorMessage};
use crate::components::ticket_card::TicketCard;
use crate::state::use_app_state;

/// What the assignee filter asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum AssigneeFilter {
    Anyone,
    Unassigned,
    Agent(String),
}

impl AssigneeFilter {
    /// The drop-down's value: empty, `-` for unassigned, or the agent's id.
    fn parse(value: &str) -> AssigneeFilter {
        match value {
            "" => AssigneeFilter::Anyone,
            "-" => AssigneeFilter::Unassigned,
            id => AssigneeFilter::Agent(id.to_owned()),
        }
    }
}

/// How long the search box waits for the typing to stop.
const SEARCH_DEBOUNCE_MS: u32 = 300;

/// Loads the newest tickets matching the filters, then inserts, updates and moves cards as
/// live events arrive.
#[component]
pub fn BoardPage() -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    let is_staff = state.session.with_untracked(|session| {
        session
            .as_ref()
            .is_some_and(|session| session.user.role.is_staff())
    });

    // One clock for every card's SLA countdown; the interval stops with the page.
    let now = RwSignal::new(js_sys::Date::now());
    provide_context(crate::components::sla::SlaClock(now));
    let ticker = gloo_timers::callback::Interval::new(30_000, move || {
        let _ = now.try_set(js_sys::Date::now());
    });
    let ticker = StoredValue::new_local(Some(ticker));
    on_cleanup(move || {
        let _ = ticker.try_update_value(|ticker| ticker.take().map(|ticker| ticker.cancel()));
    });

    let search = RwSignal::new(String::new());
    let priority = RwSignal::new(None::<TicketPriority>);
    let ticket_type = RwSignal::new(None::<TicketType>);
    let assignee = RwSignal::new(AssigneeFilter::Anyone);
    let filter = Memo::new(move |_| {
        let search = search.get().trim().to_owned();
        let (assignee_id, unassigned) = match assignee.get() {
            AssigneeFilter::Anyone => (None, None),
            AssigneeFilter::Unassigned => (None, Some(true)),
            AssigneeFilter::Agent(id) => (Some(id), None),
        };
        BoardFilter {
            search: (!search.is_empty()).then_some(search),
            priority: priority.get().map(|priority| vec![priority]),
            ticket_type: ticket_type.get().map(|ticket_type| vec![ticket_type]),
            assignee_id,
            unassigned,
            ..BoardFilter::default()
        }
    });

    // The cards shown: the loaded page, then every live change applied on top. A ticket
    // that matches the filter comes in, one that no longer does goes; with a full-text
    // search (only the server can tell), live changes update the cards shown.
    let board = RwSignal::new(Vec::<TicketSummary>::new());
    // The live changes that arrived since the latest load began: the page it brings may
    // have been read before them, so they are applied again over it.
    let since_load = StoredValue::new(Vec::<TicketSummary>::new());
    // The latest load: one that ends after a newer one began is not shown.
    let latest_load = StoredValue::new(0_u64);
    state.live.on_event(move |change| {
        let ticket = TicketSummary::from(change.ticket.clone());
        let matches = filter.with_untracked(|filter| filter.matches(&ticket));
        since_load.update_value(|since| since.push(ticket.clone()));
        board.update(|tickets| apply_live(tickets, &ticket, matches));
    });

    // Loaded when the filters change and again on every resync (events were missed): the
    // fresh page replaces the cards, so that none that changed or left the filter
    // meanwhile lingers.
    // Where each column goes on (the cursor of its last loaded card), for columns with more.
    let more = RwSignal::new(Vec::<(TicketStatus, String)>::new());
    let more_error = RwSignal::new(None::<ApiError>);
    let page = LocalResource::new(move || {
        let filter = filter.get();
        state.live.resyncs.track();
        let load = latest_load.get_value() + 1;
        latest_load.set_value(load);
        since_load.set_value(Vec::new());
        async move {
            let columns = api::tickets::fetch_board_tickets(&filter).await?;
            if latest_load.try_get_value() == Some(load) {
                let since = since_load.try_get_value().unwrap_or_default();
                let next = columns
                    .iter()
                    .filter_map(|column| Some((column.status.clone(), column.next.clone()?)))
                    .collect();
                let loaded = columns
                    .into_iter()
                    .flat_map(|column| column.tickets)
                    .collect();
                let _ = board.try_set(with_live_changes(loaded, &since, &filter));
                let _ = more.try_set(next);
            }
            Ok::<_, ApiError>(())
        }
    });
    // Loads the next cards of a column, unless the filters changed meanwhile.
    let load_more = move |status: TicketStatus| {
        let Some(after) = more.with_untracked(|more| {
            more.iter()
                .find(|(column, _)| *column == status)
                .map(|(_, cursor)| cursor.clone())
        }) else {
            return;
        };
        let load = latest_load.get_value();
        let filter = filter.get_untracked();
        more_error.set(None);
        spawn_local(async move {
            match api::tickets::fetch_column_tickets(&filter, status.clone(), after).await {
                Ok(column) if latest_load.try_get_value() == Some(load) => {
                    board.update(|tickets| append_column(tickets, column.tickets));
                    more.update(|more| {
                        more.retain(|(known, _)| *known != status);
                        if let Some(next) = column.next {
                            more.push((status, next));
                        }
                    });
                }
                Ok(_) => {}
                Err(error) => {
                    let _ = more_error.try_set(Some(error));
                }
            }
        });
    };

    let columns = move || {
        Suspend::new(async move {
            page.await.map(|()| {
                view! {
                    {move || more_error.get().map(|error| view! { <ErrorMessage error/> })}
                    <div class="board" data-testid="board">
                        {TicketStatus::ALL
                            .into_iter()
                            .map(|status| view! { <BoardColumn status board more load_more/> })
                            .collect_view()}
                    </div>
                }
            })
        })
    };

    view! {
        <section class="board-page">
            <div class="page-title">
                <h1>{move || texts().board_title}</h1>
                <div class="spacer"></div>
                <A href="/tickets/new" attr:class="button" attr:data-testid="new-ticket">
                    {move || texts().new_ticket}
                </A>
            </div>
            <BoardFilters search priority ticket_type assignee is_staff/>
            <Transition fallback=move || view! { <p class="loading">{move || texts().loading}</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors/> }>
                    {columns}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// The search box (debounced) and the drop-downs of the board's filters.
#[component]
fn BoardFilters(
    search: RwSignal<String>,
    priority: RwSignal<Option<TicketPriority>>,
    ticket_type: RwSignal<Option<TicketType>>,
    assignee: RwSignal<AssigneeFilter>,
    is_staff: bool,
) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    // Bumped on each keystroke; a timer only applies the search if none followed it.
    let generation = StoredValue::new(0_u64);
    let on_search = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        let current = generation.get_value() + 1;
        generation.set_value(current);
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(SEARCH_DEBOUNCE_MS).await;
            if generation.try_get_value() == Some(current) {
                let _ = search.try_set(value);
            }
        });
    };
    // Agents are staff-only; customers get no assignee filter.
    let agents = LocalResource::new(move || async move {
        if is_staff {
            api::people::fetch_agents().await
        } else {
            Ok(Vec::new())
        }
    });

    let priority_options = move || {
        TicketPriority::ALL
            .into_iter()
            .map(|value| view! { <option value=value.as_str().to_owned()>{texts().priority(&value)}</option> })
            .collect_view()
    };
    let type_options = move || {
        TicketType::ALL
            .into_iter()
            .map(|value| view! { <option value=value.as_str().to_owned()>{texts().ticket_type(&value)}</option> })
            .collect_view()
    };
    let agent_options = move || {
        agents
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|agent| view! { <option value=agent.id>{agent.display_name}</option> })
            .collect_view()
    };
    let agents_error = move || {
        agents
            .get()
            .and_then(Result::err)
            .map(|error| view! { <ErrorMessage error/> })
    };

    view! {
        <div class="filters" role="search">
            <input
                type="search"
                class="grow"
                name="search"
                data-testid="board-search"
                aria-label=move || texts().board_search_label
                placeholder=move || texts().board_search_placeholder
                on:input=on_search
            />
            <select
                name="priority"
                data-testid="filter-priority"
                aria-label=move || texts().ticket_priority
                on:change=move |event| priority.set(TicketPriority::parse(&event_target_value(&event)))
            >
                <option value="">{move || texts().filter_priority_all}</option>
                {priority_options}
            </select>
            <select
                name="ticketType"
                data-testid="filter-type"
                aria-label=move || texts().ticket_type
                on:change=move |event| ticket_type.set(TicketType::parse(&event_target_value(&event)))
            >
                <option value="">{move || texts().filter_type_all}</option>
                {type_options}
            </select>
            <Show when=move || is_staff>
                <select
                    name="assignee"
                    data-testid="filter-assignee"
                    aria-label=move || texts().ticket_assignee
                    on:change=move |event| assignee.set(AssigneeFilter::parse(&event_target_value(&event)))
                >
                    <option value="">{move || texts().filter_assignee_all}</option>
                    <option value="-">{move || texts().unassigned}</option>
                    {agent_options}
                </select>
            </Show>
            {agents_error}
        </div>
    }
}

/// One status's column, with a button for its next cards when it has more.
#[component]
fn BoardColumn(
    status: TicketStatus,
    board: RwSignal<Vec<TicketSummary>>,
    more: RwSignal<Vec<(TicketStatus, String)>>,
    load_more: impl Fn(TicketStatus) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = use_app_state();
    let status_of_cards = status.clone();
    let tickets = move || {
        board.with(|tickets| {
            tickets
                .iter()
                .filter(|ticket| ticket.status == status_of_cards)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    // Two counts, each with its own copy of the status: the badge and the empty notice.
    let count_of = move |status: TicketStatus| {
        move || board.with(|tickets| tickets.iter().filter(|t| t.status == status).count())
    };
    let count = count_of(status.clone());
    let shown_count = count_of(status.clone());
    let more_of = move |status: TicketStatus| {
        move || more.with(|more| more.iter().any(|(known, _)| *known == status))
    };
    let has_more = more_of(status.clone());
    let shows_more = more_of(status.clone());
    let status_of_button = status.clone();
    let name = status.as_str().to_owned();
    view! {
        <section
            class=format!("column column-{}", name.to_lowercase())
            data-testid=format!("column-{name}")
        >
            <h2>
                <span>{move || state.texts().status(&status)}</span>
                // Cards shown, and "+" while the column has more.
                <span class="count">
                    {count}
                    {move || if has_more() { "+" } else { "" }}
                </span>
            </h2>
            <div class="cards">
                // A card's key is its whole content, so a changed ticket is drawn anew.
                <For each=tickets key=|ticket| ticket.clone() children=|ticket| view! { <TicketCard ticket/> }/>
                <Show when=move || shown_count() == 0>
                    <p class="empty">{move || state.texts().board_empty_column}</p>
                </Show>
            </div>
            <Show when=shows_more>
                <button
                    class="secondary small more"
                    data-testid="board-more"
                    on:click={
                        let status = status_of_button.clone();
                        move |_| load_more(status.clone())
                    }
                >
                    {move || state.texts().board_more}
                </button>
            </Show>
        </section>
    }
}

/// Adds a column's next cards after those shown, but none already there (a live change
/// may have brought it meanwhile).
fn append_column(tickets: &mut Vec<TicketSummary>, next: Vec<TicketSummary>) {
    for ticket in next {
        if !tickets.iter().any(|known| known.id == ticket.id) {
            tickets.push(ticket);
        }
    }
}

/// Applies a live change to the cards shown, given whether the ticket matches the filter.
fn apply_live(tickets: &mut Vec<TicketSummary>, ticket: &TicketSummary, matches: Option<bool>) {
    match matches {
        Some(true) => upsert_ticket(tickets, ticket),
        Some(false) => tickets.retain(|known| known.id != ticket.id),
        None => {
            if tickets.iter().any(|known| known.id == ticket.id) {
                upsert_ticket(tickets, ticket);
            }
        }
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

/// A freshly loaded page with the live changes that arrived while it loaded (oldest
/// first) and are newer than what it says, each following `filter`.
fn with_live_changes(
    loaded: Vec<TicketSummary>,
    since: &[TicketSummary],
    filter: &BoardFilter,
) -> Vec<TicketSummary> {
    let mut tickets = loaded;
    for ticket in since {
        let newer = tickets
            .iter()
            .find(|known| known.id == ticket.id)
            .is_none_or(|known| ticket.updated_at > known.updated_at);
        if newer {
            apply_live(&mut tickets, ticket, filter.matches(ticket));
        }
    }
    tickets
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::tickets::PersonRef;

    fn ticket(id: &str, status: TicketStatus, updated_at: &str) -> TicketSummary {
        TicketSummary {
            id: id.into(),
            number: format!("SUP-2026-{id:0>5}"),
            subject: format!("Subject {id}"),
            status,
            priority: TicketPriority::NORMAL,
            ticket_type: TicketType::SUPPORT,
            updated_at: updated_at.into(),
            customer: PersonRef {
                id: "1".into(),
                display_name: "Ada".into(),
            },
            assignee: None,
            response_due_at: None,
            resolution_due_at: None,
            first_response_at: None,
        }
    }

    #[test]
    fn live_tickets_follow_the_filter() {
        let high = BoardFilter {
            priority: Some(vec![TicketPriority::HIGH]),
            ..BoardFilter::default()
        };
        let mut shown = Vec::new();
        let mut urgent = ticket("1", TicketStatus::NEW, "2026-03-02T09:00:00Z");
        urgent.priority = TicketPriority::HIGH;
        apply_live(&mut shown, &urgent, high.matches(&urgent));
        assert_eq!(shown.len(), 1, "a new matching ticket comes in");
        let mut lowered = urgent.clone();
        lowered.priority = TicketPriority::LOW;
        apply_live(&mut shown, &lowered, high.matches(&lowered));
        assert!(shown.is_empty(), "a ticket that no longer matches goes");
        let search = BoardFilter {
            search: Some("fuite".into()),
            ..BoardFilter::default()
        };
        apply_live(&mut shown, &urgent, search.matches(&urgent));
        assert!(shown.is_empty(), "a search is the server's to evaluate");
        let unassigned = BoardFilter {
            unassigned: Some(true),
            ..BoardFilter::default()
        };
        assert_eq!(unassigned.matches(&urgent), Some(true));
    }

    #[test]
    fn a_new_ticket_goes_first_and_a_known_one_is_replaced() {
        let mut tickets = vec![ticket("1", TicketStatus::NEW, "2026-01-01T00:00:00Z")];
        upsert_ticket(
            &mut tickets,
            &ticket("2", TicketStatus::NEW, "2026-01-02T00:00:00Z"),
        );
        upsert_ticket(
            &mut tickets,
            &ticket("1", TicketStatus::OPEN, "2026-01-03T00:00:00Z"),
        );
        let ids: Vec<_> = tickets
            .iter()
            .map(|t| (t.id.as_str(), t.status.clone()))
            .collect();
        assert_eq!(ids, [("2", TicketStatus::NEW), ("1", TicketStatus::OPEN)]);
    }

    #[test]
    fn a_loaded_page_takes_only_newer_live_changes() {
        let unassigned = BoardFilter {
            unassigned: Some(true),
            ..BoardFilter::default()
        };
        let loaded = vec![
            ticket("2", TicketStatus::OPEN, "2026-01-05T00:00:00Z"),
            ticket("1", TicketStatus::NEW, "2026-01-01T00:00:00Z"),
        ];
        let mut assigned = ticket("1", TicketStatus::NEW, "2026-01-08T00:00:00Z");
        assigned.assignee = Some(crate::api::tickets::board_tickets::TicketSummaryAssignee {
            id: "5".into(),
            display_name: "Agathe".into(),
        });
        let since = [
            ticket("3", TicketStatus::NEW, "2026-01-06T00:00:00Z"),
            ticket("2", TicketStatus::NEW, "2026-01-04T00:00:00Z"),
            ticket("1", TicketStatus::CLOSED, "2026-01-07T00:00:00Z"),
            assigned,
        ];
        let tickets = with_live_changes(loaded, &since, &unassigned);
        let ids: Vec<_> = tickets
            .iter()
            .map(|t| (t.id.as_str(), t.status.clone()))
            .collect();
        assert_eq!(
            ids,
            [("3", TicketStatus::NEW), ("2", TicketStatus::OPEN)],
            "a new ticket comes in, an older change is ignored, one that left the filter goes"
        );
    }
}
