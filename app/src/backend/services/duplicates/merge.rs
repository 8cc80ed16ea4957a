//! Merging two contacts: the survivor takes the chosen fields and every e-mail,
//! phone and tag of the duplicate; every timeline entry, task and appointment moves to
//! it; the duplicate is hidden, not erased, so that the merge can be undone until the
//! survivor is changed again. Both ids are named in the audit entries of merge and undo.

use super::storage::{self, MergeRow, NewMerge};
use crate::backend::search::{self, RecordKind};
use crate::backend::services::contacts::{self, storage as contact_storage};
use crate::backend::services::{calendar, tasks, timeline};
use crate::backend::Scope;
use crate::model::audit::AuditAction;
use crate::model::contacts::{Contact, ContactAudit, ContactField, ContactInput, CHANNEL_SLOTS};
use crate::model::duplicates::{MergePreview, MergeRecord, MergeRequest, CHOOSABLE};
use crate::model::permission::{Action, Area};
use crate::model::records::{parse_tags, tags_text};
use crate::model::timeline::HistoryEvent;
use crate::{AppError, AppResult};
use uuid::Uuid;

const SNAPSHOT: &str = "merge_before";

fn value(input: &ContactInput, field: ContactField) -> String {
    let mut one = ContactInput::default();
    take(&mut one, input, field);
    format!("{one:?}")
}

/// Copies one field from `from` into `into`.
fn take(into: &mut ContactInput, from: &ContactInput, field: ContactField) {
    use ContactField::*;
    match field {
        Salutation => into.salutation = from.salutation,
        Title => into.title = from.title.clone(),
        FirstName => into.first_name = from.first_name.clone(),
        LastName => into.last_name = from.last_name.clone(),
        Address => into.address = from.address.clone(),
        Birthday => into.birthday = from.birthday.clone(),
        PreferredLanguage => into.preferred_language = from.preferred_language.clone(),
        Organisation => into.organisation_id = from.organisation_id,
        Position => into.position = from.position.clone(),
        Owner => into.owner_id = from.owner_id,
        Classification => into.classification = from.classification,
        Stage => into.stage = from.stage,
        Notes => into.notes = from.notes.clone(),
        ExternalId => into.external_id = from.external_id.clone(),
        Emails | Phones | Tags | Channels => {}
    }
}

/// The survivor after the merge: chosen fields from the duplicate, lists joined.
pub fn combine(
    survivor: &ContactInput,
    duplicate: &ContactInput,
    fields: &[ContactField],
) -> ContactInput {
    let mut merged = survivor.clone();
    for field in fields {
        take(&mut merged, duplicate, *field);
    }
    for email in &duplicate.emails {
        let known = merged
            .emails
            .iter()
            .any(|e| e.address.eq_ignore_ascii_case(&email.address));
        if !known && merged.emails.len() < CHANNEL_SLOTS {
            merged.emails.push(email.clone());
        }
    }
    for phone in &duplicate.phones {
        let digits = |n: &str| n.chars().filter(char::is_ascii_digit).collect::<String>();
        let known = merged
            .phones
            .iter()
            .any(|p| digits(&p.number) == digits(&phone.number));
        if !known && merged.phones.len() < CHANNEL_SLOTS {
            merged.phones.push(phone.clone());
        }
    }
    if merged.external_id.is_empty() {
        merged.external_id = duplicate.external_id.clone();
    }
    let mut tags = parse_tags(&merged.tags);
    tags.extend(parse_tags(&duplicate.tags));
    merged.tags = tags_text(&parse_tags(&tags.join(",")));
    let mut channels = merged.channels();
    channels.extend(duplicate.channels());
    merged.set_channels(&channels);
    merged.normalized()
}

/// Both records side by side, what differs, and what would move.
pub async fn preview(
    scope: &mut Scope,
    survivor: Uuid,
    duplicate: Uuid,
) -> AppResult<MergePreview> {
    scope.require(Area::Contacts, Action::Update)?;
    if survivor == duplicate {
        return Err(AppError::BadRequest);
    }
    let s: Contact = contacts::get(scope, survivor).await?;
    let d: Contact = contacts::get(scope, duplicate).await?;
    let differing = CHOOSABLE
        .iter()
        .copied()
        .filter(|f| value(&s.input, *f) != value(&d.input, *f))
        .collect();
    let interactions = timeline::storage::linked_to(scope.conn(), duplicate)
        .await?
        .len();
    let tasks = tasks::storage::of_contact(scope.conn(), duplicate)
        .await?
        .len();
    let appointments = calendar::storage::with_contact(scope.conn(), duplicate)
        .await?
        .len();
    Ok(MergePreview {
        survivor: s,
        duplicate: d,
        differing,
        interactions,
        tasks,
        appointments,
    })
}

pub async fn merge(scope: &mut Scope, request: &MergeRequest) -> AppResult<Contact> {
    scope.require(Area::Contacts, Action::Update)?;
    scope.require(Area::Contacts, Action::Delete)?;
    let (s, d) = (request.survivor, request.duplicate);
    if s == d {
        return Err(AppError::BadRequest);
    }
    // Lock both in id order, so two merges of the same pair cannot deadlock.
    let rows = contact_storage::find_for_update(scope.conn(), &[s, d]).await?;
    if rows.len() != 2 {
        return Err(AppError::NotFound);
    }
    let before = contacts::locked_input(scope, s, Some(request.version)).await?;
    let duplicate = contacts::locked_input(scope, d, None).await?;
    let fields = request.fields();
    let merged = combine(&before, &duplicate, &fields);
    merged.validate().into_result()?;

    let changed = contacts::write_unaudited(scope, s, &before, &merged).await?;
    let (moved_interactions, shared_interactions) = timeline::move_links(scope, d, s).await?;
    let moved_tasks = tasks::move_contact(scope, d, s).await?;
    let (moved_appointments, shared_appointments) = calendar::move_contact(scope, d, s).await?;
    contact_storage::set_merged_into(scope.conn(), d, Some(s)).await?;
    search::forget(scope.conn(), d).await?;

    let key = scope.subject_key(s).await?;
    let snapshot = scope
        .cipher(&key, contact_storage::TABLE, s)
        .seal_json(SNAPSHOT, &before);
    let survivor_version = request.version + 1;
    let field_names: Vec<String> = changed.iter().map(|f| f.to_string()).collect();
    let tenant_id = scope.tenant_id();
    let merged_by = scope.user_id();
    let merge = NewMerge {
        id: Uuid::now_v7(),
        survivor: s,
        duplicate: d,
        survivor_before: snapshot,
        survivor_version,
        fields: &field_names,
        moved_interactions: &moved_interactions,
        shared_interactions: &shared_interactions,
        moved_tasks: &moved_tasks,
        moved_appointments: &moved_appointments,
        shared_appointments: &shared_appointments,
        merged_by,
    };
    storage::insert(scope.conn(), tenant_id, &merge).await?;
    timeline::record_history(
        scope,
        (RecordKind::Contact, s),
        HistoryEvent::Merged { merged: d },
    )
    .await?;
    let both = [s, d];
    let event = scope
        .event(AuditAction::Contact(ContactAudit::Merge))
        .subjects(&both)
        .fields(&changed);
    scope.audit(event).await?;
    contacts::get(scope, s).await
}

/// Undoes a merge: the survivor as it was, the duplicate back, everything moved
/// back. Refused (`Conflict`) once the survivor was changed after the merge.
pub async fn undo(scope: &mut Scope, merge_id: Uuid) -> AppResult<Contact> {
    scope.require(Area::Contacts, Action::Update)?;
    let row: MergeRow = storage::find_for_update(scope.conn(), merge_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if row.undone_at.is_some() {
        return Err(AppError::Conflict);
    }
    let (s, d) = (row.survivor_id, row.duplicate_id);
    let current = contacts::locked_input(scope, s, Some(row.survivor_version)).await?;
    let key = scope.subject_key(s).await?;
    let before: ContactInput = scope
        .cipher(&key, contact_storage::TABLE, s)
        .open_json(SNAPSHOT, &row.survivor_before_ct)?;
    let duplicate_row = contact_storage::find_merged(scope.conn(), d, s)
        .await?
        .ok_or(AppError::NotFound)?;
    let duplicate_key = scope.subject_key(d).await?;
    let duplicate = duplicate_row.open(&scope.cipher(&duplicate_key, contact_storage::TABLE, d))?;

    contacts::write_unaudited(scope, s, &current, &before).await?;
    contact_storage::set_merged_into(scope.conn(), d, None).await?;
    contacts::write_unaudited(scope, d, &duplicate, &duplicate).await?;
    timeline::restore_links(
        scope,
        &row.moved_interactions,
        &row.shared_interactions,
        d,
        s,
    )
    .await?;
    tasks::relink(scope, &row.moved_tasks, d).await?;
    calendar::restore_contact(
        scope,
        &row.moved_appointments,
        &row.shared_appointments,
        d,
        s,
    )
    .await?;
    let me = scope.user_id();
    storage::mark_undone(scope.conn(), merge_id, me).await?;
    timeline::record_history(
        scope,
        (RecordKind::Contact, s),
        HistoryEvent::MergeUndone { restored: d },
    )
    .await?;
    let both = [s, d];
    let event = scope
        .event(AuditAction::Contact(ContactAudit::MergeUndone))
        .subjects(&both);
    scope.audit(event).await?;
    contacts::get(scope, s).await
}

/// The merges into a contact, newest first.
pub async fn history(scope: &mut Scope, survivor: Uuid) -> AppResult<Vec<MergeRecord>> {
    scope.require(Area::Contacts, Action::Read)?;
    let rows = storage::of_survivor(scope.conn(), survivor).await?;
    let current_version = contact_storage::find(scope.conn(), survivor)
        .await?
        .map(|r| r.version);
    let ids: Vec<Uuid> = rows.iter().map(|r| r.duplicate_id).collect();
    let names = contacts::names_unaudited(scope, &ids).await?;
    if !ids.is_empty() {
        let fields = [
            ContactField::FirstName.name(),
            ContactField::LastName.name(),
        ];
        let event = scope
            .event(AuditAction::Contact(ContactAudit::List))
            .subjects(&ids)
            .fields(&fields);
        scope.audit(event).await?;
    }
    Ok(rows
        .into_iter()
        .map(|r| MergeRecord {
            id: r.merge_id,
            survivor: r.survivor_id,
            duplicate: r.duplicate_id,
            duplicate_name: names.get(&r.duplicate_id).cloned().unwrap_or_default(),
            fields: r.fields,
            moved: r.moved_interactions.len() + r.moved_tasks.len() + r.moved_appointments.len(),
            merged_by: r.merged_by,
            merged_at: r.merged_at,
            can_undo: r.undone_at.is_none() && current_version == Some(r.survivor_version),
            undone_at: r.undone_at,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::contacts::{EmailEntry, EmailKind, LifecycleStage};

    fn person(first: &str, email: &str) -> ContactInput {
        ContactInput {
            first_name: first.into(),
            last_name: "Müller".into(),
            emails: vec![EmailEntry {
                kind: EmailKind::Work,
                address: email.into(),
            }],
            tags: "VIP".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_merge_takes_chosen_fields_and_joins_lists() {
        let s = person("Jörg", "joerg@example.de");
        let d = ContactInput {
            position: "Einkauf".into(),
            stage: LifecycleStage::Customer,
            tags: "vip, Messe".into(),
            ..person("Joerg", "JOERG@example.de")
        };
        let merged = combine(&s, &d, &[ContactField::Position]);
        assert_eq!(merged.first_name, "Jörg", "not chosen: the survivor's");
        assert_eq!(merged.position, "Einkauf");
        assert_eq!(merged.stage, LifecycleStage::Lead);
        assert_eq!(merged.emails.len(), 1, "the same address once");
        assert_eq!(merged.tags, "VIP, Messe");
        let with_second = ContactInput {
            emails: vec![EmailEntry {
                kind: EmailKind::Private,
                address: "j@privat.de".into(),
            }],
            ..d
        };
        assert_eq!(combine(&s, &with_second, &[]).emails.len(), 2);
    }
}
