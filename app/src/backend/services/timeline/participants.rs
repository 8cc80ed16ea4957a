//! When a contact's identity changes, its timeline follows: erasure removes it from
//! shared entries (see the module comment of `timeline`), a merge moves its entries
//! to the survivor and undoing the merge moves them back.

use super::{erase_unaudited, storage, TABLE};
use crate::backend::search::RecordKind;
use crate::backend::Scope;
use crate::AppResult;
use uuid::Uuid;

/// Erasure of a contact reaches the timeline (see the module comment). Called by the
/// contact service, which audits the erasure.
pub async fn erase_participant(
    scope: &mut Scope,
    contact: Uuid,
    addresses: &[String],
) -> AppResult<()> {
    let ids = storage::linked_to(scope.conn(), contact).await?;
    if ids.is_empty() {
        return Ok(());
    }
    let links = storage::links(scope.conn(), &ids).await?;
    let rows = storage::find_many(scope.conn(), &ids).await?;
    for row in rows {
        let id = row.interaction_id;
        let others = links
            .iter()
            .filter(|(i, kind, record)| {
                *i == id && *kind == RecordKind::Contact as i16 && *record != contact
            })
            .count();
        if others == 0 {
            erase_unaudited(scope, id).await?;
            continue;
        }
        storage::unlink(scope.conn(), id, contact).await?;
        if row.is_sealed() {
            let key = scope.subject_key(id).await?;
            let cipher = scope.cipher(&key, TABLE, id);
            let mut opened = row.open(Some(&cipher))?;
            let before = opened.participants.len();
            opened
                .participants
                .retain(|p| !addresses.iter().any(|a| a.eq_ignore_ascii_case(&p.address)));
            if opened.participants.len() != before {
                let sealed = storage::seal_participants(&cipher, &opened.participants);
                storage::reseal_participants(scope.conn(), id, sealed).await?;
            }
        }
    }
    Ok(())
}

/// Moves every entry of `from` onto `to` (a merge). Returns the entries that were
/// only `from`'s (now `to`'s) and those both had (now just `to`'s).
pub async fn move_links(
    scope: &mut Scope,
    from: Uuid,
    to: Uuid,
) -> AppResult<(Vec<Uuid>, Vec<Uuid>)> {
    let ids = storage::linked_to(scope.conn(), from).await?;
    let already: Vec<Uuid> = storage::linked_to(scope.conn(), to).await?;
    let rows = storage::find_many(scope.conn(), &ids).await?;
    let tenant_id = scope.tenant_id();
    let (mut moved, mut shared) = (Vec::new(), Vec::new());
    for row in &rows {
        let id = row.interaction_id;
        storage::unlink(scope.conn(), id, from).await?;
        if already.contains(&id) {
            shared.push(id);
        } else {
            storage::link(
                scope.conn(),
                tenant_id,
                id,
                row.kind(),
                row.occurred_at,
                &[(RecordKind::Contact, to)],
            )
            .await?;
            moved.push(id);
        }
    }
    Ok((moved, shared))
}

/// Undoes [`move_links`]: `moved` go back from `to` to `from`, `shared` get `from` again.
pub async fn restore_links(
    scope: &mut Scope,
    moved: &[Uuid],
    shared: &[Uuid],
    from: Uuid,
    to: Uuid,
) -> AppResult<()> {
    let all: Vec<Uuid> = moved.iter().chain(shared).copied().collect();
    let rows = storage::find_many(scope.conn(), &all).await?;
    let tenant_id = scope.tenant_id();
    for row in &rows {
        let id = row.interaction_id;
        if moved.contains(&id) {
            storage::unlink(scope.conn(), id, to).await?;
        }
        storage::link(
            scope.conn(),
            tenant_id,
            id,
            row.kind(),
            row.occurred_at,
            &[(RecordKind::Contact, from)],
        )
        .await?;
    }
    Ok(())
}
