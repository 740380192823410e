//! Bulk data for benchmarks: hundreds of thousands of tickets in minutes, written with
//! multi-row inserts straight into the tables (the domain path creates one ticket per
//! transaction, which is right for users and far too slow for a million rows).
//!
//! The rows look like real use: two years of tickets of every type, status and priority,
//! spread over customers and agents, with threads, history, ratings, logged time and SLA
//! outcomes, and ticket sequences left where the next created ticket continues. A tenant
//! may already hold tickets: numbers continue after them. Nothing else may write to the
//! tenant meanwhile (`guichet seed --bulk-tickets`, the benchmark).

use chrono::{DateTime, Datelike, Duration, Utc};
use domain::tickets::Change;
use entity::enums::{
    AuthorKind, Channel, CustomerSegment, CustomerStatus, TicketCategory, TicketEventKind,
    TicketPriority, TicketStatus, TicketType, Visibility,
};
use entity::{customer, message, ticket, ticket_event, ticket_sequence, time_entry};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};

/// Rows per `INSERT` (39 columns × 500 stays under both databases' parameter limits).
const CHUNK: usize = 500;

/// What was loaded.
#[derive(Debug, Clone, Copy)]
pub struct BulkReport {
    /// Customers inserted.
    pub customers: usize,
    /// Tickets inserted.
    pub tickets: usize,
    /// Messages inserted.
    pub messages: usize,
}

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const WORDS: [&str; 24] = [
    "chaudière",
    "fuite",
    "facture",
    "devis",
    "installation",
    "panne",
    "radiateur",
    "thermostat",
    "remboursement",
    "livraison",
    "rendez-vous",
    "garantie",
    "pompe",
    "entretien",
    "réclamation",
    "contrat",
    "compteur",
    "pression",
    "bruit",
    "odeur",
    "eau",
    "chauffage",
    "ballon",
    "filtre",
];

fn minutes(n: u64) -> Duration {
    Duration::minutes(i64::try_from(n).unwrap_or(i64::MAX / 120_000))
}

/// Loads `tickets` tickets (and `tickets / 10` customers) into tenant `tenant_id`,
/// assigned among `agents`, created over the two years before `now`.
///
/// # Errors
///
/// Database errors.
pub async fn load(
    db: &DatabaseConnection,
    tenant_id: i64,
    agents: &[i64],
    tickets: usize,
    now: DateTime<Utc>,
) -> anyhow::Result<BulkReport> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let customer_count = (tickets / 10).max(1);
    let mut customer_ids = Vec::with_capacity(customer_count);
    for start in (0..customer_count).step_by(CHUNK) {
        let rows: Vec<customer::ActiveModel> = (start..(start + CHUNK).min(customer_count))
            .map(|i| customer::ActiveModel {
                tenant_id: Set(tenant_id),
                first_name: Set(format!("Client{i}")),
                last_name: Set(format!("Nom{}", i % 997)),
                company: Set((i % 3 == 0).then(|| format!("Société {i}"))),
                email: Set(Some(format!("client{i}@bulk.test"))),
                phone: Set(None),
                status: Set(CustomerStatus::Active),
                segment: Set(match i % 10 {
                    0 => CustomerSegment::Vip,
                    1..=5 => CustomerSegment::Client,
                    _ => CustomerSegment::Prospect,
                }),
                preferred_channel: Set(Some(Channel::Email)),
                address: Set(None),
                city: Set(Some("Lyon".to_owned())),
                postal_code: Set(None),
                country: Set("FR".to_owned()),
                currency: Set("EUR".to_owned()),
                total_orders: Set(0),
                total_revenue: Set(rust_decimal::Decimal::ZERO),
                last_contact_at: Set(None),
                last_order_at: Set(None),
                metadata: Set(None),
                created_at: Set(now - Duration::days(800)),
                updated_at: Set(now - Duration::days(800)),
                archived_at: Set(None),
                ..Default::default()
            })
            .collect();
        customer::Entity::insert_many(rows).exec(db).await?;
    }
    customer_ids.extend(
        customer::Entity::find()
            .select_only()
            .column(customer::Column::Id)
            .filter(customer::Column::TenantId.eq(tenant_id))
            .into_tuple::<i64>()
            .all(db)
            .await?,
    );

    let span_minutes = 2 * 365 * 24 * 60;
    // Numbers continue after the tenant's existing tickets (the demo data, say).
    let mut sequences: std::collections::HashMap<(TicketType, i32), i64> =
        ticket_sequence::Entity::find()
            .filter(ticket_sequence::Column::TenantId.eq(tenant_id))
            .all(db)
            .await?
            .into_iter()
            .map(|s| ((s.ticket_type, s.year), s.last_value))
            .collect();
    let mut messages = 0;
    let mut next_ticket = 0;
    while next_ticket < tickets {
        let end = (next_ticket + CHUNK).min(tickets);
        let mut rows = Vec::with_capacity(end - next_ticket);
        let mut shapes = Vec::with_capacity(end - next_ticket);
        for i in next_ticket..end {
            // Older tickets first, so ids follow creation time as in real use.
            let age = span_minutes - (span_minutes * i / tickets.max(1));
            let created = now - Duration::minutes(i64::try_from(age)?);
            let ticket_type = match rng.below(10) {
                0..=5 => TicketType::Support,
                6..=8 => TicketType::Sales,
                _ => TicketType::Inquiry,
            };
            let category = match ticket_type {
                TicketType::Support => [
                    TicketCategory::Technical,
                    TicketCategory::Billing,
                    TicketCategory::InstallationIssue,
                    TicketCategory::Complaint,
                ][usize::try_from(rng.below(4))?],
                TicketType::Sales => [TicketCategory::NewLead, TicketCategory::QuoteRequest]
                    [usize::try_from(rng.below(2))?],
                TicketType::Inquiry => TicketCategory::Information,
            };
            // Recent tickets are still open; old ones are mostly finished.
            let recent = age < 60 * 24 * 14;
            let status = match (recent, rng.below(10)) {
                (true, 0..=2) => TicketStatus::New,
                (true, 3..=5) => TicketStatus::Open,
                (true, 6..=7) => TicketStatus::Pending,
                (true, _) => TicketStatus::Resolved,
                (false, 0) => TicketStatus::Cancelled,
                (false, 1) => TicketStatus::Resolved,
                (false, _) => TicketStatus::Closed,
            };
            let priority = [
                TicketPriority::Low,
                TicketPriority::Normal,
                TicketPriority::Normal,
                TicketPriority::High,
                TicketPriority::Urgent,
            ][usize::try_from(rng.below(5))?];
            let year = created.year();
            let value = sequences.entry((ticket_type, year)).or_insert(0);
            *value += 1;
            let number = crate::domain::tickets::format_number(ticket_type, year, *value);
            let (response_hours, resolution_hours) =
                crate::domain::tenants::default_sla_hours(ticket_type);
            let response_due = created + Duration::hours(i64::from(response_hours));
            let resolution_due = created + Duration::hours(i64::from(resolution_hours));
            let answered = status != TicketStatus::New;
            let first_response = answered.then(|| created + minutes(rng.below(60 * 12)));
            let finished = matches!(
                status,
                TicketStatus::Resolved | TicketStatus::Closed | TicketStatus::Cancelled
            );
            let resolved = finished.then(|| created + minutes(30 + rng.below(60 * 96)));
            let rating = (finished && rng.below(3) == 0)
                .then(|| i32::try_from(1 + rng.below(5)))
                .transpose()?;
            let word = |r: &mut Rng| WORDS[usize::try_from(r.below(24)).unwrap_or(0)];
            let subject = format!("{} {} n°{i}", word(&mut rng), word(&mut rng));
            let assignee = (!agents.is_empty() && status != TicketStatus::New)
                .then(|| agents[i % agents.len()]);
            let customer_id =
                customer_ids[usize::try_from(rng.below(u64::try_from(customer_ids.len())?))?];
            let updated = resolved.unwrap_or(created);
            rows.push(ticket::ActiveModel {
                tenant_id: Set(tenant_id),
                number: Set(number),
                ticket_type: Set(ticket_type),
                category: Set(category),
                priority: Set(priority),
                status: Set(status),
                waiting_since: Set(matches!(
                    status,
                    TicketStatus::Pending | TicketStatus::Resolved
                )
                .then_some(updated)),
                subject: Set(subject),
                description: Set(format!(
                    "Bonjour, {} {} depuis hier. Merci de votre aide.",
                    word(&mut rng),
                    word(&mut rng)
                )),
                resolution: Set(None),
                customer_id: Set(customer_id),
                assignee_id: Set(assignee),
                department_id: Set(None),
                channel: Set(Channel::Email),
                created_by: Set(None),
                response_due_at: Set(Some(response_due)),
                resolution_due_at: Set(Some(resolution_due)),
                first_response_at: Set(first_response),
                resolved_at: Set(resolved),
                closed_at: Set(
                    matches!(status, TicketStatus::Closed | TicketStatus::Cancelled)
                        .then_some(updated),
                ),
                response_breached: Set(first_response.is_some_and(|at| at > response_due)),
                resolution_breached: Set(resolved.is_some_and(|at| at > resolution_due)),
                opportunity_value: Set(None),
                sales_stage: Set(None),
                lead_source: Set(None),
                conversion_probability: Set(None),
                lead_id: Set(None),
                quote_ref: Set(None),
                satisfaction_rating: Set(rating),
                satisfaction_comment: Set(rating.map(|r| format!("Note {r}"))),
                rated_at: Set(rating.map(|_| updated)),
                last_customer_message_at: Set(Some(created)),
                last_agent_message_at: Set(first_response),
                merged_into_id: Set(None),
                auto_close_reminded_at: Set(None),
                response_warned: Set(false),
                resolution_warned: Set(false),
                created_at: Set(created),
                updated_at: Set(updated),
                ..Default::default()
            });
            shapes.push((
                created,
                first_response,
                assignee,
                customer_id,
                status,
                resolved,
            ));
        }
        let txn = db.begin().await?;
        let before: Option<i64> = ticket::Entity::find()
            .select_only()
            .column_as(ticket::Column::Id.max(), "max")
            .into_tuple::<Option<i64>>()
            .one(&txn)
            .await?
            .flatten();
        ticket::Entity::insert_many(rows).exec(&txn).await?;
        // The only writer: the new rows are those above the previous maximum, in order.
        let ids: Vec<i64> = ticket::Entity::find()
            .select_only()
            .column(ticket::Column::Id)
            .filter(ticket::Column::Id.gt(before.unwrap_or(0)))
            .order_by_asc(ticket::Column::Id)
            .into_tuple::<i64>()
            .all(&txn)
            .await?;
        anyhow::ensure!(ids.len() == shapes.len(), "unexpected ticket ids");
        let mut thread = Vec::new();
        let mut history = Vec::new();
        let mut work = Vec::new();
        let created_change = Change::Status {
            from: None,
            to: TicketStatus::New,
        }
        .encode();
        for (offset, (created, first_response, assignee, customer_id, status, resolved)) in
            shapes.into_iter().enumerate()
        {
            let ticket_id = ids[offset];
            thread.push(message::ActiveModel {
                tenant_id: Set(tenant_id),
                ticket_id: Set(ticket_id),
                author_kind: Set(AuthorKind::Customer),
                author_user_id: Set(None),
                author_customer_id: Set(Some(customer_id)),
                visibility: Set(Visibility::Public),
                body: Set(format!("Toujours {} ce matin.", WORDS[offset % 24])),
                channel: Set(Channel::Email),
                external_id: Set(None),
                created_at: Set(created),
                ..Default::default()
            });
            history.push(ticket_event::ActiveModel {
                tenant_id: Set(tenant_id),
                ticket_id: Set(ticket_id),
                actor_id: Set(None),
                kind: Set(TicketEventKind::Created),
                from_value: Set(created_change.0.clone()),
                to_value: Set(created_change.1.clone()),
                created_at: Set(created),
                ..Default::default()
            });
            if let (Some(at), Some(agent)) = (first_response, assignee) {
                thread.push(message::ActiveModel {
                    tenant_id: Set(tenant_id),
                    ticket_id: Set(ticket_id),
                    author_kind: Set(AuthorKind::Agent),
                    author_user_id: Set(Some(agent)),
                    author_customer_id: Set(None),
                    visibility: Set(Visibility::Public),
                    body: Set("Nous regardons cela tout de suite.".to_owned()),
                    channel: Set(Channel::Email),
                    external_id: Set(None),
                    created_at: Set(at),
                    ..Default::default()
                });
                work.push(time_entry::ActiveModel {
                    tenant_id: Set(tenant_id),
                    ticket_id: Set(ticket_id),
                    user_id: Set(agent),
                    minutes: Set(i32::try_from(5 + (offset * 7) % 115)?),
                    work_date: Set(at.date_naive()),
                    note: Set(None),
                    created_at: Set(at),
                    ..Default::default()
                });
            }
            if let Some(at) = resolved {
                let moved = Change::Status {
                    from: Some(TicketStatus::Open),
                    to: status,
                }
                .encode();
                history.push(ticket_event::ActiveModel {
                    tenant_id: Set(tenant_id),
                    ticket_id: Set(ticket_id),
                    actor_id: Set(assignee),
                    kind: Set(TicketEventKind::StatusChanged),
                    from_value: Set(moved.0),
                    to_value: Set(moved.1),
                    created_at: Set(at),
                    ..Default::default()
                });
            }
        }
        messages += thread.len();
        for chunk in thread.chunks(CHUNK) {
            message::Entity::insert_many(chunk.to_vec())
                .exec(&txn)
                .await?;
        }
        for chunk in history.chunks(CHUNK) {
            ticket_event::Entity::insert_many(chunk.to_vec())
                .exec(&txn)
                .await?;
        }
        for chunk in work.chunks(CHUNK) {
            time_entry::Entity::insert_many(chunk.to_vec())
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        next_ticket = end;
    }

    // New tickets continue after the loaded ones.
    for ((ticket_type, year), last_value) in sequences {
        ticket_sequence::Entity::insert(ticket_sequence::ActiveModel {
            tenant_id: Set(tenant_id),
            ticket_type: Set(ticket_type),
            year: Set(year),
            last_value: Set(last_value),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([
                ticket_sequence::Column::TenantId,
                ticket_sequence::Column::TicketType,
                ticket_sequence::Column::Year,
            ])
            .update_column(ticket_sequence::Column::LastValue)
            .to_owned(),
        )
        .exec(db)
        .await?;
    }
    Ok(BulkReport {
        customers: customer_count,
        tickets,
        messages,
    })
}
