//! Reports, budgets and hourly costs (admins and managers), and the CSV exports.
//!
//! Money comes as the `Decimal` scalar, a string (`"123.45"`): the app shows it as it is
//! and parses it only to size a chart.

use gloo_net::http::Request;

use crate::api::{graphql, ApiError, TicketType};
use crate::state;

operation!(
    ReportDashboard,
    "graphql/report_dashboard.graphql",
    skip_serializing_none
);
operation!(
    Budgets,
    "graphql/budgets.graphql",
    skip_serializing_none,
    response_derives = "Clone, Debug, PartialEq, Eq"
);
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
