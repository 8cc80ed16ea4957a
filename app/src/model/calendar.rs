//! Appointments and the calendar: a week and a day view, and a personal iCalendar
//! feed behind a secret, revocable address.

use super::contacts::RecordRef;
use super::records;
use super::validation::{self, FieldErrors, Problem};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

pub const TITLE_MAX: usize = 200;
pub const LOCATION_MAX: usize = 300;
pub const NOTES_MAX: usize = 10_000;
/// Contacts an appointment form offers slots for.
pub const CONTACT_SLOTS: usize = 4;

audit_events! {
    /// What the audit log records about the calendar (`appointment.<event>`).
    pub enum AppointmentAudit {
        List,
        Read,
        Create,
        Update,
        Delete,
        Exported,
        FeedRead,
        FeedCreated,
        FeedRevoked,
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppointmentInput {
    pub title: String,
    pub location: String,
    pub notes: String,
    /// `YYYY-MM-DD`.
    pub start_date: String,
    /// `HH:MM`; ignored for all-day appointments.
    pub start_time: String,
    /// Empty: the start date.
    pub end_date: String,
    /// Empty: one hour after the start.
    pub end_time: String,
    #[serde(with = "records::checkbox")]
    pub all_day: bool,
    /// Employees taking part (the creator always does).
    #[serde(with = "records::ids")]
    pub user_ids: Vec<Uuid>,
    #[serde(with = "records::ids")]
    pub contact_ids: Vec<Uuid>,
    #[serde(with = "records::optional")]
    pub organisation_id: Option<Uuid>,
}

impl AppointmentInput {
    pub fn normalized(&self) -> Self {
        let mut users = self.user_ids.clone();
        users.sort_unstable();
        users.dedup();
        let mut contacts = self.contact_ids.clone();
        contacts.dedup();
        Self {
            title: self.title.trim().to_owned(),
            location: self.location.trim().to_owned(),
            notes: self.notes.trim().to_owned(),
            start_date: validation::normalize_date(&self.start_date),
            end_date: validation::normalize_date(&self.end_date),
            start_time: self.start_time.trim().to_owned(),
            end_time: self.end_time.trim().to_owned(),
            user_ids: users,
            contact_ids: contacts,
            ..self.clone()
        }
    }

    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.check("title", validation::required(&self.title, TITLE_MAX));
        errors.check(
            "location",
            validation::max_len(&self.location, LOCATION_MAX),
        );
        errors.check("notes", validation::max_len(&self.notes, NOTES_MAX));
        if self.start_date.is_empty() {
            errors.add("start_date", Problem::Required);
        } else {
            errors.check("start_date", validation::optional_date(&self.start_date));
        }
        errors.check("end_date", validation::optional_date(&self.end_date));
        if !self.all_day {
            if self.start_time.is_empty() {
                errors.add("start_time", Problem::Required);
            } else if validation::parse_time(&self.start_time).is_none() {
                errors.add("start_time", Problem::InvalidTime);
            }
            if !self.end_time.is_empty() && validation::parse_time(&self.end_time).is_none() {
                errors.add("end_time", Problem::InvalidTime);
            }
        }
        if let (Some(start), Some(end)) = (self.starts_at(), self.ends_at()) {
            if end < start {
                errors.add("end_date", Problem::EndBeforeStart);
            }
        }
        if self.contact_ids.len() > 50 || self.user_ids.len() > 50 {
            errors.add("contact_ids", Problem::TooMany { max: 50 });
        }
        errors
    }

    /// The start (all-day: midnight UTC of the start date).
    pub fn starts_at(&self) -> Option<OffsetDateTime> {
        let date = validation::parse_date(&self.start_date)?;
        if self.all_day {
            return Some(date.midnight().assume_utc());
        }
        Some(
            date.with_time(validation::parse_time(&self.start_time)?)
                .assume_utc(),
        )
    }

    /// The end (all-day: midnight after the end date, exclusive as in iCalendar).
    pub fn ends_at(&self) -> Option<OffsetDateTime> {
        let start = self.starts_at()?;
        let end_date = if self.end_date.is_empty() {
            start.date()
        } else {
            validation::parse_date(&self.end_date)?
        };
        if self.all_day {
            return Some(end_date.next_day()?.midnight().assume_utc());
        }
        match validation::parse_time(&self.end_time) {
            Some(time) => Some(end_date.with_time(time).assume_utc()),
            None if self.end_date.is_empty() => Some(start + Duration::hours(1)),
            None => Some(end_date.with_time(start.time()).assume_utc()),
        }
    }

    pub fn changed_fields(&self, other: &AppointmentInput) -> Vec<&'static str> {
        let mut fields = Vec::new();
        let mut check = |name: &'static str, changed: bool| {
            if changed {
                fields.push(name);
            }
        };
        check("title", self.title != other.title);
        check("location", self.location != other.location);
        check("notes", self.notes != other.notes);
        check(
            "time",
            self.starts_at() != other.starts_at() || self.ends_at() != other.ends_at(),
        );
        check(
            "participants",
            self.user_ids != other.user_ids || self.contact_ids != other.contact_ids,
        );
        check(
            "organisation",
            self.organisation_id != other.organisation_id,
        );
        fields
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    pub id: Uuid,
    pub input: AppointmentInput,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub contacts: Vec<RecordRef>,
    pub organisation: Option<RecordRef>,
    pub created_by: Uuid,
    pub version: i32,
}

/// A stretch of the calendar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalendarSpan {
    Day,
    #[default]
    Week,
    /// The next 30 days from the date (a record's next appointments).
    Upcoming,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CalendarQuery {
    /// A day in the period (`YYYY-MM-DD`); empty: today.
    pub date: String,
    pub span: CalendarSpan,
    /// Only appointments the user takes part in (else everyone's).
    #[serde(with = "records::checkbox")]
    pub mine: bool,
    /// Only those with this contact or organisation (detail pages).
    #[serde(with = "records::optional")]
    pub record: Option<Uuid>,
}

impl CalendarQuery {
    /// The first day shown and the number of days.
    pub fn period(&self, today: Date) -> (Date, i64) {
        let day = validation::parse_date(&self.date).unwrap_or(today);
        match self.span {
            CalendarSpan::Day => (day, 1),
            CalendarSpan::Week => {
                let monday = day - Duration::days(day.weekday().number_days_from_monday() as i64);
                (monday, 7)
            }
            CalendarSpan::Upcoming => (day, 30),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarView {
    pub first_day: Date,
    pub days: i64,
    pub appointments: Vec<Appointment>,
}

/// The state of the user's calendar feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarFeed {
    /// The address, present only right after it was made (only its hash is stored).
    pub url: Option<String>,
    pub active_since: Option<OffsetDateTime>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meeting() -> AppointmentInput {
        AppointmentInput {
            title: "Jahresgespräch".into(),
            start_date: "02.12.2026".into(),
            start_time: "10:00".into(),
            ..Default::default()
        }
        .normalized()
    }

    #[test]
    fn ends_default_to_an_hour_later_and_all_day_spans_whole_days() {
        let m = meeting();
        assert!(m.validate().is_empty());
        assert_eq!(
            m.starts_at(),
            Some(time::macros::datetime!(2026-12-02 10:00 UTC))
        );
        assert_eq!(
            m.ends_at(),
            Some(time::macros::datetime!(2026-12-02 11:00 UTC))
        );
        let fair = AppointmentInput {
            all_day: true,
            start_time: String::new(),
            end_date: "2026-12-04".into(),
            ..m
        };
        assert!(fair.validate().is_empty());
        assert_eq!(
            fair.ends_at(),
            Some(time::macros::datetime!(2026-12-05 00:00 UTC))
        );
    }

    #[test]
    fn an_end_before_the_start_is_refused() {
        let backwards = AppointmentInput {
            end_time: "09:00".into(),
            ..meeting()
        };
        assert_eq!(
            backwards.validate().get("end_date"),
            Some(Problem::EndBeforeStart)
        );
        let untimed = AppointmentInput {
            start_time: String::new(),
            ..meeting()
        };
        assert_eq!(
            untimed.validate().get("start_time"),
            Some(Problem::Required)
        );
    }

    #[test]
    fn weeks_start_on_monday() {
        let query = CalendarQuery {
            date: "2026-12-03".into(),
            ..Default::default()
        };
        let (first, days) = query.period(time::macros::date!(2026 - 01 - 01));
        assert_eq!((first, days), (time::macros::date!(2026 - 11 - 30), 7));
    }
}
