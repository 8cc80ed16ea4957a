//! Contacts: the rules. Every personal field is sealed under the contact's own key
//! ([`storage`]); lists are keyset pages on creation or change time (plaintext
//! metadata) or, for tenants up to [`NAME_SORT_LIMIT`] contacts, ordered by name in
//! memory; a text filter is a ranked blind-index search. Every read and change is
//! audited here.

mod bulk;
mod listing;
pub mod storage;

pub use bulk::bulk;
pub use listing::{list, summaries_unaudited};

use crate::backend::crypto::{open_rows, KeyStore};
use crate::backend::search::{self, Fingerprint, RecordKind};
use crate::backend::services::{calendar, organisations, tasks, timeline};
use crate::backend::subjects::{BoxFuture, SubjectKind};
use crate::backend::Scope;
use crate::model::audit::{AuditAction, DataSubject};
use crate::model::contacts::{
    Contact, ContactAudit, ContactField, ContactInput, ContactPatch, RecordRef,
};
use crate::model::permission::{Action, Area};
use crate::model::timeline::HistoryEvent;
use crate::model::validation::{FieldErrors, Problem};
use crate::{AppError, AppResult};
use sqlx::PgConnection;
use std::collections::HashMap;
use storage::{SealedInput, SEALED_FIELDS, TABLE};
use uuid::Uuid;

/// A subject key is replaced well before AES-GCM's random-nonce limit.
const REKEY_AFTER_ENCRYPTIONS: i64 = 1 << 30;

pub(crate) fn audited(action: ContactAudit) -> AuditAction {
    AuditAction::Contact(action)
}

fn all_fields() -> Vec<&'static str> {
    ContactField::all().map(ContactField::name).collect()
}

/// Contacts are data subjects: reviewers see them as "Last, First"; an export is the
/// contact as its detail page shows it; erasure is [`delete`].
pub const SUBJECT_KIND: SubjectKind = SubjectKind {
    kind: DataSubject::Contact,
    labels: subject_labels,
    export: |scope, id| {
        Box::pin(async move {
            match get(scope, id).await {
                Ok(contact) => Ok(Some(
                    serde_json::to_value(contact).map_err(|_| AppError::Internal)?,
                )),
                Err(AppError::NotFound) => Ok(None),
                Err(err) => Err(err),
            }
        })
    },
    erase: Some(|scope, id| {
        Box::pin(async move {
            match delete(scope, id).await {
                Ok(()) => Ok(true),
                Err(AppError::NotFound) => Ok(false),
                Err(err) => Err(err),
            }
        })
    }),
};

fn subject_labels<'a>(
    conn: &'a mut PgConnection,
    keys: &'a KeyStore,
    tenant_id: Uuid,
    ids: &'a [Uuid],
) -> BoxFuture<'a, AppResult<HashMap<Uuid, String>>> {
    Box::pin(async move {
        let rows = storage::names_by_ids(conn, ids).await?;
        let names = open_rows(
            keys,
            conn,
            tenant_id,
            TABLE,
            rows,
            |r| (r.contact_id, r.contact_id),
            |c, r| r.open(c),
        )
        .await?;
        Ok(names
            .into_iter()
            .map(|(id, first, last)| (id, format!("{last}, {first}")))
            .collect())
    })
}

/// Names (`First Last`) of contacts another area shows beside its own data. That
/// area's audit entry names these contacts; erased ones are absent.
pub async fn names_unaudited(scope: &mut Scope, ids: &[Uuid]) -> AppResult<HashMap<Uuid, String>> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = storage::names_by_ids(scope.conn(), &ids).await?;
    Ok(scope
        .open_rows(
            TABLE,
            rows,
            |r| (r.contact_id, r.contact_id),
            |c, r| r.open(c),
        )
        .await?
        .into_iter()
        .map(|(id, first, last)| (id, format!("{first} {last}")))
        .collect())
}

/// Each existing contact's organisation (plaintext metadata; no personal data).
pub async fn organisation_ids(
    scope: &mut Scope,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Option<Uuid>>> {
    storage::organisation_ids(scope.conn(), ids).await
}

/// Names (`First Last`) of contacts other areas link to; audited as a listing.
pub async fn names(scope: &mut Scope, ids: &[Uuid]) -> AppResult<HashMap<Uuid, String>> {
    scope.require(Area::Contacts, Action::Read)?;
    let names = names_unaudited(scope, ids).await?;
    if names.is_empty() {
        return Ok(names);
    }
    let shown: Vec<Uuid> = names.keys().copied().collect();
    let fields = [
        ContactField::FirstName.name(),
        ContactField::LastName.name(),
    ];
    let event = scope
        .event(audited(ContactAudit::List))
        .subjects(&shown)
        .fields(&fields);
    scope.audit(event).await?;
    Ok(names)
}

/// One contact, decrypted, with its organisation and stage history; the read is
/// audited with every field.
pub async fn get(scope: &mut Scope, id: Uuid) -> AppResult<Contact> {
    scope.require(Area::Contacts, Action::Read)?;
    let contact = load(scope, id).await?;
    // (`load` already hid what the principal's role may not see.)
    let fields = all_fields();
    let event = scope
        .event(audited(ContactAudit::Read))
        .subjects(std::slice::from_ref(&id))
        .fields(&fields);
    scope.audit(event).await?;
    Ok(contact)
}

/// The contact as [`get`] returns it (without the fields masked from the principal's
/// role), without the read entry: for answering a write with what was just written.
async fn load(scope: &mut Scope, id: Uuid) -> AppResult<Contact> {
    let row = storage::find(scope.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let key = scope.subject_key(id).await?;
    let mut input = row.open(&scope.cipher(&key, TABLE, id))?;
    scope.field_mask.apply(&mut input);
    let organisation = if scope.may(Area::Organisations, Action::Read) {
        organisations::record_ref(scope, input.organisation_id).await?
    } else {
        None
    };
    let stage_history = storage::stage_history(scope.conn(), id).await?;
    Ok(Contact {
        id,
        input,
        organisation,
        stage_history,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// Contacts that are likely the same person: a shared e-mail or phone, or the same
/// folded name at the same organisation.
pub async fn likely_duplicates(
    scope: &mut Scope,
    input: &ContactInput,
    except: Option<Uuid>,
) -> AppResult<Vec<Uuid>> {
    let index = scope.index_key().await?;
    let mut checks: Vec<(Fingerprint, Vec<u8>)> = input
        .emails
        .iter()
        .map(|e| (Fingerprint::Email, index.email(&e.address)))
        .collect();
    checks.extend(
        input
            .phones
            .iter()
            .filter_map(|p| index.phone(&p.number))
            .map(|b| (Fingerprint::Phone, b)),
    );
    checks.push((
        Fingerprint::Name,
        index.person_name(&input.first_name, &input.last_name, input.organisation_id),
    ));
    let mut found = Vec::new();
    for (kind, bidx) in checks {
        for id in search::by_fingerprint(scope.conn(), RecordKind::Contact, kind, &bidx).await? {
            if Some(id) != except && !found.contains(&id) {
                found.push(id);
            }
        }
    }
    Ok(found)
}

/// Contacts with exactly this e-mail address or phone number (their keyed
/// fingerprints), for callers that check and audit themselves (inbound messages).
pub async fn ids_by_address_unaudited(scope: &mut Scope, address: &str) -> AppResult<Vec<Uuid>> {
    let index = scope.index_key().await?;
    let (kind, bidx) = if address.contains('@') {
        (Fingerprint::Email, index.email(address))
    } else {
        match index.phone(address) {
            Some(bidx) => (Fingerprint::Phone, bidx),
            None => return Ok(Vec::new()),
        }
    };
    search::by_fingerprint(scope.conn(), RecordKind::Contact, kind, &bidx).await
}

fn duplicate_error(of: Uuid) -> AppError {
    AppError::Validation(FieldErrors::single(
        "last_name",
        Problem::PossibleDuplicate { of },
    ))
}

/// The organisation's name for the contact's search tokens, if it may be read.
async fn organisation_name(scope: &mut Scope, input: &ContactInput) -> AppResult<Option<String>> {
    Ok(organisations::record_ref(scope, input.organisation_id)
        .await?
        .map(|r| r.name))
}

/// Creates a contact; a likely duplicate is refused unless `confirmed`.
pub async fn create(
    scope: &mut Scope,
    input: &ContactInput,
    confirmed: bool,
) -> AppResult<Contact> {
    scope.require(Area::Contacts, Action::Create)?;
    let input = input.normalized();
    input.validate().into_result()?;
    if !confirmed {
        if let Some(of) = likely_duplicates(scope, &input, None).await?.first() {
            return Err(duplicate_error(*of));
        }
    }
    let id = Uuid::now_v7();
    insert_unaudited(scope, id, &input).await?;
    let fields = input.changed_fields(&ContactInput::default());
    let event = scope
        .event(audited(ContactAudit::Create))
        .subjects(std::slice::from_ref(&id))
        .fields(&fields);
    scope.audit(event).await?;
    crate::backend::services::webhooks::emit(
        scope,
        crate::model::webhooks::WebhookEvent::ContactCreated,
        id,
        &fields,
        Some(&input),
    )
    .await?;
    load(scope, id).await
}

/// Seals and stores a new contact. The caller checked the permission and audits
/// (once per contact, or once for a whole import).
pub async fn insert_unaudited(scope: &mut Scope, id: Uuid, input: &ContactInput) -> AppResult<()> {
    scope.check_owner(input.owner_id)?;
    let (tenant_id, created_by) = (scope.tenant_id(), scope.user_id());
    let organisation = organisation_name(scope, input).await?;
    let key = scope.create_subject_key(id).await?;
    let index = scope.index_key().await?;
    let cipher = scope.cipher(&key, TABLE, id);
    let sealed = SealedInput::seal(&cipher, &index, input, organisation.as_deref());
    storage::insert(scope.conn(), tenant_id, id, sealed, created_by).await?;
    KeyStore::count_encryptions(scope.conn(), id, SEALED_FIELDS).await?;
    Ok(())
}

/// Seals and stores many new contacts (normalised and validated by the caller) in a
/// few statements. The caller checked the permission and audits.
pub async fn insert_many_unaudited(
    scope: &mut Scope,
    inputs: &[(Uuid, ContactInput)],
) -> AppResult<()> {
    if inputs.is_empty() {
        return Ok(());
    }
    for (_, input) in inputs {
        scope.check_owner(input.owner_id)?;
    }
    let (tenant_id, created_by) = (scope.tenant_id(), scope.user_id());
    let org_ids: Vec<Uuid> = inputs
        .iter()
        .filter_map(|(_, i)| i.organisation_id)
        .collect();
    let org_names = if org_ids.is_empty() {
        HashMap::new()
    } else {
        organisations::names(scope, &org_ids).await?
    };
    let ids: Vec<Uuid> = inputs.iter().map(|(id, _)| *id).collect();
    let keys = scope.create_subject_keys(&ids).await?;
    let index = scope.index_key().await?;
    let rows = inputs
        .iter()
        .zip(&keys)
        .map(|((id, input), key)| {
            let cipher = scope.cipher(key, TABLE, *id);
            let org = input
                .organisation_id
                .and_then(|o| org_names.get(&o))
                .map(String::as_str);
            (*id, SealedInput::seal(&cipher, &index, input, org))
        })
        .collect();
    storage::insert_many(scope.conn(), tenant_id, rows, created_by).await
}

/// Updates the contact if nobody changed it since `version` was read.
pub async fn update(
    scope: &mut Scope,
    id: Uuid,
    version: i32,
    input: &ContactInput,
) -> AppResult<Contact> {
    scope.require(Area::Contacts, Action::Update)?;
    let mut input = input.normalized();
    input.validate().into_result()?;
    let before = locked_input(scope, id, Some(version)).await?;
    // A form without the fields masked from this role keeps their stored values.
    scope.field_mask.restore(&mut input, &before);
    let fields = write_unaudited(scope, id, &before, &input).await?;
    let event = scope
        .event(audited(ContactAudit::Update))
        .subjects(std::slice::from_ref(&id))
        .fields(&fields);
    scope.audit(event).await?;
    if !fields.is_empty() {
        crate::backend::services::webhooks::emit(
            scope,
            crate::model::webhooks::WebhookEvent::ContactUpdated,
            id,
            &fields,
            Some(&input),
        )
        .await?;
    }
    load(scope, id).await
}

/// One change from the detail page (stage, owner, class, tags, notes), with the
/// same locking and audit as a full update.
pub async fn patch(
    scope: &mut Scope,
    id: Uuid,
    version: i32,
    change: &ContactPatch,
) -> AppResult<Contact> {
    scope.require(Area::Contacts, Action::Update)?;
    let before = locked_input(scope, id, Some(version)).await?;
    let mut input = before.clone();
    change.apply(&mut input);
    update(scope, id, version, &input).await
}

/// The contact's current input, locked; `Conflict` if `version` is given and stale.
pub async fn locked_input(
    scope: &mut Scope,
    id: Uuid,
    version: Option<i32>,
) -> AppResult<ContactInput> {
    let row = storage::find_for_update(scope.conn(), &[id])
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    if version.is_some_and(|v| v != row.version) {
        return Err(AppError::Conflict);
    }
    let key = scope.subject_key(id).await?;
    row.open(&scope.cipher(&key, TABLE, id))
}

/// Writes `input` over `before` (already locked and normalised): reseals, reindexes,
/// records a stage change. Returns the changed fields' names; the caller audits.
pub async fn write_unaudited(
    scope: &mut Scope,
    id: Uuid,
    before: &ContactInput,
    input: &ContactInput,
) -> AppResult<Vec<&'static str>> {
    if input.owner_id != before.owner_id {
        scope.check_owner(input.owner_id)?;
    }
    // Every field is rewritten, so a worn key is simply replaced here.
    let worn = KeyStore::count_encryptions(scope.conn(), id, SEALED_FIELDS).await?
        > REKEY_AFTER_ENCRYPTIONS;
    let key = if worn {
        scope.create_subject_key(id).await?
    } else {
        scope.subject_key(id).await?
    };
    let organisation = organisation_name(scope, input).await?;
    let index = scope.index_key().await?;
    let cipher = scope.cipher(&key, TABLE, id);
    let sealed = SealedInput::seal(&cipher, &index, input, organisation.as_deref());
    let (tenant_id, user_id) = (scope.tenant_id(), scope.user_id());
    storage::update(scope.conn(), tenant_id, id, sealed).await?;
    if input.stage != before.stage {
        storage::record_stage(scope.conn(), tenant_id, id, input.stage.code(), user_id).await?;
        let event = HistoryEvent::StageChanged {
            from: before.stage,
            to: input.stage,
        };
        timeline::record_history(scope, (RecordKind::Contact, id), event).await?;
    }
    if input.owner_id != before.owner_id {
        let event = HistoryEvent::OwnerChanged {
            from: before.owner_id,
            to: input.owner_id,
        };
        timeline::record_history(scope, (RecordKind::Contact, id), event).await?;
    }
    Ok(input.changed_fields(before))
}

/// Erases the contact (GDPR Art. 17): its row, its search data and its key. Copies
/// of its ciphertext elsewhere (backups) become unreadable with the key.
pub async fn delete(scope: &mut Scope, id: Uuid) -> AppResult<()> {
    scope.require(Area::Contacts, Action::Delete)?;
    delete_unaudited(scope, id).await?;
    let event = scope
        .event(audited(ContactAudit::Delete))
        .subjects(std::slice::from_ref(&id));
    scope.audit(event).await?;
    crate::backend::services::webhooks::emit(
        scope,
        crate::model::webhooks::WebhookEvent::ContactDeleted,
        id,
        &[],
        None::<&()>,
    )
    .await
}

/// Erases a contact with everything that goes with it; the caller checked and audits.
pub async fn delete_unaudited(scope: &mut Scope, id: Uuid) -> AppResult<()> {
    let input = locked_input(scope, id, None).await?;
    let addresses: Vec<String> = input.emails.into_iter().map(|e| e.address).collect();
    // Records merged into this one go with it (they are the same person).
    for merged in storage::merged_into(scope.conn(), id).await? {
        storage::delete(scope.conn(), merged).await?;
        KeyStore::destroy_subject_key(scope.conn(), merged).await?;
    }
    timeline::erase_participant(scope, id, &addresses).await?;
    tasks::erase_for_contact(scope, id).await?;
    calendar::erase_contact(scope, id).await?;
    if !storage::delete(scope.conn(), id).await? {
        return Err(AppError::NotFound);
    }
    KeyStore::destroy_subject_key(scope.conn(), id).await
}

/// Ids of every contact a list query matches (a search: its ranked hits), up to `limit`.
pub async fn matching_ids(
    scope: &mut Scope,
    query: &crate::model::contacts::ContactListQuery,
    limit: i64,
) -> AppResult<Vec<Uuid>> {
    scope.require(Area::Contacts, Action::Read)?;
    if query.q.trim().is_empty() {
        return storage::ids_filtered(scope.conn(), &query.filter, limit).await;
    }
    let index = scope.index_key().await?;
    let lookup = search::Lookup::classify(&index, &query.q);
    let (ids, _) = search::ranked_ids(scope.conn(), RecordKind::Contact, &lookup, 0, limit).await?;
    let rows = storage::summaries_by_ids(scope.conn(), &ids, &query.filter).await?;
    let kept: std::collections::HashSet<Uuid> = rows.iter().map(|r| r.contact_id).collect();
    Ok(ids.into_iter().filter(|id| kept.contains(id)).collect())
}

/// Whole contacts (without stage history) for another area that audits what it
/// shows (exports); in the order of `ids`, erased or merged ones left out, without
/// the fields masked from the principal's role.
pub async fn full_unaudited(scope: &mut Scope, ids: &[Uuid]) -> AppResult<Vec<Contact>> {
    let mask = scope.field_mask.clone();
    let rows = storage::find_many(scope.conn(), ids).await?;
    let meta: HashMap<Uuid, (i32, time::OffsetDateTime, time::OffsetDateTime)> = rows
        .iter()
        .map(|r| (r.contact_id, (r.version, r.created_at, r.updated_at)))
        .collect();
    let opened = scope
        .open_rows(
            TABLE,
            rows,
            |r| (r.contact_id, r.contact_id),
            |c, r| {
                let mut input = r.open(c)?;
                mask.apply(&mut input);
                Ok((r.contact_id, input))
            },
        )
        .await?;
    let org_ids: Vec<Uuid> = opened
        .iter()
        .filter_map(|(_, i)| i.organisation_id)
        .collect();
    let orgs = organisations::names_unaudited(scope, &org_ids).await?;
    let mut by_id: HashMap<Uuid, Contact> = opened
        .into_iter()
        .map(|(id, input)| {
            let (version, created_at, updated_at) = meta[&id];
            let organisation = input.organisation_id.and_then(|o| {
                orgs.get(&o).map(|name| RecordRef {
                    id: o,
                    name: name.clone(),
                })
            });
            (
                id,
                Contact {
                    id,
                    input,
                    organisation,
                    stage_history: Vec::new(),
                    version,
                    created_at,
                    updated_at,
                },
            )
        })
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// A linked contact for `id`, named through [`names`].
pub async fn record_ref(scope: &mut Scope, id: Uuid) -> AppResult<Option<RecordRef>> {
    let names = names(scope, &[id]).await?;
    Ok(names.get(&id).map(|name| RecordRef {
        id,
        name: name.clone(),
    }))
}
