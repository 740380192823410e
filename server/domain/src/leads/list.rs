//! The lead listing and the pipeline (counts and values per stage).

use entity::enums::{LeadStage, LeadStatus};
use entity::lead;
use rust_decimal::Decimal;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Statement,
};

use super::STAGES;
use crate::actor::Actor;
use crate::error::DomainResult;
use crate::permissions::Permission;
use crate::Services;

/// The filters of the lead listing.
#[derive(Debug, Clone, Default)]
pub struct LeadFilter {
    /// In one of these stages.
    pub stages: Vec<LeadStage>,
    /// In one of these statuses.
    pub statuses: Vec<LeadStatus>,
    /// Of this customer.
    pub customer_id: Option<i64>,
    /// Assigned to this user.
    pub assignee_id: Option<i64>,
}

/// Leads of the tenant, newest first; at most 200.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers.
pub async fn list_leads(
    svc: &Services,
    actor: &Actor,
    filter: LeadFilter,
) -> DomainResult<Vec<lead::Model>> {
    actor.require(Permission::ViewCrm)?;
    let mut query = lead::Entity::find().filter(lead::Column::TenantId.eq(actor.tenant_id));
    if !filter.stages.is_empty() {
        query = query.filter(lead::Column::Stage.is_in(filter.stages));
    }
    if !filter.statuses.is_empty() {
        query = query.filter(lead::Column::Status.is_in(filter.statuses));
    }
    if let Some(id) = filter.customer_id {
        query = query.filter(lead::Column::CustomerId.eq(id));
    }
    if let Some(id) = filter.assignee_id {
        query = query.filter(lead::Column::AssigneeId.eq(id));
    }
    Ok(query
        .order_by_desc(lead::Column::UpdatedAt)
        .order_by_desc(lead::Column::Id)
        .limit(200)
        .all(&svc.db)
        .await?)
}

/// One column of the pipeline board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineStage {
    /// The stage.
    pub stage: LeadStage,
    /// Number of leads in it.
    pub count: i64,
    /// Sum of their values.
    pub total_value: Decimal,
    /// Sum of value × probability / 100.
    pub weighted_value: Decimal,
}

/// The pipeline: per stage, the number of leads, their total value and their weighted
/// value, aggregated by the database, exactly.
///
/// Amounts are summed as integers of 1/10 000 (the columns' scale): on SQLite the money
/// columns are REAL, and summing floats would drift; `ROUND(x * 10000)` recovers the exact
/// amount each row was written with. Weighted sums are in 1/1 000 000 (× a percentage).
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers.
pub async fn pipeline(svc: &Services, actor: &Actor) -> DomainResult<Vec<PipelineStage>> {
    actor.require(Permission::ViewCrm)?;
    let backend = svc.db.get_database_backend();
    let placeholder = if backend == DbBackend::Postgres {
        "$1"
    } else {
        "?"
    };
    let sql = format!(
        "SELECT stage, COUNT(*) AS n, \
           CAST(COALESCE(SUM(CAST(ROUND(opportunity_value * 10000) AS BIGINT)), 0) AS BIGINT) AS total_units, \
           CAST(COALESCE(SUM(CAST(ROUND(opportunity_value * 10000) AS BIGINT) \
             * COALESCE(conversion_probability, 0)), 0) AS BIGINT) AS weighted_units \
         FROM leads WHERE tenant_id = {placeholder} GROUP BY stage"
    );
    let rows = svc
        .db
        .query_all(Statement::from_sql_and_values(
            backend,
            sql,
            [actor.tenant_id.into()],
        ))
        .await?;
    let mut stages: Vec<PipelineStage> = STAGES
        .iter()
        .map(|stage| PipelineStage {
            stage: *stage,
            count: 0,
            total_value: Decimal::ZERO,
            weighted_value: Decimal::ZERO,
        })
        .collect();
    for row in rows {
        let stage: String = row.try_get("", "stage")?;
        let Ok(stage) = stage.parse::<LeadStage>() else {
            continue;
        };
        let Some(column) = stages.iter_mut().find(|s| s.stage == stage) else {
            continue;
        };
        column.count = row.try_get("", "n")?;
        column.total_value = Decimal::new(row.try_get("", "total_units")?, 4).normalize();
        column.weighted_value = Decimal::new(row.try_get("", "weighted_units")?, 6).normalize();
    }
    Ok(stages)
}
