//! The caller's notifications: the bell's badge (pushed by `bellEvents`) and drop-down.

use crate::api::{graphql, ApiError};

operation!(
    Notifications,
    "graphql/notifications.graphql",
    response_derives = "Clone, Debug, PartialEq, Eq, Hash"
);
operation!(BellEvents, "graphql/bell_events.graphql");
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
