//! Four-eyes re-identification: the data protection officer or the works council asks
//! who is behind a pseudonym, a person of the other role approves, and the requester
//! sees the name for 24 hours. Every step is logged, naming the employee and the
//! request. The database enforces the rules (migration `four_eyes_rules`: roles held
//! for seven days, the other role approves, once, within seven days, for 24 hours);
//! the checks here give the clear message first.

pub mod storage;

use super::{audited, Reviewer};
use crate::backend::audit::pseudonyms::Pseudonyms;
use crate::backend::services::identity::employee_names;
use crate::backend::Scope;
use crate::model::audit::{AuditFilter, ReidentificationView, ReviewAudit, ReviewerRoleChange};
use crate::model::identity::Role;
use crate::model::permission::{Action, Area};
use crate::model::validation::{required, FieldErrors, Problem};
use crate::{AppError, AppResult};
use std::collections::HashMap;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const TABLE: &str = "reidentification_requests";

/// The role whose approval a request of `role` needs.
fn counterpart(role: Role) -> Option<Role> {
    match role {
        Role::DataProtectionOfficer => Some(Role::WorksCouncil),
        Role::WorksCouncil => Some(Role::DataProtectionOfficer),
        _ => None,
    }
}

async fn pseudonyms(scope: &mut Scope) -> AppResult<Pseudonyms> {
    let tenant_id = scope.tenant_id();
    Pseudonyms::load(&mut scope.tx, &scope.backend.keys, tenant_id).await
}

/// Asks to learn who is behind a pseudonym (data protection officer or works council).
pub async fn request(scope: &mut Scope, pseudonym: &str, reason: &str) -> AppResult<Uuid> {
    scope.require(Area::Audit, Action::Reidentify)?;
    let (pseudonym, reason) = (pseudonym.trim(), reason.trim());
    let mut errors = FieldErrors::new();
    errors.check("reason", required(reason, 500));
    errors.into_result()?;
    let Some(employee) = employee_behind(scope, pseudonym).await? else {
        return Err(AppError::Validation(FieldErrors::single(
            "pseudonym",
            Problem::Required,
        )));
    };
    let (tenant_id, me, role) = (scope.tenant_id(), scope.user_id(), scope.principal.role);
    require_role_in_force(scope, me, "pseudonym").await?;
    let id = Uuid::now_v7();
    // The reason may mention people: sealed under the requester's own key.
    let key = scope.subject_key(me).await?;
    let reason_ct = scope.cipher(&key, TABLE, id).seal("reason", reason);
    let request = storage::NewRequest {
        tenant_id,
        id,
        pseudonym,
        requested_by: me,
        requested_role: role.as_str(),
        reason_ct,
    };
    storage::insert_request(scope.conn(), request).await?;
    let named = [employee, id];
    let event = scope
        .event(audited(ReviewAudit::ReidentificationRequested))
        .subjects(&named);
    scope.audit(event).await?;
    Ok(id)
}

/// The other role approves, by a different person; valid for 24 hours.
pub async fn approve(scope: &mut Scope, request_id: Uuid) -> AppResult<()> {
    scope.require(Area::Audit, Action::Reidentify)?;
    let (me, role) = (scope.user_id(), scope.principal.role);
    let request = storage::request_for_update(scope.conn(), request_id).await?;
    let request = request.ok_or(AppError::NotFound)?;
    let requested_role = Role::parse(&request.requested_role).ok_or(AppError::Internal)?;
    if request.approved_by.is_some() {
        return Err(AppError::Conflict);
    }
    if request.requested_by == me || counterpart(requested_role) != Some(role) {
        return Err(AppError::Forbidden);
    }
    if request.expired {
        let problem = Problem::RequestExpired;
        return Err(AppError::Validation(FieldErrors::single(
            "request", problem,
        )));
    }
    // A requester who has left the role since cannot be shown a name any more.
    if !request.requester_in_force {
        return Err(AppError::Forbidden);
    }
    require_role_in_force(scope, me, "request").await?;
    storage::approve_request(scope.conn(), request_id, me).await?;
    let employee = employee_behind(scope, &request.pseudonym).await?;
    let named: Vec<Uuid> = employee.into_iter().chain([request_id]).collect();
    let event = scope
        .event(audited(ReviewAudit::ReidentificationApproved))
        .subjects(&named);
    scope.audit(event).await
}

/// Refuses `user` while their reviewer role is within its notice period.
pub(super) async fn require_role_in_force(
    scope: &mut Scope,
    user: Uuid,
    field: &str,
) -> AppResult<()> {
    // The database's clock decides, as its rules do.
    let days_left = storage::reviewer_days_left(scope.conn(), user).await?;
    let days_left = days_left.ok_or(AppError::Forbidden)?;
    if days_left > 0 {
        let problem = Problem::ReviewerRoleTooNew {
            days_left: days_left as u32,
        };
        return Err(AppError::Validation(FieldErrors::single(field, problem)));
    }
    Ok(())
}

async fn employee_behind(scope: &mut Scope, pseudonym: &str) -> AppResult<Option<Uuid>> {
    let users = storage::employee_ids(scope.conn()).await?;
    Ok(pseudonyms(scope).await?.find(users, pseudonym))
}

/// Open and recent requests; the requester sees the name while the approval lasts
/// and they still hold the role they asked in. Each reveal is logged.
pub async fn list(scope: &mut Scope) -> AppResult<Vec<ReidentificationView>> {
    scope.require(Area::Audit, Action::Reidentify)?;
    let (tenant_id, me, role) = (scope.tenant_id(), scope.user_id(), scope.principal.role);
    let rows = storage::open_requests(scope.conn()).await?;
    // Reasons are sealed under their requesters' keys: one batch for all of them.
    let requests = scope
        .open_rows(
            TABLE,
            rows,
            |r| (r.requested_by, r.request_id),
            |c, r| {
                let reason = c.open("reason", &r.reason)?;
                Ok((r, reason))
            },
        )
        .await?;
    let pseudonyms = pseudonyms(scope).await?;
    let mut names: Option<HashMap<Uuid, String>> = None;
    let mut revealed = Vec::new();
    let mut views = Vec::with_capacity(requests.len());
    for (row, reason) in requests {
        let approved = row.approved_by.is_some();
        let requested_role = Role::parse(&row.requested_role).ok_or(AppError::Internal)?;
        let mine = row.requested_by == me;
        let revealed_name = if approved && mine && row.requester_in_force {
            if names.is_none() {
                let keys = &scope.backend.keys;
                names = Some(employee_names(&mut scope.tx, keys, tenant_id).await?);
            }
            let names = names.as_ref().expect("loaded above");
            let employee = pseudonyms.find(names.keys().copied(), &row.pseudonym);
            revealed.push(
                employee
                    .into_iter()
                    .chain([row.request_id])
                    .collect::<Vec<_>>(),
            );
            employee.and_then(|id| names.get(&id).cloned())
        } else {
            None
        };
        views.push(ReidentificationView {
            id: row.request_id,
            pseudonym: row.pseudonym,
            requested_by_me: mine,
            requested_role: requested_role.as_str().to_owned(),
            reason,
            approved,
            can_approve: !approved && !mine && counterpart(requested_role) == Some(role),
            requested_at: row.created_at,
            open_until: row.open_until,
            revealed_name,
        });
    }
    for named in &revealed {
        let event = scope
            .event(audited(ReviewAudit::ReidentificationRevealed))
            .subjects(named);
        scope.audit(event).await?;
    }
    Ok(views)
}

/// How far back the review page shows changes of the reviewer roles.
const ROLE_CHANGES_SHOWN_DAYS: i64 = 90;

/// Who entered or left the DPO's or works council's role lately, as `reviewer` sees
/// employees; empty for everyone else.
pub(super) async fn reviewer_role_changes(
    scope: &mut Scope,
    reviewer: &Reviewer,
    filter: &AuditFilter,
) -> AppResult<Vec<ReviewerRoleChange>> {
    if filter.own || !scope.may(Area::Audit, Action::Reidentify) {
        return Ok(Vec::new());
    }
    let since = OffsetDateTime::now_utc() - Duration::days(ROLE_CHANGES_SHOWN_DAYS);
    let rows = storage::reviewer_role_changes(scope.conn(), since).await?;
    Ok(rows
        .into_iter()
        .map(|r| ReviewerRoleChange {
            employee: reviewer.actor_label(r.user_id),
            old_role: r.old_role.as_deref().and_then(Role::parse),
            new_role: r.new_role.as_deref().and_then(Role::parse),
            at: r.changed_at,
            in_force_from: r.in_force_from,
        })
        .collect())
}
