//! Passkeys (WebAuthn): a second factor after the password, and a sign-in without
//! one. The browser and the server exchange the ceremony's options and answers as
//! WebAuthn's JSON forms, opaque to everything in between.

use super::validation::{FieldErrors, Problem};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// The longest label a passkey may have ("YubiKey 5C", "Laptop").
pub const NAME_MAX: usize = 60;
/// The largest answer a browser sends for one ceremony; real ones are a few KB.
pub const CREDENTIAL_MAX: usize = 16 * 1024;

/// One of the account's passkeys, as the security page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeySummary {
    pub passkey_id: Uuid,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
}

/// The label typed before a new passkey is created.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyNameInput {
    pub name: String,
}

impl PasskeyNameInput {
    pub fn normalized(&self) -> Self {
        Self {
            name: self.name.split_whitespace().collect::<Vec<_>>().join(" "),
        }
    }

    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        let name = self.normalized().name;
        if name.is_empty() {
            errors.add("name", Problem::Required);
        } else if name.chars().count() > NAME_MAX {
            errors.add("name", Problem::TooLong { max: NAME_MAX });
        }
        errors
    }
}

/// A browser's answer to a ceremony (`PublicKeyCredential.toJSON()`), checked for
/// size before it is parsed.
pub fn check_credential(json: &str) -> Result<(), FieldErrors> {
    if json.is_empty() || json.len() > CREDENTIAL_MAX {
        return Err(FieldErrors::single("passkey", Problem::PasskeyRefused));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        let input = PasskeyNameInput {
            name: "  YubiKey \n 5C ".into(),
        };
        assert_eq!(input.normalized().name, "YubiKey 5C");
        assert!(input.validate().is_empty());
        assert_eq!(
            PasskeyNameInput { name: " ".into() }.validate().get("name"),
            Some(Problem::Required)
        );
        let long = PasskeyNameInput {
            name: "x".repeat(NAME_MAX + 1),
        };
        assert_eq!(
            long.validate().get("name"),
            Some(Problem::TooLong { max: NAME_MAX })
        );
    }

    #[test]
    fn oversized_or_empty_answers_are_refused_unparsed() {
        assert!(check_credential("").is_err());
        assert!(check_credential(&"x".repeat(CREDENTIAL_MAX + 1)).is_err());
        assert!(check_credential("{}").is_ok());
    }
}
