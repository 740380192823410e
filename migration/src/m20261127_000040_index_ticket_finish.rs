//! An index on when work on a ticket stopped, `COALESCE(resolved_at, closed_at)`, per
//! tenant: the backlog report counts the open tickets and those finished after an instant
//! through it, and the opened/closed report groups the closed tickets of a range by it.
//! Both databases index expressions; the queries must spell the expression the same way.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX idx_tickets_tenant_id_finished_at \
                 ON tickets (tenant_id, (COALESCE(resolved_at, closed_at)))",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS idx_tickets_tenant_id_finished_at")
            .await?;
        Ok(())
    }
}
