//! The black-box suites in one test binary, so that the whole server is linked once: one
//! module per area. Run one test with `cargo test -p guichet-tests --test suite -- crm::leads`
//! (a name filter), the SQLite half without PostgreSQL or Chromium with
//! `cargo test -p guichet-tests --test suite -- sqlite --skip browser`.

// Test code: a failed expectation is the test failing (denied everywhere else).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod attachments;
mod board_columns;
mod board_queries;
mod browser;
mod browser_board;
mod browser_budgets_live;
mod browser_integrations;
mod browser_live;
mod browser_notifications;
mod browser_reports;
mod bulk;
mod channels;
mod constraints;
mod costs;
mod crm;
mod demo_data;
mod hostile_input;
mod isolation;
mod jobs;
mod live;
mod live_across_instances;
mod live_budgets;
mod live_nats;
mod mail;
mod notifications;
mod permissions;
mod properties;
mod query_plans;
mod reports;
mod rollups;
mod schema;
mod shutdown;
mod sockets;
mod spa_delivery;
mod ticket_lifecycle;
mod tickets_api;
mod write_costs;
