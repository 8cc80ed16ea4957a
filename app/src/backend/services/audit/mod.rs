//! The audit log as an area: who reviews what (by role), employees by name or
//! pseudonym, the people whose data was accessed by name for the data protection
//! officer, export, verification, settings, and [`reidentification`]. The machinery
//! that writes and checks the chain is `backend::audit`.

pub mod reidentification;
pub mod settings;
pub mod storage;

use crate::backend::audit::integrity;
use crate::backend::audit::pseudonyms::Pseudonyms;
use crate::backend::services::identity::employee_names;
use crate::backend::{subjects, Scope};
use crate::model::audit::{
    AuditAction, AuditActorOption, AuditEntryView, AuditFilter, AuditPage, AuditPurpose,
    AuditScope, AuditSubject, DataSubject, ReviewAudit, VerifyReport,
};
use crate::model::identity::Role;
use crate::model::paging::PAGE_SIZE;
use crate::model::permission::{Action, Area};
use crate::AppResult;
use std::collections::HashMap;
use storage::Row;

use uuid::Uuid;

const EXPORT_LIMIT: i64 = 100_000;
/// Subjects named per entry in a view (the count says how many there were).
const SUBJECTS_SHOWN: usize = 20;

fn audited(action: ReviewAudit) -> AuditAction {
    AuditAction::Audit(action)
}

/// Which slice of the log `role` may see.
pub fn scope_for(role: Role, own: bool, admins_see_all: bool) -> AuditScope {
    match role {
        _ if own => AuditScope::Own,
        Role::DataProtectionOfficer => AuditScope::Full,
        Role::WorksCouncil => AuditScope::Pseudonymised,
        // The employer never sees named employee activity: with the wider view, the
        // works council's pseudonymised log.
        Role::Owner | Role::Admin if admins_see_all => AuditScope::Pseudonymised,
        Role::Owner | Role::Admin => AuditScope::Administrative,
        Role::Sales | Role::Service | Role::Marketing | Role::Member => AuditScope::Own,
    }
}

struct Reviewer {
    scope: AuditScope,
    names: HashMap<Uuid, String>,
    pseudonyms: Option<Pseudonyms>,
}

impl Reviewer {
    async fn new(tx: &mut Scope, filter: &AuditFilter) -> AppResult<Self> {
        let see_all = storage::admins_see_all(tx.conn()).await?;
        let scope = scope_for(tx.principal.role, filter.own, see_all);
        let (backend, tenant_id) = (tx.backend.clone(), tx.tenant_id());
        let names = employee_names(&mut tx.tx, &backend.keys, tenant_id).await?;
        // Everyone but the DPO and the employee themselves sees colleagues as pseudonyms.
        let pseudonyms = if matches!(
            scope,
            AuditScope::Pseudonymised | AuditScope::Administrative
        ) {
            Some(Pseudonyms::load(&mut tx.tx, &backend.keys, tenant_id).await?)
        } else {
            None
        };
        Ok(Self {
            scope,
            names,
            pseudonyms,
        })
    }

    /// How the reviewer sees an employee.
    fn actor_label(&self, actor: Uuid) -> String {
        match &self.pseudonyms {
            Some(p) => p.of(actor),
            None => self
                .names
                .get(&actor)
                .cloned()
                .unwrap_or_else(|| "—".into()),
        }
    }

    /// The employee a filter value names (an id, or a pseudonym for the works council).
    fn resolve_actor(&self, value: &str) -> Option<Uuid> {
        match &self.pseudonyms {
            Some(p) => p.find(self.names.keys().copied(), value),
            None => Uuid::parse_str(value).ok(),
        }
    }

    fn actor_options(&self) -> Vec<AuditActorOption> {
        if !matches!(self.scope, AuditScope::Full | AuditScope::Pseudonymised) {
            return Vec::new();
        }
        let mut options: Vec<AuditActorOption> = self
            .names
            .keys()
            .map(|id| {
                let label = self.actor_label(*id);
                let value = if self.pseudonyms.is_some() {
                    label.clone()
                } else {
                    id.to_string()
                };
                AuditActorOption { value, label }
            })
            .collect();
        options.sort_by(|a, b| a.label.cmp(&b.label));
        options
    }
}

async fn fetch(
    tx: &mut Scope,
    reviewer: &Reviewer,
    filter: &AuditFilter,
    limit: i64,
) -> AppResult<Vec<Row>> {
    let actor = filter
        .actor
        .as_deref()
        .and_then(|a| reviewer.resolve_actor(a));
    let me = tx.user_id();
    // Reviewers see every committed entry, not only those the sealer has reached.
    crate::backend::audit::seal(tx.conn()).await?;
    storage::entries(tx.conn(), reviewer.scope, me, filter, actor, limit).await
}

async fn to_views(
    tx: &mut Scope,
    reviewer: &Reviewer,
    rows: Vec<Row>,
) -> AppResult<Vec<AuditEntryView>> {
    // Only the data protection officer's view names the people whose data was accessed.
    let show_subjects = reviewer.scope == AuditScope::Full;
    // Each action names the kind of its subjects: one lookup per kind.
    let mut labels = HashMap::new();
    if show_subjects {
        let mut by_kind: HashMap<Option<DataSubject>, Vec<Uuid>> = HashMap::new();
        for row in &rows {
            let kind = AuditAction::parse(&row.action).and_then(AuditAction::subject_kind);
            let ids = by_kind.entry(kind).or_default();
            ids.extend(row.subject_ids.iter().take(SUBJECTS_SHOWN).copied());
        }
        let (backend, tenant_id) = (tx.backend.clone(), tx.tenant_id());
        for (kind, mut ids) in by_kind {
            ids.sort_unstable();
            ids.dedup();
            let found = subjects::labels(&mut tx.tx, &backend.keys, tenant_id, kind, &ids).await?;
            labels.extend(found);
        }
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let action =
                AuditAction::parse(&row.action).unwrap_or(AuditAction::Audit(ReviewAudit::Viewed));
            let subjects = if show_subjects {
                row.subject_ids
                    .iter()
                    .take(SUBJECTS_SHOWN)
                    .map(|id| AuditSubject {
                        id: *id,
                        kind: labels.get(id).map(|(kind, _)| *kind),
                        label: labels.get(id).map(|(_, label)| label.clone()),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            AuditEntryView {
                seq: row.seq,
                at: row.at,
                actor: row.actor_id.map(|a| reviewer.actor_label(a)),
                action,
                subject_count: row.subject_ids.len(),
                subjects,
                fields: row.fields,
                purpose: row.purpose,
            }
        })
        .collect())
}

/// One page of the log as the principal's role may see it. Viewing is itself logged.
pub async fn page(tx: &mut Scope, filter: &AuditFilter) -> AppResult<AuditPage> {
    tx.require(Area::Audit, Action::Read)?;
    let reviewer = Reviewer::new(tx, filter).await?;
    let mut rows = fetch(tx, &reviewer, filter, PAGE_SIZE + 1).await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let next_before = if more {
        rows.last().map(|r| r.seq)
    } else {
        None
    };
    let entries = to_views(tx, &reviewer, rows).await?;
    // The view names people (the DPO's): each one shown is a subject of the viewing.
    let mut subjects: Vec<Uuid> = filter.subject.into_iter().collect();
    let named = entries.iter().flat_map(|e| &e.subjects);
    subjects.extend(named.filter(|s| s.label.is_some()).map(|s| s.id));
    subjects.sort_unstable();
    subjects.dedup();
    let purpose = match (reviewer.scope, tx.principal.role) {
        (AuditScope::Full, _) => Some(AuditPurpose::DataProtectionReview),
        (AuditScope::Pseudonymised, Role::WorksCouncil) => Some(AuditPurpose::WorksCouncilReview),
        _ => None,
    };
    let event = tx
        .event(audited(ReviewAudit::Viewed))
        .subjects(&subjects)
        .purpose(purpose);
    tx.audit(event).await?;
    let reviewer_role_changes =
        reidentification::reviewer_role_changes(tx, &reviewer, filter).await?;
    Ok(AuditPage {
        scope: reviewer.scope,
        entries,
        next_before,
        actors: reviewer.actor_options(),
        may_reidentify: tx.may(Area::Audit, Action::Reidentify),
        reviewer_role_changes,
    })
}

/// Everything matching `filter` for an export (data protection officer only).
pub async fn export(
    tx: &mut Scope,
    filter: &AuditFilter,
    purpose: AuditPurpose,
) -> AppResult<Vec<AuditEntryView>> {
    tx.require(Area::Audit, Action::Export)?;
    let reviewer = Reviewer::new(
        tx,
        &AuditFilter {
            own: false,
            ..filter.clone()
        },
    )
    .await?;
    let filter = AuditFilter {
        before: None,
        ..filter.clone()
    };
    let rows = fetch(tx, &reviewer, &filter, EXPORT_LIMIT).await?;
    let entries = to_views(tx, &reviewer, rows).await?;
    let subjects: Vec<Uuid> = filter.subject.into_iter().collect();
    let event = tx
        .event(audited(ReviewAudit::Exported))
        .subjects(&subjects)
        .purpose(Some(purpose));
    tx.audit(event).await?;
    Ok(entries)
}

/// Recomputes this workspace's chain for the data protection officer; logged.
pub async fn verify_chain(tx: &mut Scope) -> AppResult<VerifyReport> {
    tx.require(Area::Audit, Action::Verify)?;
    let (backend, tenant_id) = (tx.backend.clone(), tx.tenant_id());
    let report = integrity::verify(&mut tx.tx, &backend.keys, tenant_id).await?;
    let event = tx.event(audited(ReviewAudit::Verified));
    tx.audit(event).await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_get_their_slice() {
        assert_eq!(
            scope_for(Role::DataProtectionOfficer, false, false),
            AuditScope::Full
        );
        assert_eq!(
            scope_for(Role::WorksCouncil, false, false),
            AuditScope::Pseudonymised
        );
        assert_eq!(
            scope_for(Role::Owner, false, false),
            AuditScope::Administrative
        );
        assert_eq!(
            scope_for(Role::Admin, false, true),
            AuditScope::Pseudonymised
        );
        assert_eq!(scope_for(Role::Member, false, true), AuditScope::Own);
        assert_eq!(
            scope_for(Role::DataProtectionOfficer, true, false),
            AuditScope::Own
        );
    }
}
