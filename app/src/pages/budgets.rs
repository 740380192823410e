//! `/budgets`: a gauge per customer budget (cost versus planned, alerts highlighted) and the
//! agents' hourly costs, which admins edit here.
//!
//! The gauges are live, through the `budgetEvents` subscription over the page's range
//! (subscribed again when the range changes; admins and managers only, as the page): time
//! logged on a customer's tickets replaces that customer's gauges in place with their
//! budgets as the event brings them, and a threshold crossed is also told in a polite live
//! region and highlights its gauge. The list loads again on the subscription's `RESYNC`
//! (missed events, or a new hourly cost that moves every budget) and on a resync of the
//! tab's live feed (a reconnection).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::reports::{budget_events_variables, BudgetEvents, Crossing, LiveBudgetEvent};
use crate::api::reports::{Agent, Budget, DateRange, HourlyCost};
use crate::api::Role;
use crate::api::{self, ApiError};
use crate::components::charts::BudgetGauge;
use crate::components::error_view::{ErrorList, ErrorMessage};
use crate::pages::reports::{iso_day, range_from_query, CsvExport, RangePicker};
use crate::state::use_app_state;

/// How many threshold notices stay on the page; older ones make way.
const MAX_NOTICES: usize = 5;

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

/// The order in which the server lists budgets: period start, customer, id (ids are
/// numbers, compared as such).
fn budget_order(budget: &Budget) -> (String, i64, i64) {
    let number = |id: &str| id.parse::<i64>().unwrap_or(i64::MAX);
    (
        budget.period_start.clone(),
        budget
            .customer
            .as_ref()
            .map_or(i64::MAX, |customer| number(&customer.id)),
        number(&budget.id),
    )
}

/// Replaces the budgets of customer `customer_id` in `list` by `fresh` (all of theirs in
/// the range, as they now are): changed ones in place, new ones where the server would
/// list them, those gone removed; other customers' budgets are left alone.
fn replace_customer_budgets(list: &mut Vec<Budget>, customer_id: &str, fresh: Vec<Budget>) {
    let of_customer = |budget: &Budget| {
        budget
            .customer
            .as_ref()
            .is_some_and(|c| c.id == customer_id)
    };
    list.retain(|budget| !of_customer(budget) && !fresh.iter().any(|f| f.id == budget.id));
    list.extend(fresh);
    list.sort_by_cached_key(budget_order);
}

/// A threshold crossed while the page was open, as its notice tells it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Notice {
    /// Distinct among the notices shown, for their keys.
    id: u64,
    customer: String,
    threshold: i64,
}

/// Budgets of the chosen range (last month and this one by default, or the address's
/// `from` and `to`), live, then hourly costs.
#[component]
pub fn BudgetsPage() -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().reports;
    let (from, to) = range_from_query(previous_month_start(), iso_day(0));
    let range = Signal::derive(move || DateRange {
        from: from.get(),
        to: to.get(),
    });
    // Bumped by the subscription's `RESYNC`: the whole list loads again.
    let reload = RwSignal::new(0_u32);
    let budgets = LocalResource::new(move || {
        let range = range.get();
        reload.track();
        state.live.resyncs.track();
        async move { api::reports::fetch_budgets(range).await }
    });
    // The gauges shown: the list as last loaded, each customer's budgets then replaced by
    // their live events.
    let shown = RwSignal::new(Vec::<Budget>::new());
    // The budgets whose threshold was crossed while the page was open, highlighted.
    let crossed = RwSignal::new(Vec::<String>::new());
    let notices = RwSignal::new(Vec::<Notice>::new());

    // Each write is a `try_`: an event may be on its way while the page goes.
    let on_event = move |event: LiveBudgetEvent| match event {
        LiveBudgetEvent::Changed {
            customer_id,
            budgets,
            crossed: crossing,
        } => {
            if let Some(Crossing {
                budget_id,
                threshold,
            }) = crossing
            {
                let name_in = |list: &[Budget]| {
                    list.iter()
                        .find(|budget| budget.id == budget_id)
                        .and_then(|budget| budget.customer.as_ref())
                        .map(|customer| customer.display_name.clone())
                };
                let customer = name_in(&budgets)
                    .or_else(|| shown.try_with_untracked(|list| name_in(list)).flatten())
                    .unwrap_or_default();
                let _ = notices.try_update(|notices| {
                    let id = notices.last().map_or(0, |last| last.id + 1);
                    notices.push(Notice {
                        id,
                        customer,
                        threshold,
                    });
                    let extra = notices.len().saturating_sub(MAX_NOTICES);
                    notices.drain(..extra);
                });
                let _ = crossed.try_update(|crossed| {
                    if !crossed.contains(&budget_id) {
                        crossed.push(budget_id);
                    }
                });
            }
            let _ = shown.try_update(|list| replace_customer_budgets(list, &customer_id, budgets));
        }
        LiveBudgetEvent::Resync => {
            let _ = reload.try_update(|n| *n += 1);
        }
    };
    // Admins and managers only: the server refuses the subscription to others.
    let supervisor = Memo::new(move |_| {
        state.session.with(|session| {
            session
                .as_ref()
                .is_some_and(|session| matches!(session.user.role, Role::ADMIN | Role::MANAGER))
        })
    });
    let subscribed_range = Memo::new(move |_| range.get());
    // Subscribed over the page's range, again whenever it changes (the effect's cleanup
    // ends the previous subscription).
    Effect::new(move |_| {
        let range = subscribed_range.get();
        if supervisor.get() {
            state
                .live
                .subscribe::<BudgetEvents>(budget_events_variables(range), move |data| {
                    on_event(data.budget_events.into())
                });
        }
    });

    let content = move || {
        Suspend::new(async move {
            let list = budgets.await?;
            shown.set(list);
            Ok::<_, ApiError>(view! { <BudgetGauges shown crossed/> })
        })
    };
    view! {
        <section class="budgets-page" data-testid="budgets-page">
            <h1>{move || texts().budgets_title}</h1>
            <RangePicker from to/>
            <ThresholdNotices notices/>
            <Transition fallback=move || view! { <p class="loading">{move || state.texts().loading}</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors/> }>
                    {content}
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

/// The polite live region telling the thresholds crossed while the page is open; it is
/// always there, so that screen readers announce what comes into it.
#[component]
fn ThresholdNotices(notices: RwSignal<Vec<Notice>>) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().reports;
    view! {
        <div
            class="budget-notices"
            role="status"
            aria-live="polite"
            aria-label=move || texts().threshold_notices
            data-testid="budget-notices"
        >
            <For
                each=move || notices.get()
                key=|notice| notice.id
                children=move |notice| {
                    let Notice { id, customer, threshold } = notice;
                    let label = customer.clone();
                    view! {
                        <p
                            class="budget-notice"
                            data-testid="budget-notice"
                            data-customer=label
                            data-threshold=threshold.to_string()
                        >
                            <span>{move || texts().threshold_notice(&customer, threshold)}</span>
                            <button
                                type="button"
                                class="link"
                                title=move || texts().dismiss_notice
                                aria-label=move || texts().dismiss_notice
                                on:click=move |_| notices.update(|n| n.retain(|notice| notice.id != id))
                            >
                                "×"
                            </button>
                        </p>
                    }
                }
            />
        </div>
    }
}

/// The gauges of `shown`, each following its budget as live events replace it.
#[component]
fn BudgetGauges(shown: RwSignal<Vec<Budget>>, crossed: RwSignal<Vec<String>>) -> impl IntoView {
    let state = use_app_state();
    let empty = move || shown.with(Vec::is_empty);
    view! {
        <Show when=empty>
            <p class="muted">{move || state.texts().reports.no_budgets}</p>
        </Show>
        <div class="budget-gauges">
            <For
                each=move || shown.get()
                key=|budget| budget.id.clone()
                children=move |budget| {
                    let id = budget.id;
                    let current = {
                        let id = id.clone();
                        Memo::new(move |_| {
                            shown.with(|list| list.iter().find(|b| b.id == id).cloned())
                        })
                    };
                    let highlighted = Signal::derive(move || crossed.with(|c| c.contains(&id)));
                    move || current.get().map(|budget| view! { <BudgetCard budget highlighted/> })
                }
            />
        </div>
    }
}

/// One budget: its gauge and figures; `highlighted` once a threshold was crossed live.
#[component]
fn BudgetCard(budget: Budget, highlighted: Signal<bool>) -> impl IntoView {
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
            class:budget-crossed=move || highlighted.get()
            data-crossed=move || highlighted.get().to_string()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(id: &str, customer: &str, start: &str, actual: &str) -> Budget {
        serde_json::from_value(serde_json::json!({
            "id": id, "customer": {"id": customer, "displayName": format!("Customer {customer}")},
            "periodKind": "MONTH", "periodStart": start, "periodEnd": start,
            "currency": "EUR", "plannedAmount": "100.00", "actualAmount": actual,
            "remainingAmount": "0.00", "consumedPercent": null, "projectedAmount": "0.00",
            "exceeded": false, "thresholds": [80], "raisedThresholds": []
        }))
        .unwrap()
    }

    fn ids(list: &[Budget]) -> Vec<&str> {
        list.iter().map(|budget| budget.id.as_str()).collect()
    }

    #[test]
    fn a_customers_budgets_are_replaced_in_place() {
        let mut list = vec![
            budget("1", "3", "2026-02-01", "10.00"),
            budget("2", "10", "2026-02-01", "0.00"),
            budget("4", "3", "2026-03-01", "0.00"),
            budget("5", "10", "2026-03-01", "0.00"),
        ];
        // Customer 3's March budget moved, February's left the range, a new one came.
        replace_customer_budgets(
            &mut list,
            "3",
            vec![
                budget("4", "3", "2026-03-01", "55.00"),
                budget("9", "3", "2026-01-01", "0.00"),
            ],
        );
        assert_eq!(ids(&list), ["9", "2", "4", "5"]);
        assert_eq!(list[2].actual_amount, "55.00");
        // Nothing left for a customer: their gauges go, the others stay.
        replace_customer_budgets(&mut list, "10", Vec::new());
        assert_eq!(ids(&list), ["9", "4"]);
    }
}
