//! The caller's notifications: the bell's badge and drop-down.

use crate::api::{graphql, ApiError};

operation!(
    Notifications,
    "graphql/notifications.graphql",
    response_derives = "Clone, Debug, PartialEq, Eq, Hash"
);
operation!(UnreadNotificationCount, "graphql/unread_count.graphql");
operation!(
    MarkNotificationsRead,
    "graphql/mark_notifications_read.graphql"
);

/// Something that happened for the caller.
pub type Notification = notifications::NotificationsNotifications;

/// The 20 newest notifications (`notifications.graphql`).
///
/// # Errors
///
/// Any [`ApiError`] of the call.
pub async fn fetch_notifications() -> Result<Vec<Notification>, ApiError> {
    Ok(graphql::<Notifications>(notifications::Variables)
        .await?
        .notifications)
}

/// How many notifications are unread (`unread_count.graphql`).
///
/// # Errors
///
/// Any [`ApiError`] of the call.
pub async fn fetch_unread_count() -> Result<i64, ApiError> {
    Ok(
        graphql::<UnreadNotificationCount>(unread_notification_count::Variables)
            .await?
            .unread_notification_count,
    )
}

/// Marks every notification read (`mark_notifications_read.graphql`); returns how many
/// changed.
///
/// # Errors
///
/// Any [`ApiError`] of the call.
pub async fn mark_all_read() -> Result<i64, ApiError> {
    Ok(
        graphql::<MarkNotificationsRead>(mark_notifications_read::Variables)
            .await?
            .mark_notifications_read,
    )
}
