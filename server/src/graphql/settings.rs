//! Tenant settings: workflows and SLA policies (read by staff, edited by admins).

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::context::{actor, services};
use super::enums::{TicketStatus, TicketType};
use super::error::GraphqlResultExt;
use crate::domain::calendar::{self, CalendarSettings};
use crate::domain::error::DomainError;
use crate::domain::settings::{self, WorkflowWithTransitions};
use crate::domain::Permission;

/// The statuses a ticket type moves through.
pub struct Workflow(WorkflowWithTransitions);

/// One allowed move.
#[derive(SimpleObject, InputObject)]
#[graphql(input_name = "TransitionInput")]
pub struct Transition {
    from: TicketStatus,
    to: TicketStatus,
}

#[Object]
impl Workflow {
    async fn id(&self) -> ID {
        ID(self.0.workflow.id.to_string())
    }
    async fn ticket_type(&self) -> TicketType {
        self.0.workflow.ticket_type.into()
    }
    async fn name(&self) -> &str {
        &self.0.workflow.name
    }
    /// The status new tickets start in.
    async fn initial_status(&self) -> TicketStatus {
        self.0.workflow.initial_status.into()
    }
    /// The allowed moves.
    async fn transitions(&self) -> Vec<Transition> {
        self.0
            .transitions
            .iter()
            .map(|t| Transition {
                from: t.from_status.into(),
                to: t.to_status.into(),
            })
            .collect()
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.workflow.updated_at
    }
}

/// Response and resolution targets of a ticket type.
#[derive(SimpleObject)]
pub struct SlaPolicy {
    ticket_type: TicketType,
    /// Hours until the first agent reply is due.
    response_hours: i32,
    /// Hours until the ticket must be resolved.
    resolution_hours: i32,
    updated_at: DateTime<Utc>,
}

impl From<entity::sla_policy::Model> for SlaPolicy {
    fn from(model: entity::sla_policy::Model) -> Self {
        Self {
            ticket_type: model.ticket_type.into(),
            response_hours: model.response_hours,
            resolution_hours: model.resolution_hours,
            updated_at: model.updated_at,
        }
    }
}

/// A day of the week.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl From<chrono::Weekday> for Weekday {
    fn from(day: chrono::Weekday) -> Self {
        match day {
            chrono::Weekday::Mon => Self::Monday,
            chrono::Weekday::Tue => Self::Tuesday,
            chrono::Weekday::Wed => Self::Wednesday,
            chrono::Weekday::Thu => Self::Thursday,
            chrono::Weekday::Fri => Self::Friday,
            chrono::Weekday::Sat => Self::Saturday,
            chrono::Weekday::Sun => Self::Sunday,
        }
    }
}

impl From<Weekday> for chrono::Weekday {
    fn from(day: Weekday) -> Self {
        match day {
            Weekday::Monday => Self::Mon,
            Weekday::Tuesday => Self::Tue,
            Weekday::Wednesday => Self::Wed,
            Weekday::Thursday => Self::Thu,
            Weekday::Friday => Self::Fri,
            Weekday::Saturday => Self::Sat,
            Weekday::Sunday => Self::Sun,
        }
    }
}

/// An opening interval of a weekday, in the calendar's local time (`HH:MM`).
#[derive(SimpleObject, InputObject)]
#[graphql(input_name = "OpeningIntervalInput")]
pub struct OpeningInterval {
    weekday: Weekday,
    /// Opening time, `HH:MM`.
    opens: String,
    /// Closing time, `HH:MM`, after `opens`.
    closes: String,
}

/// The business calendar SLA deadlines are counted in.
#[derive(SimpleObject)]
pub struct BusinessCalendar {
    /// IANA time zone, e.g. `Europe/Paris`.
    timezone: String,
    /// True when there are no opening hours: deadlines count around the clock.
    always_open: bool,
    /// Opening intervals; empty when always open.
    opening_hours: Vec<OpeningInterval>,
    /// Days closed all day.
    holidays: Vec<NaiveDate>,
}

impl From<CalendarSettings> for BusinessCalendar {
    fn from(settings: CalendarSettings) -> Self {
        Self {
            always_open: settings.always_open(),
            timezone: settings.timezone,
            opening_hours: settings
                .opening_hours
                .iter()
                .map(|i| OpeningInterval {
                    weekday: i.weekday.into(),
                    opens: i.opens.format("%H:%M").to_string(),
                    closes: i.closes.format("%H:%M").to_string(),
                })
                .collect(),
            holidays: settings.holidays,
        }
    }
}

impl OpeningInterval {
    /// The interval as the API shows it.
    pub(crate) fn shown(interval: &calendar::OpeningInterval) -> Self {
        Self {
            weekday: interval.weekday.into(),
            opens: interval.opens.format("%H:%M").to_string(),
            closes: interval.closes.format("%H:%M").to_string(),
        }
    }

    /// The interval as given, read for the domain; `field` names it in errors.
    pub(crate) fn read(
        &self,
        field: &'static str,
    ) -> Result<calendar::OpeningInterval, DomainError> {
        Ok(calendar::OpeningInterval {
            weekday: self.weekday.into(),
            opens: parse_time(field, &self.opens)?,
            closes: parse_time(field, &self.closes)?,
        })
    }
}

fn parse_time(field: &'static str, value: &str) -> Result<NaiveTime, DomainError> {
    NaiveTime::parse_from_str(value.trim(), "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(value.trim(), "%H:%M:%S"))
        .map_err(|_| DomainError::validation(field, format!("`{value}` is not a time (HH:MM)")))
}

/// Settings queries.
#[derive(Default)]
pub struct SettingsQuery;

#[Object]
impl SettingsQuery {
    /// The workflow of each ticket type (staff).
    async fn workflows(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Workflow>> {
        let actor = actor(ctx)?;
        Ok(settings::list_workflows(services(ctx)?, actor)
            .await
            .gql()?
            .into_iter()
            .map(Workflow)
            .collect())
    }

    /// The SLA policy of each ticket type (staff).
    async fn sla_policies(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SlaPolicy>> {
        let actor = actor(ctx)?;
        Ok(settings::list_sla_policies(services(ctx)?, actor)
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The business calendar SLA deadlines count in (staff).
    async fn business_calendar(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<BusinessCalendar> {
        let actor = actor(ctx)?;
        Ok(calendar::get_calendar(services(ctx)?, actor)
            .await
            .gql()?
            .into())
    }
}

/// Settings mutations.
#[derive(Default)]
pub struct SettingsMutation;

#[Object]
impl SettingsMutation {
    /// Replaces the allowed moves of a ticket type's workflow (admins).
    async fn set_workflow_transitions(
        &self,
        ctx: &Context<'_>,
        ticket_type: TicketType,
        transitions: Vec<Transition>,
    ) -> async_graphql::Result<Workflow> {
        let actor = actor(ctx)?;
        let moves: Vec<_> = transitions
            .iter()
            .map(|t| (t.from.into(), t.to.into()))
            .collect();
        let flow =
            settings::set_workflow_transitions(services(ctx)?, actor, ticket_type.into(), &moves)
                .await
                .gql()?;
        Ok(Workflow(flow))
    }

    /// Sets a ticket type's SLA hours, for tickets created from now on (admins).
    async fn update_sla_policy(
        &self,
        ctx: &Context<'_>,
        ticket_type: TicketType,
        response_hours: i32,
        resolution_hours: i32,
    ) -> async_graphql::Result<SlaPolicy> {
        let actor = actor(ctx)?;
        Ok(settings::update_sla_policy(
            services(ctx)?,
            actor,
            ticket_type.into(),
            response_hours,
            resolution_hours,
        )
        .await
        .gql()?
        .into())
    }

    /// Replaces the business calendar (admins): no opening hours means around the clock.
    /// New tickets and clocks resumed after pending use it; existing deadlines stay.
    async fn set_business_calendar(
        &self,
        ctx: &Context<'_>,
        timezone: String,
        opening_hours: Vec<OpeningInterval>,
        holidays: Vec<NaiveDate>,
    ) -> async_graphql::Result<BusinessCalendar> {
        let actor = actor(ctx)?;
        // Refuse before reading the input, so a caller learns nothing from its errors.
        actor.require(Permission::ConfigureTenant).gql()?;
        let intervals = opening_hours
            .iter()
            .map(|i| {
                Ok(calendar::OpeningInterval {
                    weekday: i.weekday.into(),
                    opens: parse_time("openingHours", &i.opens)?,
                    closes: parse_time("openingHours", &i.closes)?,
                })
            })
            .collect::<Result<Vec<_>, DomainError>>()
            .gql()?;
        let settings = CalendarSettings {
            timezone: timezone.trim().to_owned(),
            opening_hours: intervals,
            holidays,
        };
        Ok(calendar::set_calendar(services(ctx)?, actor, settings)
            .await
            .gql()?
            .into())
    }
}
