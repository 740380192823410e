//! Customers in the API: details, notes, activities, tags, orders, timeline, inbound
//! contacts, and live customer events.

use async_graphql::{Context, Enum, MaybeUndefined, Object, SimpleObject, Subscription, ID};
use futures::{Stream, StreamExt};
use rust_decimal::Decimal;
use tokio_stream::wrappers::BroadcastStream;

use super::context::{actor, loaders, services};
use super::crm_loaders::crm_loaders;
use super::customer_types::{
    CreateCustomerInput, CustomerActivity, CustomerNote, InboundContactInput, InboundContactResult,
    LogActivityInput, TimelineEntry, UpdateCustomerInput,
};
use super::error::{parse_id, GraphqlResultExt};
use super::leads::Lead;
use super::loaders::loader_error;
use super::shared::{Shared, SharedResolutions, Sharing};
use super::types::Customer;
use crate::domain::customers::{CustomerPatch, InboundContact, NewActivity, NewCustomer};
use crate::domain::leads::LeadFilter as DomainLeadFilter;
use crate::domain::{customers, leads, DomainError, Permission};
use crate::events::LiveEventKind;

pub(super) fn opt_id(field: &'static str, id: Option<&ID>) -> async_graphql::Result<Option<i64>> {
    id.map(|id| parse_id(field, id)).transpose()
}

pub(super) fn maybe<T, U>(value: MaybeUndefined<T>, map: impl FnOnce(T) -> U) -> Option<Option<U>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(map(v))),
    }
}

// ---------------------------------------------------------------------------------------
// Customer fields (called from `types::Customer`).

/// The CRM fields of [`Customer`], resolved through the CRM loaders; staff only.
pub(crate) mod customer_fields {
    use super::*;

    pub(crate) async fn notes_count(ctx: &Context<'_>, id: i64) -> async_graphql::Result<i64> {
        actor(ctx)?.require(Permission::ViewCrm).gql()?;
        Ok(crm_loaders(ctx)?
            .note_counts
            .load_one(id)
            .await
            .map_err(|e| loader_error(&e))?
            .unwrap_or(0))
    }

    pub(crate) async fn activities_count(ctx: &Context<'_>, id: i64) -> async_graphql::Result<i64> {
        actor(ctx)?.require(Permission::ViewCrm).gql()?;
        Ok(crm_loaders(ctx)?
            .activity_counts
            .load_one(id)
            .await
            .map_err(|e| loader_error(&e))?
            .unwrap_or(0))
    }

    pub(crate) async fn tags(ctx: &Context<'_>, id: i64) -> async_graphql::Result<Vec<String>> {
        actor(ctx)?.require(Permission::ViewCrm).gql()?;
        Ok(crm_loaders(ctx)?
            .tags
            .load_one(id)
            .await
            .map_err(|e| loader_error(&e))?
            .unwrap_or_default())
    }

    pub(crate) async fn notes(
        ctx: &Context<'_>,
        id: i64,
    ) -> async_graphql::Result<Vec<CustomerNote>> {
        actor(ctx)?.require(Permission::ViewCrm).gql()?;
        Ok(crm_loaders(ctx)?
            .notes
            .load_one(id)
            .await
            .map_err(|e| loader_error(&e))?
            .unwrap_or_default()
            .into_iter()
            .map(CustomerNote)
            .collect())
    }

    pub(crate) async fn timeline(
        ctx: &Context<'_>,
        id: i64,
    ) -> async_graphql::Result<Vec<TimelineEntry>> {
        actor(ctx)?.require(Permission::ViewCrm).gql()?;
        Ok(crm_loaders(ctx)?
            .timelines
            .load_one(id)
            .await
            .map_err(|e| loader_error(&e))?
            .unwrap_or_default()
            .into_iter()
            .map(TimelineEntry)
            .collect())
    }

    pub(crate) async fn leads(ctx: &Context<'_>, id: i64) -> async_graphql::Result<Vec<Lead>> {
        let actor = actor(ctx)?;
        Ok(leads::list_leads(
            services(ctx)?,
            actor,
            DomainLeadFilter {
                customer_id: Some(id),
                ..Default::default()
            },
        )
        .await
        .gql()?
        .into_iter()
        .map(Lead)
        .collect())
    }
}

// ---------------------------------------------------------------------------------------
// Queries.

/// Customer queries (staff only).
#[derive(Default)]
pub struct CustomerQuery;

#[Object]
impl CustomerQuery {
    /// One customer of the tenant.
    async fn customer(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Customer>> {
        let actor = actor(ctx)?;
        let id = parse_id("id", &id)?;
        match customers::get_customer(&services(ctx)?.db, actor, id).await {
            Ok(found) => Ok(Some(Customer(found))),
            Err(DomainError::NotFound(_)) => Ok(None),
            Err(other) => Err(other).gql(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Mutations.

/// Customer mutations (staff only).
#[derive(Default)]
pub struct CustomerMutation;

#[Object]
impl CustomerMutation {
    /// Creates a customer.
    async fn create_customer(
        &self,
        ctx: &Context<'_>,
        input: CreateCustomerInput,
    ) -> async_graphql::Result<Customer> {
        let actor = actor(ctx)?;
        let svc = services(ctx)?;
        let created = customers::create_customer(
            svc,
            actor,
            NewCustomer {
                first_name: input.first_name,
                last_name: input.last_name,
                company: input.company,
                email: input.email,
                phone: input.phone,
                segment: input.segment.map(Into::into),
                preferred_channel: input.preferred_channel.map(Into::into),
                address: input.address,
                city: input.city,
                postal_code: input.postal_code,
                country: input.country,
                currency: input.currency,
                metadata: input.metadata.map(|j| j.0),
            },
            input.tags.as_deref().unwrap_or_default(),
        )
        .await
        .gql()?;
        Ok(Customer(created))
    }

    /// Changes a customer's details.
    async fn update_customer(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateCustomerInput,
    ) -> async_graphql::Result<Customer> {
        let actor = actor(ctx)?;
        let id = parse_id("id", &id)?;
        let patch = CustomerPatch {
            first_name: input.first_name,
            last_name: input.last_name,
            company: maybe(input.company, |v| v),
            email: maybe(input.email, |v| v),
            phone: maybe(input.phone, |v| v),
            segment: input.segment.map(Into::into),
            status: input.status.map(Into::into),
            preferred_channel: maybe(input.preferred_channel, Into::into),
            address: maybe(input.address, |v| v),
            city: maybe(input.city, |v| v),
            postal_code: maybe(input.postal_code, |v| v),
            country: input.country,
            currency: input.currency,
            metadata: maybe(input.metadata, |j| j.0),
        };
        Ok(Customer(
            customers::update_customer(services(ctx)?, actor, id, patch)
                .await
                .gql()?,
        ))
    }

    /// Archives a customer (hidden from `customers` unless `includeArchived`).
    async fn archive_customer(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Customer> {
        let actor = actor(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(Customer(
            customers::archive_customer(services(ctx)?, actor, id)
                .await
                .gql()?,
        ))
    }

    /// Adds a note to a customer.
    async fn add_customer_note(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        content: String,
    ) -> async_graphql::Result<CustomerNote> {
        let actor = actor(ctx)?;
        let id = parse_id("customerId", &customer_id)?;
        Ok(CustomerNote(
            customers::add_note(services(ctx)?, actor, id, &content)
                .await
                .gql()?,
        ))
    }

    /// Logs an interaction with a customer (moves its last contact forward).
    async fn log_customer_activity(
        &self,
        ctx: &Context<'_>,
        input: LogActivityInput,
    ) -> async_graphql::Result<CustomerActivity> {
        let actor = actor(ctx)?;
        let id = parse_id("customerId", &input.customer_id)?;
        let activity = NewActivity {
            kind: input.kind.into(),
            channel: input.channel.map(Into::into),
            description: input.description,
            metadata: None,
            occurred_at: input.occurred_at,
        };
        Ok(CustomerActivity(
            customers::log_activity(services(ctx)?, actor, id, activity)
                .await
                .gql()?,
        ))
    }

    /// Adds tags to a customer; returns all its tags.
    async fn add_customer_tags(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        tags: Vec<String>,
    ) -> async_graphql::Result<Vec<String>> {
        let actor = actor(ctx)?;
        let id = parse_id("customerId", &customer_id)?;
        customers::add_tags(services(ctx)?, actor, id, &tags)
            .await
            .gql()
    }

    /// Removes a tag from a customer; returns its remaining tags.
    async fn remove_customer_tag(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        tag: String,
    ) -> async_graphql::Result<Vec<String>> {
        let actor = actor(ctx)?;
        let id = parse_id("customerId", &customer_id)?;
        customers::remove_tag(services(ctx)?, actor, id, &tag)
            .await
            .gql()
    }

    /// Records an order placed by a customer (outside a lead).
    async fn record_customer_order(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        amount: Decimal,
    ) -> async_graphql::Result<Customer> {
        let actor = actor(ctx)?;
        let id = parse_id("customerId", &customer_id)?;
        Ok(Customer(
            customers::record_order(services(ctx)?, actor, id, amount)
                .await
                .gql()?,
        ))
    }

    /// A message or call came in (from a channel or an external tool): finds the customer by
    /// phone or e-mail or creates a prospect, and logs the interaction.
    async fn record_inbound_contact(
        &self,
        ctx: &Context<'_>,
        input: InboundContactInput,
    ) -> async_graphql::Result<InboundContactResult> {
        let actor = actor(ctx)?;
        let outcome = customers::find_or_create_from_contact(
            services(ctx)?,
            actor,
            InboundContact {
                channel: input.channel.into(),
                phone: input.phone,
                email: input.email,
                first_name: input.first_name,
                last_name: input.last_name,
                message: input.message,
            },
        )
        .await
        .gql()?;
        Ok(InboundContactResult {
            customer: Customer(outcome.customer),
            created: outcome.created,
        })
    }
}

// ---------------------------------------------------------------------------------------
// Subscriptions.

/// What happened to a lead or a customer.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrmEventKind {
    /// It was created.
    Created,
    /// It changed.
    Updated,
    /// Events were missed (lagging behind, or too much changed at once): load again what
    /// is shown; the event names no row.
    Resync,
}

/// A live event about a customer.
#[derive(SimpleObject)]
pub struct CustomerEvent {
    kind: CrmEventKind,
    /// The customer as it is now; null for `RESYNC`.
    customer: Option<Customer>,
}

/// Live customer events (staff only).
#[derive(Default)]
pub struct CustomerSubscription;

#[Subscription]
impl CustomerSubscription {
    /// Customer events of the caller's tenant; with `customerId`, of that customer only.
    async fn customer_events(
        &self,
        ctx: &Context<'_>,
        customer_id: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = Shared<CustomerEvent>>> {
        let actor = std::sync::Arc::new(actor(ctx)?.clone());
        actor.require(Permission::ViewCrm).gql()?;
        // Subscribers who would get the same answer share one resolution per event.
        let sharing = std::sync::Arc::new(Sharing::of(ctx, &actor));
        let resolutions = std::sync::Arc::clone(ctx.data::<std::sync::Arc<SharedResolutions>>()?);
        let svc = std::sync::Arc::new(services(ctx)?.clone());
        let only = opt_id("customerId", customer_id.as_ref())?;
        let receiver = svc.events.subscribe();
        Ok(BroadcastStream::new(receiver).filter_map(move |received| {
            let actor = actor.clone();
            let svc = svc.clone();
            let sharing = std::sync::Arc::clone(&sharing);
            let resolutions = std::sync::Arc::clone(&resolutions);
            async move {
                let resync = Shared::alone(CustomerEvent {
                    kind: CrmEventKind::Resync,
                    customer: None,
                });
                let Ok(delivery) = received else {
                    return Some(resync);
                };
                let event = &delivery.event;
                let kind = match event.kind {
                    LiveEventKind::CustomerCreated => CrmEventKind::Created,
                    LiveEventKind::CustomerUpdated => CrmEventKind::Updated,
                    LiveEventKind::Resync if event.tenant_id == actor.tenant_id => {
                        return Some(resync)
                    }
                    _ => return None,
                };
                let id = event.customer_id?;
                if event.tenant_id != actor.tenant_id || only.is_some_and(|o| o != id) {
                    return None;
                }
                // The credential is checked again for every event it receives.
                actor.require(Permission::ViewCrm).ok()?;
                // Loaded once per event on this instance, whoever subscribes.
                let Some(loaded) = svc.events.loads().event(&svc.db, delivery.seq, event).await
                else {
                    return Some(resync);
                };
                let customer = loaded.customer.clone()?;
                let slot = resolutions.slot(delivery.seq, &sharing);
                Some(Shared::with(
                    slot,
                    CustomerEvent {
                        kind,
                        customer: Some(Customer(customer)),
                    },
                ))
            }
        }))
    }
}

/// Lets staff (and tokens with the read scope) through to CRM fields; customers are
/// refused with `FORBIDDEN`.
pub struct CrmGuard;

impl async_graphql::Guard for CrmGuard {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        actor(ctx)?.require(Permission::ViewCrm).gql()
    }
}

/// Loads, in one statement per aggregate, what the selection asks of listed customers
/// (notes and activities counts, tags, notes, timelines), so that a listing costs the same
/// number of statements for 3 customers as for 100 (batching by the loaders' timer alone
/// splits batches when resolution is slow). Staff only; others get nothing primed.
///
/// # Errors
///
/// Database errors.
pub async fn prime_customer_loaders(ctx: &Context<'_>, ids: &[i64]) -> async_graphql::Result<()> {
    let loaders = loaders(ctx)?;
    if !loaders.cached || ids.is_empty() || actor(ctx)?.require(Permission::ViewCrm).is_err() {
        return Ok(());
    }
    let look = ctx.look_ahead();
    let crm = &loaders.crm;
    let ids = ids.iter().copied();
    if look.field("notesCount").exists() {
        crm.note_counts
            .load_many(ids.clone())
            .await
            .map_err(|e| loader_error(&e))?;
    }
    if look.field("activitiesCount").exists() {
        crm.activity_counts
            .load_many(ids.clone())
            .await
            .map_err(|e| loader_error(&e))?;
    }
    if look.field("tags").exists() {
        crm.tags
            .load_many(ids.clone())
            .await
            .map_err(|e| loader_error(&e))?;
    }
    if look.field("notes").exists() {
        crm.notes
            .load_many(ids.clone())
            .await
            .map_err(|e| loader_error(&e))?;
    }
    if look.field("timeline").exists() {
        crm.timelines
            .load_many(ids)
            .await
            .map_err(|e| loader_error(&e))?;
    }
    Ok(())
}
