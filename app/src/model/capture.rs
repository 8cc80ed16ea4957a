//! Mail capture, governed: what the workspace keeps of mail in connected mailboxes
//! (nothing until someone decides), for how long, and the mailbox an employee
//! connects. Only mail with known contacts is ever kept; mail among the workspace's
//! own domains never.

use super::contacts::choice;
use super::mail::SmtpSecurity;
use super::validation::{self, FieldErrors, Problem};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

pub const RETENTION_MIN_DAYS: u32 = 7;
pub const RETENTION_MAX_DAYS: u32 = 3650;
pub const OWN_DOMAINS_MAX: usize = 20;
pub const FOLDERS_MAX: usize = 10;

choice! {
    /// What is kept of a captured mail: metadata is who and when.
    CaptureKeeps { Metadata, Subject, Full } default Nothing
}

impl CaptureKeeps {
    pub fn keeps_subject(self) -> bool {
        matches!(self, Self::Subject | Self::Full)
    }

    pub fn keeps_body(self) -> bool {
        self == Self::Full
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CapturePolicyInput {
    pub keeps: CaptureKeeps,
    pub retention_days: String,
    /// Comma-separated, e.g. `example.de, example.com`.
    pub own_domains: String,
}

impl Default for CapturePolicyInput {
    fn default() -> Self {
        Self {
            keeps: CaptureKeeps::Nothing,
            retention_days: "365".into(),
            own_domains: String::new(),
        }
    }
}

impl CapturePolicyInput {
    pub fn normalized(&self) -> Self {
        Self {
            keeps: self.keeps,
            retention_days: self.retention_days.trim().to_owned(),
            own_domains: self.domains().join(", "),
        }
    }

    pub fn domains(&self) -> Vec<String> {
        let mut domains: Vec<String> = self
            .own_domains
            .split([',', ';', ' ', '\n'])
            .map(|d| d.trim().trim_start_matches('@').to_lowercase())
            .filter(|d| !d.is_empty())
            .collect();
        domains.dedup();
        domains
    }

    pub fn retention(&self) -> u32 {
        self.retention_days.parse().unwrap_or(365)
    }

    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        match self.retention_days.parse::<u32>() {
            Ok(d) if (RETENTION_MIN_DAYS..=RETENTION_MAX_DAYS).contains(&d) => {}
            _ => errors.add("retention_days", Problem::InvalidNumber),
        }
        let domains = self.domains();
        if domains.len() > OWN_DOMAINS_MAX {
            errors.add(
                "own_domains",
                Problem::TooMany {
                    max: OWN_DOMAINS_MAX,
                },
            );
        }
        if domains.iter().any(|d| !is_domain(d)) {
            errors.add("own_domains", Problem::InvalidUrl);
        }
        if self.keeps != CaptureKeeps::Nothing && domains.is_empty() {
            errors.add("own_domains", Problem::Required);
        }
        errors
    }
}

pub(crate) fn is_domain(d: &str) -> bool {
    d.len() <= 253
        && d.contains('.')
        && d.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// The workspace's policy as the settings page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapturePolicy {
    pub input: CapturePolicyInput,
    /// When the works council agreed to this version of the policy.
    pub agreed_at: Option<OffsetDateTime>,
    /// Whether the workspace has a works council whose agreement capture waits for.
    pub needs_agreement: bool,
    pub updated_at: Option<OffsetDateTime>,
}

impl CapturePolicy {
    /// The version an agreement refers to: when the policy was last changed, in ms.
    pub fn version(&self) -> i64 {
        self.updated_at
            .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
            .unwrap_or(0)
    }

    /// Whether mailboxes are read at all.
    pub fn active(&self) -> bool {
        self.input.keeps != CaptureKeeps::Nothing
            && (!self.needs_agreement || self.agreed_at.is_some())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MailboxInput {
    pub host: String,
    pub port: String,
    pub security: SmtpSecurity,
    pub username: String,
    pub password: String,
    /// Comma-separated folder names, e.g. `INBOX, Sent`.
    pub folders: String,
}

impl MailboxInput {
    pub fn normalized(&self) -> Self {
        Self {
            host: self.host.trim().to_lowercase(),
            port: self.port.trim().to_owned(),
            security: self.security,
            username: self.username.trim().to_owned(),
            password: self.password.clone(),
            folders: self.folder_list().join(", "),
        }
    }

    pub fn folder_list(&self) -> Vec<String> {
        let mut folders: Vec<String> = self
            .folders
            .split(',')
            .map(|f| f.trim().to_owned())
            .filter(|f| !f.is_empty())
            .collect();
        folders.dedup();
        folders
    }

    pub fn port(&self) -> u16 {
        self.port.parse().unwrap_or(993)
    }

    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.check("host", validation::required(&self.host, 253));
        if !self.host.is_empty() && !is_domain(&self.host) && self.host != "localhost" {
            let ip = self.host.parse::<std::net::IpAddr>().is_ok();
            if !ip {
                errors.add("host", Problem::InvalidUrl);
            }
        }
        match self.port.parse::<u16>() {
            Ok(p) if p > 0 => {}
            _ => errors.add("port", Problem::InvalidNumber),
        }
        errors.check("username", validation::required(&self.username, 254));
        errors.check("password", validation::required(&self.password, 500));
        let folders = self.folder_list();
        if folders.is_empty() {
            errors.add("folders", Problem::Required);
        } else if folders.len() > FOLDERS_MAX {
            errors.add("folders", Problem::TooMany { max: FOLDERS_MAX });
        } else if folders
            .iter()
            .any(|f| f.len() > 100 || f.chars().any(|c| c.is_control() || c == '"'))
        {
            errors.add("folders", Problem::InvalidChoice);
        }
        errors
    }
}

/// A connected mailbox as its owner sees it (never the password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    pub id: Uuid,
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: String,
    pub folders: Vec<String>,
    pub imported: i64,
    pub last_sync_at: Option<OffsetDateTime>,
    /// A code such as `imap_unreachable` or `imap_login_failed`.
    pub last_error: Option<String>,
}

/// The capture section of the settings page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapturePage {
    pub policy: CapturePolicy,
    pub mailbox: Option<Mailbox>,
    pub may_configure: bool,
    pub may_agree: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_domains_are_required_once_anything_is_kept() {
        let mut input = CapturePolicyInput {
            keeps: CaptureKeeps::Subject,
            ..Default::default()
        };
        assert!(input.validate().get("own_domains").is_some());
        input.own_domains = "@Example.de; example.com".into();
        assert!(input.validate().is_empty());
        assert_eq!(input.normalized().own_domains, "example.de, example.com");
        input.own_domains = "not a domain!".into();
        assert!(input.validate().get("own_domains").is_some());
    }

    #[test]
    fn retention_has_bounds() {
        for (days, ok) in [("6", false), ("7", true), ("3650", true), ("x", false)] {
            let input = CapturePolicyInput {
                retention_days: days.into(),
                ..Default::default()
            };
            assert_eq!(input.validate().is_empty(), ok, "{days}");
        }
    }

    #[test]
    fn a_mailbox_needs_folders_without_quotes() {
        let mut input = MailboxInput {
            host: "imap.example.de".into(),
            port: "993".into(),
            username: "anna".into(),
            password: "secret".into(),
            folders: "INBOX, Sent".into(),
            ..Default::default()
        };
        assert!(input.validate().is_empty());
        input.folders = "IN\"BOX".into();
        assert!(input.validate().get("folders").is_some());
        input.folders = " , ".into();
        assert!(input.validate().get("folders").is_some());
    }
}
