//! Reports, budgets and hourly costs (admins and managers), and the CSV exports.
//!
//! Money comes as the `Decimal` scalar, a string (`"123.45"`): the app shows it as it is
//! and parses it only to size a chart.

use gloo_net::http::Request;
use serde::{Deserialize, Serialize};

use crate::api::tickets::PersonRef;
use crate::api::{graphql, ApiError, NoVariables};
use crate::state;

const REPORT_DASHBOARD: &str = include_str!("../../graphql/report_dashboard.graphql");
const BUDGETS: &str = include_str!("../../graphql/budgets.graphql");
const HOURLY_COSTS: &str = include_str!("../../graphql/hourly_costs.graphql");
const SET_HOURLY_COST: &str = include_str!("../../graphql/set_hourly_cost.graphql");

/// A date range, `YYYY-MM-DD`, both days included.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DateRange {
    pub from: String,
    pub to: String,
}

/// Deadlines of one kind met.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct SlaCompliance {
    pub total: i64,
    pub met: i64,
    pub percent: Option<f64>,
}

/// Response and resolution figures.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketTimes {
    pub tickets: i64,
    pub responded: i64,
    pub mean_first_response_seconds: Option<f64>,
    pub resolved: i64,
    pub mean_resolution_seconds: Option<f64>,
    pub response_sla: SlaCompliance,
    pub resolution_sla: SlaCompliance,
}

/// Tickets opened and closed in a week.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WeekCounts {
    pub week_start: String,
    pub opened: i64,
    pub closed: i64,
}

/// Open tickets at the end of a day.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct BacklogPoint {
    pub date: String,
    pub open: i64,
}

/// Lead conversion.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct LeadConversion {
    pub leads: i64,
    pub converted: i64,
    pub percent: Option<f64>,
}

/// One agent's ratings.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct AgentSatisfaction {
    pub agent: Option<PersonRef>,
    pub ratings: i64,
    pub mean: f64,
    /// Counts of 1 to 5 stars.
    pub distribution: Vec<i64>,
}

/// A rated ticket with a comment.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RatedTicket {
    pub id: String,
    pub number: String,
    pub subject: String,
    pub satisfaction_rating: Option<i32>,
    pub satisfaction_comment: Option<String>,
    pub rated_at: Option<String>,
}

/// Everything the reports dashboard shows.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportDashboard {
    pub ticket_times_report: TicketTimes,
    pub tickets_per_week: Vec<WeekCounts>,
    pub backlog_report: Vec<BacklogPoint>,
    pub lead_conversion_report: LeadConversion,
    pub satisfaction_report: Vec<AgentSatisfaction>,
    pub satisfaction_comments: Vec<RatedTicket>,
}

/// A customer as a budget names it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BudgetCustomer {
    pub id: String,
    pub display_name: String,
}

/// A budget and what was spent.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Budget {
    pub id: String,
    pub customer: Option<BudgetCustomer>,
    pub period_kind: String,
    pub period_start: String,
    pub period_end: String,
    pub currency: String,
    pub planned_amount: String,
    pub actual_amount: String,
    pub remaining_amount: String,
    pub consumed_percent: Option<String>,
    pub projected_amount: String,
    pub exceeded: bool,
    pub thresholds: Vec<i32>,
    pub raised_thresholds: Vec<i32>,
}

/// The id of a user.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct UserId {
    pub id: String,
}

/// An hourly cost in force.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HourlyCost {
    pub hourly_cost: String,
    pub currency: String,
    pub effective_from: String,
    pub user: Option<UserId>,
}

/// The staff and their current hourly costs.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HourlyCosts {
    pub agents: Vec<PersonRef>,
    pub current_hourly_costs: Vec<HourlyCost>,
}

#[derive(Serialize)]
struct FilterVariables<'a> {
    filter: &'a DateRange,
}

#[derive(Deserialize)]
struct BudgetsData {
    budgets: Vec<Budget>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SetHourlyCostVariables<'a> {
    user_id: &'a str,
    hourly_cost: &'a str,
    effective_from: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SetHourlyCostData {
    set_hourly_cost: HourlyCost,
}

/// The dashboard's figures over `range` (`report_dashboard.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for agents and customers, or any [`ApiError`] of the call.
pub async fn fetch_report_dashboard(range: DateRange) -> Result<ReportDashboard, ApiError> {
    graphql(REPORT_DASHBOARD, FilterVariables { filter: &range }).await
}

/// The budgets overlapping `range` (`budgets.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for agents and customers, or any [`ApiError`] of the call.
pub async fn fetch_budgets(range: DateRange) -> Result<Vec<Budget>, ApiError> {
    let data: BudgetsData = graphql(BUDGETS, &range).await?;
    Ok(data.budgets)
}

/// The staff and their hourly costs (`hourly_costs.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for agents and customers, or any [`ApiError`] of the call.
pub async fn fetch_hourly_costs() -> Result<HourlyCosts, ApiError> {
    graphql(HOURLY_COSTS, NoVariables {}).await
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
    let variables = SetHourlyCostVariables {
        user_id,
        hourly_cost,
        effective_from,
    };
    let data: SetHourlyCostData = graphql(SET_HOURLY_COST, variables).await?;
    Ok(data.set_hourly_cost)
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
