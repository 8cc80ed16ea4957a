//! The tenant's log settings: retention, and the owner's wider view of the log, which
//! needs a data protection officer's and a works council member's approval. The
//! database holds the same rules (migration `wider_view_approval`): the application
//! role cannot switch the view on without both.

use super::reidentification::require_role_in_force;
use super::{audited, storage};
use crate::backend::Scope;
use crate::model::audit::{AuditSettingsView, ReviewAudit, WideningRequest};
use crate::model::identity::Role;
use crate::model::permission::{Action, Area};
use crate::model::validation::{FieldErrors, Problem};
use crate::{AppError, AppResult};

/// Owners (who configure) and the reviewers (who approve) read the settings.
fn require_reader(scope: &Scope) -> AppResult<()> {
    if AuditSettingsView::readable_with(|area, action| scope.may(area, action)) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn load(scope: &mut Scope) -> AppResult<AuditSettingsView> {
    require_reader(scope)?;
    let row = storage::settings(scope.conn()).await?;
    let role = scope.principal.role;
    let widening = row.widening_requested_at.map(|at| WideningRequest {
        requested_at: at,
        dpo_approved: row.widening_dpo_approved_by.is_some(),
        works_council_approved: row.widening_wc_approved_by.is_some(),
    });
    let open_for_me = widening.as_ref().is_some_and(|w| match role {
        Role::DataProtectionOfficer => !w.dpo_approved,
        Role::WorksCouncil => !w.works_council_approved,
        _ => false,
    });
    let me = scope.user_id();
    let may_approve = open_for_me
        && row.widening_requested_by != Some(me)
        && require_role_in_force(scope, me, "approval").await.is_ok();
    Ok(AuditSettingsView {
        retention_days: row.retention_days,
        may_narrow: row.admins_see_all || row.widening_requested_at.is_some(),
        admins_see_all: row.admins_see_all,
        widening,
        may_approve,
    })
}

/// The owner saves the retention period and switches the wider view off, or asks
/// for it: asking records a request the DPO and the works council approve.
pub async fn update(scope: &mut Scope, retention_days: i32, admins_see_all: bool) -> AppResult<()> {
    scope.require(Area::Audit, Action::Configure)?;
    if !(30..=3650).contains(&retention_days) {
        return Err(AppError::Validation(FieldErrors::single(
            "retention_days",
            Problem::TooLong { max: 3650 },
        )));
    }
    let tenant_id = scope.tenant_id();
    let current = storage::settings(scope.conn()).await?;
    storage::save_retention(scope.conn(), tenant_id, retention_days).await?;
    let mut fields = vec!["retention_days"];
    if !admins_see_all && (current.admins_see_all || current.widening_requested_at.is_some()) {
        storage::narrow_view(scope.conn()).await?;
        fields.push("admins_see_all");
    }
    let event = scope
        .event(audited(ReviewAudit::SettingsChanged))
        .fields(&fields);
    scope.audit(event).await?;
    if admins_see_all && !current.admins_see_all && current.widening_requested_at.is_none() {
        let me = scope.user_id();
        storage::request_wider_view(scope.conn(), me).await?;
        let event = scope.event(audited(ReviewAudit::WiderViewRequested));
        scope.audit(event).await?;
    }
    Ok(())
}

/// A DPO or works council member approves the owner's request; the second of the
/// two roles to approve switches the wider view on.
pub async fn approve_wider_view(scope: &mut Scope) -> AppResult<()> {
    scope.require(Area::Audit, Action::Reidentify)?;
    let (me, role) = (scope.user_id(), scope.principal.role);
    let current = storage::settings(scope.conn()).await?;
    if current.widening_requested_at.is_none() {
        return Err(AppError::NotFound);
    }
    if current.widening_requested_by == Some(me) {
        return Err(AppError::Forbidden);
    }
    require_role_in_force(scope, me, "approval").await?;
    let approved = match role {
        Role::DataProtectionOfficer => current.widening_dpo_approved_by.is_some(),
        Role::WorksCouncil => current.widening_wc_approved_by.is_some(),
        _ => return Err(AppError::Forbidden),
    };
    if approved {
        return Err(AppError::Conflict);
    }
    storage::approve_wider_view(scope.conn(), me, role == Role::DataProtectionOfficer).await?;
    let event = scope.event(audited(ReviewAudit::WiderViewApproved));
    scope.audit(event).await
}

/// Switches the wider view off, or withdraws or declines the request for it: the
/// owner, a DPO or a works council member, at once.
pub async fn narrow(scope: &mut Scope) -> AppResult<()> {
    require_reader(scope)?;
    storage::narrow_view(scope.conn()).await?;
    let event = scope
        .event(audited(ReviewAudit::SettingsChanged))
        .fields(&["admins_see_all"]);
    scope.audit(event).await
}
