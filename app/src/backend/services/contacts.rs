//! Contacts: encrypted at rest, found through blind indexes.
//!
//! Every personal field is sealed under the contact's own key. Without a filter the
//! list is paged by keyset on the creation time (plaintext metadata) or, for tenants
//! up to [`NAME_SORT_LIMIT`] contacts, sorted by name in memory. With a filter it is
//! a ranked blind-index search: e-mail and phone exactly, names by word prefixes.

use crate::backend::audit::{self, AuditEvent};
use crate::backend::crypto::blind_index::{fold, IndexKey};
use crate::backend::crypto::{DataKey, KeyStore, RecordCipher};
use crate::backend::tenancy::{violates, TenantTx};
use crate::model::audit::AuditAction;
use crate::model::contact::{
    Contact, ContactInput, ContactListQuery, ContactPage, ContactSort, ContactSummary,
    NAME_SORT_LIMIT, PAGE_SIZE,
};
use crate::model::identity::Role;
use crate::model::validation::{FieldErrors, Problem};
use crate::{AppError, AppResult};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use serde::{Deserialize, Serialize};
use sqlx::{FromRow, PgConnection};
use std::collections::HashMap;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

const TABLE: &str = "contacts";
const SEALED_FIELDS: i64 = 6;
/// A subject key is replaced well before AES-GCM's random-nonce limit.
const REKEY_AFTER_ENCRYPTIONS: i64 = 1 << 30;
const COLUMNS: &str =
    "contact_id, first_name_ct, last_name_ct, email_ct, phone_ct, organisation_ct, \
                       notes_ct, version, created_at, updated_at";

#[derive(FromRow)]
struct SealedContact {
    contact_id: Uuid,
    first_name_ct: Vec<u8>,
    last_name_ct: Vec<u8>,
    email_ct: Option<Vec<u8>>,
    phone_ct: Option<Vec<u8>>,
    organisation_ct: Option<Vec<u8>>,
    notes_ct: Option<Vec<u8>>,
    version: i32,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl SealedContact {
    fn open(&self, key: &DataKey, tenant_id: Uuid) -> AppResult<Contact> {
        let r = RecordCipher {
            key,
            tenant_id,
            table: TABLE,
            row_id: self.contact_id,
        };
        Ok(Contact {
            id: self.contact_id,
            first_name: r.open("first_name", &self.first_name_ct)?,
            last_name: r.open("last_name", &self.last_name_ct)?,
            email: r.open_optional("email", self.email_ct.as_deref())?,
            phone: r.open_optional("phone", self.phone_ct.as_deref())?,
            organisation: r.open_optional("organisation", self.organisation_ct.as_deref())?,
            notes: r.open_optional("notes", self.notes_ct.as_deref())?,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

#[derive(FromRow)]
struct SealedSummary {
    contact_id: Uuid,
    first_name_ct: Vec<u8>,
    last_name_ct: Vec<u8>,
    email_ct: Option<Vec<u8>>,
    phone_ct: Option<Vec<u8>>,
    organisation_ct: Option<Vec<u8>>,
    created_at: OffsetDateTime,
}

const SUMMARY_COLUMNS: &str =
    "contact_id, first_name_ct, last_name_ct, email_ct, phone_ct, organisation_ct, created_at";

impl SealedSummary {
    fn open(&self, key: &DataKey, tenant_id: Uuid) -> AppResult<ContactSummary> {
        let r = RecordCipher {
            key,
            tenant_id,
            table: TABLE,
            row_id: self.contact_id,
        };
        Ok(ContactSummary {
            id: self.contact_id,
            first_name: r.open("first_name", &self.first_name_ct)?,
            last_name: r.open("last_name", &self.last_name_ct)?,
            email: r.open_optional("email", self.email_ct.as_deref())?,
            phone: r.open_optional("phone", self.phone_ct.as_deref())?,
            organisation: r.open_optional("organisation", self.organisation_ct.as_deref())?,
        })
    }
}

/// Decrypts summaries in the given order; rows whose key is gone are skipped.
async fn open_summaries(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
    rows: &[SealedSummary],
) -> AppResult<Vec<(ContactSummary, OffsetDateTime)>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.contact_id).collect();
    let subject_keys = keys.subject_keys(conn, tenant_id, &ids).await?;
    rows.iter()
        .filter_map(|row| subject_keys.get(&row.contact_id).map(|key| (row, key)))
        .map(|(row, key)| Ok((row.open(key, tenant_id)?, row.created_at)))
        .collect()
}

/// Opaque position in a list: a sort key (or offset) and the row id.
#[derive(Serialize, Deserialize)]
struct Cursor {
    k: String,
    id: Uuid,
}

impl Cursor {
    fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).expect("cursor serializes"))
    }

    fn decode(value: &str) -> AppResult<Self> {
        let bytes = URL_SAFE_NO_PAD
            .decode(value)
            .map_err(|_| AppError::BadRequest)?;
        serde_json::from_slice(&bytes).map_err(|_| AppError::BadRequest)
    }
}

fn name_key(c: &ContactSummary) -> String {
    format!("{}\u{1f}{}", fold(&c.last_name), fold(&c.first_name))
}

/// One page out of an ordered sequence of `(key, id, item)`, by keyset cursor.
fn keyset_page<T>(
    sorted: Vec<(String, Uuid, T)>,
    query: &ContactListQuery,
) -> AppResult<(Vec<T>, Option<String>, Option<String>)> {
    let position = |cursor: &str| -> AppResult<usize> {
        let c = Cursor::decode(cursor)?;
        Ok(sorted.partition_point(|(k, id, _)| (k.as_str(), *id) <= (c.k.as_str(), c.id)))
    };
    let page = PAGE_SIZE as usize;
    let (start, end) = match (&query.after, &query.before) {
        (Some(after), _) => {
            let start = position(after)?;
            (start, (start + page).min(sorted.len()))
        }
        (None, Some(before)) => {
            let c = Cursor::decode(before)?;
            let end = sorted.partition_point(|(k, id, _)| (k.as_str(), *id) < (c.k.as_str(), c.id));
            (end.saturating_sub(page), end)
        }
        (None, None) => (0, page.min(sorted.len())),
    };
    let cursor = |i: usize| {
        Cursor {
            k: sorted[i].0.clone(),
            id: sorted[i].1,
        }
        .encode()
    };
    let next = (end < sorted.len() && end > start).then(|| cursor(end - 1));
    let prev = (start > 0 && end > start).then(|| cursor(start));
    let items = sorted
        .into_iter()
        .skip(start)
        .take(end - start)
        .map(|(_, _, item)| item)
        .collect();
    Ok((items, next, prev))
}

/// A list page, logged as one audit entry naming every contact shown.
pub async fn list(
    scope: &mut TenantTx,
    keys: &KeyStore,
    query: &ContactListQuery,
) -> AppResult<ContactPage> {
    scope.require(Role::can_read_contacts)?;
    let page = list_unaudited(scope, keys, query).await?;
    if !page.items.is_empty() {
        let shown: Vec<Uuid> = page.items.iter().map(|c| c.id).collect();
        // A search logs which contacts it showed, never what was searched for.
        let action = if page.ranked {
            AuditAction::ContactSearch
        } else {
            AuditAction::ContactList
        };
        let (tenant_id, actor) = (scope.principal.tenant_id, scope.principal.user_id);
        let fields = &ALL_FIELDS[..5];
        audit::record(
            scope.conn(),
            tenant_id,
            AuditEvent::new(Some(actor), action)
                .subjects(&shown)
                .fields(fields),
        )
        .await?;
    }
    Ok(page)
}

async fn list_unaudited(
    scope: &mut TenantTx,
    keys: &KeyStore,
    query: &ContactListQuery,
) -> AppResult<ContactPage> {
    if !query.q.trim().is_empty() {
        return search(scope, keys, query).await;
    }
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM contacts")
        .fetch_one(scope.conn())
        .await?;
    match query.sort {
        ContactSort::NameAsc | ContactSort::NameDesc if total <= NAME_SORT_LIMIT => {
            list_by_name(scope, keys, query, total).await
        }
        ContactSort::NameAsc | ContactSort::NameDesc => {
            let fallback = ContactListQuery {
                sort: ContactSort::NewestFirst,
                after: None,
                before: None,
                ..query.clone()
            };
            list_by_created(scope, keys, &fallback, total).await
        }
        ContactSort::NewestFirst | ContactSort::OldestFirst => {
            list_by_created(scope, keys, query, total).await
        }
    }
}

/// Names are ciphertext, so name order is made in memory (bounded by NAME_SORT_LIMIT).
async fn list_by_name(
    scope: &mut TenantTx,
    keys: &KeyStore,
    query: &ContactListQuery,
    total: i64,
) -> AppResult<ContactPage> {
    let tenant_id = scope.principal.tenant_id;
    let rows: Vec<SealedSummary> =
        sqlx::query_as(&format!("SELECT {SUMMARY_COLUMNS} FROM contacts"))
            .fetch_all(scope.conn())
            .await?;
    let opened = open_summaries(scope.conn(), keys, tenant_id, &rows).await?;
    let mut sorted: Vec<(String, Uuid, ContactSummary)> = opened
        .into_iter()
        .map(|(c, _)| (name_key(&c), c.id, c))
        .collect();
    sorted.sort_by(|a, b| (a.0.as_str(), a.1).cmp(&(b.0.as_str(), b.1)));
    if query.sort == ContactSort::NameDesc {
        // Descending order: invert the key so keyset comparisons still ascend.
        sorted.reverse();
        for (i, entry) in sorted.iter_mut().enumerate() {
            entry.0 = format!("{i:012}");
        }
    }
    let (items, next, prev) = keyset_page(sorted, query)?;
    Ok(ContactPage {
        items,
        next,
        prev,
        total,
        sort: query.sort,
        ranked: false,
    })
}

async fn list_by_created(
    scope: &mut TenantTx,
    keys: &KeyStore,
    query: &ContactListQuery,
    total: i64,
) -> AppResult<ContactPage> {
    let tenant_id = scope.principal.tenant_id;
    let backwards = query.before.is_some();
    let cursor = match (&query.after, &query.before) {
        (Some(c), _) | (None, Some(c)) => Some(Cursor::decode(c)?),
        (None, None) => None,
    };
    let ascending = (query.sort == ContactSort::OldestFirst) != backwards;
    let (cmp, dir) = if ascending {
        (">", "ASC")
    } else {
        ("<", "DESC")
    };
    let keyset = if cursor.is_some() {
        format!("WHERE (created_at, contact_id) {cmp} ($1::timestamptz, $2)")
    } else {
        String::new()
    };
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM contacts {keyset} ORDER BY created_at {dir}, contact_id {dir} LIMIT $3"
    );
    let (cursor_key, cursor_id) = cursor.map(|c| (c.k, c.id)).unzip();
    let mut rows: Vec<SealedSummary> = sqlx::query_as(&sql)
        .bind(cursor_key)
        .bind(cursor_id)
        .bind(PAGE_SIZE + 1)
        .fetch_all(scope.conn())
        .await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    if backwards {
        rows.reverse();
    }
    let cursor_of = |row: &SealedSummary| {
        Cursor {
            k: row.created_at.format(&Rfc3339).expect("timestamps format"),
            id: row.contact_id,
        }
        .encode()
    };
    let (next, prev) = match (rows.first(), rows.last()) {
        (Some(first), Some(last)) if backwards => {
            (Some(cursor_of(last)), more.then(|| cursor_of(first)))
        }
        (Some(first), Some(last)) => (
            more.then(|| cursor_of(last)),
            query.after.is_some().then(|| cursor_of(first)),
        ),
        _ => (None, None),
    };
    let items = open_summaries(scope.conn(), keys, tenant_id, &rows)
        .await?
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    Ok(ContactPage {
        items,
        next,
        prev,
        total,
        sort: query.sort,
        ranked: false,
    })
}

/// How a search text is looked up.
enum Lookup {
    Email(Vec<u8>),
    Phone(Vec<u8>),
    Words { prefixes: Vec<i64>, exact: Vec<i64> },
    Nothing,
}

fn classify(index: &IndexKey, q: &str) -> Lookup {
    let q = q.trim();
    if q.contains('@') {
        return Lookup::Email(index.email(q));
    }
    let phone_like = q
        .chars()
        .all(|c| c.is_ascii_digit() || " +-/().".contains(c));
    if phone_like {
        return match index.phone(q) {
            Some(bidx) => Lookup::Phone(bidx),
            None => Lookup::Nothing,
        };
    }
    let query = index.query(q);
    if query.is_empty() {
        Lookup::Nothing
    } else {
        Lookup::Words {
            prefixes: query.prefixes,
            exact: query.exact,
        }
    }
}

/// Ranked search: every word must match a name or organisation word prefix; whole-word
/// matches rank first. Paged by offset (ranks are not a stable keyset).
async fn search(
    scope: &mut TenantTx,
    keys: &KeyStore,
    query: &ContactListQuery,
) -> AppResult<ContactPage> {
    let tenant_id = scope.principal.tenant_id;
    let index = keys.index_key(scope.conn(), tenant_id).await?;
    let offset: i64 = match (&query.after, &query.before) {
        (Some(c), _) | (None, Some(c)) => Cursor::decode(c)?
            .k
            .parse()
            .map_err(|_| AppError::BadRequest)?,
        (None, None) => 0,
    };
    let offset = offset.max(0);
    let (ids, total): (Vec<Uuid>, i64) = match classify(&index, &query.q) {
        Lookup::Nothing => (Vec::new(), 0),
        Lookup::Email(bidx) => exact_ids(scope.conn(), "email_bidx", bidx).await?,
        Lookup::Phone(bidx) => exact_ids(scope.conn(), "phone_bidx", bidx).await?,
        Lookup::Words { prefixes, exact } => {
            let ranked: Vec<(Uuid, i64)> = sqlx::query_as(
                "SELECT contact_id, count(*) OVER () AS total
                 FROM contact_search_tokens
                 WHERE token = ANY($1) OR token = ANY($2)
                 GROUP BY contact_id
                 HAVING count(DISTINCT token) FILTER (WHERE token = ANY($1)) = cardinality($1)
                 ORDER BY count(*) FILTER (WHERE token = ANY($2)) DESC, contact_id
                 OFFSET $3 LIMIT $4",
            )
            .bind(&prefixes)
            .bind(&exact)
            .bind(offset)
            .bind(PAGE_SIZE)
            .fetch_all(scope.conn())
            .await?;
            let total = ranked.first().map(|r| r.1).unwrap_or(0);
            (ranked.into_iter().map(|r| r.0).collect(), total)
        }
    };
    let rows: Vec<SealedSummary> = sqlx::query_as(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM contacts WHERE contact_id = ANY($1)"
    ))
    .bind(&ids)
    .fetch_all(scope.conn())
    .await?;
    let mut opened: HashMap<Uuid, ContactSummary> =
        open_summaries(scope.conn(), keys, tenant_id, &rows)
            .await?
            .into_iter()
            .map(|(c, _)| (c.id, c))
            .collect();
    let items: Vec<ContactSummary> = ids.iter().filter_map(|id| opened.remove(id)).collect();
    let offset_cursor = |k: i64| {
        Cursor {
            k: k.to_string(),
            id: Uuid::nil(),
        }
        .encode()
    };
    let next = (offset + PAGE_SIZE < total).then(|| offset_cursor(offset + PAGE_SIZE));
    let prev = (offset > 0).then(|| offset_cursor((offset - PAGE_SIZE).max(0)));
    Ok(ContactPage {
        items,
        next,
        prev,
        total,
        sort: query.sort,
        ranked: true,
    })
}

async fn exact_ids(
    conn: &mut PgConnection,
    column: &'static str,
    bidx: Vec<u8>,
) -> AppResult<(Vec<Uuid>, i64)> {
    let ids: Vec<Uuid> = sqlx::query_scalar(&format!(
        "SELECT contact_id FROM contacts WHERE {column} = $1 ORDER BY created_at"
    ))
    .bind(bidx)
    .fetch_all(conn)
    .await?;
    let total = ids.len() as i64;
    Ok((ids, total))
}

pub async fn get(scope: &mut TenantTx, keys: &KeyStore, id: Uuid) -> AppResult<Contact> {
    scope.require(Role::can_read_contacts)?;
    let tenant_id = scope.principal.tenant_id;
    let row: Option<SealedContact> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM contacts WHERE contact_id = $1"
    ))
    .bind(id)
    .fetch_optional(scope.conn())
    .await?;
    let row = row.ok_or(AppError::NotFound)?;
    let key = keys.subject_key(scope.conn(), tenant_id, id).await?;
    let contact = row.open(&key, tenant_id)?;
    let actor = scope.principal.user_id;
    let event = AuditEvent::new(Some(actor), AuditAction::ContactRead)
        .subjects(std::slice::from_ref(&id))
        .fields(&ALL_FIELDS);
    audit::record(scope.conn(), tenant_id, event).await?;
    Ok(contact)
}

const ALL_FIELDS: [&str; 6] = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "organisation",
    "notes",
];

/// Names of the fields whose values differ (never the values themselves).
fn changed_fields(before: &ContactInput, after: &ContactInput) -> Vec<&'static str> {
    let pairs = [
        (&before.first_name, &after.first_name),
        (&before.last_name, &after.last_name),
        (&before.email, &after.email),
        (&before.phone, &after.phone),
        (&before.organisation, &after.organisation),
        (&before.notes, &after.notes),
    ];
    ALL_FIELDS
        .iter()
        .zip(pairs)
        .filter(|(_, (b, a))| b != a)
        .map(|(f, _)| *f)
        .collect()
}

fn map_write_error(err: sqlx::Error) -> AppError {
    if violates(&err, "contacts_email_key") {
        AppError::Validation(FieldErrors::single("email", Problem::EmailTaken))
    } else {
        err.into()
    }
}

/// The sealed columns and blind indexes for `input`.
struct SealedInput {
    first_name: Vec<u8>,
    last_name: Vec<u8>,
    email: Option<Vec<u8>>,
    phone: Option<Vec<u8>>,
    organisation: Option<Vec<u8>>,
    notes: Option<Vec<u8>>,
    email_bidx: Option<Vec<u8>>,
    phone_bidx: Option<Vec<u8>>,
}

fn seal_input(
    key: &DataKey,
    index: &IndexKey,
    tenant_id: Uuid,
    id: Uuid,
    input: &ContactInput,
) -> SealedInput {
    let r = RecordCipher {
        key,
        tenant_id,
        table: TABLE,
        row_id: id,
    };
    SealedInput {
        first_name: r.seal("first_name", &input.first_name),
        last_name: r.seal("last_name", &input.last_name),
        email: r.seal_optional("email", &input.email),
        phone: r.seal_optional("phone", &input.phone),
        organisation: r.seal_optional("organisation", &input.organisation),
        notes: r.seal_optional("notes", &input.notes),
        email_bidx: (!input.email.is_empty()).then(|| index.email(&input.email)),
        phone_bidx: index.phone(&input.phone),
    }
}

async fn write_tokens(
    conn: &mut PgConnection,
    index: &IndexKey,
    tenant_id: Uuid,
    id: Uuid,
    input: &ContactInput,
) -> AppResult<()> {
    sqlx::query("DELETE FROM contact_search_tokens WHERE contact_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let tokens = index.tokens_for(
        &[&input.first_name, &input.last_name],
        &[&input.organisation],
    );
    let values: Vec<i64> = tokens.iter().map(|t| t.token).collect();
    let exact: Vec<bool> = tokens.iter().map(|t| t.exact).collect();
    sqlx::query(
        "INSERT INTO contact_search_tokens (tenant_id, token, contact_id, exact)
         SELECT $1, t.token, $2, t.exact FROM unnest($3::bigint[], $4::boolean[]) AS t(token, exact)",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(values)
    .bind(exact)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn create(
    scope: &mut TenantTx,
    keys: &KeyStore,
    input: &ContactInput,
) -> AppResult<Contact> {
    scope.require(Role::can_write_contacts)?;
    let input = input.normalized();
    input.validate().into_result()?;
    let tenant_id = scope.principal.tenant_id;
    let created_by = scope.principal.user_id;
    let id = Uuid::now_v7();
    let key = keys.create_subject_key(scope.conn(), tenant_id, id).await?;
    let index = keys.index_key(scope.conn(), tenant_id).await?;
    let s = seal_input(&key, &index, tenant_id, id, &input);
    let row: SealedContact = sqlx::query_as(&format!(
        "INSERT INTO contacts (tenant_id, contact_id, first_name_ct, last_name_ct, email_ct, phone_ct,
                               organisation_ct, notes_ct, email_bidx, phone_bidx, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING {COLUMNS}"
    ))
    .bind(tenant_id)
    .bind(id)
    .bind(s.first_name)
    .bind(s.last_name)
    .bind(s.email)
    .bind(s.phone)
    .bind(s.organisation)
    .bind(s.notes)
    .bind(s.email_bidx)
    .bind(s.phone_bidx)
    .bind(created_by)
    .fetch_one(scope.conn())
    .await
    .map_err(map_write_error)?;
    write_tokens(scope.conn(), &index, tenant_id, id, &input).await?;
    KeyStore::count_encryptions(scope.conn(), id, SEALED_FIELDS).await?;
    let fields = changed_fields(&ContactInput::default(), &input);
    let event = AuditEvent::new(Some(created_by), AuditAction::ContactCreate)
        .subjects(std::slice::from_ref(&id))
        .fields(&fields);
    audit::record(scope.conn(), tenant_id, event).await?;
    row.open(&key, tenant_id)
}

/// Updates the contact if nobody changed it since `version` was read.
pub async fn update(
    scope: &mut TenantTx,
    keys: &KeyStore,
    id: Uuid,
    version: i32,
    input: &ContactInput,
) -> AppResult<Contact> {
    scope.require(Role::can_write_contacts)?;
    let input = input.normalized();
    input.validate().into_result()?;
    let tenant_id = scope.principal.tenant_id;
    let current: Option<SealedContact> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM contacts WHERE contact_id = $1 FOR UPDATE"
    ))
    .bind(id)
    .fetch_optional(scope.conn())
    .await?;
    let current = match current {
        None => return Err(AppError::NotFound),
        Some(row) if row.version != version => return Err(AppError::Conflict),
        Some(row) => row,
    };
    let old_key = keys.subject_key(scope.conn(), tenant_id, id).await?;
    let before = current.open(&old_key, tenant_id)?.as_input();
    // Every field is rewritten, so a worn key is simply replaced here.
    let key = if KeyStore::count_encryptions(scope.conn(), id, SEALED_FIELDS).await?
        > REKEY_AFTER_ENCRYPTIONS
    {
        keys.create_subject_key(scope.conn(), tenant_id, id).await?
    } else {
        old_key
    };
    let index = keys.index_key(scope.conn(), tenant_id).await?;
    let s = seal_input(&key, &index, tenant_id, id, &input);
    let row: SealedContact = sqlx::query_as(&format!(
        "UPDATE contacts SET first_name_ct = $2, last_name_ct = $3, email_ct = $4, phone_ct = $5,
                organisation_ct = $6, notes_ct = $7, email_bidx = $8, phone_bidx = $9,
                version = version + 1, updated_at = now()
         WHERE contact_id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(s.first_name)
    .bind(s.last_name)
    .bind(s.email)
    .bind(s.phone)
    .bind(s.organisation)
    .bind(s.notes)
    .bind(s.email_bidx)
    .bind(s.phone_bidx)
    .fetch_one(scope.conn())
    .await
    .map_err(map_write_error)?;
    write_tokens(scope.conn(), &index, tenant_id, id, &input).await?;
    let fields = changed_fields(&before, &input);
    let actor = scope.principal.user_id;
    let event = AuditEvent::new(Some(actor), AuditAction::ContactUpdate)
        .subjects(std::slice::from_ref(&id))
        .fields(&fields);
    audit::record(scope.conn(), tenant_id, event).await?;
    row.open(&key, tenant_id)
}

/// Erases the contact (GDPR Art. 17): its row, its search tokens and its key. Copies
/// of its ciphertext elsewhere (backups) become unreadable with the key.
pub async fn delete(scope: &mut TenantTx, id: Uuid) -> AppResult<()> {
    scope.require(Role::can_write_contacts)?;
    let deleted = sqlx::query("DELETE FROM contacts WHERE contact_id = $1")
        .bind(id)
        .execute(scope.conn())
        .await?
        .rows_affected();
    if deleted == 0 {
        return Err(AppError::NotFound);
    }
    KeyStore::destroy_subject_key(scope.conn(), id).await?;
    let (tenant_id, actor) = (scope.principal.tenant_id, scope.principal.user_id);
    let event = AuditEvent::new(Some(actor), AuditAction::ContactDelete)
        .subjects(std::slice::from_ref(&id));
    audit::record(scope.conn(), tenant_id, event).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(n: usize) -> Vec<(String, Uuid, usize)> {
        (0..n)
            .map(|i| (format!("{i:04}"), Uuid::from_u128(i as u128), i))
            .collect()
    }

    #[test]
    fn keyset_pages_cover_everything_once_in_both_directions() {
        let q = ContactListQuery::default();
        let (first, next, prev) = keyset_page(entries(120), &q).unwrap();
        assert_eq!((first.len(), prev), (50, None));
        let q2 = ContactListQuery {
            after: next,
            ..Default::default()
        };
        let (second, next2, prev2) = keyset_page(entries(120), &q2).unwrap();
        assert_eq!(second[0], 50);
        let q3 = ContactListQuery {
            after: next2,
            ..Default::default()
        };
        let (third, next3, prev3) = keyset_page(entries(120), &q3).unwrap();
        assert_eq!((third.len(), next3), (20, None));
        let back = ContactListQuery {
            before: prev3,
            ..Default::default()
        };
        assert_eq!(keyset_page(entries(120), &back).unwrap().0, second);
        let back2 = ContactListQuery {
            before: prev2,
            ..Default::default()
        };
        assert_eq!(keyset_page(entries(120), &back2).unwrap().0, first);
    }

    #[test]
    fn cursors_reject_garbage() {
        assert_eq!(Cursor::decode("!!!").err(), Some(AppError::BadRequest));
    }
}
