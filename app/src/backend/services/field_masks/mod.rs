//! Field masks: the rules. The scope loads what the principal's role does not see
//! with the role itself (`Scope::field_mask`); contacts' services apply it before
//! anything leaves them (a record, a list, an export) and restore it into what such
//! a user saves. Owners and administrators set the masks here.

pub mod storage;

use crate::backend::Scope;
use crate::model::audit::AuditAction;
use crate::model::field_masks::{FieldMasks, MaskedField};
use crate::model::identity::{Role, TeamAudit};
use crate::model::permission::{Action, Area};
use crate::model::validation::{FieldErrors, Problem};
use crate::{AppError, AppResult};

/// Every mask of the workspace, for the team page.
pub async fn all(scope: &mut Scope) -> AppResult<FieldMasks> {
    scope.require(Area::Team, Action::Read)?;
    let rows = storage::all(scope.conn()).await?;
    Ok(FieldMasks(
        rows.iter()
            .filter_map(|(r, f)| Some((Role::parse(r)?, MaskedField::parse(f)?)))
            .collect(),
    ))
}

/// Replaces the workspace's masks with `masks`, each `role:field`.
pub async fn set(scope: &mut Scope, masks: &[String]) -> AppResult<()> {
    scope.require(Area::Team, Action::Configure)?;
    let parsed: Option<Vec<(Role, MaskedField)>> = masks
        .iter()
        .map(|m| {
            let (role, field) = m.split_once(':')?;
            Some((Role::parse(role)?, MaskedField::parse(field)?))
        })
        .collect();
    let mut parsed = parsed.ok_or_else(|| {
        AppError::Validation(FieldErrors::single("masks", Problem::InvalidChoice))
    })?;
    parsed.sort_by_key(|(r, f)| (r.as_str(), f.code()));
    parsed.dedup();
    let roles: Vec<String> = parsed.iter().map(|(r, _)| r.as_str().to_owned()).collect();
    let fields: Vec<String> = parsed.iter().map(|(_, f)| f.code().to_owned()).collect();
    let tenant_id = scope.tenant_id();
    storage::replace(scope.conn(), tenant_id, &roles, &fields).await?;
    let event = scope.event(AuditAction::Team(TeamAudit::FieldMasksChanged));
    scope.audit(event).await
}
