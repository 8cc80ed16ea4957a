//! E-mail: the workspace's outgoing server, templates that address people properly
//! ("Sehr geehrte Frau Dr. Müller"), the user's signature, and composing a mail.

use super::contacts::{choice, ContactInput, Salutation};
use super::validation::{self, FieldErrors, Problem};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

pub const SUBJECT_MAX: usize = 300;
pub const BODY_MAX: usize = 100_000;
pub const SIGNATURE_MAX: usize = 2_000;

choice! {
    /// How the connection to the SMTP server is protected.
    SmtpSecurity { Tls, Plain } default StartTls
}

audit_events! {
    /// What the audit log records about mail (`mail.<event>`).
    pub enum MailAudit {
        Sent,
        Failed,
        SettingsChanged,
        TemplatesChanged,
        SignatureChanged,
        MailboxConnected,
        MailboxRemoved,
        PolicyChanged,
        PolicyAgreed,
        Captured,
        Expired,
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SmtpSettingsInput {
    pub host: String,
    pub port: String,
    pub security: SmtpSecurity,
    pub username: String,
    /// Empty keeps the stored password.
    pub password: String,
    pub from_address: String,
    pub from_name: String,
}

impl SmtpSettingsInput {
    pub fn normalized(&self) -> Self {
        Self {
            host: self.host.trim().to_lowercase(),
            port: self.port.trim().to_owned(),
            username: self.username.trim().to_owned(),
            from_address: validation::normalize_email(&self.from_address),
            from_name: self.from_name.trim().to_owned(),
            ..self.clone()
        }
    }

    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.check("host", validation::required(&self.host, 253));
        let host_ok = self
            .host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        if !host_ok {
            errors.add("host", Problem::InvalidUrl);
        }
        match self.port.parse::<u16>() {
            Ok(p) if p > 0 => {}
            _ => errors.add("port", Problem::InvalidNumber),
        }
        errors.check("username", validation::max_len(&self.username, 254));
        errors.check("password", validation::max_len(&self.password, 500));
        errors.check("from_address", validation::email(&self.from_address));
        errors.check("from_name", validation::max_len(&self.from_name, 100));
        errors
    }

    pub fn port(&self) -> u16 {
        self.port.parse().unwrap_or(587)
    }
}

/// The stored settings as the settings page shows them (never the password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmtpSettings {
    pub input: SmtpSettingsInput,
    pub has_password: bool,
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TemplateInput {
    pub name: String,
    /// `de` or `en`: the language of the greeting.
    pub language: String,
    pub subject: String,
    /// May contain `{anrede}`, `{vorname}`, `{nachname}`, `{titel}`, `{firma}`.
    pub body: String,
}

impl TemplateInput {
    pub fn normalized(&self) -> Self {
        Self {
            name: self.name.trim().to_owned(),
            language: self.language.trim().to_lowercase(),
            subject: self.subject.trim().to_owned(),
            body: self.body.trim_end().to_owned(),
        }
    }

    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.check("name", validation::required(&self.name, 100));
        if !matches!(self.language.as_str(), "de" | "en") {
            errors.add("language", Problem::InvalidChoice);
        }
        errors.check("subject", validation::max_len(&self.subject, SUBJECT_MAX));
        errors.check("body", validation::required(&self.body, BODY_MAX));
        errors
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailTemplate {
    pub id: Uuid,
    pub input: TemplateInput,
}

/// A signature's rules (the server and the browser check the same).
pub fn validate_signature(text: &str) -> FieldErrors {
    let mut errors = FieldErrors::new();
    errors.check(
        "signature",
        validation::max_len(text.trim_end(), SIGNATURE_MAX),
    );
    errors
}

/// The greeting of a letter to `contact` in `language` (`de` unless `en`): formal,
/// with title, as German business letters write it.
pub fn salutation(contact: &ContactInput, language: &str) -> String {
    let title = if contact.title.is_empty() {
        String::new()
    } else {
        format!("{} ", contact.title)
    };
    let last = &contact.last_name;
    let full = super::contacts::full_name("", &contact.first_name, last);
    match (language, contact.salutation) {
        ("en", Salutation::Ms) => format!("Dear Ms {title}{last},"),
        ("en", Salutation::Mr) => format!("Dear Mr {title}{last},"),
        ("en", _) => format!("Dear {full},"),
        (_, Salutation::Ms) => format!("Sehr geehrte Frau {title}{last},"),
        (_, Salutation::Mr) => format!("Sehr geehrter Herr {title}{last},"),
        (_, _) => format!("Guten Tag {full},"),
    }
}

/// A template's subject and body for `contact`, placeholders filled.
pub fn fill_template(
    template: &TemplateInput,
    contact: &ContactInput,
    organisation: Option<&str>,
) -> (String, String) {
    let language = if contact.preferred_language == "en" {
        "en"
    } else {
        template.language.as_str()
    };
    let greeting = salutation(contact, language);
    let fill = |text: &str| {
        text.replace("{anrede}", &greeting)
            .replace("{salutation}", &greeting)
            .replace("{vorname}", &contact.first_name)
            .replace("{first_name}", &contact.first_name)
            .replace("{nachname}", &contact.last_name)
            .replace("{last_name}", &contact.last_name)
            .replace("{titel}", &contact.title)
            .replace("{title}", &contact.title)
            .replace("{firma}", organisation.unwrap_or_default())
            .replace("{organisation}", organisation.unwrap_or_default())
    };
    (fill(&template.subject), fill(&template.body))
}

/// The built-in template when a workspace has none of its own.
pub fn default_template(language: &str) -> TemplateInput {
    if language == "en" {
        TemplateInput {
            name: "Standard".into(),
            language: "en".into(),
            subject: String::new(),
            body: "{salutation}\n\n\n\nKind regards".into(),
        }
    } else {
        TemplateInput {
            name: "Standard".into(),
            language: "de".into(),
            subject: String::new(),
            body: "{anrede}\n\n\n\nMit freundlichen Grüßen".into(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ComposeInput {
    pub contact_id: Uuid,
    /// One of the contact's addresses.
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl ComposeInput {
    pub fn normalized(&self) -> Self {
        Self {
            to: validation::normalize_email(&self.to),
            subject: self.subject.trim().to_owned(),
            body: self.body.trim_end().to_owned(),
            ..self.clone()
        }
    }

    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.check("to", validation::email(&self.to));
        errors.check("subject", validation::required(&self.subject, SUBJECT_MAX));
        errors.check("body", validation::required(&self.body, BODY_MAX));
        errors
    }
}

/// What the compose page starts from: a filled-in template for one contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComposeDraft {
    pub contact_name: String,
    /// The contact's addresses, first the preferred one.
    pub addresses: Vec<String>,
    pub templates: Vec<MailTemplate>,
    pub template_id: Uuid,
    pub input: ComposeInput,
    /// Whether an outgoing server is set up (else sending is refused).
    pub configured: bool,
}

/// Everything the mail settings page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailSettingsPage {
    pub smtp: Option<SmtpSettings>,
    /// The workspace's own templates (none: the built-in ones are used).
    pub templates: Vec<MailTemplate>,
}

choice! { MailStatus { Sent, Failed } default Queued }

/// The delivery of a mail sent from Tessera, shown on its timeline entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub status: MailStatus,
    /// Why it failed or is waiting, as a code (`smtp_unreachable`, `smtp_rejected`, …).
    pub error: Option<String>,
    pub attempts: i32,
    pub sent_at: Option<OffsetDateTime>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mueller(salutation: Salutation) -> ContactInput {
        ContactInput {
            salutation,
            title: "Dr.".into(),
            first_name: "Katrin".into(),
            last_name: "Müller".into(),
            ..Default::default()
        }
    }

    #[test]
    fn german_formal_greetings() {
        assert_eq!(
            salutation(&mueller(Salutation::Ms), "de"),
            "Sehr geehrte Frau Dr. Müller,"
        );
        assert_eq!(
            salutation(&mueller(Salutation::Mr), "de"),
            "Sehr geehrter Herr Dr. Müller,"
        );
        assert_eq!(
            salutation(&mueller(Salutation::Neutral), "de"),
            "Guten Tag Katrin Müller,"
        );
        assert_eq!(
            salutation(&mueller(Salutation::Ms), "en"),
            "Dear Ms Dr. Müller,"
        );
    }

    #[test]
    fn templates_fill_in_the_person_and_follow_their_language() {
        let template = TemplateInput {
            subject: "Ihr Angebot, {titel} {nachname}".into(),
            body: "{anrede}\n\nanbei für {firma}.".into(),
            language: "de".into(),
            name: "Angebot".into(),
        };
        let (subject, body) =
            fill_template(&template, &mueller(Salutation::Ms), Some("Alpen Solar AG"));
        assert_eq!(subject, "Ihr Angebot, Dr. Müller");
        assert!(body.starts_with("Sehr geehrte Frau Dr. Müller,\n\nanbei für Alpen Solar AG."));
        let english = ContactInput {
            preferred_language: "en".into(),
            ..mueller(Salutation::Ms)
        };
        assert!(fill_template(&template, &english, None)
            .1
            .starts_with("Dear Ms Dr. Müller,"));
    }

    #[test]
    fn settings_and_compose_rules() {
        let bad = SmtpSettingsInput {
            host: "mail server".into(),
            port: "99999".into(),
            ..Default::default()
        };
        let errors = bad.validate();
        assert_eq!(errors.get("host"), Some(Problem::InvalidUrl));
        assert_eq!(errors.get("port"), Some(Problem::InvalidNumber));
        assert_eq!(errors.get("from_address"), Some(Problem::InvalidEmail));
        let mail = ComposeInput {
            to: "x".into(),
            ..Default::default()
        };
        let errors = mail.validate();
        assert_eq!(errors.get("to"), Some(Problem::InvalidEmail));
        assert_eq!(errors.get("subject"), Some(Problem::Required));
    }
}
