//! The audit trail as the UI and the API see it.

use super::calendar::AppointmentAudit;
use super::contacts::ContactAudit;
use super::identity::{AuthAudit, KeysAudit, Role, TeamAudit};
use super::mail::MailAudit;
use super::organisations::OrganisationAudit;
use super::permission::{Action, Area};
use super::tasks::TaskAudit;
use super::timeline::InteractionAudit;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Everything the audit log records, typed per area: each area's model defines its own
/// enum of events, and the stored code is `<area>.<event>` (e.g. `contact.read`).
/// On the wire an action is its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum AuditAction {
    Contact(ContactAudit),
    Organisation(OrganisationAudit),
    Interaction(InteractionAudit),
    Task(TaskAudit),
    Appointment(AppointmentAudit),
    Mail(MailAudit),
    Team(TeamAudit),
    Auth(AuthAudit),
    Keys(KeysAudit),
    Audit(ReviewAudit),
}

/// The kinds of people whose data Tessera stores. Each audit action says which kind
/// its subjects are, so a reviewer's view labels them through that kind alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DataSubject {
    /// A customer's contact person.
    Contact,
    /// An employee of the tenant (a user).
    Employee,
    /// A customer's company (personal data where it is a sole trader's).
    Organisation,
}

audit_events! {
    /// Events of the audit log itself: reviews, exports and re-identification.
    pub enum ReviewAudit {
        Viewed,
        Exported,
        Verified,
        SettingsChanged,
        ReidentificationRequested,
        ReidentificationApproved,
        ReidentificationRevealed,
        WiderViewRequested,
        WiderViewApproved,
    }
}

/// The area prefix of a code and the events of that area.
fn split(action: AuditAction) -> (&'static str, &'static str) {
    match action {
        AuditAction::Contact(a) => ("contact", a.into()),
        AuditAction::Organisation(a) => ("organisation", a.into()),
        AuditAction::Interaction(a) => ("interaction", a.into()),
        AuditAction::Task(a) => ("task", a.into()),
        AuditAction::Appointment(a) => ("appointment", a.into()),
        AuditAction::Mail(a) => ("mail", a.into()),
        AuditAction::Team(a) => ("team", a.into()),
        AuditAction::Auth(a) => ("auth", a.into()),
        AuditAction::Keys(a) => ("keys", a.into()),
        AuditAction::Audit(a) => ("audit", a.into()),
    }
}

fn variants<T: strum::VariantArray + Copy>(
    wrap: fn(T) -> AuditAction,
) -> impl Iterator<Item = AuditAction> {
    T::VARIANTS.iter().copied().map(wrap)
}

impl AuditAction {
    /// Every action of every area (for filters and tests).
    pub fn all() -> impl Iterator<Item = AuditAction> {
        variants(AuditAction::Contact)
            .chain(variants(AuditAction::Organisation))
            .chain(variants(AuditAction::Interaction))
            .chain(variants(AuditAction::Task))
            .chain(variants(AuditAction::Appointment))
            .chain(variants(AuditAction::Mail))
            .chain(variants(AuditAction::Team))
            .chain(variants(AuditAction::Auth))
            .chain(variants(AuditAction::Keys))
            .chain(variants(AuditAction::Audit))
    }

    /// The code stored in the database and hashed into the chain.
    pub fn code(self) -> String {
        let (area, event) = split(self);
        format!("{area}.{event}")
    }

    pub fn parse(code: &str) -> Option<AuditAction> {
        let (area, event) = code.split_once('.')?;
        Some(match area {
            "contact" => AuditAction::Contact(event.parse().ok()?),
            "organisation" => AuditAction::Organisation(event.parse().ok()?),
            "interaction" => AuditAction::Interaction(event.parse().ok()?),
            "task" => AuditAction::Task(event.parse().ok()?),
            "appointment" => AuditAction::Appointment(event.parse().ok()?),
            "mail" => AuditAction::Mail(event.parse().ok()?),
            "team" => AuditAction::Team(event.parse().ok()?),
            "auth" => AuditAction::Auth(event.parse().ok()?),
            "keys" => AuditAction::Keys(event.parse().ok()?),
            "audit" => AuditAction::Audit(event.parse().ok()?),
            _ => return None,
        })
    }

    /// The kind of the entry's subjects; `None` where they can be of any kind (a
    /// review filtered by a person) or where an entry names no people.
    pub fn subject_kind(self) -> Option<DataSubject> {
        match self {
            AuditAction::Contact(_) => Some(DataSubject::Contact),
            AuditAction::Organisation(_) => Some(DataSubject::Organisation),
            // Timeline entries name the contacts and organisations they were shown for.
            AuditAction::Interaction(_)
            | AuditAction::Task(_)
            | AuditAction::Appointment(_)
            | AuditAction::Mail(_) => None,
            AuditAction::Team(
                TeamAudit::Read
                | TeamAudit::RoleChanged
                | TeamAudit::TeamMembersChanged
                | TeamAudit::TeamDeleted,
            ) => Some(DataSubject::Employee),
            // Invitations are their own short-lived subjects, shredded once accepted.
            AuditAction::Team(
                TeamAudit::InvitationCreated
                | TeamAudit::InvitationAccepted
                | TeamAudit::InvitationsRead
                | TeamAudit::InvitationPreviewed
                | TeamAudit::FieldMasksChanged
                | TeamAudit::TeamCreated
                | TeamAudit::TeamRenamed
                | TeamAudit::RecordVisibilityChanged,
            ) => None,
            // An administrator's reset names the colleague whose factor it removed.
            AuditAction::Auth(AuthAudit::SecondFactorReset | AuthAudit::ApiTokenIssued) => {
                Some(DataSubject::Employee)
            }
            AuditAction::Auth(_) | AuditAction::Keys(_) => None,
            AuditAction::Audit(
                ReviewAudit::Viewed
                | ReviewAudit::Exported
                | ReviewAudit::Verified
                | ReviewAudit::SettingsChanged
                | ReviewAudit::WiderViewRequested
                | ReviewAudit::WiderViewApproved,
            ) => None,
            // The employee behind the pseudonym, then the request's id.
            AuditAction::Audit(
                ReviewAudit::ReidentificationRequested
                | ReviewAudit::ReidentificationApproved
                | ReviewAudit::ReidentificationRevealed,
            ) => Some(DataSubject::Employee),
        }
    }

    /// Events about administration and security, which owners and administrators
    /// see even when the tenant keeps the rest of the log from them.
    pub fn is_administrative(self) -> bool {
        matches!(
            self,
            AuditAction::Auth(_)
                | AuditAction::Keys(_)
                | AuditAction::Team(
                    TeamAudit::RoleChanged
                        | TeamAudit::InvitationCreated
                        | TeamAudit::InvitationAccepted
                        | TeamAudit::InvitationsRead
                        | TeamAudit::InvitationPreviewed
                        | TeamAudit::FieldMasksChanged
                        | TeamAudit::TeamCreated
                        | TeamAudit::TeamRenamed
                        | TeamAudit::TeamDeleted
                        | TeamAudit::TeamMembersChanged
                        | TeamAudit::RecordVisibilityChanged
                )
                | AuditAction::Audit(
                    ReviewAudit::SettingsChanged
                        | ReviewAudit::WiderViewRequested
                        | ReviewAudit::WiderViewApproved
                )
                | AuditAction::Mail(
                    MailAudit::SettingsChanged
                        | MailAudit::TemplatesChanged
                        | MailAudit::PolicyChanged
                        | MailAudit::PolicyAgreed
                        | MailAudit::MailboxConnected
                        | MailAudit::MailboxRemoved
                )
        )
    }
}

impl From<AuditAction> for String {
    fn from(action: AuditAction) -> String {
        action.code()
    }
}

impl TryFrom<String> for AuditAction {
    type Error = String;

    fn try_from(code: String) -> Result<Self, String> {
        AuditAction::parse(&code).ok_or_else(|| format!("unknown audit action {code}"))
    }
}

/// Why a sensitive action (export, review) was taken. Codes, so no free text
/// (and no personal data) lands in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::VariantArray)]
pub enum AuditPurpose {
    DataSubjectRequest,
    DataProtectionReview,
    WorksCouncilReview,
    LegalObligation,
    /// A letter or mailing to customers.
    CustomerMailing,
    /// Moving data into another system of the company (ERP, accounting).
    SystemTransfer,
    /// Internal evaluation and reporting.
    Reporting,
}

impl AuditPurpose {
    /// Every variant, in declaration order.
    pub fn all() -> impl Iterator<Item = AuditPurpose> {
        <Self as strum::VariantArray>::VARIANTS.iter().copied()
    }

    pub fn code(self) -> &'static str {
        match self {
            AuditPurpose::DataSubjectRequest => "data_subject_request",
            AuditPurpose::DataProtectionReview => "data_protection_review",
            AuditPurpose::WorksCouncilReview => "works_council_review",
            AuditPurpose::LegalObligation => "legal_obligation",
            AuditPurpose::CustomerMailing => "customer_mailing",
            AuditPurpose::SystemTransfer => "system_transfer",
            AuditPurpose::Reporting => "reporting",
        }
    }

    /// Purposes of exporting the audit log itself.
    pub fn for_review() -> impl Iterator<Item = AuditPurpose> {
        [
            AuditPurpose::DataSubjectRequest,
            AuditPurpose::DataProtectionReview,
            AuditPurpose::WorksCouncilReview,
            AuditPurpose::LegalObligation,
        ]
        .into_iter()
    }

    /// Purposes of exporting customer records.
    pub fn for_records() -> impl Iterator<Item = AuditPurpose> {
        [
            AuditPurpose::CustomerMailing,
            AuditPurpose::SystemTransfer,
            AuditPurpose::Reporting,
            AuditPurpose::DataSubjectRequest,
            AuditPurpose::LegalObligation,
        ]
        .into_iter()
    }

    pub fn parse(code: &str) -> Option<AuditPurpose> {
        Self::all().find(|p| p.code() == code)
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
    /// What kind of person this is, where known.
    pub kind: Option<DataSubject>,
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
    /// Whether the reader may ask for or approve a re-identification (DPO, works council).
    pub may_reidentify: bool,
    /// For the DPO and the works council: who entered or left their roles lately.
    pub reviewer_role_changes: Vec<ReviewerRoleChange>,
}

/// The tenant's log settings as the owner, the DPO and the works council see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditSettingsView {
    pub retention_days: i32,
    /// Owners and administrators see the works council's pseudonymised log.
    pub admins_see_all: bool,
    /// The owner's open request for that wider view, if any.
    pub widening: Option<WideningRequest>,
    /// Whether the reader may approve the open request (a DPO or works council
    /// member of seven days whose role has not approved yet).
    pub may_approve: bool,
    /// There is a wider view or a request for it to switch off.
    pub may_narrow: bool,
}

impl AuditSettingsView {
    /// Who reads the settings, given what they `may` do: whoever configures the log
    /// (the owner) or takes part in re-identification (the DPO and the works
    /// council, who approve widening). The service asks its scope, the page the role.
    pub fn readable_with(may: impl Fn(Area, Action) -> bool) -> bool {
        may(Area::Audit, Action::Configure) || may(Area::Audit, Action::Reidentify)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WideningRequest {
    pub requested_at: time::OffsetDateTime,
    pub dpo_approved: bool,
    pub works_council_approved: bool,
}

/// A change into or out of the data protection officer's or works council's role, as
/// the database recorded it (by name for the DPO, by pseudonym for the works council).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewerRoleChange {
    pub employee: String,
    /// `None`: the account was new (or, for `new_role`, removed).
    pub old_role: Option<Role>,
    pub new_role: Option<Role>,
    pub at: time::OffsetDateTime,
    /// When the new role starts to count for re-identification.
    pub in_force_from: Option<time::OffsetDateTime>,
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
    pub requested_at: time::OffsetDateTime,
    /// Until when it waits for approval, or until when the approval lasts.
    pub open_until: time::OffsetDateTime,
    /// Present only for the requester once approved and until it expires.
    pub revealed_name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        let codes: Vec<String> = AuditAction::all().map(AuditAction::code).collect();
        assert!(codes.len() >= 21);
        let unique: std::collections::HashSet<&String> = codes.iter().collect();
        assert_eq!(unique.len(), codes.len(), "codes are unique");
        for action in AuditAction::all() {
            assert_eq!(AuditAction::parse(&action.code()), Some(action));
        }
        // Stored codes are part of the hash chain: they never change.
        for code in [
            "contact.read",
            "team.read",
            "auth.sign_in_failed",
            "keys.rotated",
            "audit.settings_changed",
        ] {
            assert!(codes.iter().any(|c| c == code), "{code}");
        }
        assert_eq!(AuditAction::parse("contact.bogus"), None);
        for purpose in AuditPurpose::all() {
            assert_eq!(AuditPurpose::parse(purpose.code()), Some(purpose));
        }
        assert!(AuditAction::Auth(AuthAudit::SignIn).is_administrative());
        assert!(!AuditAction::Contact(ContactAudit::Read).is_administrative());
        assert!(!AuditAction::Team(TeamAudit::Read).is_administrative());
        assert_eq!(
            AuditAction::Contact(ContactAudit::List).subject_kind(),
            Some(DataSubject::Contact)
        );
        assert_eq!(
            AuditAction::Team(TeamAudit::RoleChanged).subject_kind(),
            Some(DataSubject::Employee)
        );
        assert_eq!(AuditAction::Audit(ReviewAudit::Viewed).subject_kind(), None);
    }
}
