//! Dates and times in the reader's language and time zone.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::state::use_app_state;

/// An RFC 3339 instant, shown in the browser's time zone and the interface's language.
#[component]
pub fn Time(
    /// RFC 3339, as the API sends it.
    #[prop(into)]
    instant: String,
) -> impl IntoView {
    let state = use_app_state();
    let shown = {
        let instant = instant.clone();
        move || format_instant(&instant, state.lang.get().locale())
    };
    view! { <time datetime=instant>{shown}</time> }
}

/// Formats an RFC 3339 instant for a locale; an unreadable one is shown as it came.
fn format_instant(instant: &str, locale: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_str(instant));
    if date.get_time().is_nan() {
        return instant.to_owned();
    }
    let options = js_sys::Object::new();
    for (key, value) in [("dateStyle", "medium"), ("timeStyle", "short")] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    date.to_locale_string(locale, &options).into()
}
