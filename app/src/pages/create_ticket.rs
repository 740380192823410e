//! Opening a ticket: type, category, priority, subject and description; staff also pick
//! the customer (searched as they type), customers open tickets for themselves.
//! `/tickets/new?customer=ID` starts with that customer chosen.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api::people::CustomerContact;
use crate::api::tickets::CreateTicketInput;
use crate::api::{self, ApiError};
use crate::api::{Role, TicketCategory, TicketPriority, TicketType};
use crate::components::error_view::ErrorMessage;
use crate::state::use_app_state;

/// How long the customer search waits for the typing to stop.
const SEARCH_DEBOUNCE_MS: u32 = 300;

/// A chosen customer: their id, and their name once known.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ChosenCustomer {
    id: String,
    name: Option<String>,
}

/// The create-ticket form.
#[component]
pub fn CreateTicketPage() -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    let is_staff = state.session.with_untracked(|session| {
        session
            .as_ref()
            .is_some_and(|session| session.user.role != Role::CUSTOMER)
    });
    let navigate = use_navigate();
    let query = use_query_map();

    let ticket_type = RwSignal::new(TicketType::SUPPORT);
    let category = RwSignal::new(TicketCategory::OTHER);
    let priority = RwSignal::new(TicketPriority::NORMAL);
    let subject = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let customer = RwSignal::new(
        query
            .with_untracked(|query| query.get("customer"))
            .filter(|id| !id.is_empty())
            .map(|id| ChosenCustomer { id, name: None }),
    );
    let missing = RwSignal::new(false);
    let customer_missing = RwSignal::new(false);

    let create = Action::new_local(move |input: &CreateTicketInput| {
        let input = input.clone();
        let navigate = navigate.clone();
        async move {
            let created = api::tickets::create_ticket(input).await?;
            navigate(
                &format!("/tickets/{}", created.id),
                NavigateOptions::default(),
            );
            Ok::<(), ApiError>(())
        }
    });
    let pending = create.pending();
    let error = move || create.value().get().and_then(Result::err);

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let subject_text = subject.get_untracked().trim().to_owned();
        let description_text = description.get_untracked().trim().to_owned();
        missing.set(subject_text.is_empty() || description_text.is_empty());
        let customer_id = customer.with_untracked(|chosen| chosen.as_ref().map(|c| c.id.clone()));
        customer_missing.set(is_staff && customer_id.is_none());
        if missing.get_untracked() || customer_missing.get_untracked() {
            return;
        }
        create.dispatch_local(CreateTicketInput {
            ticket_type: ticket_type.get_untracked(),
            category: Some(category.get_untracked()),
            priority: Some(priority.get_untracked()),
            subject: subject_text,
            description: description_text,
            customer_id: if is_staff { customer_id } else { None },
            channel: None,
        });
    };

    let type_options = move || {
        TicketType::ALL
            .into_iter()
            .map(|value| {
                let name = value.as_str().to_owned();
                let label = value.clone();
                view! {
                    <option value=name selected=move || ticket_type.with(|chosen| *chosen == value)>
                        {move || texts().ticket_type(&label)}
                    </option>
                }
            })
            .collect_view()
    };
    let category_options = move || {
        TicketCategory::ALL
            .into_iter()
            .map(|value| {
                let name = value.as_str().to_owned();
                let label = value.clone();
                view! {
                    <option value=name selected=move || category.with(|chosen| *chosen == value)>
                        {move || texts().category(&label)}
                    </option>
                }
            })
            .collect_view()
    };
    let priority_options = move || {
        TicketPriority::ALL
            .into_iter()
            .map(|value| {
                let name = value.as_str().to_owned();
                let label = value.clone();
                view! {
                    <option value=name selected=move || priority.with(|chosen| *chosen == value)>
                        {move || texts().priority(&label)}
                    </option>
                }
            })
            .collect_view()
    };

    view! {
        <section class="create-page">
            <A href="/" attr:class="back">{move || texts().back_to_board}</A>
            <h1>{move || texts().create_title}</h1>
            <form class="panel create-form" on:submit=on_submit>
                <Show when=move || is_staff>
                    <CustomerPicker customer/>
                    <Show when=move || customer_missing.get()>
                        <p class="error" role="alert">{move || texts().create_customer_required}</p>
                    </Show>
                </Show>
                <div class="row">
                    <label>
                        <span>{move || texts().create_type}</span>
                        <select
                            name="ticketType"
                            data-testid="create-type"
                            on:change=move |event| {
                                if let Some(value) = TicketType::parse(&event_target_value(&event)) {
                                    ticket_type.set(value);
                                }
                            }
                        >
                            {type_options}
                        </select>
                    </label>
                    <label>
                        <span>{move || texts().create_category}</span>
                        <select
                            name="category"
                            data-testid="create-category"
                            on:change=move |event| {
                                if let Some(value) = TicketCategory::parse(&event_target_value(&event)) {
                                    category.set(value);
                                }
                            }
                        >
                            {category_options}
                        </select>
                    </label>
                    <label>
                        <span>{move || texts().create_priority}</span>
                        <select
                            name="priority"
                            data-testid="create-priority"
                            on:change=move |event| {
                                if let Some(value) = TicketPriority::parse(&event_target_value(&event)) {
                                    priority.set(value);
                                }
                            }
                        >
                            {priority_options}
                        </select>
                    </label>
                </div>
                <label>
                    <span>{move || texts().create_subject}</span>
                    <input
                        type="text"
                        name="subject"
                        required
                        data-testid="create-subject"
                        prop:value=subject
                        on:input=move |event| subject.set(event_target_value(&event))
                    />
                </label>
                <label>
                    <span>{move || texts().create_description}</span>
                    <textarea
                        name="description"
                        rows="6"
                        required
                        data-testid="create-description"
                        prop:value=description
                        on:input=move |event| description.set(event_target_value(&event))
                    ></textarea>
                </label>
                <Show when=move || missing.get()>
                    <p class="error" role="alert">{move || texts().create_missing}</p>
                </Show>
                {move || error().map(|error| view! { <ErrorMessage error/> })}
                <div class="reply-actions">
                    <A href="/" attr:class="button secondary">{move || texts().cancel}</A>
                    <div class="spacer"></div>
                    <button type="submit" data-testid="create-submit" disabled=move || pending.get()>
                        {move || {
                            if pending.get() { texts().create_submitting } else { texts().create_submit }
                        }}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// The customer search: a box, debounced, and the matching customers to choose from.
#[component]
fn CustomerPicker(customer: RwSignal<Option<ChosenCustomer>>) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    let typed = RwSignal::new(String::new());
    let search = RwSignal::new(None::<String>);
    // Bumped on each keystroke; a timer only fires the search if none followed it.
    let generation = StoredValue::new(0_u64);

    let results = LocalResource::new(move || {
        let search = search.get();
        async move {
            match search {
                Some(search) => api::people::search_customers(&search).await.map(Some),
                None => Ok(None),
            }
        }
    });

    let on_input = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        typed.set(value.clone());
        let current = generation.get_value() + 1;
        generation.set_value(current);
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(SEARCH_DEBOUNCE_MS).await;
            if generation.try_get_value() == Some(current) {
                let value = value.trim().to_owned();
                let _ = search.try_set((!value.is_empty()).then_some(value));
            }
        });
    };

    let choose = move |contact: &CustomerContact| {
        customer.set(Some(ChosenCustomer {
            id: contact.id.clone(),
            name: Some(contact.display_name.clone()),
        }));
    };

    let options = move || {
        let found = results.get()?;
        Some(match found {
            Err(error) => view! { <ErrorMessage error/> }.into_any(),
            Ok(None) => ().into_any(),
            Ok(Some(found)) if found.is_empty() => {
                view! { <p class="empty">{move || texts().create_customer_none}</p> }.into_any()
            }
            Ok(Some(found)) => view! {
                <ul class="picker-options">
                    {found
                        .into_iter()
                        .map(|contact| {
                            let details = [&contact.company, &contact.email]
                                .into_iter()
                                .flatten()
                                .cloned()
                                .collect::<Vec<_>>()
                                .join(" · ");
                            let chosen_id = contact.id.clone();
                            let selected = move || {
                                customer.with(|chosen| {
                                    chosen.as_ref().is_some_and(|chosen| chosen.id == chosen_id)
                                })
                            };
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="option"
                                        class:selected=selected
                                        data-testid="create-customer-option"
                                        data-id=contact.id.clone()
                                        on:click=move |_| choose(&contact)
                                    >
                                        <strong>{contact.display_name.clone()}</strong>
                                        " "
                                        <small class="muted">{details}</small>
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any(),
        })
    };

    let chosen = move || {
        customer.get().map(|chosen| {
            let name = chosen.name.unwrap_or_else(|| format!("#{}", chosen.id));
            view! {
                <p class="chosen" data-testid="create-customer-chosen" data-id=chosen.id>
                    {move || texts().create_customer_selected} " " <strong>{name}</strong>
                </p>
            }
        })
    };

    view! {
        <div class="customer-picker">
            <label>
                <span>{move || texts().create_customer}</span>
                <input
                    type="search"
                    name="customerSearch"
                    autocomplete="off"
                    data-testid="create-customer-search"
                    placeholder=move || texts().create_customer_placeholder
                    prop:value=typed
                    on:input=on_input
                />
            </label>
            {chosen}
            {options}
        </div>
    }
}
