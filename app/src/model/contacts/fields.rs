//! The names of a contact's fields, for the audit log and field masks.

use serde::{Deserialize, Serialize};

/// A contact's fields as the audit log names them (read or changed), never values.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ContactField {
    Salutation,
    Title,
    FirstName,
    LastName,
    Emails,
    Phones,
    Address,
    Birthday,
    PreferredLanguage,
    Organisation,
    Position,
    Owner,
    Tags,
    Classification,
    Stage,
    Channels,
    Notes,
    ExternalId,
}

impl ContactField {
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The fields a list row shows.
    pub const SUMMARY: [ContactField; 8] = [
        ContactField::FirstName,
        ContactField::LastName,
        ContactField::Emails,
        ContactField::Phones,
        ContactField::Organisation,
        ContactField::Owner,
        ContactField::Stage,
        ContactField::Tags,
    ];

    pub fn all() -> impl Iterator<Item = ContactField> {
        <Self as strum::VariantArray>::VARIANTS.iter().copied()
    }
}
