//! Guichet's database schema, as SeaORM migrations that run on SQLite and PostgreSQL.
//!
//! `docs/data-model.md` describes the schema; the `entity` crate maps it. Run the migrations
//! with [`Migrator::up`] (from [`MigratorTrait`]). They hold no data: seeds are elsewhere.

pub use sea_orm_migration;
pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261123_000001_create_tenants_and_users;
mod m20261123_000002_create_crm;
mod m20261123_000003_create_tickets;
mod m20261123_000004_create_budgets;
mod m20261123_000005_create_notifications_and_integrations;
mod m20261123_000006_create_ticket_search;
mod m20261123_000007_add_ticket_auto_close_reminder;
mod m20261123_000008_create_ticket_links;
mod m20261123_000009_add_ticket_sla_warnings;
mod m20261123_000010_fold_accents_in_search;
mod m20261124_000020_add_crm_indexes;
mod m20261124_000030_add_report_indexes;
mod m20261127_000040_index_ticket_finish;
mod m20261127_000045_reshape_sqlite_search;
mod m20261127_000050_create_channel_outbox;
mod m20261127_000060_add_email_outbox_threading;
mod m20261201_000070_create_sessions;
mod m20261201_000080_bound_search_by_tenant;
mod m20261201_000090_add_ticket_waiting_since;
mod m20261201_000100_add_notification_preferences;
mod m20261201_000110_index_open_work;
mod m20261201_000120_create_ticket_rollups;

/// What the report rollups are made of, for the code that maintains them.
pub mod rollups {
    pub use crate::m20261201_000120_create_ticket_rollups::{
        rebuild_statements, trigger_statements, INSERT_TRIGGER, MEASURES, TRIGGERS,
    };
}

/// All of Guichet's migrations, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_tenants_and_users::Migration),
            Box::new(m20261123_000002_create_crm::Migration),
            Box::new(m20261123_000003_create_tickets::Migration),
            Box::new(m20261123_000004_create_budgets::Migration),
            Box::new(m20261123_000005_create_notifications_and_integrations::Migration),
            Box::new(m20261123_000006_create_ticket_search::Migration),
            Box::new(m20261123_000007_add_ticket_auto_close_reminder::Migration),
            Box::new(m20261123_000008_create_ticket_links::Migration),
            Box::new(m20261123_000009_add_ticket_sla_warnings::Migration),
            Box::new(m20261123_000010_fold_accents_in_search::Migration),
            Box::new(m20261124_000020_add_crm_indexes::Migration),
            Box::new(m20261124_000030_add_report_indexes::Migration),
            Box::new(m20261127_000040_index_ticket_finish::Migration),
            Box::new(m20261127_000045_reshape_sqlite_search::Migration),
            Box::new(m20261127_000050_create_channel_outbox::Migration),
            Box::new(m20261127_000060_add_email_outbox_threading::Migration),
            Box::new(m20261201_000070_create_sessions::Migration),
            Box::new(m20261201_000080_bound_search_by_tenant::Migration),
            Box::new(m20261201_000090_add_ticket_waiting_since::Migration),
            Box::new(m20261201_000100_add_notification_preferences::Migration),
            Box::new(m20261201_000110_index_open_work::Migration),
            Box::new(m20261201_000120_create_ticket_rollups::Migration),
        ]
    }
}
