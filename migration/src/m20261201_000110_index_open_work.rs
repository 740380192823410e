//! Writes and jobs read the open work, not the history:
//!
//! - auto-assignment counts each agent's open tickets: `(tenant_id, assignee_id, status)`
//!   replaces `(tenant_id, assignee_id)`, so the count reads the agent's open tickets in the
//!   index rather than every ticket they ever had (at a million tickets, 112 ms of
//!   PostgreSQL and ~250 000 row lookups of SQLite per ticket created);
//! - the SLA and auto-close jobs look at every tenant's tickets in a few statuses:
//!   `(status, id)` gives them those tickets, oldest first, without reading the closed
//!   ones.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE INDEX idx_tickets_tenant_id_assignee_id_status \
             ON tickets (tenant_id, assignee_id, status)",
        )
        .await?;
        db.execute_unprepared("DROP INDEX IF EXISTS idx_tickets_tenant_id_assignee_id")
            .await?;
        db.execute_unprepared("CREATE INDEX idx_tickets_status_id ON tickets (status, id)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX IF EXISTS idx_tickets_status_id")
            .await?;
        db.execute_unprepared(
            "CREATE INDEX idx_tickets_tenant_id_assignee_id ON tickets (tenant_id, assignee_id)",
        )
        .await?;
        db.execute_unprepared("DROP INDEX IF EXISTS idx_tickets_tenant_id_assignee_id_status")
            .await?;
        Ok(())
    }
}
