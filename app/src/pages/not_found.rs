//! What an unknown address shows.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::state::use_app_state;

/// The page for an address no route matches.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let state = use_app_state();
    view! {
        <section class="panel narrow">
            <h1>{move || state.texts().page_not_found}</h1>
            <A href="/">{move || state.texts().back_to_board}</A>
        </section>
    }
}
