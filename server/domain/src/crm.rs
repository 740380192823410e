//! The CRM around a customer: editing and archiving, notes, activities, tags, orders, the
//! filtered listing of seed 002's example queries, the per-customer aggregates of its
//! `v_customers` view, and the timeline of every interaction.
//!
//! The whole CRM is for staff: customers (portal accounts) see none of it.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::enums::{ActivityKind, Channel, CustomerSegment, CustomerStatus, Visibility};
use entity::{
    customer, customer_activity, customer_note, customer_tag, lead, meeting, message, ticket,
};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};

use super::actor::Actor;
use super::contacts::normalize_phone;
use super::error::{DomainError, DomainResult};
use super::permissions::Permission;
use super::scope::find_in_tenant;
use super::tenants::normalize_email;
use super::Services;
use crate::events::{LiveEvent, LiveEventKind};

/// Largest page of customers a listing returns.
pub const MAX_CUSTOMERS: u64 = 100;

/// One customer of the actor's tenant.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`] when it does not
/// exist in the tenant.
pub async fn get_customer(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> DomainResult<customer::Model> {
    actor.require(Permission::ViewCrm)?;
    find_customer(db, actor.tenant_id, id).await
}

pub(crate) async fn find_customer(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    id: i64,
) -> DomainResult<customer::Model> {
    find_in_tenant::<customer::Entity>(db, tenant_id, id).await
}

/// A change to a customer: `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct CustomerPatch {
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Company.
    pub company: Option<Option<String>>,
    /// E-mail address.
    pub email: Option<Option<String>>,
    /// Phone number, normalised to E.164.
    pub phone: Option<Option<String>>,
    /// Segment.
    pub segment: Option<CustomerSegment>,
    /// Status (archiving goes through [`archive_customer`]).
    pub status: Option<CustomerStatus>,
    /// Preferred channel.
    pub preferred_channel: Option<Option<Channel>>,
    /// Street address.
    pub address: Option<Option<String>>,
    /// City.
    pub city: Option<Option<String>>,
    /// Postal code.
    pub postal_code: Option<Option<String>>,
    /// ISO 3166 country code.
    pub country: Option<String>,
    /// ISO 4217 currency code.
    pub currency: Option<String>,
    /// Free JSON.
    pub metadata: Option<Option<serde_json::Value>>,
}

fn clean(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Validates an ISO 3166 alpha-2 country code and returns it upper-cased.
///
/// # Errors
///
/// [`DomainError::Validation`] on `country` for anything but two letters.
pub fn normalize_country(country: &str) -> DomainResult<String> {
    let country = country.trim().to_uppercase();
    if country.len() == 2 && country.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(country)
    } else {
        Err(DomainError::validation(
            "country",
            "a country is a two-letter ISO 3166 code such as FR",
        ))
    }
}

/// Validates an ISO 4217 currency code and returns it upper-cased.
///
/// # Errors
///
/// [`DomainError::Validation`] on `currency` for anything but three letters.
pub fn normalize_currency(currency: &str) -> DomainResult<String> {
    let currency = currency.trim().to_uppercase();
    if currency.len() == 3 && currency.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(currency)
    } else {
        Err(DomainError::validation(
            "currency",
            "a currency is a three-letter ISO 4217 code such as EUR",
        ))
    }
}

/// Changes a customer's details.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`];
/// [`DomainError::Validation`] for an empty name, a bad e-mail, phone, country or currency;
/// [`DomainError::Conflict`] when the e-mail or phone belongs to another customer.
pub async fn update_customer(
    svc: &Services,
    actor: &Actor,
    id: i64,
    patch: CustomerPatch,
) -> DomainResult<customer::Model> {
    actor.require(Permission::WriteCrm)?;
    let found = find_customer(&svc.db, actor.tenant_id, id).await?;
    let mut model = found.clone().into_active_model();
    if let Some(first) = patch.first_name {
        model.first_name = Set(first.trim().to_owned());
    }
    if let Some(last) = patch.last_name {
        model.last_name = Set(last.trim().to_owned());
    }
    if let Some(company) = patch.company {
        model.company = Set(clean(company));
    }
    if let Some(email) = patch.email {
        let email = clean(email).as_deref().map(normalize_email).transpose()?;
        model.email = Set(email);
    }
    if let Some(phone) = patch.phone {
        let phone = clean(phone)
            .as_deref()
            .map(|p| normalize_phone(p, &found.country))
            .transpose()?;
        model.phone = Set(phone);
    }
    if let Some(segment) = patch.segment {
        model.segment = Set(segment);
    }
    if let Some(status) = patch.status {
        if status == CustomerStatus::Archived {
            return Err(DomainError::validation(
                "status",
                "archive a customer with archiveCustomer",
            ));
        }
        model.status = Set(status);
        model.archived_at = Set(None);
    }
    if let Some(channel) = patch.preferred_channel {
        model.preferred_channel = Set(channel);
    }
    if let Some(address) = patch.address {
        model.address = Set(clean(address));
    }
    if let Some(city) = patch.city {
        model.city = Set(clean(city));
    }
    if let Some(postal_code) = patch.postal_code {
        model.postal_code = Set(clean(postal_code));
    }
    if let Some(country) = patch.country {
        model.country = Set(normalize_country(&country)?);
    }
    if let Some(currency) = patch.currency {
        model.currency = Set(normalize_currency(&currency)?);
    }
    if let Some(metadata) = patch.metadata {
        model.metadata = Set(metadata);
    }
    let first_empty = match &model.first_name {
        sea_orm::ActiveValue::Set(v) | sea_orm::ActiveValue::Unchanged(v) => v.is_empty(),
        sea_orm::ActiveValue::NotSet => true,
    };
    let last_empty = match &model.last_name {
        sea_orm::ActiveValue::Set(v) | sea_orm::ActiveValue::Unchanged(v) => v.is_empty(),
        sea_orm::ActiveValue::NotSet => true,
    };
    if first_empty && last_empty {
        return Err(DomainError::validation(
            "lastName",
            "a customer needs a name",
        ));
    }
    model.updated_at = Set(svc.now());
    let updated = model.update(&svc.db).await?;
    publish_customer(svc, &updated, LiveEventKind::CustomerUpdated).await;
    Ok(updated)
}

/// Archives a customer: hidden from listings by default, kept with its history.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`].
pub async fn archive_customer(
    svc: &Services,
    actor: &Actor,
    id: i64,
) -> DomainResult<customer::Model> {
    actor.require(Permission::WriteCrm)?;
    let found = find_customer(&svc.db, actor.tenant_id, id).await?;
    if found.archived_at.is_some() {
        return Ok(found);
    }
    let now = svc.now();
    let mut model = found.into_active_model();
    model.status = Set(CustomerStatus::Archived);
    model.archived_at = Set(Some(now));
    model.updated_at = Set(now);
    let updated = model.update(&svc.db).await?;
    publish_customer(svc, &updated, LiveEventKind::CustomerUpdated).await;
    Ok(updated)
}

/// Adds a note to a customer.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`];
/// [`DomainError::Validation`] for an empty note.
pub async fn add_note(
    svc: &Services,
    actor: &Actor,
    customer_id: i64,
    content: &str,
) -> DomainResult<customer_note::Model> {
    actor.require(Permission::WriteCrm)?;
    let content = content.trim();
    if content.is_empty() {
        return Err(DomainError::validation("content", "a note cannot be empty"));
    }
    let found = find_customer(&svc.db, actor.tenant_id, customer_id).await?;
    let note = customer_note::ActiveModel {
        tenant_id: Set(actor.tenant_id),
        customer_id: Set(found.id),
        content: Set(content.to_owned()),
        created_by: Set(Some(actor.user_id)),
        metadata: Set(None),
        created_at: Set(svc.now()),
        ..Default::default()
    }
    .insert(&svc.db)
    .await?;
    publish_customer(svc, &found, LiveEventKind::CustomerUpdated).await;
    Ok(note)
}

/// An interaction to log on a customer's timeline.
#[derive(Debug, Clone)]
pub struct NewActivity {
    /// What happened.
    pub kind: ActivityKind,
    /// Through which channel.
    pub channel: Option<Channel>,
    /// A few words.
    pub description: Option<String>,
    /// Free JSON (message ids and the like).
    pub metadata: Option<serde_json::Value>,
    /// When; now by default.
    pub occurred_at: Option<DateTime<Utc>>,
}

/// Logs an interaction with a customer and moves its last contact forward.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`];
/// [`DomainError::Validation`] for a date in the future.
pub async fn log_activity(
    svc: &Services,
    actor: &Actor,
    customer_id: i64,
    input: NewActivity,
) -> DomainResult<customer_activity::Model> {
    actor.require(Permission::WriteCrm)?;
    let now = svc.now();
    if input.occurred_at.is_some_and(|at| at > now) {
        return Err(DomainError::validation(
            "occurredAt",
            "an activity cannot be in the future",
        ));
    }
    let found = find_customer(&svc.db, actor.tenant_id, customer_id).await?;
    let txn = svc.db.begin().await?;
    let activity = insert_activity(&txn, &found, Some(actor.user_id), input, now).await?;
    txn.commit().await?;
    publish_customer(svc, &found, LiveEventKind::CustomerUpdated).await;
    Ok(activity)
}

/// Inserts an activity and moves `last_contact_at` forward (never backward), in the
/// caller's transaction.
pub async fn insert_activity(
    db: &impl ConnectionTrait,
    customer: &customer::Model,
    created_by: Option<i64>,
    input: NewActivity,
    now: DateTime<Utc>,
) -> DomainResult<customer_activity::Model> {
    let occurred_at = input.occurred_at.unwrap_or(now);
    let activity = customer_activity::ActiveModel {
        tenant_id: Set(customer.tenant_id),
        customer_id: Set(customer.id),
        kind: Set(input.kind),
        channel: Set(input.channel),
        description: Set(clean(input.description)),
        metadata: Set(input.metadata),
        created_by: Set(created_by),
        occurred_at: Set(occurred_at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    customer::Entity::update_many()
        .col_expr(customer::Column::LastContactAt, Expr::value(occurred_at))
        .col_expr(customer::Column::UpdatedAt, Expr::value(now))
        .filter(customer::Column::Id.eq(customer.id))
        .filter(
            Condition::any()
                .add(customer::Column::LastContactAt.is_null())
                .add(customer::Column::LastContactAt.lt(occurred_at)),
        )
        .exec(db)
        .await?;
    Ok(activity)
}

/// Normalises a tag: trimmed, lower case, inner spaces as dashes, 1 to 50 characters.
///
/// # Errors
///
/// [`DomainError::Validation`] on `tag`.
pub fn normalize_tag(tag: &str) -> DomainResult<String> {
    let tag = tag
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-")
        .to_lowercase();
    if tag.is_empty() || tag.chars().count() > 50 {
        return Err(DomainError::validation(
            "tag",
            "a tag has between 1 and 50 characters",
        ));
    }
    Ok(tag)
}

/// Adds tags to a customer (those it has already are kept once); returns its tags.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`];
/// [`DomainError::Validation`] for an empty or too long tag.
pub async fn add_tags(
    svc: &Services,
    actor: &Actor,
    customer_id: i64,
    tags: &[String],
) -> DomainResult<Vec<String>> {
    actor.require(Permission::WriteCrm)?;
    let tags = tags
        .iter()
        .map(|t| normalize_tag(t))
        .collect::<DomainResult<Vec<_>>>()?;
    let found = find_customer(&svc.db, actor.tenant_id, customer_id).await?;
    let txn = svc.db.begin().await?;
    insert_tags(&txn, &found, &tags, svc.now()).await?;
    txn.commit().await?;
    publish_customer(svc, &found, LiveEventKind::CustomerUpdated).await;
    Ok(tags_of_customers(&svc.db, actor.tenant_id, &[found.id])
        .await?
        .remove(&found.id)
        .unwrap_or_default())
}

/// Inserts the tags the customer lacks, in the caller's transaction.
pub async fn insert_tags(
    db: &impl ConnectionTrait,
    customer: &customer::Model,
    tags: &[String],
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let existing: Vec<String> = customer_tag::Entity::find()
        .select_only()
        .column(customer_tag::Column::Tag)
        .filter(customer_tag::Column::CustomerId.eq(customer.id))
        .into_tuple()
        .all(db)
        .await?;
    let mut seen = existing;
    for tag in tags {
        if seen.contains(tag) {
            continue;
        }
        customer_tag::ActiveModel {
            tenant_id: Set(customer.tenant_id),
            customer_id: Set(customer.id),
            tag: Set(tag.clone()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        seen.push(tag.clone());
    }
    Ok(())
}

/// Removes a tag from a customer; returns its tags.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::NotFound`].
pub async fn remove_tag(
    svc: &Services,
    actor: &Actor,
    customer_id: i64,
    tag: &str,
) -> DomainResult<Vec<String>> {
    actor.require(Permission::WriteCrm)?;
    let tag = normalize_tag(tag)?;
    let found = find_customer(&svc.db, actor.tenant_id, customer_id).await?;
    customer_tag::Entity::delete_many()
        .filter(customer_tag::Column::TenantId.eq(actor.tenant_id))
        .filter(customer_tag::Column::CustomerId.eq(found.id))
        .filter(customer_tag::Column::Tag.eq(tag))
        .exec(&svc.db)
        .await?;
    publish_customer(svc, &found, LiveEventKind::CustomerUpdated).await;
    Ok(tags_of_customers(&svc.db, actor.tenant_id, &[found.id])
        .await?
        .remove(&found.id)
        .unwrap_or_default())
}

/// Records an order on a customer: one more order, the amount added to the revenue, the
/// last order now, an `order` activity, and a prospect becomes a client. Runs in the
/// caller's transaction.
pub(crate) async fn insert_order(
    db: &impl ConnectionTrait,
    customer: &customer::Model,
    created_by: Option<i64>,
    amount: Decimal,
    description: String,
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
            description: Some(description),
            metadata: Some(serde_json::json!({ "amount": amount.to_string() })),
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
    let txn = svc.db.begin().await?;
    insert_order(
        &txn,
        &found,
        Some(actor.user_id),
        amount,
        format!("Order of {amount} {}", found.currency),
        svc.now(),
    )
    .await?;
    let updated = find_customer(&txn, actor.tenant_id, found.id).await?;
    txn.commit().await?;
    publish_customer(svc, &updated, LiveEventKind::CustomerUpdated).await;
    Ok(updated)
}

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

fn days(field: &'static str, n: i64) -> DomainResult<Duration> {
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
        query = query.filter(
            Condition::any()
                .add(customer::Column::FirstName.contains(term))
                .add(customer::Column::LastName.contains(term))
                .add(customer::Column::Company.contains(term))
                .add(customer::Column::Email.contains(term.to_lowercase()))
                .add(customer::Column::Phone.contains(term)),
        );
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

/// Counts rows per customer of a CRM table, in one grouped statement.
async fn counts_by_customer<E>(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    customer_ids: &[i64],
    tenant_col: E::Column,
    customer_col: E::Column,
    id_col: E::Column,
) -> DomainResult<HashMap<i64, i64>>
where
    E: EntityTrait,
{
    let rows: Vec<(i64, i64)> = E::find()
        .select_only()
        .column(customer_col)
        .column_as(id_col.count(), "count")
        .filter(tenant_col.eq(tenant_id))
        .filter(customer_col.is_in(customer_ids.iter().copied()))
        .group_by(customer_col)
        .into_tuple()
        .all(db)
        .await?;
    let mut counts: HashMap<i64, i64> = customer_ids.iter().map(|id| (*id, 0)).collect();
    counts.extend(rows);
    Ok(counts)
}

/// Number of notes per customer (zero included), in one statement.
///
/// # Errors
///
/// Database errors.
pub async fn note_counts(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    customer_ids: &[i64],
) -> DomainResult<HashMap<i64, i64>> {
    counts_by_customer::<customer_note::Entity>(
        db,
        tenant_id,
        customer_ids,
        customer_note::Column::TenantId,
        customer_note::Column::CustomerId,
        customer_note::Column::Id,
    )
    .await
}

/// Number of activities per customer (zero included), in one statement.
///
/// # Errors
///
/// Database errors.
pub async fn activity_counts(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    customer_ids: &[i64],
) -> DomainResult<HashMap<i64, i64>> {
    counts_by_customer::<customer_activity::Entity>(
        db,
        tenant_id,
        customer_ids,
        customer_activity::Column::TenantId,
        customer_activity::Column::CustomerId,
        customer_activity::Column::Id,
    )
    .await
}

/// The tags of several customers, alphabetical, in one statement.
///
/// # Errors
///
/// Database errors.
pub async fn tags_of_customers(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    customer_ids: &[i64],
) -> DomainResult<HashMap<i64, Vec<String>>> {
    let rows: Vec<(i64, String)> = customer_tag::Entity::find()
        .select_only()
        .column(customer_tag::Column::CustomerId)
        .column(customer_tag::Column::Tag)
        .filter(customer_tag::Column::TenantId.eq(tenant_id))
        .filter(customer_tag::Column::CustomerId.is_in(customer_ids.iter().copied()))
        .order_by_asc(customer_tag::Column::Tag)
        .into_tuple()
        .all(db)
        .await?;
    let mut tags: HashMap<i64, Vec<String>> =
        customer_ids.iter().map(|id| (*id, Vec::new())).collect();
    for (customer_id, tag) in rows {
        tags.entry(customer_id).or_default().push(tag);
    }
    Ok(tags)
}

/// The notes of several customers, newest first, in one statement.
///
/// # Errors
///
/// Database errors.
pub async fn notes_of_customers(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    customer_ids: &[i64],
) -> DomainResult<HashMap<i64, Vec<customer_note::Model>>> {
    let rows = customer_note::Entity::find()
        .filter(customer_note::Column::TenantId.eq(tenant_id))
        .filter(customer_note::Column::CustomerId.is_in(customer_ids.iter().copied()))
        .order_by_desc(customer_note::Column::CreatedAt)
        .order_by_desc(customer_note::Column::Id)
        .all(db)
        .await?;
    Ok(super::tickets::group_by_ticket(customer_ids, rows, |n| {
        n.customer_id
    }))
}

/// What a timeline entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimelineKind {
    /// A logged activity (call, e-mail, visit, message received, order…).
    Activity,
    /// A note.
    Note,
    /// A ticket was opened.
    Ticket,
    /// A message in one of the customer's tickets.
    Message,
    /// A lead was opened.
    Lead,
    /// A meeting of one of the customer's leads.
    Meeting,
}

/// One interaction with a customer.
#[derive(Debug, Clone)]
pub struct TimelineEntry {
    /// What it is.
    pub kind: TimelineKind,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// A one-line summary.
    pub title: String,
    /// More text (a note's content, a message's body).
    pub detail: Option<String>,
    /// The activity's kind, for activities.
    pub activity_kind: Option<ActivityKind>,
    /// The channel, for activities, tickets and messages.
    pub channel: Option<Channel>,
    /// The ticket concerned, for tickets and messages.
    pub ticket_id: Option<i64>,
    /// The lead concerned, for leads and meetings.
    pub lead_id: Option<i64>,
}

fn excerpt(text: &str) -> String {
    const MAX: usize = 280;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

/// The timelines of several customers: activities, notes, tickets, messages, leads and
/// meetings, newest first; six statements whatever the number of customers.
///
/// # Errors
///
/// Database errors.
pub async fn timelines_of_customers(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    customer_ids: &[i64],
) -> DomainResult<HashMap<i64, Vec<TimelineEntry>>> {
    let ids = || customer_ids.iter().copied();
    let mut timelines: HashMap<i64, Vec<TimelineEntry>> =
        customer_ids.iter().map(|id| (*id, Vec::new())).collect();
    let activities = customer_activity::Entity::find()
        .filter(customer_activity::Column::TenantId.eq(tenant_id))
        .filter(customer_activity::Column::CustomerId.is_in(ids()))
        .all(db)
        .await?;
    for a in activities {
        timelines
            .entry(a.customer_id)
            .or_default()
            .push(TimelineEntry {
                kind: TimelineKind::Activity,
                at: a.occurred_at,
                title: a
                    .description
                    .clone()
                    .unwrap_or_else(|| a.kind.as_str().replace('_', " ")),
                detail: None,
                activity_kind: Some(a.kind),
                channel: a.channel,
                ticket_id: None,
                lead_id: None,
            });
    }
    let notes = customer_note::Entity::find()
        .filter(customer_note::Column::TenantId.eq(tenant_id))
        .filter(customer_note::Column::CustomerId.is_in(ids()))
        .all(db)
        .await?;
    for n in notes {
        timelines
            .entry(n.customer_id)
            .or_default()
            .push(TimelineEntry {
                kind: TimelineKind::Note,
                at: n.created_at,
                title: excerpt(&n.content),
                detail: Some(n.content),
                activity_kind: None,
                channel: None,
                ticket_id: None,
                lead_id: None,
            });
    }
    let tickets = ticket::Entity::find()
        .filter(ticket::Column::TenantId.eq(tenant_id))
        .filter(ticket::Column::CustomerId.is_in(ids()))
        .all(db)
        .await?;
    let ticket_customer: HashMap<i64, (i64, String)> = tickets
        .iter()
        .map(|t| (t.id, (t.customer_id, t.number.clone())))
        .collect();
    for t in tickets {
        timelines
            .entry(t.customer_id)
            .or_default()
            .push(TimelineEntry {
                kind: TimelineKind::Ticket,
                at: t.created_at,
                title: format!("{} {}", t.number, t.subject),
                detail: None,
                activity_kind: None,
                channel: Some(t.channel),
                ticket_id: Some(t.id),
                lead_id: t.lead_id,
            });
    }
    if !ticket_customer.is_empty() {
        let messages = message::Entity::find()
            .filter(message::Column::TenantId.eq(tenant_id))
            .filter(message::Column::TicketId.is_in(ticket_customer.keys().copied()))
            .all(db)
            .await?;
        for m in messages {
            let Some((customer_id, number)) = ticket_customer.get(&m.ticket_id) else {
                continue;
            };
            let internal = m.visibility == Visibility::Internal;
            timelines
                .entry(*customer_id)
                .or_default()
                .push(TimelineEntry {
                    kind: TimelineKind::Message,
                    at: m.created_at,
                    title: format!(
                        "{number}: {}",
                        if internal { "internal note" } else { "message" }
                    ),
                    detail: Some(excerpt(&m.body)),
                    activity_kind: None,
                    channel: None,
                    ticket_id: Some(m.ticket_id),
                    lead_id: None,
                });
        }
    }
    let leads = lead::Entity::find()
        .filter(lead::Column::TenantId.eq(tenant_id))
        .filter(lead::Column::CustomerId.is_in(ids()))
        .all(db)
        .await?;
    let lead_customer: HashMap<i64, i64> = leads.iter().map(|l| (l.id, l.customer_id)).collect();
    for l in leads {
        timelines
            .entry(l.customer_id)
            .or_default()
            .push(TimelineEntry {
                kind: TimelineKind::Lead,
                at: l.created_at,
                title: format!("Lead #{} ({})", l.id, l.stage.as_str()),
                detail: l.source.clone(),
                activity_kind: None,
                channel: None,
                ticket_id: l.ticket_id,
                lead_id: Some(l.id),
            });
    }
    if !lead_customer.is_empty() {
        let meetings = meeting::Entity::find()
            .filter(meeting::Column::TenantId.eq(tenant_id))
            .filter(meeting::Column::LeadId.is_in(lead_customer.keys().copied()))
            .all(db)
            .await?;
        for m in meetings {
            let Some(customer_id) = lead_customer.get(&m.lead_id) else {
                continue;
            };
            timelines
                .entry(*customer_id)
                .or_default()
                .push(TimelineEntry {
                    kind: TimelineKind::Meeting,
                    at: m.scheduled_at,
                    title: m.title.clone(),
                    detail: m.location.clone().or(m.video_url.clone()),
                    activity_kind: None,
                    channel: None,
                    ticket_id: None,
                    lead_id: Some(m.lead_id),
                });
        }
    }
    for entries in timelines.values_mut() {
        entries.sort_by_key(|e| std::cmp::Reverse(e.at));
    }
    Ok(timelines)
}

/// Tells subscribers that a customer changed. Only ids travel; subscribers re-read.
pub(crate) async fn publish_customer(
    svc: &Services,
    customer: &customer::Model,
    kind: LiveEventKind,
) {
    svc.events
        .publish(LiveEvent {
            tenant_id: customer.tenant_id,
            kind,
            ticket_id: None,
            message_id: None,
            lead_id: None,
            customer_id: Some(customer.id),
        })
        .await;
}
