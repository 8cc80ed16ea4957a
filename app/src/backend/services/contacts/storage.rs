//! Contacts at rest: sealed rows, their blind indexes and search tokens, and the SQL.
//! Nothing here checks permissions or writes audit entries; the service does.

use crate::backend::crypto::{IndexKey, RecordCipher};
use crate::backend::paging::{Cursor, Keyset};
use crate::backend::tenancy::violates;
use crate::model::contacts::{Contact, ContactField, ContactInput, ContactSummary};
use crate::model::validation::{FieldErrors, Problem};
use crate::{AppError, AppResult};
use sqlx::{FromRow, PgConnection, Postgres, QueryBuilder};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

pub const TABLE: &str = "contacts";
/// Field encryptions per write (every field is sealed anew).
pub const SEALED_FIELDS: i64 = 6;
/// The list row's columns, for the one dynamic (keyset) query; the checked queries
/// below spell them out.
const SUMMARY_COLUMNS: &str =
    "contact_id, first_name_ct, last_name_ct, email_ct, phone_ct, organisation_ct, created_at";

fn open(c: &RecordCipher, field: ContactField, ct: &[u8]) -> AppResult<String> {
    c.open(field.name(), ct)
}

fn open_optional(
    c: &RecordCipher,
    field: ContactField,
    ct: Option<&[u8]>,
) -> AppResult<Option<String>> {
    c.open_optional(field.name(), ct)
}

pub struct SealedContact {
    pub contact_id: Uuid,
    first_name_ct: Vec<u8>,
    last_name_ct: Vec<u8>,
    email_ct: Option<Vec<u8>>,
    phone_ct: Option<Vec<u8>>,
    organisation_ct: Option<Vec<u8>>,
    notes_ct: Option<Vec<u8>>,
    pub version: i32,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl SealedContact {
    pub fn open(&self, c: &RecordCipher) -> AppResult<Contact> {
        use ContactField::*;
        Ok(Contact {
            id: self.contact_id,
            first_name: open(c, FirstName, &self.first_name_ct)?,
            last_name: open(c, LastName, &self.last_name_ct)?,
            email: open_optional(c, Email, self.email_ct.as_deref())?,
            phone: open_optional(c, Phone, self.phone_ct.as_deref())?,
            organisation: open_optional(c, Organisation, self.organisation_ct.as_deref())?,
            notes: open_optional(c, Notes, self.notes_ct.as_deref())?,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// A list row, still sealed.
#[derive(FromRow)]
pub struct SealedSummary {
    pub contact_id: Uuid,
    first_name_ct: Vec<u8>,
    last_name_ct: Vec<u8>,
    email_ct: Option<Vec<u8>>,
    phone_ct: Option<Vec<u8>>,
    organisation_ct: Option<Vec<u8>>,
    pub created_at: OffsetDateTime,
}

impl SealedSummary {
    pub fn open(&self, c: &RecordCipher) -> AppResult<ContactSummary> {
        use ContactField::*;
        Ok(ContactSummary {
            id: self.contact_id,
            first_name: open(c, FirstName, &self.first_name_ct)?,
            last_name: open(c, LastName, &self.last_name_ct)?,
            email: open_optional(c, Email, self.email_ct.as_deref())?,
            phone: open_optional(c, Phone, self.phone_ct.as_deref())?,
            organisation: open_optional(c, Organisation, self.organisation_ct.as_deref())?,
        })
    }

    /// The keyset position of this row in creation order.
    pub fn created_cursor(&self) -> Cursor {
        Cursor {
            k: self.created_at.format(&Rfc3339).expect("timestamps format"),
            id: self.contact_id,
        }
    }
}

/// Just the names, for labelling contacts in the audit log.
pub struct SealedName {
    pub contact_id: Uuid,
    first_name_ct: Vec<u8>,
    last_name_ct: Vec<u8>,
}

impl SealedName {
    /// `(id, "Last, First")`.
    pub fn open(&self, c: &RecordCipher) -> AppResult<(Uuid, String)> {
        let first = open(c, ContactField::FirstName, &self.first_name_ct)?;
        let last = open(c, ContactField::LastName, &self.last_name_ct)?;
        Ok((self.contact_id, format!("{last}, {first}")))
    }
}

pub async fn names_by_ids(conn: &mut PgConnection, ids: &[Uuid]) -> AppResult<Vec<SealedName>> {
    Ok(sqlx::query_as!(
        SealedName,
        "SELECT contact_id, first_name_ct, last_name_ct FROM contacts WHERE contact_id = ANY($1)",
        ids
    )
    .fetch_all(conn)
    .await?)
}

/// The sealed columns and blind indexes of one contact's input.
pub struct SealedInput {
    values: [Option<Vec<u8>>; 6],
    email_bidx: Option<Vec<u8>>,
    phone_bidx: Option<Vec<u8>>,
    tokens: Vec<i64>,
    exact: Vec<bool>,
}

impl SealedInput {
    pub fn seal(c: &RecordCipher, index: &IndexKey, input: &ContactInput) -> Self {
        use ContactField::*;
        let seal = |f: ContactField| c.seal_optional(f.name(), input.get(f));
        let tokens = index.tokens_for(
            &[&input.first_name, &input.last_name],
            &[&input.organisation],
        );
        Self {
            values: [FirstName, LastName, Email, Phone, Organisation, Notes].map(seal),
            email_bidx: (!input.email.is_empty()).then(|| index.email(&input.email)),
            phone_bidx: index.phone(&input.phone),
            tokens: tokens.iter().map(|t| t.token).collect(),
            exact: tokens.iter().map(|t| t.exact).collect(),
        }
    }
}

fn map_write_error(err: sqlx::Error) -> AppError {
    if violates(&err, "contacts_email_key") {
        AppError::Validation(FieldErrors::single("email", Problem::EmailTaken))
    } else {
        err.into()
    }
}

pub async fn count(conn: &mut PgConnection) -> AppResult<i64> {
    Ok(
        sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM contacts"#)
            .fetch_one(conn)
            .await?,
    )
}

pub async fn all_summaries(conn: &mut PgConnection) -> AppResult<Vec<SealedSummary>> {
    Ok(sqlx::query_as!(
        SealedSummary,
        "SELECT contact_id, first_name_ct, last_name_ct, email_ct, phone_ct, organisation_ct, created_at
         FROM contacts"
    )
    .fetch_all(conn)
    .await?)
}

/// One keyset page's rows in creation order (newest first unless `oldest_first`).
pub async fn summaries_by_created(
    conn: &mut PgConnection,
    keyset: &Keyset,
    oldest_first: bool,
) -> AppResult<Vec<SealedSummary>> {
    let ascending = keyset.sql_ascends(oldest_first);
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new("SELECT ");
    sql.push(SUMMARY_COLUMNS).push(" FROM contacts");
    if let Some(cursor) = &keyset.cursor {
        let at = OffsetDateTime::parse(&cursor.k, &Rfc3339).map_err(|_| AppError::BadRequest)?;
        sql.push(if ascending {
            " WHERE (created_at, contact_id) > ("
        } else {
            " WHERE (created_at, contact_id) < ("
        })
        .push_bind(at)
        .push(", ")
        .push_bind(cursor.id)
        .push(")");
    }
    sql.push(if ascending {
        " ORDER BY created_at ASC, contact_id ASC LIMIT "
    } else {
        " ORDER BY created_at DESC, contact_id DESC LIMIT "
    })
    .push_bind(keyset.limit());
    Ok(sql.build_query_as().fetch_all(conn).await?)
}

pub async fn summaries_by_ids(
    conn: &mut PgConnection,
    ids: &[Uuid],
) -> AppResult<Vec<SealedSummary>> {
    Ok(sqlx::query_as!(
        SealedSummary,
        "SELECT contact_id, first_name_ct, last_name_ct, email_ct, phone_ct, organisation_ct, created_at
         FROM contacts WHERE contact_id = ANY($1)",
        ids
    )
    .fetch_all(conn)
    .await?)
}

pub async fn find(conn: &mut PgConnection, id: Uuid) -> AppResult<Option<SealedContact>> {
    Ok(sqlx::query_as!(
        SealedContact,
        "SELECT contact_id, first_name_ct, last_name_ct, email_ct, phone_ct, organisation_ct,
                notes_ct, version, created_at, updated_at
         FROM contacts WHERE contact_id = $1",
        id
    )
    .fetch_optional(conn)
    .await?)
}

/// The row, locked until the transaction ends.
pub async fn find_for_update(
    conn: &mut PgConnection,
    id: Uuid,
) -> AppResult<Option<SealedContact>> {
    Ok(sqlx::query_as!(
        SealedContact,
        "SELECT contact_id, first_name_ct, last_name_ct, email_ct, phone_ct, organisation_ct,
                notes_ct, version, created_at, updated_at
         FROM contacts WHERE contact_id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(conn)
    .await?)
}

pub async fn insert(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    id: Uuid,
    s: SealedInput,
    created_by: Uuid,
) -> AppResult<SealedContact> {
    let [first, last, email, phone, organisation, notes] = s.values;
    let row = sqlx::query_as!(
        SealedContact,
        "INSERT INTO contacts (tenant_id, contact_id, first_name_ct, last_name_ct, email_ct, phone_ct,
                               organisation_ct, notes_ct, email_bidx, phone_bidx, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         RETURNING contact_id, first_name_ct, last_name_ct, email_ct, phone_ct, organisation_ct,
                   notes_ct, version, created_at, updated_at",
        tenant_id,
        id,
        first,
        last,
        email,
        phone,
        organisation,
        notes,
        s.email_bidx,
        s.phone_bidx,
        created_by
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(map_write_error)?;
    write_tokens(conn, tenant_id, id, &s.tokens, &s.exact).await?;
    Ok(row)
}

pub async fn update(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    id: Uuid,
    s: SealedInput,
) -> AppResult<SealedContact> {
    let [first, last, email, phone, organisation, notes] = s.values;
    let row = sqlx::query_as!(
        SealedContact,
        "UPDATE contacts SET first_name_ct = $2, last_name_ct = $3, email_ct = $4, phone_ct = $5,
                organisation_ct = $6, notes_ct = $7, email_bidx = $8, phone_bidx = $9,
                version = version + 1, updated_at = now()
         WHERE contact_id = $1
         RETURNING contact_id, first_name_ct, last_name_ct, email_ct, phone_ct, organisation_ct,
                   notes_ct, version, created_at, updated_at",
        id,
        first,
        last,
        email,
        phone,
        organisation,
        notes,
        s.email_bidx,
        s.phone_bidx
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(map_write_error)?;
    write_tokens(conn, tenant_id, id, &s.tokens, &s.exact).await?;
    Ok(row)
}

async fn write_tokens(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    id: Uuid,
    tokens: &[i64],
    exact: &[bool],
) -> AppResult<()> {
    sqlx::query!(
        "DELETE FROM contact_search_tokens WHERE contact_id = $1",
        id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO contact_search_tokens (tenant_id, token, contact_id, exact)
         SELECT $1, t.token, $2, t.exact FROM unnest($3::bigint[], $4::boolean[]) AS t(token, exact)",
        tenant_id,
        id,
        tokens,
        exact
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Deletes the row (its search tokens go with it); false if there was none.
pub async fn delete(conn: &mut PgConnection, id: Uuid) -> AppResult<bool> {
    let deleted = sqlx::query!("DELETE FROM contacts WHERE contact_id = $1", id)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(deleted > 0)
}
