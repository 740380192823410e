//! Guichet's server: a multi-tenant helpdesk and CRM behind one GraphQL API.
//!
//! The crate is layered: [`domain`] holds the rules (tenancy, roles, workflows) and knows
//! nothing of HTTP or GraphQL; [`graphql`] and [`http`] are the doors into it; [`cli`] is the
//! command line of the `guichet` binary. [`app`] builds the axum router so that tests can
//! drive the real server in-process or over a socket.

pub mod bulk;
pub mod channels;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod graphql;
pub mod http;
pub mod jobs;
pub mod state;
pub mod texts;

pub use domain;
pub use domain::{clock, events};

/// The allocator of every binary that links the server (the `guichet` binary, the tests
/// and benchmarks). glibc's malloc spent a fifth of a listing's CPU in the profile, much
/// of it on arena locks: rows are allocated on SQLite's worker threads and freed on
/// tokio's. mimalloc (built from its C source by its crate) frees across threads without
/// a shared lock, and gives freed memory back to the system.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
pub use http::app;
pub use state::AppState;
