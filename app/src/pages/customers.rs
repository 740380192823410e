//! `/customers`: the CRM's customer list; `/customers/:id`: a customer's card with its
//! details (editable), tags, notes, interactions recorded by hand (calls, e-mails, visits)
//! and the timeline of every interaction.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::crm::customer_card::TimelineKind;
use crate::api::crm::{
    ActivityInput, Card as CustomerCard, CustomerDetails, Segment, TimelineEntry,
};
use crate::api::{self, ApiError};
use crate::api::{ActivityKind, Channel};
use crate::components::error_view::{ErrorList, ErrorMessage};
use crate::components::time::Time;
use crate::state::use_app_state;

/// The list of customers, searchable and filtered by segment.
#[component]
pub fn CustomersPage() -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().crm;
    let search = RwSignal::new(String::new());
    let segment = RwSignal::new(None::<Segment>);
    let customers = LocalResource::new(move || {
        let search = search.get();
        let segment = segment.get();
        async move { api::crm::fetch_customers(&search, segment).await }
    });
    let rows = move || {
        Suspend::new(async move {
            customers.await.map(|rows| {
                if rows.is_empty() {
                    return view! { <p class="empty">{move || texts().customers_empty}</p> }
                        .into_any();
                }
                let rows = rows
                    .into_iter()
                    .map(|c| {
                        let href = format!("/customers/{}", c.id);
                        let segment = c.segment.clone();
                        let tags = c.tags.join(", ");
                        view! {
                            <tr data-testid="customer-row">
                                <td>
                                    <A href=href>{c.display_name.clone()}</A>
                                    <small class="muted">" " {c.company.clone().unwrap_or_default()}</small>
                                </td>
                                <td>{c.email.clone().unwrap_or_default()}</td>
                                <td>{c.phone.clone().unwrap_or_default()}</td>
                                <td>{move || texts().segment(&segment)}</td>
                                <td class="num">{c.total_orders}</td>
                                <td class="num">{c.total_revenue.clone()}</td>
                                <td class="num">{c.notes_count}</td>
                                <td class="num">{c.activities_count}</td>
                                <td>{tags}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <table class="crm-table">
                        <thead>
                            <tr>
                                <th>{move || texts().last_name}</th>
                                <th>{move || texts().email}</th>
                                <th>{move || texts().phone}</th>
                                <th>{move || texts().segment}</th>
                                <th>{move || texts().orders}</th>
                                <th>{move || texts().revenue}</th>
                                <th>{move || texts().notes_count}</th>
                                <th>{move || texts().activities_count}</th>
                                <th>{move || texts().tags}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
                .into_any()
            })
        })
    };
    let segment_options = Segment::ALL
        .into_iter()
        .map(|s| {
            let name = s.as_str().to_owned();
            view! { <option value=name>{move || texts().segment(&s)}</option> }
        })
        .collect_view();
    view! {
        <section class="customers-page">
            <h1>{move || texts().customers_title}</h1>
            <div class="filters">
                <input
                    type="search"
                    data-testid="customer-search"
                    placeholder=move || texts().customers_search
                    prop:value=search
                    on:input=move |event| search.set(event_target_value(&event))
                />
                <select
                    data-testid="customer-segment"
                    on:change=move |event| segment.set(Segment::parse(&event_target_value(&event)))
                >
                    <option value="">{move || texts().customers_all_segments}</option>
                    {segment_options}
                </select>
            </div>
            <Transition fallback=move || view! { <p class="loading">{move || state.texts().loading}</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors/> }>{rows}</ErrorBoundary>
            </Transition>
        </section>
    }
}

/// The card of the customer of the address's `:id`.
#[component]
pub fn CustomerPage() -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().crm;
    let params = use_params_map();
    let reload = RwSignal::new(0_u32);
    let card = LocalResource::new(move || {
        reload.track();
        let id = params.with(|params| params.get("id").unwrap_or_default());
        async move { api::crm::fetch_customer_card(&id).await }
    });
    let content = move || {
        Suspend::new(async move {
            card.await
                .map(|card| view! { <CustomerCardView card reload/> })
        })
    };
    view! {
        <section class="customer-page">
            <A href="/customers" attr:class="back">{move || texts().back_to_customers}</A>
            <Transition fallback=move || view! { <p class="loading">{move || state.texts().loading}</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors/> }>{content}</ErrorBoundary>
            </Transition>
        </section>
    }
}

fn optional(text: String) -> Option<String> {
    let text = text.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// The card: header, details form, tags, note form and timeline. `reload` is bumped after
/// each change so that the counts and the timeline come from the server.
#[component]
fn CustomerCardView(card: CustomerCard, reload: RwSignal<u32>) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().crm;
    let id = card.id.clone();
    let bump = move || reload.update(|n| *n += 1);

    // Details.
    let first_name = RwSignal::new(card.first_name.clone());
    let last_name = RwSignal::new(card.last_name.clone());
    let company = RwSignal::new(card.company.clone().unwrap_or_default());
    let email = RwSignal::new(card.email.clone().unwrap_or_default());
    let phone = RwSignal::new(card.phone.clone().unwrap_or_default());
    let segment = RwSignal::new(card.segment.clone());
    let address = RwSignal::new(card.address.clone().unwrap_or_default());
    let city = RwSignal::new(card.city.clone().unwrap_or_default());
    let postal_code = RwSignal::new(card.postal_code.clone().unwrap_or_default());
    let save = Action::new_local({
        move |details: &CustomerDetails| {
            let details = details.clone();
            async move {
                api::crm::update_customer(details).await?;
                bump();
                Ok::<(), ApiError>(())
            }
        }
    });
    let save_error = move || save.value().get().and_then(Result::err);
    let save_id = id.clone();
    let on_save = move |event: SubmitEvent| {
        event.prevent_default();
        save.dispatch_local(CustomerDetails {
            id: save_id.clone(),
            first_name: Some(first_name.get_untracked()),
            last_name: Some(last_name.get_untracked()),
            company: optional(company.get_untracked()),
            email: optional(email.get_untracked()),
            phone: optional(phone.get_untracked()),
            segment: Some(segment.get_untracked()),
            address: optional(address.get_untracked()),
            city: optional(city.get_untracked()),
            postal_code: optional(postal_code.get_untracked()),
        });
    };
    let field = |label: fn(&crate::i18n::CrmTexts) -> &'static str,
                 name: &'static str,
                 value: RwSignal<String>| {
        view! {
            <label>
                <span>{move || label(state.texts().crm)}</span>
                <input
                    name=name
                    data-testid=format!("customer-{name}")
                    prop:value=value
                    on:input=move |event| value.set(event_target_value(&event))
                />
            </label>
        }
    };
    let segment_options = Segment::ALL
        .into_iter()
        .map(|s| {
            let name = s.as_str().to_owned();
            let label = s.clone();
            view! {
                <option value=name selected=move || segment.with(|chosen| *chosen == s)>
                    {move || texts().segment(&label)}
                </option>
            }
        })
        .collect_view();

    // Tags.
    let tags = RwSignal::new(card.tags.clone());
    let new_tag = RwSignal::new(String::new());
    let tag_action = Action::new_local({
        let id = id.clone();
        move |(add, tag): &(bool, String)| {
            let id = id.clone();
            let (add, tag) = (*add, tag.clone());
            async move {
                let fresh = if add {
                    api::crm::add_tag(&id, &tag).await?
                } else {
                    api::crm::remove_tag(&id, &tag).await?
                };
                tags.set(fresh);
                Ok::<(), ApiError>(())
            }
        }
    });
    let tag_error = move || tag_action.value().get().and_then(Result::err);
    let on_add_tag = move |event: SubmitEvent| {
        event.prevent_default();
        if let Some(tag) = optional(new_tag.get_untracked()) {
            new_tag.set(String::new());
            tag_action.dispatch_local((true, tag));
        }
    };
    let tag_chips = move || {
        tags.get()
            .into_iter()
            .map(|tag| {
                let remove = tag.clone();
                view! {
                    <span class="tag" data-testid="customer-tag">
                        {tag.clone()}
                        <button
                            type="button"
                            class="link"
                            title=move || texts().tag_remove
                            on:click=move |_| {
                                tag_action.dispatch_local((false, remove.clone()));
                            }
                        >
                            "×"
                        </button>
                    </span>
                }
            })
            .collect_view()
    };

    // Notes.
    let note = RwSignal::new(String::new());
    let note_action = Action::new_local({
        let id = id.clone();
        move |content: &String| {
            let id = id.clone();
            let content = content.clone();
            async move {
                api::crm::add_note(&id, &content).await?;
                note.set(String::new());
                bump();
                Ok::<(), ApiError>(())
            }
        }
    });
    let note_error = move || note_action.value().get().and_then(Result::err);
    let on_note = move |event: SubmitEvent| {
        event.prevent_default();
        note_action.dispatch_local(note.get_untracked());
    };

    // Interactions recorded by hand.
    let activity_kind = RwSignal::new(api::crm::ACTIVITY_KINDS[0].as_str().to_owned());
    let activity_channel = RwSignal::new(String::new());
    let activity_text = RwSignal::new(String::new());
    let activity_action = Action::new_local({
        let id = id.clone();
        move |(): &()| {
            let kind = activity_kind.get_untracked();
            let input = ActivityInput {
                customer_id: id.clone(),
                kind: ActivityKind::parse(&kind).unwrap_or(ActivityKind::Other(kind)),
                channel: optional(activity_channel.get_untracked())
                    .map(|name| Channel::parse(&name).unwrap_or(Channel::Other(name))),
                description: optional(activity_text.get_untracked()),
                occurred_at: None,
            };
            async move {
                api::crm::log_activity(input).await?;
                activity_text.set(String::new());
                bump();
                Ok::<(), ApiError>(())
            }
        }
    });
    let activity_error = move || activity_action.value().get().and_then(Result::err);
    let on_activity = move |event: SubmitEvent| {
        event.prevent_default();
        activity_action.dispatch_local(());
    };
    let kind_options = api::crm::ACTIVITY_KINDS
        .into_iter()
        .map(|kind| {
            let name = kind.as_str().to_owned();
            view! { <option value=name>{move || texts().activity_kind(&kind).to_owned()}</option> }
        })
        .collect_view();
    let channel_options = api::crm::CHANNELS
        .into_iter()
        .map(|channel| {
            let name = channel.as_str().to_owned();
            view! { <option value=name>{move || texts().channel(&channel).to_owned()}</option> }
        })
        .collect_view();

    let new_ticket = format!("/tickets/new?customer={}", card.id);
    let timeline = card
        .timeline
        .clone()
        .into_iter()
        .map(|entry| view! { <TimelineItem entry/> })
        .collect_view();
    let empty_timeline = card.timeline.is_empty();
    let last_contact = card.last_contact_at.clone();

    view! {
        <header class="customer-header">
            <h1 data-testid="customer-name">{card.display_name.clone()}</h1>
            <span class="badge" data-testid="customer-segment-badge">
                {move || texts().segment(&card.segment)}
            </span>
            <div class="spacer"></div>
            <A href=new_ticket attr:class="button" attr:data-testid="customer-create-ticket">
                {move || texts().create_ticket}
            </A>
        </header>
        <dl class="customer-stats">
            <dt>{move || texts().orders}</dt>
            <dd data-testid="customer-orders">{card.total_orders}</dd>
            <dt>{move || texts().revenue}</dt>
            <dd data-testid="customer-revenue">{format!("{} {}", card.total_revenue, card.currency)}</dd>
            <dt>{move || texts().last_contact}</dt>
            <dd>
                {match last_contact {
                    Some(at) => view! { <Time instant=at/> }.into_any(),
                    None => view! { <span>{move || texts().never}</span> }.into_any(),
                }}
            </dd>
            <dt>{move || texts().notes_count}</dt>
            <dd data-testid="customer-notes-count">{card.notes_count}</dd>
            <dt>{move || texts().activities_count}</dt>
            <dd>{card.activities_count}</dd>
        </dl>
        <div class="customer-columns">
            <div>
                <form class="panel customer-details" data-testid="customer-details" on:submit=on_save>
                    <h2>{move || texts().details}</h2>
                    {field(|t| t.first_name, "firstName", first_name)}
                    {field(|t| t.last_name, "lastName", last_name)}
                    {field(|t| t.company, "company", company)}
                    {field(|t| t.email, "email", email)}
                    {field(|t| t.phone, "phone", phone)}
                    <label>
                        <span>{move || texts().segment}</span>
                        <select
                            data-testid="customer-segment-select"
                            on:change=move |event| {
                                if let Some(s) = Segment::parse(&event_target_value(&event)) {
                                    segment.set(s);
                                }
                            }
                        >
                            {segment_options}
                        </select>
                    </label>
                    {field(|t| t.address, "address", address)}
                    {field(|t| t.city, "city", city)}
                    {field(|t| t.postal_code, "postalCode", postal_code)}
                    {move || save_error().map(|error| view! { <ErrorMessage error/> })}
                    <button type="submit" data-testid="customer-save" disabled=move || save.pending().get()>
                        {move || state.texts().save}
                    </button>
                </form>
                <section class="panel">
                    <h2>{move || texts().tags}</h2>
                    <div class="tags">{tag_chips}</div>
                    <form class="inline" on:submit=on_add_tag>
                        <input
                            data-testid="customer-tag-input"
                            placeholder=move || texts().tag_placeholder
                            prop:value=new_tag
                            on:input=move |event| new_tag.set(event_target_value(&event))
                        />
                        <button type="submit" data-testid="customer-tag-add">{move || texts().tag_add}</button>
                    </form>
                    {move || tag_error().map(|error| view! { <ErrorMessage error/> })}
                </section>
            </div>
            <div>
                <form class="panel customer-activity" data-testid="customer-activity" on:submit=on_activity>
                    <h2>{move || texts().activity_title}</h2>
                    <div class="row">
                        <label>
                            <span>{move || texts().activity_kind_label}</span>
                            <select
                                data-testid="customer-activity-kind"
                                on:change=move |event| activity_kind.set(event_target_value(&event))
                            >
                                {kind_options}
                            </select>
                        </label>
                        <label>
                            <span>{move || texts().activity_channel_label}</span>
                            <select
                                data-testid="customer-activity-channel"
                                on:change=move |event| activity_channel.set(event_target_value(&event))
                            >
                                <option value="">{move || texts().activity_no_channel}</option>
                                {channel_options}
                            </select>
                        </label>
                    </div>
                    <textarea
                        data-testid="customer-activity-description"
                        placeholder=move || texts().activity_description
                        prop:value=activity_text
                        on:input=move |event| activity_text.set(event_target_value(&event))
                    ></textarea>
                    {move || activity_error().map(|error| view! { <ErrorMessage error/> })}
                    <button
                        type="submit"
                        data-testid="customer-activity-add"
                        disabled=move || activity_action.pending().get()
                    >
                        {move || texts().activity_add}
                    </button>
                </form>
                <form class="panel" on:submit=on_note>
                    <textarea
                        data-testid="customer-note-input"
                        placeholder=move || texts().note_placeholder
                        prop:value=note
                        on:input=move |event| note.set(event_target_value(&event))
                    ></textarea>
                    {move || note_error().map(|error| view! { <ErrorMessage error/> })}
                    <button type="submit" data-testid="customer-note-add" disabled=move || note_action.pending().get()>
                        {move || texts().note_add}
                    </button>
                </form>
                <section class="panel">
                    <h2>{move || texts().timeline}</h2>
                    <Show when=move || empty_timeline>
                        <p class="empty">{move || texts().timeline_empty}</p>
                    </Show>
                    <ol class="timeline" data-testid="customer-timeline">{timeline}</ol>
                </section>
            </div>
        </div>
    }
}

/// One interaction: its kind, date, summary (worded here from the entry's typed fields),
/// and a link to its ticket.
#[component]
fn TimelineItem(entry: TimelineEntry) -> impl IntoView {
    let state = use_app_state();
    let kind = entry.kind.clone();
    let summary = {
        let entry = entry.clone();
        move || {
            let crm = &state.texts().crm;
            let text = entry.text.clone().unwrap_or_default();
            let number = entry.ticket_number.clone().unwrap_or_default();
            match &entry.kind {
                TimelineKind::ACTIVITY => {
                    let what = entry
                        .activity_kind
                        .as_ref()
                        .map(|kind| crm.activity_kind(kind).to_owned())
                        .unwrap_or_default();
                    match (&entry.text, &entry.amount) {
                        (Some(text), _) => text.clone(),
                        (None, Some(amount)) => format!(
                            "{what} {amount} {}",
                            entry.currency.clone().unwrap_or_default()
                        ),
                        (None, None) => what,
                    }
                }
                TimelineKind::TICKET => format!("{number} {text}"),
                TimelineKind::MESSAGE => {
                    let what = if entry.internal {
                        crm.timeline_internal_note
                    } else {
                        crm.timeline_message
                    };
                    format!("{number}: {what}")
                }
                TimelineKind::LEAD => format!(
                    "{} #{} ({})",
                    crm.kind_lead,
                    entry.lead_id.clone().unwrap_or_default(),
                    entry
                        .lead_stage
                        .as_ref()
                        .map(|stage| crm.stage(stage))
                        .unwrap_or_default()
                ),
                _ => text,
            }
        }
    };
    let body = match entry.ticket_id.clone() {
        Some(id) => {
            let href = format!("/tickets/{id}");
            view! { <A href=href>{summary}</A> }.into_any()
        }
        None => summary.into_any(),
    };
    view! {
        <li class="timeline-entry" data-testid="timeline-entry" data-kind=entry.kind.as_str().to_owned()>
            <span class="badge">{move || state.texts().crm.timeline_kind(&kind).to_owned()}</span>
            " "
            <Time instant=entry.at.clone()/>
            " "
            <strong>{body}</strong>
            {entry.detail.clone().map(|detail| view! { <p class="muted">{detail}</p> })}
        </li>
    }
}
