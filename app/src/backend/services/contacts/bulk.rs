//! Bulk actions on selected contacts: add a tag, change the owner or stage, delete.
//! All or nothing in one transaction, with the count the user confirmed, audited as
//! one entry naming every id.

use super::{audited, delete_unaudited, locked_input, write_unaudited};
use crate::backend::Scope;
use crate::model::contacts::ContactAudit;
use crate::model::permission::{Action, Area};
use crate::model::views::{with_tag, BulkChange, BulkRequest};
use crate::AppResult;
use std::collections::BTreeSet;

/// Applies `request`; returns how many contacts changed.
pub async fn bulk(scope: &mut Scope, request: &BulkRequest) -> AppResult<usize> {
    let deleting = request.change == BulkChange::Delete;
    scope.require(Area::Contacts, Action::Bulk)?;
    scope.require(
        Area::Contacts,
        if deleting {
            Action::Delete
        } else {
            Action::Update
        },
    )?;
    request.validate().into_result()?;
    let mut ids = request.ids.clone();
    ids.sort_unstable();
    ids.dedup();
    if deleting {
        for id in &ids {
            delete_unaudited(scope, *id).await?;
        }
        let event = scope
            .event(audited(ContactAudit::BulkDelete))
            .subjects(&ids);
        scope.audit(event).await?;
        return Ok(ids.len());
    }
    let mut fields = BTreeSet::new();
    let mut changed = Vec::new();
    for id in &ids {
        let before = locked_input(scope, *id, None).await?;
        let mut input = before.clone();
        match &request.change {
            BulkChange::AddTag(tag) => input.tags = with_tag(&input.tags, tag),
            BulkChange::Owner(owner) => input.owner_id = *owner,
            BulkChange::Stage(stage) => input.stage = *stage,
            BulkChange::Delete => unreachable!("handled above"),
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
            .event(audited(ContactAudit::BulkUpdate))
            .subjects(&changed)
            .fields(&fields);
        scope.audit(event).await?;
    }
    Ok(changed.len())
}
