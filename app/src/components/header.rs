//! The bar at the top: the app's name, the notification bell, the user (a link to their
//! notification choices), the live indicator, the language switch and sign-out.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::live::LiveStatus;
use crate::api::Role;
use crate::i18n::Lang;
use crate::state::use_app_state;

/// The page header; `children` (the notification bell, which loads its own data) sit
/// before the user's name.
#[component]
pub fn AppHeader(children: Children) -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts();
    let signed_in = move || state.session.with(Option::is_some);
    let user_name = move || {
        state.session.with(|session| {
            session
                .as_ref()
                .map(|session| session.user.display_name.clone())
        })
    };
    let user_role = move || {
        state.session.with(|session| {
            session
                .as_ref()
                .map(|session| texts().role(&session.user.role))
        })
    };
    let is_admin = move || {
        state.session.with(|session| {
            session
                .as_ref()
                .is_some_and(|session| session.user.role == Role::ADMIN)
        })
    };
    let is_staff = move || {
        state.session.with(|session| {
            session
                .as_ref()
                .is_some_and(|session| session.user.role != Role::CUSTOMER)
        })
    };
    let is_supervisor = move || {
        state.session.with(|session| {
            session
                .as_ref()
                .is_some_and(|session| matches!(session.user.role, Role::ADMIN | Role::MANAGER))
        })
    };
    let live_label = move || match state.live.status.get() {
        LiveStatus::Connecting => texts().live_connecting,
        LiveStatus::Connected => texts().live_connected,
        LiveStatus::Reconnecting => texts().live_reconnecting,
        LiveStatus::Offline => texts().live_offline,
    };
    let live_class = move || match state.live.status.get() {
        LiveStatus::Connected => "live live-on",
        LiveStatus::Connecting | LiveStatus::Reconnecting => "live live-wait",
        LiveStatus::Offline => "live live-off",
    };

    let language_buttons = Lang::ALL
        .into_iter()
        .map(|lang| {
            view! {
                <button
                    type="button"
                    class="lang"
                    class:active=move || state.lang.get() == lang
                    aria-pressed=move || (state.lang.get() == lang).to_string()
                    title=lang.texts().language_name
                    data-testid=format!("lang-{}", lang.code())
                    on:click=move |_| state.set_lang(lang)
                >
                    {lang.code().to_uppercase()}
                </button>
            }
        })
        .collect_view();

    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">{move || texts().app_name}</A>
            <Show when=signed_in>
                <nav class="nav">
                    <A href="/">{move || texts().nav_board}</A>
                    <Show when=is_supervisor>
                        <A href="/reports" attr:data-testid="nav-reports">
                            {move || texts().reports.nav_reports}
                        </A>
                        <A href="/budgets" attr:data-testid="nav-budgets">
                            {move || texts().reports.nav_budgets}
                        </A>
                    </Show>
                    <Show when=is_staff>
                        <A href="/customers" attr:data-testid="nav-customers">
                            {move || texts().crm.nav_customers}
                        </A>
                        <A href="/leads" attr:data-testid="nav-leads">
                            {move || texts().crm.nav_leads}
                        </A>
                    </Show>
                    <Show when=is_admin>
                        <A href="/settings/workflows" attr:data-testid="nav-workflows">
                            {move || texts().nav_workflows}
                        </A>
                        <A href="/settings/sla" attr:data-testid="nav-sla">
                            {move || texts().nav_sla}
                        </A>
                        <A href="/settings/integrations" attr:data-testid="nav-integrations">
                            {move || if state.lang.get() == crate::i18n::Lang::Fr { "Intégrations" } else { "Integrations" }}
                        </A>
                    </Show>
                </nav>
            </Show>
            <div class="spacer"></div>
            {children()}
            <Show when=signed_in>
                <span class=live_class data-testid="live-status">
                    <span class="dot"></span>
                    {live_label}
                </span>
                // One's own settings (notification choices) behind one's name, as in a user
                // menu; the bar has no room left for another link.
                <A
                    href="/settings/notifications"
                    attr:class="user-link"
                    attr:data-testid="nav-notifications"
                    attr:title=move || texts().notifications.nav_notifications
                >
                    <svg
                        class="user-icon"
                        viewBox="0 0 24 24"
                        width="16"
                        height="16"
                        aria-hidden="true"
                        fill="none"
                        stroke="currentColor"
                        stroke-width="2"
                        stroke-linecap="round"
                    >
                        <path d="M4 6h10M18 6h2M4 12h4M12 12h8M4 18h12M20 18h0"></path>
                        <circle cx="16" cy="6" r="2"></circle>
                        <circle cx="10" cy="12" r="2"></circle>
                        <circle cx="18" cy="18" r="2"></circle>
                    </svg>
                    <span class="user" data-testid="user-name">
                        {user_name}
                        <small class="role">{user_role}</small>
                    </span>
                </A>
            </Show>
            <div class="langs" role="group" aria-label=move || texts().language_label>
                {language_buttons}
            </div>
            <Show when=signed_in>
                <button
                    type="button"
                    class="secondary"
                    data-testid="logout"
                    on:click=move |_| state.end_session()
                >
                    {move || texts().sign_out}
                </button>
            </Show>
        </header>
    }
}
