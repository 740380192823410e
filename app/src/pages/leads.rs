//! `/leads`: the sales pipeline, one column per stage with its count, total and weighted
//! values; each open card can be dragged to another open stage (or moved with its select,
//! from the keyboard), won (with the order amount) or lost (with a reason). The board
//! follows the `leadEvents` subscription: a change made by a colleague reloads it, since
//! the column totals are aggregated by the server; so does a resync of the tab's live feed
//! (a `RESYNC`, or the connection coming back).

use leptos::ev::{DragEvent, SubmitEvent};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::crm::{Board as LeadsBoard, LeadCard, MeetingInput, PipelineStage, Stage};
use crate::api::{self, ApiError};
use crate::components::error_view::{ErrorList, ErrorMessage};
use crate::state::use_app_state;

/// What a card asks the server to do.
#[derive(Clone, Debug)]
enum LeadChange {
    Move(String, Stage),
    Win(String, String),
    Lose(String, String),
}

/// The drag data type of a lead card: its id.
const DRAG_TYPE: &str = "text/plain";

/// Loads the board and reloads it after every change, ours or, live, anyone's.
#[component]
pub fn LeadsPage() -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().crm;
    let reload = RwSignal::new(0_u32);
    provide_context(LastMeeting(RwSignal::new(None)));
    state
        .live
        .subscribe::<api::crm::LeadEvents>(api::crm::lead_events::Variables, move |data| {
            if data.lead_events.kind == api::crm::lead_events::CrmEventKind::RESYNC {
                // Every live page loads again, this one included.
                state.live.request_resync();
            } else {
                let _ = reload.try_update(|n| *n += 1);
            }
        });
    let board = LocalResource::new(move || {
        reload.track();
        state.live.resyncs.track();
        api::crm::fetch_leads_board()
    });
    let change = Action::new_local(move |change: &LeadChange| {
        let change = change.clone();
        async move {
            match change {
                LeadChange::Move(id, stage) => api::crm::move_lead(&id, stage).await?,
                LeadChange::Win(id, amount) => api::crm::win_lead(&id, &amount).await?,
                LeadChange::Lose(id, reason) => api::crm::lose_lead(&id, &reason).await?,
            }
            reload.update(|n| *n += 1);
            Ok::<(), ApiError>(())
        }
    });
    let error = move || change.value().get().and_then(Result::err);
    let content = move || {
        Suspend::new(async move { board.await.map(|board| view! { <Board board change/> }) })
    };
    view! {
        <section class="leads-page">
            <h1>{move || texts().leads_title}</h1>
            {move || error().map(|error| view! { <ErrorMessage error/> })}
            <Transition fallback=move || view! { <p class="loading">{move || state.texts().loading}</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors/> }>{content}</ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn Board(board: LeadsBoard, change: Action<LeadChange, Result<(), ApiError>>) -> impl IntoView {
    let LeadsBoard { pipeline, leads } = board;
    let columns = pipeline
        .into_iter()
        .map(|column| {
            let cards: Vec<LeadCard> = leads
                .iter()
                .filter(|l| l.stage == column.stage)
                .cloned()
                .collect();
            view! { <Column column cards change/> }
        })
        .collect_view();
    view! { <div class="board leads-board">{columns}</div> }
}

#[component]
fn Column(
    column: PipelineStage,
    cards: Vec<LeadCard>,
    change: Action<LeadChange, Result<(), ApiError>>,
) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().crm;
    let stage = column.stage.clone();
    let droppable = Stage::OPEN.contains(&stage);
    let stage_name = stage.as_str().to_owned();
    let dropped_stage = stage.clone();
    let here: Vec<String> = cards.iter().map(|card| card.id.clone()).collect();
    let cards = cards
        .into_iter()
        .map(|card| view! { <Card card change/> })
        .collect_view();
    // Open stages take dropped cards; winning and losing need an amount or a reason, so
    // they go through the card's forms.
    let over = RwSignal::new(false);
    let on_dragover = move |event: DragEvent| {
        if droppable {
            event.prevent_default();
            over.set(true);
        }
    };
    let on_drop = move |event: DragEvent| {
        over.set(false);
        if !droppable {
            return;
        }
        event.prevent_default();
        let id = event
            .data_transfer()
            .and_then(|data| data.get_data(DRAG_TYPE).ok())
            .unwrap_or_default();
        if !id.is_empty() && !here.contains(&id) {
            change.dispatch_local(LeadChange::Move(id, dropped_stage.clone()));
        }
    };
    view! {
        <section
            class="column"
            class:drop-target=move || over.get()
            data-testid="lead-column"
            data-stage=stage_name
            on:dragover=on_dragover
            on:dragleave=move |_| over.set(false)
            on:drop=on_drop
        >
            <header>
                <h2>{move || texts().stage(&stage)}</h2>
                <p class="muted">
                    <span data-testid="lead-column-count">{column.count}</span>
                    " " {move || texts().leads_count}
                </p>
                <p class="muted">
                    {move || texts().total_value} " "
                    <span data-testid="lead-column-total">{column.total_value.clone()}</span>
                    " · " {move || texts().weighted_value} " "
                    <span data-testid="lead-column-weighted">{column.weighted_value.clone()}</span>
                </p>
            </header>
            <div class="cards">{cards}</div>
        </section>
    }
}

#[component]
fn Card(card: LeadCard, change: Action<LeadChange, Result<(), ApiError>>) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().crm;
    let open = !matches!(card.stage, Stage::WON | Stage::LOST);
    let id = card.id.clone();
    let amount = RwSignal::new(card.opportunity_value.clone().unwrap_or_default());
    let reason = RwSignal::new(String::new());
    let href = format!("/customers/{}", card.customer.id);
    let stage_options = Stage::OPEN
        .into_iter()
        .map(|s| {
            let name = s.as_str().to_owned();
            let selected = card.stage == s;
            view! {
                <option value=name selected=selected>
                    {move || texts().stage(&s)}
                </option>
            }
        })
        .collect_view();
    let on_move = {
        let id = id.clone();
        move |event: leptos::ev::Event| {
            if let Some(stage) = Stage::parse(&event_target_value(&event)) {
                change.dispatch_local(LeadChange::Move(id.clone(), stage));
            }
        }
    };
    let on_win = {
        let id = id.clone();
        move |event: SubmitEvent| {
            event.prevent_default();
            change.dispatch_local(LeadChange::Win(
                id.clone(),
                amount.get_untracked().trim().replace(',', "."),
            ));
        }
    };
    let on_lose = {
        let id = id.clone();
        move |event: SubmitEvent| {
            event.prevent_default();
            change.dispatch_local(LeadChange::Lose(id.clone(), reason.get_untracked()));
        }
    };
    let on_dragstart = {
        let id = id.clone();
        move |event: DragEvent| {
            if let Some(data) = event.data_transfer() {
                let _ = data.set_data(DRAG_TYPE, &id);
                data.set_effect_allowed("move");
            }
        }
    };
    let value = card
        .opportunity_value
        .clone()
        .map(|v| format!("{v} {}", card.currency))
        .unwrap_or_default();
    let probability = card
        .conversion_probability
        .map(|p| format!("{p} %"))
        .unwrap_or_default();
    let meeting_lead = id.clone();
    let controls = open.then(move || {
        view! {
            <div class="lead-controls">
                    <label>
                        <span>{move || texts().move_to}</span>
                        <select data-testid="lead-move" on:change=on_move>
                            {stage_options}
                        </select>
                    </label>
                    <form class="inline" on:submit=on_win>
                        <input
                            data-testid="lead-win-amount"
                            aria-label=move || texts().win_amount
                            prop:value=amount
                            on:input=move |event| amount.set(event_target_value(&event))
                        />
                        <button type="submit" data-testid="lead-win">{move || texts().win}</button>
                    </form>
                    <form class="inline" on:submit=on_lose>
                        <input
                            data-testid="lead-lose-reason"
                            placeholder=move || texts().lose_reason
                            prop:value=reason
                            on:input=move |event| reason.set(event_target_value(&event))
                        />
                        <button type="submit" class="secondary" data-testid="lead-lose">
                            {move || texts().lose}
                        </button>
                    </form>
                    <MeetingForm lead_id=meeting_lead.clone()/>
            </div>
        }
    });
    view! {
        <article
            class="card lead-card"
            data-testid="lead-card"
            data-id=card.id.clone()
            draggable=if open { "true" } else { "false" }
            on:dragstart=on_dragstart
        >
            <A href=href>{card.customer.display_name.clone()}</A>
            <p>
                <strong data-testid="lead-value">{value}</strong>
                " · " {move || texts().probability} " " {probability}
            </p>
            {card.source.clone().map(|s| view! { <p class="muted">{s}</p> })}
            {controls}
        </article>
    }
}

/// The lead a meeting was last scheduled on and its calendar download, kept by the page
/// since the live reload that follows re-creates the cards.
#[derive(Clone, Copy)]
struct LastMeeting(RwSignal<Option<(String, String)>>);

/// A folded form on an open card to schedule a meeting on its lead; once scheduled, a
/// link downloads the lead's meetings as iCalendar for the agent's calendar.
#[component]
fn MeetingForm(lead_id: String) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().crm;
    let title = RwSignal::new(String::new());
    let at = RwSignal::new(String::new());
    let duration = RwSignal::new("60".to_owned());
    let location = RwSignal::new(String::new());
    let last = use_context::<LastMeeting>().map(|LastMeeting(last)| last);
    let this_lead = lead_id.clone();
    let calendar = Signal::derive(move || {
        last.and_then(|last| last.get())
            .filter(|(lead, _)| *lead == this_lead)
            .map(|(_, href)| href)
    });
    let schedule = Action::new_local(move |lead_id: &String| {
        let lead_id = lead_id.clone();
        async move {
            // `datetime-local` is the browser's local time; the API takes UTC.
            let local = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(&at.get_untracked()));
            if local.get_time().is_nan() {
                return Err(ApiError::new("BAD_USER_INPUT", texts().meeting_at));
            }
            let input = MeetingInput {
                lead_id: lead_id.clone(),
                title: title.get_untracked().trim().to_owned(),
                scheduled_at: String::from(local.to_iso_string()),
                duration_minutes: duration.get_untracked().trim().parse().unwrap_or(0),
                location: Some(location.get_untracked().trim().to_owned())
                    .filter(|l| !l.is_empty()),
                video_url: None,
                attendees: None,
                notes: None,
            };
            api::crm::schedule_meeting(input).await?;
            // The live reload that follows may already have replaced this card.
            let _ = title.try_set(String::new());
            let path = format!("/leads/{lead_id}/meetings.ics");
            let href = api::reports::fetch_data_url(&path, "text/calendar").await?;
            if let Some(last) = last {
                last.set(Some((lead_id, href)));
            }
            Ok::<(), ApiError>(())
        }
    });
    let error = move || schedule.value().get().and_then(Result::err);
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        schedule.dispatch_local(lead_id.clone());
    };
    let input = move |label: fn(&crate::i18n::CrmTexts) -> &'static str,
                      name: &'static str,
                      kind: &'static str,
                      value: RwSignal<String>| {
        view! {
            <label>
                <span>{move || label(state.texts().crm)}</span>
                <input
                    type=kind
                    data-testid=format!("lead-meeting-{name}")
                    prop:value=value
                    on:input=move |event| value.set(event_target_value(&event))
                />
            </label>
        }
    };
    view! {
        <details class="lead-meeting" data-testid="lead-meeting" open=move || calendar.get().is_some()>
            <summary>{move || texts().meeting_schedule}</summary>
            <form on:submit=on_submit>
                {input(|t| t.meeting_title, "title", "text", title)}
                {input(|t| t.meeting_at, "at", "datetime-local", at)}
                <div class="row">
                    {input(|t| t.meeting_duration, "duration", "number", duration)}
                    {input(|t| t.meeting_location, "location", "text", location)}
                </div>
                {move || error().map(|error| view! { <ErrorMessage error/> })}
                <button type="submit" data-testid="lead-meeting-add" disabled=move || schedule.pending().get()>
                    {move || texts().meeting_add}
                </button>
            </form>
            {move || calendar.get().map(|href| view! {
                <p class="muted" data-testid="lead-meeting-scheduled">
                    {move || texts().meeting_scheduled} " "
                    <a href=href download="meetings.ics" data-testid="lead-meeting-ics">
                        {move || texts().meeting_ics}
                    </a>
                </p>
            })}
        </details>
    }
}

/// On a sales ticket's page (staff): turns the ticket into a lead, then opens the board.
#[component]
pub fn ConvertToLead(ticket_id: String) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().crm;
    let navigate = leptos_router::hooks::use_navigate();
    let convert = Action::new_local(move |ticket_id: &String| {
        let ticket_id = ticket_id.clone();
        let navigate = navigate.clone();
        async move {
            api::crm::convert_ticket_to_lead(&ticket_id).await?;
            navigate("/leads", Default::default());
            Ok::<(), ApiError>(())
        }
    });
    let error = move || convert.value().get().and_then(Result::err);
    view! {
        <button
            type="button"
            class="secondary"
            data-testid="convert-to-lead"
            disabled=move || convert.pending().get()
            on:click=move |_| {
                convert.dispatch_local(ticket_id.clone());
            }
        >
            {move || texts().convert_to_lead}
        </button>
        {move || error().map(|error| view! { <ErrorMessage error/> })}
    }
}
