//! Tasks: follow-ups with a due date, an assignee and in-app reminders.

use super::contacts::{choice, RecordRef};
use super::paging::PageRequest;
use super::records;
use super::validation::{self, FieldErrors, Problem};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

pub const TITLE_MAX: usize = 200;
pub const NOTES_MAX: usize = 10_000;

choice! { TaskPriority { Low, High } default Normal }
choice! { TaskStatus { Done } default Open }
choice! {
    /// When to remind the assignee, relative to the due time.
    Reminder { AtDue, FifteenMinutes, OneHour, OneDay } default NoReminder
}

impl Reminder {
    pub fn before_due(self) -> Option<Duration> {
        match self {
            Reminder::NoReminder => None,
            Reminder::AtDue => Some(Duration::ZERO),
            Reminder::FifteenMinutes => Some(Duration::minutes(15)),
            Reminder::OneHour => Some(Duration::hours(1)),
            Reminder::OneDay => Some(Duration::days(1)),
        }
    }
}

audit_events! {
    /// What the audit log records about tasks (`task.<event>`).
    pub enum TaskAudit {
        List,
        Read,
        Create,
        Update,
        Completed,
        Reopened,
        Delete,
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TaskInput {
    pub title: String,
    pub notes: String,
    /// `YYYY-MM-DD` (German `TT.MM.JJJJ` accepted).
    pub due_date: String,
    /// `HH:MM`, empty for "some time that day" (due at its end).
    pub due_time: String,
    pub priority: TaskPriority,
    #[serde(with = "records::optional")]
    pub assignee_id: Option<Uuid>,
    #[serde(with = "records::optional")]
    pub contact_id: Option<Uuid>,
    #[serde(with = "records::optional")]
    pub organisation_id: Option<Uuid>,
    /// The timeline entry this follows up on.
    #[serde(with = "records::optional")]
    pub interaction_id: Option<Uuid>,
    pub reminder: Reminder,
}

impl TaskInput {
    pub fn normalized(&self) -> Self {
        Self {
            title: self.title.trim().to_owned(),
            notes: self.notes.trim().to_owned(),
            due_date: validation::normalize_date(&self.due_date),
            due_time: self.due_time.trim().to_owned(),
            ..self.clone()
        }
    }

    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.check("title", validation::required(&self.title, TITLE_MAX));
        errors.check("notes", validation::max_len(&self.notes, NOTES_MAX));
        if self.due_date.is_empty() {
            if !self.due_time.is_empty() {
                errors.add("due_date", Problem::Required);
            }
            if self.reminder != Reminder::NoReminder {
                errors.add("due_date", Problem::Required);
            }
        } else {
            errors.check("due_date", validation::optional_date(&self.due_date));
        }
        if !self.due_time.is_empty() && validation::parse_time(&self.due_time).is_none() {
            errors.add("due_time", Problem::InvalidTime);
        }
        errors
    }

    /// The due moment: the given time, or the end of the day (UTC).
    pub fn due_at(&self) -> Option<OffsetDateTime> {
        let date = validation::parse_date(&self.due_date)?;
        let time = validation::parse_time(&self.due_time)
            .unwrap_or_else(|| time::Time::from_hms(23, 59, 0).expect("a valid time"));
        Some(date.with_time(time).assume_utc())
    }

    pub fn remind_at(&self) -> Option<OffsetDateTime> {
        Some(self.due_at()? - self.reminder.before_due()?)
    }

    pub fn changed_fields(&self, other: &TaskInput) -> Vec<&'static str> {
        let mut fields = Vec::new();
        let mut check = |name: &'static str, changed: bool| {
            if changed {
                fields.push(name);
            }
        };
        check("title", self.title != other.title);
        check("notes", self.notes != other.notes);
        check(
            "due",
            self.due_date != other.due_date || self.due_time != other.due_time,
        );
        check("priority", self.priority != other.priority);
        check("assignee", self.assignee_id != other.assignee_id);
        check("contact", self.contact_id != other.contact_id);
        check(
            "organisation",
            self.organisation_id != other.organisation_id,
        );
        check("reminder", self.reminder != other.reminder);
        fields
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: Uuid,
    pub input: TaskInput,
    pub status: TaskStatus,
    pub due_at: Option<OffsetDateTime>,
    pub completed_at: Option<OffsetDateTime>,
    pub contact: Option<RecordRef>,
    pub organisation: Option<RecordRef>,
    /// A reminder is due and not yet dismissed.
    pub reminder_due: bool,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: OffsetDateTime,
}

impl Task {
    /// Open and past its due moment.
    pub fn is_overdue(&self, now: OffsetDateTime) -> bool {
        self.status == TaskStatus::Open && self.due_at.is_some_and(|due| due < now)
    }
}

/// Whose tasks a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskOwner {
    /// Assigned to the signed-in user.
    #[default]
    Mine,
    /// Everyone's.
    Everyone,
    /// Linked to one contact or organisation.
    Record(Uuid),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TaskListQuery {
    pub owner: TaskOwner,
    /// Open tasks by due date (soonest first), or done ones (latest first).
    pub done: bool,
    pub after: Option<String>,
    pub before: Option<String>,
}

impl TaskListQuery {
    pub fn page_request(&self) -> PageRequest {
        PageRequest {
            after: self.after.clone(),
            before: self.before.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskPage {
    pub items: Vec<Task>,
    pub next: Option<String>,
    pub prev: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_moments_and_reminders() {
        let input = TaskInput {
            title: "Anrufen".into(),
            due_date: "05.12.2026".into(),
            due_time: "14:00".into(),
            reminder: Reminder::OneHour,
            ..Default::default()
        }
        .normalized();
        assert!(input.validate().is_empty());
        assert_eq!(
            input.due_at(),
            Some(time::macros::datetime!(2026-12-05 14:00 UTC))
        );
        assert_eq!(
            input.remind_at(),
            Some(time::macros::datetime!(2026-12-05 13:00 UTC))
        );
        let all_day = TaskInput {
            due_time: String::new(),
            ..input.clone()
        };
        assert_eq!(
            all_day.due_at(),
            Some(time::macros::datetime!(2026-12-05 23:59 UTC))
        );
    }

    #[test]
    fn a_reminder_needs_a_due_date_and_times_must_be_times() {
        let input = TaskInput {
            title: "X".into(),
            reminder: Reminder::AtDue,
            ..Default::default()
        };
        assert_eq!(input.validate().get("due_date"), Some(Problem::Required));
        let bad_time = TaskInput {
            title: "X".into(),
            due_date: "2026-12-05".into(),
            due_time: "25:99".into(),
            ..Default::default()
        };
        assert_eq!(
            bad_time.validate().get("due_time"),
            Some(Problem::InvalidTime)
        );
        assert_eq!(
            TaskInput::default().validate().get("title"),
            Some(Problem::Required)
        );
    }
}
