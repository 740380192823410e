//! The caller's notifications: the bell's badge and drop-down.

use serde::Deserialize;

use crate::api::{graphql, ApiError, NoVariables};

const NOTIFICATIONS: &str = include_str!("../../graphql/notifications.graphql");
const UNREAD_COUNT: &str = include_str!("../../graphql/unread_count.graphql");
const MARK_NOTIFICATIONS_READ: &str = include_str!("../../graphql/mark_notifications_read.graphql");

/// Something that happened for the caller.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    pub id: String,
    /// `sla_breached`, `system`, …
    pub kind: String,
    pub title: String,
    pub body: String,
    /// The ticket concerned, if any.
    pub ticket_id: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// None while unread.
    pub read_at: Option<String>,
}

#[derive(Deserialize)]
struct NotificationsData {
    notifications: Vec<Notification>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UnreadCountData {
    unread_notification_count: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MarkReadData {
    mark_notifications_read: i64,
}

/// The 20 newest notifications (`notifications.graphql`).
///
/// # Errors
///
/// Any [`ApiError`] of the call.
pub async fn fetch_notifications() -> Result<Vec<Notification>, ApiError> {
    let data: NotificationsData = graphql(NOTIFICATIONS, NoVariables {}).await?;
    Ok(data.notifications)
}

/// How many notifications are unread (`unread_count.graphql`).
///
/// # Errors
///
/// Any [`ApiError`] of the call.
pub async fn fetch_unread_count() -> Result<i64, ApiError> {
    let data: UnreadCountData = graphql(UNREAD_COUNT, NoVariables {}).await?;
    Ok(data.unread_notification_count)
}

/// Marks every notification read (`mark_notifications_read.graphql`); returns how many
/// changed.
///
/// # Errors
///
/// Any [`ApiError`] of the call.
pub async fn mark_all_read() -> Result<i64, ApiError> {
    let data: MarkReadData = graphql(MARK_NOTIFICATIONS_READ, NoVariables {}).await?;
    Ok(data.mark_notifications_read)
}
