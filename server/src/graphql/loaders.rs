//! DataLoaders: every relation reachable from a list is fetched in one statement per batch.
//!
//! Loaders are built per request (or per websocket connection) for one caller, since
//! visibility depends on the caller. Within one HTTP request they cache, so that a listing
//! can prime them with one statement per relation (see `graphql::tickets`); on a websocket
//! connection they do not cache, because a subscription must never show a stale ticket.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::{attachment, customer, department, message, ticket, ticket_event, time_entry, user};
use sea_orm::DatabaseConnection;

use crate::domain::attachments::attachments_of_tickets;
use crate::domain::costs::time_entries::time_entries_of_tickets;
use crate::domain::scope::{find_many_in_tenant, find_visible_tickets};
use crate::domain::tickets::links_of_tickets;
use crate::domain::tickets::{history_of_tickets, message_counts, messages_of_tickets};
use crate::domain::workflows::TenantWorkflows;
use crate::domain::{Actor, DomainError};

/// The loaders of one caller.
pub struct Loaders {
    /// Users by id.
    pub users: DataLoader<UserLoader, HashMapCache>,
    /// Customers by id.
    pub customers: DataLoader<CustomerLoader, HashMapCache>,
    /// Departments by id.
    pub departments: DataLoader<DepartmentLoader, HashMapCache>,
    /// Threads by ticket id.
    pub threads: DataLoader<ThreadLoader, HashMapCache>,
    /// Message counts by ticket id.
    pub message_counts: DataLoader<MessageCountLoader, HashMapCache>,
    /// The tenant's workflows.
    pub workflows: Workflows,
    /// Ticket histories by ticket id.
    pub history: DataLoader<HistoryLoader, HashMapCache>,
    /// Time entries by ticket id.
    pub time_entries: DataLoader<TimeEntryLoader, HashMapCache>,
    /// Tickets by id, as the caller may see them.
    pub tickets: DataLoader<TicketLoader, HashMapCache>,
    /// Ids of linked tickets by ticket id.
    pub links: DataLoader<LinkLoader, HashMapCache>,
    /// Attachments by ticket id.
    pub attachments: DataLoader<AttachmentLoader, HashMapCache>,
    /// The cost of work by ticket id (supervisors only; nothing for others).
    pub ticket_costs: DataLoader<TicketCostLoader, HashMapCache>,
    /// The CRM's loaders (counts, tags, notes, timelines, meetings).
    pub crm: super::crm_loaders::CrmLoaders,
    /// Whether values are kept for the rest of the request.
    pub cached: bool,
}

/// Whether loaders keep what they load: per HTTP request yes, per websocket connection no.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caching {
    /// Keep values for the request (HTTP).
    PerRequest,
    /// Reload every time (websocket connections, which live long).
    Never,
}

impl Loaders {
    /// Loaders reading `db` on behalf of `actor`.
    #[must_use]
    pub fn new(
        db: &DatabaseConnection,
        workflows: Arc<crate::domain::workflows::WorkflowCache>,
        actor: &Actor,
        caching: Caching,
    ) -> Self {
        fn make<T: Loader<i64>>(loader: T, caching: Caching) -> DataLoader<T, HashMapCache> {
            let loader = DataLoader::with_cache(loader, tokio::spawn, HashMapCache::default());
            loader.enable_all_cache(caching == Caching::PerRequest);
            loader
        }
        let scope = Scope {
            db: db.clone(),
            actor: actor.clone(),
            workflows,
        };
        Self {
            users: make(UserLoader(scope.clone()), caching),
            customers: make(CustomerLoader(scope.clone()), caching),
            departments: make(DepartmentLoader(scope.clone()), caching),
            threads: make(ThreadLoader(scope.clone()), caching),
            message_counts: make(MessageCountLoader(scope.clone()), caching),
            history: make(HistoryLoader(scope.clone()), caching),
            time_entries: make(TimeEntryLoader(scope.clone()), caching),
            tickets: make(TicketLoader(scope.clone()), caching),
            links: make(LinkLoader(scope.clone()), caching),
            attachments: make(AttachmentLoader(scope.clone()), caching),
            ticket_costs: make(TicketCostLoader(scope.clone()), caching),
            workflows: Workflows(scope),
            crm: super::crm_loaders::CrmLoaders::new(db, actor, caching),
            cached: caching == Caching::PerRequest,
        }
    }
}

/// The database and the caller, shared by every loader of a request.
#[derive(Clone)]
pub struct Scope {
    db: DatabaseConnection,
    actor: Actor,
    /// The instance's workflows, kept across requests and connections.
    workflows: Arc<crate::domain::workflows::WorkflowCache>,
}

/// The error type of every loader (loader errors must be cloneable).
pub type LoadError = Arc<DomainError>;

/// Loads users of the caller's tenant.
pub struct UserLoader(Scope);

impl Loader<i64> for UserLoader {
    type Value = user::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        find_many_in_tenant::<user::Entity>(
            &self.0.db,
            self.0.actor.tenant_id,
            keys.iter().copied(),
        )
        .await
        .map_err(Arc::new)
    }
}

/// Loads customers of the caller's tenant.
pub struct CustomerLoader(Scope);

impl Loader<i64> for CustomerLoader {
    type Value = customer::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        find_many_in_tenant::<customer::Entity>(
            &self.0.db,
            self.0.actor.tenant_id,
            keys.iter().copied(),
        )
        .await
        .map_err(Arc::new)
    }
}

/// Loads departments of the caller's tenant.
pub struct DepartmentLoader(Scope);

impl Loader<i64> for DepartmentLoader {
    type Value = department::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        find_many_in_tenant::<department::Entity>(
            &self.0.db,
            self.0.actor.tenant_id,
            keys.iter().copied(),
        )
        .await
        .map_err(Arc::new)
    }
}

/// Loads ticket threads as the caller may see them.
pub struct ThreadLoader(Scope);

impl Loader<i64> for ThreadLoader {
    type Value = Vec<message::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        // Every key gets an entry, empty threads too, so the cache answers them next time.
        messages_of_tickets(&self.0.db, &self.0.actor, keys)
            .await
            .map_err(Arc::new)
    }
}

/// Counts ticket messages as the caller may see them.
pub struct MessageCountLoader(Scope);

impl Loader<i64> for MessageCountLoader {
    type Value = i64;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let mut counts = message_counts(&self.0.db, &self.0.actor, keys)
            .await
            .map_err(Arc::new)?;
        for key in keys {
            counts.entry(*key).or_insert(0);
        }
        Ok(counts)
    }
}

/// Loads ticket histories (staff only; empty for customers).
pub struct HistoryLoader(Scope);

impl Loader<i64> for HistoryLoader {
    type Value = Vec<ticket_event::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        history_of_tickets(&self.0.db, &self.0.actor, keys)
            .await
            .map_err(Arc::new)
    }
}

/// Loads time entries (staff only; empty for customers).
pub struct TimeEntryLoader(Scope);

impl Loader<i64> for TimeEntryLoader {
    type Value = Vec<time_entry::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        time_entries_of_tickets(&self.0.db, &self.0.actor, keys)
            .await
            .map_err(Arc::new)
    }
}

/// Loads tickets the caller may see (customers: only their own).
pub struct TicketLoader(Scope);

impl Loader<i64> for TicketLoader {
    type Value = ticket::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        find_visible_tickets(&self.0.db, &self.0.actor, keys.iter().copied())
            .await
            .map_err(Arc::new)
    }
}

/// Loads the ids of linked tickets (staff only).
pub struct LinkLoader(Scope);

impl Loader<i64> for LinkLoader {
    type Value = Vec<i64>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        links_of_tickets(&self.0.db, &self.0.actor, keys)
            .await
            .map_err(Arc::new)
    }
}

/// Loads the attachments of tickets.
pub struct AttachmentLoader(Scope);

impl Loader<i64> for AttachmentLoader {
    type Value = Vec<attachment::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        attachments_of_tickets(&self.0.db, &self.0.actor, keys)
            .await
            .map_err(Arc::new)
    }
}

/// Loads the cost of the work logged on tickets, in one statement per batch: supervisors
/// get every key (0 when no time was logged), everyone else none.
pub struct TicketCostLoader(Scope);

impl Loader<i64> for TicketCostLoader {
    type Value = rust_decimal::Decimal;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        if !self.0.actor.is_supervisor() {
            return Ok(HashMap::new());
        }
        let lines = crate::domain::costs::ticket_costs(&self.0.db, &self.0.actor, keys)
            .await
            .map_err(Arc::new)?;
        let mut costs: HashMap<i64, Self::Value> = keys
            .iter()
            .map(|key| (*key, crate::domain::costs::units_to_amount(0)))
            .collect();
        for line in lines {
            if let Some(id) = line.id {
                costs.insert(id, line.amount);
            }
        }
        Ok(costs)
    }
}

/// The caller's tenant's workflows, from the instance's cache: one value, kept across
/// requests and connections and forgotten when they change, so nothing to batch.
pub struct Workflows(Scope);

impl Workflows {
    /// The workflows of the caller's tenant.
    ///
    /// # Errors
    ///
    /// Database errors (when they are not cached yet).
    pub async fn get(&self) -> Result<Arc<TenantWorkflows>, LoadError> {
        self.0
            .workflows
            .get(&self.0.db, self.0.actor.tenant_id)
            .await
            .map_err(Arc::new)
    }
}

/// Loads `keys` through `loader` at once, without its batching delay, and keeps the values
/// for the rest of the request: for a listing that knows every key it will need (see
/// `graphql::tickets::prime_loaders`), so that the fields resolved afterwards find them.
///
/// # Errors
///
/// The loader's error.
pub async fn prime<T>(
    loader: &DataLoader<T, HashMapCache>,
    keys: impl IntoIterator<Item = i64>,
) -> async_graphql::Result<HashMap<i64, T::Value>>
where
    T: Loader<i64, Error = LoadError>,
{
    let keys: Vec<i64> = keys.into_iter().collect();
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    let values = loader
        .loader()
        .load(&keys)
        .await
        .map_err(|e| loader_error(&e))?;
    loader
        .feed_many(values.iter().map(|(k, v)| (*k, v.clone())))
        .await;
    Ok(values)
}

/// Turns a loader error into a GraphQL error.
#[must_use]
pub fn loader_error(err: &LoadError) -> async_graphql::Error {
    let err = match err.as_ref() {
        DomainError::NotFound(what) => DomainError::NotFound(what),
        _ => DomainError::internal_from("loading failed", err.clone()),
    };
    super::error::to_graphql_error(err)
}
