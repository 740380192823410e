//! Charts drawn by hand in SVG: paired bars per week, a star distribution, a budget gauge.
//! Presentational only: they take numbers and draw them; every shape carries its value in
//! `data-*` attributes so that tests (and screen readers, through `<title>`) can read it.

use std::f64::consts::PI;

use leptos::prelude::*;

const CHART_WIDTH: f64 = 640.0;
const CHART_HEIGHT: f64 = 220.0;
const MARGIN_BOTTOM: f64 = 28.0;
const MARGIN_TOP: f64 = 16.0;

#[allow(clippy::cast_precision_loss)]
fn as_f64(value: i64) -> f64 {
    value as f64
}

/// An SVG coordinate as attribute text.
fn n(value: f64) -> String {
    format!("{value:.1}")
}

/// One group of the paired bar chart: a label (a week) and two values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BarPair {
    /// Shown under the pair (`2026-03-02`).
    pub label: String,
    /// The first bar (opened).
    pub first: i64,
    /// The second bar (closed).
    pub second: i64,
}

/// Two bars per group, side by side, scaled to the largest value.
#[component]
pub fn PairedBarChart(
    pairs: Vec<BarPair>,
    first_name: &'static str,
    second_name: &'static str,
    #[prop(into)] test_id: String,
) -> impl IntoView {
    let max = pairs
        .iter()
        .map(|p| p.first.max(p.second))
        .max()
        .unwrap_or(0)
        .max(1);
    let count = pairs.len().max(1);
    #[allow(clippy::cast_precision_loss)]
    let group_width = CHART_WIDTH / count as f64;
    let bar_width = (group_width * 0.35).min(28.0);
    let plot_height = CHART_HEIGHT - MARGIN_BOTTOM - MARGIN_TOP;
    let height_of = move |value: i64| as_f64(value) / as_f64(max) * plot_height;
    let bars = pairs
        .into_iter()
        .enumerate()
        .map(|(index, pair)| {
            #[allow(clippy::cast_precision_loss)]
            let center = group_width * (index as f64 + 0.5);
            let first_height = height_of(pair.first);
            let second_height = height_of(pair.second);
            let base = CHART_HEIGHT - MARGIN_BOTTOM;
            let short_label: String = pair.label.chars().skip(5).collect();
            view! {
                <g class="bar-group" data-label=pair.label.clone()>
                    <rect
                        class="bar bar-first"
                        data-testid="bar-first"
                        data-label=pair.label.clone()
                        data-value=pair.first.to_string()
                        x=n(center - bar_width - 1.0)
                        y=n(base - first_height)
                        width=n(bar_width)
                        height=n(first_height)
                    >
                        <title>{format!("{first_name} {}: {}", pair.label, pair.first)}</title>
                    </rect>
                    <rect
                        class="bar bar-second"
                        data-testid="bar-second"
                        data-label=pair.label.clone()
                        data-value=pair.second.to_string()
                        x=n(center + 1.0)
                        y=n(base - second_height)
                        width=n(bar_width)
                        height=n(second_height)
                    >
                        <title>{format!("{second_name} {}: {}", pair.label, pair.second)}</title>
                    </rect>
                    <text class="axis-label" x=n(center) y=n(CHART_HEIGHT - 8.0) text-anchor="middle">
                        {short_label}
                    </text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" data-testid=test_id>
            <svg
                viewBox=format!("0 0 {CHART_WIDTH} {CHART_HEIGHT}")
                role="img"
                preserveAspectRatio="xMidYMid meet"
            >
                <line
                    class="axis"
                    x1="0"
                    x2=n(CHART_WIDTH)
                    y1=n(CHART_HEIGHT - MARGIN_BOTTOM)
                    y2=n(CHART_HEIGHT - MARGIN_BOTTOM)
                />
                <text class="axis-max" x="2" y=n(MARGIN_TOP - 4.0)>{max.to_string()}</text>
                {bars}
            </svg>
            <figcaption class="legend">
                <span class="swatch swatch-first"></span>
                {first_name}
                <span class="swatch swatch-second"></span>
                {second_name}
            </figcaption>
        </figure>
    }
}

/// Horizontal bars of the counts of 1 to 5 stars.
#[component]
pub fn StarDistribution(distribution: Vec<i64>) -> impl IntoView {
    let max = distribution.iter().copied().max().unwrap_or(0).max(1);
    let rows = distribution
        .into_iter()
        .enumerate()
        .map(|(index, count)| {
            let stars = index + 1;
            let width = as_f64(count) / as_f64(max) * 120.0;
            #[allow(clippy::cast_precision_loss)]
            let y = index as f64 * 14.0;
            view! {
                <g data-testid="star-bar" data-stars=stars.to_string() data-value=count.to_string()>
                    <text class="axis-label" x="0" y=n(y + 10.0)>{format!("{stars}★")}</text>
                    <rect class="bar bar-stars" x="24" y=n(y + 2.0) width=n(width) height="10"/>
                    <text class="axis-label" x=n(28.0 + width) y=n(y + 10.0)>{count.to_string()}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="stars-chart" viewBox="0 0 170 72" role="img">
            {rows}
        </svg>
    }
}

/// The point of the gauge's arc at `fraction` (0 = left, 1 = right) of the half circle.
fn arc_point(fraction: f64) -> (f64, f64) {
    let angle = PI * (1.0 - fraction.clamp(0.0, 1.0));
    (60.0 + 50.0 * angle.cos(), 60.0 - 50.0 * angle.sin())
}

/// A half-circle gauge of a budget's consumption; red once exceeded, orange once a
/// threshold alert was raised. Threshold marks sit on the arc (those up to 100 %).
#[component]
pub fn BudgetGauge(
    /// Spent as a percentage of planned.
    percent: f64,
    exceeded: bool,
    alerted: bool,
    thresholds: Vec<i64>,
) -> impl IntoView {
    let (x, y) = arc_point(percent / 100.0);
    let class = if exceeded {
        "gauge gauge-exceeded"
    } else if alerted {
        "gauge gauge-alert"
    } else {
        "gauge gauge-ok"
    };
    let marks = thresholds
        .into_iter()
        .filter(|t| *t <= 100)
        .map(|t| {
            // At most 100, so exact as a float.
            #[allow(clippy::cast_precision_loss)]
            let (mx, my) = arc_point(t as f64 / 100.0);
            let (ix, iy) = (60.0 + (mx - 60.0) * 0.78, 60.0 + (my - 60.0) * 0.78);
            view! { <line class="gauge-mark" x1=n(ix) y1=n(iy) x2=n(mx) y2=n(my) data-threshold=t.to_string()/> }
        })
        .collect_view();
    let value_path = if percent <= 0.0 {
        String::new()
    } else {
        format!("M 10 60 A 50 50 0 0 1 {x:.2} {y:.2}")
    };
    view! {
        <svg class=class viewBox="0 0 120 70" role="img" data-testid="budget-gauge-svg">
            <path class="gauge-track" d="M 10 60 A 50 50 0 0 1 110 60"/>
            <path class="gauge-value" d=value_path/>
            {marks}
            <text class="gauge-label" x="60" y="58" text-anchor="middle">
                {format!("{percent:.0} %")}
            </text>
        </svg>
    }
}
