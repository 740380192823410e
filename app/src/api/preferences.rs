//! Who hears of what: the caller's notification choices (every signed-in user) and the
//! tenant's defaults for staff (admins). Both have the same shape, so the app holds one
//! type for them, [`Preferences`], whichever operation brought it.

use crate::api::{graphql, ApiError, Weekday};

operation!(
    MyNotificationPreferences,
    "graphql/my_notification_preferences.graphql"
);
operation!(
    UpdateMyNotificationPreferences,
    "graphql/update_my_notification_preferences.graphql"
);
operation!(
    TenantNotificationDefaults,
    "graphql/tenant_notification_defaults.graphql"
);
operation!(
    UpdateTenantNotificationDefaults,
    "graphql/update_tenant_notification_defaults.graphql"
);

/// Whose choices a page shows and changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The signed-in user's own.
    Mine,
    /// The tenant's defaults for staff (admins); a user's own choices still win.
    Tenant,
}

/// Choices in force: per event the ways it is told, working hours, the digest.
pub type Preferences =
    my_notification_preferences::MyNotificationPreferencesMyNotificationPreferences;
/// How one event is told (`event` is `ticket_created`, `message_added`, …).
pub type Choice =
    my_notification_preferences::MyNotificationPreferencesMyNotificationPreferencesChoices;
/// Working hours of one weekday, `HH:MM`, in the tenant's time zone.
pub type Interval =
    my_notification_preferences::MyNotificationPreferencesMyNotificationPreferencesWorkingHours;
/// A change of choices; what is left out (`None`) stays as it is.
pub type PreferencesInput = update_my_notification_preferences::NotificationPreferencesInput;
/// A change about one event; a way left out stays as it is.
pub type ChoiceInput = update_my_notification_preferences::NotificationChoiceInput;
/// Working hours of one weekday, as a change gives them.
pub type IntervalInput = update_my_notification_preferences::OpeningIntervalInput;

same_fields!(update_my_notification_preferences::UpdateMyNotificationPreferencesUpdateMyNotificationPreferencesChoices
    => Choice { event, in_app, email, telegram });
same_fields!(update_my_notification_preferences::UpdateMyNotificationPreferencesUpdateMyNotificationPreferencesWorkingHours
    => Interval { weekday, opens, closes });
same_fields!(update_my_notification_preferences::UpdateMyNotificationPreferencesUpdateMyNotificationPreferences
    => Preferences { choices each, working_hours each, own_working_hours, digest, timezone });
same_fields!(tenant_notification_defaults::TenantNotificationDefaultsTenantNotificationDefaultsChoices
    => Choice { event, in_app, email, telegram });
same_fields!(tenant_notification_defaults::TenantNotificationDefaultsTenantNotificationDefaultsWorkingHours
    => Interval { weekday, opens, closes });
same_fields!(tenant_notification_defaults::TenantNotificationDefaultsTenantNotificationDefaults
    => Preferences { choices each, working_hours each, own_working_hours, digest, timezone });
same_fields!(update_tenant_notification_defaults::UpdateTenantNotificationDefaultsUpdateTenantNotificationDefaultsChoices
    => Choice { event, in_app, email, telegram });
same_fields!(update_tenant_notification_defaults::UpdateTenantNotificationDefaultsUpdateTenantNotificationDefaultsWorkingHours
    => Interval { weekday, opens, closes });
same_fields!(update_tenant_notification_defaults::UpdateTenantNotificationDefaultsUpdateTenantNotificationDefaults
    => Preferences { choices each, working_hours each, own_working_hours, digest, timezone });
same_fields!(ChoiceInput => update_tenant_notification_defaults::NotificationChoiceInput {
    event, in_app, email, telegram
});
same_fields!(IntervalInput => update_tenant_notification_defaults::OpeningIntervalInput {
    weekday, opens, closes
});
same_fields!(PreferencesInput => update_tenant_notification_defaults::NotificationPreferencesInput {
    choices map_each, working_hours map_each, default_working_hours, digest
});

impl PreferencesInput {
    /// A change that leaves everything as it is, to fill in.
    pub fn unchanged() -> Self {
        Self {
            choices: None,
            working_hours: None,
            default_working_hours: None,
            digest: None,
        }
    }
}

impl Preferences {
    /// The choice about `event`, if the caller may choose about it.
    pub fn choice(&self, event: &str) -> Option<&Choice> {
        self.choices.iter().find(|choice| choice.event == event)
    }
}

/// The choices in force of `scope` (`my_notification_preferences.graphql` or
/// `tenant_notification_defaults.graphql`).
///
/// # Errors
///
/// `FORBIDDEN` for the tenant's defaults asked by a non-admin, or any [`ApiError`] of the
/// call.
pub async fn fetch_preferences(scope: Scope) -> Result<Preferences, ApiError> {
    Ok(match scope {
        Scope::Mine => {
            graphql::<MyNotificationPreferences>(my_notification_preferences::Variables)
                .await?
                .my_notification_preferences
        }
        Scope::Tenant => {
            graphql::<TenantNotificationDefaults>(tenant_notification_defaults::Variables)
                .await?
                .tenant_notification_defaults
                .into()
        }
    })
}

/// Changes the choices of `scope` and returns them as now in force
/// (`update_my_notification_preferences.graphql` or
/// `update_tenant_notification_defaults.graphql`).
///
/// # Errors
///
/// `BAD_USER_INPUT` for an event the caller cannot choose about or hours the server
/// refuses, `FORBIDDEN` for the tenant's defaults changed by a non-admin, or any
/// [`ApiError`] of the call.
pub async fn update_preferences(
    scope: Scope,
    input: PreferencesInput,
) -> Result<Preferences, ApiError> {
    Ok(match scope {
        Scope::Mine => {
            let variables = update_my_notification_preferences::Variables { input };
            graphql::<UpdateMyNotificationPreferences>(variables)
                .await?
                .update_my_notification_preferences
                .into()
        }
        Scope::Tenant => {
            let variables = update_tenant_notification_defaults::Variables {
                input: input.into(),
            };
            graphql::<UpdateTenantNotificationDefaults>(variables)
                .await?
                .update_tenant_notification_defaults
                .into()
        }
    })
}
