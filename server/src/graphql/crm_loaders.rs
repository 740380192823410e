//! The CRM's DataLoaders: per-customer aggregates (notes and activities counts, tags, notes,
//! timelines) and leads' meetings, each read in one statement for a whole batch through the
//! domain's tenant-scoped functions.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use async_graphql::Context;
use entity::{customer_note, meeting};
use sea_orm::DatabaseConnection;

use super::context::loaders;
use super::loaders::{Caching, LoadError};
use crate::domain::customers::{self, TimelineEntry as DomainTimelineEntry};
use crate::domain::{leads, Actor};

/// The CRM's DataLoaders of one caller (see `graphql::loaders` for the caching rules).
pub struct CrmLoaders {
    /// Notes counts by customer id.
    pub note_counts: DataLoader<NoteCountLoader, HashMapCache>,
    /// Activities counts by customer id.
    pub activity_counts: DataLoader<ActivityCountLoader, HashMapCache>,
    /// Tags by customer id.
    pub tags: DataLoader<TagLoader, HashMapCache>,
    /// Notes by customer id.
    pub notes: DataLoader<NoteLoader, HashMapCache>,
    /// Timelines by customer id.
    pub timelines: DataLoader<TimelineLoader, HashMapCache>,
    /// Meetings by lead id.
    pub meetings: DataLoader<MeetingLoader, HashMapCache>,
}

/// What every CRM loader reads with: the pool and the caller's tenant.
#[derive(Clone)]
pub struct CrmScope {
    db: DatabaseConnection,
    tenant_id: i64,
}

impl CrmLoaders {
    /// Loaders reading `db` on behalf of `actor`.
    #[must_use]
    pub fn new(db: &DatabaseConnection, actor: &Actor, caching: Caching) -> Self {
        fn make<T: Loader<i64>>(loader: T, caching: Caching) -> DataLoader<T, HashMapCache> {
            let loader = DataLoader::with_cache(loader, tokio::spawn, HashMapCache::default());
            loader.enable_all_cache(caching == Caching::PerRequest);
            loader
        }
        let scope = CrmScope {
            db: db.clone(),
            tenant_id: actor.tenant_id,
        };
        Self {
            note_counts: make(NoteCountLoader(scope.clone()), caching),
            activity_counts: make(ActivityCountLoader(scope.clone()), caching),
            tags: make(TagLoader(scope.clone()), caching),
            notes: make(NoteLoader(scope.clone()), caching),
            timelines: make(TimelineLoader(scope.clone()), caching),
            meetings: make(MeetingLoader(scope), caching),
        }
    }
}

macro_rules! crm_loader {
    ($(#[$meta:meta])* $name:ident => $value:ty, $fetch:path) => {
        $(#[$meta])*
        pub struct $name(CrmScope);

        impl Loader<i64> for $name {
            type Value = $value;
            type Error = LoadError;

            async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
                $fetch(&self.0.db, self.0.tenant_id, keys)
                    .await
                    .map_err(std::sync::Arc::new)
            }
        }
    };
}

crm_loader!(
    /// Counts notes per customer in one grouped statement.
    NoteCountLoader => i64, customers::note_counts
);
crm_loader!(
    /// Counts activities per customer in one grouped statement.
    ActivityCountLoader => i64, customers::activity_counts
);
crm_loader!(
    /// Loads customers' tags in one statement.
    TagLoader => Vec<String>, customers::tags_of_customers
);
crm_loader!(
    /// Loads customers' notes in one statement.
    NoteLoader => Vec<customer_note::Model>, customers::notes_of_customers
);
crm_loader!(
    /// Loads customers' timelines in six statements.
    TimelineLoader => Vec<DomainTimelineEntry>, customers::timelines_of_customers
);
crm_loader!(
    /// Loads leads' meetings in one statement.
    MeetingLoader => Vec<meeting::Model>, leads::meetings_of_leads
);

pub(crate) fn crm_loaders<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a CrmLoaders> {
    Ok(&loaders(ctx)?.crm)
}
