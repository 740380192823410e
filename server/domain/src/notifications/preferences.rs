//! Who hears of what, and how: per event, the ways a user is told (the bell, a mail, a
//! Telegram push for linked staff), their working hours (mails wait for them, breaches
//! excepted) and the daily digest. A user's choices override the tenant's defaults, which
//! override Guichet's.
//!
//! Both are stored as sparse JSON: a user's in `users.notification_settings`, the tenant's
//! in `tenants.settings` under `notifications`. A choice left out follows the level below.

use std::collections::BTreeMap;

use entity::enums::{NotificationKind, Role};
use entity::{tenant, user};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::calendar::{settings_of, BusinessCalendar, CalendarSettings, OpeningInterval};
use crate::error::{DomainError, DomainResult};
use crate::permissions::Permission;
use crate::scope::find_in_tenant;
use crate::Services;

/// The key of the tenant's defaults in `tenants.settings`.
pub const TENANT_KEY: &str = "notifications";

/// The events staff choose about, in the order the profile lists them.
pub const STAFF_EVENTS: [NotificationKind; 7] = [
    NotificationKind::TicketCreated,
    NotificationKind::MessageAdded,
    NotificationKind::TicketAssigned,
    NotificationKind::Mentioned,
    NotificationKind::SlaWarning,
    NotificationKind::SlaBreached,
    NotificationKind::BudgetAlert,
];

/// The events a customer's portal account chooses about.
pub const CUSTOMER_EVENTS: [NotificationKind; 1] = [NotificationKind::StatusChanged];

/// The events `role` may choose about.
#[must_use]
pub fn events_for(role: Role) -> &'static [NotificationKind] {
    if role == Role::Customer {
        &CUSTOMER_EVENTS
    } else {
        &STAFF_EVENTS
    }
}

/// A way of telling someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// The bell in the app.
    InApp,
    /// A mail.
    Email,
    /// A Telegram push (staff who linked their account).
    Telegram,
}

/// The ways an event reaches someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ways {
    /// The bell.
    pub in_app: bool,
    /// A mail.
    pub email: bool,
    /// A Telegram push.
    pub telegram: bool,
}

impl Ways {
    /// Whether `way` is on.
    #[must_use]
    pub const fn has(self, way: Way) -> bool {
        match way {
            Way::InApp => self.in_app,
            Way::Email => self.email,
            Way::Telegram => self.telegram,
        }
    }

    fn overlaid(self, choice: Option<&WaysChoice>) -> Self {
        let Some(choice) = choice else { return self };
        Self {
            in_app: choice.in_app.unwrap_or(self.in_app),
            email: choice.email.unwrap_or(self.email),
            telegram: choice.telegram.unwrap_or(self.telegram),
        }
    }
}

/// A choice about one event; a way left out follows the level below.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WaysChoice {
    /// The bell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_app: Option<bool>,
    /// A mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<bool>,
    /// A Telegram push.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telegram: Option<bool>,
}

/// Notification choices, as stored (a user's, or the tenant's defaults).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Preferences {
    /// Per event (`NotificationKind` value), the ways chosen.
    #[serde(default)]
    pub events: BTreeMap<String, WaysChoice>,
    /// Working hours, in the tenant's time zone; outside them mails wait (breaches go at
    /// once). `None` follows the level below, in the end the tenant's business hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_hours: Option<Vec<OpeningInterval>>,
    /// Whether the daily digest is sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<bool>,
}

impl Preferences {
    /// Choices read from stored JSON; anything unreadable counts as no choice.
    #[must_use]
    pub fn from_json(value: Option<&serde_json::Value>) -> Self {
        value
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default()
    }

    /// The tenant's defaults, stored in its settings.
    #[must_use]
    pub fn of_tenant(found: &tenant::Model) -> Self {
        Self::from_json(found.settings.get(TENANT_KEY))
    }
}

/// Guichet's own defaults: the bell for everything; a mail for what is addressed to the
/// user in person (assignment, mention, breach, budget); a Telegram
/// push for what the chat was made for (new tickets and replies, assignment, mention,
/// breach).
#[must_use]
pub const fn builtin(kind: NotificationKind) -> Ways {
    let (email, telegram) = match kind {
        NotificationKind::TicketCreated | NotificationKind::MessageAdded => (false, true),
        NotificationKind::TicketAssigned
        | NotificationKind::Mentioned
        | NotificationKind::SlaBreached => (true, true),
        NotificationKind::BudgetAlert | NotificationKind::Digest => (true, false),
        // The customer's address is mailed anyway (the rating request, the closing mail).
        NotificationKind::StatusChanged
        | NotificationKind::SlaWarning
        | NotificationKind::System => (false, false),
    };
    Ways {
        in_app: !matches!(kind, NotificationKind::Digest),
        email,
        telegram,
    }
}

/// The ways `kind` reaches a user with `user` choices in a tenant with `tenant` defaults.
#[must_use]
pub fn effective(kind: NotificationKind, tenant: &Preferences, user: &Preferences) -> Ways {
    builtin(kind)
        .overlaid(tenant.events.get(kind.as_str()))
        .overlaid(user.events.get(kind.as_str()))
}

/// Whether the digest goes to a user (off unless chosen).
#[must_use]
pub fn wants_digest(tenant: &Preferences, user: &Preferences) -> bool {
    user.digest.or(tenant.digest).unwrap_or(false)
}

/// The calendar of a user's working hours: theirs, else the tenant's default, else the
/// tenant's business hours; in the tenant's time zone, with its holidays.
#[must_use]
pub fn working_calendar(
    business: &CalendarSettings,
    tenant: &Preferences,
    user: &Preferences,
) -> BusinessCalendar {
    let hours = user
        .working_hours
        .clone()
        .or_else(|| tenant.working_hours.clone())
        .unwrap_or_else(|| business.opening_hours.clone());
    BusinessCalendar::new(&CalendarSettings {
        timezone: business.timezone.clone(),
        opening_hours: hours,
        holidays: business.holidays.clone(),
    })
    .unwrap_or_default()
}

/// A user's effective choices, as the profile shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectivePreferences {
    /// Per event the user may choose about, the ways in force.
    pub events: Vec<(NotificationKind, Ways)>,
    /// The working hours in force (empty: around the clock).
    pub working_hours: Vec<OpeningInterval>,
    /// Whether the user set their own working hours.
    pub own_working_hours: bool,
    /// Whether the digest is sent.
    pub digest: bool,
    /// The tenant's time zone, in which the hours are read.
    pub timezone: String,
}

fn effective_for(
    role: Role,
    business: &CalendarSettings,
    tenant: &Preferences,
    user: &Preferences,
) -> EffectivePreferences {
    EffectivePreferences {
        events: events_for(role)
            .iter()
            .map(|kind| (*kind, effective(*kind, tenant, user)))
            .collect(),
        working_hours: user
            .working_hours
            .clone()
            .or_else(|| tenant.working_hours.clone())
            .unwrap_or_else(|| business.opening_hours.clone()),
        own_working_hours: user.working_hours.is_some(),
        digest: wants_digest(tenant, user) && role != Role::Customer,
        timezone: business.timezone.clone(),
    }
}

/// A change of choices; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct PreferencesChange {
    /// Per event, the ways chosen (replacing the earlier choice about that event).
    pub events: Vec<(NotificationKind, WaysChoice)>,
    /// New working hours: `Some(None)` goes back to the default.
    pub working_hours: Option<Option<Vec<OpeningInterval>>>,
    /// The digest on or off.
    pub digest: Option<bool>,
}

fn apply(
    mut stored: Preferences,
    change: PreferencesChange,
    allowed: &[NotificationKind],
) -> DomainResult<Preferences> {
    for (kind, choice) in change.events {
        if !allowed.contains(&kind) {
            return Err(DomainError::validation(
                "events",
                format!("`{}` is not an event you can choose about", kind.as_str()),
            ));
        }
        stored.events.insert(kind.as_str().to_owned(), choice);
    }
    if let Some(hours) = change.working_hours {
        if let Some(hours) = &hours {
            if hours.is_empty() {
                return Err(DomainError::validation(
                    "workingHours",
                    "give at least one interval, or go back to the default",
                ));
            }
            BusinessCalendar::new(&CalendarSettings {
                timezone: "UTC".into(),
                opening_hours: hours.clone(),
                holidays: Vec::new(),
            })
            .map_err(|e| match e {
                DomainError::Validation { message, .. } => {
                    DomainError::validation("workingHours", message)
                }
                other => other,
            })?;
        }
        stored.working_hours = hours;
    }
    if let Some(digest) = change.digest {
        stored.digest = Some(digest);
    }
    Ok(stored)
}

/// The caller's notification choices in force.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for an API token without `read`; database errors.
pub async fn my_preferences(svc: &Services, actor: &Actor) -> DomainResult<EffectivePreferences> {
    actor.require(Permission::ViewOwnAccount)?;
    preferences_of(svc, actor).await
}

/// The caller's choices in force; the caller checked the permission.
async fn preferences_of(svc: &Services, actor: &Actor) -> DomainResult<EffectivePreferences> {
    let me = find_in_tenant::<user::Entity>(&svc.db, actor.tenant_id, actor.user_id).await?;
    let found = tenant::Entity::find_by_id(actor.tenant_id)
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound("tenant"))?;
    Ok(effective_for(
        me.role,
        &settings_of(&found.settings),
        &Preferences::of_tenant(&found),
        &Preferences::from_json(me.notification_settings.as_ref()),
    ))
}

/// Changes the caller's notification choices.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for an API token without `write`;
/// [`DomainError::Validation`] for an event the caller cannot choose about or bad hours.
pub async fn update_my_preferences(
    svc: &Services,
    actor: &Actor,
    change: PreferencesChange,
) -> DomainResult<EffectivePreferences> {
    actor.require(Permission::UpdateOwnAccount)?;
    let me = find_in_tenant::<user::Entity>(&svc.db, actor.tenant_id, actor.user_id).await?;
    let stored = apply(
        Preferences::from_json(me.notification_settings.as_ref()),
        change,
        events_for(me.role),
    )?;
    let value = serde_json::to_value(&stored)
        .map_err(|e| DomainError::internal_from("cannot store preferences", e))?;
    user::Entity::update_many()
        .col_expr(user::Column::NotificationSettings, Expr::value(value))
        .col_expr(user::Column::UpdatedAt, Expr::value(svc.now()))
        .filter(user::Column::TenantId.eq(actor.tenant_id))
        .filter(user::Column::Id.eq(actor.user_id))
        .exec(&svc.db)
        .await?;
    preferences_of(svc, actor).await
}

/// The tenant's default choices for staff, in force.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for anyone who may not configure the tenant.
pub async fn tenant_defaults(svc: &Services, actor: &Actor) -> DomainResult<EffectivePreferences> {
    actor.require(Permission::ConfigureTenant)?;
    defaults_of(svc, actor).await
}

async fn defaults_of(svc: &Services, actor: &Actor) -> DomainResult<EffectivePreferences> {
    let found = tenant::Entity::find_by_id(actor.tenant_id)
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound("tenant"))?;
    // The tenant's choices over Guichet's, as a user's would be (so that its own hours
    // show as its own).
    Ok(effective_for(
        Role::Agent,
        &settings_of(&found.settings),
        &Preferences::default(),
        &Preferences::of_tenant(&found),
    ))
}

/// Changes the tenant's default choices for staff (users' own choices still win).
///
/// # Errors
///
/// [`DomainError::Forbidden`]; [`DomainError::Validation`] as for a user's choices.
pub async fn update_tenant_defaults(
    svc: &Services,
    actor: &Actor,
    change: PreferencesChange,
) -> DomainResult<EffectivePreferences> {
    actor.require(Permission::ConfigureTenant)?;
    let found = tenant::Entity::find_by_id(actor.tenant_id)
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound("tenant"))?;
    let mut allowed = STAFF_EVENTS.to_vec();
    allowed.extend(CUSTOMER_EVENTS);
    let stored = apply(Preferences::of_tenant(&found), change, &allowed)?;
    let mut settings = found.settings.clone();
    if !settings.is_object() {
        settings = serde_json::json!({});
    }
    settings[TENANT_KEY] = serde_json::to_value(&stored)
        .map_err(|e| DomainError::internal_from("cannot store preferences", e))?;
    let mut active = found.into_active_model();
    active.settings = Set(settings);
    active.update(&svc.db).await?;
    crate::setup::changed(svc, actor.tenant_id).await;
    defaults_of(svc, actor).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_users_choice_beats_the_tenants_which_beats_guichets() {
        let kind = NotificationKind::TicketCreated;
        let mut tenant = Preferences::default();
        let mut user = Preferences::default();
        assert!(!effective(kind, &tenant, &user).email);
        tenant.events.insert(
            kind.as_str().into(),
            WaysChoice {
                email: Some(true),
                ..WaysChoice::default()
            },
        );
        assert!(effective(kind, &tenant, &user).email);
        user.events.insert(
            kind.as_str().into(),
            WaysChoice {
                email: Some(false),
                ..WaysChoice::default()
            },
        );
        let ways = effective(kind, &tenant, &user);
        assert!(!ways.email);
        // Untouched ways still follow the defaults.
        assert!(ways.in_app && ways.telegram);
    }

    #[test]
    fn stored_choices_read_back_and_junk_counts_as_none() {
        let json = serde_json::json!({
            "events": { "mentioned": { "email": false } },
            "digest": true,
        });
        let read = Preferences::from_json(Some(&json));
        assert_eq!(read.digest, Some(true));
        assert_eq!(read.events["mentioned"].email, Some(false));
        assert_eq!(
            Preferences::from_json(Some(&serde_json::json!("junk"))),
            Preferences::default()
        );
    }

    #[test]
    fn customers_cannot_choose_staff_events() {
        let change = PreferencesChange {
            events: vec![(NotificationKind::SlaBreached, WaysChoice::default())],
            ..PreferencesChange::default()
        };
        assert!(apply(Preferences::default(), change, &CUSTOMER_EVENTS).is_err());
    }
}
