//! Who hears of what, for the signed-in user (`/settings/notifications`) or as the tenant's
//! defaults (`/settings/messages`): per event the ways it is told (saved at each click),
//! the daily digest, and working hours per weekday, in the tenant's time zone.

use leptos::prelude::*;

use crate::api::preferences::{
    Choice, ChoiceInput, Interval, IntervalInput, Preferences, PreferencesInput, Scope,
};
use crate::api::{self, ApiError, Role, Weekday};
use crate::components::error_view::{ErrorList, ErrorMessage};
use crate::i18n::NotificationTexts;
use crate::state::use_app_state;

/// A way an event is told: a column of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Way {
    InApp,
    Email,
    Telegram,
}

impl Way {
    const ALL: [Way; 3] = [Way::InApp, Way::Email, Way::Telegram];

    /// The schema's name of the way, as the page's `data-way`.
    fn name(self) -> &'static str {
        match self {
            Way::InApp => "inApp",
            Way::Email => "email",
            Way::Telegram => "telegram",
        }
    }

    fn label(self, texts: &NotificationTexts) -> &'static str {
        match self {
            Way::InApp => texts.way_in_app,
            Way::Email => texts.way_email,
            Way::Telegram => texts.way_telegram,
        }
    }

    /// Whether `choice` has this way on.
    fn is_on(self, choice: &Choice) -> bool {
        match self {
            Way::InApp => choice.in_app,
            Way::Email => choice.email,
            Way::Telegram => choice.telegram,
        }
    }

    /// A change of this way only, about `event`.
    fn change(self, event: String, on: bool) -> ChoiceInput {
        let mut choice = ChoiceInput {
            event,
            in_app: None,
            email: None,
            telegram: None,
        };
        *match self {
            Way::InApp => &mut choice.in_app,
            Way::Email => &mut choice.email,
            Way::Telegram => &mut choice.telegram,
        } = Some(on);
        choice
    }
}

/// The part of the section a save was for, so that its outcome shows next to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Choices,
    Digest,
    Hours,
}

/// A save: the change sent and the part it came from.
#[derive(Clone, Debug)]
struct Change {
    part: Part,
    input: PreferencesInput,
}

/// One period of working hours being edited.
#[derive(Clone, Copy)]
struct Period {
    key: usize,
    /// The weekday's index in [`Weekday::ALL`] (0 for Monday).
    day: usize,
    opens: RwSignal<String>,
    closes: RwSignal<String>,
}

/// Loads the choices of `scope` and shows them.
#[component]
pub fn PreferencesSection(scope: Scope) -> impl IntoView {
    let state = use_app_state();
    let preferences = LocalResource::new(move || api::preferences::fetch_preferences(scope));
    let content = move || {
        Suspend::new(async move {
            preferences
                .await
                .map(|preferences| view! { <PreferencesEditor scope preferences/> })
        })
    };
    view! {
        <Transition fallback=move || view! { <p class="loading">{move || state.texts().loading}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorList errors/> }>{content}</ErrorBoundary>
        </Transition>
    }
}

/// The table of choices, the digest and the working hours; every save shows what the
/// server now holds.
#[component]
fn PreferencesEditor(scope: Scope, preferences: Preferences) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().notifications;
    // A customer's account hears of its own requests only: no Telegram, no digest.
    let for_staff = scope == Scope::Tenant
        || state.session.with_untracked(|session| {
            session
                .as_ref()
                .is_some_and(|session| session.user.role != Role::CUSTOMER)
        });
    let scope_name = match scope {
        Scope::Mine => "mine",
        Scope::Tenant => "tenant",
    };
    let events: Vec<String> = preferences
        .choices
        .iter()
        .map(|choice| choice.event.clone())
        .collect();
    let next_key = StoredValue::new(0_usize);
    let make_period = move |interval: &Interval| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        Period {
            key,
            day: interval.weekday.index(),
            opens: RwSignal::new(interval.opens.clone()),
            closes: RwSignal::new(interval.closes.clone()),
        }
    };
    let periods = RwSignal::new(
        preferences
            .working_hours
            .iter()
            .map(make_period)
            .collect::<Vec<_>>(),
    );
    let current = RwSignal::new(preferences);

    let save = Action::new_local(move |change: &Change| {
        let Change { part, input } = change.clone();
        async move {
            match api::preferences::update_preferences(scope, input).await {
                Ok(fresh) => {
                    if part == Part::Hours {
                        periods.set(fresh.working_hours.iter().map(make_period).collect());
                    }
                    current.set(fresh);
                    (part, Ok(()))
                }
                Err(error) => {
                    // The box clicked shows what the server still holds.
                    current.update(|_| {});
                    (part, Err(error))
                }
            }
        }
    });
    let pending = save.pending();
    let saved = move |part: Part| {
        save.value()
            .with(|outcome| matches!(outcome, Some((done, Ok(()))) if *done == part))
    };
    let error = move |part: Part| {
        save.value().with(|outcome| match outcome {
            Some((done, Err(error))) if *done == part => Some(error.clone()),
            _ => None,
        })
    };
    let send = move |part: Part, input: PreferencesInput| {
        save.dispatch_local(Change { part, input });
    };

    let ways: Vec<Way> = Way::ALL
        .into_iter()
        .filter(|way| for_staff || *way != Way::Telegram)
        .collect();
    let header = ways
        .iter()
        .map(|way| {
            let way = *way;
            view! { <th scope="col">{move || way.label(texts())}</th> }
        })
        .collect_view();
    let rows = events
        .into_iter()
        .map(|event| {
            let name = event.clone();
            let cells = ways
                .iter()
                .map(|way| {
                    let way = *way;
                    let event = event.clone();
                    let label_event = event.clone();
                    let checked = {
                        let event = event.clone();
                        move || {
                            current.with(|preferences| {
                                preferences
                                    .choice(&event)
                                    .is_some_and(|choice| way.is_on(choice))
                            })
                        }
                    };
                    view! {
                        <td>
                            <input
                                type="checkbox"
                                data-testid="choice"
                                data-event=event.clone()
                                data-way=way.name()
                                aria-label=move || {
                                    format!("{} — {}", texts().event(&label_event), way.label(texts()))
                                }
                                prop:checked=checked
                                disabled=move || pending.get()
                                on:change=move |change| {
                                    let on = event_target_checked(&change);
                                    let input = PreferencesInput {
                                        choices: Some(vec![way.change(event.clone(), on)]),
                                        ..PreferencesInput::unchanged()
                                    };
                                    send(Part::Choices, input);
                                }
                            />
                        </td>
                    }
                })
                .collect_view();
            let row_event = name.clone();
            view! {
                <tr data-testid="choice-row" data-event=row_event>
                    <th scope="row">{move || texts().event(&name).to_owned()}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();

    let title = move || match scope {
        Scope::Mine => texts().choices_title,
        Scope::Tenant => texts().defaults_title,
    };
    let digest_label = move || match scope {
        Scope::Mine => texts().digest_mine,
        Scope::Tenant => texts().digest_tenant,
    };

    view! {
        <div class="preferences" data-testid="preferences" data-scope=scope_name>
            <section class="panel choices-panel">
                <h2>{title}</h2>
                <Show when=move || scope == Scope::Tenant>
                    <p class="muted">{move || texts().defaults_intro}</p>
                </Show>
                <div class="table-scroll">
                    <table class="matrix choices">
                        <thead>
                            <tr>
                                <th scope="col">{move || texts().event}</th>
                                {header}
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <Show when=move || for_staff>
                    <p class="muted small">{move || texts().telegram_hint}</p>
                </Show>
                {move || error(Part::Choices).map(|error| view! { <ErrorMessage error/> })}
                <Show when=move || saved(Part::Choices)>
                    <p class="saved" data-testid="choices-saved">{move || state.texts().saved}</p>
                </Show>
                <Show when=move || for_staff>
                    <h3>{move || texts().digest_title}</h3>
                    <label class="checkbox">
                        <input
                            type="checkbox"
                            data-testid="digest"
                            prop:checked=move || current.with(|preferences| preferences.digest)
                            disabled=move || pending.get()
                            on:change=move |change| {
                                let input = PreferencesInput {
                                    digest: Some(event_target_checked(&change)),
                                    ..PreferencesInput::unchanged()
                                };
                                send(Part::Digest, input);
                            }
                        />
                        {digest_label}
                    </label>
                    {move || error(Part::Digest).map(|error| view! { <ErrorMessage error/> })}
                    <Show when=move || saved(Part::Digest)>
                        <p class="saved" data-testid="digest-saved">{move || state.texts().saved}</p>
                    </Show>
                </Show>
            </section>
            <WorkingHours
                scope
                current
                periods
                make_period
                pending=pending.into()
                saved=Signal::derive(move || saved(Part::Hours))
                error=Signal::derive(move || error(Part::Hours))
                send
            />
        </div>
    }
}

/// The working hours, one row per weekday with its periods; saved with a button, or given
/// back to the level below (the team's hours for a user, the business hours for the team).
#[component]
fn WorkingHours(
    scope: Scope,
    current: RwSignal<Preferences>,
    periods: RwSignal<Vec<Period>>,
    make_period: impl Fn(&Interval) -> Period + Copy + Send + Sync + 'static,
    pending: Signal<bool>,
    saved: Signal<bool>,
    error: Signal<Option<ApiError>>,
    send: impl Fn(Part, PreferencesInput) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().notifications;
    let own = move || current.with(|preferences| preferences.own_working_hours);

    let days = Weekday::ALL
        .into_iter()
        .map(|day| {
            let index = day.index();
            let weekday_name = day.as_str().to_owned();
            let of_day = move || {
                periods.with(|periods| {
                    periods
                        .iter()
                        .filter(|period| period.day == index)
                        .copied()
                        .collect::<Vec<_>>()
                })
            };
            // With no period at all the hours are around the clock (said once above), not
            // seven days off.
            let day_off = move || {
                periods.with(|periods| {
                    !periods.is_empty() && periods.iter().all(|period| period.day != index)
                })
            };
            let add_day = day.clone();
            let add = move |_| {
                let period = make_period(&Interval {
                    weekday: add_day.clone(),
                    opens: "09:00".into(),
                    closes: "18:00".into(),
                });
                periods.update(|periods| periods.push(period));
            };
            view! {
                <tr data-testid="hours-day" data-weekday=weekday_name>
                    <th scope="row">{move || state.texts().weekdays[index]}</th>
                    <td>
                        <div class="periods">
                            <For
                                each=of_day
                                key=|period| period.key
                                children=move |period| {
                                    let label = move |edge: &str| {
                                        format!("{} — {edge}", state.texts().weekdays[index])
                                    };
                                    view! {
                                        <span class="period" data-testid="hours-period">
                                            <input
                                                type="time"
                                                data-testid="hours-opens"
                                                aria-label=move || label(texts().hours_opens)
                                                prop:value=period.opens
                                                on:input=move |event| period.opens.set(event_target_value(&event))
                                            />
                                            <span aria-hidden="true">"–"</span>
                                            <input
                                                type="time"
                                                data-testid="hours-closes"
                                                aria-label=move || label(texts().hours_closes)
                                                prop:value=period.closes
                                                on:input=move |event| period.closes.set(event_target_value(&event))
                                            />
                                            <button
                                                type="button"
                                                class="secondary icon"
                                                data-testid="hours-remove"
                                                title=move || texts().hours_remove
                                                aria-label=move || texts().hours_remove
                                                on:click=move |_| {
                                                    periods.update(|periods| periods.retain(|p| p.key != period.key));
                                                }
                                            >
                                                "×"
                                            </button>
                                        </span>
                                    }
                                }
                            />
                            <Show when=day_off>
                                <span class="muted day-off">{move || texts().hours_off}</span>
                            </Show>
                            <button
                                type="button"
                                class="secondary small"
                                data-testid="hours-add"
                                title=move || texts().hours_add
                                on:click=add
                            >
                                "+ "
                                {move || texts().hours_add}
                            </button>
                        </div>
                    </td>
                </tr>
            }
        })
        .collect_view();

    let on_save = move |_| {
        let hours = periods
            .get_untracked()
            .iter()
            .map(|period| IntervalInput {
                weekday: Weekday::ALL[period.day].clone(),
                opens: period.opens.get_untracked(),
                closes: period.closes.get_untracked(),
            })
            .collect();
        send(
            Part::Hours,
            PreferencesInput {
                working_hours: Some(hours),
                ..PreferencesInput::unchanged()
            },
        );
    };
    let on_default = move |_| {
        send(
            Part::Hours,
            PreferencesInput {
                default_working_hours: Some(true),
                ..PreferencesInput::unchanged()
            },
        );
    };

    view! {
        <section class="panel working-hours" data-testid="working-hours">
            <h2>{move || texts().hours_title}</h2>
            <p class="muted">{move || texts().hours_intro}</p>
            <p class="hours-facts">
                <span>
                    {move || texts().hours_timezone}
                    " : "
                    <strong data-testid="timezone">
                        {move || current.with(|preferences| preferences.timezone.clone())}
                    </strong>
                </span>
                <Show when=move || scope == Scope::Mine>
                    <span
                        class="badge status"
                        data-testid="hours-source"
                        data-own=move || own().to_string()
                    >
                        {move || if own() { texts().hours_own } else { texts().hours_team }}
                    </span>
                </Show>
            </p>
            <Show when=move || periods.with(Vec::is_empty)>
                <p class="muted" data-testid="hours-always">{move || texts().hours_always}</p>
            </Show>
            <table class="hours-table">
                <tbody>{days}</tbody>
            </table>
            {move || error.get().map(|error| view! { <ErrorMessage error/> })}
            <div class="reply-actions">
                <Show when=move || saved.get()>
                    <span class="saved" data-testid="hours-saved">{move || state.texts().saved}</span>
                </Show>
                <div class="spacer"></div>
                <button
                    type="button"
                    class="secondary"
                    data-testid="hours-default"
                    disabled=move || pending.get() || (scope == Scope::Mine && !own())
                    on:click=on_default
                >
                    {move || match scope {
                        Scope::Mine => texts().hours_use_team,
                        Scope::Tenant => texts().hours_use_business,
                    }}
                </button>
                <button
                    type="button"
                    data-testid="hours-save"
                    disabled=move || pending.get()
                    on:click=on_save
                >
                    {move || if pending.get() { state.texts().saving } else { texts().hours_save }}
                </button>
            </div>
        </section>
    }
}
