//! Appointments as iCalendar (RFC 5545), for the personal feed and single downloads.

use crate::model::calendar::Appointment;
use icalendar::{Calendar, Component, Event, EventLike};
use time::OffsetDateTime;

fn utc(at: OffsetDateTime) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(at.unix_timestamp(), 0).unwrap_or_default()
}

fn date(at: OffsetDateTime) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(at.year(), u8::from(at.month()) as u32, at.day() as u32)
        .unwrap_or_default()
}

fn event(a: &Appointment, host: &str) -> Event {
    let mut event = Event::new();
    event
        .uid(&format!("{}@{host}", a.id))
        .summary(&a.input.title)
        .timestamp(utc(OffsetDateTime::now_utc()));
    if a.input.all_day {
        event.starts(date(a.starts_at)).ends(date(a.ends_at));
    } else {
        event.starts(utc(a.starts_at)).ends(utc(a.ends_at));
    }
    if !a.input.location.is_empty() {
        event.location(&a.input.location);
    }
    let mut description = a.input.notes.clone();
    if !a.contacts.is_empty() {
        let names: Vec<&str> = a.contacts.iter().map(|c| c.name.as_str()).collect();
        if !description.is_empty() {
            description.push_str("\n\n");
        }
        description.push_str(&names.join(", "));
    }
    if !description.is_empty() {
        event.description(&description);
    }
    event.done()
}

/// A calendar of `appointments`; `host` makes the UIDs globally unique.
pub fn calendar(name: &str, appointments: &[Appointment], host: &str) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name);
    for a in appointments {
        calendar.push(event(a, host));
    }
    calendar.done().to_string()
}
