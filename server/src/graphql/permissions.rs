//! The permission matrix of the API: every root field of the schema and the permission its
//! domain operation requires. The domain enforces it (`Actor::require`); this table is the
//! contract that `tests/tests/permissions.rs` checks against the running server for every
//! role and token, and that `docs/graphql-contract.md` prints. A root field missing here
//! fails that test.

use crate::domain::Permission;

/// Who may call a root field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (signing in itself).
    Public,
    /// Callers whose role and token scope grant the permission.
    Requires(Permission),
}

use Access::{Public, Requires};
use Permission::{
    ConfigureTenant, DeleteLeads, LinkChat, ManageApiTokens, ManageBudgets, ManageIntegrations,
    ManageOwnSessions, ManageUsers, RateTickets, UpdateOwnAccount, ViewApiTokens, ViewCosts,
    ViewCrm, ViewIntegrations, ViewOwnAccount, ViewReports, ViewTeam, ViewTickets, WorkTickets,
    WriteCrm, WriteTickets,
};

/// Every root field (`Type.field`) with its access.
pub const MATRIX: &[(&str, Access)] = &[
    ("Query.me", Requires(ViewOwnAccount)),
    ("Query.notifications", Requires(ViewOwnAccount)),
    ("Query.unreadNotificationCount", Requires(ViewOwnAccount)),
    ("Query.tickets", Requires(ViewTickets)),
    ("Query.board", Requires(ViewTickets)),
    ("Query.ticket", Requires(ViewTickets)),
    ("Query.ticketByNumber", Requires(ViewTickets)),
    ("Query.agents", Requires(ViewTeam)),
    ("Query.workflows", Requires(ViewTeam)),
    ("Query.slaPolicies", Requires(ViewTeam)),
    ("Query.businessCalendar", Requires(ViewTeam)),
    ("Query.customers", Requires(ViewCrm)),
    ("Query.customer", Requires(ViewCrm)),
    ("Query.lead", Requires(ViewCrm)),
    ("Query.leads", Requires(ViewCrm)),
    ("Query.pipeline", Requires(ViewCrm)),
    ("Query.hourlyCosts", Requires(ViewCosts)),
    ("Query.currentHourlyCosts", Requires(ViewCosts)),
    ("Query.costReport", Requires(ViewCosts)),
    ("Query.budgets", Requires(ViewCosts)),
    ("Query.budget", Requires(ViewCosts)),
    ("Query.ticketTimesReport", Requires(ViewReports)),
    ("Query.satisfactionReport", Requires(ViewReports)),
    ("Query.satisfactionComments", Requires(ViewReports)),
    ("Query.ticketsPerWeek", Requires(ViewReports)),
    ("Query.backlogReport", Requires(ViewReports)),
    ("Query.leadConversionReport", Requires(ViewReports)),
    ("Query.apiTokens", Requires(ViewApiTokens)),
    ("Query.integrations", Requires(ViewIntegrations)),
    ("Query.myNotificationPreferences", Requires(ViewOwnAccount)),
    (
        "Query.tenantNotificationDefaults",
        Requires(ConfigureTenant),
    ),
    ("Query.messageTemplates", Requires(ConfigureTenant)),
    ("Query.previewMessageTemplate", Requires(ConfigureTenant)),
    ("Query.mailSignature", Requires(ConfigureTenant)),
    ("Mutation.login", Public),
    ("Mutation.markNotificationsRead", Requires(UpdateOwnAccount)),
    ("Mutation.createTicket", Requires(WriteTickets)),
    ("Mutation.replyToTicket", Requires(WriteTickets)),
    ("Mutation.uploadAttachment", Requires(WriteTickets)),
    ("Mutation.rateTicket", Requires(RateTickets)),
    ("Mutation.changeTicketStatus", Requires(WorkTickets)),
    ("Mutation.changeTicketPriority", Requires(WorkTickets)),
    ("Mutation.assignTicket", Requires(WorkTickets)),
    ("Mutation.logTime", Requires(WorkTickets)),
    ("Mutation.mergeTickets", Requires(WorkTickets)),
    ("Mutation.linkTickets", Requires(WorkTickets)),
    ("Mutation.unlinkTickets", Requires(WorkTickets)),
    ("Mutation.reportPresence", Requires(WorkTickets)),
    ("Mutation.createTelegramLinkCode", Requires(LinkChat)),
    ("Mutation.createCustomer", Requires(WriteCrm)),
    ("Mutation.updateCustomer", Requires(WriteCrm)),
    ("Mutation.archiveCustomer", Requires(WriteCrm)),
    ("Mutation.addCustomerNote", Requires(WriteCrm)),
    ("Mutation.logCustomerActivity", Requires(WriteCrm)),
    ("Mutation.addCustomerTags", Requires(WriteCrm)),
    ("Mutation.removeCustomerTag", Requires(WriteCrm)),
    ("Mutation.recordCustomerOrder", Requires(WriteCrm)),
    ("Mutation.recordInboundContact", Requires(WriteCrm)),
    ("Mutation.createLead", Requires(WriteCrm)),
    ("Mutation.updateLead", Requires(WriteCrm)),
    ("Mutation.moveLead", Requires(WriteCrm)),
    ("Mutation.deleteLead", Requires(DeleteLeads)),
    ("Mutation.convertTicketToLead", Requires(WriteCrm)),
    ("Mutation.winLead", Requires(WriteCrm)),
    ("Mutation.loseLead", Requires(WriteCrm)),
    ("Mutation.scheduleMeeting", Requires(WriteCrm)),
    ("Mutation.createBudget", Requires(ManageBudgets)),
    ("Mutation.updateBudget", Requires(ManageBudgets)),
    ("Mutation.deleteBudget", Requires(ManageBudgets)),
    ("Mutation.setHourlyCost", Requires(ConfigureTenant)),
    ("Mutation.setWorkflowTransitions", Requires(ConfigureTenant)),
    ("Mutation.updateSlaPolicy", Requires(ConfigureTenant)),
    ("Mutation.setBusinessCalendar", Requires(ConfigureTenant)),
    ("Mutation.setMessageTemplate", Requires(ConfigureTenant)),
    ("Mutation.resetMessageTemplate", Requires(ConfigureTenant)),
    ("Mutation.setMailSignature", Requires(ConfigureTenant)),
    (
        "Mutation.updateMyNotificationPreferences",
        Requires(UpdateOwnAccount),
    ),
    (
        "Mutation.updateTenantNotificationDefaults",
        Requires(ConfigureTenant),
    ),
    ("Mutation.createApiToken", Requires(ManageApiTokens)),
    ("Mutation.revokeApiToken", Requires(ManageApiTokens)),
    ("Mutation.signOut", Requires(ManageOwnSessions)),
    ("Mutation.signOutEverywhere", Requires(ManageOwnSessions)),
    ("Mutation.deactivateUser", Requires(ManageUsers)),
    ("Mutation.reactivateUser", Requires(ManageUsers)),
    ("Mutation.changeUserRole", Requires(ManageUsers)),
    ("Mutation.createIntegration", Requires(ManageIntegrations)),
    ("Mutation.updateIntegration", Requires(ManageIntegrations)),
    (
        "Mutation.deactivateIntegration",
        Requires(ManageIntegrations),
    ),
    ("Subscription.ticketEvents", Requires(ViewTickets)),
    ("Subscription.ticketPresence", Requires(ViewTeam)),
    ("Subscription.leadEvents", Requires(ViewCrm)),
    ("Subscription.bellEvents", Requires(ViewOwnAccount)),
    ("Subscription.customerEvents", Requires(ViewCrm)),
    ("Subscription.budgetEvents", Requires(ViewCosts)),
];

/// The access of a root field (`Type.field`), if the matrix lists it.
#[must_use]
pub fn access_of(field: &str) -> Option<Access> {
    MATRIX
        .iter()
        .find(|(name, _)| *name == field)
        .map(|(_, access)| *access)
}

/// The matrix as the Markdown tables printed in `docs/graphql-contract.md`: the permissions
/// with their roles and token scope, then every root field with its permission.
#[must_use]
pub fn matrix_markdown() -> String {
    let mut out = String::from("| permission | roles | API token scope |\n|---|---|---|\n");
    for permission in Permission::ALL {
        let roles: Vec<&str> = permission.roles().iter().map(|r| r.as_str()).collect();
        let token = if permission.needs_session() {
            "none: a signed-in person only".to_owned()
        } else {
            permission.scope().as_str().to_owned()
        };
        out.push_str(&format!(
            "| {permission:?} | {} | {token} |\n",
            roles.join(", ")
        ));
    }
    out.push_str("\n| root field | requires |\n|---|---|\n");
    for (field, access) in MATRIX {
        let requires = match access {
            Public => "anyone (no credential)".to_owned(),
            Requires(permission) => format!("{permission:?}"),
        };
        out.push_str(&format!("| `{field}` | {requires} |\n"));
    }
    out
}
