//! The GraphQL door: one file per area, merged in [`schema`].
//!
//! Resolvers are thin: they take the caller and services from the context, call one domain
//! function and convert the result. Relations go through the request's [`loaders`].

pub mod auth;
pub mod context;
pub mod costs;
pub mod crm_loaders;
pub mod customer_types;
pub mod customers;
pub mod directory;
pub mod enums;
pub mod error;
pub mod history;
pub mod hygiene;
pub mod integrations;
pub mod leads;
pub mod loaders;
pub mod notifications;
pub mod permissions;
pub mod presence;
pub mod reports;
pub mod schema;
pub mod settings;
pub mod shared;
pub mod team;
pub mod templates;
pub mod tickets;
pub mod types;

pub use schema::{build_schema, GuichetSchema};

/// The complexity of a list field: its children count once per item it may return
/// (`first`, else `default`, at most 100), so that a page of 100 costs 100 times one item.
#[must_use]
pub fn list_cost(first: Option<i32>, default: i32, child_complexity: usize) -> usize {
    let items = usize::try_from(first.unwrap_or(default).clamp(1, 100)).unwrap_or(1);
    items.saturating_mul(child_complexity).saturating_add(1)
}
