//! The bulk loader (`guichet seed --bulk-tickets`, the queries bench) sets indexes,
//! foreign keys, full-text triggers and connection settings aside for speed: after a load
//! the schema and settings are as before, the rows are complete (about five messages a
//! ticket), and the tenant works through the API as if it had grown by hand: search finds
//! the loaded threads and new replies, numbering continues, reports add the loaded tickets.

use chrono::Duration;
use entity::enums::TicketType;
use entity::{message, ticket, ticket_event, time_entry};
use guichet_tests::{both_backends, Backend, TestServer};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter, Statement,
};
use serde_json::json;

const TICKETS: usize = 3_000;

/// Each row of `sql`, its columns as text (NULL as the empty string).
async fn rows_of(db: &DatabaseConnection, sql: &str) -> anyhow::Result<Vec<Vec<String>>> {
    let backend = db.get_database_backend();
    let rows = db
        .query_all(Statement::from_string(backend, sql.to_owned()))
        .await?;
    let mut out = Vec::new();
    for row in rows {
        let mut columns = Vec::new();
        for at in 0.. {
            match row.try_get_by_index::<Option<String>>(at) {
                Ok(value) => columns.push(value.unwrap_or_default()),
                Err(_) => break,
            }
        }
        out.push(columns);
    }
    Ok(out)
}

/// Every index, constraint and trigger with its definition.
async fn schema(db: &DatabaseConnection) -> anyhow::Result<Vec<Vec<String>>> {
    let queries: &[&str] = match db.get_database_backend() {
        DbBackend::Postgres => &[
            "SELECT tablename::text, indexname::text, indexdef FROM pg_indexes \
             WHERE schemaname = current_schema() ORDER BY 1, 2",
            "SELECT conrelid::regclass::text, conname::text, pg_get_constraintdef(oid), \
                    convalidated::text \
             FROM pg_constraint WHERE connamespace = current_schema()::regnamespace \
             ORDER BY 1, 2",
            "SELECT tgrelid::regclass::text, tgname::text, pg_get_triggerdef(oid), tgenabled::text \
             FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2",
        ],
        _ => &["SELECT type, name, tbl_name, sql FROM sqlite_master \
                WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"],
    };
    let mut all = Vec::new();
    for sql in queries {
        all.extend(rows_of(db, sql).await?);
    }
    Ok(all)
}

/// The settings a load may change for its own connection or transaction, as every other
/// connection sees them.
async fn settings(db: &DatabaseConnection) -> anyhow::Result<Vec<Vec<String>>> {
    let queries: &[&str] = match db.get_database_backend() {
        DbBackend::Postgres => &["SELECT current_setting('synchronous_commit'), \
                    current_setting('maintenance_work_mem'), \
                    current_setting('session_replication_role')"],
        _ => &[
            "SELECT CAST(synchronous AS TEXT) FROM pragma_synchronous",
            "SELECT journal_mode FROM pragma_journal_mode",
            "SELECT CAST(foreign_keys AS TEXT) FROM pragma_foreign_keys",
            "SELECT CAST(cache_size AS TEXT) FROM pragma_cache_size",
            "SELECT CAST(temp_store AS TEXT) FROM pragma_temp_store",
        ],
    };
    let mut all = Vec::new();
    // Several times: the pool hands out different connections.
    for _ in 0..3 {
        for sql in queries {
            all.extend(rows_of(db, sql).await?);
        }
    }
    Ok(all)
}

async fn a_bulk_load_leaves_a_working_tenant_and_the_schema_as_it_was(
    backend: Backend,
) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Vrac").await?;
    let db = &server.state.services.db;
    let mut agents = Vec::new();
    for email in ["agathe@vrac.test", "bruno@vrac.test"] {
        let (id, _) = tenant.user(&server, email, "agent", None).await?;
        agents.push(id.parse::<i64>()?);
    }
    let schema_before = schema(db).await?;
    let settings_before = settings(db).await?;
    assert!(!schema_before.is_empty());

    let now = server.clock_now();
    let loaded = guichet_tests::bulk::load(db, tenant.id, &agents, TICKETS, now).await?;

    assert_eq!(
        schema(db).await?,
        schema_before,
        "indexes, keys and triggers are back"
    );
    assert_eq!(settings(db).await?, settings_before, "settings are back");

    // Counts: what the report says is in the tables; about five messages a ticket.
    let of_tenant = |c: ticket::Column| c.eq(tenant.id);
    assert_eq!(loaded.tickets, TICKETS);
    let tickets = ticket::Entity::find()
        .filter(of_tenant(ticket::Column::TenantId))
        .count(db)
        .await?;
    assert_eq!(usize::try_from(tickets)?, TICKETS);
    let messages = message::Entity::find()
        .filter(message::Column::TenantId.eq(tenant.id))
        .count(db)
        .await?;
    assert_eq!(usize::try_from(messages)?, loaded.messages);
    let per_ticket = loaded.messages * 10 / TICKETS;
    assert!(
        (45..=55).contains(&per_ticket),
        "{} messages for {TICKETS} tickets",
        loaded.messages
    );
    let events = ticket_event::Entity::find()
        .filter(ticket_event::Column::TenantId.eq(tenant.id))
        .count(db)
        .await?;
    assert_eq!(usize::try_from(events)?, loaded.events);
    let entries = time_entry::Entity::find()
        .filter(time_entry::Column::TenantId.eq(tenant.id))
        .count(db)
        .await?;
    assert_eq!(usize::try_from(entries)?, loaded.time_entries);
    assert_eq!(loaded.customers, TICKETS / 10);

    // Search finds a word only the loaded threads hold (not in subjects or descriptions).
    let admin = Some(tenant.admin_token.as_str());
    let search =
        "query($s: String!) { tickets(filter: { search: $s }, first: 5) { nodes { id number } } }";
    let found = server
        .ok(admin, search, json!({ "s": "technicien" }))
        .await?;
    let nodes = found["tickets"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!nodes.is_empty(), "search finds the loaded messages");

    // A reply written after the load is searchable too: the full-text triggers are back.
    let ticket_id = nodes[0]["id"].clone();
    server
        .ok(
            admin,
            "mutation($t: ID!) { replyToTicket(input: { ticketId: $t, body: \"Le xylophone est livré\" }) { id } }",
            json!({ "t": ticket_id }),
        )
        .await?;
    let found = server
        .ok(admin, search, json!({ "s": "xylophone" }))
        .await?;
    assert_eq!(found["tickets"]["nodes"], json!([nodes[0]]));

    // Reports add up the loaded tickets.
    let today = now.date_naive();
    let from = today - Duration::days(364);
    let created_in_range = ticket::Entity::find()
        .filter(ticket::Column::TenantId.eq(tenant.id))
        .filter(
            ticket::Column::CreatedAt.gte(from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()),
        )
        .filter(ticket::Column::CreatedAt.lt(now))
        .count(db)
        .await?;
    let report = server
        .ok(
            admin,
            "query($f: ReportFilterInput!) { ticketTimesReport(filter: $f) { tickets responded resolved } }",
            json!({ "f": { "from": from.to_string(), "to": today.to_string() } }),
        )
        .await?;
    let report = &report["ticketTimesReport"];
    assert_eq!(report["tickets"], json!(created_in_range));
    assert!(report["responded"].as_u64().unwrap_or(0) > 0, "{report}");
    assert!(report["resolved"].as_u64().unwrap_or(0) > 0, "{report}");

    // A new ticket continues the numbering after the loaded tickets of its type and year.
    let year = chrono::Datelike::year(&now);
    let prefix = server::domain::tickets::format_number(TicketType::Support, year, 0);
    let prefix = prefix.trim_end_matches('0');
    let this_year = ticket::Entity::find()
        .filter(ticket::Column::TenantId.eq(tenant.id))
        .filter(ticket::Column::Number.starts_with(prefix))
        .count(db)
        .await?;
    assert!(this_year > 0, "tickets of {year} were loaded");
    let customer = server
        .ok(admin, "{ customers(first: 1) { id } }", json!({}))
        .await?["customers"][0]["id"]
        .clone();
    let created = server
        .ok(
            admin,
            "mutation($input: CreateTicketInput!) { createTicket(input: $input) { number } }",
            json!({ "input": { "ticketType": "SUPPORT", "subject": "Après l'import",
                               "description": "Un nouveau ticket", "customerId": customer } }),
        )
        .await?;
    assert_eq!(
        created["createTicket"]["number"],
        json!(server::domain::tickets::format_number(
            TicketType::Support,
            year,
            i64::try_from(this_year)? + 1
        ))
    );
    Ok(())
}

both_backends!(a_bulk_load_leaves_a_working_tenant_and_the_schema_as_it_was);
