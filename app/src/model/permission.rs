//! Who may do what: one table of areas × actions × roles, checked by the services
//! (and read by the UI only to hide buttons a role cannot use).
//!
//! Adding an area adds an [`Area`] variant and rows to [`GRANTS`]; nothing else.

use super::identity::Role;
use serde::{Deserialize, Serialize};

/// A part of the product whose records share one set of rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Area {
    Contacts,
    Organisations,
    Timeline,
    Tasks,
    Calendar,
    Mail,
    Team,
    Keys,
    Audit,
    /// The user's own API tokens.
    ApiTokens,
    /// The workspace's webhook subscriptions and their deliveries.
    Webhooks,
}

/// What is done to an area's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    Read,
    Create,
    Update,
    Delete,
    Export,
    /// Administer the area (invite, change roles, rotate keys).
    Manage,
    /// Change the area's tenant-wide settings.
    Configure,
    /// Recompute integrity checks (the audit chain).
    Verify,
    /// Take part in four-eyes re-identification of a pseudonym.
    Reidentify,
    /// Agreeing, as the works council, to a policy that concerns employees.
    Approve,
    /// Changing or deleting many records at once (on top of Update or Delete).
    Bulk,
}

use Action::*;
use Area::*;
use Role::*;

/// Everyone who works with customers, the read-mostly member included.
const STAFF: &[Role] = &[Owner, Admin, Sales, Service, Marketing, Member];
/// Staff who change customer records.
const EDITORS: &[Role] = &[Owner, Admin, Sales, Service, Marketing];
/// Staff who may delete customers or act on many at once.
const CURATORS: &[Role] = &[Owner, Admin, Sales, Marketing];
/// Staff who may take customer data out of Tessera.
const EXPORTERS: &[Role] = &[Owner, Admin, Sales, Marketing];
/// Staff and the DPO (who reads to answer data subjects, never writes).
const READERS: &[Role] = &[
    Owner,
    Admin,
    Sales,
    Service,
    Marketing,
    Member,
    DataProtectionOfficer,
];
const EVERYONE: &[Role] = <Role as strum::VariantArray>::VARIANTS;

/// The permission table. A role not listed for an `(area, action)` may not do it.
pub const GRANTS: &[(Area, Action, &[Role])] = &[
    (Contacts, Read, READERS),
    (Contacts, Create, EDITORS),
    (Contacts, Update, EDITORS),
    (Contacts, Delete, CURATORS),
    (Contacts, Export, EXPORTERS),
    (Contacts, Bulk, CURATORS),
    (Organisations, Read, READERS),
    (Organisations, Create, EDITORS),
    (Organisations, Update, EDITORS),
    (Organisations, Delete, CURATORS),
    (Organisations, Export, EXPORTERS),
    (Organisations, Bulk, CURATORS),
    (Timeline, Read, READERS),
    // Everyone on staff notes a call or a meeting, the member too.
    (Timeline, Create, STAFF),
    (Timeline, Update, EDITORS),
    (Timeline, Delete, EDITORS),
    (Tasks, Read, READERS),
    (Tasks, Create, STAFF),
    (Tasks, Update, STAFF),
    (Tasks, Delete, EDITORS),
    (Calendar, Read, READERS),
    (Calendar, Create, STAFF),
    (Calendar, Update, STAFF),
    (Calendar, Delete, EDITORS),
    (Mail, Create, EDITORS),
    (Mail, Configure, &[Owner, Admin]),
    (Mail, Approve, &[WorksCouncil]),
    (Team, Read, EVERYONE),
    (Team, Manage, &[Owner, Admin]),
    // The workspace's sign-in rules (which roles need a second factor).
    (Team, Configure, &[Owner, Admin]),
    (Keys, Manage, &[Owner, Admin]),
    (Audit, Read, EVERYONE),
    (Audit, Export, &[DataProtectionOfficer]),
    (Audit, Verify, &[DataProtectionOfficer]),
    (Audit, Configure, &[Owner]),
    (Audit, Reidentify, &[DataProtectionOfficer, WorksCouncil]),
    // Tokens for integrations, for whoever works with records (a token can never
    // hold more than its user's role; no scope covers this area itself).
    (ApiTokens, Read, READERS),
    (ApiTokens, Create, READERS),
    (ApiTokens, Delete, READERS),
    // Where the workspace's events go, possibly with personal data.
    (Webhooks, Configure, &[Owner, Admin]),
];

impl Role {
    /// Whether this role may do `action` in `area`, by [`GRANTS`].
    pub fn may(self, area: Area, action: Action) -> bool {
        GRANTS
            .iter()
            .any(|(a, act, roles)| *a == area && *act == action && roles.contains(&self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_area_action_pair_is_listed_once() {
        for (i, (area, action, _)) in GRANTS.iter().enumerate() {
            let again = GRANTS[i + 1..]
                .iter()
                .any(|(a, act, _)| a == area && act == action);
            assert!(!again, "{area:?}/{action:?} is listed twice");
        }
    }

    #[test]
    fn the_table_decides() {
        assert!(!WorksCouncil.may(Contacts, Read));
        assert!(DataProtectionOfficer.may(Contacts, Read));
        assert!(!DataProtectionOfficer.may(Contacts, Update));
        assert!(!Member.may(Contacts, Delete), "members are read-mostly");
        assert!(Member.may(Contacts, Read) && Member.may(Tasks, Create));
        assert!(!Member.may(Contacts, Create) && !Member.may(Mail, Create));
        assert!(Sales.may(Contacts, Delete) && Sales.may(Contacts, Bulk));
        assert!(Service.may(Contacts, Update) && !Service.may(Contacts, Delete));
        assert!(!Service.may(Contacts, Export) && !Service.may(Contacts, Bulk));
        assert!(Marketing.may(Contacts, Export) && Marketing.may(Organisations, Bulk));
        assert!(!Member.may(Team, Manage));
        assert!(Admin.may(Keys, Manage));
        assert!(!Owner.may(Audit, Export));
        assert!(Owner.may(Audit, Configure));
        assert!(!Admin.may(Audit, Configure));
        assert!(!Owner.may(Audit, Reidentify));
    }
}
