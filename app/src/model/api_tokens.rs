//! API tokens: how an integration (ERP, shop, website) reaches the REST API in a
//! user's name. A token's scopes name areas and read or write access; on every
//! request it may do only what both its scopes and its user's current role allow.

use super::contacts::choice;
use super::permission::{Action, Area};
use super::validation::{FieldErrors, Problem};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// The longest label a token may have ("ERP sync", "Website form").
pub const NAME_MAX: usize = 60;
/// The longest a token may live; tokens without an end are not offered.
pub const LIFETIME_MAX_DAYS: u32 = 366;
/// Tokens one user may hold at once (revoked and expired ones do not count).
pub const PER_USER_MAX: usize = 20;

choice! {
    /// The areas the REST API serves, each a scope of its own.
    ApiArea { Organisations, Interactions, Tasks, Appointments } default Contacts
}

impl ApiArea {
    /// The permission area the services check for this API area.
    pub fn area(self) -> Area {
        match self {
            ApiArea::Contacts => Area::Contacts,
            ApiArea::Organisations => Area::Organisations,
            ApiArea::Interactions => Area::Timeline,
            ApiArea::Tasks => Area::Tasks,
            ApiArea::Appointments => Area::Calendar,
        }
    }
}

/// Reading, or changing (create, update, delete).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    Read,
    Write,
}

impl Access {
    /// What a token's access covers; other actions (export, bulk, settings) are
    /// never done through a token.
    pub fn of(action: Action) -> Option<Access> {
        match action {
            Action::Read => Some(Access::Read),
            Action::Create | Action::Update | Action::Delete => Some(Access::Write),
            _ => None,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
        }
    }
}

/// One scope: `contacts:read`, `tasks:write`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct TokenScope {
    pub area: ApiArea,
    pub access: Access,
}

impl TokenScope {
    pub fn all() -> impl Iterator<Item = TokenScope> {
        ApiArea::all().flat_map(|area| {
            [Access::Read, Access::Write]
                .into_iter()
                .map(move |access| TokenScope { area, access })
        })
    }

    pub fn code(self) -> String {
        format!("{}:{}", self.area.code(), self.access.code())
    }

    pub fn parse(code: &str) -> Option<TokenScope> {
        let (area, access) = code.split_once(':')?;
        let area = area.parse().ok()?;
        let access = match access {
            "read" => Access::Read,
            "write" => Access::Write,
            _ => return None,
        };
        Some(TokenScope { area, access })
    }

    /// Whether this scope covers `action` in the permission area `area`.
    pub fn covers(self, area: Area, action: Action) -> bool {
        self.area.area() == area && Access::of(action) == Some(self.access)
    }

    /// The permission checks a role must pass to be given this scope: reading, or
    /// for writing at least creating or changing records of the area.
    pub fn grantable_by(self, role: super::identity::Role) -> bool {
        let area = self.area.area();
        match self.access {
            Access::Read => role.may(area, Action::Read),
            Access::Write => role.may(area, Action::Create) || role.may(area, Action::Update),
        }
    }
}

impl From<TokenScope> for String {
    fn from(scope: TokenScope) -> String {
        scope.code()
    }
}

impl TryFrom<String> for TokenScope {
    type Error = String;

    fn try_from(code: String) -> Result<Self, String> {
        TokenScope::parse(&code).ok_or_else(|| format!("unknown scope {code}"))
    }
}

/// What a user fills in for a new token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApiTokenInput {
    pub name: String,
    /// Scope codes as the form sends them (`contacts:read`).
    pub scopes: Vec<String>,
    /// Days until the token stops working, 1 to [`LIFETIME_MAX_DAYS`].
    pub lifetime_days: String,
}

impl ApiTokenInput {
    pub fn normalized(&self) -> Self {
        let mut scopes: Vec<String> = self.scopes.iter().map(|s| s.trim().to_owned()).collect();
        scopes.sort();
        scopes.dedup();
        scopes.retain(|s| !s.is_empty());
        Self {
            name: self.name.split_whitespace().collect::<Vec<_>>().join(" "),
            scopes,
            lifetime_days: self.lifetime_days.trim().to_owned(),
        }
    }

    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        let input = self.normalized();
        if input.name.is_empty() {
            errors.add("name", Problem::Required);
        } else if input.name.chars().count() > NAME_MAX {
            errors.add("name", Problem::TooLong { max: NAME_MAX });
        }
        if input.scopes.is_empty() {
            errors.add("scopes", Problem::Required);
        } else if input.scopes.iter().any(|s| TokenScope::parse(s).is_none()) {
            errors.add("scopes", Problem::InvalidChoice);
        }
        match input.lifetime_days.parse::<u32>() {
            Ok(days) if (1..=LIFETIME_MAX_DAYS).contains(&days) => {}
            _ if input.lifetime_days.is_empty() => errors.add("lifetime_days", Problem::Required),
            _ => errors.add("lifetime_days", Problem::InvalidNumber),
        }
        errors
    }

    /// The parsed scopes (after [`validate`](Self::validate) passed), in the order
    /// of their codes.
    pub fn parsed_scopes(&self) -> Vec<TokenScope> {
        self.normalized()
            .scopes
            .iter()
            .filter_map(|s| TokenScope::parse(s))
            .collect()
    }

    pub fn lifetime(&self) -> u32 {
        self.normalized().lifetime_days.parse().unwrap_or(1)
    }
}

/// A token as its owner's security page lists it; never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenSummary {
    pub token_id: Uuid,
    pub name: String,
    /// The first characters of the secret, to recognise it (`tsk_…3fA9x`).
    pub prefix: String,
    pub scopes: Vec<TokenScope>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

/// A token just created: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedApiToken {
    pub token: ApiTokenSummary,
    pub secret: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::identity::Role;

    #[test]
    fn scopes_round_trip_through_their_codes() {
        for scope in TokenScope::all() {
            assert_eq!(TokenScope::parse(&scope.code()), Some(scope));
        }
        assert_eq!(TokenScope::parse("contacts:admin"), None);
        assert_eq!(TokenScope::parse("team:read"), None);
        assert_eq!(TokenScope::parse("contacts"), None);
    }

    #[test]
    fn write_covers_changes_but_never_export_or_bulk() {
        let write = TokenScope::parse("contacts:write").unwrap();
        assert!(write.covers(Area::Contacts, Action::Create));
        assert!(write.covers(Area::Contacts, Action::Delete));
        assert!(!write.covers(Area::Contacts, Action::Read));
        assert!(!write.covers(Area::Contacts, Action::Export));
        assert!(!write.covers(Area::Contacts, Action::Bulk));
        assert!(!write.covers(Area::Organisations, Action::Create));
    }

    #[test]
    fn a_role_grants_only_what_it_may_do_itself() {
        let write = TokenScope::parse("contacts:write").unwrap();
        let read = TokenScope::parse("contacts:read").unwrap();
        assert!(write.grantable_by(Role::Sales));
        assert!(!write.grantable_by(Role::Member));
        assert!(read.grantable_by(Role::Member));
        assert!(!read.grantable_by(Role::WorksCouncil));
    }

    #[test]
    fn input_needs_a_name_scopes_and_a_lifetime() {
        let errors = ApiTokenInput::default().validate();
        assert_eq!(errors.get("name"), Some(Problem::Required));
        assert_eq!(errors.get("scopes"), Some(Problem::Required));
        assert_eq!(errors.get("lifetime_days"), Some(Problem::Required));
        let bad = ApiTokenInput {
            name: "ERP".into(),
            scopes: vec!["contacts:everything".into()],
            lifetime_days: "999".into(),
        };
        assert_eq!(bad.validate().get("scopes"), Some(Problem::InvalidChoice));
        assert_eq!(
            bad.validate().get("lifetime_days"),
            Some(Problem::InvalidNumber)
        );
        let good = ApiTokenInput {
            name: "  ERP   sync ".into(),
            scopes: vec![
                "tasks:read".into(),
                "contacts:read".into(),
                "tasks:read".into(),
            ],
            lifetime_days: "90".into(),
        };
        assert!(good.validate().is_empty());
        assert_eq!(good.normalized().name, "ERP sync");
        assert_eq!(good.parsed_scopes().len(), 2);
        assert_eq!(good.lifetime(), 90);
    }
}

/// A token an owner or administrator made for a colleague, with whose it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedApiToken {
    pub user_id: Uuid,
    pub token: ApiTokenSummary,
}
