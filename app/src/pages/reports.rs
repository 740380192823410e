//! `/reports`: response and resolution times, SLA compliance, tickets opened and closed per
//! week, backlog, lead conversion and the satisfaction dashboard, over a date range, each
//! exportable as CSV (admins and managers). The dashboard loads again on a resync of the
//! live feed, and after live changes that move its figures (a ticket finished or rated),
//! at most once every [`LIVE_RELOAD_MS`].

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;
use wasm_bindgen::JsValue;

use crate::api;
use crate::api::reports::{Dashboard as ReportDashboard, DateRange};
use crate::components::charts::{BarPair, PairedBarChart, StarDistribution};
use crate::components::error_view::{ErrorList, ErrorMessage};
use crate::i18n::ReportTexts;
use crate::state::use_app_state;

/// The least time between two loads of the dashboard caused by live changes: a job that
/// closes a thousand tickets makes one or two loads, not a thousand.
const LIVE_RELOAD_MS: u32 = 2_000;

/// The day `offset_days` from today, `YYYY-MM-DD` (UTC, as the server counts days).
pub fn iso_day(offset_days: i32) -> String {
    let now = js_sys::Date::now();
    let date = js_sys::Date::new(&JsValue::from_f64(
        now + f64::from(offset_days) * 86_400_000.0,
    ));
    let iso: String = date.to_iso_string().into();
    iso.chars().take(10).collect()
}

/// A duration in seconds as `12 h 05 min`.
fn duration_text(seconds: Option<f64>, texts: &ReportTexts) -> String {
    match seconds {
        #[allow(clippy::cast_possible_truncation)]
        Some(seconds) => {
            let minutes = (seconds / 60.0).round() as i64;
            format!(
                "{} {} {:02} {}",
                minutes / 60,
                texts.hours,
                minutes % 60,
                texts.minutes
            )
        }
        None => "—".to_owned(),
    }
}

fn percent_text(percent: Option<f64>) -> String {
    percent.map_or_else(|| "—".to_owned(), |p| format!("{p:.1} %"))
}

/// The range in the address (`?from=2026-03-01&to=2026-03-31`), or the defaults.
pub fn range_from_query(
    default_from: String,
    default_to: String,
) -> (RwSignal<String>, RwSignal<String>) {
    let query = use_query_map();
    let pick = |name: &str, default: String| {
        query
            .with_untracked(|query| query.get(name))
            .filter(|value| value.len() == 10)
            .unwrap_or(default)
    };
    (
        RwSignal::new(pick("from", default_from)),
        RwSignal::new(pick("to", default_to)),
    )
}

/// The date range inputs shared by the reports and budgets pages.
#[component]
pub fn RangePicker(from: RwSignal<String>, to: RwSignal<String>) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().reports;
    view! {
        <div class="range-picker">
            <label>
                <span>{move || texts().range_from}</span>
                <input
                    type="date"
                    data-testid="range-from"
                    prop:value=from
                    on:change=move |event| from.set(event_target_value(&event))
                />
            </label>
            <label>
                <span>{move || texts().range_to}</span>
                <input
                    type="date"
                    data-testid="range-to"
                    prop:value=to
                    on:change=move |event| to.set(event_target_value(&event))
                />
            </label>
        </div>
    }
}

/// A button that fetches a CSV export with the session's token, then offers it as a
/// download link.
#[component]
pub fn CsvExport(name: &'static str, range: Signal<DateRange>) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().reports;
    let prepare = Action::new_local(move |range: &DateRange| {
        let range = range.clone();
        async move { api::reports::fetch_csv_url(name, &range).await }
    });
    // A new range makes the prepared file stale.
    Effect::new(move |_| {
        range.track();
        prepare.value().set(None);
    });
    let pending = prepare.pending();
    let link = move || prepare.value().get().and_then(Result::ok);
    let error = move || prepare.value().get().and_then(Result::err);
    view! {
        <span class="csv-export" data-testid=format!("csv-{name}")>
            <button
                type="button"
                class="secondary"
                disabled=move || pending.get()
                on:click=move |_| {
                    prepare.dispatch_local(range.get_untracked());
                }
            >
                {move || if pending.get() { texts().preparing_csv } else { texts().csv_label(name) }}
            </button>
            {move || {
                link()
                    .map(|href| {
                        view! {
                            <a href=href download=format!("{name}.csv") data-testid="csv-link">
                                {texts().download_csv}
                            </a>
                        }
                    })
            }}
            {move || error().map(|error| view! { <ErrorMessage error/> })}
        </span>
    }
}

/// Loads the dashboard for the chosen range (the last twelve weeks by default, or the
/// address's `from` and `to`).
#[component]
pub fn ReportsPage() -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().reports;
    let (from, to) = range_from_query(iso_day(-83), iso_day(0));
    let range = Signal::derive(move || DateRange {
        from: from.get(),
        to: to.get(),
    });
    // A finished or rated ticket changes the times, the SLA figures and the satisfaction:
    // the first such change schedules one load, which the next ones join.
    let reload = RwSignal::new(0_u32);
    let reload_due = StoredValue::new(false);
    state.live.on_event(move |change| {
        if !change.finishes() || reload_due.get_value() {
            return;
        }
        reload_due.set_value(true);
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(LIVE_RELOAD_MS).await;
            let _ = reload_due.try_set_value(false);
            let _ = reload.try_update(|reload| *reload += 1);
        });
    });
    let dashboard = LocalResource::new(move || {
        let range = range.get();
        reload.track();
        state.live.resyncs.track();
        async move { api::reports::fetch_report_dashboard(range).await }
    });
    let content = move || {
        Suspend::new(async move {
            dashboard
                .await
                .map(|data| view! { <Dashboard data range/> })
        })
    };
    view! {
        <section class="reports-page" data-testid="reports-page">
            <h1>{move || texts().reports_title}</h1>
            <RangePicker from to/>
            <Transition fallback=move || view! { <p class="loading">{move || state.texts().loading}</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors/> }>
                    {content}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// The figures of one range.
#[component]
fn Dashboard(data: ReportDashboard, range: Signal<DateRange>) -> impl IntoView {
    let state = use_app_state();
    let t = state.texts().reports;
    let times = data.ticket_times_report;
    let pairs: Vec<BarPair> = data
        .tickets_per_week
        .iter()
        .map(|w| BarPair {
            label: w.week_start.clone(),
            first: w.opened,
            second: w.closed,
        })
        .collect();
    let backlog = data
        .backlog_report
        .iter()
        .map(|p| {
            view! {
                <li data-testid="backlog-point" data-date=p.date.clone() data-value=p.open.to_string()>
                    <span>{p.date.clone()}</span>
                    <strong>{p.open.to_string()}</strong>
                </li>
            }
        })
        .collect_view();
    let leads = data.lead_conversion_report;
    let satisfaction = data
        .satisfaction_report
        .into_iter()
        .map(|agent| {
            let name = agent
                .agent
                .as_ref()
                .map_or_else(|| t.unassigned.to_owned(), |a| a.display_name.clone());
            let label = name.clone();
            view! {
                <div class="panel agent-satisfaction" data-testid="agent-satisfaction" data-agent=label>
                    <h3>{name}</h3>
                    <p>
                        <strong data-testid="satisfaction-mean">{format!("{:.2}", agent.mean)}</strong>
                        {format!(" {} · {} {}", t.satisfaction_mean, agent.ratings, t.satisfaction_ratings)}
                    </p>
                    <StarDistribution distribution=agent.distribution/>
                </div>
            }
        })
        .collect_view();
    let comments = if data.satisfaction_comments.is_empty() {
        view! { <p class="muted">{t.no_comments}</p> }.into_any()
    } else {
        data.satisfaction_comments
            .into_iter()
            .map(|c| {
                let stars = c.satisfaction_rating.unwrap_or(0);
                view! {
                    <li data-testid="satisfaction-comment">
                        <a href=format!("/tickets/{}", c.id)>{c.number}</a>
                        <span class="stars">{"★".repeat(usize::try_from(stars).unwrap_or(0))}</span>
                        <q>{c.satisfaction_comment.unwrap_or_default()}</q>
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <div class="kpis">
            <div class="panel kpi" data-testid="kpi-tickets">
                <span>{t.tickets_created}</span>
                <strong>{times.tickets.to_string()}</strong>
            </div>
            <div class="panel kpi" data-testid="kpi-first-response">
                <span>{t.mean_first_response}</span>
                <strong>{duration_text(times.mean_first_response_seconds, t)}</strong>
            </div>
            <div class="panel kpi" data-testid="kpi-resolution">
                <span>{t.mean_resolution}</span>
                <strong>{duration_text(times.mean_resolution_seconds, t)}</strong>
            </div>
            <div class="panel kpi" data-testid="kpi-response-sla">
                <span>{t.response_sla}</span>
                <strong>{percent_text(times.response_sla.percent)}</strong>
                <small>{format!("{}/{}", times.response_sla.met, times.response_sla.total)}</small>
            </div>
            <div class="panel kpi" data-testid="kpi-resolution-sla">
                <span>{t.resolution_sla}</span>
                <strong>{percent_text(times.resolution_sla.percent)}</strong>
                <small>{format!("{}/{}", times.resolution_sla.met, times.resolution_sla.total)}</small>
            </div>
            <div class="panel kpi" data-testid="kpi-leads">
                <span>{t.lead_conversion}</span>
                <strong>{percent_text(leads.percent)}</strong>
                <small>{format!("{}/{}", leads.converted, leads.leads)}</small>
            </div>
        </div>
        <div class="report-exports">
            <CsvExport name="ticket-times" range/>
            <CsvExport name="lead-conversion" range/>
        </div>
        <section class="panel">
            <h2>{t.opened_closed_title}</h2>
            <PairedBarChart pairs first_name=t.opened second_name=t.closed test_id="chart-opened-closed"/>
            <CsvExport name="tickets-per-week" range/>
        </section>
        <section class="panel">
            <h2>{t.backlog_title}</h2>
            <ul class="backlog">{backlog}</ul>
            <CsvExport name="backlog" range/>
        </section>
        <section class="satisfaction-dashboard" data-testid="satisfaction-dashboard">
            <h2>{t.satisfaction_title}</h2>
            <div class="agents-satisfaction">{satisfaction}</div>
            <CsvExport name="satisfaction" range/>
            <h3>{t.recent_comments}</h3>
            <ul class="comments">{comments}</ul>
        </section>
    }
}
