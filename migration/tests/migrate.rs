//! Runs the migrations on SQLite and PostgreSQL and checks that the `entity` crate agrees with
//! the tables they create.
//!
//! PostgreSQL is `postgres://postgres@127.0.0.1:5432/postgres` unless `GUICHET_TEST_PG_URL`
//! says otherwise; the test creates a fresh database there and drops it at the end. An
//! unreachable PostgreSQL fails the test.

// Test code: a failed expectation is the test failing (denied everywhere else).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{NaiveDate, TimeZone, Utc};
use entity::enums::{
    Availability, Channel, CustomerSegment, CustomerStatus, DepartmentKind, Role, TicketCategory,
    TicketPriority, TicketStatus, TicketType,
};
use entity::prelude::*;
use entity::{customer, department, tenant, ticket, user};
use migration::{Migrator, MigratorTrait};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend,
    EntityTrait, ModelTrait, NotSet, PaginatorTrait, Set, Statement,
};
use serde_json::json;

/// A name no other run uses at the same time.
fn unique_name() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_nanos();
    format!("guichet_mig_{}_{}", process::id(), nanos)
}

/// `Entity::find().all()` on every entity: fails if an entity names a column or a table the
/// migrations did not create, or a column type it cannot decode.
async fn query_every_entity(db: &DatabaseConnection) {
    macro_rules! check {
        ($($entity:ident),+ $(,)?) => {
            $(
                $entity::find()
                    .all(db)
                    .await
                    .unwrap_or_else(|e| panic!("{}: {e}", stringify!($entity)));
            )+
        };
    }
    check!(
        Tenant,
        Department,
        User,
        AgentHourlyCost,
        Customer,
        CustomerNote,
        CustomerActivity,
        CustomerTag,
        Lead,
        Meeting,
        Ticket,
        TicketSequence,
        Workflow,
        WorkflowTransition,
        SlaPolicy,
        TicketEvent,
        Message,
        Attachment,
        TimeEntry,
        Budget,
        BudgetAlert,
        Notification,
        EmailOutbox,
        ApiToken,
        Integration,
        SyncMapping,
        Session,
        ChannelOutbox,
    );
}

/// The amount used to check that money round-trips.
fn amount() -> Decimal {
    Decimal::new(12_345_678, 4) // 1234.5678
}

async fn insert_and_read_back(db: &DatabaseConnection) {
    let at = Utc.with_ymd_and_hms(2026, 11, 23, 10, 30, 0).unwrap();

    let tenant = tenant::ActiveModel {
        slug: Set("acme".into()),
        name: Set("ACME SARL".into()),
        settings: Set(json!({ "locale": "fr", "business_hours": [9, 18] })),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert tenant");

    let department = department::ActiveModel {
        tenant_id: Set(tenant.id),
        kind: Set(DepartmentKind::Support),
        name: Set("Support".into()),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert department");

    // `country`, `currency`, `total_orders` and `total_revenue` are left to their defaults.
    let customer = customer::ActiveModel {
        tenant_id: Set(tenant.id),
        first_name: Set("Camille".into()),
        last_name: Set("Martin".into()),
        company: Set(None),
        email: Set(Some("camille@example.test".into())),
        phone: Set(Some("+33612345678".into())),
        status: Set(CustomerStatus::Active),
        segment: Set(CustomerSegment::Client),
        preferred_channel: Set(Some(Channel::Email)),
        metadata: Set(Some(json!({ "source": "import", "score": 12.5 }))),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert customer");
    assert_eq!(customer.country, "FR");
    assert_eq!(customer.currency, "EUR");
    assert_eq!(customer.total_orders, 0);
    assert_eq!(customer.total_revenue, Decimal::ZERO);
    assert_eq!(customer.address, None);

    let mut revenue: customer::ActiveModel = customer.clone().into();
    revenue.total_revenue = Set(amount());
    let customer = revenue.update(db).await.expect("update customer");
    let read = Customer::find_by_id(customer.id)
        .one(db)
        .await
        .unwrap()
        .expect("customer read back");
    assert_eq!(read.total_revenue, amount(), "Decimal round trip");
    assert_eq!(read, customer);

    let agent = user::ActiveModel {
        tenant_id: Set(tenant.id),
        email: Set("agent@acme.test".into()),
        password_hash: Set(Some("$argon2id$...".into())),
        display_name: Set("Agent Smith".into()),
        role: Set(Role::Agent),
        department_id: Set(Some(department.id)),
        customer_id: Set(None),
        availability: Set(Availability::Online),
        max_open_tickets: Set(20),
        locale: Set("fr".into()),
        is_active: Set(true),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert user");

    let inserted = ticket::ActiveModel {
        id: NotSet,
        tenant_id: Set(tenant.id),
        number: Set("SUP-2026-000001".into()),
        ticket_type: Set(TicketType::Support),
        category: Set(TicketCategory::InstallationIssue),
        priority: Set(TicketPriority::High),
        status: Set(TicketStatus::Open),
        subject: Set("La chaudière ne démarre pas".into()),
        description: Set("Code erreur E42 depuis ce matin.".into()),
        resolution: Set(None),
        customer_id: Set(customer.id),
        assignee_id: Set(Some(agent.id)),
        department_id: Set(Some(department.id)),
        channel: Set(Channel::Phone),
        created_by: Set(Some(agent.id)),
        response_due_at: Set(Some(at + chrono::Duration::hours(4))),
        resolution_due_at: Set(Some(at + chrono::Duration::hours(48))),
        first_response_at: Set(None),
        resolved_at: Set(None),
        closed_at: Set(None),
        response_breached: Set(false),
        resolution_breached: Set(false),
        opportunity_value: Set(Some(amount())),
        sales_stage: Set(None),
        lead_source: Set(None),
        conversion_probability: Set(None),
        lead_id: Set(None),
        quote_ref: Set(None),
        satisfaction_rating: Set(None),
        satisfaction_comment: Set(None),
        rated_at: Set(None),
        last_customer_message_at: Set(Some(at)),
        last_agent_message_at: Set(None),
        merged_into_id: Set(None),
        auto_close_reminded_at: Set(None),
        waiting_since: Set(None),
        response_warned: Set(false),
        resolution_warned: Set(false),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(db)
    .await
    .expect("insert ticket");

    let read = Ticket::find_by_id(inserted.id)
        .one(db)
        .await
        .unwrap()
        .expect("ticket read back");
    assert_eq!(read, inserted);
    assert_eq!(read.opportunity_value, Some(amount()));
    assert_eq!(read.category, TicketCategory::InstallationIssue);
    assert_eq!(read.response_due_at, Some(at + chrono::Duration::hours(4)));

    // Relations.
    let owner = read
        .find_related(Customer)
        .one(db)
        .await
        .unwrap()
        .expect("ticket's customer");
    assert_eq!(owner.id, customer.id);
    let (_, assignee) = Ticket::find_by_id(read.id)
        .find_also_linked(ticket::AssigneeLink)
        .one(db)
        .await
        .unwrap()
        .expect("ticket");
    assert_eq!(assignee.map(|u| u.id), Some(agent.id));
    let in_support = Department::find_by_id(department.id)
        .find_with_related(User)
        .all(db)
        .await
        .unwrap();
    assert_eq!(in_support[0].1.len(), 1);
    assert_eq!(tenant.find_related(Ticket).count(db).await.unwrap(), 1);

    // A JSON value and a date round-trip too.
    let budget = entity::budget::ActiveModel {
        tenant_id: Set(tenant.id),
        customer_id: Set(customer.id),
        period_kind: Set(entity::enums::PeriodKind::Month),
        period_start: Set(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()),
        period_end: Set(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()),
        planned_amount: Set(amount()),
        currency: Set("EUR".into()),
        thresholds: Set(json!([50, 80, 100])),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert budget");
    let read = Budget::find_by_id(budget.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read, budget);
    assert_eq!(read.thresholds, json!([50, 80, 100]));

    // Foreign keys are enforced (SQLite too: sqlx turns `foreign_keys` on).
    let mut orphan: ticket::ActiveModel = inserted.clone().into();
    orphan.id = NotSet;
    orphan.number = Set("SUP-2026-000002".into());
    orphan.customer_id = Set(customer.id + 1000);
    assert!(orphan.insert(db).await.is_err(), "foreign key not enforced");

    // Unique constraints hold.
    let mut duplicate: ticket::ActiveModel = inserted.clone().into();
    duplicate.id = NotSet;
    assert!(
        duplicate.insert(db).await.is_err(),
        "ticket number not unique"
    );

    // Deleting a tenant deletes everything it owns, despite the NO ACTION foreign keys
    // between its rows (they are checked at the end of the statement).
    Tenant::delete_by_id(tenant.id)
        .exec(db)
        .await
        .expect("delete tenant");
    assert_eq!(Ticket::find().count(db).await.unwrap(), 0);
    assert_eq!(Customer::find().count(db).await.unwrap(), 0);
    assert_eq!(User::find().count(db).await.unwrap(), 0);
    assert_eq!(Budget::find().count(db).await.unwrap(), 0);
}

/// Up, check, insert and read, down (every table is gone), up again.
async fn exercise(db: &DatabaseConnection) {
    Migrator::up(db, None).await.expect("migrate up");
    assert!(Migrator::get_pending_migrations(db)
        .await
        .unwrap()
        .is_empty());
    query_every_entity(db).await;
    insert_and_read_back(db).await;

    Migrator::down(db, None).await.expect("migrate down");
    assert_eq!(Migrator::get_applied_migrations(db).await.unwrap().len(), 0);
    assert!(Ticket::find().all(db).await.is_err(), "tickets still there");
    assert!(Tenant::find().all(db).await.is_err(), "tenants still there");

    Migrator::up(db, None).await.expect("migrate up again");
    query_every_entity(db).await;
}

/// A SQLite database file in the temporary directory, removed on drop (even after a failure).
struct TempSqlite(std::path::PathBuf);

impl TempSqlite {
    fn new() -> Self {
        Self(std::env::temp_dir().join(format!("{}.sqlite", unique_name())))
    }

    fn url(&self) -> String {
        format!("sqlite://{}?mode=rwc", self.0.display())
    }
}

impl Drop for TempSqlite {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut path = self.0.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The declared type of a column of a SQLite table.
async fn sqlite_declared_type(db: &DatabaseConnection, table: &str, column: &str) -> String {
    let row = db
        .query_one(Statement::from_string(
            DbBackend::Sqlite,
            format!("SELECT type FROM pragma_table_info('{table}') WHERE name = '{column}'"),
        ))
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{table}.{column} missing"));
    row.try_get::<String>("", "type").unwrap().to_lowercase()
}

#[tokio::test]
async fn sqlite() {
    let file = TempSqlite::new();
    let db = Database::connect(file.url()).await.expect("open SQLite");

    exercise(&db).await;

    // What the schema looks like on SQLite.
    assert_eq!(sqlite_declared_type(&db, "tickets", "id").await, "integer");
    assert_eq!(
        sqlite_declared_type(&db, "tickets", "tenant_id").await,
        "bigint"
    );
    assert_eq!(
        sqlite_declared_type(&db, "customers", "total_revenue").await,
        "real"
    );
    let sql: String = db
        .query_one(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT sql FROM sqlite_master WHERE name = 'tickets'".to_owned(),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "sql")
        .unwrap();
    assert!(
        sql.to_lowercase()
            .contains(r#""id" integer not null primary key autoincrement"#),
        "{sql}"
    );

    db.close().await.unwrap();
}

/// How money behaves on SQLite: SeaORM 1.1 binds a `Decimal` as text and reads it back through
/// an `f64`, so the `real` column keeps about 15 significant digits.
#[tokio::test]
async fn sqlite_money_precision() {
    let file = TempSqlite::new();
    let db = Database::connect(file.url()).await.expect("open SQLite");
    Migrator::up(&db, None).await.unwrap();
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let tenant = tenant::ActiveModel {
        slug: Set("t".into()),
        name: Set("T".into()),
        settings: Set(json!({})),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();

    let exact = [
        "0",
        "0.0001",
        "0.1",
        "1234.5678",
        "-1234.5678",
        "19.99",
        "99999.9999",
        "123456789.1234",
        "9999999999.9999",
        "99999999999.9999",
    ];
    for (i, text) in exact.iter().enumerate() {
        let value: Decimal = text.parse().unwrap();
        let c = customer::ActiveModel {
            tenant_id: Set(tenant.id),
            first_name: Set(format!("c{i}")),
            last_name: Set("x".into()),
            status: Set(CustomerStatus::Active),
            segment: Set(CustomerSegment::Prospect),
            total_revenue: Set(value),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
        let read = Customer::find_by_id(c.id).one(&db).await.unwrap().unwrap();
        assert_eq!(read.total_revenue, value, "{text} on SQLite");
        let stored: String = db
            .query_one(Statement::from_string(
                DbBackend::Sqlite,
                format!(
                    "SELECT typeof(total_revenue) AS t FROM customers WHERE id = {}",
                    c.id
                ),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get("", "t")
            .unwrap();
        assert_eq!(stored, "real", "{text} stored as {stored}");
    }

    // Beyond an f64's precision the value comes back rounded (the largest numeric(18, 4)).
    let big: Decimal = "99999999999999.9999".parse().unwrap();
    let c = customer::ActiveModel {
        tenant_id: Set(tenant.id),
        first_name: Set("big".into()),
        last_name: Set("x".into()),
        status: Set(CustomerStatus::Active),
        segment: Set(CustomerSegment::Prospect),
        total_revenue: Set(big),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    let read = Customer::find_by_id(c.id).one(&db).await.unwrap().unwrap();
    println!("SQLite: {big} reads back as {}", read.total_revenue);
    assert_ne!(
        read.total_revenue, big,
        "SeaORM now reads SQLite decimals exactly: update the `money` doc in migration/src/columns.rs"
    );

    db.close().await.unwrap();
}

#[tokio::test]
async fn postgres() {
    let base = std::env::var("GUICHET_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let mut options = ConnectOptions::new(base.clone());
    options
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5));
    let admin = Database::connect(options)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {base} is required for this test: {e}"));
    let name = unique_name();
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create test database");

    let (without_query, query) = match base.split_once('?') {
        Some((url, query)) => (url, format!("?{query}")),
        None => (base.as_str(), String::new()),
    };
    let server = without_query
        .rsplit_once('/')
        .map(|(server, _db)| server)
        .filter(|server| !server.ends_with('/'))
        .unwrap_or(without_query);
    let url = format!("{server}/{name}{query}");

    // Run in a task so that the database is dropped even when a check fails.
    let outcome = tokio::spawn(async move {
        let db = Database::connect(&url)
            .await
            .expect("connect to the test database");
        exercise(&db).await;

        let id_default: String = db
            .query_one(Statement::from_string(
                DbBackend::Postgres,
                "SELECT data_type || ' ' || column_default AS d FROM information_schema.columns \
                 WHERE table_name = 'tickets' AND column_name = 'id'"
                    .to_owned(),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get("", "d")
            .unwrap();
        assert!(id_default.starts_with("bigint nextval("), "{id_default}");

        for (table, column, expected) in [
            ("customers", "total_revenue", "numeric(18,4)"),
            ("tickets", "opportunity_value", "numeric(18,4)"),
            ("tickets", "created_at", "timestamp with time zone"),
            ("tickets", "status", "character varying(32)"),
            ("tenants", "settings", "json"),
            ("time_entries", "work_date", "date"),
            ("tickets", "response_breached", "boolean"),
        ] {
            let found: String = db
                .query_one(Statement::from_string(
                    DbBackend::Postgres,
                    format!(
                        "SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute \
                         WHERE attrelid = '{table}'::regclass AND attname = '{column}'"
                    ),
                ))
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("{table}.{column} missing"))
                .try_get("", "t")
                .unwrap();
            assert_eq!(found, expected, "{table}.{column}");
        }

        db.close().await.unwrap();
    })
    .await;

    admin
        .execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
        .await
        .expect("drop test database");
    admin.close().await.unwrap();
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}
