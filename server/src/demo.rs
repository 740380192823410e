//! Loading a [`seeds::DataSet`] through the domain functions, so that the demo data obeys
//! the same rules (hashing, numbering, workflows) as data entered by people.

use std::collections::{HashMap, VecDeque};
use std::str::FromStr;
use std::sync::Arc;

use chrono::{Duration, Months};
use entity::enums::{
    ActivityKind, Channel, CustomerSegment, DepartmentKind, LeadStage, PeriodKind, Role,
    TicketCategory, TicketPriority, TicketStatus, TicketType,
};
use entity::{customer, tenant, user};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use seeds::{DataSet, DEMO_PASSWORD};

use crate::clock::ManualClock;
use crate::domain::costs::budgets::{
    create_budget, default_period_end, period_start_of, BudgetInput,
};
use crate::domain::costs::time_entries::log_time;
use crate::domain::costs::{cost_lines, round_cents, set_hourly_cost, CostFilter, CostGrouping};
use crate::domain::customers::{insert_customer, NewCustomer};
use crate::domain::satisfaction::rate_ticket;
use crate::domain::tenants::{create_tenant, NewTenant};
use crate::domain::tickets::{
    assign_ticket, change_ticket_priority, change_ticket_status, create_ticket, reply_to_ticket,
    NewTicket,
};
use crate::domain::users::{insert_user, NewUser};
use crate::domain::workflows::default_transitions;
use crate::domain::{customers, leads};
use crate::domain::{Actor, AuthMethod, DomainError, DomainResult, Scope, Services};

/// A sign-in of the loaded data set, to print for the person who asked for the demo.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    /// Role.
    pub role: String,
    /// E-mail address.
    pub email: String,
    /// Password.
    pub password: String,
}

/// What loading did.
#[derive(Debug, Clone)]
pub struct LoadReport {
    /// The tenant's identifier.
    pub tenant_slug: String,
    /// Whether the tenant already existed (then nothing was loaded).
    pub already_loaded: bool,
    /// One sign-in per account.
    pub logins: Vec<DemoLogin>,
    /// Tickets created.
    pub tickets: usize,
}

fn parse<T: FromStr>(what: &'static str, value: &str) -> DomainResult<T> {
    value
        .parse()
        .map_err(|_| DomainError::internal(format!("seed has an unknown {what} '{value}'")))
}

/// Whether the database holds no tenant yet.
///
/// # Errors
///
/// Database errors.
pub async fn database_is_empty(svc: &Services) -> DomainResult<bool> {
    Ok(tenant::Entity::find().count(&svc.db).await? == 0)
}

/// Loads `data` as a new tenant. Idempotent: when the tenant exists already, nothing is
/// written. History is spread over the past weeks with a clock of its own, so the demo
/// shows realistic dates.
///
/// # Errors
///
/// Any domain error of the operations it runs.
pub async fn load_data_set(svc: &Services, data: &DataSet) -> DomainResult<LoadReport> {
    let logins = data
        .users
        .iter()
        .map(|u| DemoLogin {
            role: u.role.to_owned(),
            email: u.email.clone(),
            password: DEMO_PASSWORD.to_owned(),
        })
        .collect();
    if tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(&data.tenant_slug))
        .one(&svc.db)
        .await?
        .is_some()
    {
        return Ok(LoadReport {
            tenant_slug: data.tenant_slug.clone(),
            already_loaded: true,
            logins,
            tickets: 0,
        });
    }
    let real_now = svc.now();
    let clock = ManualClock::new(real_now - Duration::days(30));
    let seeding = Services {
        clock: Arc::new(clock.clone()),
        ..svc.clone()
    };

    let admin_seed = data
        .users
        .first()
        .ok_or_else(|| DomainError::internal("data set without users"))?;
    let (tenant, admin) = create_tenant(
        &seeding.db,
        NewTenant {
            name: data.tenant_name.clone(),
            slug: Some(data.tenant_slug.clone()),
            admin_email: admin_seed.email.clone(),
            admin_password: DEMO_PASSWORD.to_owned(),
            admin_name: admin_seed.display_name.clone(),
        },
        seeding.now(),
    )
    .await?;

    let mut customers: Vec<customer::Model> = Vec::with_capacity(data.customers.len());
    for c in &data.customers {
        customers.push(
            insert_customer(
                &seeding.db,
                tenant.id,
                NewCustomer {
                    first_name: c.first_name.clone(),
                    last_name: c.last_name.clone(),
                    company: c.company.clone(),
                    email: Some(c.email.clone()),
                    phone: Some(c.phone.clone()),
                    segment: Some(parse::<CustomerSegment>("segment", c.segment)?),
                    preferred_channel: Some(Channel::Email),
                    address: Some(c.address.clone()),
                    city: Some(c.city.clone()),
                    postal_code: Some(c.postal_code.clone()),
                    ..Default::default()
                },
                seeding.now(),
            )
            .await?,
        );
    }

    let mut users: Vec<user::Model> = vec![admin];
    for u in data.users.iter().skip(1) {
        users.push(
            insert_user(
                &seeding.db,
                tenant.id,
                NewUser {
                    email: u.email.clone(),
                    password: Some(DEMO_PASSWORD.to_owned()),
                    display_name: u.display_name.clone(),
                    role: parse::<Role>("role", u.role)?,
                    department: u
                        .department
                        .map(|d| parse::<DepartmentKind>("department", d))
                        .transpose()?,
                    customer_id: u.customer.and_then(|i| customers.get(i)).map(|c| c.id),
                    max_open_tickets: 25,
                },
                seeding.now(),
            )
            .await?,
        );
    }
    let actor_of = |u: &user::Model| Actor {
        tenant_id: u.tenant_id,
        user_id: u.id,
        role: u.role,
        customer_id: u.customer_id,
        method: AuthMethod::Internal,
        scopes: vec![Scope::Read, Scope::Write],
    };
    let admin_actor = actor_of(&users[0]);
    // Every customer writes as themselves: those without a sign-in get an account without
    // password (as customers who write by e-mail have), so their messages are theirs.
    let mut customer_accounts: HashMap<usize, Actor> = data
        .users
        .iter()
        .zip(&users)
        .filter_map(|(seed, model)| seed.customer.map(|i| (i, actor_of(model))))
        .collect();
    for (index, c) in customers.iter().enumerate() {
        if customer_accounts.contains_key(&index) {
            continue;
        }
        let account = insert_user(
            &seeding.db,
            tenant.id,
            NewUser {
                email: c.email.clone().unwrap_or_default(),
                password: None,
                display_name: crate::domain::customers::display_name(c),
                role: Role::Customer,
                department: None,
                customer_id: Some(c.id),
                max_open_tickets: 0,
            },
            seeding.now(),
        )
        .await?;
        customer_accounts.insert(index, actor_of(&account));
    }

    let mut ticket_ids = Vec::with_capacity(data.tickets.len());
    for (index, t) in data.tickets.iter().enumerate() {
        clock.set(
            real_now - Duration::days(30)
                + Duration::minutes(i64::try_from(index).unwrap_or(0) * 50),
        );
        let ticket_type = parse::<TicketType>("ticket type", t.ticket_type)?;
        let agent = t.assignee.and_then(|i| users.get(i)).map(actor_of);
        let channel = parse::<Channel>("channel", t.channel)?;
        let priority = parse::<TicketPriority>("priority", t.priority)?;
        // Customers with an account open their web tickets themselves; staff record the
        // others (phone, e-mail, chats) and triage the priority, as in real use.
        let opener = match customer_accounts.get(&t.customer) {
            Some(customer) if channel == Channel::Web => customer.clone(),
            _ => admin_actor.clone(),
        };
        let created = create_ticket(
            &seeding,
            &opener,
            NewTicket {
                ticket_type,
                category: Some(parse::<TicketCategory>("category", t.category)?),
                priority: Some(priority),
                subject: t.subject.clone(),
                description: t.description.clone(),
                customer_id: customers.get(t.customer).map(|c| c.id),
                channel: Some(channel),
                origin: None,
            },
        )
        .await?;
        if created.priority != priority {
            change_ticket_priority(&seeding, &admin_actor, created.id, priority).await?;
        }
        ticket_ids.push(created.id);
        if let Some(agent) = &agent {
            assign_ticket(&seeding, &admin_actor, created.id, Some(agent.user_id)).await?;
        }
        let target = parse::<TicketStatus>("status", t.status)?;
        let path = status_path(ticket_type, TicketStatus::New, target);
        let staff = agent.clone().unwrap_or_else(|| admin_actor.clone());
        // Open the ticket before the conversation, finish the path after it.
        let split = path
            .iter()
            .position(|s| *s == TicketStatus::Open)
            .map_or(0, |p| p + 1);
        for status in &path[..split] {
            clock.advance(Duration::minutes(7));
            change_ticket_status(&seeding, &staff, created.id, *status).await?;
        }
        for m in &t.messages {
            clock.advance(Duration::minutes(23));
            let author = if m.from_customer {
                customer_accounts.get(&t.customer).unwrap_or(&staff)
            } else {
                &staff
            };
            reply_to_ticket(
                &seeding,
                author,
                created.id,
                &m.body,
                m.internal && !m.from_customer,
            )
            .await?;
        }
        for status in &path[split..] {
            clock.advance(Duration::minutes(11));
            change_ticket_status(&seeding, &staff, created.id, *status).await?;
        }
    }
    clock.set(real_now);
    let people = DemoPeople {
        admin: &admin_actor,
        users: &users,
        customers: &customers,
        customer_accounts: &customer_accounts,
        ticket_ids: &ticket_ids,
    };
    load_costs_and_ratings(&seeding, data, &people).await?;
    clock.set(real_now);
    load_crm(&seeding, &admin_actor, &users, &customers, data, real_now).await?;
    Ok(LoadReport {
        tenant_slug: tenant.slug,
        already_loaded: false,
        logins,
        tickets: data.tickets.len(),
    })
}

/// Loads the CRM part of a data set: notes, activities, tags, orders, leads in every stage
/// with their meetings, through the same domain functions as the API.
async fn load_crm(
    svc: &Services,
    admin: &Actor,
    users: &[user::Model],
    customers: &[customer::Model],
    data: &DataSet,
    now: chrono::DateTime<chrono::Utc>,
) -> DomainResult<()> {
    let customer_id = |index: usize| {
        customers
            .get(index)
            .map(|c| c.id)
            .ok_or_else(|| DomainError::internal(format!("seed has no customer {index}")))
    };
    for note in &data.crm.notes {
        customers::add_note(svc, admin, customer_id(note.customer)?, &note.content).await?;
    }
    for a in &data.crm.activities {
        customers::log_activity(
            svc,
            admin,
            customer_id(a.customer)?,
            customers::NewActivity {
                kind: parse::<ActivityKind>("activity kind", a.kind)?,
                channel: a
                    .channel
                    .map(|c| parse::<Channel>("channel", c))
                    .transpose()?,
                description: Some(a.description.clone()),
                metadata: None,
                occurred_at: Some(now - Duration::days(a.days_ago)),
            },
        )
        .await?;
    }
    for (index, tag) in &data.crm.tags {
        customers::add_tags(svc, admin, customer_id(*index)?, &[(*tag).to_owned()]).await?;
    }
    for (index, amount) in &data.crm.orders {
        customers::record_order(
            svc,
            admin,
            customer_id(*index)?,
            parse::<Decimal>("amount", amount)?,
        )
        .await?;
    }
    for l in &data.crm.leads {
        let stage = parse::<LeadStage>("stage", l.stage)?;
        let open_stage = match stage {
            LeadStage::Won | LeadStage::Lost => LeadStage::Negotiation,
            other => other,
        };
        let created = leads::create_lead(
            svc,
            admin,
            leads::NewLead {
                customer_id: customer_id(l.customer)?,
                owner_id: Some(admin.user_id),
                assignee_id: users.get(l.assignee).map(|u| u.id),
                stage: Some(open_stage),
                opportunity_value: Some(parse::<Decimal>("value", l.value)?),
                currency: None,
                conversion_probability: Some(l.probability),
                source: Some(l.source.to_owned()),
                document_url: l.document_url.clone(),
            },
        )
        .await?;
        for m in &l.meetings {
            leads::schedule_meeting(
                svc,
                admin,
                leads::NewMeeting {
                    lead_id: created.id,
                    title: m.title.clone(),
                    scheduled_at: now + Duration::days(m.in_days),
                    duration_minutes: m.duration_minutes,
                    location: m.location.clone(),
                    video_url: m.video_url.clone(),
                    attendees: m.attendees.clone(),
                    notes: None,
                },
            )
            .await?;
        }
        match (stage, l.outcome) {
            (LeadStage::Won, Some(amount)) => {
                leads::win_lead(svc, admin, created.id, parse::<Decimal>("amount", amount)?)
                    .await?;
            }
            (LeadStage::Lost, reason) => {
                leads::lose_lead(svc, admin, created.id, reason.unwrap_or("Perdu")).await?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// What the loaded tenant is made of, by seed index.
struct DemoPeople<'a> {
    admin: &'a Actor,
    users: &'a [user::Model],
    customers: &'a [customer::Model],
    customer_accounts: &'a HashMap<usize, Actor>,
    ticket_ids: &'a [i64],
}

fn seed_index_error(what: &str, index: usize) -> DomainError {
    DomainError::internal(format!("seed refers to a missing {what} #{index}"))
}

/// Hourly costs, time entries, ratings, then budgets sized on what the work cost (so that
/// creating them raises the alerts a real tenant would have had).
async fn load_costs_and_ratings(
    svc: &Services,
    data: &DataSet,
    people: &DemoPeople<'_>,
) -> DomainResult<()> {
    let today = svc.now().date_naive();
    let actor_of = |u: &user::Model| Actor {
        tenant_id: u.tenant_id,
        user_id: u.id,
        role: u.role,
        customer_id: u.customer_id,
        method: AuthMethod::Internal,
        scopes: vec![Scope::Read, Scope::Write],
    };
    for cost in &data.hourly_costs {
        let user = people
            .users
            .get(cost.user)
            .ok_or_else(|| seed_index_error("user", cost.user))?;
        let amount = Decimal::from_str(cost.hourly_cost)
            .map_err(|_| DomainError::internal(format!("bad seed cost '{}'", cost.hourly_cost)))?;
        set_hourly_cost(
            svc,
            people.admin,
            user.id,
            amount,
            today - Duration::days(cost.days_ago),
        )
        .await?;
    }
    for entry in &data.time_entries {
        let ticket = data
            .tickets
            .get(entry.ticket)
            .ok_or_else(|| seed_index_error("ticket", entry.ticket))?;
        let (Some(user), Some(ticket_id)) = (
            ticket.assignee.and_then(|i| people.users.get(i)),
            people.ticket_ids.get(entry.ticket),
        ) else {
            continue;
        };
        log_time(
            svc,
            &actor_of(user),
            *ticket_id,
            entry.minutes,
            Some(today - Duration::days(entry.days_ago)),
            None,
        )
        .await?;
    }
    for rating in &data.ratings {
        let ticket = data
            .tickets
            .get(rating.ticket)
            .ok_or_else(|| seed_index_error("ticket", rating.ticket))?;
        let (Some(customer), Some(ticket_id)) = (
            people.customer_accounts.get(&ticket.customer),
            people.ticket_ids.get(rating.ticket),
        ) else {
            continue;
        };
        rate_ticket(
            svc,
            customer,
            *ticket_id,
            rating.stars,
            rating.comment.as_deref(),
        )
        .await?;
    }
    let this_month = period_start_of(PeriodKind::Month, today);
    for budget in &data.budgets {
        let customer = people
            .customers
            .get(budget.customer)
            .ok_or_else(|| seed_index_error("customer", budget.customer))?;
        let start = this_month
            .checked_sub_months(Months::new(budget.months_ago))
            .unwrap_or(this_month);
        let filter = CostFilter {
            from: Some(start),
            to: Some(default_period_end(PeriodKind::Month, start)),
            customer_id: Some(customer.id),
            ..CostFilter::default()
        };
        let spent: Decimal =
            cost_lines(&svc.db, customer.tenant_id, CostGrouping::Customer, &filter)
                .await?
                .iter()
                .map(|line| line.amount)
                .sum();
        let planned = if spent.is_zero() {
            Decimal::from(500)
        } else {
            round_cents(spent * Decimal::from(100) / Decimal::from(budget.consumed_percent.max(1)))
        };
        create_budget(
            svc,
            people.admin,
            customer.id,
            &BudgetInput {
                period_kind: PeriodKind::Month,
                period_start: start,
                period_end: None,
                planned_amount: planned,
                thresholds: None,
            },
        )
        .await?;
    }
    Ok(())
}

/// The shortest chain of moves from `from` to `to` in the default workflow of a type.
fn status_path(ticket_type: TicketType, from: TicketStatus, to: TicketStatus) -> Vec<TicketStatus> {
    let moves = default_transitions(ticket_type);
    let mut previous: HashMap<TicketStatus, TicketStatus> = HashMap::new();
    let mut queue = VecDeque::from([from]);
    while let Some(current) = queue.pop_front() {
        if current == to {
            break;
        }
        for (a, b) in &moves {
            if *a == current && *b != from && !previous.contains_key(b) {
                previous.insert(*b, current);
                queue.push_back(*b);
            }
        }
    }
    let mut path = Vec::new();
    let mut cursor = to;
    while cursor != from {
        path.push(cursor);
        match previous.get(&cursor) {
            Some(p) => cursor = *p,
            None => return Vec::new(),
        }
    }
    path.reverse();
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_the_default_workflows() {
        use TicketStatus::{Cancelled, Closed, New, Open, Pending, Resolved};
        assert_eq!(
            status_path(TicketType::Support, New, Closed),
            vec![Open, Resolved, Closed]
        );
        assert_eq!(
            status_path(TicketType::Support, New, Pending),
            vec![Open, Pending]
        );
        assert_eq!(
            status_path(TicketType::Inquiry, New, Cancelled),
            vec![Open, Cancelled]
        );
        assert!(
            status_path(TicketType::Inquiry, New, Pending).is_empty(),
            "inquiries have no pending"
        );
        assert!(status_path(TicketType::Sales, New, New).is_empty());
    }
}
