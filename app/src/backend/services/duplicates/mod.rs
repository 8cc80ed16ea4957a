//! Duplicates: finding groups of contacts that are likely one person (a shared
//! e-mail or phone fingerprint, or the same folded name at the same organisation),
//! and merging two of them ([`merge`]).

pub mod merge;
mod storage;

use crate::backend::search::{self, Fingerprint, RecordKind};
use crate::backend::services::contacts;
use crate::backend::Scope;
use crate::model::audit::AuditAction;
use crate::model::contacts::{ContactAudit, ContactField, ContactListQuery};
use crate::model::duplicates::{DuplicateGroup, DuplicateReason};
use crate::model::permission::{Action, Area};
use crate::AppResult;
use uuid::Uuid;

/// Groups looked at per scan.
const GROUPS: i64 = 200;

/// The tenant's likely duplicates, one group per shared fingerprint; the contacts
/// shown are audited as one listing.
pub async fn scan(scope: &mut Scope) -> AppResult<Vec<DuplicateGroup>> {
    scope.require(Area::Contacts, Action::Read)?;
    let shared = search::shared_fingerprints(scope.conn(), RecordKind::Contact, GROUPS).await?;
    let ids: Vec<Uuid> = shared
        .iter()
        .flat_map(|(_, ids)| ids.iter().copied())
        .collect();
    let rows = contacts::summaries_unaudited(scope, &ids, &ContactListQuery::default()).await?;
    let mut groups: Vec<DuplicateGroup> = Vec::new();
    let mut keys: Vec<Vec<Uuid>> = Vec::new();
    for (kind, ids) in shared {
        let members: Vec<_> = ids
            .iter()
            .filter_map(|id| rows.iter().find(|r| r.id == *id).cloned())
            .collect();
        if members.len() < 2 {
            continue;
        }
        let reason = match kind {
            Fingerprint::Email => DuplicateReason::SameEmail,
            Fingerprint::Phone => DuplicateReason::SamePhone,
            Fingerprint::Name => DuplicateReason::SameNameSameOrganisation,
            Fingerprint::ExternalId => DuplicateReason::SameExternalId,
        };
        let mut key: Vec<Uuid> = members.iter().map(|m| m.id).collect();
        key.sort_unstable();
        // The same people for several reasons are one group with several reasons.
        match keys.iter().position(|k| *k == key) {
            Some(i) => groups[i].reasons.push(reason),
            None => {
                keys.push(key);
                groups.push(DuplicateGroup {
                    reasons: vec![reason],
                    contacts: members,
                });
            }
        }
    }
    let shown: Vec<Uuid> = groups
        .iter()
        .flat_map(|g| g.contacts.iter().map(|c| c.id))
        .collect();
    if !shown.is_empty() {
        let fields = ContactField::SUMMARY.map(ContactField::name);
        let event = scope
            .event(AuditAction::Contact(ContactAudit::List))
            .subjects(&shown)
            .fields(&fields);
        scope.audit(event).await?;
    }
    Ok(groups)
}
