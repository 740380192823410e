//! `/settings/notifications`: how the signed-in user hears of what concerns them (every
//! role); admins find the team's defaults and the message templates from here.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::preferences::Scope;
use crate::api::Role;
use crate::state::use_app_state;

use super::preferences::PreferencesSection;

/// The signed-in user's notification choices.
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let state = use_app_state();
    let texts = move || state.texts().notifications;
    let is_admin = move || {
        state.session.with(|session| {
            session
                .as_ref()
                .is_some_and(|session| session.user.role == Role::ADMIN)
        })
    };
    view! {
        <section class="settings-page" data-testid="notifications-page">
            <div class="page-title">
                <h1>{move || texts().page_title}</h1>
                <div class="spacer"></div>
                <Show when=is_admin>
                    <A href="/settings/messages" attr:class="button secondary" attr:data-testid="to-messages">
                        {move || texts().to_messages}
                    </A>
                </Show>
            </div>
            <p class="muted">{move || texts().page_intro}</p>
            <PreferencesSection scope=Scope::Mine/>
        </section>
    }
}
