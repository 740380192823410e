//! iCalendar (RFC 5545) export of meetings, so that they land in anyone's calendar.
//!
//! The format is small enough to write by hand: CRLF line ends, text values escaped
//! (§3.3.11), lines folded at 75 octets (§3.1), times in UTC (`…Z`).

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use entity::meeting;

use super::leads::attendees;

/// A calendar with one `VEVENT` per meeting of `customer_name`'s lead.
#[must_use]
pub fn meetings_to_ics(
    meetings: &[meeting::Model],
    customer_name: &str,
    now: DateTime<Utc>,
) -> String {
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//Guichet//CRM meetings//FR".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
    ];
    for m in meetings {
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!("UID:meeting-{}-{}@guichet", m.tenant_id, m.id));
        lines.push(format!("DTSTAMP:{}", utc(now)));
        lines.push(format!("DTSTART:{}", utc(m.scheduled_at)));
        lines.push(format!("DURATION:PT{}M", m.duration_minutes));
        lines.push(format!("SUMMARY:{}", escape(&m.title)));
        if let Some(location) = &m.location {
            lines.push(format!("LOCATION:{}", escape(location)));
        } else if let Some(url) = &m.video_url {
            lines.push(format!("LOCATION:{}", escape(url)));
        }
        if let Some(url) = &m.video_url {
            lines.push(format!("URL:{url}"));
        }
        let people = attendees(m);
        let mut description = format!("Customer: {customer_name}");
        let names: Vec<&str> = people
            .iter()
            .filter(|p| !p.contains('@'))
            .map(String::as_str)
            .collect();
        if !names.is_empty() {
            let _ = write!(description, "\nAttendees: {}", names.join(", "));
        }
        if let Some(notes) = &m.notes {
            let _ = write!(description, "\n{notes}");
        }
        lines.push(format!("DESCRIPTION:{}", escape(&description)));
        for email in people.iter().filter(|p| p.contains('@')) {
            // A cal-address is a URI: no spaces, quotes or line breaks.
            let email: String = email
                .chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, '"' | ';' | ':' | ','))
                .collect();
            lines.push(format!("ATTENDEE;ROLE=REQ-PARTICIPANT:mailto:{email}"));
        }
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for line in lines {
        out.push_str(&fold(&line));
        out.push_str("\r\n");
    }
    out
}

fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes a TEXT value: backslash, semicolon, comma and line breaks.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            other => out.push(other),
        }
    }
    out
}

/// Folds a content line into lines of at most 75 octets, continuation lines starting with a
/// space, never splitting a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_folds() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let long = "DESCRIPTION:".to_owned() + &"é".repeat(60);
        let folded = fold(&long);
        for part in folded.split("\r\n") {
            assert!(part.len() <= 75, "{part}");
        }
        assert_eq!(folded.replace("\r\n ", ""), long);
    }
}
