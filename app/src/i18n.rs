//! The app's two languages, French first.
//!
//! A small typed dictionary rather than a translation framework: every text is a field of
//! [`Texts`] and each language is one `const` of that type, so a text missing in one
//! language is a compile error, not a blank in the page.

use crate::api::auth::Role;
use crate::api::tickets::{AuthorKind, TicketPriority, TicketStatus, TicketType};

/// A language of the interface.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// French, the default.
    #[default]
    Fr,
    /// English.
    En,
}

impl Lang {
    /// Every language, in the order the switch shows them.
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// The BCP 47 code, as stored in localStorage and set on `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The locale used to format dates and times.
    pub fn locale(self) -> &'static str {
        match self {
            Lang::Fr => "fr-FR",
            Lang::En => "en-GB",
        }
    }

    /// Parses a code written by [`Lang::code`].
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|lang| lang.code() == code)
    }

    /// The texts of this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }
}

/// Every text the interface shows, in one language.
#[derive(Debug)]
pub struct Texts {
    /// The language's own name, shown in the switch's tooltip.
    pub language_name: &'static str,
    pub language_label: &'static str,

    pub app_name: &'static str,
    pub nav_board: &'static str,
    pub sign_out: &'static str,
    pub live_connecting: &'static str,
    pub live_connected: &'static str,
    pub live_reconnecting: &'static str,
    pub live_offline: &'static str,

    pub login_title: &'static str,
    pub login_intro: &'static str,
    pub login_tenant: &'static str,
    pub login_tenant_hint: &'static str,
    pub login_email: &'static str,
    pub login_password: &'static str,
    pub login_submit: &'static str,
    pub login_submitting: &'static str,

    pub loading: &'static str,
    pub board_title: &'static str,
    pub board_empty_column: &'static str,
    pub board_truncated: &'static str,
    pub unassigned: &'static str,

    pub back_to_board: &'static str,
    pub ticket_status: &'static str,
    pub ticket_priority: &'static str,
    pub ticket_type: &'static str,
    pub ticket_customer: &'static str,
    pub ticket_assignee: &'static str,
    pub ticket_created: &'static str,
    pub ticket_description: &'static str,
    pub ticket_thread: &'static str,
    pub ticket_no_messages: &'static str,
    pub ticket_not_found: &'static str,
    pub change_status: &'static str,
    pub no_transition: &'static str,
    pub internal_note: &'static str,
    pub internal_note_badge: &'static str,
    pub reply_label: &'static str,
    pub reply_placeholder: &'static str,
    pub reply_send: &'static str,
    pub reply_sending: &'static str,
    pub reply_empty: &'static str,

    pub error_title: &'static str,
    pub error_network: &'static str,
    pub error_unauthenticated: &'static str,
    pub error_forbidden: &'static str,
    pub error_not_found: &'static str,
    pub error_bad_input: &'static str,
    pub error_conflict: &'static str,
    pub error_internal: &'static str,
    pub sign_in_again: &'static str,
    pub page_not_found: &'static str,

    pub status_new: &'static str,
    pub status_open: &'static str,
    pub status_pending: &'static str,
    pub status_resolved: &'static str,
    pub status_closed: &'static str,
    pub status_cancelled: &'static str,

    pub priority_low: &'static str,
    pub priority_normal: &'static str,
    pub priority_high: &'static str,
    pub priority_urgent: &'static str,

    pub type_support: &'static str,
    pub type_sales: &'static str,
    pub type_inquiry: &'static str,

    pub author_customer: &'static str,
    pub author_agent: &'static str,
    pub author_system: &'static str,

    pub role_admin: &'static str,
    pub role_manager: &'static str,
    pub role_agent: &'static str,
    pub role_customer: &'static str,
}

impl Texts {
    /// The name of a ticket status.
    pub fn status(&self, status: TicketStatus) -> &'static str {
        match status {
            TicketStatus::New => self.status_new,
            TicketStatus::Open => self.status_open,
            TicketStatus::Pending => self.status_pending,
            TicketStatus::Resolved => self.status_resolved,
            TicketStatus::Closed => self.status_closed,
            TicketStatus::Cancelled => self.status_cancelled,
        }
    }

    /// The name of a ticket priority.
    pub fn priority(&self, priority: TicketPriority) -> &'static str {
        match priority {
            TicketPriority::Low => self.priority_low,
            TicketPriority::Normal => self.priority_normal,
            TicketPriority::High => self.priority_high,
            TicketPriority::Urgent => self.priority_urgent,
        }
    }

    /// The name of a ticket type.
    pub fn ticket_type(&self, ticket_type: TicketType) -> &'static str {
        match ticket_type {
            TicketType::Support => self.type_support,
            TicketType::Sales => self.type_sales,
            TicketType::Inquiry => self.type_inquiry,
        }
    }

    /// The name of a kind of message author.
    pub fn author_kind(&self, kind: AuthorKind) -> &'static str {
        match kind {
            AuthorKind::Customer => self.author_customer,
            AuthorKind::Agent => self.author_agent,
            AuthorKind::System => self.author_system,
        }
    }

    /// The name of a user role.
    pub fn role(&self, role: Role) -> &'static str {
        match role {
            Role::Admin => self.role_admin,
            Role::Manager => self.role_manager,
            Role::Agent => self.role_agent,
            Role::Customer => self.role_customer,
        }
    }

    /// A sentence explaining an API error code to a person; the server's own message is
    /// shown beside it.
    pub fn error_code(&self, code: &str) -> &'static str {
        match code {
            crate::api::CODE_NETWORK => self.error_network,
            "UNAUTHENTICATED" => self.error_unauthenticated,
            "FORBIDDEN" => self.error_forbidden,
            "NOT_FOUND" => self.error_not_found,
            "BAD_USER_INPUT" => self.error_bad_input,
            "CONFLICT" => self.error_conflict,
            _ => self.error_internal,
        }
    }
}

/// French, the default language.
pub const FR: Texts = Texts {
    language_name: "Français",
    language_label: "Langue",

    app_name: "Guichet",
    nav_board: "Tableau",
    sign_out: "Se déconnecter",
    live_connecting: "Connexion…",
    live_connected: "En direct",
    live_reconnecting: "Reconnexion…",
    live_offline: "Hors ligne",

    login_title: "Connexion",
    login_intro: "Connectez-vous pour traiter les demandes de vos clients.",
    login_tenant: "Organisation",
    login_tenant_hint: "Facultatif si votre adresse n'appartient qu'à une organisation.",
    login_email: "Adresse e-mail",
    login_password: "Mot de passe",
    login_submit: "Se connecter",
    login_submitting: "Connexion…",

    loading: "Chargement…",
    board_title: "Tickets",
    board_empty_column: "Aucun ticket",
    board_truncated: "Seuls les 100 tickets les plus récents sont affichés.",
    unassigned: "Non assigné",

    back_to_board: "← Retour au tableau",
    ticket_status: "Statut",
    ticket_priority: "Priorité",
    ticket_type: "Type",
    ticket_customer: "Client",
    ticket_assignee: "Assigné à",
    ticket_created: "Créé le",
    ticket_description: "Description",
    ticket_thread: "Échanges",
    ticket_no_messages: "Aucun message pour l'instant.",
    ticket_not_found: "Ce ticket n'existe pas ou ne vous est pas accessible.",
    change_status: "Changer le statut",
    no_transition: "Aucun changement de statut possible.",
    internal_note: "Note interne (invisible pour le client)",
    internal_note_badge: "Note interne",
    reply_label: "Répondre",
    reply_placeholder: "Votre réponse…",
    reply_send: "Envoyer",
    reply_sending: "Envoi…",
    reply_empty: "Le message est vide.",

    error_title: "Une erreur est survenue",
    error_network: "Le serveur est injoignable.",
    error_unauthenticated: "Votre session a expiré ou les identifiants sont incorrects.",
    error_forbidden: "Vous n'avez pas le droit de faire cela.",
    error_not_found: "Introuvable.",
    error_bad_input: "Données invalides.",
    error_conflict: "Conflit avec l'état actuel.",
    error_internal: "Erreur du serveur.",
    sign_in_again: "Se reconnecter",
    page_not_found: "Page introuvable.",

    status_new: "Nouveau",
    status_open: "Ouvert",
    status_pending: "En attente",
    status_resolved: "Résolu",
    status_closed: "Fermé",
    status_cancelled: "Annulé",

    priority_low: "Basse",
    priority_normal: "Normale",
    priority_high: "Haute",
    priority_urgent: "Urgente",

    type_support: "Support",
    type_sales: "Commercial",
    type_inquiry: "Renseignement",

    author_customer: "Client",
    author_agent: "Agent",
    author_system: "Système",

    role_admin: "Administrateur",
    role_manager: "Responsable",
    role_agent: "Agent",
    role_customer: "Client",
};

/// English.
pub const EN: Texts = Texts {
    language_name: "English",
    language_label: "Language",

    app_name: "Guichet",
    nav_board: "Board",
    sign_out: "Sign out",
    live_connecting: "Connecting…",
    live_connected: "Live",
    live_reconnecting: "Reconnecting…",
    live_offline: "Offline",

    login_title: "Sign in",
    login_intro: "Sign in to handle your customers' requests.",
    login_tenant: "Organisation",
    login_tenant_hint: "Optional when your address belongs to one organisation only.",
    login_email: "E-mail address",
    login_password: "Password",
    login_submit: "Sign in",
    login_submitting: "Signing in…",

    loading: "Loading…",
    board_title: "Tickets",
    board_empty_column: "No tickets",
    board_truncated: "Only the 100 most recent tickets are shown.",
    unassigned: "Unassigned",

    back_to_board: "← Back to the board",
    ticket_status: "Status",
    ticket_priority: "Priority",
    ticket_type: "Type",
    ticket_customer: "Customer",
    ticket_assignee: "Assignee",
    ticket_created: "Created",
    ticket_description: "Description",
    ticket_thread: "Conversation",
    ticket_no_messages: "No messages yet.",
    ticket_not_found: "This ticket does not exist or is not visible to you.",
    change_status: "Change status",
    no_transition: "No status change is possible.",
    internal_note: "Internal note (hidden from the customer)",
    internal_note_badge: "Internal note",
    reply_label: "Reply",
    reply_placeholder: "Your reply…",
    reply_send: "Send",
    reply_sending: "Sending…",
    reply_empty: "The message is empty.",

    error_title: "Something went wrong",
    error_network: "The server cannot be reached.",
    error_unauthenticated: "Your session has expired or the credentials are wrong.",
    error_forbidden: "You are not allowed to do this.",
    error_not_found: "Not found.",
    error_bad_input: "Invalid data.",
    error_conflict: "Conflicts with the current state.",
    error_internal: "Server error.",
    sign_in_again: "Sign in again",
    page_not_found: "Page not found.",

    status_new: "New",
    status_open: "Open",
    status_pending: "Pending",
    status_resolved: "Resolved",
    status_closed: "Closed",
    status_cancelled: "Cancelled",

    priority_low: "Low",
    priority_normal: "Normal",
    priority_high: "High",
    priority_urgent: "Urgent",

    type_support: "Support",
    type_sales: "Sales",
    type_inquiry: "Inquiry",

    author_customer: "Customer",
    author_agent: "Agent",
    author_system: "System",

    role_admin: "Administrator",
    role_manager: "Manager",
    role_agent: "Agent",
    role_customer: "Customer",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::from_code("de"), None);
        assert_eq!(Lang::default(), Lang::Fr);
    }

    #[test]
    fn every_status_has_a_distinct_name_in_each_language() {
        for lang in Lang::ALL {
            let texts = lang.texts();
            let mut names: Vec<_> = TicketStatus::ALL
                .into_iter()
                .map(|status| texts.status(status))
                .collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), TicketStatus::ALL.len(), "{lang:?}");
        }
    }
}
