//! Guichet's data sets: fictional French customers, staff of every role, and tickets of
//! every type, status and priority with their discussions.
//!
//! This crate only describes data, deterministically; the server applies it through its
//! domain functions (so hashing, numbering and workflow rules hold). [`demo`] is the small
//! set behind `guichet serve --demo`; [`scaled`] multiplies customers and tickets for
//! benchmarks.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "guichet-demo";

/// A member of staff or a customer account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSeed {
    /// Sign-in address.
    pub email: String,
    /// Name shown to others.
    pub display_name: String,
    /// `admin`, `manager`, `agent` or `customer`.
    pub role: &'static str,
    /// `support`, `sales`, `technical`, `billing` or `management` for staff.
    pub department: Option<&'static str>,
    /// For customer accounts: the index of the customer in [`DataSet::customers`].
    pub customer: Option<usize>,
}

/// A CRM customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerSeed {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Company, if any.
    pub company: Option<String>,
    /// E-mail address.
    pub email: String,
    /// Phone in E.164.
    pub phone: String,
    /// `prospect`, `client` or `vip`.
    pub segment: &'static str,
    /// Street address.
    pub address: String,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: String,
}

/// A message of a ticket's thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageSeed {
    /// Written by the customer (else by the assigned agent).
    pub from_customer: bool,
    /// An internal note (agents only).
    pub internal: bool,
    /// The text.
    pub body: String,
}

/// A ticket and its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketSeed {
    /// `support`, `sales` or `inquiry`.
    pub ticket_type: &'static str,
    /// A category value (`technical`, `billing`, `new_lead`, …).
    pub category: &'static str,
    /// `low`, `normal`, `high` or `urgent`.
    pub priority: &'static str,
    /// The status the ticket ends in, reached along the workflow.
    pub status: &'static str,
    /// One line.
    pub subject: String,
    /// The request in full.
    pub description: String,
    /// Index in [`DataSet::customers`].
    pub customer: usize,
    /// Index in [`DataSet::users`] of the agent in charge, if assigned.
    pub assignee: Option<usize>,
    /// The `web`, `email`, `phone`… channel it came from.
    pub channel: &'static str,
    /// The thread, oldest first.
    pub messages: Vec<MessageSeed>,
}

/// A note on a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSeed {
    /// Index in [`DataSet::customers`].
    pub customer: usize,
    /// The text.
    pub content: String,
}

/// An interaction logged on a customer's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivitySeed {
    /// Index in [`DataSet::customers`].
    pub customer: usize,
    /// `message_received`, `email`, `call` or `visit`.
    pub kind: &'static str,
    /// `email`, `sms`, `whatsapp`, `phone`, `web`…
    pub channel: Option<&'static str>,
    /// A few words.
    pub description: String,
    /// How many days before loading it happened.
    pub days_ago: i64,
}

/// A meeting planned on a lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingSeed {
    /// What it is about.
    pub title: String,
    /// Days after loading (negative: in the past).
    pub in_days: i64,
    /// Length in minutes.
    pub duration_minutes: i32,
    /// Where, in person.
    pub location: Option<String>,
    /// Video link, remote.
    pub video_url: Option<String>,
    /// Names or e-mail addresses.
    pub attendees: Vec<String>,
}

/// A sales lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadSeed {
    /// Index in [`DataSet::customers`].
    pub customer: usize,
    /// Index in [`DataSet::users`] of the salesperson assigned.
    pub assignee: usize,
    /// `lead`, `qualified`, `proposal`, `negotiation`, `won` or `lost`.
    pub stage: &'static str,
    /// Opportunity value, a decimal string.
    pub value: &'static str,
    /// Conversion probability, 0–100.
    pub probability: i32,
    /// Where it came from.
    pub source: &'static str,
    /// A shared folder.
    pub document_url: Option<String>,
    /// For `won`: the order amount; for `lost`: the reason.
    pub outcome: Option<&'static str>,
    /// Meetings.
    pub meetings: Vec<MeetingSeed>,
}

/// The CRM part of a data set: notes, activities, tags, orders and leads.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CrmSeed {
    /// Notes.
    pub notes: Vec<NoteSeed>,
    /// Activities.
    pub activities: Vec<ActivitySeed>,
    /// Tags, by customer index.
    pub tags: Vec<(usize, &'static str)>,
    /// Orders placed outside leads (customer index, amount as a decimal string).
    pub orders: Vec<(usize, &'static str)>,
    /// Leads, in every stage.
    pub leads: Vec<LeadSeed>,
}

/// An hourly cost of a member of staff, from some days before the data is loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HourlyCostSeed {
    /// Index in [`DataSet::users`].
    pub user: usize,
    /// The amount per hour, an exact decimal (`"41.75"`).
    pub hourly_cost: &'static str,
    /// How many days before the load it applies from.
    pub days_ago: i64,
}

/// Time the assignee of a ticket logged on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeEntrySeed {
    /// Index in [`DataSet::tickets`] (the ticket has an assignee, who logs the time).
    pub ticket: usize,
    /// Minutes worked.
    pub minutes: i32,
    /// How many days before the load the work was done.
    pub days_ago: i64,
}

/// A customer's budget for the calendar month `months_ago` months before the load. The
/// planned amount is derived from what the work of that month costs, so that the demo
/// shows every case: `consumed_percent` above 100 is exceeded, between the thresholds
/// raises the 80 % alert, below stays quiet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetSeed {
    /// Index in [`DataSet::customers`].
    pub customer: usize,
    /// 0 for the current month, 1 for the previous one.
    pub months_ago: u32,
    /// The share of the planned amount the work should have consumed, in percent.
    pub consumed_percent: u32,
}

/// A customer's rating of a resolved or closed ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingSeed {
    /// Index in [`DataSet::tickets`].
    pub ticket: usize,
    /// 1 to 5 stars.
    pub stars: i32,
    /// What the customer wrote, if anything.
    pub comment: Option<String>,
}

/// A complete data set for one tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataSet {
    /// Tenant name.
    pub tenant_name: String,
    /// Tenant identifier.
    pub tenant_slug: String,
    /// Staff and customer accounts; the first is the administrator.
    pub users: Vec<UserSeed>,
    /// CRM customers.
    pub customers: Vec<CustomerSeed>,
    /// Tickets.
    pub tickets: Vec<TicketSeed>,
    /// Hourly costs of the staff, with a change mid-history.
    pub hourly_costs: Vec<HourlyCostSeed>,
    /// Time logged on tickets over the past four weeks.
    pub time_entries: Vec<TimeEntrySeed>,
    /// Customers' monthly budgets.
    pub budgets: Vec<BudgetSeed>,
    /// Satisfaction ratings.
    pub ratings: Vec<RatingSeed>,
    /// Notes, activities, tags, orders and leads.
    pub crm: CrmSeed,
}

const FIRST_NAMES: &[&str] = &[
    "Jean", "Marie", "Camille", "Luc", "Sophie", "Julien", "Claire", "Thomas", "Chloé", "Nicolas",
    "Élodie", "Antoine", "Manon", "Hugo", "Léa", "Mathieu", "Inès", "Paul", "Sarah", "Louis",
];
const LAST_NAMES: &[&str] = &[
    "Dupont", "Martin", "Bernard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent",
    "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel",
    "Girard", "Andre",
];
const COMPANIES: &[&str] = &[
    "Boulangerie du Marché",
    "Garage des Tilleuls",
    "Cabinet Moreau",
    "Atelier Lumière",
    "Fleurs & Co",
    "Librairie Le Chapitre",
    "Pharmacie Centrale",
    "Transports Girard",
    "Hôtel Belle Rive",
    "Menuiserie Roux",
];
const CITIES: &[(&str, &str)] = &[
    ("Paris", "75011"),
    ("Lyon", "69003"),
    ("Marseille", "13006"),
    ("Toulouse", "31000"),
    ("Nantes", "44000"),
    ("Bordeaux", "33000"),
    ("Lille", "59000"),
    ("Rennes", "35000"),
    ("Strasbourg", "67000"),
    ("Montpellier", "34000"),
];
const STREETS: &[&str] = &[
    "rue de la République",
    "avenue Jean Jaurès",
    "boulevard Voltaire",
    "rue Victor Hugo",
    "place du Marché",
];

/// (type, category, subject, description, customer's follow-up, agent's answer)
const TOPICS: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "support",
        "technical",
        "Impossible de se connecter au portail",
        "Depuis ce matin, le portail refuse mon mot de passe alors que je ne l'ai pas changé.",
        "J'ai réessayé depuis un autre navigateur, même résultat.",
        "Bonjour, nous avons réinitialisé votre accès : pouvez-vous réessayer ?",
    ),
    (
        "support",
        "billing",
        "Facture de mars en double",
        "J'ai reçu deux fois la facture n° 2026-0312, et les deux ont été prélevées.",
        "Le second prélèvement apparaît bien sur mon relevé.",
        "Nous avons lancé le remboursement du second prélèvement, comptez 3 à 5 jours.",
    ),
    (
        "support",
        "installation_issue",
        "La borne ne démarre pas après l'installation",
        "Le technicien est passé hier, mais la borne reste éteinte ce matin.",
        "Le voyant reste rouge, même après avoir coupé le disjoncteur.",
        "Un technicien repasse demain entre 9 h et 12 h.",
    ),
    (
        "support",
        "scheduling",
        "Décaler le rendez-vous de maintenance",
        "Je ne serai pas disponible jeudi, pouvons-nous décaler à la semaine prochaine ?",
        "Mardi matin me conviendrait parfaitement.",
        "C'est noté pour mardi 10 h.",
    ),
    (
        "support",
        "complaint",
        "Retard de livraison inacceptable",
        "Ma commande devait arriver il y a dix jours et je n'ai aucune nouvelle.",
        "Je commence à perdre patience, c'est pour un client.",
        "Toutes nos excuses : le colis est parti ce matin en express.",
    ),
    (
        "sales",
        "new_lead",
        "Intérêt pour l'offre entreprise",
        "Nous sommes une PME de 40 personnes et votre offre nous intéresse.",
        "Pouvez-vous nous envoyer une brochure ?",
        "Avec plaisir, je vous propose un appel de découverte jeudi.",
    ),
    (
        "sales",
        "quote_request",
        "Demande de devis pour 12 postes",
        "Pourriez-vous nous faire un devis pour 12 postes avec maintenance annuelle ?",
        "Nous aurions besoin du devis avant la fin du mois.",
        "Le devis vous parvient demain, avec la remise volume.",
    ),
    (
        "sales",
        "partnership_inquiry",
        "Proposition de partenariat",
        "Nous distribuons des solutions complémentaires et souhaiterions en discuter.",
        "Nous serons au salon de Lyon le mois prochain.",
        "Rencontrons-nous au salon, je bloque un créneau.",
    ),
    (
        "inquiry",
        "information",
        "Horaires d'ouverture pendant les fêtes",
        "Serez-vous ouverts entre Noël et le jour de l'an ?",
        "Merci pour votre réponse rapide.",
        "Nous sommes ouverts du lundi au vendredi, de 9 h à 17 h.",
    ),
    (
        "inquiry",
        "product_inquiry",
        "Compatibilité avec les véhicules hybrides",
        "Votre borne est-elle compatible avec une hybride rechargeable ?",
        "Et pour une puissance de 7 kW ?",
        "Oui, toutes nos bornes acceptent les hybrides rechargeables jusqu'à 22 kW.",
    ),
    (
        "inquiry",
        "other",
        "Changement d'adresse de facturation",
        "Nous déménageons le mois prochain, comment mettre à jour l'adresse ?",
        "La nouvelle adresse est 12 rue des Lilas.",
        "C'est mis à jour pour les prochaines factures.",
    ),
    (
        "support",
        "technical",
        "Erreur 500 sur l'export des données",
        "L'export CSV échoue avec une erreur 500 depuis la mise à jour.",
        "Le problème persiste cet après-midi.",
        "Le correctif est déployé, l'export fonctionne de nouveau.",
    ),
];

const STATUSES: &[&str] = &["new", "open", "pending", "resolved", "closed", "cancelled"];
const PRIORITIES: &[&str] = &["low", "normal", "high", "urgent"];
const CHANNELS: &[&str] = &["web", "email", "phone", "chat"];

fn staff() -> Vec<UserSeed> {
    let person =
        |email: &str, name: &str, role: &'static str, department: Option<&'static str>| UserSeed {
            email: email.to_owned(),
            display_name: name.to_owned(),
            role,
            department,
            customer: None,
        };
    vec![
        person(
            "admin@demo.guichet.test",
            "Alice Admin",
            "admin",
            Some("management"),
        ),
        person(
            "manager@demo.guichet.test",
            "Marc Manager",
            "manager",
            Some("support"),
        ),
        person(
            "agent@demo.guichet.test",
            "Agathe Agent",
            "agent",
            Some("support"),
        ),
        person(
            "tech@demo.guichet.test",
            "Théo Technique",
            "agent",
            Some("technical"),
        ),
        person(
            "compta@demo.guichet.test",
            "Béatrice Facturation",
            "agent",
            Some("billing"),
        ),
        person(
            "ventes@demo.guichet.test",
            "Victor Ventes",
            "agent",
            Some("sales"),
        ),
    ]
}

fn customer(index: usize, rng: &mut SmallRng) -> CustomerSeed {
    let first = FIRST_NAMES[index % FIRST_NAMES.len()];
    let last = LAST_NAMES[(index / FIRST_NAMES.len() + index * 7) % LAST_NAMES.len()];
    let (city, postal_code) = CITIES[index % CITIES.len()];
    let company = (index % 3 != 2).then(|| COMPANIES[index % COMPANIES.len()].to_owned());
    let ascii = |s: &str| -> String {
        s.to_lowercase()
            .chars()
            .map(|c| match c {
                'é' | 'è' | 'ê' => 'e',
                'ï' | 'î' => 'i',
                c => c,
            })
            .collect()
    };
    CustomerSeed {
        first_name: first.to_owned(),
        last_name: last.to_owned(),
        company,
        email: format!(
            "{}.{}{}@exemple.fr",
            ascii(first),
            ascii(last),
            if index < FIRST_NAMES.len() {
                String::new()
            } else {
                index.to_string()
            }
        ),
        phone: format!("+336{:08}", 10_000_000 + index * 7919 % 89_999_999),
        segment: ["prospect", "client", "client", "vip"][index % 4],
        address: format!(
            "{} {}",
            rng.gen_range(1..120),
            STREETS[index % STREETS.len()]
        ),
        city: city.to_owned(),
        postal_code: postal_code.to_owned(),
    }
}

fn ticket(index: usize, customers: usize, rng: &mut SmallRng) -> TicketSeed {
    let (ticket_type, category, subject, description, follow_up, answer) =
        TOPICS[index % TOPICS.len()];
    // Inquiries have no pending step in their workflow.
    let status = match STATUSES[index % STATUSES.len()] {
        "pending" if ticket_type == "inquiry" => "open",
        other => other,
    };
    let priority = PRIORITIES[(index / STATUSES.len() + index) % PRIORITIES.len()];
    // Agents by department: 2 support, 3 technical, 4 billing, 5 sales (indexes in staff()).
    let agent = match (ticket_type, category) {
        ("sales", _) => 5,
        (_, "technical" | "installation_issue") => 3,
        (_, "billing") => 4,
        _ => 2,
    };
    let assignee = (status != "new").then_some(agent);
    let mut messages = Vec::new();
    if status != "new" {
        messages.push(MessageSeed {
            from_customer: false,
            internal: false,
            body: answer.to_owned(),
        });
        messages.push(MessageSeed {
            from_customer: true,
            internal: false,
            body: follow_up.to_owned(),
        });
        if rng.gen_bool(0.5) {
            messages.push(MessageSeed {
                from_customer: false,
                internal: true,
                body: "Note interne : client à rappeler si pas de retour sous 48 h.".to_owned(),
            });
        }
        if matches!(status, "resolved" | "closed") {
            messages.push(MessageSeed {
                from_customer: true,
                internal: false,
                body: "Parfait, merci beaucoup !".to_owned(),
            });
        }
    }
    TicketSeed {
        ticket_type,
        category,
        priority,
        status,
        subject: subject.to_owned(),
        description: description.to_owned(),
        customer: (index * 5 + index / customers) % customers,
        assignee,
        channel: CHANNELS[index % CHANNELS.len()],
        messages,
    }
}

/// The demo data set: 6 staff, 12 customers (2 with accounts), 36 tickets covering every
/// type, status and priority.
#[must_use]
pub fn demo() -> DataSet {
    scaled(1)
}

/// The demo data set with `scale` times the customers and tickets (staff stay the same).
#[must_use]
pub fn scaled(scale: usize) -> DataSet {
    let scale = scale.max(1);
    let mut rng = SmallRng::seed_from_u64(2026);
    let customers: Vec<CustomerSeed> = (0..12 * scale).map(|i| customer(i, &mut rng)).collect();
    let mut users = staff();
    for (index, c) in customers.iter().take(2).enumerate() {
        users.push(UserSeed {
            email: c.email.clone(),
            display_name: format!("{} {}", c.first_name, c.last_name),
            role: "customer",
            department: None,
            customer: Some(index),
        });
    }
    let tickets: Vec<TicketSeed> = (0..36 * scale)
        .map(|i| ticket(i, customers.len(), &mut rng))
        .collect();
    let time_entries = time_entries(&tickets);
    let ratings = ratings(&tickets);
    let budgets = budgets(&tickets, customers.len());
    DataSet {
        tenant_name: "Coccinelle Services".to_owned(),
        tenant_slug: "demo".to_owned(),
        crm: crm(customers.len()),
        users,
        customers,
        tickets,
        hourly_costs: hourly_costs(),
        time_entries,
        budgets,
        ratings,
    }
}

/// The staff's hourly costs (indexes in `staff()`): set four months ago, and raised two
/// weeks ago for Agathe and ten days ago for Théo, so that costs show a change mid-history.
fn hourly_costs() -> Vec<HourlyCostSeed> {
    let cost = |user, hourly_cost, days_ago| HourlyCostSeed {
        user,
        hourly_cost,
        days_ago,
    };
    vec![
        cost(1, "55.00", 120),
        cost(2, "38.50", 120),
        cost(3, "42.00", 120),
        cost(4, "40.00", 120),
        cost(5, "45.00", 120),
        cost(2, "41.75", 14),
        cost(3, "46.20", 10),
    ]
}

/// One or two entries per assigned ticket, spread over the past four weeks.
fn time_entries(tickets: &[TicketSeed]) -> Vec<TimeEntrySeed> {
    let mut entries = Vec::new();
    for (index, ticket) in tickets.iter().enumerate() {
        if ticket.assignee.is_none() {
            continue;
        }
        let step = i64::try_from(index).unwrap_or(0);
        entries.push(TimeEntrySeed {
            ticket: index,
            minutes: 20 + i32::try_from(index * 37 % 100).unwrap_or(0),
            days_ago: 1 + step * 5 % 27,
        });
        if index % 3 == 0 {
            entries.push(TimeEntrySeed {
                ticket: index,
                minutes: 45,
                days_ago: step * 3 % 6,
            });
        }
    }
    entries
}

const RATING_COMMENTS: &[&str] = &[
    "Très réactif, merci !",
    "Problème réglé du premier coup.",
    "Correct, mais un peu long.",
    "Il a fallu relancer deux fois.",
    "Toujours pas satisfait de la réponse.",
];

/// A rating of most resolved and closed tickets, mostly good.
fn ratings(tickets: &[TicketSeed]) -> Vec<RatingSeed> {
    const STARS: [i32; 8] = [5, 4, 5, 3, 4, 2, 5, 1];
    tickets
        .iter()
        .enumerate()
        .filter(|(_, t)| matches!(t.status, "resolved" | "closed"))
        .enumerate()
        .filter(|(n, _)| n % 4 != 3)
        .map(|(n, (index, _))| {
            let stars = STARS[n % STARS.len()];
            let comment = (n % 2 == 0).then(|| {
                let position = usize::try_from(5 - stars).unwrap_or(0);
                RATING_COMMENTS[position.min(RATING_COMMENTS.len() - 1)].to_owned()
            });
            RatingSeed {
                ticket: index,
                stars,
                comment,
            }
        })
        .collect()
}

/// Budgets of this month and the last for the customers with the most tickets: one
/// exceeded, one past its 80 % alert, one comfortable, in each month.
fn budgets(tickets: &[TicketSeed], customers: usize) -> Vec<BudgetSeed> {
    let mut counts = vec![0_usize; customers];
    for ticket in tickets {
        if let Some(count) = counts.get_mut(ticket.customer) {
            *count += 1;
        }
    }
    let mut busiest: Vec<usize> = (0..customers).collect();
    busiest.sort_by_key(|c| (std::cmp::Reverse(counts[*c]), *c));
    let mut budgets = Vec::new();
    for months_ago in [0, 1] {
        for (customer, consumed_percent) in busiest.iter().copied().zip([125, 90, 45]) {
            budgets.push(BudgetSeed {
                customer,
                months_ago,
                consumed_percent,
            });
        }
    }
    budgets
}

const NOTES: &[&str] = &[
    "Client intéressé par un T3 à Paris 15e, budget à confirmer.",
    "Préfère être contacté le matin.",
    "A recommandé deux confrères ; penser à le remercier.",
    "Demande un devis détaillé avant la fin du mois.",
];
const ACTIVITIES: &[(&str, Option<&str>, &str)] = &[
    (
        "message_received",
        Some("sms"),
        "Bonjour, je souhaite un rendez-vous.",
    ),
    ("call", Some("phone"), "Appel de suivi"),
    ("email", Some("email"), "Envoi de la brochure"),
    ("visit", None, "Visite au magasin"),
    (
        "message_received",
        Some("whatsapp"),
        "Merci pour votre retour !",
    ),
];
const TAGS: &[&str] = &[
    "fidele",
    "premier-contact",
    "newsletter",
    "salon-2026",
    "parrainage",
];
const SOURCES: &[&str] = &[
    "site web",
    "salon",
    "parrainage",
    "appel entrant",
    "linkedin",
];

/// Leads in every stage (twice over), notes, activities spread over two months, tags and
/// a few orders; `customers` is the number of customers of the data set.
fn crm(customers: usize) -> CrmSeed {
    let notes = (0..customers.min(8))
        .map(|i| NoteSeed {
            customer: i,
            content: NOTES[i % NOTES.len()].to_owned(),
        })
        .collect();
    let activities = (0..customers * 2)
        .map(|i| {
            let (kind, channel, description) = ACTIVITIES[i % ACTIVITIES.len()];
            ActivitySeed {
                customer: (i * 7) % customers,
                kind,
                channel,
                description: description.to_owned(),
                // Some recent, some older than a month (seed 002's "no contact for 30 days").
                days_ago: i64::try_from((i * 5) % 60).unwrap_or(0),
            }
        })
        .collect();
    let tags = (0..customers)
        .flat_map(|i| [(i, TAGS[i % TAGS.len()]), (i, TAGS[(i + 2) % TAGS.len()])])
        .collect();
    // VIPs (every fourth customer) have many orders.
    let orders = (0..customers)
        .filter(|i| i % 4 == 3)
        .flat_map(|i| (0..6 + i % 3).map(move |k| (i, ["120.50", "89.90", "450", "1200"][k % 4])))
        .collect();
    let stages = [
        "lead",
        "qualified",
        "proposal",
        "negotiation",
        "won",
        "lost",
    ];
    let leads = (0..12)
        .map(|i| {
            let stage = stages[i % stages.len()];
            let meetings = if matches!(stage, "qualified" | "proposal" | "negotiation") {
                vec![MeetingSeed {
                    title: if i % 2 == 0 {
                        "Présentation de l'offre".to_owned()
                    } else {
                        "Point d'avancement".to_owned()
                    },
                    in_days: i64::try_from(i % 5).unwrap_or(0) + 1,
                    duration_minutes: 45,
                    location: (i % 2 == 0).then(|| "12 rue de la Paix, 75002 Paris".to_owned()),
                    video_url: (i % 2 == 1).then(|| format!("https://meet.exemple.fr/lead-{i}")),
                    attendees: vec!["Victor Ventes".to_owned(), format!("client{i}@exemple.fr")],
                }]
            } else {
                Vec::new()
            };
            LeadSeed {
                customer: (i * 5 + 1) % customers,
                assignee: 5,
                stage,
                value: ["1500", "3200.50", "12000", "780.75", "25000", "4300"][i % 6],
                probability: [10, 30, 50, 70, 100, 0][i % 6],
                source: SOURCES[i % SOURCES.len()],
                document_url: (i % 3 == 0).then(|| format!("https://drive.exemple.fr/leads/{i}")),
                outcome: match stage {
                    "won" => Some(["25000", "9800"][i % 2]),
                    "lost" => Some("Budget insuffisant"),
                    _ => None,
                },
                meetings,
            }
        })
        .collect();
    CrmSeed {
        notes,
        activities,
        tags,
        orders,
        leads,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn demo_covers_every_type_status_and_priority() {
        let data = demo();
        let types: HashSet<_> = data.tickets.iter().map(|t| t.ticket_type).collect();
        let statuses: HashSet<_> = data.tickets.iter().map(|t| t.status).collect();
        let priorities: HashSet<_> = data.tickets.iter().map(|t| t.priority).collect();
        assert_eq!(types.len(), 3);
        assert_eq!(statuses.len(), STATUSES.len());
        assert_eq!(priorities.len(), PRIORITIES.len());
        let roles: HashSet<_> = data.users.iter().map(|u| u.role).collect();
        assert_eq!(roles.len(), 4, "every role has an account");
    }

    #[test]
    fn scaled_data_has_unique_contacts() {
        let data = scaled(20);
        let emails: HashSet<_> = data.customers.iter().map(|c| c.email.as_str()).collect();
        let phones: HashSet<_> = data.customers.iter().map(|c| c.phone.as_str()).collect();
        assert_eq!(emails.len(), data.customers.len());
        assert_eq!(phones.len(), data.customers.len());
        assert!(data
            .tickets
            .iter()
            .all(|t| t.customer < data.customers.len()));
    }

    #[test]
    fn crm_covers_every_stage() {
        let data = demo();
        let stages: HashSet<_> = data.crm.leads.iter().map(|l| l.stage).collect();
        assert_eq!(stages.len(), 6);
        assert!(data.crm.leads.iter().any(|l| !l.meetings.is_empty()));
        assert!(data
            .crm
            .leads
            .iter()
            .all(|l| l.customer < data.customers.len() && data.users[l.assignee].role == "agent"));
        assert!(!data.crm.notes.is_empty() && !data.crm.activities.is_empty());
    }

    #[test]
    fn costs_change_mid_history_and_budgets_cover_every_case() {
        let data = demo();
        let agathe: Vec<_> = data.hourly_costs.iter().filter(|c| c.user == 2).collect();
        assert_eq!(agathe.len(), 2, "one change mid-history");
        assert!(data
            .time_entries
            .iter()
            .all(|e| data.tickets[e.ticket].assignee.is_some()));
        assert!(data.time_entries.iter().any(|e| e.days_ago > 14));
        assert!(data.time_entries.iter().any(|e| e.days_ago < 10));
        assert!(data.budgets.iter().any(|b| b.consumed_percent > 100));
        assert!(data
            .budgets
            .iter()
            .any(|b| (80..100).contains(&b.consumed_percent)));
        assert!(data.ratings.iter().any(|r| r.stars <= 2));
        assert!(data
            .ratings
            .iter()
            .all(|r| matches!(data.tickets[r.ticket].status, "resolved" | "closed")));
    }

    #[test]
    fn data_is_deterministic() {
        assert_eq!(demo(), demo());
    }
}
