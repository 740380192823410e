//! `GET /reports/{name}.csv?from=YYYY-MM-DD&to=YYYY-MM-DD[&agentId=&departmentId=&ticketType=]`:
//! every report as CSV, for a bearer credential of an admin or manager (as `/attachments`).
//!
//! Names: `ticket-times`, `satisfaction`, `tickets-per-week`, `backlog`, `lead-conversion`,
//! `budgets`, and `costs-by-{ticket,customer,agent,week,month,quarter,year}`. The rows come
//! from the same domain functions as the GraphQL queries.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use entity::enums::TicketType;
use entity::{customer, user};

use super::bearer;
use crate::domain::auth::authenticate;
use crate::domain::costs::budgets;
use crate::domain::costs::reports::{self, ReportFilter};
use crate::domain::costs::{cost_report, CostFilter, CostGrouping};
use crate::domain::customers::display_name;
use crate::domain::scope::{find_many_in_tenant, find_visible_tickets};
use crate::domain::{Actor, DomainError, DomainResult, Services};
use crate::state::AppState;

/// The query string of a CSV export.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CsvQuery {
    from: NaiveDate,
    to: NaiveDate,
    agent_id: Option<i64>,
    department_id: Option<i64>,
    ticket_type: Option<String>,
}

/// Serves one report as CSV.
pub(crate) async fn report_csv(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(query): Query<CsvQuery>,
    headers: HeaderMap,
) -> Response {
    let svc = &state.services;
    let result = match bearer(&headers) {
        Some(credential) => match authenticate(svc, &state.keys, credential).await {
            Ok(actor) => build_csv(svc, &actor, &file, &query).await,
            Err(e) => Err(e),
        },
        None => Err(DomainError::Unauthenticated("sign in first".into())),
    };
    match result {
        Ok(body) => {
            let disposition = format!("attachment; filename=\"{file}\"");
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (header::CONTENT_DISPOSITION, disposition),
                    (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
                    (header::CACHE_CONTROL, "private, no-store".to_owned()),
                ],
                body,
            )
                .into_response()
        }
        Err(DomainError::Unauthenticated(reason)) => {
            (StatusCode::UNAUTHORIZED, reason).into_response()
        }
        Err(DomainError::Forbidden(reason)) => (StatusCode::FORBIDDEN, reason).into_response(),
        Err(DomainError::NotFound(_)) => (StatusCode::NOT_FOUND, "no such report").into_response(),
        Err(DomainError::Validation { message, .. }) => {
            (StatusCode::BAD_REQUEST, message).into_response()
        }
        Err(other) => {
            tracing::error!(error = %crate::domain::error::Chain(&other), "CSV export failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

fn csv_error(err: impl std::fmt::Display) -> DomainError {
    DomainError::internal_from("cannot write CSV", err.to_string())
}

/// A cell a spreadsheet will not run as a formula (OWASP's CSV injection): text starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`; numbers (a
/// negative remainder) stay numbers.
fn neutralise(cell: String) -> String {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.parse::<f64>().is_err() {
        format!("'{cell}")
    } else {
        cell
    }
}

/// Writes `rows` under `head` as CSV text, every cell neutralised.
fn write_csv(head: &[&str], rows: Vec<Vec<String>>) -> DomainResult<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(head).map_err(csv_error)?;
    for row in rows {
        writer
            .write_record(row.into_iter().map(neutralise))
            .map_err(csv_error)?;
    }
    let bytes = writer.into_inner().map_err(csv_error)?;
    String::from_utf8(bytes).map_err(csv_error)
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

async fn user_names(
    svc: &Services,
    actor: &Actor,
    ids: impl Iterator<Item = i64>,
) -> DomainResult<HashMap<i64, String>> {
    Ok(
        find_many_in_tenant::<user::Entity>(&svc.db, actor.tenant_id, ids)
            .await?
            .into_iter()
            .map(|(id, u)| (id, u.display_name))
            .collect(),
    )
}

async fn build_csv(
    svc: &Services,
    actor: &Actor,
    file: &str,
    query: &CsvQuery,
) -> DomainResult<String> {
    let name = file
        .strip_suffix(".csv")
        .ok_or(DomainError::NotFound("report"))?;
    let ticket_type = query
        .ticket_type
        .as_deref()
        .map(|t| t.to_ascii_lowercase().parse::<TicketType>())
        .transpose()
        .map_err(|_| DomainError::validation("ticketType", "unknown ticket type"))?;
    let filter = ReportFilter {
        from: query.from,
        to: query.to,
        agent_id: query.agent_id,
        department_id: query.department_id,
        ticket_type,
    };
    match name {
        "ticket-times" => {
            let t = reports::ticket_times(svc, actor, &filter).await?;
            write_csv(
                &[
                    "tickets",
                    "responded",
                    "mean_first_response_seconds",
                    "resolved",
                    "mean_resolution_seconds",
                    "response_sla_total",
                    "response_sla_met",
                    "resolution_sla_total",
                    "resolution_sla_met",
                ],
                vec![vec![
                    t.tickets.to_string(),
                    t.responded.to_string(),
                    opt(t.mean_first_response_seconds),
                    t.resolved.to_string(),
                    opt(t.mean_resolution_seconds),
                    t.response_sla_total.to_string(),
                    t.response_sla_met.to_string(),
                    t.resolution_sla_total.to_string(),
                    t.resolution_sla_met.to_string(),
                ]],
            )
        }
        "satisfaction" => {
            let lines = reports::satisfaction_by_agent(svc, actor, &filter).await?;
            let names = user_names(svc, actor, lines.iter().filter_map(|l| l.agent_id)).await?;
            let rows = lines
                .iter()
                .map(|l| {
                    let mut row = vec![
                        opt(l.agent_id),
                        l.agent_id
                            .and_then(|id| names.get(&id).cloned())
                            .unwrap_or_default(),
                        l.ratings.to_string(),
                        format!("{:.2}", l.mean),
                    ];
                    row.extend(l.distribution.iter().map(ToString::to_string));
                    row
                })
                .collect();
            write_csv(
                &[
                    "agent_id", "agent", "ratings", "mean", "stars_1", "stars_2", "stars_3",
                    "stars_4", "stars_5",
                ],
                rows,
            )
        }
        "tickets-per-week" => {
            let weeks = reports::tickets_per_week(svc, actor, &filter).await?;
            let rows = weeks
                .iter()
                .map(|w| {
                    vec![
                        w.week_start.to_string(),
                        w.opened.to_string(),
                        w.closed.to_string(),
                    ]
                })
                .collect();
            write_csv(&["week_start", "opened", "closed"], rows)
        }
        "backlog" => {
            let points = reports::backlog(svc, actor, &filter).await?;
            let rows = points
                .iter()
                .map(|(d, n)| vec![d.to_string(), n.to_string()])
                .collect();
            write_csv(&["date", "open"], rows)
        }
        "lead-conversion" => {
            let l = reports::lead_conversion(svc, actor, &filter).await?;
            write_csv(
                &["leads", "converted"],
                vec![vec![l.leads.to_string(), l.converted.to_string()]],
            )
        }
        "budgets" => {
            let list =
                budgets::list_budgets(svc, actor, None, Some(filter.from), Some(filter.to)).await?;
            let customers: HashMap<i64, String> = find_many_in_tenant::<customer::Entity>(
                &svc.db,
                actor.tenant_id,
                list.iter().map(|b| b.budget.customer_id),
            )
            .await?
            .iter()
            .map(|(id, c)| (*id, display_name(c)))
            .collect();
            let rows = list
                .iter()
                .map(|b| {
                    vec![
                        b.budget.id.to_string(),
                        b.budget.customer_id.to_string(),
                        customers
                            .get(&b.budget.customer_id)
                            .cloned()
                            .unwrap_or_default(),
                        b.budget.period_kind.as_str().to_owned(),
                        b.budget.period_start.to_string(),
                        b.budget.period_end.to_string(),
                        b.budget.currency.clone(),
                        b.planned.to_string(),
                        b.actual.to_string(),
                        b.remaining.to_string(),
                        b.projected.to_string(),
                        b.exceeded().to_string(),
                    ]
                })
                .collect();
            write_csv(
                &[
                    "budget_id",
                    "customer_id",
                    "customer",
                    "period_kind",
                    "period_start",
                    "period_end",
                    "currency",
                    "planned",
                    "actual",
                    "remaining",
                    "projected",
                    "exceeded",
                ],
                rows,
            )
        }
        other => {
            let grouping = match other.strip_prefix("costs-by-") {
                Some("ticket") => CostGrouping::Ticket,
                Some("customer") => CostGrouping::Customer,
                Some("agent") => CostGrouping::Agent,
                Some("week") => CostGrouping::Week,
                Some("month") => CostGrouping::Month,
                Some("quarter") => CostGrouping::Quarter,
                Some("year") => CostGrouping::Year,
                _ => return Err(DomainError::NotFound("report")),
            };
            let cost_filter = CostFilter {
                from: Some(filter.from),
                to: Some(filter.to),
                user_id: filter.agent_id,
                ..CostFilter::default()
            };
            let lines = cost_report(svc, actor, grouping, &cost_filter).await?;
            let ids = lines.iter().filter_map(|l| l.id);
            let labels: HashMap<i64, String> = match grouping {
                CostGrouping::Ticket => find_visible_tickets(&svc.db, actor, ids)
                    .await?
                    .into_iter()
                    .map(|(id, t)| (id, t.number))
                    .collect(),
                CostGrouping::Customer => {
                    find_many_in_tenant::<customer::Entity>(&svc.db, actor.tenant_id, ids)
                        .await?
                        .iter()
                        .map(|(id, c)| (*id, display_name(c)))
                        .collect()
                }
                CostGrouping::Agent => user_names(svc, actor, ids).await?,
                _ => HashMap::new(),
            };
            let rows = lines
                .iter()
                .map(|l| {
                    let key = l
                        .period_start
                        .map(|d| d.to_string())
                        .or_else(|| l.id.map(|id| id.to_string()))
                        .unwrap_or_default();
                    let label =
                        l.id.and_then(|id| labels.get(&id).cloned())
                            .unwrap_or_default();
                    vec![key, label, l.minutes.to_string(), l.amount.to_string()]
                })
                .collect();
            write_csv(&["key", "label", "minutes", "amount"], rows)
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::neutralise;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// No cell a spreadsheet would run as a formula leaves unneutralised.
        #[test]
        fn no_cell_starts_a_formula(cell in any::<String>()) {
            let written = neutralise(cell.clone());
            let first = written.chars().next();
            let is_number = cell.parse::<f64>().is_ok();
            prop_assert!(
                is_number || !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')),
                "{written:?}"
            );
            prop_assert!(written.ends_with(cell.as_str()));
        }
    }

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        for (cell, written) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+33 6 12", "'+33 6 12"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
            ("\tx", "'\tx"),
            ("-13.46", "-13.46"),
            ("Marie Curie", "Marie Curie"),
        ] {
            assert_eq!(neutralise(cell.to_owned()), written);
        }
    }
}
