//! Contacts: the rules. Every personal field is sealed under the contact's own key
//! ([`storage`]); lists are keyset pages on the creation time (plaintext metadata) or,
//! for tenants up to [`NAME_SORT_LIMIT`] contacts, ordered by name in memory; a filter
//! is a ranked blind-index [`search`]. Every read and change is audited here.

pub mod search;
pub mod storage;

use crate::backend::crypto::{fold, open_rows, KeyStore};
use crate::backend::paging::{page_in_memory, Keyset, OffsetPage};
use crate::backend::subjects::{BoxFuture, SubjectKind};
use crate::backend::Scope;
use crate::model::audit::{AuditAction, DataSubject};
use crate::model::contacts::{
    Contact, ContactAudit, ContactField, ContactInput, ContactListQuery, ContactPage, ContactSort,
    ContactSummary, NAME_SORT_LIMIT,
};
use crate::model::paging::Page;
use crate::model::permission::{Action, Area};
use crate::{AppError, AppResult};
use search::Lookup;
use sqlx::PgConnection;
use std::collections::HashMap;
use storage::{SealedInput, SealedSummary, SEALED_FIELDS, TABLE};
use strum::VariantArray;
use uuid::Uuid;

/// A subject key is replaced well before AES-GCM's random-nonce limit.
const REKEY_AFTER_ENCRYPTIONS: i64 = 1 << 30;

fn audited(action: ContactAudit) -> AuditAction {
    AuditAction::Contact(action)
}

fn all_fields() -> Vec<&'static str> {
    ContactField::VARIANTS.iter().map(|f| f.name()).collect()
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
        Ok(names.into_iter().collect())
    })
}

/// A list page, logged as one audit entry naming every contact shown.
pub async fn list(scope: &mut Scope, query: &ContactListQuery) -> AppResult<ContactPage> {
    scope.require(Area::Contacts, Action::Read)?;
    let page = list_unaudited(scope, query).await?;
    if !page.items.is_empty() {
        let shown: Vec<Uuid> = page.items.iter().map(|c| c.id).collect();
        // A search logs which contacts it showed, never what was searched for.
        let action = if page.ranked {
            ContactAudit::Search
        } else {
            ContactAudit::List
        };
        let fields = ContactField::SUMMARY.map(ContactField::name);
        let event = scope
            .event(audited(action))
            .subjects(&shown)
            .fields(&fields);
        scope.audit(event).await?;
    }
    Ok(page)
}

async fn list_unaudited(scope: &mut Scope, query: &ContactListQuery) -> AppResult<ContactPage> {
    if !query.q.trim().is_empty() {
        return search(scope, query).await;
    }
    let total = storage::count(scope.conn()).await?;
    let by_name = matches!(query.sort, ContactSort::NameAsc | ContactSort::NameDesc);
    let (page, sort) = if by_name && total <= NAME_SORT_LIMIT {
        (list_by_name(scope, query).await?, query.sort)
    } else if by_name {
        // Too many to order ciphertext in memory: newest first, from the start.
        let fallback = ContactListQuery {
            sort: ContactSort::NewestFirst,
            after: None,
            before: None,
            ..query.clone()
        };
        (list_by_created(scope, &fallback).await?, fallback.sort)
    } else {
        (list_by_created(scope, query).await?, query.sort)
    };
    Ok(ContactPage::from_page(page, total, sort, false))
}

/// Opens sealed list rows in one batch of key lookups; erased contacts are skipped.
async fn open_summaries(
    scope: &mut Scope,
    rows: Vec<SealedSummary>,
) -> AppResult<Vec<ContactSummary>> {
    scope
        .open_rows(
            TABLE,
            rows,
            |r| (r.contact_id, r.contact_id),
            |c, r| r.open(c),
        )
        .await
}

/// Names are ciphertext, so name order is made in memory (bounded by NAME_SORT_LIMIT).
async fn list_by_name(
    scope: &mut Scope,
    query: &ContactListQuery,
) -> AppResult<Page<ContactSummary>> {
    let rows = storage::all_summaries(scope.conn()).await?;
    let opened = open_summaries(scope, rows).await?;
    let name_key =
        |c: &ContactSummary| format!("{}\u{1f}{}", fold(&c.last_name), fold(&c.first_name));
    let mut sorted: Vec<(String, Uuid, ContactSummary)> = opened
        .into_iter()
        .map(|c| (name_key(&c), c.id, c))
        .collect();
    sorted.sort_by(|a, b| (a.0.as_str(), a.1).cmp(&(b.0.as_str(), b.1)));
    if query.sort == ContactSort::NameDesc {
        // Descending order: re-key by position so keyset comparisons still ascend.
        sorted.reverse();
        for (i, entry) in sorted.iter_mut().enumerate() {
            entry.0 = format!("{i:012}");
        }
    }
    page_in_memory(sorted, &query.page_request())
}

async fn list_by_created(
    scope: &mut Scope,
    query: &ContactListQuery,
) -> AppResult<Page<ContactSummary>> {
    let keyset = Keyset::new(&query.page_request())?;
    let oldest_first = query.sort == ContactSort::OldestFirst;
    let rows = storage::summaries_by_created(scope.conn(), &keyset, oldest_first).await?;
    let page = keyset.page(rows, SealedSummary::created_cursor);
    let items = open_summaries(scope, page.items).await?;
    Ok(Page {
        items,
        next: page.next,
        prev: page.prev,
    })
}

/// Ranked search: every word must match a name or organisation word prefix.
async fn search(scope: &mut Scope, query: &ContactListQuery) -> AppResult<ContactPage> {
    let index = scope.index_key().await?;
    let offsets = OffsetPage::new(&query.page_request())?;
    let lookup = Lookup::classify(&index, &query.q);
    let (ids, total) = search::ranked_ids(scope.conn(), lookup, offsets.offset).await?;
    let rows = storage::summaries_by_ids(scope.conn(), &ids).await?;
    let mut opened: HashMap<Uuid, ContactSummary> = open_summaries(scope, rows)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let items = ids.iter().filter_map(|id| opened.remove(id)).collect();
    Ok(ContactPage::from_page(
        offsets.page(items, total),
        total,
        query.sort,
        true,
    ))
}

/// One contact, decrypted; the read is audited with every field.
pub async fn get(scope: &mut Scope, id: Uuid) -> AppResult<Contact> {
    scope.require(Area::Contacts, Action::Read)?;
    let row = storage::find(scope.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let key = scope.subject_key(id).await?;
    let contact = row.open(&scope.cipher(&key, TABLE, id))?;
    let fields = all_fields();
    let event = scope
        .event(audited(ContactAudit::Read))
        .subjects(std::slice::from_ref(&id))
        .fields(&fields);
    scope.audit(event).await?;
    Ok(contact)
}

pub async fn create(scope: &mut Scope, input: &ContactInput) -> AppResult<Contact> {
    scope.require(Area::Contacts, Action::Create)?;
    let input = input.normalized();
    input.validate().into_result()?;
    let (tenant_id, created_by) = (scope.tenant_id(), scope.user_id());
    let id = Uuid::now_v7();
    let key = scope.create_subject_key(id).await?;
    let index = scope.index_key().await?;
    let cipher = scope.cipher(&key, TABLE, id);
    let sealed = SealedInput::seal(&cipher, &index, &input);
    let row = storage::insert(scope.conn(), tenant_id, id, sealed, created_by).await?;
    KeyStore::count_encryptions(scope.conn(), id, SEALED_FIELDS).await?;
    let fields = input.changed_fields(&ContactInput::default());
    let event = scope
        .event(audited(ContactAudit::Create))
        .subjects(std::slice::from_ref(&id))
        .fields(&fields);
    scope.audit(event).await?;
    row.open(&cipher)
}

/// Updates the contact if nobody changed it since `version` was read.
pub async fn update(
    scope: &mut Scope,
    id: Uuid,
    version: i32,
    input: &ContactInput,
) -> AppResult<Contact> {
    scope.require(Area::Contacts, Action::Update)?;
    let input = input.normalized();
    input.validate().into_result()?;
    let current = match storage::find_for_update(scope.conn(), id).await? {
        None => return Err(AppError::NotFound),
        Some(row) if row.version != version => return Err(AppError::Conflict),
        Some(row) => row,
    };
    let old_key = scope.subject_key(id).await?;
    let before = current.open(&scope.cipher(&old_key, TABLE, id))?.as_input();
    // Every field is rewritten, so a worn key is simply replaced here.
    let worn = KeyStore::count_encryptions(scope.conn(), id, SEALED_FIELDS).await?
        > REKEY_AFTER_ENCRYPTIONS;
    let key = if worn {
        scope.create_subject_key(id).await?
    } else {
        old_key
    };
    let index = scope.index_key().await?;
    let cipher = scope.cipher(&key, TABLE, id);
    let sealed = SealedInput::seal(&cipher, &index, &input);
    let tenant_id = scope.tenant_id();
    let row = storage::update(scope.conn(), tenant_id, id, sealed).await?;
    let fields = input.changed_fields(&before);
    let event = scope
        .event(audited(ContactAudit::Update))
        .subjects(std::slice::from_ref(&id))
        .fields(&fields);
    scope.audit(event).await?;
    row.open(&cipher)
}

/// Erases the contact (GDPR Art. 17): its row, its search tokens and its key. Copies
/// of its ciphertext elsewhere (backups) become unreadable with the key.
pub async fn delete(scope: &mut Scope, id: Uuid) -> AppResult<()> {
    scope.require(Area::Contacts, Action::Delete)?;
    if !storage::delete(scope.conn(), id).await? {
        return Err(AppError::NotFound);
    }
    KeyStore::destroy_subject_key(scope.conn(), id).await?;
    let event = scope
        .event(audited(ContactAudit::Delete))
        .subjects(std::slice::from_ref(&id));
    scope.audit(event).await
}
