//! The interaction timeline: what happened with a contact or organisation, newest
//! first — notes, calls, meetings, e-mails, messages, and record history.

use super::contacts::{choice, LifecycleStage, RecordRef};
use super::paging::PageRequest;
use super::records;
use super::validation::{self, FieldErrors, Problem};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

pub const SUBJECT_MAX: usize = 300;
pub const BODY_MAX: usize = 50_000;
/// People one interaction can be with.
pub const PARTICIPANTS_MAX: usize = 50;

choice! {
    /// What kind of entry.
    InteractionKind { Call, Meeting, Email, Message, History } default Note
}
choice! { Direction { Outbound } default Inbound }
choice! {
    /// How a call went.
    CallOutcome { Voicemail, NoAnswer, Busy, WrongNumber } default Reached
}
choice! {
    /// Where a message came from.
    MessageChannel { Sms, Linkedin, Other } default Whatsapp
}

impl InteractionKind {
    /// Kinds a user logs by hand (e-mail is sent or captured; history is automatic).
    pub fn loggable() -> impl Iterator<Item = InteractionKind> {
        [
            InteractionKind::Note,
            InteractionKind::Call,
            InteractionKind::Meeting,
            InteractionKind::Message,
        ]
        .into_iter()
    }
}

audit_events! {
    /// What the audit log records about the timeline (`interaction.<event>`).
    pub enum InteractionAudit {
        List,
        Read,
        Create,
        Update,
        Delete,
        Shared,
    }
}

/// A record change, shown as history: codes and ids only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum HistoryEvent {
    StageChanged {
        from: LifecycleStage,
        to: LifecycleStage,
    },
    OwnerChanged {
        from: Option<Uuid>,
        to: Option<Uuid>,
    },
    /// Another record was merged into this one.
    Merged {
        merged: Uuid,
    },
    /// A merge was undone; `restored` is the record again.
    MergeUndone {
        restored: Uuid,
    },
    Imported {
        import: Uuid,
    },
}

/// What a user enters to log an interaction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InteractionInput {
    pub kind: InteractionKind,
    /// `YYYY-MM-DDTHH:MM` (an `<input type=datetime-local>`), UTC; empty = now.
    pub occurred_at: String,
    pub subject: String,
    pub body: String,
    #[serde(with = "records::optional")]
    pub direction: Option<Direction>,
    /// Calls and meetings, in whole minutes (as typed).
    pub duration_minutes: String,
    #[serde(with = "records::optional")]
    pub outcome: Option<CallOutcome>,
    #[serde(with = "records::optional")]
    pub channel: Option<MessageChannel>,
    /// The contacts it was with (at least one, or an organisation).
    #[serde(with = "records::ids")]
    pub contact_ids: Vec<Uuid>,
    #[serde(with = "records::optional")]
    pub organisation_id: Option<Uuid>,
}

impl InteractionInput {
    pub fn normalized(&self) -> Self {
        let mut contacts = self.contact_ids.clone();
        contacts.dedup();
        Self {
            subject: self.subject.trim().to_owned(),
            body: self.body.trim().to_owned(),
            occurred_at: self.occurred_at.trim().to_owned(),
            duration_minutes: self.duration_minutes.trim().to_owned(),
            contact_ids: contacts,
            ..self.clone()
        }
    }

    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if matches!(self.kind, InteractionKind::History | InteractionKind::Email) {
            errors.add("kind", Problem::InvalidChoice);
        }
        errors.check("subject", validation::max_len(&self.subject, SUBJECT_MAX));
        errors.check("body", validation::max_len(&self.body, BODY_MAX));
        if self.subject.is_empty() && self.body.is_empty() {
            errors.add("body", Problem::Required);
        }
        if !self.occurred_at.is_empty() && parse_datetime(&self.occurred_at).is_none() {
            errors.add("occurred_at", Problem::InvalidDate);
        }
        if !self.duration_minutes.is_empty() {
            match self.duration_minutes.parse::<u32>() {
                Ok(minutes) if minutes <= 24 * 60 => {}
                _ => errors.add("duration_minutes", Problem::InvalidNumber),
            }
        }
        if self.contact_ids.is_empty() && self.organisation_id.is_none() {
            errors.add("contact_ids", Problem::Required);
        }
        if self.contact_ids.len() > PARTICIPANTS_MAX {
            errors.add(
                "contact_ids",
                Problem::TooMany {
                    max: PARTICIPANTS_MAX,
                },
            );
        }
        errors
    }

    /// When it happened (now if not given).
    pub fn occurred_at(&self) -> OffsetDateTime {
        parse_datetime(&self.occurred_at).unwrap_or_else(OffsetDateTime::now_utc)
    }

    pub fn duration_secs(&self) -> Option<i32> {
        self.duration_minutes.parse::<i32>().ok().map(|m| m * 60)
    }
}

/// `2026-12-01T14:30` (what `datetime-local` sends), read as UTC.
/// A message that arrived on another channel (messenger, SMS, social), handed in by
/// an integration. The sender is named as the channel knows them: a phone number or
/// an e-mail address, matched exactly against the contacts' (keyed fingerprints).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InboundMessage {
    pub channel: MessageChannel,
    pub from: String,
    /// `YYYY-MM-DDTHH:MM` (UTC); empty: now.
    pub occurred_at: String,
    pub subject: String,
    pub body: String,
}

impl InboundMessage {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        let from = self.from.trim();
        if from.is_empty() {
            errors.add("from", Problem::Required);
        } else if from.contains('@') {
            errors.check("from", validation::email(from));
        } else {
            errors.check("from", validation::optional_phone(from));
        }
        errors.check("subject", validation::max_len(&self.subject, SUBJECT_MAX));
        errors.check("body", validation::required(&self.body, BODY_MAX));
        let at = self.occurred_at.trim();
        if !at.is_empty() && parse_datetime(at).is_none() {
            errors.add("occurred_at", Problem::InvalidDate);
        }
        errors
    }

    /// The timeline entry for the given senders.
    pub fn interaction(&self, contact_ids: Vec<Uuid>) -> InteractionInput {
        InteractionInput {
            kind: InteractionKind::Message,
            occurred_at: self.occurred_at.trim().to_owned(),
            subject: self.subject.clone(),
            body: self.body.clone(),
            direction: Some(Direction::Inbound),
            channel: Some(self.channel),
            contact_ids,
            ..InteractionInput::default()
        }
    }
}

pub fn parse_datetime(value: &str) -> Option<OffsetDateTime> {
    let (date, time) = value.trim().split_once('T')?;
    let date = validation::parse_date(date)?;
    let time = validation::parse_time(time)?;
    Some(date.with_time(time).assume_utc())
}

/// `2026-12-01T14:30`, for a `datetime-local` input.
pub fn datetime_local(at: OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    at.format(&format).unwrap_or_default()
}

/// One e-mail address on a message, and the contact it belongs to if known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub address: String,
    pub role: ParticipantRole,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParticipantRole {
    From,
    To,
    Cc,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interaction {
    pub id: Uuid,
    pub kind: InteractionKind,
    pub occurred_at: OffsetDateTime,
    pub direction: Option<Direction>,
    pub duration_minutes: Option<i32>,
    pub outcome: Option<CallOutcome>,
    pub channel: Option<MessageChannel>,
    pub subject: String,
    pub body: String,
    /// E-mail addresses as written on the message.
    pub participants: Vec<Participant>,
    /// The contacts and organisation it appears for.
    pub contacts: Vec<RecordRef>,
    pub organisation: Option<RecordRef>,
    pub history: Option<HistoryEvent>,
    pub created_by: Option<Uuid>,
    /// Captured mail not yet shared with colleagues.
    pub private: bool,
    pub thread_id: Option<Uuid>,
    /// For mail sent from Tessera: where its delivery stands.
    pub delivery: Option<super::mail::Delivery>,
    pub version: i32,
}

/// Which entries a timeline shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimelineShow {
    /// Real activity and history.
    #[default]
    Everything,
    /// Notes, calls, meetings, mail and messages.
    Activity,
    /// Record changes only.
    History,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimelineQuery {
    /// The contact's or organisation's id.
    pub record: Uuid,
    pub show: TimelineShow,
    #[serde(with = "records::optional")]
    pub kind: Option<InteractionKind>,
    /// Inclusive dates, `YYYY-MM-DD`.
    pub from: String,
    pub to: String,
    /// Words in subject or body.
    pub q: String,
    pub after: Option<String>,
    pub before: Option<String>,
}

impl TimelineQuery {
    pub fn for_record(record: Uuid) -> Self {
        Self {
            record,
            ..Default::default()
        }
    }

    pub fn page_request(&self) -> PageRequest {
        PageRequest {
            after: self.after.clone(),
            before: self.before.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelinePage {
    pub items: Vec<Interaction>,
    pub next: Option<String>,
    pub prev: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_needs_someone_and_something_said() {
        let input = InteractionInput {
            kind: InteractionKind::Call,
            duration_minutes: "abc".into(),
            occurred_at: "gestern".into(),
            ..Default::default()
        };
        let errors = input.validate();
        assert_eq!(errors.get("body"), Some(Problem::Required));
        assert_eq!(errors.get("contact_ids"), Some(Problem::Required));
        assert_eq!(errors.get("duration_minutes"), Some(Problem::InvalidNumber));
        assert_eq!(errors.get("occurred_at"), Some(Problem::InvalidDate));
        let history = InteractionInput {
            kind: InteractionKind::History,
            ..Default::default()
        };
        assert_eq!(history.validate().get("kind"), Some(Problem::InvalidChoice));
    }

    #[test]
    fn datetimes_round_trip_through_the_local_input() {
        let at = parse_datetime("2026-12-01T14:30").unwrap();
        assert_eq!(datetime_local(at), "2026-12-01T14:30");
        let input = InteractionInput {
            duration_minutes: "15".into(),
            ..Default::default()
        };
        assert_eq!(input.duration_secs(), Some(900));
    }

    #[test]
    fn history_events_are_tagged_codes() {
        let event = HistoryEvent::StageChanged {
            from: LifecycleStage::Lead,
            to: LifecycleStage::Customer,
        };
        assert_eq!(
            serde_json::to_value(&event).unwrap(),
            serde_json::json!({"event": "stage_changed", "from": "lead", "to": "customer"})
        );
    }
}
