//! Business hours: the tenant calendar SLA deadlines are counted in.
//!
//! A calendar is a time zone, the opening hours of each weekday (any number of intervals a
//! day, e.g. 09:00–12:30 and 13:30–18:00) and a list of holidays. It lives in the tenant's
//! settings under `business_hours`; a tenant without one is open around the clock, and
//! deadlines then count plain elapsed time.
//!
//! Intervals are read in the calendar's time zone, so "09:00" stays 09:00 across daylight
//! saving changes; an opening time that does not exist on a given day (the hour skipped in
//! spring) starts at the first instant that does.

use std::collections::BTreeSet;

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
    Weekday,
};
use chrono_tz::Tz;
use entity::tenant;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Set};
use serde::{Deserialize, Serialize};

use super::actor::Actor;
use super::error::{DomainError, DomainResult};
use super::permissions::Permission;
use super::Services;

/// The key of the calendar in `tenants.settings`.
const SETTINGS_KEY: &str = "business_hours";

/// How far ahead deadlines are searched for: a calendar open at least once a year always
/// ends within this many days.
const MAX_DAYS: i64 = 800;

/// One opening interval of a weekday, in local time; `closes` after `opens`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningInterval {
    /// The day of the week.
    pub weekday: Weekday,
    /// Opening time (local).
    pub opens: NaiveTime,
    /// Closing time (local); `00:00` is not allowed: use `23:59:59` for "until midnight".
    pub closes: NaiveTime,
}

/// A tenant's business calendar, as stored in its settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarSettings {
    /// IANA time zone name, e.g. `Europe/Paris`.
    pub timezone: String,
    /// Opening intervals; empty means open around the clock.
    pub opening_hours: Vec<OpeningInterval>,
    /// Days closed all day (local dates).
    pub holidays: Vec<NaiveDate>,
}

impl CalendarSettings {
    /// True when deadlines count around the clock.
    #[must_use]
    pub fn always_open(&self) -> bool {
        self.opening_hours.is_empty()
    }
}

/// A validated calendar, ready to count with.
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    tz: Tz,
    /// Intervals per weekday (Monday first), sorted, non-overlapping.
    week: [Vec<(NaiveTime, NaiveTime)>; 7],
    holidays: BTreeSet<NaiveDate>,
    always_open: bool,
}

impl Default for BusinessCalendar {
    fn default() -> Self {
        Self {
            tz: Tz::UTC,
            week: Default::default(),
            holidays: BTreeSet::new(),
            always_open: true,
        }
    }
}

impl BusinessCalendar {
    /// Checks `settings` and builds the calendar.
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] for an unknown time zone, an interval that does not end
    /// after it starts, overlapping intervals, or a calendar whose only open days are all
    /// holidays (not detectable in general; a week with no hours is what is refused).
    pub fn new(settings: &CalendarSettings) -> DomainResult<Self> {
        let tz: Tz = settings.timezone.parse().map_err(|_| {
            DomainError::validation(
                "timezone",
                format!("unknown time zone `{}`", settings.timezone),
            )
        })?;
        let mut week: [Vec<(NaiveTime, NaiveTime)>; 7] = Default::default();
        for interval in &settings.opening_hours {
            if interval.closes <= interval.opens {
                return Err(DomainError::validation(
                    "openingHours",
                    format!(
                        "on {}, closing time {} must be after opening time {}",
                        interval.weekday, interval.closes, interval.opens
                    ),
                ));
            }
            week[interval.weekday.num_days_from_monday() as usize]
                .push((interval.opens, interval.closes));
        }
        for (day, intervals) in week.iter_mut().enumerate() {
            intervals.sort();
            if intervals.windows(2).any(|w| w[1].0 < w[0].1) {
                return Err(DomainError::validation(
                    "openingHours",
                    format!("intervals overlap on {}", weekday_from_index(day)),
                ));
            }
        }
        Ok(Self {
            tz,
            week,
            holidays: settings.holidays.iter().copied().collect(),
            always_open: settings.always_open(),
        })
    }

    /// The open intervals of local day `date`, in UTC, in order.
    fn open_intervals(&self, date: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        if self.holidays.contains(&date) {
            return Vec::new();
        }
        self.week[date.weekday().num_days_from_monday() as usize]
            .iter()
            .filter_map(|&(opens, closes)| {
                let start = self.local_to_utc(date.and_time(opens))?;
                let end = self.local_to_utc(date.and_time(closes))?;
                (end > start).then_some((start, end))
            })
            .collect()
    }

    /// A local wall-clock time as an instant: the earlier one when the clock goes back, the
    /// first instant after the gap when it jumps forward.
    fn local_to_utc(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        match self.tz.from_local_datetime(&local) {
            LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
            LocalResult::Ambiguous(a, b) => Some(a.min(b).with_timezone(&Utc)),
            LocalResult::None => (1..=180).find_map(|m| {
                self.tz
                    .from_local_datetime(&(local + Duration::minutes(m)))
                    .earliest()
                    .map(|t| t.with_timezone(&Utc))
            }),
        }
    }

    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }

    /// The instant when `amount` of business time has passed since `start`.
    #[must_use]
    pub fn add(&self, start: DateTime<Utc>, amount: Duration) -> DateTime<Utc> {
        if self.always_open || amount <= Duration::zero() {
            return start + amount.max(Duration::zero());
        }
        let mut left = amount;
        // Start a day early: an interval of the previous local day cannot reach into this
        // one, but the local date of `start` may differ from its UTC date.
        let mut date = self.local_date(start) - Duration::days(1);
        for _ in 0..MAX_DAYS {
            for (opens, closes) in self.open_intervals(date) {
                if closes <= start {
                    continue;
                }
                let from = opens.max(start);
                let available = closes - from;
                if available >= left {
                    return from + left;
                }
                left -= available;
            }
            date += Duration::days(1);
        }
        // A calendar open so rarely that the deadline is years away: count the rest
        // around the clock rather than never.
        start + amount
    }

    /// The first instant at or after `at` when the calendar is open (`at` itself when it is
    /// open then, or always open).
    #[must_use]
    pub fn next_open(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        if self.always_open {
            return at;
        }
        let mut date = self.local_date(at) - Duration::days(1);
        for _ in 0..MAX_DAYS {
            if let Some((opens, _)) = self
                .open_intervals(date)
                .into_iter()
                .find(|(_, closes)| *closes > at)
            {
                return opens.max(at);
            }
            date += Duration::days(1);
        }
        at
    }

    /// The calendar's time zone.
    #[must_use]
    pub const fn timezone(&self) -> Tz {
        self.tz
    }

    /// Business time between `from` and `to` (zero when `to` is not after `from`).
    #[must_use]
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        if to <= from {
            return Duration::zero();
        }
        if self.always_open {
            return to - from;
        }
        let mut total = Duration::zero();
        let mut date = self.local_date(from) - Duration::days(1);
        let last = self.local_date(to) + Duration::days(1);
        while date <= last {
            for (opens, closes) in self.open_intervals(date) {
                let start = opens.max(from);
                let end = closes.min(to);
                if end > start {
                    total += end - start;
                }
            }
            date += Duration::days(1);
        }
        total
    }
}

fn weekday_from_index(index: usize) -> Weekday {
    let mut day = Weekday::Mon;
    for _ in 0..index {
        day = day.succ();
    }
    day
}

/// The calendar stored in a tenant's settings (around the clock when none is).
#[must_use]
pub fn settings_of(settings: &serde_json::Value) -> CalendarSettings {
    settings
        .get(SETTINGS_KEY)
        .and_then(|v| serde_json::from_value::<CalendarSettings>(v.clone()).ok())
        .unwrap_or_else(|| CalendarSettings {
            timezone: settings
                .get("timezone")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("UTC")
                .to_owned(),
            opening_hours: Vec::new(),
            holidays: Vec::new(),
        })
}

/// The business calendar of tenant `tenant_id`, for counting deadlines.
///
/// # Errors
///
/// Database errors. A stored calendar that no longer validates counts around the clock.
pub async fn calendar_of(
    db: &impl ConnectionTrait,
    tenant_id: i64,
) -> DomainResult<BusinessCalendar> {
    let found = tenant::Entity::find_by_id(tenant_id).one(db).await?;
    Ok(found
        .map(|t| BusinessCalendar::new(&settings_of(&t.settings)).unwrap_or_default())
        .unwrap_or_default())
}

/// The tenant's calendar settings; staff only.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers.
pub async fn get_calendar(svc: &Services, actor: &Actor) -> DomainResult<CalendarSettings> {
    actor.require(Permission::ViewTeam)?;
    let found = tenant::Entity::find_by_id(actor.tenant_id)
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound("tenant"))?;
    Ok(settings_of(&found.settings))
}

/// Replaces the tenant's calendar (admins). Deadlines of tickets already open keep their
/// dates; new tickets and resumed clocks use the new calendar.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for non-admins; [`DomainError::Validation`] for a bad
/// calendar.
pub async fn set_calendar(
    svc: &Services,
    actor: &Actor,
    settings: CalendarSettings,
) -> DomainResult<CalendarSettings> {
    actor.require(Permission::ConfigureTenant)?;
    BusinessCalendar::new(&settings)?;
    if settings.holidays.len() > 1000 {
        return Err(DomainError::validation("holidays", "at most 1000 holidays"));
    }
    let found = tenant::Entity::find_by_id(actor.tenant_id)
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound("tenant"))?;
    let mut stored = found.settings.clone();
    if !stored.is_object() {
        stored = serde_json::json!({});
    }
    let value = serde_json::to_value(&settings)
        .map_err(|e| DomainError::internal_from("cannot encode calendar", e))?;
    stored[SETTINGS_KEY] = value;
    stored["timezone"] = serde_json::Value::String(settings.timezone.clone());
    let mut active = found.into_active_model();
    active.settings = Set(stored);
    active.update(&svc.db).await?;
    crate::setup::changed(svc, actor.tenant_id).await;
    Ok(settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn office() -> BusinessCalendar {
        let hours = [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ]
        .into_iter()
        .map(|weekday| OpeningInterval {
            weekday,
            opens: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            closes: NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
        })
        .collect();
        BusinessCalendar::new(&CalendarSettings {
            timezone: "Europe/Paris".into(),
            opening_hours: hours,
            holidays: vec![NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()],
        })
        .unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn friday_evening_runs_into_monday() {
        // Friday 2026-03-06 17:00 Paris (16:00 UTC) + 8 h: 1 h on Friday, 7 h on Monday
        // from 09:00 Paris: Monday 16:00 Paris = 15:00 UTC.
        let due = office().add(utc("2026-03-06T16:00:00Z"), Duration::hours(8));
        assert_eq!(due, utc("2026-03-09T15:00:00Z"));
    }

    #[test]
    fn holidays_and_daylight_saving() {
        // Thursday 24 Dec 17:00 Paris + 2 h: 1 h that day, 25th is a holiday, 1 h on the
        // 28th (Monday; 26-27 is the weekend) → 10:00 Paris = 09:00 UTC.
        let due = office().add(utc("2026-12-24T16:00:00Z"), Duration::hours(2));
        assert_eq!(due, utc("2026-12-28T09:00:00Z"));
        // Clocks go forward on Sunday 2026-03-29: Monday 09:00 Paris is 07:00 UTC.
        let due = office().add(utc("2026-03-27T16:30:00Z"), Duration::hours(1));
        assert_eq!(due, utc("2026-03-30T07:30:00Z"));
    }

    #[test]
    fn next_open_waits_for_the_next_working_morning() {
        let cal = office();
        // Open: now.
        let noon = utc("2026-03-06T11:00:00Z");
        assert_eq!(cal.next_open(noon), noon);
        // Friday evening: Monday 09:00 Paris.
        assert_eq!(
            cal.next_open(utc("2026-03-06T19:00:00Z")),
            utc("2026-03-09T08:00:00Z")
        );
        // Christmas Eve night: the 25th is a holiday, so the 28th.
        assert_eq!(
            cal.next_open(utc("2026-12-24T20:00:00Z")),
            utc("2026-12-28T08:00:00Z")
        );
        assert_eq!(BusinessCalendar::default().next_open(noon), noon);
    }

    #[test]
    fn between_counts_only_open_time() {
        let cal = office();
        let from = utc("2026-03-06T16:00:00Z");
        let to = utc("2026-03-09T15:00:00Z");
        assert_eq!(cal.between(from, to), Duration::hours(8));
        assert_eq!(cal.add(from, cal.between(from, to)), to);
        // Around the clock by default.
        let always = BusinessCalendar::default();
        assert_eq!(always.between(from, to), to - from);
        assert_eq!(
            always.add(from, Duration::hours(3)),
            from + Duration::hours(3)
        );
    }

    #[test]
    fn bad_calendars_are_refused() {
        let bad_zone = CalendarSettings {
            timezone: "Mars/Olympus".into(),
            opening_hours: vec![],
            holidays: vec![],
        };
        assert!(BusinessCalendar::new(&bad_zone).is_err());
        let reversed = CalendarSettings {
            timezone: "UTC".into(),
            opening_hours: vec![OpeningInterval {
                weekday: Weekday::Mon,
                opens: NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
                closes: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            }],
            holidays: vec![],
        };
        assert!(BusinessCalendar::new(&reversed).is_err());
    }
}
