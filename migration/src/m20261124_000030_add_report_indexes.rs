//! Indexes for the reports and cost queries: each report filters tickets of a tenant by one
//! timestamp (resolved, closed, rated) or leads by creation date, and costs look up the
//! hourly cost in force for a time entry by user and date.

use sea_orm_migration::prelude::*;

use crate::columns::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `(name, table, columns)` of every index this migration adds.
const INDEXES: [(&str, &str, &[&str]); 4] = [
    (
        "idx_tickets_tenant_id_resolved_at",
        "tickets",
        &["tenant_id", "resolved_at"],
    ),
    (
        "idx_tickets_tenant_id_rated_at",
        "tickets",
        &["tenant_id", "rated_at"],
    ),
    (
        "idx_tickets_tenant_id_first_response_at",
        "tickets",
        &["tenant_id", "first_response_at"],
    ),
    (
        "idx_leads_tenant_id_created_at",
        "leads",
        &["tenant_id", "created_at"],
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, cols) in INDEXES {
            let mut stmt = index(name, Alias::new(table), [Alias::new(cols[0])], false);
            for col in &cols[1..] {
                stmt.col(Alias::new(*col));
            }
            manager.create_index(stmt).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
