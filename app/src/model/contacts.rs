//! Contacts: the people a tenant's employees look after.

use super::paging::{Page, PageRequest};
use super::records::{self, Classification, PostalAddress};
use super::validation::{self, FieldErrors, Problem};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

mod fields;
mod listing;
pub use fields::ContactField;
pub use listing::*;

pub const NAME_MAX: usize = 100;
pub const TITLE_MAX: usize = 40;
pub const POSITION_MAX: usize = 120;
pub const NOTES_MAX: usize = 10_000;
/// E-mails and phones a contact can have.
pub const CHANNEL_SLOTS: usize = 3;

audit_events! {
    /// What the audit log records about contacts (`contact.<event>`).
    pub enum ContactAudit {
        Read,
        List,
        Search,
        Create,
        Update,
        Delete,
        BulkUpdate,
        BulkDelete,
        Merge,
        MergeUndone,
        Export,
        Import,
        ImportUndone,
        SentToWebhook,
    }
}

macro_rules! choice {
    ($(#[$meta:meta])* $name:ident { $($variant:ident),+ $(,)? } default $default:ident) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize,
            strum::VariantArray, strum::IntoStaticStr, strum::EnumString, strum::Display,
        )]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        pub enum $name {
            #[default]
            $default,
            $($variant),+
        }

        impl $name {
            pub fn all() -> impl Iterator<Item = $name> {
                <Self as strum::VariantArray>::VARIANTS.iter().copied()
            }

            /// The stored and URL form.
            pub fn code(self) -> &'static str {
                self.into()
            }

            pub fn parse(code: &str) -> Option<$name> {
                code.parse().ok()
            }
        }
    };
}
pub(crate) use choice;

choice! {
    /// How a letter addresses the person.
    Salutation { Ms, Mr, Neutral } default Unspecified
}
choice! { EmailKind { Private, Other } default Work }
choice! { PhoneKind { Mobile, Private } default Work }
choice! {
    /// Where the customer relationship stands.
    LifecycleStage { Prospect, Customer, AtRisk, Churned, WonBack } default Lead
}

/// Channels a person agreed to be contacted on.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::VariantArray,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ContactChannel {
    Email,
    Phone,
    Post,
    Messenger,
}

impl ContactChannel {
    pub fn all() -> impl Iterator<Item = ContactChannel> {
        <Self as strum::VariantArray>::VARIANTS.iter().copied()
    }

    pub fn code(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct EmailEntry {
    pub kind: EmailKind,
    pub address: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PhoneEntry {
    pub kind: PhoneKind,
    pub number: String,
}

/// Languages a contact may prefer (letters and templates exist for these).
pub const LANGUAGES: &[&str] = &["de", "en", "fr", "it", "es", "nl", "pl", "tr"];

/// What a user enters for a contact. Empty strings mean "not given".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactInput {
    pub salutation: Salutation,
    pub title: String,
    pub first_name: String,
    pub last_name: String,
    pub emails: Vec<EmailEntry>,
    pub phones: Vec<PhoneEntry>,
    pub address: PostalAddress,
    /// `YYYY-MM-DD` (or German `TT.MM.JJJJ` as typed; normalised).
    pub birthday: String,
    pub preferred_language: String,
    #[serde(with = "records::optional")]
    pub organisation_id: Option<Uuid>,
    pub position: String,
    #[serde(with = "records::optional")]
    pub owner_id: Option<Uuid>,
    /// Comma-separated, as typed.
    pub tags: String,
    #[serde(with = "records::optional")]
    pub classification: Option<Classification>,
    pub stage: LifecycleStage,
    #[serde(with = "records::checkbox")]
    pub consent_email: bool,
    #[serde(with = "records::checkbox")]
    pub consent_phone: bool,
    #[serde(with = "records::checkbox")]
    pub consent_post: bool,
    #[serde(with = "records::checkbox")]
    pub consent_messenger: bool,
    pub notes: String,
    /// The customer number in another system (ERP, shop), for imports to match on.
    pub external_id: String,
}

impl ContactInput {
    pub fn channels(&self) -> Vec<ContactChannel> {
        let ticked = [
            (self.consent_email, ContactChannel::Email),
            (self.consent_phone, ContactChannel::Phone),
            (self.consent_post, ContactChannel::Post),
            (self.consent_messenger, ContactChannel::Messenger),
        ];
        ticked
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, c)| *c)
            .collect()
    }

    pub fn set_channels(&mut self, channels: &[ContactChannel]) {
        self.consent_email = channels.contains(&ContactChannel::Email);
        self.consent_phone = channels.contains(&ContactChannel::Phone);
        self.consent_post = channels.contains(&ContactChannel::Post);
        self.consent_messenger = channels.contains(&ContactChannel::Messenger);
    }

    pub fn tag_list(&self) -> Vec<String> {
        records::parse_tags(&self.tags)
    }

    /// A comparable form of one field (for audit: which fields changed).
    fn field_value(&self, field: ContactField) -> String {
        use ContactField::*;
        match field {
            Salutation => self.salutation.code().into(),
            Title => self.title.clone(),
            FirstName => self.first_name.clone(),
            LastName => self.last_name.clone(),
            Emails => format!("{:?}", self.emails),
            Phones => format!("{:?}", self.phones),
            Address => format!("{:?}", self.address),
            Birthday => self.birthday.clone(),
            PreferredLanguage => self.preferred_language.clone(),
            Organisation => format!("{:?}", self.organisation_id),
            Position => self.position.clone(),
            Owner => format!("{:?}", self.owner_id),
            Tags => self.tag_list().join("\u{1f}"),
            Classification => format!("{:?}", self.classification),
            Stage => self.stage.code().into(),
            Channels => format!("{:?}", self.channels()),
            Notes => self.notes.clone(),
            ExternalId => self.external_id.clone(),
        }
    }

    /// Names of the fields whose values differ from `other` (never the values).
    pub fn changed_fields(&self, other: &ContactInput) -> Vec<&'static str> {
        ContactField::all()
            .filter(|f| self.field_value(*f) != other.field_value(*f))
            .map(ContactField::name)
            .collect()
    }

    /// Trimmed; e-mails lower-cased; empty e-mail and phone slots dropped; the
    /// birthday in ISO form; tags in their canonical spelling.
    pub fn normalized(&self) -> Self {
        let emails = self
            .emails
            .iter()
            .map(|e| EmailEntry {
                kind: e.kind,
                address: validation::normalize_email(&e.address),
            })
            .filter(|e| !e.address.is_empty())
            .collect();
        let phones = self
            .phones
            .iter()
            .map(|p| PhoneEntry {
                kind: p.kind,
                number: p.number.trim().to_owned(),
            })
            .filter(|p| !p.number.is_empty())
            .collect();
        Self {
            salutation: self.salutation,
            title: self.title.trim().to_owned(),
            first_name: self.first_name.trim().to_owned(),
            last_name: self.last_name.trim().to_owned(),
            emails,
            phones,
            address: self.address.normalized(),
            birthday: validation::normalize_date(&self.birthday),
            preferred_language: self.preferred_language.trim().to_lowercase(),
            organisation_id: self.organisation_id,
            position: self.position.trim().to_owned(),
            owner_id: self.owner_id,
            tags: records::tags_text(&self.tag_list()),
            classification: self.classification,
            stage: self.stage,
            notes: self.notes.trim().to_owned(),
            external_id: self.external_id.trim().to_owned(),
            ..self.clone()
        }
    }

    /// The rules, for the browser and the server alike.
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.check("title", validation::max_len(&self.title, TITLE_MAX));
        errors.check(
            "first_name",
            validation::required(&self.first_name, NAME_MAX),
        );
        errors.check("last_name", validation::required(&self.last_name, NAME_MAX));
        if self.emails.len() > CHANNEL_SLOTS {
            errors.add("emails", Problem::TooMany { max: CHANNEL_SLOTS });
        }
        for (i, email) in self.emails.iter().enumerate() {
            errors.check(
                &format!("emails.{i}.address"),
                validation::email(&email.address),
            );
        }
        if self.phones.len() > CHANNEL_SLOTS {
            errors.add("phones", Problem::TooMany { max: CHANNEL_SLOTS });
        }
        for (i, phone) in self.phones.iter().enumerate() {
            errors.check(
                &format!("phones.{i}.number"),
                validation::optional_phone(&phone.number),
            );
        }
        self.address.validate_into("address", &mut errors);
        errors.check("birthday", validation::optional_date(&self.birthday));
        if let Some(date) = validation::parse_date(&self.birthday) {
            if date.year() < 1900 {
                errors.add("birthday", Problem::InvalidDate);
            } else if date > OffsetDateTime::now_utc().date() {
                errors.add("birthday", Problem::DateInFuture);
            }
        }
        let language = &self.preferred_language;
        if !language.is_empty() && !LANGUAGES.contains(&language.as_str()) {
            errors.add("preferred_language", Problem::InvalidChoice);
        }
        errors.check(
            "position",
            validation::max_len(&self.position, POSITION_MAX),
        );
        records::validate_tags(&self.tags, &mut errors);
        errors.check("notes", validation::max_len(&self.notes, NOTES_MAX));
        errors.check("external_id", validation::max_len(&self.external_id, 64));
        errors
    }

    /// The first e-mail, if any (what lists and letters use).
    pub fn primary_email(&self) -> Option<&str> {
        self.emails.first().map(|e| e.address.as_str())
    }
}

/// A linked record as a page shows it: its id and display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordRef {
    pub id: Uuid,
    pub name: String,
}

/// When a contact entered a stage and who moved it there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageEntry {
    pub stage: LifecycleStage,
    pub entered_at: OffsetDateTime,
    pub changed_by: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: Uuid,
    /// Everything editable, as the form shows it.
    pub input: ContactInput,
    /// The linked organisation's name, if there is one.
    pub organisation: Option<RecordRef>,
    pub stage_history: Vec<StageEntry>,
    /// Optimistic-locking version: an update names the version it edited.
    pub version: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl Contact {
    pub fn full_name(&self) -> String {
        full_name(
            &self.input.title,
            &self.input.first_name,
            &self.input.last_name,
        )
    }

    pub fn completeness(&self) -> Completeness {
        Completeness::of(&self.input)
    }
}

/// `Dr. Jörg Müller`.
pub fn full_name(title: &str, first: &str, last: &str) -> String {
    [title, first, last]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// How complete a contact is, and what is missing (most valuable first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completeness {
    /// 0–100.
    pub percent: u8,
    pub missing: Vec<ContactField>,
}

impl Completeness {
    /// Weighted fields: what a salesperson needs to reach and address someone.
    const WEIGHTS: [(ContactField, u32); 9] = [
        (ContactField::Emails, 20),
        (ContactField::Phones, 15),
        (ContactField::Organisation, 15),
        (ContactField::Salutation, 10),
        (ContactField::Position, 10),
        (ContactField::Address, 10),
        (ContactField::Owner, 10),
        (ContactField::Channels, 5),
        (ContactField::Birthday, 5),
    ];

    pub fn of(input: &ContactInput) -> Self {
        let present = |field: ContactField| match field {
            ContactField::Emails => !input.emails.is_empty(),
            ContactField::Phones => !input.phones.is_empty(),
            ContactField::Organisation => input.organisation_id.is_some(),
            ContactField::Salutation => input.salutation != Salutation::Unspecified,
            ContactField::Position => !input.position.is_empty(),
            ContactField::Address => !input.address.is_empty(),
            ContactField::Owner => input.owner_id.is_some(),
            ContactField::Channels => !input.channels().is_empty(),
            ContactField::Birthday => !input.birthday.is_empty(),
            _ => true,
        };
        let total: u32 = Self::WEIGHTS.iter().map(|(_, w)| w).sum();
        let have: u32 = Self::WEIGHTS
            .iter()
            .filter(|(f, _)| present(*f))
            .map(|(_, w)| w)
            .sum();
        Completeness {
            percent: (have * 100 / total) as u8,
            missing: Self::WEIGHTS
                .iter()
                .filter(|(f, _)| !present(*f))
                .map(|(f, _)| *f)
                .collect(),
        }
    }
}

/// A change made from the detail page without opening the whole form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContactPatch {
    Stage(LifecycleStage),
    Owner(Option<Uuid>),
    Classification(Option<Classification>),
    Tags(String),
    Notes(String),
}

impl ContactPatch {
    pub fn apply(&self, input: &mut ContactInput) {
        match self {
            ContactPatch::Stage(stage) => input.stage = *stage,
            ContactPatch::Owner(owner) => input.owner_id = *owner,
            ContactPatch::Classification(class) => input.classification = *class,
            ContactPatch::Tags(tags) => input.tags = tags.clone(),
            ContactPatch::Notes(notes) => input.notes = notes.clone(),
        }
    }
}

#[cfg(test)]
mod tests;
