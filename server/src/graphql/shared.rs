//! One resolution per event for subscribers who would get the same answer.
//!
//! A ticket change on a floor of ten thousand agents was resolved ten thousand times: the
//! same selection, over the same rows, for callers who see the same thing. Subscribers
//! whose answer cannot differ share one resolution per event: the first to reach the event
//! resolves the selection with its own context (its loaders, its permissions), the others
//! await it and send a copy.
//!
//! Two subscriptions resolve an event alike when they have the same [`Sharing`]: the same
//! tenant, role, customer (for customer accounts), way of signing in and scopes (what the
//! rules of visibility and permissions read), and the same operation document, fragments
//! and variables (compared by a SHA-256 digest; the tenant and the caller's kind are
//! compared as they are, so no digest can bridge two tenants). Nothing a shared type's
//! fields show depends on who the caller is beyond that (`bellEvents`, which does, is not
//! shared). A resolution that reported an error is not shared: each subscriber then
//! resolves for itself.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::parser::types::Field;
use async_graphql::registry::Registry;
use async_graphql::{Context, ContextSelectionSet, OutputType, Positioned, ServerResult, Value};
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;

use crate::domain::Actor;

/// How many event resolutions an instance keeps: subscribers reach an event within
/// moments, and each kind of subscription on each event takes one.
const KEPT: usize = 4096;

/// What makes two subscriptions' answers to an event the same.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Sharing {
    tenant_id: i64,
    /// The caller's kind: role, customer, way of signing in and scopes, as `Debug` shows
    /// them (every field of [`Actor`] but the user's id).
    caller: String,
    /// SHA-256 of the operation, its fragments and its variables.
    document: [u8; 32],
}

impl Sharing {
    /// The sharing of the subscription `ctx` opens for `actor`. Computed once, when the
    /// subscription starts.
    #[must_use]
    pub fn of(ctx: &Context<'_>, actor: &Actor) -> Self {
        let env = ctx.query_env;
        let mut fragments: Vec<String> = env
            .fragments
            .iter()
            .map(|(name, fragment)| format!("{name}:{:?}", fragment.node))
            .collect();
        fragments.sort_unstable();
        let mut digest = Sha256::new();
        digest.update(format!("{:?}", env.operation.node).as_bytes());
        digest.update(fragments.concat().as_bytes());
        digest.update(format!("{:?}", env.variables).as_bytes());
        Self {
            tenant_id: actor.tenant_id,
            caller: format!(
                "{:?}|{:?}|{:?}|{:?}",
                actor.role, actor.customer_id, actor.method, actor.scopes
            ),
            document: digest.finalize().into(),
        }
    }
}

/// One event's resolution for one [`Sharing`]: `None` when it could not be shared.
type Slot = Arc<OnceCell<Option<Value>>>;

/// The resolutions of recent events, by event number and sharing.
#[derive(Default)]
pub struct SharedResolutions {
    inner: Mutex<Recent>,
}

#[derive(Default)]
struct Recent {
    slots: HashMap<(u64, Arc<Sharing>), Slot>,
    order: VecDeque<(u64, Arc<Sharing>)>,
}

impl SharedResolutions {
    /// The resolution of event `seq` for `sharing`, empty until its first subscriber fills
    /// it.
    #[must_use]
    pub fn slot(&self, seq: u64, sharing: &Arc<Sharing>) -> SharedSlot {
        let mut recent = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let key = (seq, Arc::clone(sharing));
        if let Some(slot) = recent.slots.get(&key) {
            return SharedSlot(Some(Arc::clone(slot)));
        }
        let slot: Slot = Arc::default();
        recent.slots.insert(key.clone(), Arc::clone(&slot));
        recent.order.push_back(key);
        while recent.order.len() > KEPT {
            if let Some(old) = recent.order.pop_front() {
                recent.slots.remove(&old);
            }
        }
        SharedSlot(Some(slot))
    }
}

/// Where a subscriber finds (or leaves) an event's shared resolution; empty for an event
/// that is not shared.
#[derive(Clone, Default)]
pub struct SharedSlot(Option<Slot>);

/// A subscription's event, resolved once per [`Sharing`]: to the schema, exactly `T`.
pub struct Shared<T> {
    /// The event.
    pub value: T,
    /// Its shared resolution.
    pub slot: SharedSlot,
}

impl<T> Shared<T> {
    /// An event resolved for each subscriber.
    pub fn alone(value: T) -> Self {
        Self {
            value,
            slot: SharedSlot::default(),
        }
    }

    /// An event resolved once for the subscribers sharing `slot`.
    pub fn with(slot: SharedSlot, value: T) -> Self {
        Self { value, slot }
    }
}

impl<T: OutputType> OutputType for Shared<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let Some(slot) = &self.slot.0 else {
            return self.value.resolve(ctx, field).await;
        };
        let errors = || {
            ctx.query_env
                .errors
                .lock()
                .map_or(usize::MAX, |errors| errors.len())
        };
        let mut own = None;
        let shared = slot
            .get_or_init(|| async {
                let before = errors();
                let resolved = self.value.resolve(ctx, field).await;
                let clean = before != usize::MAX && errors() == before;
                let kept = match &resolved {
                    Ok(value) if clean => Some(value.clone()),
                    _ => None,
                };
                own = Some(resolved);
                kept
            })
            .await;
        if let Some(resolved) = own {
            return resolved;
        }
        match shared {
            Some(value) => Ok(value.clone()),
            None => self.value.resolve(ctx, field).await,
        }
    }
}
