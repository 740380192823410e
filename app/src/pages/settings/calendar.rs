//! The business calendar on `/settings/sla`: time zone, opening hours per weekday and
//! closed days, which SLA deadlines count in.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::settings::{
    BusinessCalendarData as BusinessCalendar, CalendarInput, OpeningInterval, OpeningIntervalInput,
};
use crate::api::Weekday;
use crate::api::{self, ApiError};
use crate::components::error_view::{ErrorList, ErrorMessage};
use crate::state::use_app_state;

/// One editable row of opening hours.
#[derive(Clone, Copy)]
struct Row {
    key: usize,
    weekday: RwSignal<Weekday>,
    opens: RwSignal<String>,
    closes: RwSignal<String>,
}

/// Loads the calendar and shows its form.
#[component]
pub fn CalendarSection() -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    let calendar = LocalResource::new(api::settings::fetch_business_calendar);
    let content = move || {
        Suspend::new(async move {
            calendar
                .await
                .map(|calendar| view! { <CalendarEditor calendar/> })
        })
    };
    view! {
        <section class="panel calendar" data-testid="calendar">
            <h2>{move || texts().calendar_title}</h2>
            <p class="muted">{move || texts().calendar_intro}</p>
            <Transition fallback=move || view! { <p class="loading">{move || texts().loading}</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors/> }>{content}</ErrorBoundary>
            </Transition>
        </section>
    }
}

/// Splits the holidays text area into dates; the first line that is not `YYYY-MM-DD` is
/// returned as the error.
fn parse_holidays(text: &str) -> Result<Vec<String>, String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| {
            let valid = line.len() == 10
                && line.chars().enumerate().all(|(i, c)| {
                    if i == 4 || i == 7 {
                        c == '-'
                    } else {
                        c.is_ascii_digit()
                    }
                });
            if valid {
                Ok(line.to_owned())
            } else {
                Err(line.to_owned())
            }
        })
        .collect()
}

#[component]
fn CalendarEditor(calendar: BusinessCalendar) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    let timezone = RwSignal::new(calendar.timezone.clone());
    let next_key = StoredValue::new(0_usize);
    let make_row = move |interval: &OpeningInterval| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        Row {
            key,
            weekday: RwSignal::new(interval.weekday.clone()),
            opens: RwSignal::new(interval.opens.clone()),
            closes: RwSignal::new(interval.closes.clone()),
        }
    };
    let rows = RwSignal::new(
        calendar
            .opening_hours
            .iter()
            .map(make_row)
            .collect::<Vec<_>>(),
    );
    let holidays = RwSignal::new(calendar.holidays.join("\n"));
    let bad_date = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);

    let save = Action::new_local(move |calendar: &CalendarInput| {
        let calendar = calendar.clone();
        async move {
            let stored = api::settings::set_business_calendar(calendar).await?;
            timezone.set(stored.timezone.clone());
            holidays.set(stored.holidays.join("\n"));
            rows.set(stored.opening_hours.iter().map(make_row).collect());
            saved.set(true);
            Ok::<(), ApiError>(())
        }
    });
    let pending = save.pending();
    let error = move || save.value().get().and_then(Result::err);

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        saved.set(false);
        match parse_holidays(&holidays.get_untracked()) {
            Ok(dates) => {
                bad_date.set(None);
                let opening_hours = rows
                    .get_untracked()
                    .iter()
                    .map(|row| OpeningIntervalInput {
                        weekday: row.weekday.get_untracked(),
                        opens: row.opens.get_untracked(),
                        closes: row.closes.get_untracked(),
                    })
                    .collect();
                save.dispatch_local(CalendarInput {
                    timezone: timezone.get_untracked().trim().to_owned(),
                    opening_hours,
                    holidays: dates,
                });
            }
            Err(line) => bad_date.set(Some(line)),
        }
    };
    let add_row = move |_| {
        let row = make_row(&OpeningInterval {
            weekday: Weekday::MONDAY,
            opens: "09:00".into(),
            closes: "18:00".into(),
        });
        rows.update(|rows| rows.push(row));
    };

    view! {
        <form class="calendar-form" on:submit=on_submit>
            <label>
                <span>{move || texts().calendar_timezone}</span>
                <input
                    type="text"
                    data-testid="calendar-timezone"
                    prop:value=timezone
                    on:input=move |event| timezone.set(event_target_value(&event))
                />
            </label>
            <Show when=move || rows.with(Vec::is_empty)>
                <p class="muted" data-testid="calendar-always-open">{move || texts().calendar_always_open}</p>
            </Show>
            <ul class="calendar-rows">
                <For
                    each=move || rows.get()
                    key=|row| row.key
                    children=move |row| {
                        let options = move || {
                            Weekday::ALL
                                .into_iter()
                                .map(|day| {
                                    let name = day.as_str().to_owned();
                                    let index = day.index();
                                    view! {
                                        <option value=name selected=move || row.weekday.with(|chosen| *chosen == day)>
                                            {move || texts().weekdays[index]}
                                        </option>
                                    }
                                })
                                .collect_view()
                        };
                        view! {
                            <li data-testid="calendar-row">
                                <select
                                    data-testid="calendar-weekday"
                                    on:change=move |event| {
                                        let value = event_target_value(&event);
                                        if let Some(day) = Weekday::parse(&value) {
                                            row.weekday.set(day);
                                        }
                                    }
                                >
                                    {options}
                                </select>
                                <input
                                    type="time"
                                    data-testid="calendar-opens"
                                    prop:value=row.opens
                                    on:input=move |event| row.opens.set(event_target_value(&event))
                                />
                                <input
                                    type="time"
                                    data-testid="calendar-closes"
                                    prop:value=row.closes
                                    on:input=move |event| row.closes.set(event_target_value(&event))
                                />
                                <button
                                    type="button"
                                    class="secondary"
                                    on:click=move |_| rows.update(|rows| rows.retain(|r| r.key != row.key))
                                >
                                    {move || texts().calendar_remove}
                                </button>
                            </li>
                        }
                    }
                />
            </ul>
            <button type="button" class="secondary" data-testid="calendar-add" on:click=add_row>
                {move || texts().calendar_add}
            </button>
            <label>
                <span>{move || texts().calendar_holidays}</span>
                <textarea
                    rows="4"
                    data-testid="calendar-holidays"
                    prop:value=holidays
                    on:input=move |event| holidays.set(event_target_value(&event))
                ></textarea>
            </label>
            {move || bad_date.get().map(|line| view! {
                <p class="error" role="alert">{move || texts().calendar_bad_date} " " {line.clone()}</p>
            })}
            {move || error().map(|error| view! { <ErrorMessage error/> })}
            <div class="reply-actions">
                <Show when=move || saved.get()>
                    <span class="saved" data-testid="calendar-saved">{move || texts().calendar_saved}</span>
                </Show>
                <div class="spacer"></div>
                <button type="submit" data-testid="calendar-save" disabled=move || pending.get()>
                    {move || if pending.get() { texts().saving } else { texts().calendar_save }}
                </button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holidays_are_one_date_per_line() {
        assert_eq!(
            parse_holidays("2026-12-25\n\n 2027-01-01 \n"),
            Ok(vec!["2026-12-25".to_owned(), "2027-01-01".to_owned()])
        );
        assert_eq!(parse_holidays("25/12/2026"), Err("25/12/2026".to_owned()));
    }
}
