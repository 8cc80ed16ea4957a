//! Four-eyes re-identification: the data protection officer or the works council asks
//! who is behind a pseudonym, a person of the other role approves, and the requester
//! sees the name for 24 hours. Every step is logged.

use super::storage;
use crate::backend::audit::pseudonyms::Pseudonyms;
use crate::backend::services::identity::employee_names;
use crate::backend::Scope;
use crate::model::audit::{AuditAction, ReidentificationView, ReviewAudit};
use crate::model::identity::Role;
use crate::model::permission::{Action, Area};
use crate::model::validation::{required, FieldErrors, Problem};
use crate::{AppError, AppResult};
use std::collections::HashMap;
use uuid::Uuid;

/// How long an approval lets the requester see the name.
const VALIDITY_HOURS: i32 = 24;
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

fn audited(action: ReviewAudit) -> AuditAction {
    AuditAction::Audit(action)
}

/// Asks to learn who is behind a pseudonym (data protection officer or works council).
pub async fn request(scope: &mut Scope, pseudonym: &str, reason: &str) -> AppResult<Uuid> {
    scope.require(Area::Audit, Action::Reidentify)?;
    let (pseudonym, reason) = (pseudonym.trim(), reason.trim());
    let mut errors = FieldErrors::new();
    errors.check("reason", required(reason, 500));
    errors.into_result()?;
    let users = storage::employee_ids(scope.conn()).await?;
    if pseudonyms(scope).await?.find(users, pseudonym).is_none() {
        return Err(AppError::Validation(FieldErrors::single(
            "pseudonym",
            Problem::Required,
        )));
    }
    let (tenant_id, me, role) = (scope.tenant_id(), scope.user_id(), scope.principal.role);
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
    let event = scope.event(audited(ReviewAudit::ReidentificationRequested));
    scope.audit(event).await?;
    Ok(id)
}

/// The other role approves, by a different person; valid for 24 hours.
pub async fn approve(scope: &mut Scope, request_id: Uuid) -> AppResult<()> {
    scope.require(Area::Audit, Action::Reidentify)?;
    let (me, role) = (scope.user_id(), scope.principal.role);
    let request = storage::request_for_update(scope.conn(), request_id).await?;
    let (requested_by, requested_role, approved_by) = request.ok_or(AppError::NotFound)?;
    let requested_role = Role::parse(&requested_role).ok_or(AppError::Internal)?;
    if approved_by.is_some() {
        return Err(AppError::Conflict);
    }
    if requested_by == me || counterpart(requested_role) != Some(role) {
        return Err(AppError::Forbidden);
    }
    storage::approve_request(scope.conn(), request_id, me, VALIDITY_HOURS).await?;
    let event = scope.event(audited(ReviewAudit::ReidentificationApproved));
    scope.audit(event).await
}

/// Open and recent requests; the requester sees the name while the approval lasts.
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
    let mut views = Vec::with_capacity(requests.len());
    for (row, reason) in requests {
        let approved = row.approved_by.is_some();
        let requested_role = Role::parse(&row.requested_role).ok_or(AppError::Internal)?;
        let revealed_name = if approved && row.requested_by == me {
            if names.is_none() {
                let keys = &scope.backend.keys;
                names = Some(employee_names(&mut scope.tx, keys, tenant_id).await?);
            }
            let names = names.as_ref().expect("loaded above");
            pseudonyms
                .find(names.keys().copied(), &row.pseudonym)
                .and_then(|id| names.get(&id).cloned())
        } else {
            None
        };
        views.push(ReidentificationView {
            id: row.request_id,
            pseudonym: row.pseudonym,
            requested_by_me: row.requested_by == me,
            requested_role: requested_role.as_str().to_owned(),
            reason,
            approved,
            can_approve: !approved
                && row.requested_by != me
                && counterpart(requested_role) == Some(role),
            revealed_name,
        });
    }
    if names.is_some() {
        let event = scope.event(audited(ReviewAudit::ReidentificationRevealed));
        scope.audit(event).await?;
    }
    Ok(views)
}
