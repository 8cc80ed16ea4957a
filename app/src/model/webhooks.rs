//! Webhooks: a workspace tells another system (ERP, shop, chat) when records
//! change. A subscription names a URL and the events it wants; each delivery is
//! signed as the Standard Webhooks specification describes. Payloads carry ids and
//! the names of changed fields; the record's data only when the subscription asks
//! for it, which is audited for every delivery.

use super::contacts::choice;
use super::validation::{FieldErrors, Problem};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// The longest URL accepted.
pub const URL_MAX: usize = 2000;
/// Subscriptions one workspace may have.
pub const PER_WORKSPACE_MAX: usize = 20;

choice! {
    /// What a subscription can be told about, by its code (`contact.created`).
    WebhookEvent {
        ContactUpdated, ContactDeleted,
        OrganisationCreated, OrganisationUpdated, OrganisationDeleted,
        InteractionCreated, TaskCreated, TaskCompleted, AppointmentCreated
    } default ContactCreated
}

impl WebhookEvent {
    /// The code on the wire: `contact.created`.
    pub fn name(self) -> String {
        let code = self.code();
        let (record, what) = code.split_once('_').unwrap_or((code, ""));
        format!("{record}.{what}")
    }

    pub fn from_name(name: &str) -> Option<WebhookEvent> {
        let (record, what) = name.split_once('.')?;
        WebhookEvent::parse(&format!("{record}_{what}")).filter(|e| e.name() == name)
    }

    /// Whether the event's record is personal data a subscription may ask for.
    pub fn may_carry_data(self) -> bool {
        use WebhookEvent::*;
        matches!(
            self,
            ContactCreated | ContactUpdated | OrganisationCreated | OrganisationUpdated
        )
    }
}

/// What an administrator fills in for a subscription.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebhookInput {
    pub url: String,
    /// Event names as the form sends them (`contact.created`).
    pub events: Vec<String>,
    /// Whether payloads carry the record's data (personal data), not only ids.
    pub with_personal_data: bool,
}

impl WebhookInput {
    pub fn normalized(&self) -> Self {
        let mut events: Vec<String> = self.events.iter().map(|e| e.trim().to_owned()).collect();
        events.sort();
        events.dedup();
        events.retain(|e| !e.is_empty());
        Self {
            url: self.url.trim().to_owned(),
            events,
            with_personal_data: self.with_personal_data,
        }
    }

    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        let input = self.normalized();
        if input.url.is_empty() {
            errors.add("url", Problem::Required);
        } else if input.url.chars().count() > URL_MAX {
            errors.add("url", Problem::TooLong { max: URL_MAX });
        } else if !is_web_url(&input.url) {
            errors.add("url", Problem::InvalidUrl);
        }
        if input.events.is_empty() {
            errors.add("events", Problem::Required);
        } else if input
            .events
            .iter()
            .any(|e| WebhookEvent::from_name(e).is_none())
        {
            errors.add("events", Problem::InvalidChoice);
        }
        errors
    }

    pub fn parsed_events(&self) -> Vec<WebhookEvent> {
        self.normalized()
            .events
            .iter()
            .filter_map(|e| WebhookEvent::from_name(e))
            .collect()
    }
}

/// `https://` (or `http://`) with a host, no user name or password in it.
fn is_web_url(text: &str) -> bool {
    url::Url::parse(text).is_ok_and(|url| {
        matches!(url.scheme(), "https" | "http")
            && url.host_str().is_some_and(|h| !h.is_empty())
            && url.username().is_empty()
            && url.password().is_none()
    })
}

/// A subscription as the settings page lists it; never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookSummary {
    pub webhook_id: Uuid,
    pub url: String,
    pub events: Vec<WebhookEvent>,
    pub with_personal_data: bool,
    pub enabled: bool,
    /// Set when it was switched off after failing again and again.
    #[serde(with = "time::serde::rfc3339::option")]
    pub disabled_at: Option<OffsetDateTime>,
    pub failures_in_a_row: i32,
    /// Until then the secret before the last rotation signs too.
    #[serde(with = "time::serde::rfc3339::option")]
    pub previous_until: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A new or rotated subscription's signing secret, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookSecret {
    pub webhook_id: Uuid,
    /// `whsec_` + base64 of 32 random bytes, as Standard Webhooks libraries take it.
    pub secret: String,
}

/// How a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its first or next attempt.
    Pending,
    Delivered,
    /// Out of attempts, or its subscription was switched off.
    Failed,
}

impl DeliveryState {
    pub fn parse(code: &str) -> DeliveryState {
        match code {
            "delivered" => DeliveryState::Delivered,
            "failed" => DeliveryState::Failed,
            _ => DeliveryState::Pending,
        }
    }
}

/// One delivery in a subscription's log, with its last attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliverySummary {
    pub delivery_id: Uuid,
    pub event: WebhookEvent,
    pub record_id: Uuid,
    pub state: DeliveryState,
    pub attempts: i32,
    /// The receiver's last HTTP status, if it answered.
    pub last_status: Option<i32>,
    /// Why the last attempt failed (`timeout`, `connect`, `status`), if it did.
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_have_dotted_names_both_ways() {
        assert_eq!(WebhookEvent::ContactCreated.name(), "contact.created");
        assert_eq!(WebhookEvent::TaskCompleted.name(), "task.completed");
        for event in WebhookEvent::all() {
            assert_eq!(WebhookEvent::from_name(&event.name()), Some(event));
        }
        assert_eq!(WebhookEvent::from_name("contact_created"), None);
        assert_eq!(WebhookEvent::from_name("contact.exploded"), None);
    }

    #[test]
    fn a_subscription_needs_a_web_url_and_known_events() {
        let input = |url: &str, events: &[&str]| WebhookInput {
            url: url.into(),
            events: events.iter().map(|e| e.to_string()).collect(),
            with_personal_data: false,
        };
        assert!(input("https://erp.example.com/hooks", &["contact.created"])
            .validate()
            .is_empty());
        for bad in [
            "ftp://erp.example.com",
            "erp.example.com/hooks",
            "https://user:pw@erp.example.com/",
            "https://",
        ] {
            let errors = input(bad, &["contact.created"]).validate();
            assert_eq!(errors.get("url"), Some(Problem::InvalidUrl), "{bad}");
        }
        assert_eq!(
            input("https://x.example", &[]).validate().get("events"),
            Some(Problem::Required)
        );
        assert_eq!(
            input("https://x.example", &["contact.exploded"])
                .validate()
                .get("events"),
            Some(Problem::InvalidChoice)
        );
    }
}
