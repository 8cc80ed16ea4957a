//! Duplicates: groups of contacts that are likely one person, and merging two of
//! them field by field, reversibly.

use super::contacts::{Contact, ContactField, ContactSummary};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// Why records look like one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateReason {
    SameEmail,
    SamePhone,
    /// The same name after folding (Jörg Müller = Joerg Mueller) at one organisation.
    SameNameSameOrganisation,
    /// The same customer number from another system.
    SameExternalId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateGroup {
    /// Every reason these records look alike.
    pub reasons: Vec<DuplicateReason>,
    pub contacts: Vec<ContactSummary>,
}

/// Fields a merge may take from the duplicate; lists (e-mails, phones, tags) are
/// always joined.
pub const CHOOSABLE: [ContactField; 13] = [
    ContactField::Salutation,
    ContactField::Title,
    ContactField::FirstName,
    ContactField::LastName,
    ContactField::Address,
    ContactField::Birthday,
    ContactField::PreferredLanguage,
    ContactField::Organisation,
    ContactField::Position,
    ContactField::Owner,
    ContactField::Classification,
    ContactField::Stage,
    ContactField::Notes,
];

/// What a merge would do, for the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergePreview {
    pub survivor: Contact,
    pub duplicate: Contact,
    /// The choosable fields whose values differ.
    pub differing: Vec<ContactField>,
    pub interactions: usize,
    pub tasks: usize,
    pub appointments: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MergeRequest {
    pub survivor: Uuid,
    pub duplicate: Uuid,
    /// The survivor's version the preview showed.
    pub version: i32,
    /// Fields whose value comes from the duplicate (field names).
    pub take: Vec<String>,
}

impl MergeRequest {
    pub fn fields(&self) -> Vec<ContactField> {
        CHOOSABLE
            .iter()
            .copied()
            .filter(|f| self.take.iter().any(|t| t == f.name()))
            .collect()
    }
}

/// A merge as the survivor's page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeRecord {
    pub id: Uuid,
    pub survivor: Uuid,
    pub duplicate: Uuid,
    /// The duplicate's name as it was.
    pub duplicate_name: String,
    pub fields: Vec<String>,
    pub moved: usize,
    pub merged_by: Uuid,
    pub merged_at: OffsetDateTime,
    pub undone_at: Option<OffsetDateTime>,
    /// Undo is possible until the survivor is changed again.
    pub can_undo: bool,
}
