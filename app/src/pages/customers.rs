//! `/customers`: the CRM's customer list; `/customers/:id`: a customer's card with its
//! details (editable), tags, notes, interactions recorded by hand (calls, e-mails, visits)
//! and the timeline of every interaction.
//!
//! The card is live: it follows the `customerEvents` subscription for its customer, and
//! loads again (in place, at most once per [`LIVE_RELOAD_MS`]) when a colleague changes
//! the customer's details, notes, interactions or tags; so it does after a resync of the
//! tab's live feed. What the user is typing in the card's forms is kept: a fresh load
//! only replaces the details they have not changed.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::crm::customer_card::TimelineKind;
use crate::api::crm::{
    customer_events_variables, ActivityInput, Card as CustomerCard, CustomerDetails,
    CustomerEvents, LiveCustomerEvent, Segment, TimelineEntry,
};
use crate::api::{self, ApiError, CustomerSegment};
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

/// How long live changes of the customer are gathered into one load: a colleague's save
/// that touches details and tags at once costs one load, not one per event.
const LIVE_RELOAD_MS: u32 = 300;

/// The card of the customer of the address's `:id`: loaded once per customer, then kept
/// fresh in place by [`CustomerCardView`].
#[component]
pub fn CustomerPage() -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().crm;
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|params| params.get("id").unwrap_or_default()));
    let card = LocalResource::new(move || {
        let id = id.get();
        async move { api::crm::fetch_customer_card(&id).await }
    });
    let content = move || {
        Suspend::new(async move { card.await.map(|card| view! { <CustomerCardView card/> }) })
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

/// A form input that follows the card: a fresh load replaces its value unless the user
/// changed it since the card was last loaded (then what they typed stays).
struct Draft<T: Send + Sync + 'static> {
    /// What the input shows and the form sends.
    value: RwSignal<T>,
    /// The value the input was last given by a load (or sent by the form).
    base: StoredValue<T>,
}

// By hand: a derive would ask `T: Copy`, while the handles are `Copy` whatever `T`.
impl<T: Send + Sync + 'static> Clone for Draft<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Draft<T> {}

impl<T: Clone + PartialEq + Send + Sync + 'static> Draft<T> {
    fn new(value: T) -> Self {
        Draft {
            value: RwSignal::new(value.clone()),
            base: StoredValue::new(value),
        }
    }

    /// Takes `fresh`, the value of a new load, unless the user changed the input.
    fn follow(&self, fresh: T) {
        let untouched = self
            .base
            .try_with_value(|base| self.value.try_with_untracked(|value| value == base))
            .flatten()
            .unwrap_or(false);
        if untouched {
            let _ = self.value.try_set(fresh.clone());
        }
        let _ = self.base.try_set_value(fresh);
    }

    /// The form sent `sent`: unless the user changes it again, the next load's value (as
    /// the server wrote it) replaces it.
    fn sent(&self, sent: T) {
        let _ = self.base.try_set_value(sent);
    }
}

/// The details form's inputs.
#[derive(Clone, Copy)]
struct DetailsForm {
    first_name: Draft<String>,
    last_name: Draft<String>,
    company: Draft<String>,
    email: Draft<String>,
    phone: Draft<String>,
    segment: Draft<CustomerSegment>,
    address: Draft<String>,
    city: Draft<String>,
    postal_code: Draft<String>,
}

/// The details form's values at one moment, in [`DetailsForm::texts`]'s order.
#[derive(Clone)]
struct DetailsValues {
    texts: [String; 8],
    segment: CustomerSegment,
}

impl DetailsForm {
    fn new(card: &CustomerCard) -> Self {
        let [first_name, last_name, company, email, phone, address, city, postal_code] =
            Self::card_texts(card).map(Draft::new);
        DetailsForm {
            first_name,
            last_name,
            company,
            email,
            phone,
            segment: Draft::new(card.segment.clone()),
            address,
            city,
            postal_code,
        }
    }

    /// The card's details as the text inputs show them, in [`DetailsForm::texts`]'s order.
    fn card_texts(card: &CustomerCard) -> [String; 8] {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        [
            card.first_name.clone(),
            card.last_name.clone(),
            text(&card.company),
            text(&card.email),
            text(&card.phone),
            text(&card.address),
            text(&card.city),
            text(&card.postal_code),
        ]
    }

    /// The text inputs.
    fn texts(&self) -> [Draft<String>; 8] {
        [
            self.first_name,
            self.last_name,
            self.company,
            self.email,
            self.phone,
            self.address,
            self.city,
            self.postal_code,
        ]
    }

    /// Takes a fresh load of the card, keeping what the user changed.
    fn follow(&self, card: &CustomerCard) {
        for (draft, fresh) in self.texts().into_iter().zip(Self::card_texts(card)) {
            draft.follow(fresh);
        }
        self.segment.follow(card.segment.clone());
    }

    fn values(&self) -> DetailsValues {
        DetailsValues {
            texts: self.texts().map(|draft| draft.value.get_untracked()),
            segment: self.segment.value.get_untracked(),
        }
    }

    /// The form sent `values`.
    fn sent(&self, values: DetailsValues) {
        for (draft, sent) in self.texts().into_iter().zip(values.texts) {
            draft.sent(sent);
        }
        self.segment.sent(values.segment);
    }

    /// What `updateCustomer` takes from the form.
    fn details(&self, id: String) -> CustomerDetails {
        let text = |draft: Draft<String>| draft.value.get_untracked();
        CustomerDetails {
            id,
            first_name: Some(text(self.first_name)),
            last_name: Some(text(self.last_name)),
            company: optional(text(self.company)),
            email: optional(text(self.email)),
            phone: optional(text(self.phone)),
            segment: Some(self.segment.value.get_untracked()),
            address: optional(text(self.address)),
            city: optional(text(self.city)),
            postal_code: optional(text(self.postal_code)),
        }
    }
}

/// The card: header, details form, tags, note form and timeline. It loads again in place
/// after each change made here and, live, anyone's: only the latest load is shown, and the
/// forms keep what the user is typing.
#[component]
fn CustomerCardView(card: CustomerCard) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().crm;
    let id = card.id.clone();
    let customer_id = StoredValue::new(id.clone());
    let form = DetailsForm::new(&card);
    let tags = RwSignal::new(card.tags.clone());
    let card = RwSignal::new(card);

    // Loads again, in place.
    let loads = StoredValue::new(0_u64);
    let load_error = RwSignal::new(None::<ApiError>);
    let refresh = move || {
        let Some(load) = loads.try_update_value(|loads| {
            *loads += 1;
            *loads
        }) else {
            return;
        };
        let Some(id) = customer_id.try_get_value() else {
            return;
        };
        spawn_local(async move {
            let fresh = api::crm::fetch_customer_card(&id).await;
            // A later load is on its way (or the card is gone): it shows instead.
            if loads.try_get_value() != Some(load) {
                return;
            }
            match fresh {
                Ok(fresh) => {
                    form.follow(&fresh);
                    let _ = tags.try_set(fresh.tags.clone());
                    let _ = card.try_set(fresh);
                    let _ = load_error.try_set(None);
                }
                Err(error) => {
                    let _ = load_error.try_set(Some(error));
                }
            }
        });
    };

    // Live: a burst of changes (a colleague saving details and tags) makes one load.
    let reload_due = StoredValue::new(false);
    let live_reload = move || {
        if reload_due.try_get_value() != Some(false) {
            return;
        }
        reload_due.set_value(true);
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(LIVE_RELOAD_MS).await;
            if reload_due.try_set_value(false).is_none() {
                refresh();
            }
        });
    };
    let staff = state.session.with_untracked(|session| {
        session
            .as_ref()
            .is_some_and(|session| session.user.role.is_staff())
    });
    if staff {
        let watched = id.clone();
        state
            .live
            .subscribe::<CustomerEvents>(customer_events_variables(&id), move |data| {
                match LiveCustomerEvent::from(data.customer_events) {
                    LiveCustomerEvent::Changed(changed) => {
                        if changed == watched {
                            live_reload();
                        }
                    }
                    // Every live page loads again, this card included (below).
                    LiveCustomerEvent::Resync => state.live.request_resync(),
                }
            });
    }
    state.live.on_resync(refresh);

    // Details.
    let save = Action::new_local(move |details: &CustomerDetails| {
        let details = details.clone();
        // The values as sent, taken when the form is sent.
        let sent = form.values();
        async move {
            api::crm::update_customer(details).await?;
            form.sent(sent);
            refresh();
            Ok::<(), ApiError>(())
        }
    });
    let save_error = move || save.value().get().and_then(Result::err);
    let save_id = id.clone();
    let on_save = move |event: SubmitEvent| {
        event.prevent_default();
        save.dispatch_local(form.details(save_id.clone()));
    };
    let field = |label: fn(&crate::i18n::CrmTexts) -> &'static str,
                 name: &'static str,
                 draft: Draft<String>| {
        let value = draft.value;
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
    let segment = form.segment.value;
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
                refresh();
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
                refresh();
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

    let new_ticket = format!("/tickets/new?customer={id}");
    let timeline = move || {
        card.with(|card| card.timeline.clone())
            .into_iter()
            .map(|entry| view! { <TimelineItem entry/> })
            .collect_view()
    };
    let empty_timeline = move || card.with(|card| card.timeline.is_empty());
    let last_contact = move || match card.with(|card| card.last_contact_at.clone()) {
        Some(at) => view! { <Time instant=at/> }.into_any(),
        None => view! { <span>{move || texts().never}</span> }.into_any(),
    };
    let shown = move |read: fn(&CustomerCard) -> String| move || card.with(read);

    view! {
        <header class="customer-header" data-testid="customer-card" data-id=id.clone()>
            <h1 data-testid="customer-name">{shown(|card| card.display_name.clone())}</h1>
            <span class="badge" data-testid="customer-segment-badge">
                {move || card.with(|card| texts().segment(&card.segment))}
            </span>
            <div class="spacer"></div>
            <A href=new_ticket attr:class="button" attr:data-testid="customer-create-ticket">
                {move || texts().create_ticket}
            </A>
        </header>
        {move || load_error.get().map(|error| view! { <ErrorMessage error/> })}
        <dl class="customer-stats">
            <dt>{move || texts().orders}</dt>
            <dd data-testid="customer-orders">{shown(|card| card.total_orders.to_string())}</dd>
            <dt>{move || texts().revenue}</dt>
            <dd data-testid="customer-revenue">
                {shown(|card| format!("{} {}", card.total_revenue, card.currency))}
            </dd>
            <dt>{move || texts().last_contact}</dt>
            <dd>{last_contact}</dd>
            <dt>{move || texts().notes_count}</dt>
            <dd data-testid="customer-notes-count">{shown(|card| card.notes_count.to_string())}</dd>
            <dt>{move || texts().activities_count}</dt>
            <dd>{shown(|card| card.activities_count.to_string())}</dd>
        </dl>
        <div class="customer-columns">
            <div>
                <form class="panel customer-details" data-testid="customer-details" on:submit=on_save>
                    <h2>{move || texts().details}</h2>
                    {field(|t| t.first_name, "firstName", form.first_name)}
                    {field(|t| t.last_name, "lastName", form.last_name)}
                    {field(|t| t.company, "company", form.company)}
                    {field(|t| t.email, "email", form.email)}
                    {field(|t| t.phone, "phone", form.phone)}
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
                    {field(|t| t.address, "address", form.address)}
                    {field(|t| t.city, "city", form.city)}
                    {field(|t| t.postal_code, "postalCode", form.postal_code)}
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
                    <Show when=empty_timeline>
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
