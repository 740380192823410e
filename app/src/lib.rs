//! Guichet's admin single-page app: Leptos, rendered in the browser, talking GraphQL to the
//! server that serves it.
//!
//! `App` below holds the route table; pages (`pages/`) own their data and call `api/`;
//! `components/` only present; `state` is the shared context (session, language, live
//! events).

pub mod api;
pub mod components;
pub mod i18n;
pub mod pages;
pub mod state;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{ProtectedRoute, Route, Router, Routes};
use leptos_router::path;

use crate::components::header::AppHeader;
use crate::pages::bell::NotificationBell;
use crate::pages::board::BoardPage;
use crate::pages::budgets::BudgetsPage;
use crate::pages::create_ticket::CreateTicketPage;
use crate::pages::customers::{CustomerPage, CustomersPage};
use crate::pages::leads::LeadsPage;
use crate::pages::login::LoginPage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::reports::ReportsPage;
use crate::pages::settings::integrations::IntegrationsPage;
use crate::pages::settings::messages::MessagesPage;
use crate::pages::settings::notifications::NotificationsPage;
use crate::pages::settings::sla::SlaPage;
use crate::pages::settings::workflows::WorkflowsPage;
use crate::pages::ticket::TicketPage;
use crate::state::AppState;

/// The whole app: the shared state, the header and the routes. Signed-out visitors of a
/// protected route are sent to `/login`.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::provide();

    // One live connection while signed in, re-made when the token changes.
    let token = Memo::new(move |_| {
        state
            .session
            .with(|session| session.as_ref().map(|session| session.token.clone()))
    });
    Effect::new(move |_| state.live.connect(token.get()));

    // A stored token may have expired since the last visit: check it once, and refresh the
    // user's name and role while at it.
    if state.session.with_untracked(Option::is_some) {
        spawn_local(async move {
            match api::auth::fetch_me().await {
                Ok(user) => state.refresh_user(user),
                Err(error) if error.is_unauthenticated() => state.sign_out(),
                // Offline or a server error: keep the session, the pages will show the error.
                Err(error) => leptos::logging::warn!("could not check the session: {error}"),
            }
        });
    }

    let signed_in = move || Some(state.session.with(Option::is_some));

    view! {
        <Router>
            <AppHeader>
                <NotificationBell/>
            </AppHeader>
            <main class="content">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/login") view=LoginPage/>
                    <ProtectedRoute
                        path=path!("/")
                        view=BoardPage
                        condition=signed_in
                        redirect_path=|| "/login"
                    />
                    <ProtectedRoute
                        path=path!("/tickets/new")
                        view=CreateTicketPage
                        condition=signed_in
                        redirect_path=|| "/login"
                    />
                    <ProtectedRoute
                        path=path!("/settings/workflows")
                        view=WorkflowsPage
                        condition=signed_in
                        redirect_path=|| "/login"
                    />
                    <ProtectedRoute
                        path=path!("/settings/sla")
                        view=SlaPage
                        condition=signed_in
                        redirect_path=|| "/login"
                    />
                    <ProtectedRoute
                        path=path!("/settings/integrations")
                        view=IntegrationsPage
                        condition=signed_in
                        redirect_path=|| "/login"
                    />
                    <ProtectedRoute
                        path=path!("/settings/notifications")
                        view=NotificationsPage
                        condition=signed_in
                        redirect_path=|| "/login"
                    />
                    <ProtectedRoute
                        path=path!("/settings/messages")
                        view=MessagesPage
                        condition=signed_in
                        redirect_path=|| "/login"
                    />
                    <ProtectedRoute
                        path=path!("/customers")
                        view=CustomersPage
                        condition=signed_in
                        redirect_path=|| "/login"
                    />
                    <ProtectedRoute
                        path=path!("/customers/:id")
                        view=CustomerPage
                        condition=signed_in
                        redirect_path=|| "/login"
                    />
                    <ProtectedRoute
                        path=path!("/leads")
                        view=LeadsPage
                        condition=signed_in
                        redirect_path=|| "/login"
                    />
                    <ProtectedRoute
                        path=path!("/reports")
                        view=ReportsPage
                        condition=signed_in
                        redirect_path=|| "/login"
                    />
                    <ProtectedRoute
                        path=path!("/budgets")
                        view=BudgetsPage
                        condition=signed_in
                        redirect_path=|| "/login"
                    />
                    <ProtectedRoute
                        path=path!("/tickets/:id")
                        view=TicketPage
                        condition=signed_in
                        redirect_path=|| "/login"
                    />
                </Routes>
            </main>
        </Router>
    }
}
