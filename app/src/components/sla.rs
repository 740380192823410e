//! A ticket's SLA deadline: a countdown, or how late it is, or that it was met.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::state::use_app_state;

/// Which of a ticket's two deadlines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlaKind {
    /// The first agent reply.
    Response,
    /// The resolution.
    Resolution,
}

/// Where a deadline stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlaState {
    /// The ticket has no such deadline.
    NoDeadline,
    /// What it measures happened (answered, resolved).
    Met,
    /// Minutes until the deadline; negative once it has passed.
    Due { minutes_left: i64 },
}

impl SlaState {
    /// The state of a deadline at `now_ms` (milliseconds since the epoch): `due` is the
    /// RFC 3339 deadline, `met` whether what it measures has happened.
    pub fn at(due: Option<&str>, met: bool, now_ms: f64) -> SlaState {
        if met {
            return SlaState::Met;
        }
        let Some(due) = due else {
            return SlaState::NoDeadline;
        };
        let due_ms = js_sys::Date::new(&JsValue::from_str(due)).get_time();
        if due_ms.is_nan() {
            return SlaState::NoDeadline;
        }
        #[allow(clippy::cast_possible_truncation)]
        let minutes_left = ((due_ms - now_ms) / 60_000.0).floor() as i64;
        SlaState::Due { minutes_left }
    }

    /// A CSS and test name: `none`, `met`, `due`, `soon` (under an hour) or `overdue`.
    pub fn name(self) -> &'static str {
        match self {
            SlaState::NoDeadline => "none",
            SlaState::Met => "met",
            SlaState::Due { minutes_left } if minutes_left < 0 => "overdue",
            SlaState::Due { minutes_left } if minutes_left < 60 => "soon",
            SlaState::Due { .. } => "due",
        }
    }
}

/// One deadline, labelled, with a coloured badge.
#[component]
pub fn SlaBadge(kind: SlaKind, #[prop(into)] state: Signal<SlaState>) -> impl IntoView {
    let app = use_app_state();
    let texts = move || app.texts();
    let testid = match kind {
        SlaKind::Response => "sla-response",
        SlaKind::Resolution => "sla-resolution",
    };
    let label = move || match kind {
        SlaKind::Response => texts().sla_response,
        SlaKind::Resolution => texts().sla_resolution,
    };
    let text = move || {
        let texts = texts();
        match state.get() {
            SlaState::NoDeadline => texts.sla_no_deadline.to_owned(),
            SlaState::Met => match kind {
                SlaKind::Response => texts.sla_responded.to_owned(),
                SlaKind::Resolution => texts.sla_done.to_owned(),
            },
            SlaState::Due { minutes_left } if minutes_left < 0 => {
                format!("{} {}", texts.sla_overdue, texts.duration(minutes_left))
            }
            SlaState::Due { minutes_left } => {
                format!("{} {}", texts.sla_due_in, texts.duration(minutes_left))
            }
        }
    };
    view! {
        <div class="sla" data-testid=testid data-state=move || state.get().name()>
            <dt>{label}</dt>
            <dd>
                <span class=move || format!("badge sla-{}", state.get().name())>{text}</span>
            </dd>
        </div>
    }
}

/// The clock the board's cards count down with, provided by the board page.
#[derive(Clone, Copy)]
pub struct SlaClock(pub RwSignal<f64>);

/// A compact deadline for a board card: label and countdown in one badge.
#[component]
pub fn SlaChip(kind: SlaKind, #[prop(into)] state: Signal<SlaState>) -> impl IntoView {
    let app = use_app_state();
    let texts = move || app.texts();
    let testid = match kind {
        SlaKind::Response => "card-sla-response",
        SlaKind::Resolution => "card-sla-resolution",
    };
    let text = move || {
        let texts = texts();
        let label = match kind {
            SlaKind::Response => texts.sla_response,
            SlaKind::Resolution => texts.sla_resolution,
        };
        let value = match state.get() {
            SlaState::NoDeadline => texts.sla_no_deadline.to_owned(),
            SlaState::Met => match kind {
                SlaKind::Response => texts.sla_responded.to_owned(),
                SlaKind::Resolution => texts.sla_done.to_owned(),
            },
            SlaState::Due { minutes_left } if minutes_left < 0 => {
                format!("{} {}", texts.sla_overdue, texts.duration(minutes_left))
            }
            SlaState::Due { minutes_left } => texts.duration(minutes_left),
        };
        format!("{label}: {value}")
    };
    view! {
        <span
            class=move || format!("badge sla-chip sla-{}", state.get().name())
            data-testid=testid
            data-state=move || state.get().name()
        >
            {text}
        </span>
    }
}
