//! Bulk actions on selected organisations: add a tag, change the owner, delete.
//! All or nothing in one transaction, audited as one entry naming every id.

use super::{audited, delete_unaudited, locked_input, write_unaudited};
use crate::backend::Scope;
use crate::model::organisations::OrganisationAudit;
use crate::model::permission::{Action, Area};
use crate::model::validation::{FieldErrors, Problem};
use crate::model::views::{with_tag, BulkChange, BulkRequest};
use crate::{AppError, AppResult};

/// Tags, a new owner or deletion for many organisations at once (see
/// `contacts::bulk`): the confirmed count, all or nothing, one audit entry.
pub async fn bulk(scope: &mut Scope, request: &BulkRequest) -> AppResult<usize> {
    scope.require(Area::Organisations, Action::Bulk)?;
    let deleting = request.change == BulkChange::Delete;
    let action = if deleting {
        Action::Delete
    } else {
        Action::Update
    };
    scope.require(Area::Organisations, action)?;
    request.validate().into_result()?;
    if matches!(request.change, BulkChange::Stage(_)) {
        return Err(AppError::Validation(FieldErrors::single(
            "change",
            Problem::InvalidChoice,
        )));
    }
    let mut ids = request.ids.clone();
    ids.sort_unstable();
    ids.dedup();
    if deleting {
        for id in &ids {
            delete_unaudited(scope, *id).await?;
        }
        let event = scope
            .event(audited(OrganisationAudit::BulkDelete))
            .subjects(&ids);
        scope.audit(event).await?;
        return Ok(ids.len());
    }
    let mut fields = std::collections::BTreeSet::new();
    let mut changed = Vec::new();
    for id in &ids {
        let before = locked_input(scope, *id).await?;
        let mut input = before.clone();
        match &request.change {
            BulkChange::AddTag(tag) => input.tags = with_tag(&input.tags, tag),
            BulkChange::Owner(owner) => input.owner_id = *owner,
            BulkChange::Stage(_) | BulkChange::Delete => unreachable!("refused above"),
        }
        let input = input.normalized();
        if input == before.normalized() {
            continue;
        }
        input.validate().into_result()?;
        fields.extend(write_unaudited(scope, *id, &before, &input).await?);
        changed.push(*id);
    }
    if !changed.is_empty() {
        let fields: Vec<&str> = fields.into_iter().collect();
        let event = scope
            .event(audited(OrganisationAudit::BulkUpdate))
            .subjects(&changed)
            .fields(&fields);
        scope.audit(event).await?;
    }
    Ok(changed.len())
}
