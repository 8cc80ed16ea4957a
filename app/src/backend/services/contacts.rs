//! Contacts: list with filter and keyset pagination, create, read, update, delete.

use crate::backend::tenancy::{violates, TenantTx};
use crate::model::contact::{
    Contact, ContactInput, ContactListQuery, ContactPage, ContactSort, ContactSummary, PAGE_SIZE,
};
use crate::model::identity::Role;
use crate::model::validation::{FieldErrors, Problem};
use crate::{AppError, AppResult};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

const COLUMNS: &str = "contact_id, first_name, last_name, email, phone, organisation, notes, \
                       version, created_at, updated_at";

#[derive(FromRow)]
struct ContactRow {
    contact_id: Uuid,
    first_name: String,
    last_name: String,
    email: Option<String>,
    phone: Option<String>,
    organisation: Option<String>,
    notes: Option<String>,
    version: i32,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl From<ContactRow> for Contact {
    fn from(row: ContactRow) -> Self {
        Contact {
            id: row.contact_id,
            first_name: row.first_name,
            last_name: row.last_name,
            email: row.email,
            phone: row.phone,
            organisation: row.organisation,
            notes: row.notes,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

#[derive(FromRow)]
struct SummaryRow {
    contact_id: Uuid,
    first_name: String,
    last_name: String,
    email: Option<String>,
    phone: Option<String>,
    organisation: Option<String>,
    sort_name: String,
    created_at: OffsetDateTime,
}

/// Opaque position in a sorted list: the sort key and id of a row.
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

/// How a sort order maps to SQL. Only these fixed strings are ever formatted into SQL.
struct SortPlan {
    key: &'static str,
    key_type: &'static str,
    ascending: bool,
}

fn plan(sort: ContactSort) -> SortPlan {
    match sort {
        ContactSort::NameAsc => SortPlan {
            key: "sort_name",
            key_type: "text",
            ascending: true,
        },
        ContactSort::NameDesc => SortPlan {
            key: "sort_name",
            key_type: "text",
            ascending: false,
        },
        ContactSort::NewestFirst => SortPlan {
            key: "created_at",
            key_type: "timestamptz",
            ascending: false,
        },
        ContactSort::OldestFirst => SortPlan {
            key: "created_at",
            key_type: "timestamptz",
            ascending: true,
        },
    }
}

fn cursor_of(row: &SummaryRow, sort: ContactSort) -> String {
    let k = match plan(sort).key {
        "sort_name" => row.sort_name.clone(),
        _ => row.created_at.format(&Rfc3339).expect("timestamps format"),
    };
    Cursor {
        k,
        id: row.contact_id,
    }
    .encode()
}

/// `%`, `_` and `\` match themselves in the filter.
fn like_pattern(q: &str) -> String {
    let escaped = q
        .trim()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

const FILTER: &str =
    "($1 = '' OR concat_ws(' ', first_name, last_name, email, phone, organisation) ILIKE $2)";

pub async fn list(scope: &mut TenantTx, query: &ContactListQuery) -> AppResult<ContactPage> {
    scope.require(Role::can_read_contacts)?;
    let plan = plan(query.sort);
    let q = query.q.trim();
    let pattern = like_pattern(q);
    let backwards = query.before.is_some();
    let cursor = match (&query.after, &query.before) {
        (Some(c), _) | (None, Some(c)) => Some(Cursor::decode(c)?),
        (None, None) => None,
    };
    // Walking backwards flips the direction, then the rows are reversed below.
    let ascending = plan.ascending != backwards;
    let (cmp, dir) = if ascending {
        (">", "ASC")
    } else {
        ("<", "DESC")
    };
    let keyset = if cursor.is_some() {
        format!(
            "AND ({key}, contact_id) {cmp} ($3::{ty}, $4)",
            key = plan.key,
            ty = plan.key_type
        )
    } else {
        String::new()
    };
    let sql = format!(
        "SELECT contact_id, first_name, last_name, email, phone, organisation, sort_name, created_at
         FROM contacts WHERE {FILTER} {keyset}
         ORDER BY {key} {dir}, contact_id {dir} LIMIT $5",
        key = plan.key
    );
    let (cursor_key, cursor_id) = cursor.map(|c| (c.k, c.id)).unzip();
    let mut rows: Vec<SummaryRow> = sqlx::query_as(&sql)
        .bind(q)
        .bind(&pattern)
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
    let (next, prev) = match (backwards, rows.first(), rows.last()) {
        (_, None, _) | (_, _, None) => (None, None),
        (false, Some(first), Some(last)) => (
            more.then(|| cursor_of(last, query.sort)),
            query.after.is_some().then(|| cursor_of(first, query.sort)),
        ),
        (true, Some(first), Some(last)) => (
            Some(cursor_of(last, query.sort)),
            more.then(|| cursor_of(first, query.sort)),
        ),
    };
    let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM contacts WHERE {FILTER}"))
        .bind(q)
        .bind(&pattern)
        .fetch_one(scope.conn())
        .await?;
    let items = rows
        .into_iter()
        .map(|r| ContactSummary {
            id: r.contact_id,
            first_name: r.first_name,
            last_name: r.last_name,
            email: r.email,
            phone: r.phone,
            organisation: r.organisation,
        })
        .collect();
    Ok(ContactPage {
        items,
        next,
        prev,
        total,
    })
}

pub async fn get(scope: &mut TenantTx, id: Uuid) -> AppResult<Contact> {
    scope.require(Role::can_read_contacts)?;
    let row: Option<ContactRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM contacts WHERE contact_id = $1"
    ))
    .bind(id)
    .fetch_optional(scope.conn())
    .await?;
    row.map(Contact::from).ok_or(AppError::NotFound)
}

fn none_if_empty(value: &str) -> Option<&str> {
    (!value.is_empty()).then_some(value)
}

fn map_write_error(err: sqlx::Error) -> AppError {
    if violates(&err, "contacts_email_key") {
        AppError::Validation(FieldErrors::single("email", Problem::EmailTaken))
    } else {
        err.into()
    }
}

pub async fn create(scope: &mut TenantTx, input: &ContactInput) -> AppResult<Contact> {
    scope.require(Role::can_write_contacts)?;
    let input = input.normalized();
    input.validate().into_result()?;
    let tenant_id = scope.principal.tenant_id;
    let created_by = scope.principal.user_id;
    let row: ContactRow = sqlx::query_as(&format!(
        "INSERT INTO contacts (tenant_id, contact_id, first_name, last_name, email, phone,
                               organisation, notes, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {COLUMNS}"
    ))
    .bind(tenant_id)
    .bind(Uuid::now_v7())
    .bind(&input.first_name)
    .bind(&input.last_name)
    .bind(none_if_empty(&input.email))
    .bind(none_if_empty(&input.phone))
    .bind(none_if_empty(&input.organisation))
    .bind(none_if_empty(&input.notes))
    .bind(created_by)
    .fetch_one(scope.conn())
    .await
    .map_err(map_write_error)?;
    Ok(row.into())
}

/// Updates the contact if nobody changed it since `version` was read.
pub async fn update(
    scope: &mut TenantTx,
    id: Uuid,
    version: i32,
    input: &ContactInput,
) -> AppResult<Contact> {
    scope.require(Role::can_write_contacts)?;
    let input = input.normalized();
    input.validate().into_result()?;
    let row: Option<ContactRow> = sqlx::query_as(&format!(
        "UPDATE contacts SET first_name = $3, last_name = $4, email = $5, phone = $6,
                organisation = $7, notes = $8, version = version + 1, updated_at = now()
         WHERE contact_id = $1 AND version = $2 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(version)
    .bind(&input.first_name)
    .bind(&input.last_name)
    .bind(none_if_empty(&input.email))
    .bind(none_if_empty(&input.phone))
    .bind(none_if_empty(&input.organisation))
    .bind(none_if_empty(&input.notes))
    .fetch_optional(scope.conn())
    .await
    .map_err(map_write_error)?;
    match row {
        Some(row) => Ok(row.into()),
        None => {
            let exists: bool =
                sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM contacts WHERE contact_id = $1)")
                    .bind(id)
                    .fetch_one(scope.conn())
                    .await?;
            Err(if exists {
                AppError::Conflict
            } else {
                AppError::NotFound
            })
        }
    }
}

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
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern(" 50%_off\\ "), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let id = Uuid::now_v7();
        let c = Cursor {
            k: "müller erika".into(),
            id,
        }
        .encode();
        let back = Cursor::decode(&c).unwrap();
        assert_eq!((back.k.as_str(), back.id), ("müller erika", id));
        assert_eq!(Cursor::decode("!!!").err(), Some(AppError::BadRequest));
    }
}
