//! Orders recorded on a customer (lifetime value, segment).

use chrono::{DateTime, Utc};
use entity::customer;
use entity::enums::{ActivityKind, CustomerSegment};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{find_customer, insert_activity, publish_customer, NewActivity};
use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::events::LiveEventKind;
use crate::permissions::Permission;
use crate::Services;

/// Records an order on a customer: one more order, the amount added to the revenue, the
/// last order now, an `order` activity (its facts, amount, currency and the lead won, in
/// the activity's metadata; no sentence), and a prospect becomes a client. Runs in the
/// caller's transaction.
pub(crate) async fn insert_order(
    db: &impl ConnectionTrait,
    customer: &customer::Model,
    created_by: Option<i64>,
    amount: Decimal,
    won_lead: Option<i64>,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    // Relative updates, so that two orders recorded at once both count.
    customer::Entity::update_many()
        .col_expr(
            customer::Column::TotalOrders,
            Expr::col(customer::Column::TotalOrders).add(1),
        )
        .col_expr(
            customer::Column::TotalRevenue,
            Expr::col(customer::Column::TotalRevenue).add(amount),
        )
        .col_expr(customer::Column::LastOrderAt, Expr::value(now))
        .col_expr(
            customer::Column::Segment,
            SimpleExpr::Case(Box::new(
                Expr::case(
                    customer::Column::Segment.eq(CustomerSegment::Prospect),
                    CustomerSegment::Client.as_str(),
                )
                .finally(Expr::col(customer::Column::Segment)),
            )),
        )
        .filter(customer::Column::Id.eq(customer.id))
        .filter(customer::Column::TenantId.eq(customer.tenant_id))
        .exec(db)
        .await?;
    insert_activity(
        db,
        customer,
        created_by,
        NewActivity {
            kind: ActivityKind::Order,
            channel: None,
            description: None,
            metadata: Some(serde_json::json!({
                "amount": amount.to_string(),
                "currency": customer.currency,
                "leadId": won_lead,
            })),
            occurred_at: None,
        },
        now,
    )
    .await?;
    Ok(())
}

/// Validates an order amount: positive, at most four decimals.
///
/// # Errors
///
/// [`DomainError::Validation`] on `field`.
pub fn validate_amount(field: &'static str, amount: Decimal) -> DomainResult<Decimal> {
    if amount <= Decimal::ZERO {
        return Err(DomainError::validation(field, "an amount must be positive"));
    }
    if amount.normalize().scale() > 4 {
        return Err(DomainError::validation(
            field,
            "an amount has at most four decimals",
        ));
    }
    if amount >= Decimal::from(100_000_000_000_000_i64) {
        return Err(DomainError::validation(field, "this amount is too large"));
    }
    Ok(amount)
}

/// Records an order placed outside a lead (see [`insert_order`]).
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`];
/// [`DomainError::Validation`] for a non-positive amount.
pub async fn record_order(
    svc: &Services,
    actor: &Actor,
    customer_id: i64,
    amount: Decimal,
) -> DomainResult<customer::Model> {
    actor.require(Permission::WriteCrm)?;
    let amount = validate_amount("amount", amount)?;
    let found = find_customer(&svc.db, actor.tenant_id, customer_id).await?;
    let txn = svc.begin().await?;
    insert_order(&txn, &found, Some(actor.user_id), amount, None, svc.now()).await?;
    let updated = find_customer(&txn, actor.tenant_id, found.id).await?;
    txn.commit().await?;
    publish_customer(svc, &updated, LiveEventKind::CustomerUpdated).await;
    Ok(updated)
}
