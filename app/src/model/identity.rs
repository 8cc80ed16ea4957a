//! Tenants, users, roles and invitations.

use super::validation::{self, FieldErrors, Problem};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::VariantArray)]
pub enum Role {
    Owner,
    Admin,
    /// Sales: customers, deals and their follow-up; may bulk-edit and export.
    Sales,
    /// Customer service: keeps records and the timeline, may not delete customers.
    Service,
    /// Marketing: lists, tags and exports for campaigns; bulk actions.
    Marketing,
    /// Read-mostly: reads the records, keeps their own tasks, notes and appointments.
    Member,
    DataProtectionOfficer,
    WorksCouncil,
}

impl Role {
    /// Every variant, in declaration order.
    pub fn all() -> impl Iterator<Item = Role> {
        <Self as strum::VariantArray>::VARIANTS.iter().copied()
    }

    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Sales => "sales",
            Role::Service => "service",
            Role::Marketing => "marketing",
            Role::Member => "member",
            Role::DataProtectionOfficer => "dpo",
            Role::WorksCouncil => "works_council",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Self::all().find(|r| r.as_str() == value)
    }

    /// Whether this role may hand out `role` (only owners make owners).
    pub fn can_grant(self, role: Role) -> bool {
        match self {
            Role::Owner => true,
            Role::Admin => role != Role::Owner,
            _ => false,
        }
    }
}

audit_events! {
    /// Sign-in events in the audit log (`auth.<event>`).
    pub enum AuthAudit {
        SignIn,
        SignInFailed,
        SignOut,
        SecondFactorPassed,
        SecondFactorFailed,
        RecoveryCodeUsed,
        TotpEnrolled,
        TotpRemoved,
        RecoveryCodesRenewed,
        SecondFactorReset,
        SecondFactorPolicyChanged,
        PasswordResetRequested,
        PasswordReset,
        SsoSignIn,
        SsoFailed,
        SsoConfigured,
        SsoRemoved,
        EmailChangeRequested,
        EmailChanged,
        PasskeyAdded,
        PasskeyRemoved,
        PasskeySignIn,
        PasskeyFailed,
        ApiTokenCreated,
        ApiTokenRevoked,
        ApiTokenIssued,
        WebhookCreated,
        WebhookChanged,
        WebhookDeleted,
        WebhookSecretRotated,
    }
}

audit_events! {
    /// Team events in the audit log (`team.<event>`).
    pub enum TeamAudit {
        Read,
        RoleChanged,
        InvitationCreated,
        InvitationAccepted,
        // InvitationsRead: the open invitations' addresses, shown to an administrator;
        // InvitationPreviewed: the invitation page, showing its address to the link.
        InvitationsRead,
        InvitationPreviewed,
        FieldMasksChanged,
        TeamCreated,
        TeamRenamed,
        TeamDeleted,
        TeamMembersChanged,
        RecordVisibilityChanged,
    }
}

audit_events! {
    /// Key administration in the audit log (`keys.<event>`).
    pub enum KeysAudit {
        Rotated,
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignupInput {
    pub company_name: String,
    pub slug: String,
    pub owner_name: String,
    pub email: String,
    pub password: String,
}

impl SignupInput {
    pub fn normalized(&self) -> Self {
        Self {
            company_name: self.company_name.trim().to_owned(),
            slug: self.slug.trim().to_owned(),
            owner_name: self.owner_name.trim().to_owned(),
            email: validation::normalize_email(&self.email),
            password: self.password.clone(),
        }
    }

    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.check(
            "company_name",
            validation::required(&self.company_name, 200),
        );
        errors.check("slug", validation::slug(&self.slug));
        errors.check("owner_name", validation::required(&self.owner_name, 200));
        errors.check("email", validation::email(&self.email));
        errors.check("password", validation::new_password(&self.password));
        errors
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginInput {
    pub workspace: String,
    pub email: String,
    pub password: String,
}

impl LoginInput {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.check("workspace", validation::required(&self.workspace, 40));
        errors.check("email", validation::required(&self.email, 254));
        if self.password.is_empty() {
            errors.add("password", Problem::Required);
        }
        errors
    }
}

/// "Forgot password": where to send the link. The answer is the same whether or not
/// the address has an account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetRequestInput {
    pub workspace: String,
    pub email: String,
}

impl ResetRequestInput {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.check("workspace", validation::required(&self.workspace, 40));
        errors.check(
            "email",
            validation::email(&validation::normalize_email(&self.email)),
        );
        errors
    }
}

/// A new password, with the one-time token from the mailed link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPasswordInput {
    pub slug: String,
    pub token: String,
    pub password: String,
}

impl NewPasswordInput {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.check("password", validation::new_password(&self.password));
        errors
    }
}

/// The signed-in user, as the UI shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub user_id: Uuid,
    pub display_name: String,
    pub email: String,
    pub role: Role,
    pub tenant_name: String,
    pub tenant_slug: String,
    /// The workspace requires a second factor this account has not set up: every
    /// page but account security sends the user there.
    pub must_enrol: bool,
}

/// Changing one's own address: the new one, confirmed by the current password.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailChangeInput {
    pub new_email: String,
    pub password: String,
}

impl EmailChangeInput {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.check("new_email", validation::email(&self.new_email));
        errors.check("password", validation::required(&self.password, 200));
        errors
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub user_id: Uuid,
    pub display_name: String,
    pub email: String,
    pub role: Role,
}

/// A colleague as owner and assignee pickers show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Colleague {
    pub user_id: Uuid,
    pub display_name: String,
}

/// The team page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamSummary {
    pub members: Vec<TeamMember>,
    /// Empty for roles that cannot manage the team.
    pub invitations: Vec<Invitation>,
    pub can_manage: bool,
    pub grantable_roles: Vec<Role>,
    /// The roles that must sign in with a second factor.
    pub second_factor: super::second_factor::SecondFactorPolicy,
    /// Members with an authenticator set up; empty for roles that cannot manage.
    pub with_second_factor: Vec<Uuid>,
    /// The contact fields hidden from roles.
    pub field_masks: super::field_masks::FieldMasks,
    /// Teams and whose records the department roles see.
    pub teams: super::teams::TeamsOverview,
    /// The workspace's OpenID provider settings; `None` for those who cannot
    /// configure the team.
    pub sso: Option<super::sso::SsoSettings>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteInput {
    pub email: String,
    pub role: String,
}

impl InviteInput {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.check("email", validation::email(&self.email));
        if Role::parse(&self.role).is_none() {
            errors.add("role", Problem::InvalidRole);
        }
        errors
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub expires_at: OffsetDateTime,
    /// Only present right after creation: the token is stored hashed.
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPreview {
    pub tenant_name: String,
    pub email: String,
    pub role: Role,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptInviteInput {
    pub slug: String,
    pub token: String,
    pub display_name: String,
    pub password: String,
}

impl AcceptInviteInput {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.check(
            "display_name",
            validation::required(&self.display_name, 200),
        );
        errors.check("password", validation::new_password(&self.password));
        errors
    }
}

/// The outcome of rotating a workspace's data key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRotation {
    pub version: i32,
    pub rewrapped: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_grants() {
        for role in Role::all() {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert!(Role::Admin.can_grant(Role::Admin));
        assert!(!Role::Admin.can_grant(Role::Owner));
        assert!(!Role::Member.can_grant(Role::Member));
    }

    #[test]
    fn signup_validation() {
        let input = SignupInput {
            company_name: "Muster GmbH".into(),
            slug: "Muster GmbH".into(),
            owner_name: "Erika Mustermann".into(),
            email: "erika@muster".into(),
            password: "kurz".into(),
        };
        let errors = input.validate();
        assert_eq!(errors.get("slug"), Some(Problem::InvalidSlug));
        assert_eq!(errors.get("email"), Some(Problem::InvalidEmail));
        assert_eq!(errors.get("password"), Some(Problem::TooShort { min: 12 }));
        assert_eq!(errors.get("company_name"), None);
    }
}
