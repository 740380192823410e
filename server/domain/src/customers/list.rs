//! The customer listing (filters, sort orders) and the quick search.

use chrono::Duration;
use entity::enums::CustomerSegment;
use entity::{customer, customer_activity, customer_tag};
use sea_orm::sea_query::{Expr, Func, LikeExpr, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::normalize_tag;
use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::permissions::Permission;
use crate::Services;

/// Largest page of customers a listing returns.
pub const MAX_CUSTOMERS: u64 = 100;

/// The filters of the customer listing: seed 002's example queries and the card's search.
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    /// Name, company, e-mail or phone contains this.
    pub search: Option<String>,
    /// In one of these segments.
    pub segments: Vec<CustomerSegment>,
    /// More than this many orders.
    pub min_orders: Option<i32>,
    /// At least one activity in the last this many days.
    pub active_within_days: Option<i64>,
    /// No contact for this many days (or never).
    pub no_contact_for_days: Option<i64>,
    /// Has this tag.
    pub tag: Option<String>,
    /// Archived customers too.
    pub include_archived: bool,
}

/// The order of the customer listing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CustomerOrder {
    /// By last name, first name.
    #[default]
    Name,
    /// Highest total revenue first.
    RevenueDesc,
    /// Newest first.
    CreatedDesc,
    /// Most activities first, within `active_within_days` if given (else all time).
    ActivitiesDesc,
}

pub(super) fn days(field: &'static str, n: i64) -> DomainResult<Duration> {
    if (0..=36_500).contains(&n) {
        Ok(Duration::days(n))
    } else {
        Err(DomainError::validation(
            field,
            "a number of days is between 0 and 36500",
        ))
    }
}

/// Customers of the tenant matching `filter`, in `order`; at most `limit`.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::Validation`] for a bad number
/// of days.
pub async fn list_customers(
    svc: &Services,
    actor: &Actor,
    filter: CustomerFilter,
    order: CustomerOrder,
    limit: u64,
) -> DomainResult<Vec<customer::Model>> {
    actor.require(Permission::ViewCrm)?;
    let now = svc.now();
    let mut query = customer::Entity::find().filter(customer::Column::TenantId.eq(actor.tenant_id));
    if !filter.include_archived {
        query = query.filter(customer::Column::ArchivedAt.is_null());
    }
    if let Some(term) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        query = query.filter(matching_customers(term));
    }
    if !filter.segments.is_empty() {
        query = query.filter(customer::Column::Segment.is_in(filter.segments.clone()));
    }
    if let Some(n) = filter.min_orders {
        query = query.filter(customer::Column::TotalOrders.gt(n));
    }
    let since = filter
        .active_within_days
        .map(|n| days("activeWithinDays", n).map(|d| now - d))
        .transpose()?;
    if let Some(since) = since {
        query = query.filter(
            customer::Column::Id.in_subquery(
                Query::select()
                    .column(customer_activity::Column::CustomerId)
                    .from(customer_activity::Entity)
                    .and_where(customer_activity::Column::TenantId.eq(actor.tenant_id))
                    .and_where(customer_activity::Column::OccurredAt.gte(since))
                    .to_owned(),
            ),
        );
    }
    if let Some(n) = filter.no_contact_for_days {
        let before = now - days("noContactForDays", n)?;
        query = query.filter(
            Condition::any()
                .add(customer::Column::LastContactAt.is_null())
                .add(customer::Column::LastContactAt.lt(before)),
        );
    }
    if let Some(tag) = filter.tag.as_deref() {
        let tag = normalize_tag(tag)?;
        query = query.filter(
            customer::Column::Id.in_subquery(
                Query::select()
                    .column(customer_tag::Column::CustomerId)
                    .from(customer_tag::Entity)
                    .and_where(customer_tag::Column::TenantId.eq(actor.tenant_id))
                    .and_where(customer_tag::Column::Tag.eq(tag))
                    .to_owned(),
            ),
        );
    }
    query = match order {
        CustomerOrder::Name => query
            .order_by_asc(customer::Column::LastName)
            .order_by_asc(customer::Column::FirstName),
        CustomerOrder::RevenueDesc => query.order_by_desc(customer::Column::TotalRevenue),
        CustomerOrder::CreatedDesc => query.order_by_desc(customer::Column::CreatedAt),
        CustomerOrder::ActivitiesDesc => {
            let mut count = Query::select();
            count
                .expr(Expr::col(customer_activity::Column::Id).count())
                .from(customer_activity::Entity)
                .and_where(
                    Expr::col((
                        customer_activity::Entity,
                        customer_activity::Column::CustomerId,
                    ))
                    .equals((customer::Entity, customer::Column::Id)),
                );
            if let Some(since) = since {
                count.and_where(customer_activity::Column::OccurredAt.gte(since));
            }
            query.order_by_desc(SimpleExpr::SubQuery(
                None,
                Box::new(count.to_owned().into_sub_query_statement()),
            ))
        }
    };
    Ok(query
        .order_by_asc(customer::Column::Id)
        .limit(limit.clamp(1, MAX_CUSTOMERS))
        .all(&svc.db)
        .await?)
}

/// Customers of the tenant whose name, company or e-mail contains `search`, by last name.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers.
pub async fn search_customers(
    db: &impl ConnectionTrait,
    actor: &Actor,
    search: Option<&str>,
    limit: u64,
) -> DomainResult<Vec<customer::Model>> {
    actor.require(Permission::ViewCrm)?;
    let mut query = customer::Entity::find().filter(customer::Column::TenantId.eq(actor.tenant_id));
    if let Some(term) = search.map(str::trim).filter(|s| !s.is_empty()) {
        query = query.filter(matching_customers(term));
    }
    Ok(query
        .order_by_asc(customer::Column::LastName)
        .order_by_asc(customer::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Customers whose name, company, e-mail or phone contains `term`, ignoring case the same
/// way on both databases; `%` and `_` in the term match themselves.
fn matching_customers(term: &str) -> Condition {
    let pattern = format!(
        "%{}%",
        term.to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let containing = |column: customer::Column| -> SimpleExpr {
        Expr::expr(Func::lower(Expr::col((customer::Entity, column))))
            .like(LikeExpr::new(pattern.clone()).escape('\\'))
    };
    Condition::any()
        .add(containing(customer::Column::FirstName))
        .add(containing(customer::Column::LastName))
        .add(containing(customer::Column::Company))
        .add(containing(customer::Column::Email))
        .add(containing(customer::Column::Phone))
}
