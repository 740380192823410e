//! `/budgets`: a gauge per customer budget (cost versus planned, alerts highlighted) and the
//! agents' hourly costs, which admins edit here. The gauges load again on a resync of the
//! live feed.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::reports::{Agent, Budget, DateRange, HourlyCost};
use crate::api::Role;
use crate::api::{self, ApiError};
use crate::components::charts::BudgetGauge;
use crate::components::error_view::{ErrorList, ErrorMessage};
use crate::pages::reports::{iso_day, range_from_query, CsvExport, RangePicker};
use crate::state::use_app_state;

/// The first day of the month before today's, `YYYY-MM-01`.
fn previous_month_start() -> String {
    let today = iso_day(0);
    let year: i32 = today.get(0..4).and_then(|y| y.parse().ok()).unwrap_or(2026);
    let month: i32 = today.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    let (year, month) = if month == 1 {
        (year - 1, 12)
    } else {
        (year, month - 1)
    };
    format!("{year:04}-{month:02}-01")
}

/// Budgets of the chosen range (last month and this one by default, or the address's
/// `from` and `to`), then hourly costs.
#[component]
pub fn BudgetsPage() -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().reports;
    let (from, to) = range_from_query(previous_month_start(), iso_day(0));
    let range = Signal::derive(move || DateRange {
        from: from.get(),
        to: to.get(),
    });
    let budgets = LocalResource::new(move || {
        let range = range.get();
        state.live.resyncs.track();
        async move { api::reports::fetch_budgets(range).await }
    });
    let content = move || {
        Suspend::new(async move {
            budgets.await.map(|list| {
                if list.is_empty() {
                    view! { <p class="muted">{texts().no_budgets}</p> }.into_any()
                } else {
                    list.into_iter()
                        .map(|budget| view! { <BudgetCard budget/> })
                        .collect_view()
                        .into_any()
                }
            })
        })
    };
    view! {
        <section class="budgets-page" data-testid="budgets-page">
            <h1>{move || texts().budgets_title}</h1>
            <RangePicker from to/>
            <Transition fallback=move || view! { <p class="loading">{move || state.texts().loading}</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors/> }>
                    <div class="budget-gauges">{content}</div>
                </ErrorBoundary>
            </Transition>
            <CsvExport name="budgets" range/>
            <CsvExport name="costs-by-customer" range/>
            <CsvExport name="costs-by-agent" range/>
            <CsvExport name="costs-by-month" range/>
            <HourlyCostsPanel/>
        </section>
    }
}

/// One budget: its gauge and figures.
#[component]
fn BudgetCard(budget: Budget) -> impl IntoView {
    let state = use_app_state();
    let t = state.texts().reports;
    let percent = budget
        .consumed_percent
        .as_deref()
        .and_then(|p| p.parse::<f64>().ok())
        .unwrap_or(0.0);
    let alerted = !budget.raised_thresholds.is_empty();
    let name = budget
        .customer
        .as_ref()
        .map(|c| c.display_name.clone())
        .unwrap_or_default();
    let class = if budget.exceeded {
        "panel budget budget-exceeded"
    } else if alerted {
        "panel budget budget-alert"
    } else {
        "panel budget"
    };
    let alerts = budget
        .raised_thresholds
        .iter()
        .map(|t| format!("{t} %"))
        .collect::<Vec<_>>()
        .join(", ");
    let currency = budget.currency.clone();
    let label = name.clone();
    view! {
        <article
            class=class
            data-testid="budget-gauge"
            data-customer=label
            data-exceeded=budget.exceeded.to_string()
            data-actual=budget.actual_amount.clone()
            data-planned=budget.planned_amount.clone()
        >
            <h3>{name}</h3>
            <p class="muted">{format!("{} → {}", budget.period_start, budget.period_end)}</p>
            <BudgetGauge percent exceeded=budget.exceeded alerted thresholds=budget.thresholds.clone()/>
            <dl class="budget-figures">
                <dt>{t.planned}</dt>
                <dd>{format!("{} {currency}", budget.planned_amount)}</dd>
                <dt>{t.actual}</dt>
                <dd data-testid="budget-actual">{format!("{} {currency}", budget.actual_amount)}</dd>
                <dt>{t.remaining}</dt>
                <dd>{format!("{} {currency}", budget.remaining_amount)}</dd>
                <dt>{t.projected}</dt>
                <dd>{format!("{} {currency}", budget.projected_amount)}</dd>
            </dl>
            <Show when=move || budget.exceeded>
                <p class="badge badge-danger" data-testid="budget-exceeded">{t.exceeded}</p>
            </Show>
            <Show when=move || alerted>
                <p class="budget-alerts" data-testid="budget-alerts">
                    {format!("{} : {alerts}", t.alerts_raised)}
                </p>
            </Show>
        </article>
    }
}

/// The staff's hourly costs; admins set a new one from a date.
#[component]
fn HourlyCostsPanel() -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().reports;
    let is_admin = move || {
        state.session.with(|session| {
            session
                .as_ref()
                .is_some_and(|session| session.user.role == Role::ADMIN)
        })
    };
    let version = RwSignal::new(0_u32);
    let costs = LocalResource::new(move || {
        version.track();
        api::reports::fetch_hourly_costs()
    });
    let content = move || {
        Suspend::new(async move {
            costs.await.map(|data| {
                data.agents
                    .into_iter()
                    .map(|agent| {
                        let current = data
                            .current_hourly_costs
                            .iter()
                            .find(|c| c.user.as_ref().is_some_and(|u| u.id == agent.id))
                            .cloned();
                        view! { <HourlyCostRow agent current editable=is_admin() version/> }
                    })
                    .collect_view()
            })
        })
    };
    view! {
        <section class="panel hourly-costs" data-testid="hourly-costs">
            <h2>{move || texts().hourly_costs_title}</h2>
            <p class="muted">{move || texts().hourly_costs_intro}</p>
            <Transition fallback=move || view! { <p class="loading">{move || state.texts().loading}</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors/> }>
                    <table>
                        <tbody>{content}</tbody>
                    </table>
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// One staff member's current cost and, for admins, the form to set a new one.
#[component]
fn HourlyCostRow(
    agent: Agent,
    current: Option<HourlyCost>,
    editable: bool,
    version: RwSignal<u32>,
) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().reports;
    let amount = RwSignal::new(
        current
            .as_ref()
            .map(|c| c.hourly_cost.clone())
            .unwrap_or_default(),
    );
    let date = RwSignal::new(iso_day(0));
    let user_id = agent.id.clone();
    let save = Action::new_local(move |input: &(String, String)| {
        let (cost, from) = input.clone();
        let user_id = user_id.clone();
        async move {
            api::reports::set_hourly_cost(&user_id, cost.trim(), &from).await?;
            version.update(|v| *v += 1);
            Ok::<(), ApiError>(())
        }
    });
    let pending = save.pending();
    let error = move || save.value().get().and_then(Result::err);
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        save.dispatch_local((amount.get_untracked(), date.get_untracked()));
    };
    let shown = current.as_ref().map_or_else(
        || texts().no_hourly_cost.to_owned(),
        |c| {
            format!(
                "{} {} ({} {})",
                c.hourly_cost,
                c.currency,
                texts().effective_from,
                c.effective_from
            )
        },
    );
    view! {
        <tr data-testid="hourly-cost-row" data-agent=agent.display_name.clone()>
            <th>{agent.display_name.clone()}</th>
            <td data-testid="hourly-cost-current">{shown}</td>
            <td>
                {editable.then(|| view! {
                    <form class="inline-form" on:submit=on_submit>
                        <input
                            type="text"
                            inputmode="decimal"
                            size="8"
                            aria-label=move || texts().hourly_cost
                            data-testid="hourly-cost-input"
                            prop:value=amount
                            on:input=move |event| amount.set(event_target_value(&event))
                        />
                        <input
                            type="date"
                            aria-label=move || texts().effective_from
                            data-testid="hourly-cost-date"
                            prop:value=date
                            on:input=move |event| date.set(event_target_value(&event))
                        />
                        <button type="submit" data-testid="hourly-cost-save" disabled=move || pending.get()>
                            {move || texts().set_cost}
                        </button>
                        {move || error().map(|error| view! { <ErrorMessage error/> })}
                    </form>
                })}
            </td>
        </tr>
    }
}
