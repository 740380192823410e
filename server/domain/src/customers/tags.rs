//! Tags on customers.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{customer, customer_tag};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::{find_customer, publish_customer};
use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::events::LiveEventKind;
use crate::permissions::Permission;
use crate::Services;

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
    let txn = svc.begin().await?;
    insert_tags(&txn, &found, &tags, svc.now()).await?;
    txn.commit().await?;
    publish_customer(svc, &found, LiveEventKind::CustomerUpdated).await;
    Ok(tags_of_customers(&svc.db, actor.tenant_id, &[found.id])
        .await?
        .remove(&found.id)
        .unwrap_or_default())
}

/// Inserts the tags the customer lacks, in the caller's transaction.
pub(crate) async fn insert_tags(
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
