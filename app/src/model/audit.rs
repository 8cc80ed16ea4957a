//! The audit trail as the UI and the API see it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuditAction {
    ContactRead,
    ContactList,
    ContactSearch,
    ContactCreate,
    ContactUpdate,
    ContactDelete,
    TeamRead,
    SignIn,
    SignInFailed,
    SignOut,
    RoleChanged,
    InvitationCreated,
    InvitationAccepted,
    KeyRotated,
    AuditViewed,
    AuditExported,
    AuditVerified,
    SettingsChanged,
    ReidentificationRequested,
    ReidentificationApproved,
    ReidentificationRevealed,
}

impl AuditAction {
    pub const ALL: [AuditAction; 21] = [
        AuditAction::ContactRead,
        AuditAction::ContactList,
        AuditAction::ContactSearch,
        AuditAction::ContactCreate,
        AuditAction::ContactUpdate,
        AuditAction::ContactDelete,
        AuditAction::TeamRead,
        AuditAction::SignIn,
        AuditAction::SignInFailed,
        AuditAction::SignOut,
        AuditAction::RoleChanged,
        AuditAction::InvitationCreated,
        AuditAction::InvitationAccepted,
        AuditAction::KeyRotated,
        AuditAction::AuditViewed,
        AuditAction::AuditExported,
        AuditAction::AuditVerified,
        AuditAction::SettingsChanged,
        AuditAction::ReidentificationRequested,
        AuditAction::ReidentificationApproved,
        AuditAction::ReidentificationRevealed,
    ];

    /// The code stored in the database and hashed into the chain.
    pub fn code(self) -> &'static str {
        match self {
            AuditAction::ContactRead => "contact.read",
            AuditAction::ContactList => "contact.list",
            AuditAction::ContactSearch => "contact.search",
            AuditAction::ContactCreate => "contact.create",
            AuditAction::ContactUpdate => "contact.update",
            AuditAction::ContactDelete => "contact.delete",
            AuditAction::TeamRead => "team.read",
            AuditAction::SignIn => "auth.sign_in",
            AuditAction::SignInFailed => "auth.sign_in_failed",
            AuditAction::SignOut => "auth.sign_out",
            AuditAction::RoleChanged => "team.role_changed",
            AuditAction::InvitationCreated => "team.invitation_created",
            AuditAction::InvitationAccepted => "team.invitation_accepted",
            AuditAction::KeyRotated => "keys.rotated",
            AuditAction::AuditViewed => "audit.viewed",
            AuditAction::AuditExported => "audit.exported",
            AuditAction::AuditVerified => "audit.verified",
            AuditAction::SettingsChanged => "audit.settings_changed",
            AuditAction::ReidentificationRequested => "audit.reidentification_requested",
            AuditAction::ReidentificationApproved => "audit.reidentification_approved",
            AuditAction::ReidentificationRevealed => "audit.reidentification_revealed",
        }
    }

    pub fn parse(code: &str) -> Option<AuditAction> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    /// Events about administration and security, which owners and administrators
    /// see even when the tenant keeps the rest of the log from them.
    pub fn is_administrative(self) -> bool {
        matches!(
            self,
            AuditAction::SignIn
                | AuditAction::SignInFailed
                | AuditAction::SignOut
                | AuditAction::RoleChanged
                | AuditAction::InvitationCreated
                | AuditAction::InvitationAccepted
                | AuditAction::KeyRotated
                | AuditAction::SettingsChanged
        )
    }
}

/// Why a sensitive action (export, review) was taken. Codes, so no free text
/// (and no personal data) lands in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditPurpose {
    DataSubjectRequest,
    DataProtectionReview,
    WorksCouncilReview,
    LegalObligation,
}

impl AuditPurpose {
    pub const ALL: [AuditPurpose; 4] = [
        AuditPurpose::DataSubjectRequest,
        AuditPurpose::DataProtectionReview,
        AuditPurpose::WorksCouncilReview,
        AuditPurpose::LegalObligation,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AuditPurpose::DataSubjectRequest => "data_subject_request",
            AuditPurpose::DataProtectionReview => "data_protection_review",
            AuditPurpose::WorksCouncilReview => "works_council_review",
            AuditPurpose::LegalObligation => "legal_obligation",
        }
    }

    pub fn parse(code: &str) -> Option<AuditPurpose> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// Which slice of the log a reviewer gets, decided by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditScope {
    /// Data protection officer: everything, employees by name.
    Full,
    /// Works council: everything, employees as stable pseudonyms.
    Pseudonymised,
    /// Owners and administrators: administrative security events.
    Administrative,
    /// Anyone: their own actions.
    Own,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditSubject {
    pub id: Uuid,
    /// The contact's or employee's name, where the reviewer may see it.
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntryView {
    pub seq: i64,
    pub at: time::OffsetDateTime,
    /// The employee's name, pseudonym or nothing (unknown actor).
    pub actor: Option<String>,
    pub action: AuditAction,
    pub subjects: Vec<AuditSubject>,
    pub subject_count: usize,
    pub fields: Vec<String>,
    pub purpose: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Only entries about this data subject.
    pub subject: Option<Uuid>,
    /// An employee id (full scope) or a pseudonym (pseudonymised scope).
    pub actor: Option<String>,
    pub action: Option<String>,
    /// Inclusive dates, `YYYY-MM-DD`.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Entries older than this sequence number (next page).
    pub before: Option<i64>,
    /// Ask for the own-actions view even when the role sees more.
    pub own: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditActorOption {
    pub value: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub scope: AuditScope,
    pub entries: Vec<AuditEntryView>,
    pub next_before: Option<i64>,
    /// Employees (or pseudonyms) to filter by.
    pub actors: Vec<AuditActorOption>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReport {
    pub entries: i64,
    /// The first entry whose hash does not match, if any.
    pub first_broken: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReidentificationView {
    pub id: Uuid,
    pub pseudonym: String,
    pub requested_by_me: bool,
    pub requested_role: String,
    pub reason: String,
    pub approved: bool,
    pub can_approve: bool,
    /// Present only for the requester once approved and until it expires.
    pub revealed_name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.code()), Some(action));
        }
        for purpose in AuditPurpose::ALL {
            assert_eq!(AuditPurpose::parse(purpose.code()), Some(purpose));
        }
        assert!(AuditAction::SignIn.is_administrative());
        assert!(!AuditAction::ContactRead.is_administrative());
    }
}
