//! Single sign-on with the workspace's OpenID provider: its settings as the team page
//! edits them, what the login page offers, and why a sign-in was refused.

use super::contacts::choice;
use super::identity::Role;
use super::records;
use super::validation::{self, FieldErrors, Problem};
use serde::{Deserialize, Serialize};

choice! {
    /// Who may sign in with the provider for the first time.
    Provisioning { JustInTime } default Invitation
}

choice! {
    /// Why a sign-in with the provider did not happen (`?sso=` on the login page).
    SsoFailure {
        Unreachable,
        DomainNotAllowed,
        NotProvisioned,
        Cancelled,
        Expired,
    } default Rejected
}

pub const DOMAINS_MAX: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SsoSettingsInput {
    pub issuer: String,
    pub client_id: String,
    /// Empty keeps the stored secret.
    pub client_secret: String,
    pub label: String,
    /// Comma-separated; empty: any domain.
    pub allowed_domains: String,
    #[serde(with = "records::checkbox")]
    pub password_login: bool,
    pub provisioning: Provisioning,
    pub default_role: String,
    #[serde(with = "records::checkbox")]
    pub trust_provider_mfa: bool,
    /// One `group = role` or `group = team:<name>` per line.
    pub group_mappings: String,
}

/// What membership of a provider group decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupTarget {
    Role(Role),
    Team(String),
}

pub const MAPPINGS_MAX: usize = 50;

/// The mappings in line order; `Err` with the first bad line's number (from 1).
pub fn parse_mappings(text: &str) -> Result<Vec<(String, GroupTarget)>, usize> {
    let mut mappings = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (group, target) = line.split_once('=').ok_or(n + 1)?;
        let (group, target) = (group.trim(), target.trim());
        if group.is_empty() || group.len() > 200 {
            return Err(n + 1);
        }
        let target = match target.strip_prefix("team:") {
            Some(team) if !team.trim().is_empty() => GroupTarget::Team(team.trim().to_owned()),
            Some(_) => return Err(n + 1),
            None => match Role::parse(target) {
                Some(role) if role != Role::Owner => GroupTarget::Role(role),
                _ => return Err(n + 1),
            },
        };
        mappings.push((group.to_owned(), target));
    }
    Ok(mappings)
}

impl Default for SsoSettingsInput {
    fn default() -> Self {
        Self {
            issuer: String::new(),
            client_id: String::new(),
            client_secret: String::new(),
            label: String::new(),
            allowed_domains: String::new(),
            password_login: true,
            provisioning: Provisioning::Invitation,
            default_role: Role::Sales.as_str().to_owned(),
            trust_provider_mfa: false,
            group_mappings: String::new(),
        }
    }
}

impl SsoSettingsInput {
    pub fn normalized(&self) -> Self {
        Self {
            issuer: self.issuer.trim().trim_end_matches('/').to_owned(),
            client_id: self.client_id.trim().to_owned(),
            label: self.label.trim().to_owned(),
            allowed_domains: self.domains().join(", "),
            group_mappings: self
                .group_mappings
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n"),
            ..self.clone()
        }
    }

    pub fn domains(&self) -> Vec<String> {
        let mut domains: Vec<String> = self
            .allowed_domains
            .split([',', ';', ' ', '\n'])
            .map(|d| d.trim().trim_start_matches('@').to_lowercase())
            .filter(|d| !d.is_empty())
            .collect();
        domains.sort();
        domains.dedup();
        domains
    }

    pub fn role(&self) -> Option<Role> {
        Role::parse(&self.default_role).filter(|r| *r != Role::Owner)
    }

    /// `has_secret`: a secret is stored already, so the field may stay empty.
    pub fn validate(&self, has_secret: bool) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.check("issuer", validation::required(&self.issuer, 300));
        let scheme_ok = self.issuer.starts_with("https://")
            || self.issuer.starts_with("http://127.0.0.1")
            || self.issuer.starts_with("http://localhost");
        if !self.issuer.is_empty() && (!scheme_ok || self.issuer.contains(char::is_whitespace)) {
            errors.add("issuer", Problem::InvalidUrl);
        }
        errors.check("client_id", validation::required(&self.client_id, 200));
        if self.client_secret.is_empty() && !has_secret {
            errors.add("client_secret", Problem::Required);
        }
        errors.check(
            "client_secret",
            validation::max_len(&self.client_secret, 500),
        );
        errors.check("label", validation::required(&self.label, 60));
        let domains = self.domains();
        if domains.len() > DOMAINS_MAX {
            errors.add("allowed_domains", Problem::TooMany { max: DOMAINS_MAX });
        }
        if domains.iter().any(|d| !super::capture::is_domain(d)) {
            errors.add("allowed_domains", Problem::InvalidUrl);
        }
        if self.role().is_none() {
            errors.add("default_role", Problem::InvalidRole);
        }
        match parse_mappings(&self.group_mappings) {
            Err(_) => errors.add("group_mappings", Problem::InvalidChoice),
            Ok(m) if m.len() > MAPPINGS_MAX => {
                errors.add("group_mappings", Problem::TooMany { max: MAPPINGS_MAX })
            }
            Ok(_) => {}
        }
        errors
    }
}

/// The settings as the team page shows them: never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoSettings {
    /// Whether the workspace has a provider (else `input` holds the defaults).
    pub configured: bool,
    /// `client_secret` is always empty.
    pub input: SsoSettingsInput,
    pub has_secret: bool,
    /// What to register at the provider as the redirect URI.
    pub redirect_uri: String,
}

/// What the workspace's login page offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoOffer {
    pub label: String,
    pub start_url: String,
}

/// The part of an address after the `@`, lower-case.
pub fn domain_of(email: &str) -> Option<String> {
    let (local, domain) = email.rsplit_once('@')?;
    (!local.is_empty() && !domain.is_empty()).then(|| domain.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> SsoSettingsInput {
        SsoSettingsInput {
            issuer: "https://login.example.com/".into(),
            client_id: "tessera".into(),
            client_secret: "s3cret".into(),
            label: "Example ID".into(),
            allowed_domains: "@Example.com, example.de example.com".into(),
            ..Default::default()
        }
        .normalized()
    }

    #[test]
    fn settings_are_normalised_and_checked() {
        let input = valid();
        assert_eq!(input.issuer, "https://login.example.com");
        assert_eq!(input.domains(), ["example.com", "example.de"]);
        assert!(input.validate(false).is_empty());

        let plain_http = SsoSettingsInput {
            issuer: "http://login.example.com".into(),
            ..valid()
        };
        assert_eq!(
            plain_http.validate(false).get("issuer"),
            Some(Problem::InvalidUrl)
        );
        let no_secret = SsoSettingsInput {
            client_secret: String::new(),
            ..valid()
        };
        assert_eq!(
            no_secret.validate(false).get("client_secret"),
            Some(Problem::Required)
        );
        assert!(no_secret.validate(true).is_empty());
        let owner = SsoSettingsInput {
            default_role: "owner".into(),
            ..valid()
        };
        assert_eq!(
            owner.validate(false).get("default_role"),
            Some(Problem::InvalidRole)
        );
        let bad_domain = SsoSettingsInput {
            allowed_domains: "example".into(),
            ..valid()
        };
        assert!(bad_domain.validate(false).get("allowed_domains").is_some());
    }

    #[test]
    fn group_mappings_name_a_role_or_a_team_per_line() {
        let parsed = parse_mappings("crm-admins = admin\n\n  nord = team: Vertrieb Nord ").unwrap();
        assert_eq!(
            parsed,
            [
                ("crm-admins".to_owned(), GroupTarget::Role(Role::Admin)),
                ("nord".to_owned(), GroupTarget::Team("Vertrieb Nord".into())),
            ]
        );
        assert_eq!(parse_mappings("a = admin\nbosses = owner"), Err(2));
        assert_eq!(parse_mappings("no equals sign"), Err(1));
        assert_eq!(parse_mappings("x = team:"), Err(1));
    }

    #[test]
    fn the_domain_of_an_address() {
        assert_eq!(
            domain_of("Vera@Nord.Example").as_deref(),
            Some("nord.example")
        );
        assert_eq!(domain_of("no-at-sign"), None);
        assert_eq!(domain_of("@example.com"), None);
    }
}
