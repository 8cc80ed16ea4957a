//! Contacts: the people a tenant's employees look after.

use super::paging::{Page, PageRequest};
use super::validation::{self, FieldErrors};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

pub const NAME_MAX: usize = 100;
pub const ORGANISATION_MAX: usize = 200;
pub const NOTES_MAX: usize = 10_000;

/// A contact's personal fields: each is sealed under the contact's key, and its name
/// is what the audit log records when the field is read or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ContactField {
    FirstName,
    LastName,
    Email,
    Phone,
    Organisation,
    Notes,
}

impl ContactField {
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The fields a list row shows.
    pub const SUMMARY: [ContactField; 5] = [
        ContactField::FirstName,
        ContactField::LastName,
        ContactField::Email,
        ContactField::Phone,
        ContactField::Organisation,
    ];
}

audit_events! {
    /// What the audit log records about contacts (`contact.<event>`).
    pub enum ContactAudit {
        Read,
        List,
        Search,
        Create,
        Update,
        Delete,
    }
}

/// What a user enters for a contact. Empty strings mean "not given".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactInput {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub organisation: String,
    pub notes: String,
}

impl ContactInput {
    /// The value of one field ("" when not given).
    pub fn get(&self, field: ContactField) -> &str {
        match field {
            ContactField::FirstName => &self.first_name,
            ContactField::LastName => &self.last_name,
            ContactField::Email => &self.email,
            ContactField::Phone => &self.phone,
            ContactField::Organisation => &self.organisation,
            ContactField::Notes => &self.notes,
        }
    }

    /// Names of the fields whose values differ from `other` (never the values).
    pub fn changed_fields(&self, other: &ContactInput) -> Vec<&'static str> {
        <ContactField as strum::VariantArray>::VARIANTS
            .iter()
            .filter(|f| self.get(**f) != other.get(**f))
            .map(|f| f.name())
            .collect()
    }

    /// Trimmed, with the e-mail lower-cased.
    pub fn normalized(&self) -> Self {
        Self {
            first_name: self.first_name.trim().to_owned(),
            last_name: self.last_name.trim().to_owned(),
            email: validation::normalize_email(&self.email),
            phone: self.phone.trim().to_owned(),
            organisation: self.organisation.trim().to_owned(),
            notes: self.notes.trim().to_owned(),
        }
    }

    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.check(
            "first_name",
            validation::required(&self.first_name, NAME_MAX),
        );
        errors.check("last_name", validation::required(&self.last_name, NAME_MAX));
        errors.check("email", validation::optional_email(&self.email));
        errors.check("phone", validation::optional_phone(&self.phone));
        errors.check(
            "organisation",
            validation::max_len(&self.organisation, ORGANISATION_MAX),
        );
        errors.check("notes", validation::max_len(&self.notes, NOTES_MAX));
        errors
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub organisation: Option<String>,
    pub notes: Option<String>,
    /// Optimistic-locking version: an update names the version it edited.
    pub version: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl Contact {
    pub fn as_input(&self) -> ContactInput {
        ContactInput {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: self.email.clone().unwrap_or_default(),
            phone: self.phone.clone().unwrap_or_default(),
            organisation: self.organisation.clone().unwrap_or_default(),
            notes: self.notes.clone().unwrap_or_default(),
        }
    }
}

/// One row of the contact list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactSummary {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub organisation: Option<String>,
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, strum::VariantArray,
)]
pub enum ContactSort {
    #[default]
    NameAsc,
    NameDesc,
    NewestFirst,
    OldestFirst,
}

impl ContactSort {
    /// Every variant, in declaration order.
    pub fn all() -> impl Iterator<Item = ContactSort> {
        <Self as strum::VariantArray>::VARIANTS.iter().copied()
    }

    pub fn as_param(self) -> &'static str {
        match self {
            ContactSort::NameAsc => "name",
            ContactSort::NameDesc => "-name",
            ContactSort::NewestFirst => "-created",
            ContactSort::OldestFirst => "created",
        }
    }

    pub fn from_param(value: &str) -> Self {
        Self::all()
            .into_iter()
            .find(|s| s.as_param() == value)
            .unwrap_or_default()
    }
}

/// A page request: text filter, sort order and an opaque keyset cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactListQuery {
    pub q: String,
    pub sort: ContactSort,
    /// Rows after this cursor (next page).
    pub after: Option<String>,
    /// Rows before this cursor (previous page).
    pub before: Option<String>,
}

impl ContactListQuery {
    pub fn page_request(&self) -> PageRequest {
        PageRequest {
            after: self.after.clone(),
            before: self.before.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPage {
    pub items: Vec<ContactSummary>,
    /// Cursor for the next page, if there is one.
    pub next: Option<String>,
    /// Cursor for the previous page, if there is one.
    pub prev: Option<String>,
    /// How many contacts match the filter in total.
    pub total: i64,
    /// The order actually applied: name order falls back to newest-first for
    /// tenants with more than [`NAME_SORT_LIMIT`] contacts (names are encrypted).
    pub sort: ContactSort,
    /// Whether `q` was a search (ranked by relevance) rather than no filter.
    pub ranked: bool,
}

impl ContactPage {
    pub fn from_page(
        page: Page<ContactSummary>,
        total: i64,
        sort: ContactSort,
        ranked: bool,
    ) -> Self {
        Self {
            items: page.items,
            next: page.next,
            prev: page.prev,
            total,
            sort,
            ranked,
        }
    }
}

/// Up to this many contacts, the list can be ordered by name (decrypted in memory).
pub const NAME_SORT_LIMIT: i64 = 20_000;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::validation::Problem;

    #[test]
    fn bad_email_and_missing_names_are_reported_per_field() {
        let input = ContactInput {
            email: "not-an-email".into(),
            ..Default::default()
        };
        let errors = input.validate();
        assert_eq!(errors.get("first_name"), Some(Problem::Required));
        assert_eq!(errors.get("last_name"), Some(Problem::Required));
        assert_eq!(errors.get("email"), Some(Problem::InvalidEmail));
        assert_eq!(errors.get("phone"), None);
    }

    #[test]
    fn normalization_trims_and_lowercases_email() {
        let input = ContactInput {
            first_name: "  Jörg ".into(),
            last_name: "Weiß".into(),
            email: " Joerg.Weiss@Example.DE ".into(),
            ..Default::default()
        }
        .normalized();
        assert_eq!(input.first_name, "Jörg");
        assert_eq!(input.email, "joerg.weiss@example.de");
        assert!(input.validate().is_empty());
    }

    #[test]
    fn changed_fields_name_only_what_differs() {
        let before = ContactInput {
            first_name: "Jörg".into(),
            notes: "alt".into(),
            ..Default::default()
        };
        let after = ContactInput {
            notes: "neu".into(),
            ..before.clone()
        };
        assert_eq!(after.changed_fields(&before), vec!["notes"]);
        assert_eq!(
            before.changed_fields(&ContactInput::default()),
            vec!["first_name", "notes"]
        );
    }

    #[test]
    fn sort_params_round_trip() {
        for sort in ContactSort::all() {
            assert_eq!(ContactSort::from_param(sort.as_param()), sort);
        }
        assert_eq!(ContactSort::from_param("bogus"), ContactSort::NameAsc);
    }
}
