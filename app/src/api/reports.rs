//! Reports, budgets and hourly costs (admins and managers), the budgets' live changes, and
//! the CSV exports.
//!
//! Money comes as the `Decimal` scalar, a string (`"123.45"`): the app shows it as it is
//! and parses it only to size a chart.

use gloo_net::http::Request;

use crate::api::{graphql, ApiError, PeriodKind, TicketType};
use crate::state;

operation!(
    ReportDashboard,
    "graphql/report_dashboard.graphql",
    skip_serializing_none
);
// The owner of `PeriodKind` (see `operation!`).
operation!(
    Budgets,
    "graphql/budgets.graphql",
    skip_serializing_none,
    response_derives = "Clone, Debug, PartialEq, Eq",
    extern_enums()
);
operation!(BudgetEvents, "graphql/budget_events.graphql");
operation!(
    HourlyCosts,
    "graphql/hourly_costs.graphql",
    response_derives = "Clone, Debug, PartialEq, Eq"
);
operation!(SetHourlyCost, "graphql/set_hourly_cost.graphql");

/// A date range, `YYYY-MM-DD`, both days included: the pages' filter, sent as the
/// operations' variables and as the CSV exports' query string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateRange {
    pub from: String,
    pub to: String,
}

/// Everything the reports dashboard shows.
pub type Dashboard = report_dashboard::ResponseData;
/// A budget and what was spent.
pub type Budget = budgets::BudgetsBudgets;
/// The staff and their current hourly costs.
pub type HourlyCostsData = hourly_costs::ResponseData;
/// A staff member as the hourly costs list them.
pub type Agent = hourly_costs::HourlyCostsAgents;
/// An hourly cost in force.
pub type HourlyCost = hourly_costs::HourlyCostsCurrentHourlyCosts;
/// A live event of the `budgetEvents` subscription, as it comes (see [`LiveBudgetEvent`]).
pub type BudgetEvent = budget_events::BudgetEventsBudgetEvents;
/// What happened in a live budget event.
pub type BudgetEventKind = budget_events::BudgetEventKind;

same_fields!(budget_events::BudgetEventsBudgetEventsBudgetsCustomer
    => budgets::BudgetsBudgetsCustomer { id, display_name });
same_fields!(budget_events::BudgetEventsBudgetEventsBudgets => Budget {
    id, customer map, period_kind, period_start, period_end, currency, planned_amount,
    actual_amount, remaining_amount, consumed_percent, projected_amount, exceeded,
    thresholds, raised_thresholds
});

/// A budget's spend that crossed one of its thresholds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crossing {
    /// The budget.
    pub budget_id: String,
    /// The threshold, in percent of the planned amount.
    pub threshold: i64,
}

/// What one `budgetEvents` event tells the budgets page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LiveBudgetEvent {
    /// A customer's budgets changed: `budgets` are all of theirs overlapping the
    /// subscription's range, as they now are; `crossed` when a threshold was crossed.
    Changed {
        customer_id: String,
        budgets: Vec<Budget>,
        crossed: Option<Crossing>,
    },
    /// Events were missed, or every budget may have moved: load them all again.
    Resync,
}

impl From<BudgetEvent> for LiveBudgetEvent {
    /// A `RESYNC` is one; so is an event that names no customer, or of a kind newer than
    /// the app: it cannot tell what changed, so it loads again rather than guess.
    fn from(event: BudgetEvent) -> Self {
        let crossed = match event.kind {
            BudgetEventKind::UPDATED => None,
            BudgetEventKind::THRESHOLD_CROSSED => {
                event
                    .budget_id
                    .zip(event.threshold)
                    .map(|(budget_id, threshold)| Crossing {
                        budget_id,
                        threshold,
                    })
            }
            _ => return LiveBudgetEvent::Resync,
        };
        match event.customer_id {
            Some(customer_id) => LiveBudgetEvent::Changed {
                customer_id,
                budgets: event.budgets.into_iter().map(Into::into).collect(),
                crossed,
            },
            None => LiveBudgetEvent::Resync,
        }
    }
}

/// The `budgetEvents` subscription's variables: the budgets overlapping `range`, as
/// [`fetch_budgets`] loads them.
pub fn budget_events_variables(range: DateRange) -> budget_events::Variables {
    budget_events::Variables {
        from: Some(range.from),
        to: Some(range.to),
    }
}

same_fields!(set_hourly_cost::SetHourlyCostSetHourlyCostUser
    => hourly_costs::HourlyCostsCurrentHourlyCostsUser { id });
same_fields!(set_hourly_cost::SetHourlyCostSetHourlyCost => HourlyCost {
    hourly_cost, currency, effective_from, user map
});

/// The dashboard's figures over `range` (`report_dashboard.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for agents and customers, or any [`ApiError`] of the call.
pub async fn fetch_report_dashboard(range: DateRange) -> Result<Dashboard, ApiError> {
    let filter = report_dashboard::ReportFilterInput {
        from: range.from,
        to: range.to,
        agent_id: None,
        department_id: None,
        ticket_type: None,
    };
    graphql::<ReportDashboard>(report_dashboard::Variables { filter }).await
}

/// The budgets overlapping `range` (`budgets.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for agents and customers, or any [`ApiError`] of the call.
pub async fn fetch_budgets(range: DateRange) -> Result<Vec<Budget>, ApiError> {
    let variables = budgets::Variables {
        from: Some(range.from),
        to: Some(range.to),
    };
    Ok(graphql::<Budgets>(variables).await?.budgets)
}

/// The staff and their hourly costs (`hourly_costs.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for agents and customers, or any [`ApiError`] of the call.
pub async fn fetch_hourly_costs() -> Result<HourlyCostsData, ApiError> {
    graphql::<HourlyCosts>(hourly_costs::Variables).await
}

/// Sets an hourly cost from a date on (`set_hourly_cost.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for non-admins, `BAD_USER_INPUT` for an amount the server refuses, or any
/// [`ApiError`] of the call.
pub async fn set_hourly_cost(
    user_id: &str,
    hourly_cost: &str,
    effective_from: &str,
) -> Result<HourlyCost, ApiError> {
    let variables = set_hourly_cost::Variables {
        user_id: user_id.to_owned(),
        hourly_cost: hourly_cost.to_owned(),
        effective_from: effective_from.to_owned(),
    };
    let data = graphql::<SetHourlyCost>(variables).await?;
    Ok(data.set_hourly_cost.into())
}

/// Downloads the CSV export `name` over `range` with the session's bearer token, and
/// returns it as a `data:` URL for a download link.
///
/// # Errors
///
/// [`ApiError`] with the HTTP status when the server refuses, or a network error.
pub async fn fetch_csv_url(name: &str, range: &DateRange) -> Result<String, ApiError> {
    let path = format!("/reports/{name}.csv?from={}&to={}", range.from, range.to);
    fetch_data_url(&path, "text/csv").await
}

/// Fetches `path` with the session's token and returns its body as a `data:` URL of type
/// `mime`, for a download link (a plain link could not send the token).
///
/// # Errors
///
/// `UNAUTHENTICATED`, `FORBIDDEN`, `NOT_FOUND`, `BAD_USER_INPUT` from the status, or a
/// network error.
pub async fn fetch_data_url(path: &str, mime: &str) -> Result<String, ApiError> {
    let mut request = Request::get(path);
    if let Some(token) = state::stored_token() {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let response = request.send().await.map_err(ApiError::network)?;
    let status = response.status();
    let text = response.text().await.map_err(ApiError::network)?;
    if !(200..300).contains(&status) {
        let code = match status {
            401 => "UNAUTHENTICATED",
            403 => "FORBIDDEN",
            404 => "NOT_FOUND",
            400 => "BAD_USER_INPUT",
            _ => "INTERNAL",
        };
        return Err(ApiError::new(code, text));
    }
    let encoded: String = js_sys::encode_uri_component(&text).into();
    Ok(format!("data:{mime};charset=utf-8,{encoded}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(value: serde_json::Value) -> LiveBudgetEvent {
        serde_json::from_value::<BudgetEvent>(value).unwrap().into()
    }

    fn budget(id: &str) -> serde_json::Value {
        json!({
            "id": id, "customer": {"id": "3", "displayName": "Jean Dupont"},
            "periodKind": "MONTH", "periodStart": "2026-03-01", "periodEnd": "2026-03-31",
            "currency": "EUR", "plannedAmount": "100.00", "actualAmount": "55.00",
            "remainingAmount": "45.00", "consumedPercent": "55.00", "projectedAmount": "90.00",
            "exceeded": false, "thresholds": [50, 100], "raisedThresholds": [50]
        })
    }

    #[test]
    fn a_crossing_names_its_budget_and_threshold() {
        let crossed = event(json!({
            "kind": "THRESHOLD_CROSSED", "customerId": "3", "budgetId": "9", "threshold": 50,
            "budgets": [budget("9")]
        }));
        let LiveBudgetEvent::Changed {
            customer_id,
            budgets,
            crossed,
        } = crossed
        else {
            panic!("a crossing is a change");
        };
        assert_eq!(customer_id, "3");
        assert_eq!(budgets.len(), 1);
        assert_eq!(budgets[0].actual_amount, "55.00");
        assert_eq!(budgets[0].period_kind, PeriodKind::MONTH);
        assert_eq!(
            budgets[0]
                .customer
                .as_ref()
                .map(|c| c.display_name.as_str()),
            Some("Jean Dupont")
        );
        assert_eq!(
            crossed,
            Some(Crossing {
                budget_id: "9".into(),
                threshold: 50
            })
        );
    }

    #[test]
    fn an_update_crosses_nothing_and_a_resync_loads_again() {
        let updated = event(json!({
            "kind": "UPDATED", "customerId": "3", "budgetId": null, "threshold": null,
            "budgets": []
        }));
        assert_eq!(
            updated,
            LiveBudgetEvent::Changed {
                customer_id: "3".into(),
                budgets: Vec::new(),
                crossed: None
            }
        );
        for kind in ["RESYNC", "SOMETHING_NEW"] {
            let resync = event(json!({
                "kind": kind, "customerId": null, "budgetId": null, "threshold": null,
                "budgets": []
            }));
            assert_eq!(resync, LiveBudgetEvent::Resync);
        }
    }
}
