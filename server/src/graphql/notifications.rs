//! The caller's in-app notifications.

use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::context::{actor, services};
use super::error::{parse_id, GraphqlResultExt};
use crate::domain::notifications;

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
