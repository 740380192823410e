//! One ticket: its header with its SLA deadlines, its thread, a reply box and a status
//! drop-down, its attachments; for staff also priority and assignee drop-downs, logged time and history; for
//! its customer, once resolved, a rating.

mod attachments;
mod controls;
mod presence;
mod rating;
mod time_log;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use leptos::task::spawn_local;

use crate::api::tickets::{Message, ReplyInput, TicketDetail};
use crate::api::{self, ApiError};
use crate::api::{AuthorKind, Role, TicketStatus, TicketType};
use crate::components::badges::{PriorityBadge, StatusBadge};
use crate::components::error_view::{ErrorList, ErrorMessage};
use crate::components::history::HistoryList;
use crate::components::sla::{SlaBadge, SlaKind, SlaState};
use crate::components::time::Time;
use crate::state::use_app_state;

use self::attachments::Attachments;
use self::controls::{AssigneeSelect, PrioritySelect};
use self::presence::{PresenceBar, TypingReporter};
use self::rating::RatingBox;
use self::time_log::TimeLog;

/// How often the SLA countdowns are redrawn.
const SLA_TICK_MS: u32 = 30_000;

/// Reloads what a change adds besides the ticket's snapshot (its history, SLA clocks and
/// attachments); a failure leaves the page as it is, the change itself having succeeded.
pub(crate) fn refresh_history(ticket_id: String, detail: RwSignal<TicketDetail>) {
    spawn_local(async move {
        match api::tickets::fetch_ticket(&ticket_id).await {
            Ok(fresh) => {
                let _ = detail.try_update(|detail| {
                    detail.history = fresh.history;
                    detail.response_due_at = fresh.response_due_at;
                    detail.resolution_due_at = fresh.resolution_due_at;
                    detail.first_response_at = fresh.first_response_at;
                    detail.attachments = fresh.attachments;
                });
            }
            Err(error) => leptos::logging::warn!("could not reload the history: {error}"),
        }
    });
}

/// Loads a ticket again after missed events; loads once more (up to three times in all) if
/// a live change of it arrived meanwhile, which the answer may predate.
async fn reload_ticket(
    ticket_id: &str,
    changes: StoredValue<u64>,
) -> Result<TicketDetail, ApiError> {
    let mut attempts = 1;
    loop {
        let before = changes.try_get_value();
        let fresh = api::tickets::fetch_ticket(ticket_id).await?;
        if attempts == 3 || changes.try_get_value() == before {
            return Ok(fresh);
        }
        attempts += 1;
    }
}

/// Loads the ticket of the address's `:id`.
#[component]
pub fn TicketPage() -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    let params = use_params_map();
    let ticket = LocalResource::new(move || {
        let id = params.with(|params| params.get("id").unwrap_or_default());
        async move { api::tickets::fetch_ticket(&id).await }
    });

    let content = move || {
        Suspend::new(async move { ticket.await.map(|ticket| view! { <TicketView ticket/> }) })
    };

    view! {
        <section class="ticket-page">
            <A href="/" attr:class="back">{move || texts().back_to_board}</A>
            <Transition fallback=move || view! { <p class="loading">{move || texts().loading}</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors/> }>
                    {content}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// A loaded ticket, kept current by the live feed and by this page's own changes.
#[component]
fn TicketView(ticket: TicketDetail) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    let role = state
        .session
        .with_untracked(|session| session.as_ref().map(|session| session.user.role.clone()));
    let is_staff = role.as_ref().is_some_and(Role::is_staff);
    let is_customer = role == Some(Role::CUSTOMER);
    let ticket_id = ticket.id.clone();
    let presence = RwSignal::new(ticket.presence.clone());
    let detail = RwSignal::new(ticket);
    // Live changes of this ticket seen so far, so that a reload knows whether one came
    // while it loaded.
    let changes = StoredValue::new(0_u64);
    let reload_error = RwSignal::new(None::<ApiError>);

    {
        let ticket_id = ticket_id.clone();
        state.live.on_event(move |change| {
            if change.ticket.id != ticket_id {
                return;
            }
            changes.update_value(|changes| *changes += 1);
            detail.update(|detail| {
                detail.apply_snapshot(&change.ticket);
                if let Some(message) = &change.message {
                    // The server filters internal notes for customers; this is a second net.
                    if is_staff || !message.internal {
                        detail.add_message(message.clone());
                    }
                }
            });
            // The snapshot does not carry the history nor the SLA clocks (a reply may have
            // stopped one).
            refresh_history(ticket_id.clone(), detail);
        });
    }
    {
        // Events were missed: the whole ticket is loaded again (thread, history, clocks,
        // presence…). What the agent is typing lives in the composer's own signals, which
        // stay.
        let ticket_id = ticket_id.clone();
        state.live.on_resync(move || {
            let ticket_id = ticket_id.clone();
            spawn_local(async move {
                match reload_ticket(&ticket_id, changes).await {
                    Ok(fresh) => {
                        let _ = presence.try_set(fresh.presence.clone());
                        let _ = detail.try_set(fresh);
                        let _ = reload_error.try_set(None);
                    }
                    Err(error) => {
                        let _ = reload_error.try_set(Some(error));
                    }
                }
            });
        });
    }
    // Staff say what they do on the ticket; the composer and the presence bar share it.
    let typing = is_staff.then(|| TypingReporter::new(ticket_id.clone()));

    let field = move |read: fn(&TicketDetail) -> String| move || detail.with(read);
    let status = Memo::new(move |_| detail.with(|detail| detail.status.clone()));
    let priority = Memo::new(move |_| detail.with(|detail| detail.priority.clone()));
    let assignee = move || {
        detail
            .with(|detail| detail.assignee.as_ref().map(|a| a.display_name.clone()))
            .unwrap_or_else(|| texts().unassigned.to_owned())
    };
    let customer_details = move || {
        detail.with(|detail| {
            let customer = &detail.customer;
            [&customer.company, &customer.email, &customer.phone]
                .into_iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(" · ")
        })
    };
    let created_at = detail.with_untracked(|detail| detail.created_at.clone());
    let article_id = ticket_id.clone();
    let select_ticket_id = ticket_id.clone();
    let priority_ticket_id = ticket_id.clone();
    let assignee_ticket_id = ticket_id.clone();
    let is_sales = detail.with_untracked(|detail| detail.ticket_type == TicketType::SALES);
    let convert_ticket_id = ticket_id.clone();
    let rating_ticket_id = ticket_id.clone();
    let time_ticket_id = ticket_id.clone();
    let attachments_ticket_id = ticket_id.clone();
    let presence_ticket_id = ticket_id.clone();

    // The SLA countdowns follow the clock; the interval stops with the page.
    let now = RwSignal::new(js_sys::Date::now());
    let ticker = gloo_timers::callback::Interval::new(SLA_TICK_MS, move || {
        let _ = now.try_set(js_sys::Date::now());
    });
    let ticker = StoredValue::new_local(Some(ticker));
    on_cleanup(move || {
        let _ = ticker.try_update_value(|ticker| ticker.take().map(|ticker| ticker.cancel()));
    });
    let response_sla = Signal::derive(move || {
        detail.with(|detail| {
            SlaState::at(
                detail.response_due_at.as_deref(),
                detail.first_response_at.is_some(),
                now.get(),
            )
        })
    });
    let resolution_sla = Signal::derive(move || {
        detail.with(|detail| {
            let done = matches!(
                detail.status,
                TicketStatus::RESOLVED | TicketStatus::CLOSED | TicketStatus::CANCELLED
            );
            SlaState::at(detail.resolution_due_at.as_deref(), done, now.get())
        })
    });
    let show_rating = move || {
        is_customer
            && detail.with(|detail| {
                matches!(detail.status, TicketStatus::RESOLVED | TicketStatus::CLOSED)
                    || detail.satisfaction_rating.is_some()
            })
    };
    let history = Signal::derive(move || detail.with(|detail| detail.history.clone()));
    // Staff only: who may be assigned.
    let agents = LocalResource::new(move || async move {
        if is_staff {
            api::people::fetch_agents().await
        } else {
            Ok(Vec::new())
        }
    });

    view! {
        <article class="ticket" data-testid="ticket" data-id=article_id>
            <header class="ticket-header panel">
                <p class="ticket-number" data-testid="ticket-number">
                    {field(|detail| detail.number.clone())}
                </p>
                <h1 data-testid="ticket-subject">{field(|detail| detail.subject.clone())}</h1>
                <dl class="facts">
                    <div>
                        <dt>{move || texts().ticket_status}</dt>
                        <dd data-testid="ticket-status" data-status=move || status.with(|status| status.as_str().to_owned())>
                            {move || view! { <StatusBadge status=status.get()/> }}
                        </dd>
                    </div>
                    <div>
                        <dt>{move || texts().ticket_priority}</dt>
                        <dd>{move || view! { <PriorityBadge priority=priority.get()/> }}</dd>
                    </div>
                    <div>
                        <dt>{move || texts().ticket_type}</dt>
                        <dd>{move || detail.with(|detail| texts().ticket_type(&detail.ticket_type))}</dd>
                    </div>
                    <div>
                        <dt>{move || texts().ticket_customer}</dt>
                        <dd>
                            {field(|detail| detail.customer.display_name.clone())}
                            <small class="muted">{customer_details}</small>
                        </dd>
                    </div>
                    <div>
                        <dt>{move || texts().ticket_assignee}</dt>
                        <dd data-testid="ticket-assignee">{assignee}</dd>
                    </div>
                    <div>
                        <dt>{move || texts().create_category}</dt>
                        <dd>{move || detail.with(|detail| texts().category(&detail.category))}</dd>
                    </div>
                    <div>
                        <dt>{move || texts().ticket_created}</dt>
                        <dd><Time instant=created_at/></dd>
                    </div>
                    <SlaBadge kind=SlaKind::Response state=response_sla/>
                    <SlaBadge kind=SlaKind::Resolution state=resolution_sla/>
                </dl>
                <div class="controls">
                    <StatusSelect ticket_id=select_ticket_id detail/>
                    <Show when=move || is_staff>
                        <PrioritySelect ticket_id=priority_ticket_id.clone() detail/>
                        <AssigneeSelect ticket_id=assignee_ticket_id.clone() detail agents/>
                    </Show>
                    <Show when=move || is_staff && is_sales>
                        <crate::pages::leads::ConvertToLead ticket_id=convert_ticket_id.clone()/>
                    </Show>
                </div>
            </header>

            {move || reload_error.get().map(|error| view! { <ErrorMessage error/> })}

            {typing.map(move |typing| view! {
                <PresenceBar ticket_id=presence_ticket_id loaded=presence.into() typing/>
            })}

            <Show when=show_rating>
                <RatingBox ticket_id=rating_ticket_id.clone() detail/>
            </Show>

            <section class="panel description">
                <h2>{move || texts().ticket_description}</h2>
                <p class="body">{field(|detail| detail.description.clone())}</p>
            </section>

            <Attachments ticket_id=attachments_ticket_id detail/>

            <section class="panel thread">
                <h2>{move || texts().ticket_thread}</h2>
                <ol class="messages" data-testid="thread">
                    <For
                        each=move || detail.with(|detail| detail.messages.clone())
                        key=|message| message.id.clone()
                        children=|message| view! { <MessageItem message/> }
                    />
                </ol>
                <Show when=move || detail.with(|detail| detail.messages.is_empty())>
                    <p class="empty">{move || texts().ticket_no_messages}</p>
                </Show>
                <ReplyBox ticket_id detail is_staff typing/>
            </section>

            <Show when=move || is_staff>
                <TimeLog ticket_id=time_ticket_id.clone() detail/>
                <HistoryList entries=history/>
            </Show>
        </article>
    }
}

/// One message of the thread; internal notes stand out.
#[component]
fn MessageItem(message: Message) -> impl IntoView {
    let state = use_app_state();
    let internal = message.internal;
    let from_customer = message.author_kind == AuthorKind::CUSTOMER;
    let kind = message.author_kind;
    view! {
        <li
            class="message"
            class:internal=internal
            class:from-customer=from_customer
            data-testid="message"
            data-id=message.id
            data-internal=internal.to_string()
        >
            <div class="message-meta">
                <strong class="author">{message.author_name}</strong>
                <span class="muted">{move || state.texts().author_kind(&kind)}</span>
                <Time instant=message.created_at/>
                <Show when=move || internal>
                    <span class="badge internal-badge">{move || state.texts().internal_note_badge}</span>
                </Show>
            </div>
            <p class="body">{message.body}</p>
        </li>
    }
}

/// The status drop-down: the current status and the ones its workflow allows from here.
#[component]
fn StatusSelect(ticket_id: String, detail: RwSignal<TicketDetail>) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    let choices = Memo::new(move |_| {
        detail.with(|detail| (detail.status.clone(), detail.allowed_transitions.clone()))
    });
    // Bumped after a refused change, to put the drop-down back on the current status.
    let redraw = RwSignal::new(0_u32);

    let change = Action::new_local(move |status: &TicketStatus| {
        let status = status.clone();
        let ticket_id = ticket_id.clone();
        async move {
            match api::tickets::change_ticket_status(&ticket_id, status).await {
                Ok(snapshot) => {
                    detail.update(|detail| detail.apply_snapshot(&snapshot));
                    refresh_history(ticket_id, detail);
                    Ok(())
                }
                Err(error) => {
                    redraw.update(|count| *count += 1);
                    Err::<(), ApiError>(error)
                }
            }
        }
    });
    let pending = change.pending();
    let error = move || change.value().get().and_then(Result::err);

    let on_change = move |event: leptos::ev::Event| {
        let current = choices.with_untracked(|(status, _)| status.clone());
        match TicketStatus::parse(&event_target_value(&event)) {
            Some(status) if status != current => {
                change.dispatch_local(status);
            }
            _ => {}
        }
    };

    let select = move || {
        redraw.track();
        let (current, allowed) = choices.get();
        let options = std::iter::once(current.clone())
            .chain(allowed.into_iter().filter(|status| *status != current))
            .map(|status| {
                view! {
                    <option value=status.as_str().to_owned() selected=status == current>
                        {texts().status(&status)}
                    </option>
                }
            })
            .collect_view();
        view! {
            <select
                data-testid="status-select"
                name="status"
                prop:value=current.as_str().to_owned()
                disabled=move || pending.get()
                on:change=on_change
            >
                {options}
            </select>
        }
    };

    view! {
        <div class="status-change">
            <label>
                <span>{move || texts().change_status}</span>
                {select}
            </label>
            <Show when=move || choices.with(|(_, allowed)| allowed.is_empty())>
                <small class="muted">{move || texts().no_transition}</small>
            </Show>
            {move || error().map(|error| view! { <ErrorMessage error/> })}
        </div>
    }
}

/// The reply box; staff may mark the reply as an internal note, and their typing is
/// reported to the other agents on the ticket.
#[component]
fn ReplyBox(
    ticket_id: String,
    detail: RwSignal<TicketDetail>,
    is_staff: bool,
    typing: Option<TypingReporter>,
) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    let body = RwSignal::new(String::new());
    let internal = RwSignal::new(false);

    let reply = Action::new_local(move |input: &ReplyInput| {
        let input = input.clone();
        async move {
            let message = api::tickets::reply_to_ticket(input).await?;
            detail.update(|detail| detail.add_message(message));
            body.set(String::new());
            internal.set(false);
            if let Some(typing) = typing {
                typing.stopped();
            }
            Ok::<(), ApiError>(())
        }
    });
    let pending = reply.pending();
    let empty_error = RwSignal::new(false);
    let error = move || reply.value().get().and_then(Result::err);

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let text = body.get_untracked();
        if text.trim().is_empty() {
            empty_error.set(true);
            return;
        }
        empty_error.set(false);
        reply.dispatch_local(ReplyInput {
            ticket_id: ticket_id.clone(),
            body: text,
            internal: Some(is_staff && internal.get_untracked()),
        });
    };

    view! {
        <form class="reply" class:internal=move || internal.get() on:submit=on_submit>
            <label for="reply-body">{move || texts().reply_label}</label>
            <textarea
                id="reply-body"
                name="body"
                rows="4"
                data-testid="reply-body"
                placeholder=move || texts().reply_placeholder
                prop:value=body
                on:input=move |event| {
                    let text = event_target_value(&event);
                    if let Some(typing) = typing {
                        typing.typed(&text);
                    }
                    body.set(text);
                }
            ></textarea>
            <Show when=move || empty_error.get()>
                <p class="error" role="alert">{move || texts().reply_empty}</p>
            </Show>
            {move || error().map(|error| view! { <ErrorMessage error/> })}
            <div class="reply-actions">
                <Show when=move || is_staff>
                    <label class="checkbox">
                        <input
                            type="checkbox"
                            name="internal"
                            data-testid="reply-internal"
                            prop:checked=internal
                            on:change=move |event| internal.set(event_target_checked(&event))
                        />
                        <span>{move || texts().internal_note}</span>
                    </label>
                </Show>
                <div class="spacer"></div>
                <button type="submit" data-testid="reply-send" disabled=move || pending.get()>
                    {move || if pending.get() { texts().reply_sending } else { texts().reply_send }}
                </button>
            </div>
        </form>
    }
}
