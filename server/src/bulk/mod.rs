//! Bulk data for benchmarks: a million tickets with five million messages in about a
//! minute, written straight into the tables at the speed of the database (the domain path
//! creates one ticket per transaction, which is right for users and far too slow for a
//! million rows).
//!
//! The rows look like real use: two years of tickets of every type, status and priority,
//! spread over customers and agents, with threads (the customer's message, the agents'
//! answers, the customer's follow-ups and thanks, internal notes: about five messages a
//! ticket), history (created, assigned, status, rating), ratings, logged time and SLA
//! outcomes, and ticket sequences left where the next created ticket continues. A tenant
//! may already hold tickets: numbers continue after them. Nothing else may write to the
//! tenant meanwhile (`guichet seed --bulk-tickets`, the benchmark).
//!
//! How: the rows are made on a thread of their own (`generate`) while the database
//! writes the previous batch, each database through its fastest door, in one
//! transaction: PostgreSQL's binary `COPY` with indexes and foreign keys rebuilt after
//! the load (`postgres`), SQLite's widest prepared multi-row `INSERT`s with the full-text
//! index filled at the end (`sqlite`). A failed load changes nothing.

mod generate;
mod postgres;
mod rows;
mod sqlite;

use chrono::{DateTime, Utc};
use entity::enums::TicketType;
use entity::{customer, ticket_sequence, user};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter, QuerySelect,
};

/// What was loaded.
#[derive(Debug, Clone, Copy)]
pub struct BulkReport {
    /// Customers inserted.
    pub customers: usize,
    /// Tickets inserted.
    pub tickets: usize,
    /// Messages inserted.
    pub messages: usize,
    /// History entries inserted.
    pub events: usize,
    /// Time entries inserted.
    pub time_entries: usize,
}

/// Where a load is, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// `tickets` of `total` tickets are written, with their threads and history.
    Rows {
        /// Written so far.
        tickets: usize,
        /// To write.
        total: usize,
    },
    /// Every row is written; indexes, keys and the full-text index are being built.
    Indexes,
}

/// Loads `tickets` tickets (and `tickets / 10` customers) into tenant `tenant_id`,
/// assigned among `agents`, created over the two years before `now`.
///
/// # Errors
///
/// Database errors, or agents that are not the tenant's users.
pub async fn load(
    db: &DatabaseConnection,
    tenant_id: i64,
    agents: &[i64],
    tickets: usize,
    now: DateTime<Utc>,
) -> anyhow::Result<BulkReport> {
    load_with_progress(db, tenant_id, agents, tickets, now, &|_| {}).await
}

/// [`load`], telling `progress` how far it is after each batch.
///
/// # Errors
///
/// Database errors, or agents that are not the tenant's users.
pub async fn load_with_progress(
    db: &DatabaseConnection,
    tenant_id: i64,
    agents: &[i64],
    tickets: usize,
    now: DateTime<Utc>,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> anyhow::Result<BulkReport> {
    // The rows name these users without a foreign key check on PostgreSQL (the keys are
    // validated once at the end, which would fail the whole load): check them first.
    let known = user::Entity::find()
        .filter(user::Column::TenantId.eq(tenant_id))
        .filter(user::Column::Id.is_in(agents.iter().copied()))
        .count(db)
        .await?;
    let mut distinct = agents.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    anyhow::ensure!(
        usize::try_from(known)? == distinct.len(),
        "the agents are not all users of tenant {tenant_id}"
    );
    let existing_customers = customer::Entity::find()
        .select_only()
        .column(customer::Column::Id)
        .filter(customer::Column::TenantId.eq(tenant_id))
        .into_tuple::<i64>()
        .all(db)
        .await?;
    // Numbers continue after the tenant's existing tickets (the demo data, say).
    let sequences = ticket_sequence::Entity::find()
        .filter(ticket_sequence::Column::TenantId.eq(tenant_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| ((s.ticket_type, s.year), s.last_value))
        .collect::<std::collections::HashMap<(TicketType, i32), i64>>();
    let customers = (tickets / 10).max(1);
    let plan = generate::Plan {
        tenant_id,
        agents: agents.to_vec(),
        tickets,
        customers,
        now,
        existing_customers,
        sequences,
        first_ids: generate::FirstIds::default(),
    };
    let summary = match db.get_database_backend() {
        DbBackend::Postgres => {
            postgres::load(db.get_postgres_connection_pool(), plan, progress).await?
        }
        DbBackend::Sqlite => sqlite::load(db.get_sqlite_connection_pool(), plan, progress).await?,
        DbBackend::MySql => anyhow::bail!("MySQL is not supported"),
    };
    Ok(BulkReport {
        customers,
        tickets,
        messages: summary.messages,
        events: summary.events,
        time_entries: summary.time_entries,
    })
}
