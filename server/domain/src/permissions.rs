//! What each role may do: every operation names one [`Permission`], and
//! [`Actor::require`](crate::Actor::require) checks the caller's role and, for API tokens,
//! its scope against it. Which rows a permitted caller then sees is the business of
//! `visibility`.

use entity::enums::Role;

use crate::actor::Scope;

const ANYONE: &[Role] = &[Role::Admin, Role::Manager, Role::Agent, Role::Customer];
const STAFF: &[Role] = &[Role::Admin, Role::Manager, Role::Agent];
const SUPERVISORS: &[Role] = &[Role::Admin, Role::Manager];
const ADMINS: &[Role] = &[Role::Admin];
const CUSTOMERS: &[Role] = &[Role::Customer];

/// Something a caller may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Read one's own account and notifications.
    ViewOwnAccount,
    /// Change one's own account state (mark notifications read).
    UpdateOwnAccount,
    /// Sign out of one's sessions (this one, or all).
    ManageOwnSessions,
    /// Read the tickets one may see (customers: their own), their threads and events.
    ViewTickets,
    /// Open a ticket, reply to one, attach a file.
    WriteTickets,
    /// Rate a resolved ticket (its customer only).
    RateTickets,
    /// Work on tickets: status, priority, assignment, merge, links, time, presence.
    WorkTickets,
    /// Read the team and the tenant's rules: agents, workflows, SLA, calendar, presence.
    ViewTeam,
    /// Link one's own Telegram chat.
    LinkChat,
    /// Read customers, leads and the pipeline.
    ViewCrm,
    /// Change customers and leads.
    WriteCrm,
    /// Delete leads.
    DeleteLeads,
    /// Read costs, hourly costs and budgets.
    ViewCosts,
    /// Create, change and delete budgets.
    ManageBudgets,
    /// Read the reports.
    ViewReports,
    /// Change the tenant's rules: workflows, SLA, calendar, hourly costs.
    ConfigureTenant,
    /// Read the tenant's API tokens.
    ViewApiTokens,
    /// Create and revoke API tokens.
    ManageApiTokens,
    /// Read the tenant's integrations.
    ViewIntegrations,
    /// Connect, change and deactivate integrations.
    ManageIntegrations,
    /// Create, change and deactivate the tenant's users.
    ManageUsers,
}

impl Permission {
    /// Every permission, for tables and documentation.
    pub const ALL: [Self; 21] = [
        Self::ViewOwnAccount,
        Self::UpdateOwnAccount,
        Self::ManageOwnSessions,
        Self::ViewTickets,
        Self::WriteTickets,
        Self::RateTickets,
        Self::WorkTickets,
        Self::ViewTeam,
        Self::LinkChat,
        Self::ViewCrm,
        Self::WriteCrm,
        Self::DeleteLeads,
        Self::ViewCosts,
        Self::ManageBudgets,
        Self::ViewReports,
        Self::ConfigureTenant,
        Self::ViewApiTokens,
        Self::ManageApiTokens,
        Self::ViewIntegrations,
        Self::ManageIntegrations,
        Self::ManageUsers,
    ];

    /// The roles that hold this permission.
    #[must_use]
    pub const fn roles(self) -> &'static [Role] {
        match self {
            Self::ViewOwnAccount
            | Self::UpdateOwnAccount
            | Self::ManageOwnSessions
            | Self::ViewTickets
            | Self::WriteTickets => ANYONE,
            Self::RateTickets => CUSTOMERS,
            Self::WorkTickets
            | Self::ViewTeam
            | Self::LinkChat
            | Self::ViewCrm
            | Self::WriteCrm => STAFF,
            Self::ViewCosts | Self::ManageBudgets | Self::ViewReports | Self::DeleteLeads => {
                SUPERVISORS
            }
            Self::ConfigureTenant
            | Self::ViewApiTokens
            | Self::ManageApiTokens
            | Self::ViewIntegrations
            | Self::ManageIntegrations
            | Self::ManageUsers => ADMINS,
        }
    }

    /// The scope an API token needs for it: reads need `read`, changes `write`.
    #[must_use]
    pub const fn scope(self) -> Scope {
        match self {
            Self::ViewOwnAccount
            | Self::ViewTickets
            | Self::ViewTeam
            | Self::ViewCrm
            | Self::ViewCosts
            | Self::ViewReports
            | Self::ViewApiTokens
            | Self::ViewIntegrations => Scope::Read,
            Self::UpdateOwnAccount
            | Self::ManageOwnSessions
            | Self::WriteTickets
            | Self::RateTickets
            | Self::WorkTickets
            | Self::LinkChat
            | Self::WriteCrm
            | Self::DeleteLeads
            | Self::ManageBudgets
            | Self::ConfigureTenant
            | Self::ManageApiTokens
            | Self::ManageIntegrations
            | Self::ManageUsers => Scope::Write,
        }
    }

    /// Whether only a signed-in person may use it, never an API token: minting and revoking
    /// tokens, so that a leaked token cannot copy itself or outlive its revocation, and
    /// signing out (a token has no session to end).
    #[must_use]
    pub const fn needs_session(self) -> bool {
        matches!(self, Self::ManageApiTokens | Self::ManageOwnSessions)
    }

    /// What the permission allows, as the end of "your role may not …".
    #[must_use]
    pub const fn describe(self) -> &'static str {
        match self {
            Self::ViewOwnAccount => "read this account",
            Self::UpdateOwnAccount => "change this account",
            Self::ManageOwnSessions => "sign out of sessions",
            Self::ViewTickets => "read tickets",
            Self::WriteTickets => "write on tickets",
            Self::RateTickets => "rate tickets (only their customer may)",
            Self::WorkTickets => "work on tickets (staff only)",
            Self::ViewTeam => "read the team and the tenant's rules (staff only)",
            Self::LinkChat => "link a chat (staff only)",
            Self::ViewCrm => "read the CRM (staff only)",
            Self::WriteCrm => "change the CRM (staff only)",
            Self::DeleteLeads => "delete leads (administrators and managers only)",
            Self::ViewCosts => "read costs and budgets (administrators and managers only)",
            Self::ManageBudgets => "manage budgets (administrators and managers only)",
            Self::ViewReports => "read reports (administrators and managers only)",
            Self::ConfigureTenant => "configure the tenant (administrators only)",
            Self::ViewApiTokens | Self::ManageApiTokens => {
                "manage API tokens (administrators only)"
            }
            Self::ViewIntegrations | Self::ManageIntegrations => {
                "manage integrations (administrators only)"
            }
            Self::ManageUsers => "manage users (administrators only)",
        }
    }
}
