//! The app's two languages, French first.
//!
//! A small typed dictionary rather than a translation framework: every text is a field of
//! [`Texts`] and each language is one `const` of that type, so a text missing in one
//! language is a compile error, not a blank in the page.

use crate::api::crm::customer_card::TimelineKind;
use crate::api::tickets::ticket::{HistoryKind, SlaDeadline};
use crate::api::{
    ActivityKind, AuthorKind, Channel, CustomerSegment, LeadStage, Role, TicketCategory,
    TicketPriority, TicketStatus, TicketType,
};

/// The name shown for an enum value newer than the app (the server has a value the
/// committed schema did not).
const UNKNOWN: &str = "?";

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
    pub board_more: &'static str,
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

    pub nav_workflows: &'static str,
    pub nav_sla: &'static str,
    pub new_ticket: &'static str,
    pub board_search_label: &'static str,
    pub board_search_placeholder: &'static str,
    pub filter_priority_all: &'static str,
    pub filter_type_all: &'static str,
    pub filter_assignee_all: &'static str,
    pub change_priority: &'static str,
    pub change_assignee: &'static str,
    pub sla_response: &'static str,
    pub sla_resolution: &'static str,
    pub sla_due_in: &'static str,
    pub sla_overdue: &'static str,
    pub sla_responded: &'static str,
    pub sla_done: &'static str,
    /// Monday first.
    pub weekdays: [&'static str; 7],
    pub presence_viewing: &'static str,
    pub presence_typing: &'static str,
    pub calendar_title: &'static str,
    pub calendar_intro: &'static str,
    pub calendar_timezone: &'static str,
    pub calendar_always_open: &'static str,
    pub calendar_add: &'static str,
    pub calendar_remove: &'static str,
    pub calendar_holidays: &'static str,
    pub calendar_save: &'static str,
    pub calendar_saved: &'static str,
    pub calendar_bad_date: &'static str,
    pub sla_no_deadline: &'static str,
    pub duration_days: &'static str,
    pub history_title: &'static str,
    pub history_empty: &'static str,
    pub time_title: &'static str,
    pub time_total: &'static str,
    pub time_minutes: &'static str,
    pub time_date: &'static str,
    pub time_note: &'static str,
    pub time_submit: &'static str,
    pub time_invalid: &'static str,
    pub time_none: &'static str,
    pub rating_title: &'static str,
    pub rating_intro: &'static str,
    pub rating_comment: &'static str,
    pub rating_submit: &'static str,
    pub rating_pick: &'static str,
    pub rating_done: &'static str,
    pub create_title: &'static str,
    pub create_type: &'static str,
    pub create_category: &'static str,
    pub create_priority: &'static str,
    pub create_subject: &'static str,
    pub create_description: &'static str,
    pub create_customer: &'static str,
    pub create_customer_placeholder: &'static str,
    pub create_customer_none: &'static str,
    pub create_customer_selected: &'static str,
    pub create_customer_required: &'static str,
    pub create_missing: &'static str,
    pub create_submit: &'static str,
    pub create_submitting: &'static str,
    pub cancel: &'static str,
    pub settings_workflows_title: &'static str,
    pub settings_workflows_intro: &'static str,
    pub workflow_initial: &'static str,
    pub workflow_from_to: &'static str,
    pub settings_sla_title: &'static str,
    pub settings_sla_intro: &'static str,
    pub sla_response_hours: &'static str,
    pub sla_resolution_hours: &'static str,
    pub settings_invalid_number: &'static str,
    pub save: &'static str,
    pub saving: &'static str,
    pub saved: &'static str,
    pub category_technical: &'static str,
    pub category_billing: &'static str,
    pub category_scheduling: &'static str,
    pub category_complaint: &'static str,
    pub category_installation_issue: &'static str,
    pub category_new_lead: &'static str,
    pub category_quote_request: &'static str,
    pub category_product_inquiry: &'static str,
    pub category_partnership_inquiry: &'static str,
    pub category_information: &'static str,
    pub category_other: &'static str,
    pub history_created: &'static str,
    pub history_status_changed: &'static str,
    pub history_assigned: &'static str,
    pub history_priority_changed: &'static str,
    pub history_department_changed: &'static str,
    pub history_reopened: &'static str,
    pub history_merged: &'static str,
    pub history_linked: &'static str,
    pub history_rated: &'static str,
    pub history_sla_warning: &'static str,
    pub history_sla_breached: &'static str,
    pub history_escalated: &'static str,
    pub history_auto_closed: &'static str,
    /// Nobody (an assignment removed, a department cleared).
    pub history_nobody: &'static str,
    /// The SLA deadline of the first response.
    pub deadline_response: &'static str,
    /// The SLA deadline of the resolution.
    pub deadline_resolution: &'static str,
    /// Before a lead's number, in a history entry.
    pub history_lead: &'static str,
    /// After a rating's number of stars.
    pub history_stars: &'static str,
    pub attachments_title: &'static str,
    /// The reports, budgets and hourly-cost pages.
    pub reports: &'static ReportTexts,
    pub attachments_none: &'static str,
    pub attachment_choose: &'static str,
    pub attachment_upload: &'static str,
    pub attachment_uploading: &'static str,
    pub attachment_hint: &'static str,
    pub attachment_no_file: &'static str,
    pub bell_label: &'static str,
    pub bell_title: &'static str,
    pub bell_empty: &'static str,
    pub bell_mark_read: &'static str,
    pub size_bytes: &'static str,
    pub size_kb: &'static str,
    pub size_mb: &'static str,
    pub decimal_separator: &'static str,
    /// The CRM and sales pages.
    pub crm: &'static CrmTexts,
    /// The notification choices and message templates pages.
    pub notifications: &'static NotificationTexts,
}

impl Texts {
    /// The name of a ticket status.
    pub fn status(&self, status: &TicketStatus) -> &'static str {
        match status {
            TicketStatus::NEW => self.status_new,
            TicketStatus::OPEN => self.status_open,
            TicketStatus::PENDING => self.status_pending,
            TicketStatus::RESOLVED => self.status_resolved,
            TicketStatus::CLOSED => self.status_closed,
            TicketStatus::CANCELLED => self.status_cancelled,
            TicketStatus::Other(_) => UNKNOWN,
        }
    }

    /// The name of a ticket priority.
    pub fn priority(&self, priority: &TicketPriority) -> &'static str {
        match priority {
            TicketPriority::LOW => self.priority_low,
            TicketPriority::NORMAL => self.priority_normal,
            TicketPriority::HIGH => self.priority_high,
            TicketPriority::URGENT => self.priority_urgent,
            TicketPriority::Other(_) => UNKNOWN,
        }
    }

    /// The name of a ticket type.
    pub fn ticket_type(&self, ticket_type: &TicketType) -> &'static str {
        match ticket_type {
            TicketType::SUPPORT => self.type_support,
            TicketType::SALES => self.type_sales,
            TicketType::INQUIRY => self.type_inquiry,
            TicketType::Other(_) => UNKNOWN,
        }
    }

    /// The name of a ticket category.
    pub fn category(&self, category: &TicketCategory) -> &'static str {
        match category {
            TicketCategory::TECHNICAL => self.category_technical,
            TicketCategory::BILLING => self.category_billing,
            TicketCategory::SCHEDULING => self.category_scheduling,
            TicketCategory::COMPLAINT => self.category_complaint,
            TicketCategory::INSTALLATION_ISSUE => self.category_installation_issue,
            TicketCategory::NEW_LEAD => self.category_new_lead,
            TicketCategory::QUOTE_REQUEST => self.category_quote_request,
            TicketCategory::PRODUCT_INQUIRY => self.category_product_inquiry,
            TicketCategory::PARTNERSHIP_INQUIRY => self.category_partnership_inquiry,
            TicketCategory::INFORMATION => self.category_information,
            TicketCategory::OTHER => self.category_other,
            TicketCategory::Other(_) => UNKNOWN,
        }
    }

    /// The name of a history entry's kind; a kind newer than the app is shown as the server
    /// names it.
    pub fn history_kind<'a>(&self, kind: &'a HistoryKind) -> &'a str {
        match kind {
            HistoryKind::CREATED => self.history_created,
            HistoryKind::STATUS_CHANGED => self.history_status_changed,
            HistoryKind::ASSIGNED => self.history_assigned,
            HistoryKind::PRIORITY_CHANGED => self.history_priority_changed,
            HistoryKind::DEPARTMENT_CHANGED => self.history_department_changed,
            HistoryKind::REOPENED => self.history_reopened,
            HistoryKind::MERGED => self.history_merged,
            HistoryKind::LINKED => self.history_linked,
            HistoryKind::RATED => self.history_rated,
            HistoryKind::SLA_WARNING => self.history_sla_warning,
            HistoryKind::SLA_BREACHED => self.history_sla_breached,
            HistoryKind::ESCALATED => self.history_escalated,
            HistoryKind::AUTO_CLOSED => self.history_auto_closed,
            HistoryKind::Other(name) => name,
        }
    }

    /// An SLA deadline's name.
    pub fn deadline(&self, deadline: &SlaDeadline) -> &'static str {
        match deadline {
            SlaDeadline::RESPONSE => self.deadline_response,
            SlaDeadline::RESOLUTION => self.deadline_resolution,
            SlaDeadline::Other(_) => UNKNOWN,
        }
    }

    /// A file size, as `512 o`, `12 Ko` or `3,4 Mo`.
    pub fn file_size(&self, bytes: i64) -> String {
        const KB: i64 = 1024;
        if bytes < KB {
            format!("{bytes} {}", self.size_bytes)
        } else if bytes < KB * KB {
            format!("{} {}", (bytes + KB / 2) / KB, self.size_kb)
        } else {
            let tenths = (bytes * 10 + KB * KB / 2) / (KB * KB);
            let (units, tenth) = (tenths / 10, tenths % 10);
            format!("{units}{}{tenth} {}", self.decimal_separator, self.size_mb)
        }
    }

    /// A duration in minutes, as `2 j 3 h`, `3 h 05` or `12 min`.
    pub fn duration(&self, minutes: i64) -> String {
        let minutes = minutes.abs();
        let (days, hours, rest) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
        if days > 0 {
            format!("{days} {} {hours} h", self.duration_days)
        } else if hours > 0 {
            format!("{hours} h {rest:02}")
        } else {
            format!("{rest} min")
        }
    }

    /// The name of a kind of message author.
    pub fn author_kind(&self, kind: &AuthorKind) -> &'static str {
        match kind {
            AuthorKind::CUSTOMER => self.author_customer,
            AuthorKind::AGENT => self.author_agent,
            AuthorKind::SYSTEM => self.author_system,
            AuthorKind::Other(_) => UNKNOWN,
        }
    }

    /// The name of a user role.
    pub fn role(&self, role: &Role) -> &'static str {
        match role {
            Role::ADMIN => self.role_admin,
            Role::MANAGER => self.role_manager,
            Role::AGENT => self.role_agent,
            Role::CUSTOMER => self.role_customer,
            Role::Other(_) => UNKNOWN,
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
    board_more: "Afficher plus",
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

    nav_workflows: "Workflows",
    nav_sla: "SLA",
    new_ticket: "Nouveau ticket",
    board_search_label: "Rechercher",
    board_search_placeholder: "Sujet, description, messages…",
    filter_priority_all: "Toutes les priorités",
    filter_type_all: "Tous les types",
    filter_assignee_all: "Tous les agents",
    change_priority: "Changer la priorité",
    change_assignee: "Assigner à",
    sla_response: "Première réponse",
    sla_resolution: "Résolution",
    sla_due_in: "dans",
    sla_overdue: "en retard de",
    sla_responded: "Répondu",
    sla_done: "Terminé",
    weekdays: [
        "Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche",
    ],
    presence_viewing: "consulte aussi ce ticket",
    presence_typing: "écrit une réponse…",
    calendar_title: "Heures ouvrées",
    calendar_intro:
        "Les délais SLA se comptent pendant ces heures. Sans plage, ils courent 24 h/24, 7 j/7.",
    calendar_timezone: "Fuseau horaire",
    calendar_always_open: "Ouvert 24 h/24, 7 j/7",
    calendar_add: "Ajouter une plage",
    calendar_remove: "Retirer",
    calendar_holidays: "Jours fermés (un par ligne, AAAA-MM-JJ)",
    calendar_save: "Enregistrer le calendrier",
    calendar_saved: "Calendrier enregistré.",
    calendar_bad_date: "Date invalide :",
    sla_no_deadline: "Sans échéance",
    duration_days: "j",
    history_title: "Historique",
    history_empty: "Aucun changement enregistré.",
    time_title: "Temps passé",
    time_total: "Total",
    time_minutes: "Minutes",
    time_date: "Date (facultatif)",
    time_note: "Note (facultatif)",
    time_submit: "Enregistrer le temps",
    time_invalid: "Indiquez entre 1 et 1440 minutes.",
    time_none: "Aucun temps enregistré.",
    rating_title: "Votre avis",
    rating_intro: "Comment s'est passée la résolution de votre demande ?",
    rating_comment: "Commentaire (facultatif)",
    rating_submit: "Envoyer mon avis",
    rating_pick: "Choisissez de 1 à 5 étoiles.",
    rating_done: "Merci pour votre avis.",
    create_title: "Nouveau ticket",
    create_type: "Type",
    create_category: "Catégorie",
    create_priority: "Priorité",
    create_subject: "Sujet",
    create_description: "Description",
    create_customer: "Client",
    create_customer_placeholder: "Nom, société ou e-mail…",
    create_customer_none: "Aucun client trouvé.",
    create_customer_selected: "Client choisi :",
    create_customer_required: "Choisissez un client.",
    create_missing: "Le sujet et la description sont obligatoires.",
    create_submit: "Créer le ticket",
    create_submitting: "Création…",
    cancel: "Annuler",
    settings_workflows_title: "Workflows",
    settings_workflows_intro:
        "Cochez les changements de statut permis (ligne : depuis, colonne : vers).",
    workflow_initial: "Statut initial :",
    workflow_from_to: "De \\ vers",
    settings_sla_title: "Délais (SLA)",
    settings_sla_intro:
        "Les nouveaux délais s'appliquent aux tickets créés à partir de maintenant.",
    sla_response_hours: "Heures avant première réponse",
    sla_resolution_hours: "Heures avant résolution",
    settings_invalid_number: "Saisissez un nombre entier positif.",
    save: "Enregistrer",
    saving: "Enregistrement…",
    saved: "Enregistré.",
    category_technical: "Technique",
    category_billing: "Facturation",
    category_scheduling: "Planification",
    category_complaint: "Réclamation",
    category_installation_issue: "Problème d'installation",
    category_new_lead: "Nouveau prospect",
    category_quote_request: "Demande de devis",
    reports: &REPORTS_FR,
    category_product_inquiry: "Question produit",
    category_partnership_inquiry: "Proposition de partenariat",
    category_information: "Information",
    category_other: "Autre",
    history_created: "Création",
    history_status_changed: "Statut modifié",
    history_assigned: "Assignation",
    history_priority_changed: "Priorité modifiée",
    history_department_changed: "Service modifié",
    history_reopened: "Réouverture",
    history_merged: "Fusion",
    history_linked: "Lien",
    history_rated: "Évaluation",
    history_sla_warning: "Alerte SLA",
    history_sla_breached: "SLA dépassé",
    history_escalated: "Escalade",
    history_auto_closed: "Fermeture automatique",
    history_nobody: "personne",
    deadline_response: "première réponse",
    deadline_resolution: "résolution",
    history_lead: "Piste",
    history_stars: "étoiles",
    attachments_title: "Pièces jointes",
    attachments_none: "Aucune pièce jointe.",
    attachment_choose: "Fichier",
    attachment_upload: "Joindre",
    attachment_uploading: "Envoi…",
    attachment_hint: "PNG, JPEG, GIF, WebP ou PDF, 10 Mo au plus.",
    attachment_no_file: "Choisissez d'abord un fichier.",
    bell_label: "Notifications",
    bell_title: "Notifications",
    bell_empty: "Aucune notification.",
    bell_mark_read: "Tout marquer comme lu",
    size_bytes: "o",
    size_kb: "Ko",
    size_mb: "Mo",
    decimal_separator: ",",
    crm: &FR_CRM,
    notifications: &NOTIFICATIONS_FR,
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
    board_more: "Show more",
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

    nav_workflows: "Workflows",
    nav_sla: "SLA",
    new_ticket: "New ticket",
    board_search_label: "Search",
    board_search_placeholder: "Subject, description, messages…",
    filter_priority_all: "All priorities",
    filter_type_all: "All types",
    filter_assignee_all: "All assignees",
    change_priority: "Change priority",
    change_assignee: "Assign to",
    sla_response: "First response",
    sla_resolution: "Resolution",
    sla_due_in: "in",
    sla_overdue: "overdue by",
    sla_responded: "Answered",
    sla_done: "Done",
    weekdays: [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
    presence_viewing: "is also viewing",
    presence_typing: "is typing…",
    calendar_title: "Business hours",
    calendar_intro:
        "SLA deadlines count during these hours. With no hours, they run around the clock.",
    calendar_timezone: "Time zone",
    calendar_always_open: "Open around the clock",
    calendar_add: "Add hours",
    calendar_remove: "Remove",
    calendar_holidays: "Closed days (one per line, YYYY-MM-DD)",
    calendar_save: "Save the calendar",
    calendar_saved: "Calendar saved.",
    calendar_bad_date: "Invalid date:",
    sla_no_deadline: "No deadline",
    duration_days: "d",
    history_title: "History",
    history_empty: "No changes recorded.",
    time_title: "Time spent",
    time_total: "Total",
    time_minutes: "Minutes",
    time_date: "Date (optional)",
    time_note: "Note (optional)",
    time_submit: "Log time",
    time_invalid: "Enter between 1 and 1440 minutes.",
    time_none: "No time logged.",
    rating_title: "Your rating",
    rating_intro: "How did we handle your request?",
    rating_comment: "Comment (optional)",
    rating_submit: "Send my rating",
    rating_pick: "Pick 1 to 5 stars.",
    rating_done: "Thank you for your rating.",
    create_title: "New ticket",
    create_type: "Type",
    create_category: "Category",
    create_priority: "Priority",
    create_subject: "Subject",
    create_description: "Description",
    create_customer: "Customer",
    create_customer_placeholder: "Name, company or e-mail…",
    create_customer_none: "No customer found.",
    create_customer_selected: "Chosen customer:",
    create_customer_required: "Choose a customer.",
    reports: &REPORTS_EN,
    create_missing: "The subject and the description are required.",
    create_submit: "Create the ticket",
    create_submitting: "Creating…",
    cancel: "Cancel",
    settings_workflows_title: "Workflows",
    settings_workflows_intro: "Tick the allowed status changes (row: from, column: to).",
    workflow_initial: "Initial status:",
    workflow_from_to: "From \\ to",
    settings_sla_title: "Deadlines (SLA)",
    settings_sla_intro: "New hours apply to tickets created from now on.",
    sla_response_hours: "Hours to first response",
    sla_resolution_hours: "Hours to resolution",
    settings_invalid_number: "Enter a positive whole number.",
    save: "Save",
    saving: "Saving…",
    saved: "Saved.",
    category_technical: "Technical",
    category_billing: "Billing",
    category_scheduling: "Scheduling",
    category_complaint: "Complaint",
    category_installation_issue: "Installation issue",
    category_new_lead: "New lead",
    category_quote_request: "Quote request",
    category_product_inquiry: "Product inquiry",
    category_partnership_inquiry: "Partnership inquiry",
    category_information: "Information",
    category_other: "Other",
    history_created: "Created",
    history_status_changed: "Status changed",
    history_assigned: "Assigned",
    history_priority_changed: "Priority changed",
    history_department_changed: "Department changed",
    history_reopened: "Reopened",
    history_merged: "Merged",
    history_linked: "Linked",
    history_rated: "Rated",
    history_sla_warning: "SLA warning",
    history_sla_breached: "SLA breached",
    history_escalated: "Escalated",
    history_auto_closed: "Auto-closed",
    history_nobody: "nobody",
    deadline_response: "first response",
    deadline_resolution: "resolution",
    history_lead: "Lead",
    history_stars: "stars",
    attachments_title: "Attachments",
    attachments_none: "No attachments.",
    attachment_choose: "File",
    attachment_upload: "Attach",
    attachment_uploading: "Uploading…",
    attachment_hint: "PNG, JPEG, GIF, WebP or PDF, 10 MB at most.",
    attachment_no_file: "Choose a file first.",
    bell_label: "Notifications",
    bell_title: "Notifications",
    bell_empty: "No notifications.",
    bell_mark_read: "Mark all as read",
    size_bytes: "B",
    size_kb: "KB",
    size_mb: "MB",
    decimal_separator: ".",
    crm: &EN_CRM,
    notifications: &NOTIFICATIONS_EN,
};

/// The texts of the CRM pages (customers' cards, the leads board), in one language.
#[derive(Debug)]
pub struct CrmTexts {
    pub nav_customers: &'static str,
    pub nav_leads: &'static str,
    pub customers_title: &'static str,
    pub customers_search: &'static str,
    pub customers_all_segments: &'static str,
    pub customers_empty: &'static str,
    pub segment_prospect: &'static str,
    pub segment_client: &'static str,
    pub segment_vip: &'static str,
    pub orders: &'static str,
    pub revenue: &'static str,
    pub last_contact: &'static str,
    pub never: &'static str,
    pub notes_count: &'static str,
    pub activities_count: &'static str,
    pub back_to_customers: &'static str,
    pub details: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub company: &'static str,
    pub email: &'static str,
    pub phone: &'static str,
    pub segment: &'static str,
    pub address: &'static str,
    pub city: &'static str,
    pub postal_code: &'static str,
    pub tags: &'static str,
    pub tag_add: &'static str,
    pub tag_placeholder: &'static str,
    pub tag_remove: &'static str,
    pub note_add: &'static str,
    pub note_placeholder: &'static str,
    pub timeline: &'static str,
    pub timeline_empty: &'static str,
    pub create_ticket: &'static str,
    pub kind_activity: &'static str,
    pub kind_note: &'static str,
    pub kind_ticket: &'static str,
    pub kind_message: &'static str,
    pub kind_lead: &'static str,
    pub kind_meeting: &'static str,
    /// A customer's message, on the timeline.
    pub timeline_message: &'static str,
    /// An internal note on one of the customer's tickets, on the timeline.
    pub timeline_internal_note: &'static str,
    pub leads_title: &'static str,
    pub leads_count: &'static str,
    pub total_value: &'static str,
    pub weighted_value: &'static str,
    pub probability: &'static str,
    pub move_to: &'static str,
    pub win: &'static str,
    pub win_amount: &'static str,
    pub lose: &'static str,
    pub lose_reason: &'static str,
    pub stage_lead: &'static str,
    pub stage_qualified: &'static str,
    pub stage_proposal: &'static str,
    pub stage_negotiation: &'static str,
    pub stage_won: &'static str,
    pub stage_lost: &'static str,
    pub convert_to_lead: &'static str,
    pub activity_title: &'static str,
    pub activity_kind_label: &'static str,
    pub activity_channel_label: &'static str,
    pub activity_no_channel: &'static str,
    pub activity_description: &'static str,
    pub activity_add: &'static str,
    pub activity_call: &'static str,
    pub activity_email: &'static str,
    pub activity_visit: &'static str,
    pub activity_message: &'static str,
    /// An order, on the timeline (followed by its amount).
    pub activity_order: &'static str,
    pub channel_phone: &'static str,
    pub channel_email: &'static str,
    pub channel_sms: &'static str,
    pub channel_whatsapp: &'static str,
    pub channel_telegram: &'static str,
    pub channel_web: &'static str,
    pub meeting_schedule: &'static str,
    pub meeting_title: &'static str,
    pub meeting_at: &'static str,
    pub meeting_duration: &'static str,
    pub meeting_location: &'static str,
    pub meeting_add: &'static str,
    pub meeting_scheduled: &'static str,
    pub meeting_ics: &'static str,
}

impl CrmTexts {
    /// The name of a segment.
    pub fn segment(&self, segment: &CustomerSegment) -> &'static str {
        match segment {
            CustomerSegment::PROSPECT => self.segment_prospect,
            CustomerSegment::CLIENT => self.segment_client,
            CustomerSegment::VIP => self.segment_vip,
            CustomerSegment::Other(_) => UNKNOWN,
        }
    }

    /// The name of a pipeline stage.
    pub fn stage(&self, stage: &LeadStage) -> &'static str {
        match stage {
            LeadStage::LEAD => self.stage_lead,
            LeadStage::QUALIFIED => self.stage_qualified,
            LeadStage::PROPOSAL => self.stage_proposal,
            LeadStage::NEGOTIATION => self.stage_negotiation,
            LeadStage::WON => self.stage_won,
            LeadStage::LOST => self.stage_lost,
            LeadStage::Other(_) => UNKNOWN,
        }
    }

    /// The name of an interaction kind (`CALL`, `EMAIL`…); the others are shown as the
    /// server names them.
    pub fn activity_kind<'a>(&self, kind: &'a ActivityKind) -> &'a str {
        match kind {
            ActivityKind::CALL => self.activity_call,
            ActivityKind::EMAIL => self.activity_email,
            ActivityKind::VISIT => self.activity_visit,
            ActivityKind::MESSAGE_RECEIVED => self.activity_message,
            ActivityKind::ORDER => self.activity_order,
            other => other.as_str(),
        }
    }

    /// The name of a channel (`PHONE`, `SMS`…).
    pub fn channel<'a>(&self, channel: &'a Channel) -> &'a str {
        match channel {
            Channel::PHONE => self.channel_phone,
            Channel::EMAIL => self.channel_email,
            Channel::SMS => self.channel_sms,
            Channel::WHATSAPP => self.channel_whatsapp,
            Channel::TELEGRAM => self.channel_telegram,
            Channel::WEB => self.channel_web,
            other => other.as_str(),
        }
    }

    /// The name of a timeline entry's kind (`ACTIVITY`, `NOTE`…).
    pub fn timeline_kind<'a>(&self, kind: &'a TimelineKind) -> &'a str {
        match kind {
            TimelineKind::ACTIVITY => self.kind_activity,
            TimelineKind::NOTE => self.kind_note,
            TimelineKind::TICKET => self.kind_ticket,
            TimelineKind::MESSAGE => self.kind_message,
            TimelineKind::LEAD => self.kind_lead,
            TimelineKind::MEETING => self.kind_meeting,
            TimelineKind::Other(name) => name,
        }
    }
}

/// French CRM texts.
pub const FR_CRM: CrmTexts = CrmTexts {
    nav_customers: "Clients",
    nav_leads: "Pipeline",
    customers_title: "Clients",
    customers_search: "Nom, société, e-mail ou téléphone…",
    customers_all_segments: "Tous les segments",
    customers_empty: "Aucun client trouvé.",
    segment_prospect: "Prospect",
    segment_client: "Client",
    segment_vip: "VIP",
    orders: "Commandes",
    revenue: "Chiffre d'affaires",
    last_contact: "Dernier contact",
    never: "jamais",
    notes_count: "Notes",
    activities_count: "Interactions",
    back_to_customers: "← Clients",
    details: "Coordonnées",
    first_name: "Prénom",
    last_name: "Nom",
    company: "Société",
    email: "E-mail",
    phone: "Téléphone",
    segment: "Segment",
    address: "Adresse",
    city: "Ville",
    postal_code: "Code postal",
    tags: "Tags",
    tag_add: "Ajouter",
    tag_placeholder: "Nouveau tag",
    tag_remove: "Retirer le tag",
    note_add: "Ajouter la note",
    note_placeholder: "Une note sur ce client…",
    timeline: "Historique des interactions",
    timeline_empty: "Aucune interaction pour l'instant.",
    create_ticket: "Créer un ticket",
    kind_activity: "Interaction",
    kind_note: "Note",
    kind_ticket: "Ticket",
    kind_message: "Message",
    kind_lead: "Opportunité",
    timeline_message: "message",
    timeline_internal_note: "note interne",
    kind_meeting: "Rendez-vous",
    leads_title: "Pipeline commercial",
    leads_count: "opportunités",
    total_value: "Total",
    weighted_value: "Pondéré",
    probability: "Probabilité",
    move_to: "Déplacer vers",
    win: "Gagnée",
    win_amount: "Montant de la commande",
    lose: "Perdue",
    lose_reason: "Raison",
    stage_lead: "Piste",
    stage_qualified: "Qualifiée",
    stage_proposal: "Proposition",
    stage_negotiation: "Négociation",
    stage_won: "Gagnée",
    stage_lost: "Perdue",
    convert_to_lead: "Convertir en opportunité",
    activity_title: "Enregistrer une interaction",
    activity_kind_label: "Type",
    activity_channel_label: "Canal",
    activity_no_channel: "—",
    activity_description: "Ce qui a été dit ou convenu…",
    activity_add: "Enregistrer",
    activity_call: "Appel",
    activity_email: "E-mail",
    activity_visit: "Visite",
    activity_message: "Message reçu",
    activity_order: "Commande",
    channel_phone: "Téléphone",
    channel_email: "E-mail",
    channel_sms: "SMS",
    channel_whatsapp: "WhatsApp",
    channel_telegram: "Telegram",
    channel_web: "Site web",
    meeting_schedule: "Planifier un rendez-vous",
    meeting_title: "Objet",
    meeting_at: "Date et heure",
    meeting_duration: "Durée (minutes)",
    meeting_location: "Lieu",
    meeting_add: "Planifier",
    meeting_scheduled: "Rendez-vous planifié.",
    meeting_ics: "Ajouter à l'agenda (.ics)",
};

/// English CRM texts.
pub const EN_CRM: CrmTexts = CrmTexts {
    nav_customers: "Customers",
    nav_leads: "Pipeline",
    customers_title: "Customers",
    customers_search: "Name, company, e-mail or phone…",
    customers_all_segments: "All segments",
    customers_empty: "No customer found.",
    segment_prospect: "Prospect",
    segment_client: "Client",
    segment_vip: "VIP",
    orders: "Orders",
    revenue: "Revenue",
    last_contact: "Last contact",
    never: "never",
    notes_count: "Notes",
    activities_count: "Interactions",
    back_to_customers: "← Customers",
    details: "Details",
    first_name: "First name",
    last_name: "Last name",
    company: "Company",
    email: "E-mail",
    phone: "Phone",
    segment: "Segment",
    address: "Address",
    city: "City",
    postal_code: "Postal code",
    tags: "Tags",
    tag_add: "Add",
    tag_placeholder: "New tag",
    tag_remove: "Remove the tag",
    note_add: "Add the note",
    note_placeholder: "A note about this customer…",
    timeline: "Interactions",
    timeline_empty: "No interaction yet.",
    create_ticket: "Create a ticket",
    kind_activity: "Interaction",
    kind_note: "Note",
    kind_ticket: "Ticket",
    kind_message: "Message",
    kind_lead: "Lead",
    timeline_message: "message",
    timeline_internal_note: "internal note",
    kind_meeting: "Meeting",
    leads_title: "Sales pipeline",
    leads_count: "leads",
    total_value: "Total",
    weighted_value: "Weighted",
    probability: "Probability",
    move_to: "Move to",
    win: "Won",
    win_amount: "Order amount",
    lose: "Lost",
    lose_reason: "Reason",
    stage_lead: "Lead",
    stage_qualified: "Qualified",
    stage_proposal: "Proposal",
    stage_negotiation: "Negotiation",
    stage_won: "Won",
    stage_lost: "Lost",
    convert_to_lead: "Convert to a lead",
    activity_title: "Record an interaction",
    activity_kind_label: "Kind",
    activity_channel_label: "Channel",
    activity_no_channel: "—",
    activity_description: "What was said or agreed…",
    activity_add: "Record",
    activity_call: "Call",
    activity_email: "E-mail",
    activity_visit: "Visit",
    activity_message: "Message received",
    activity_order: "Order",
    channel_phone: "Phone",
    channel_email: "E-mail",
    channel_sms: "SMS",
    channel_whatsapp: "WhatsApp",
    channel_telegram: "Telegram",
    channel_web: "Website",
    meeting_schedule: "Schedule a meeting",
    meeting_title: "Title",
    meeting_at: "Date and time",
    meeting_duration: "Duration (minutes)",
    meeting_location: "Location",
    meeting_add: "Schedule",
    meeting_scheduled: "Meeting scheduled.",
    meeting_ics: "Add to calendar (.ics)",
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
                .map(|status| texts.status(&status))
                .collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), TicketStatus::ALL.len(), "{lang:?}");
        }
    }

    #[test]
    fn durations_read_well() {
        let texts = Lang::En.texts();
        assert_eq!(texts.duration(12), "12 min");
        assert_eq!(texts.duration(-185), "3 h 05");
        assert_eq!(texts.duration(2 * 1440 + 180), "2 d 3 h");
        assert_eq!(
            Lang::Fr.texts().history_kind(&HistoryKind::ASSIGNED),
            "Assignation"
        );
        assert_eq!(
            Lang::Fr.texts().deadline(&SlaDeadline::RESOLUTION),
            "résolution"
        );
    }

    #[test]
    fn threshold_notices_read_well() {
        assert_eq!(
            Lang::Fr.texts().reports.threshold_notice("Jean Dupont", 80),
            "Budget de Jean Dupont : 80 % atteint"
        );
        assert_eq!(
            Lang::En.texts().reports.threshold_notice("Jean Dupont", 80),
            "Budget of Jean Dupont: 80 % reached"
        );
    }
}

/// The texts of the reports, budgets and hourly-cost pages, apart so that the pages of
/// other areas and these can grow without touching the same lines.
#[derive(Debug)]
pub struct ReportTexts {
    pub nav_reports: &'static str,
    pub nav_budgets: &'static str,
    pub reports_title: &'static str,
    pub budgets_title: &'static str,
    pub range_from: &'static str,
    pub range_to: &'static str,
    pub tickets_created: &'static str,
    pub mean_first_response: &'static str,
    pub mean_resolution: &'static str,
    pub response_sla: &'static str,
    pub resolution_sla: &'static str,
    pub lead_conversion: &'static str,
    pub opened_closed_title: &'static str,
    pub opened: &'static str,
    pub closed: &'static str,
    pub backlog_title: &'static str,
    pub satisfaction_title: &'static str,
    pub satisfaction_ratings: &'static str,
    pub satisfaction_mean: &'static str,
    pub unassigned: &'static str,
    pub recent_comments: &'static str,
    pub no_comments: &'static str,
    pub no_data: &'static str,
    pub export_csv: &'static str,
    /// What each CSV export holds, by its name, for its button.
    pub csv_exports: [(&'static str, &'static str); 9],
    pub preparing_csv: &'static str,
    pub download_csv: &'static str,
    pub planned: &'static str,
    pub actual: &'static str,
    pub remaining: &'static str,
    pub projected: &'static str,
    pub exceeded: &'static str,
    pub alerts_raised: &'static str,
    pub no_budgets: &'static str,
    /// The name of the live region telling the thresholds crossed.
    pub threshold_notices: &'static str,
    /// `Budget de` in « Budget de Jean Dupont : 80 % atteint ».
    pub threshold_budget_of: &'static str,
    /// `atteint` in « Budget de Jean Dupont : 80 % atteint ».
    pub threshold_reached: &'static str,
    /// Between a label and what follows: ` : ` in French, `: ` in English.
    pub colon: &'static str,
    pub dismiss_notice: &'static str,
    pub hourly_costs_title: &'static str,
    pub hourly_costs_intro: &'static str,
    pub hourly_cost: &'static str,
    pub effective_from: &'static str,
    pub no_hourly_cost: &'static str,
    pub set_cost: &'static str,
    pub hours: &'static str,
    pub minutes: &'static str,
}

impl ReportTexts {
    /// The button of the CSV export `name`: what it holds.
    pub fn csv_label(&self, name: &str) -> &'static str {
        self.csv_exports
            .iter()
            .find(|(known, _)| *known == name)
            .map_or(self.export_csv, |(_, label)| label)
    }

    /// A threshold crossed, as the budgets page tells it: « Budget de Jean Dupont : 80 %
    /// atteint », "Budget of Jean Dupont: 80 % reached".
    pub fn threshold_notice(&self, customer: &str, threshold: i64) -> String {
        format!(
            "{} {customer}{}{threshold} % {}",
            self.threshold_budget_of, self.colon, self.threshold_reached
        )
    }
}

/// French texts of the reports pages.
pub const REPORTS_FR: ReportTexts = ReportTexts {
    nav_reports: "Rapports",
    nav_budgets: "Budgets",
    reports_title: "Rapports",
    budgets_title: "Budgets et coûts",
    range_from: "Du",
    range_to: "au",
    tickets_created: "Tickets créés",
    mean_first_response: "Première réponse (moyenne)",
    mean_resolution: "Résolution (moyenne)",
    response_sla: "Délais de réponse tenus",
    resolution_sla: "Délais de résolution tenus",
    lead_conversion: "Conversion des prospects",
    opened_closed_title: "Tickets ouverts et fermés par semaine",
    opened: "Ouverts",
    closed: "Fermés",
    backlog_title: "Tickets en cours en fin de semaine",
    satisfaction_title: "Satisfaction par agent",
    satisfaction_ratings: "notes",
    satisfaction_mean: "moyenne",
    unassigned: "Non assigné",
    recent_comments: "Derniers commentaires",
    no_comments: "Aucun commentaire sur la période.",
    no_data: "Aucune donnée sur la période.",
    export_csv: "Exporter en CSV",
    csv_exports: [
        ("ticket-times", "Délais des tickets (CSV)"),
        ("lead-conversion", "Conversion des prospects (CSV)"),
        ("tickets-per-week", "Tickets par semaine (CSV)"),
        ("backlog", "Tickets ouverts par semaine (CSV)"),
        ("satisfaction", "Satisfaction par agent (CSV)"),
        ("budgets", "Budgets (CSV)"),
        ("costs-by-customer", "Coûts par client (CSV)"),
        ("costs-by-agent", "Coûts par agent (CSV)"),
        ("costs-by-month", "Coûts par mois (CSV)"),
    ],
    preparing_csv: "Préparation…",
    download_csv: "Télécharger",
    planned: "Prévu",
    actual: "Dépensé",
    remaining: "Reste",
    projected: "Projection fin de période",
    exceeded: "Dépassé",
    alerts_raised: "Alertes",
    no_budgets: "Aucun budget sur la période.",
    threshold_notices: "Seuils de budget atteints",
    threshold_budget_of: "Budget de",
    threshold_reached: "atteint",
    colon: " : ",
    dismiss_notice: "Masquer",
    hourly_costs_title: "Coût horaire des agents",
    hourly_costs_intro:
        "Un nouveau coût s'applique à partir de sa date ; le travail antérieur garde son coût.",
    hourly_cost: "Coût horaire",
    effective_from: "À partir du",
    no_hourly_cost: "non défini",
    set_cost: "Enregistrer",
    hours: "h",
    minutes: "min",
};

/// English texts of the reports pages.
pub const REPORTS_EN: ReportTexts = ReportTexts {
    nav_reports: "Reports",
    nav_budgets: "Budgets",
    reports_title: "Reports",
    budgets_title: "Budgets and costs",
    range_from: "From",
    range_to: "to",
    tickets_created: "Tickets created",
    mean_first_response: "First response (mean)",
    mean_resolution: "Resolution (mean)",
    response_sla: "Response deadlines met",
    resolution_sla: "Resolution deadlines met",
    lead_conversion: "Lead conversion",
    opened_closed_title: "Tickets opened and closed per week",
    opened: "Opened",
    closed: "Closed",
    backlog_title: "Open tickets at the end of each week",
    satisfaction_title: "Satisfaction per agent",
    satisfaction_ratings: "ratings",
    satisfaction_mean: "mean",
    unassigned: "Unassigned",
    recent_comments: "Latest comments",
    no_comments: "No comment in this period.",
    no_data: "No data in this period.",
    export_csv: "Export as CSV",
    csv_exports: [
        ("ticket-times", "Ticket times (CSV)"),
        ("lead-conversion", "Lead conversion (CSV)"),
        ("tickets-per-week", "Tickets per week (CSV)"),
        ("backlog", "Open tickets per week (CSV)"),
        ("satisfaction", "Satisfaction per agent (CSV)"),
        ("budgets", "Budgets (CSV)"),
        ("costs-by-customer", "Costs per customer (CSV)"),
        ("costs-by-agent", "Costs per agent (CSV)"),
        ("costs-by-month", "Costs per month (CSV)"),
    ],
    preparing_csv: "Preparing…",
    download_csv: "Download",
    planned: "Planned",
    actual: "Spent",
    remaining: "Remaining",
    projected: "Projected at period end",
    exceeded: "Exceeded",
    alerts_raised: "Alerts",
    no_budgets: "No budget in this period.",
    threshold_notices: "Budget thresholds reached",
    threshold_budget_of: "Budget of",
    threshold_reached: "reached",
    colon: ": ",
    dismiss_notice: "Dismiss",
    hourly_costs_title: "Agents' hourly costs",
    hourly_costs_intro: "A new cost applies from its date on; earlier work keeps its cost.",
    hourly_cost: "Hourly cost",
    effective_from: "From",
    no_hourly_cost: "not set",
    set_cost: "Save",
    hours: "h",
    minutes: "min",
};

/// The texts of the notification choices and message templates pages, apart like the
/// reports' and the CRM's.
#[derive(Debug)]
pub struct NotificationTexts {
    pub nav_notifications: &'static str,
    pub bell_settings: &'static str,
    pub page_title: &'static str,
    pub page_intro: &'static str,
    pub to_messages: &'static str,
    pub messages_title: &'static str,
    pub messages_intro: &'static str,
    pub defaults_title: &'static str,
    pub defaults_intro: &'static str,
    pub choices_title: &'static str,
    pub event: &'static str,
    pub way_in_app: &'static str,
    pub way_email: &'static str,
    pub way_telegram: &'static str,
    pub telegram_hint: &'static str,
    /// Each event's name, by its key (`ticket_created`, …).
    pub events: [(&'static str, &'static str); 8],
    pub digest_title: &'static str,
    pub digest_mine: &'static str,
    pub digest_tenant: &'static str,
    pub hours_title: &'static str,
    pub hours_intro: &'static str,
    pub hours_timezone: &'static str,
    pub hours_own: &'static str,
    pub hours_team: &'static str,
    pub hours_always: &'static str,
    pub hours_off: &'static str,
    pub hours_opens: &'static str,
    pub hours_closes: &'static str,
    pub hours_add: &'static str,
    pub hours_remove: &'static str,
    pub hours_save: &'static str,
    pub hours_use_team: &'static str,
    pub hours_use_business: &'static str,
    pub signature_title: &'static str,
    pub signature_intro: &'static str,
    pub templates_title: &'static str,
    pub templates_intro: &'static str,
    pub template_notice: &'static str,
    pub template_lang: &'static str,
    pub template_customised: &'static str,
    pub template_builtin: &'static str,
    pub template_subject: &'static str,
    pub template_body: &'static str,
    pub template_facts: &'static str,
    pub template_preview: &'static str,
    pub template_preview_draft: &'static str,
    pub template_preview_current: &'static str,
    pub template_preview_stale: &'static str,
    pub template_preview_subject: &'static str,
    pub template_preview_text: &'static str,
    pub template_preview_html: &'static str,
    pub template_save: &'static str,
    pub template_reset: &'static str,
    pub template_reset_done: &'static str,
    /// Each notice's name, by its key (`assigned_to_you`, …).
    pub notices: [(&'static str, &'static str); 18],
}

impl NotificationTexts {
    /// An event's name; an event newer than the app is shown by its key.
    pub fn event<'a>(&self, key: &'a str) -> &'a str {
        lookup(&self.events, key)
    }

    /// A notice's name; a notice newer than the app is shown by its key.
    pub fn notice<'a>(&self, key: &'a str) -> &'a str {
        lookup(&self.notices, key)
    }
}

fn lookup<'a>(names: &[(&'static str, &'static str)], key: &'a str) -> &'a str {
    names
        .iter()
        .find(|(known, _)| *known == key)
        .map_or(key, |(_, name)| name)
}

/// French texts of the notifications pages.
pub const NOTIFICATIONS_FR: NotificationTexts = NotificationTexts {
    nav_notifications: "Mes notifications",
    bell_settings: "Choisir mes notifications",
    page_title: "Mes notifications",
    page_intro: "Choisissez comment Guichet vous prévient de ce qui vous concerne.",
    to_messages: "Réglages de l'équipe et modèles de messages",
    messages_title: "Messages de l'équipe",
    messages_intro: "Ce que reçoit l'équipe par défaut, la signature des mails et le texte de chaque message.",
    defaults_title: "Réglages par défaut de l'équipe",
    defaults_intro: "Ce que reçoit un membre de l'équipe tant qu'il n'a rien choisi lui-même ; ses propres choix l'emportent.",
    choices_title: "Par événement",
    event: "Événement",
    way_in_app: "Cloche",
    way_email: "E-mail",
    way_telegram: "Telegram",
    telegram_hint: "Telegram : pour les membres de l'équipe qui ont relié leur compte.",
    events: [
        ("ticket_created", "Nouveau ticket"),
        ("message_added", "Réponse d'un client"),
        ("ticket_assigned", "Ticket qui m'est assigné"),
        ("mentioned", "Mention dans une note interne"),
        ("sla_warning", "Échéance SLA proche"),
        ("sla_breached", "Échéance SLA dépassée"),
        ("budget_alert", "Alerte de budget"),
        ("status_changed", "Ma demande change de statut"),
    ],
    digest_title: "Récapitulatif quotidien",
    digest_mine: "Recevoir chaque matin ouvré un mail qui récapitule mes tickets",
    digest_tenant: "Envoyer chaque matin ouvré à chacun le récapitulatif de ses tickets",
    hours_title: "Heures de travail",
    hours_intro: "En dehors de ces heures, les mails attendent (sauf les dépassements de SLA).",
    hours_timezone: "Fuseau horaire",
    hours_own: "Vos propres heures",
    hours_team: "Les heures de l'équipe",
    hours_always: "Aucune heure : les mails partent à toute heure.",
    hours_off: "Non travaillé",
    hours_opens: "Début",
    hours_closes: "Fin",
    hours_add: "Ajouter une plage",
    hours_remove: "Retirer",
    hours_save: "Enregistrer les heures",
    hours_use_team: "Reprendre les heures de l'équipe",
    hours_use_business: "Reprendre les heures d'ouverture",
    signature_title: "Signature des mails",
    signature_intro: "Ajoutée sous chaque mail envoyé par Guichet. Vide : aucune.",
    templates_title: "Modèles de messages",
    templates_intro: "Remplacez le texte intégré d'un message dans une langue. Les faits s'écrivent entre doubles accolades, par exemple {{ number }}.",
    template_notice: "Message",
    template_lang: "Langue",
    template_customised: "Personnalisé",
    template_builtin: "Texte intégré",
    template_subject: "Objet",
    template_body: "Texte",
    template_facts: "Faits disponibles (cliquez pour insérer) :",
    template_preview: "Aperçu",
    template_preview_draft: "Votre brouillon, avec des faits inventés.",
    template_preview_current: "Objet ou texte vide : voici le texte en vigueur, avec des faits inventés.",
    template_preview_stale: "Le dernier aperçu réussi ; corrigez l'erreur pour le mettre à jour.",
    template_preview_subject: "Objet :",
    template_preview_text: "Texte brut",
    template_preview_html: "Version HTML",
    template_save: "Enregistrer",
    template_reset: "Revenir au texte intégré",
    template_reset_done: "Texte intégré rétabli",
    notices: [
        ("ticket_acknowledged", "Accusé de réception d'un ticket"),
        ("mail_acknowledged", "Accusé de réception d'un mail"),
        ("new_ticket", "Nouveau ticket"),
        ("customer_replied", "Réponse d'un client"),
        ("assigned_to_you", "Ticket assigné"),
        ("mail_reply", "Réponse envoyée au client"),
        ("agent_replied", "Réponse d'un agent"),
        ("merged", "Tickets fusionnés"),
        ("rating_request", "Demande d'évaluation"),
        ("auto_close_reminder", "Rappel avant fermeture automatique"),
        ("auto_closed", "Fermeture automatique"),
        ("sla_warning", "Échéance SLA proche"),
        ("sla_breached", "Échéance SLA dépassée"),
        ("budget_threshold", "Seuil de budget atteint"),
        ("mentioned", "Mention dans une note interne"),
        ("ticket_closed", "Ticket fermé"),
        ("status_changed", "Changement de statut"),
        ("digest", "Récapitulatif quotidien"),
    ],
};

/// English texts of the notifications pages.
pub const NOTIFICATIONS_EN: NotificationTexts = NotificationTexts {
    nav_notifications: "My notifications",
    bell_settings: "Choose my notifications",
    page_title: "My notifications",
    page_intro: "Choose how Guichet tells you about what concerns you.",
    to_messages: "Team defaults and message templates",
    messages_title: "Team messages",
    messages_intro: "What the team receives by default, the mail signature and the wording of each message.",
    defaults_title: "Team defaults",
    defaults_intro: "What a team member receives until they choose for themselves; their own choices win.",
    choices_title: "By event",
    event: "Event",
    way_in_app: "Bell",
    way_email: "E-mail",
    way_telegram: "Telegram",
    telegram_hint: "Telegram: for team members who linked their account.",
    events: [
        ("ticket_created", "New ticket"),
        ("message_added", "A customer replied"),
        ("ticket_assigned", "A ticket assigned to me"),
        ("mentioned", "Mentioned in an internal note"),
        ("sla_warning", "SLA deadline near"),
        ("sla_breached", "SLA deadline missed"),
        ("budget_alert", "Budget alert"),
        ("status_changed", "My request changes status"),
    ],
    digest_title: "Daily digest",
    digest_mine: "Mail me a digest of my tickets each working morning",
    digest_tenant: "Mail everyone a digest of their tickets each working morning",
    hours_title: "Working hours",
    hours_intro: "Outside these hours, mails wait (SLA breaches excepted).",
    hours_timezone: "Time zone",
    hours_own: "Your own hours",
    hours_team: "The team's hours",
    hours_always: "No hours: mails go at any time.",
    hours_off: "Day off",
    hours_opens: "From",
    hours_closes: "To",
    hours_add: "Add a period",
    hours_remove: "Remove",
    hours_save: "Save the hours",
    hours_use_team: "Use the team's hours",
    hours_use_business: "Use the business hours",
    signature_title: "Mail signature",
    signature_intro: "Added under every mail Guichet sends. Empty: none.",
    templates_title: "Message templates",
    templates_intro: "Replace a message's built-in wording in one language. Facts are written in double braces, for example {{ number }}.",
    template_notice: "Message",
    template_lang: "Language",
    template_customised: "Customised",
    template_builtin: "Built-in wording",
    template_subject: "Subject",
    template_body: "Text",
    template_facts: "Facts you can use (click to insert):",
    template_preview: "Preview",
    template_preview_draft: "Your draft, with made-up facts.",
    template_preview_current: "Subject or text empty: this is the wording in force, with made-up facts.",
    template_preview_stale: "The last preview that worked; fix the error to update it.",
    template_preview_subject: "Subject:",
    template_preview_text: "Plain text",
    template_preview_html: "HTML version",
    template_save: "Save",
    template_reset: "Back to the built-in wording",
    template_reset_done: "Built-in wording restored",
    notices: [
        ("ticket_acknowledged", "Ticket acknowledgement"),
        ("mail_acknowledged", "Mail acknowledgement"),
        ("new_ticket", "New ticket"),
        ("customer_replied", "A customer replied"),
        ("assigned_to_you", "Ticket assigned"),
        ("mail_reply", "Reply mailed to the customer"),
        ("agent_replied", "An agent replied"),
        ("merged", "Tickets merged"),
        ("rating_request", "Rating request"),
        ("auto_close_reminder", "Reminder before closing automatically"),
        ("auto_closed", "Closed automatically"),
        ("sla_warning", "SLA deadline near"),
        ("sla_breached", "SLA deadline missed"),
        ("budget_threshold", "Budget threshold reached"),
        ("mentioned", "Mentioned in an internal note"),
        ("ticket_closed", "Ticket closed"),
        ("status_changed", "Status changed"),
        ("digest", "Daily digest"),
    ],
};

#[cfg(test)]
mod notification_tests {
    use super::*;

    #[test]
    fn every_language_names_the_same_events_and_notices() {
        fn keys(names: &[(&'static str, &'static str)]) -> Vec<&'static str> {
            names.iter().map(|(key, _)| *key).collect()
        }
        assert_eq!(
            keys(&NOTIFICATIONS_FR.events),
            keys(&NOTIFICATIONS_EN.events)
        );
        assert_eq!(
            keys(&NOTIFICATIONS_FR.notices),
            keys(&NOTIFICATIONS_EN.notices)
        );
        assert_eq!(
            NOTIFICATIONS_EN.event("mentioned"),
            "Mentioned in an internal note"
        );
        // A key newer than the app is shown as it is.
        assert_eq!(NOTIFICATIONS_FR.notice("new_notice"), "new_notice");
    }
}

#[cfg(test)]
mod report_tests {
    use super::*;

    #[test]
    fn each_csv_button_says_what_it_exports() {
        for texts in [&REPORTS_FR, &REPORTS_EN] {
            let mut labels: Vec<&str> = texts.csv_exports.iter().map(|(_, l)| *l).collect();
            labels.sort_unstable();
            labels.dedup();
            assert_eq!(labels.len(), texts.csv_exports.len(), "two buttons alike");
            assert!(texts.csv_label("costs-by-agent").contains("agent"));
        }
        let names = |texts: &ReportTexts| texts.csv_exports.map(|(name, _)| name);
        assert_eq!(names(&REPORTS_FR), names(&REPORTS_EN));
        // An export the texts do not know yet keeps the general label.
        assert_eq!(REPORTS_EN.csv_label("new-export"), "Export as CSV");
    }
}
