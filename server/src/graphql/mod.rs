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
pub mod tickets;
pub mod types;

pub use schema::{build_schema, GuichetSchema};
