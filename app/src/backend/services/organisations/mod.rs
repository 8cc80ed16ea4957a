//! Organisations: the rules. Name, contact details and notes are sealed under the
//! organisation's own key ([`storage`]); metadata (legal form, industry, owner, tags,
//! class) is plaintext for filtering. Every read and change is audited here.

mod bulk;
pub mod storage;

pub use bulk::bulk;

use crate::backend::crypto::{fold, open_rows, KeyStore};
use crate::backend::paging::{page_in_memory, Keyset, OffsetPage};
use crate::backend::search::{self, Fingerprint, Lookup, RecordKind};
use crate::backend::subjects::{BoxFuture, SubjectKind};
use crate::backend::Scope;
use crate::model::audit::{AuditAction, DataSubject};
use crate::model::contacts::RecordRef;
use crate::model::organisations::{
    Organisation, OrganisationAudit, OrganisationField, OrganisationInput, OrganisationListQuery,
    OrganisationPage, OrganisationSort, OrganisationSummary,
};
use crate::model::paging::{count_limit, reported_total, Page, PAGE_SIZE};
use crate::model::permission::{Action, Area};
use crate::model::validation::{FieldErrors, Problem};
use crate::{AppError, AppResult};
use sqlx::PgConnection;
use std::collections::HashMap;
use storage::{SealedInput, SealedSummary, SEALED_FIELDS, TABLE};
use uuid::Uuid;

pub use crate::model::paging::NAME_SORT_LIMIT;

fn audited(action: OrganisationAudit) -> AuditAction {
    AuditAction::Organisation(action)
}

fn all_fields() -> Vec<&'static str> {
    OrganisationField::all()
        .map(OrganisationField::name)
        .collect()
}

/// Organisations are data subjects (a sole trader's company is a person's data).
pub const SUBJECT_KIND: SubjectKind = SubjectKind {
    kind: DataSubject::Organisation,
    labels: subject_labels,
    export: |scope, id| {
        Box::pin(async move {
            match get(scope, id).await {
                Ok(org) => Ok(Some(
                    serde_json::to_value(org).map_err(|_| AppError::Internal)?,
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
            |r| (r.organisation_id, r.organisation_id),
            |c, r| r.open(c),
        )
        .await?;
        Ok(names.into_iter().collect())
    })
}

/// Display names of organisations another area shows beside its own data; that
/// area's audit entry names them.
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
            |r| (r.organisation_id, r.organisation_id),
            |c, r| r.open(c),
        )
        .await?
        .into_iter()
        .collect())
}

/// Display names of organisations other areas link to; the read is audited as a
/// listing of those organisations' names.
pub async fn names(scope: &mut Scope, ids: &[Uuid]) -> AppResult<HashMap<Uuid, String>> {
    scope.require(Area::Organisations, Action::Read)?;
    let names = names_unaudited(scope, ids).await?;
    if names.is_empty() {
        return Ok(names);
    }
    let shown: Vec<Uuid> = names.keys().copied().collect();
    let event = scope
        .event(audited(OrganisationAudit::List))
        .subjects(&shown)
        .fields(&["name"]);
    scope.audit(event).await?;
    Ok(names)
}

/// A linked record for `id`, named through [`names`].
pub async fn record_ref(scope: &mut Scope, id: Option<Uuid>) -> AppResult<Option<RecordRef>> {
    let Some(id) = id else { return Ok(None) };
    let names = names(scope, &[id]).await?;
    Ok(names.get(&id).map(|name| RecordRef {
        id,
        name: name.clone(),
    }))
}

/// A list page, logged as one audit entry naming every organisation shown.
pub async fn list(scope: &mut Scope, query: &OrganisationListQuery) -> AppResult<OrganisationPage> {
    scope.require(Area::Organisations, Action::Read)?;
    let page = if query.q.trim().is_empty() {
        list_unranked(scope, query).await?
    } else {
        search(scope, query).await?
    };
    if !page.items.is_empty() {
        let shown: Vec<Uuid> = page.items.iter().map(|o| o.id).collect();
        let action = if page.ranked {
            OrganisationAudit::Search
        } else {
            OrganisationAudit::List
        };
        let fields = OrganisationField::SUMMARY.map(OrganisationField::name);
        let event = scope
            .event(audited(action))
            .subjects(&shown)
            .fields(&fields);
        scope.audit(event).await?;
    }
    Ok(page)
}

async fn open_summaries(
    scope: &mut Scope,
    rows: Vec<SealedSummary>,
) -> AppResult<Vec<OrganisationSummary>> {
    scope
        .open_rows(
            TABLE,
            rows,
            |r| (r.organisation_id, r.organisation_id),
            |c, r| r.open(c),
        )
        .await
}

async fn list_unranked(
    scope: &mut Scope,
    query: &OrganisationListQuery,
) -> AppResult<OrganisationPage> {
    let by_name = query.sort == OrganisationSort::NameAsc;
    let counted =
        storage::count_filtered(scope.conn(), &query.filter, count_limit(by_name)).await?;
    let (page, sort) = if by_name && counted <= NAME_SORT_LIMIT {
        let rows = storage::all_summaries(scope.conn(), &query.filter).await?;
        let sorted = open_summaries(scope, rows)
            .await?
            .into_iter()
            .map(|o| (fold(&o.name), o.id, o))
            .collect::<Vec<_>>();
        let mut sorted = sorted;
        sorted.sort_by(|a, b| (a.0.as_str(), a.1).cmp(&(b.0.as_str(), b.1)));
        (page_in_memory(sorted, &query.page_request())?, query.sort)
    } else {
        let sort = match query.sort {
            OrganisationSort::NameAsc => OrganisationSort::NewestFirst,
            other => other,
        };
        let request = if sort == query.sort {
            query.page_request()
        } else {
            Default::default()
        };
        let keyset = Keyset::new(&request)?;
        let by_updated = sort == OrganisationSort::RecentlyChanged;
        let rows =
            storage::summaries_by_time(scope.conn(), &query.filter, &keyset, by_updated).await?;
        let page = keyset.page(rows, |r| r.cursor(by_updated));
        let items = open_summaries(scope, page.items).await?;
        (
            Page {
                items,
                next: page.next,
                prev: page.prev,
            },
            sort,
        )
    };
    Ok(OrganisationPage {
        items: page.items,
        next: page.next,
        prev: page.prev,
        total: reported_total(counted),
        sort,
        ranked: false,
    })
}

async fn search(scope: &mut Scope, query: &OrganisationListQuery) -> AppResult<OrganisationPage> {
    let index = scope.index_key().await?;
    let offsets = OffsetPage::new(&query.page_request())?;
    let lookup = Lookup::classify(&index, &query.q);
    let (ids, total) = search::ranked_ids(
        scope.conn(),
        RecordKind::Organisation,
        &lookup,
        offsets.offset,
        PAGE_SIZE,
    )
    .await?;
    let rows = storage::summaries_by_ids(scope.conn(), &ids, &query.filter).await?;
    let mut opened: HashMap<Uuid, OrganisationSummary> = open_summaries(scope, rows)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let items = ids.iter().filter_map(|id| opened.remove(id)).collect();
    let page = offsets.page(items, total);
    Ok(OrganisationPage {
        items: page.items,
        next: page.next,
        prev: page.prev,
        total,
        sort: query.sort,
        ranked: true,
    })
}

/// Ids of every organisation a list query matches, up to `limit`.
pub async fn matching_ids(
    scope: &mut Scope,
    query: &OrganisationListQuery,
    limit: i64,
) -> AppResult<Vec<Uuid>> {
    scope.require(Area::Organisations, Action::Read)?;
    if query.q.trim().is_empty() {
        return storage::ids_filtered(scope.conn(), &query.filter, limit).await;
    }
    let index = scope.index_key().await?;
    let lookup = Lookup::classify(&index, &query.q);
    let (ids, _) =
        search::ranked_ids(scope.conn(), RecordKind::Organisation, &lookup, 0, limit).await?;
    Ok(ids)
}

/// Whole organisations (without parent and subsidiaries) for an area that audits.
pub async fn full_unaudited(scope: &mut Scope, ids: &[Uuid]) -> AppResult<Vec<Organisation>> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(row) = storage::find(scope.conn(), *id).await? else {
            continue;
        };
        let Ok(key) = scope.subject_key(*id).await else {
            continue;
        };
        let input = row.open(&scope.cipher(&key, TABLE, *id))?;
        out.push(Organisation {
            id: *id,
            input,
            parent: None,
            subsidiaries: Vec::new(),
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        });
    }
    Ok(out)
}

/// List rows of `ids` for another area that audits what it shows.
pub async fn summaries_unaudited(
    scope: &mut Scope,
    ids: &[Uuid],
    query: &OrganisationListQuery,
) -> AppResult<Vec<OrganisationSummary>> {
    let rows = storage::summaries_by_ids(scope.conn(), ids, &query.filter).await?;
    open_summaries(scope, rows).await
}

/// One organisation with its parent and subsidiaries, decrypted; the read is audited.
pub async fn get(scope: &mut Scope, id: Uuid) -> AppResult<Organisation> {
    scope.require(Area::Organisations, Action::Read)?;
    let organisation = load(scope, id).await?;
    let fields = all_fields();
    let event = scope
        .event(audited(OrganisationAudit::Read))
        .subjects(std::slice::from_ref(&id))
        .fields(&fields);
    scope.audit(event).await?;
    Ok(organisation)
}

/// The organisation as [`get`] returns it, without the read entry (answers writes).
async fn load(scope: &mut Scope, id: Uuid) -> AppResult<Organisation> {
    let row = storage::find(scope.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let key = scope.subject_key(id).await?;
    let input = row.open(&scope.cipher(&key, TABLE, id))?;
    let subsidiary_ids = storage::subsidiaries(scope.conn(), id).await?;
    let mut linked = subsidiary_ids.clone();
    linked.extend(row.parent_id);
    let names = names(scope, &linked).await?;
    let named = |id: Uuid| {
        names.get(&id).map(|name| RecordRef {
            id,
            name: name.clone(),
        })
    };
    Ok(Organisation {
        id,
        parent: row.parent_id.and_then(named),
        subsidiaries: subsidiary_ids.into_iter().filter_map(named).collect(),
        input,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// Organisations with the same name (and legal form), e-mail or phone.
pub async fn likely_duplicates(
    scope: &mut Scope,
    input: &OrganisationInput,
    except: Option<Uuid>,
) -> AppResult<Vec<Uuid>> {
    let index = scope.index_key().await?;
    let mut checks = vec![(
        Fingerprint::Name,
        index.organisation_name(&input.display_name()),
    )];
    if !input.email.is_empty() {
        checks.push((Fingerprint::Email, index.email(&input.email)));
    }
    let mut found = Vec::new();
    for (kind, bidx) in checks {
        for id in
            search::by_fingerprint(scope.conn(), RecordKind::Organisation, kind, &bidx).await?
        {
            if Some(id) != except && !found.contains(&id) {
                found.push(id);
            }
        }
    }
    Ok(found)
}

async fn check_parent(scope: &mut Scope, id: Uuid, input: &OrganisationInput) -> AppResult<()> {
    if let Some(parent) = input.parent_id {
        if parent == id || storage::would_cycle(scope.conn(), id, parent).await? {
            return Err(AppError::Validation(FieldErrors::single(
                "parent_id",
                Problem::UnknownReference,
            )));
        }
    }
    Ok(())
}

fn duplicate_error(of: Uuid) -> AppError {
    AppError::Validation(FieldErrors::single(
        "name",
        Problem::PossibleDuplicate { of },
    ))
}

/// Creates the organisation; a likely duplicate is refused unless `confirmed`.
pub async fn create(
    scope: &mut Scope,
    input: &OrganisationInput,
    confirmed: bool,
) -> AppResult<Organisation> {
    scope.require(Area::Organisations, Action::Create)?;
    let input = input.normalized();
    input.validate().into_result()?;
    if !confirmed {
        if let Some(of) = likely_duplicates(scope, &input, None).await?.first() {
            return Err(duplicate_error(*of));
        }
    }
    let id = Uuid::now_v7();
    insert_unaudited(scope, id, &input).await?;
    let fields = input.changed_fields(&OrganisationInput::default());
    let event = scope
        .event(audited(OrganisationAudit::Create))
        .subjects(std::slice::from_ref(&id))
        .fields(&fields);
    scope.audit(event).await?;
    crate::backend::services::webhooks::emit(
        scope,
        crate::model::webhooks::WebhookEvent::OrganisationCreated,
        id,
        &fields,
        Some(&input),
    )
    .await?;
    load(scope, id).await
}

/// Seals and stores a new organisation (for [`create`] and bulk paths that audit
/// once for many rows).
pub async fn insert_unaudited(
    scope: &mut Scope,
    id: Uuid,
    input: &OrganisationInput,
) -> AppResult<()> {
    scope.check_owner(input.owner_id)?;
    let (tenant_id, created_by) = (scope.tenant_id(), scope.user_id());
    let key = scope.create_subject_key(id).await?;
    let index = scope.index_key().await?;
    let sealed = SealedInput::seal(&scope.cipher(&key, TABLE, id), &index, input);
    storage::insert(scope.conn(), tenant_id, id, input, sealed, created_by).await?;
    KeyStore::count_encryptions(scope.conn(), id, SEALED_FIELDS).await?;
    Ok(())
}

pub async fn update(
    scope: &mut Scope,
    id: Uuid,
    version: i32,
    input: &OrganisationInput,
) -> AppResult<Organisation> {
    scope.require(Area::Organisations, Action::Update)?;
    let input = input.normalized();
    input.validate().into_result()?;
    let current = match storage::find_for_update(scope.conn(), id).await? {
        None => return Err(AppError::NotFound),
        Some(row) if row.version != version => return Err(AppError::Conflict),
        Some(row) => row,
    };
    check_parent(scope, id, &input).await?;
    let key = scope.subject_key(id).await?;
    let before = current.open(&scope.cipher(&key, TABLE, id))?;
    let fields = write_unaudited(scope, id, &before, &input).await?;
    let event = scope
        .event(audited(OrganisationAudit::Update))
        .subjects(std::slice::from_ref(&id))
        .fields(&fields);
    scope.audit(event).await?;
    if !fields.is_empty() {
        crate::backend::services::webhooks::emit(
            scope,
            crate::model::webhooks::WebhookEvent::OrganisationUpdated,
            id,
            &fields,
            Some(&input),
        )
        .await?;
    }
    load(scope, id).await
}

/// Reseals and stores `input` over `before` (locked, normalised, validated by the
/// caller); returns the changed fields' names. The caller audits.
async fn write_unaudited(
    scope: &mut Scope,
    id: Uuid,
    before: &OrganisationInput,
    input: &OrganisationInput,
) -> AppResult<Vec<&'static str>> {
    if input.owner_id != before.owner_id {
        scope.check_owner(input.owner_id)?;
    }
    let key = scope.subject_key(id).await?;
    let index = scope.index_key().await?;
    let sealed = SealedInput::seal(&scope.cipher(&key, TABLE, id), &index, input);
    let tenant_id = scope.tenant_id();
    storage::update(scope.conn(), tenant_id, id, input, sealed).await?;
    KeyStore::count_encryptions(scope.conn(), id, SEALED_FIELDS).await?;
    Ok(input.changed_fields(before))
}

/// The organisation's current input, locked.
async fn locked_input(scope: &mut Scope, id: Uuid) -> AppResult<OrganisationInput> {
    let row = storage::find_for_update(scope.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let key = scope.subject_key(id).await?;
    row.open(&scope.cipher(&key, TABLE, id))
}

async fn delete_unaudited(scope: &mut Scope, id: Uuid) -> AppResult<()> {
    if !storage::delete(scope.conn(), id).await? {
        return Err(AppError::NotFound);
    }
    KeyStore::destroy_subject_key(scope.conn(), id).await
}

/// Erases the organisation (row, search data, key). Its contacts stay, unlinked.
pub async fn delete(scope: &mut Scope, id: Uuid) -> AppResult<()> {
    scope.require(Area::Organisations, Action::Delete)?;
    delete_unaudited(scope, id).await?;
    let event = scope
        .event(audited(OrganisationAudit::Delete))
        .subjects(std::slice::from_ref(&id));
    scope.audit(event).await?;
    crate::backend::services::webhooks::emit(
        scope,
        crate::model::webhooks::WebhookEvent::OrganisationDeleted,
        id,
        &[],
        None::<&()>,
    )
    .await
}
