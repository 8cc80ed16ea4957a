//! Second factors: an authenticator app (TOTP, RFC 6238) with one-time recovery
//! codes, and the workspace's rule of which roles must use one.

use super::identity::Role;
use super::validation::{FieldErrors, Problem};
use serde::{Deserialize, Serialize};

/// How many recovery codes an account gets at a time.
pub const RECOVERY_CODES: usize = 10;

/// What sign-in needs next once the password was right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignInStep {
    /// Signed in.
    Done,
    /// A code from the authenticator app (or a recovery code) is asked for next.
    SecondFactor,
    /// Signed in, but the workspace requires a second factor the account does not
    /// have yet: nothing but setting it up works until it is done.
    Enrol,
}

/// A code typed at sign-in or to confirm a change: six digits from the app, or a
/// recovery code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeInput {
    pub code: String,
}

impl CodeInput {
    /// Digits and letters only, as apps and printed codes group them with spaces or
    /// hyphens.
    pub fn normalized(&self) -> Self {
        Self {
            code: self
                .code
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect(),
        }
    }

    /// Six digits is an app's code; anything else must look like a recovery code.
    pub fn is_app_code(&self) -> bool {
        self.code.len() == 6 && self.code.bytes().all(|b| b.is_ascii_digit())
    }

    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        let code = &self.normalized().code;
        if code.is_empty() {
            errors.add("code", Problem::Required);
        } else if code.len() > 32 {
            errors.add("code", Problem::TooLong { max: 32 });
        } else if code.len() < 6 {
            errors.add("code", Problem::TooShort { min: 6 });
        }
        errors
    }
}

/// The secret of a new authenticator, shown once while it is being set up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpEnrolment {
    /// Base32, for typing into an app that cannot scan.
    pub secret: String,
    /// The `otpauth://` URI the QR code holds.
    pub uri: String,
    /// The QR code as an SVG document.
    pub qr_svg: String,
}

/// Recovery codes, shown once: only their keyed hashes are stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodes(pub Vec<String>);

/// The account security page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorStatus {
    pub totp: bool,
    pub recovery_codes_left: i64,
    pub passkeys: i64,
    /// Whether the workspace requires a second factor for this account's role.
    pub required: bool,
}

/// The factors a sign-in waiting after its password can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingFactors {
    pub app: bool,
    pub passkey: bool,
}

/// Which roles must sign in with a second factor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorPolicy {
    pub roles: Vec<Role>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_normalised_and_told_apart() {
        let app = CodeInput {
            code: " 123 456 ".into(),
        }
        .normalized();
        assert_eq!(app.code, "123456");
        assert!(app.is_app_code());
        let recovery = CodeInput {
            code: "abcd-efgh-ij".into(),
        }
        .normalized();
        assert_eq!(recovery.code, "abcdefghij");
        assert!(!recovery.is_app_code());
        let short = CodeInput { code: "12".into() };
        assert_eq!(
            short.validate().get("code"),
            Some(Problem::TooShort { min: 6 })
        );
        assert_eq!(
            CodeInput::default().validate().get("code"),
            Some(Problem::Required)
        );
    }
}
