//! The caller's in-app notifications, and who hears of what (notification choices).

use async_graphql::{Context, InputObject, Object, SimpleObject, Subscription, ID};
use chrono::{DateTime, Utc};
use entity::enums::NotificationKind;
use futures::{Stream, StreamExt};
use tokio_stream::wrappers::BroadcastStream;

use super::context::{actor, services};
use super::error::{parse_id, GraphqlResultExt};
use super::settings::OpeningInterval;
use crate::domain::error::DomainError;
use crate::domain::notifications::{self, preferences};
use crate::domain::Permission;

/// Something that happened for the caller.
#[derive(SimpleObject)]
pub struct Notification {
    id: ID,
    /// `sla_breached`, `system`, …
    kind: String,
    title: String,
    body: String,
    /// The ticket concerned, if any.
    ticket_id: Option<ID>,
    read_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl From<entity::notification::Model> for Notification {
    fn from(model: entity::notification::Model) -> Self {
        Self {
            id: ID(model.id.to_string()),
            kind: model.kind.as_str().to_owned(),
            title: model.title,
            body: model.body,
            ticket_id: model.ticket_id.map(|id| ID(id.to_string())),
            read_at: model.read_at,
            created_at: model.created_at,
        }
    }
}

/// Notification queries.
#[derive(Default)]
pub struct NotificationQuery;

#[Object]
impl NotificationQuery {
    /// The caller's notifications, newest first; `first` defaults to 20, at most 100.
    #[graphql(complexity = "crate::graphql::list_cost(first, 20, child_complexity)")]
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        unread_only: Option<bool>,
        first: Option<i32>,
    ) -> async_graphql::Result<Vec<Notification>> {
        let actor = actor(ctx)?;
        let limit = u64::try_from(first.unwrap_or(20))
            .unwrap_or(0)
            .clamp(1, 100);
        Ok(notifications::list_notifications(
            services(ctx)?,
            actor,
            unread_only.unwrap_or(false),
            limit,
        )
        .await
        .gql()?
        .into_iter()
        .map(Into::into)
        .collect())
    }

    /// How many of the caller's notifications are unread (the bell's badge).
    async fn unread_notification_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let actor = actor(ctx)?;
        notifications::unread_count(services(ctx)?, actor)
            .await
            .gql()
    }
}

/// A change of the caller's bell.
#[derive(SimpleObject)]
pub struct BellEvent {
    /// How many of the caller's notifications are unread now.
    unread_count: u64,
}

/// The bell, live.
#[derive(Default)]
pub struct NotificationSubscription;

#[Subscription]
impl NotificationSubscription {
    /// The caller's unread count: at once, then each time a change adds to their bell or
    /// they read some (in any tab), and after missed events; the bell never polls.
    async fn bell_events(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = BellEvent>> {
        let actor = std::sync::Arc::new(actor(ctx)?.clone());
        let svc = std::sync::Arc::new(services(ctx)?.clone());
        let receiver = svc.events.subscribe();
        let first = notifications::unread_count(&svc, &actor).await.gql()?;
        let changes = BroadcastStream::new(receiver).filter_map(move |received| {
            let actor = actor.clone();
            let svc = svc.clone();
            async move {
                let concerned = match received {
                    // Lagged: whatever was missed may have been for this bell.
                    Err(_) => true,
                    Ok(delivery) => {
                        delivery.event.tenant_id == actor.tenant_id
                            && delivery.event.notifies(actor.user_id)
                    }
                };
                if !concerned {
                    return None;
                }
                // The credential is checked again with each count.
                notifications::unread_count(&svc, &actor)
                    .await
                    .ok()
                    .map(|unread_count| BellEvent { unread_count })
            }
        });
        Ok(futures::stream::once(async move {
            BellEvent {
                unread_count: first,
            }
        })
        .chain(changes))
    }
}

/// Notification mutations.
#[derive(Default)]
pub struct NotificationMutation;

#[Object]
impl NotificationMutation {
    /// Marks the given notifications read, or all of them without `ids`; returns how many
    /// changed.
    async fn mark_notifications_read(
        &self,
        ctx: &Context<'_>,
        ids: Option<Vec<ID>>,
    ) -> async_graphql::Result<u64> {
        let actor = actor(ctx)?;
        let ids = ids
            .map(|ids| {
                ids.iter()
                    .map(|id| parse_id("ids", id))
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        notifications::mark_read(services(ctx)?, actor, ids.as_deref())
            .await
            .gql()
    }
}

/// How one event reaches the caller.
#[derive(SimpleObject)]
pub struct NotificationChoice {
    /// The event: `ticket_created`, `message_added` (a customer replied),
    /// `ticket_assigned`, `mentioned`, `sla_warning`, `sla_breached`, `budget_alert`;
    /// `status_changed` for customers.
    event: String,
    /// In the bell.
    in_app: bool,
    /// By mail (held until working hours, breaches excepted).
    email: bool,
    /// By Telegram, for staff who linked their account.
    telegram: bool,
}

/// A choice about one event; a way left out stays as it is.
#[derive(InputObject)]
pub struct NotificationChoiceInput {
    /// The event, as in [`NotificationChoice`].
    event: String,
    in_app: Option<bool>,
    email: Option<bool>,
    telegram: Option<bool>,
}

/// Who hears of what: the caller's choices in force, or the tenant's defaults.
#[derive(SimpleObject)]
pub struct NotificationPreferences {
    /// One per event the caller may choose about.
    choices: Vec<NotificationChoice>,
    /// Working hours (in `timezone`); mails wait for them. Empty: around the clock.
    working_hours: Vec<OpeningInterval>,
    /// Whether these are the caller's own hours (else the tenant's).
    own_working_hours: bool,
    /// Whether the daily digest of one's tickets is mailed each working morning.
    digest: bool,
    /// The tenant's time zone.
    timezone: String,
}

impl From<preferences::EffectivePreferences> for NotificationPreferences {
    fn from(p: preferences::EffectivePreferences) -> Self {
        Self {
            choices: p
                .events
                .iter()
                .map(|(kind, ways)| NotificationChoice {
                    event: kind.as_str().to_owned(),
                    in_app: ways.in_app,
                    email: ways.email,
                    telegram: ways.telegram,
                })
                .collect(),
            working_hours: p.working_hours.iter().map(OpeningInterval::shown).collect(),
            own_working_hours: p.own_working_hours,
            digest: p.digest,
            timezone: p.timezone,
        }
    }
}

/// A change of notification choices; what is left out stays as it is.
#[derive(InputObject)]
pub struct NotificationPreferencesInput {
    /// Choices about events.
    choices: Option<Vec<NotificationChoiceInput>>,
    /// Own working hours (at least one interval).
    working_hours: Option<Vec<OpeningInterval>>,
    /// Back to the default working hours.
    default_working_hours: Option<bool>,
    /// The daily digest on or off.
    digest: Option<bool>,
}

impl NotificationPreferencesInput {
    fn read(self) -> Result<preferences::PreferencesChange, DomainError> {
        let events = self
            .choices
            .unwrap_or_default()
            .into_iter()
            .map(|c| {
                let kind = c.event.trim().parse::<NotificationKind>().map_err(|_| {
                    DomainError::validation(
                        "choices",
                        format!("`{}` is not an event", c.event.trim()),
                    )
                })?;
                Ok((
                    kind,
                    preferences::WaysChoice {
                        in_app: c.in_app,
                        email: c.email,
                        telegram: c.telegram,
                    },
                ))
            })
            .collect::<Result<Vec<_>, DomainError>>()?;
        let working_hours = if self.default_working_hours == Some(true) {
            Some(None)
        } else {
            self.working_hours
                .map(|hours| {
                    hours
                        .iter()
                        .map(|h| h.read("workingHours"))
                        .collect::<Result<Vec<_>, _>>()
                })
                .transpose()?
                .map(Some)
        };
        Ok(preferences::PreferencesChange {
            events,
            working_hours,
            digest: self.digest,
        })
    }
}

/// Notification choices: the caller's, and the tenant's defaults (admins).
#[derive(Default)]
pub struct PreferenceQuery;

#[Object]
impl PreferenceQuery {
    /// The caller's notification choices in force.
    async fn my_notification_preferences(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<NotificationPreferences> {
        let actor = actor(ctx)?;
        Ok(preferences::my_preferences(services(ctx)?, actor)
            .await
            .gql()?
            .into())
    }

    /// The tenant's default notification choices for staff (admins).
    async fn tenant_notification_defaults(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<NotificationPreferences> {
        let actor = actor(ctx)?;
        Ok(preferences::tenant_defaults(services(ctx)?, actor)
            .await
            .gql()?
            .into())
    }
}

/// Changing notification choices.
#[derive(Default)]
pub struct PreferenceMutation;

#[Object]
impl PreferenceMutation {
    /// Changes the caller's notification choices.
    async fn update_my_notification_preferences(
        &self,
        ctx: &Context<'_>,
        input: NotificationPreferencesInput,
    ) -> async_graphql::Result<NotificationPreferences> {
        let actor = actor(ctx)?;
        actor.require(Permission::UpdateOwnAccount).gql()?;
        let change = input.read().gql()?;
        Ok(
            preferences::update_my_preferences(services(ctx)?, actor, change)
                .await
                .gql()?
                .into(),
        )
    }

    /// Changes the tenant's default notification choices (admins); users' own choices
    /// still win.
    async fn update_tenant_notification_defaults(
        &self,
        ctx: &Context<'_>,
        input: NotificationPreferencesInput,
    ) -> async_graphql::Result<NotificationPreferences> {
        let actor = actor(ctx)?;
        actor.require(Permission::ConfigureTenant).gql()?;
        let change = input.read().gql()?;
        Ok(
            preferences::update_tenant_defaults(services(ctx)?, actor, change)
                .await
                .gql()?
                .into(),
        )
    }
}
