//! Credentials this instance has checked, kept so that a request does not read the
//! session (or API token) and its user again: a signed-in agent's board, ticket pages and
//! live feed check the same credential many times a minute.
//!
//! What is kept ends as soon as the access it grants changes: every change that ends or
//! narrows a user's access (sign-out, sign-out everywhere, deactivation, a new role, a
//! revoked token) publishes an [`crate::events::AccessEvent`] after its commit, and the
//! event bus makes every instance forget that user's credentials before their open
//! sockets check again. A session or token that expires is refused by its own end date,
//! on the injected clock. What no event announces is bounded by [`MAX_AGE`]: after it, the
//! credential is read again.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::actor::Actor;

/// How long a checked credential is trusted without reading it again.
pub const MAX_AGE: Duration = Duration::from_secs(15);

/// The most credentials kept; past it, the oldest half is dropped.
const MAX_ENTRIES: usize = 50_000;

/// What a credential is known by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CredentialKey {
    /// A session, by its id (the token's signature is checked on every request).
    Session(i64),
    /// An API token, by the SHA-256 of its secret.
    ApiToken(String),
}

/// A checked credential.
#[derive(Debug, Clone)]
pub struct Checked {
    /// Who it stands for.
    pub actor: Actor,
    /// When it stops working by itself, if it does.
    pub ends_at: Option<DateTime<Utc>>,
    /// When its use was last recorded (API tokens).
    pub last_used_at: Option<DateTime<Utc>>,
    /// The token's row (API tokens), to record its use.
    pub token_id: Option<i64>,
    checked: Instant,
}

/// The credentials this instance trusts for now.
#[derive(Debug, Default)]
pub struct CredentialCache {
    entries: Mutex<HashMap<CredentialKey, Checked>>,
    /// Bumped by every forgetting, so that a check that read the database before it is not
    /// kept.
    generation: AtomicU64,
}

impl CredentialCache {
    /// The credential `key`, if it was checked less than [`MAX_AGE`] ago and has not
    /// ended at `now`.
    #[must_use]
    pub fn get(&self, key: &CredentialKey, now: DateTime<Utc>) -> Option<Checked> {
        let mut entries = self.lock();
        let found = entries.get(key)?;
        if found.checked.elapsed() >= MAX_AGE || found.ends_at.is_some_and(|at| at <= now) {
            entries.remove(key);
            return None;
        }
        Some(found.clone())
    }

    /// The generation to pass to [`Self::keep`]: read it before reading the credential.
    #[must_use]
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Keeps a credential checked against the database, unless some access changed since
    /// `generation` was read (the check may have read what the change ended).
    pub fn keep(
        &self,
        generation: u64,
        key: CredentialKey,
        actor: Actor,
        ends_at: Option<DateTime<Utc>>,
        token: Option<(i64, Option<DateTime<Utc>>)>,
    ) {
        let mut entries = self.lock();
        if self.generation.load(Ordering::SeqCst) != generation {
            return;
        }
        if entries.len() >= MAX_ENTRIES {
            let mut ages: Vec<Instant> = entries.values().map(|e| e.checked).collect();
            ages.sort_unstable();
            let cut = ages[ages.len() / 2];
            entries.retain(|_, e| e.checked > cut);
        }
        entries.insert(
            key,
            Checked {
                actor,
                ends_at,
                last_used_at: token.and_then(|(_, at)| at),
                token_id: token.map(|(id, _)| id),
                checked: Instant::now(),
            },
        );
    }

    /// Notes that an API token's use was recorded at `at`.
    pub fn used(&self, key: &CredentialKey, at: DateTime<Utc>) {
        if let Some(found) = self.lock().get_mut(key) {
            found.last_used_at = Some(at);
        }
    }

    /// Forgets every credential of a user: their access changed.
    pub fn forget_user(&self, tenant_id: i64, user_id: i64) {
        let mut entries = self.lock();
        self.generation.fetch_add(1, Ordering::SeqCst);
        entries.retain(|_, e| !(e.actor.tenant_id == tenant_id && e.actor.user_id == user_id));
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<CredentialKey, Checked>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
