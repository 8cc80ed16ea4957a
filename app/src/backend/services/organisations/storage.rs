//! Organisations at rest: sealed rows, fingerprints, search tokens and the SQL.

use crate::backend::crypto::blind_index::SearchToken;
use crate::backend::crypto::{IndexKey, RecordCipher};
use crate::backend::listing::{push_filter, push_time_page, time_cursor, ListTable};
use crate::backend::paging::{Cursor, Keyset};
use crate::backend::search::{self, Fingerprint, RecordKind};
use crate::backend::tenancy::violates;
use crate::model::contacts::RecordFilter;
use crate::model::organisations::{OrganisationInput, OrganisationSummary, SizeClass};
use crate::model::records::{tags_text, Classification, PostalAddress};
use crate::model::validation::{FieldErrors, Problem};
use crate::{AppError, AppResult};
use serde::{Deserialize, Serialize};
use sqlx::{FromRow, PgConnection, Postgres, QueryBuilder};
use time::OffsetDateTime;
use uuid::Uuid;

pub const TABLE: &str = "organisations";
pub const SEALED_FIELDS: i64 = 3;

mod column {
    pub const NAME: &str = "name";
    pub const DETAILS: &str = "details";
    pub const NOTES: &str = "notes";
}

/// What `details_ct` holds.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct Details {
    website: String,
    email: String,
    phone: String,
    vat_id: String,
    billing_address: PostalAddress,
    delivery_address: PostalAddress,
}

pub struct SealedOrganisation {
    pub organisation_id: Uuid,
    name_ct: Vec<u8>,
    details_ct: Option<Vec<u8>>,
    notes_ct: Option<Vec<u8>>,
    legal_form: String,
    industry: String,
    size_class: Option<String>,
    owner_id: Option<Uuid>,
    pub parent_id: Option<Uuid>,
    tags: Vec<String>,
    classification: Option<String>,
    pub version: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

fn classification(code: &Option<String>) -> Option<Classification> {
    code.as_deref().and_then(|c| c.parse().ok())
}

impl SealedOrganisation {
    pub fn open(&self, c: &RecordCipher) -> AppResult<OrganisationInput> {
        let details: Details =
            c.open_json_or_default(column::DETAILS, self.details_ct.as_deref())?;
        Ok(OrganisationInput {
            name: c.open(column::NAME, &self.name_ct)?,
            legal_form: self.legal_form.clone(),
            industry: self.industry.clone(),
            size: self
                .size_class
                .as_deref()
                .and_then(SizeClass::parse)
                .unwrap_or_default(),
            website: details.website,
            vat_id: details.vat_id,
            email: details.email,
            phone: details.phone,
            billing_address: details.billing_address,
            delivery_address: details.delivery_address,
            owner_id: self.owner_id,
            parent_id: self.parent_id,
            tags: tags_text(&self.tags),
            classification: classification(&self.classification),
            notes: c
                .open_optional(column::NOTES, self.notes_ct.as_deref())?
                .unwrap_or_default(),
        })
    }
}

#[derive(FromRow)]
pub struct SealedSummary {
    pub organisation_id: Uuid,
    name_ct: Vec<u8>,
    details_ct: Option<Vec<u8>>,
    legal_form: String,
    industry: String,
    owner_id: Option<Uuid>,
    tags: Vec<String>,
    classification: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

const SELECT_SUMMARY: &str = "SELECT organisation_id, name_ct, details_ct, legal_form, industry,
        owner_id, tags, classification, created_at, updated_at FROM organisations";

impl SealedSummary {
    pub fn open(&self, c: &RecordCipher) -> AppResult<OrganisationSummary> {
        let details: Details =
            c.open_json_or_default(column::DETAILS, self.details_ct.as_deref())?;
        let name = c.open(column::NAME, &self.name_ct)?;
        let some = |s: String| (!s.is_empty()).then_some(s);
        Ok(OrganisationSummary {
            id: self.organisation_id,
            name: crate::model::organisations::display_name(&name, &self.legal_form),
            email: some(details.email),
            phone: some(details.phone),
            city: some(details.billing_address.city),
            industry: self.industry.clone(),
            owner_id: self.owner_id,
            classification: classification(&self.classification),
            tags: self.tags.clone(),
        })
    }

    pub fn cursor(&self, by_updated: bool) -> Cursor {
        let at = if by_updated {
            self.updated_at
        } else {
            self.created_at
        };
        time_cursor(at, self.organisation_id)
    }
}

/// Name and legal form only: what other areas show of an organisation.
pub struct SealedName {
    pub organisation_id: Uuid,
    name_ct: Vec<u8>,
    legal_form: String,
}

impl SealedName {
    pub fn open(&self, c: &RecordCipher) -> AppResult<(Uuid, String)> {
        let name = c.open(column::NAME, &self.name_ct)?;
        Ok((
            self.organisation_id,
            crate::model::organisations::display_name(&name, &self.legal_form),
        ))
    }
}

pub async fn names_by_ids(conn: &mut PgConnection, ids: &[Uuid]) -> AppResult<Vec<SealedName>> {
    Ok(sqlx::query_as!(
        SealedName,
        "SELECT organisation_id, name_ct, legal_form FROM organisations WHERE organisation_id = ANY($1)",
        ids
    )
    .fetch_all(conn)
    .await?)
}

pub struct SealedInput {
    name: Vec<u8>,
    details: Vec<u8>,
    notes: Option<Vec<u8>>,
    fingerprints: Vec<(Fingerprint, Vec<u8>)>,
    tokens: Vec<SearchToken>,
}

impl SealedInput {
    pub fn seal(c: &RecordCipher, index: &IndexKey, input: &OrganisationInput) -> Self {
        let details = Details {
            website: input.website.clone(),
            email: input.email.clone(),
            phone: input.phone.clone(),
            vat_id: input.vat_id.clone(),
            billing_address: input.billing_address.clone(),
            delivery_address: input.delivery_address.clone(),
        };
        let mut fingerprints = vec![(
            Fingerprint::Name,
            index.organisation_name(&input.display_name()),
        )];
        if !input.email.is_empty() {
            fingerprints.push((Fingerprint::Email, index.email(&input.email)));
        }
        if let Some(phone) = index.phone(&input.phone) {
            fingerprints.push((Fingerprint::Phone, phone));
        }
        Self {
            name: c.seal(column::NAME, &input.name),
            details: c.seal_json(column::DETAILS, &details),
            notes: c.seal_optional(column::NOTES, &input.notes),
            fingerprints,
            // Every word of the name is type-ahead searchable, the legal form is not.
            tokens: index.tokens_for(&[&input.name], &[]),
        }
    }
}

fn map_write_error(err: sqlx::Error) -> AppError {
    if violates(&err, "organisations_owner_fkey") {
        AppError::Validation(FieldErrors::single("owner_id", Problem::UnknownReference))
    } else if violates(&err, "organisations_parent_fkey")
        || violates(&err, "organisations_not_own_parent")
    {
        AppError::Validation(FieldErrors::single("parent_id", Problem::UnknownReference))
    } else {
        err.into()
    }
}

const ORGANISATIONS: ListTable = ListTable {
    id: "organisation_id",
    organisation: Some("parent_id"),
    has_stage: false,
    always: None,
};

/// How many organisations match, up to `limit` + 1 (lists pass
/// [`crate::model::paging::count_limit`]).
pub async fn count_filtered(
    conn: &mut PgConnection,
    filter: &RecordFilter,
    limit: i64,
) -> AppResult<i64> {
    crate::backend::listing::capped_count(conn, "organisations", &ORGANISATIONS, filter, limit)
        .await
}

pub async fn all_summaries(
    conn: &mut PgConnection,
    filter: &RecordFilter,
) -> AppResult<Vec<SealedSummary>> {
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new(SELECT_SUMMARY);
    push_filter(&mut sql, &ORGANISATIONS, filter, false);
    Ok(sql.build_query_as().fetch_all(conn).await?)
}

/// A keyset page in creation or change order, newest first.
pub async fn summaries_by_time(
    conn: &mut PgConnection,
    filter: &RecordFilter,
    keyset: &Keyset,
    by_updated: bool,
) -> AppResult<Vec<SealedSummary>> {
    let column = if by_updated {
        "updated_at"
    } else {
        "created_at"
    };
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new(SELECT_SUMMARY);
    let has_where = push_filter(&mut sql, &ORGANISATIONS, filter, false);
    push_time_page(&mut sql, &ORGANISATIONS, keyset, column, false, has_where)?;
    Ok(sql.build_query_as().fetch_all(conn).await?)
}

pub async fn summaries_by_ids(
    conn: &mut PgConnection,
    ids: &[Uuid],
    filter: &RecordFilter,
) -> AppResult<Vec<SealedSummary>> {
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new(SELECT_SUMMARY);
    sql.push(" WHERE organisation_id = ANY(")
        .push_bind(ids)
        .push(")");
    push_filter(&mut sql, &ORGANISATIONS, filter, true);
    Ok(sql.build_query_as().fetch_all(conn).await?)
}

/// Ids of every organisation matching the filter, oldest first, at most `limit`.
pub async fn ids_filtered(
    conn: &mut PgConnection,
    filter: &RecordFilter,
    limit: i64,
) -> AppResult<Vec<Uuid>> {
    let mut sql: QueryBuilder<Postgres> =
        QueryBuilder::new("SELECT organisation_id FROM organisations");
    push_filter(&mut sql, &ORGANISATIONS, filter, false);
    sql.push(" ORDER BY created_at, organisation_id LIMIT ")
        .push_bind(limit);
    Ok(sql.build_query_scalar().fetch_all(conn).await?)
}

pub async fn find(conn: &mut PgConnection, id: Uuid) -> AppResult<Option<SealedOrganisation>> {
    Ok(sqlx::query_as!(
        SealedOrganisation,
        "SELECT organisation_id, name_ct, details_ct, notes_ct, legal_form, industry, size_class,
                owner_id, parent_id, tags, classification, version, created_at, updated_at
         FROM organisations WHERE organisation_id = $1",
        id
    )
    .fetch_optional(conn)
    .await?)
}

pub async fn find_for_update(
    conn: &mut PgConnection,
    id: Uuid,
) -> AppResult<Option<SealedOrganisation>> {
    Ok(sqlx::query_as!(
        SealedOrganisation,
        "SELECT organisation_id, name_ct, details_ct, notes_ct, legal_form, industry, size_class,
                owner_id, parent_id, tags, classification, version, created_at, updated_at
         FROM organisations WHERE organisation_id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(conn)
    .await?)
}

/// Ids of the organisations whose parent is `id`.
pub async fn subsidiaries(conn: &mut PgConnection, id: Uuid) -> AppResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar!(
        "SELECT organisation_id FROM organisations WHERE parent_id = $1 ORDER BY created_at",
        id
    )
    .fetch_all(conn)
    .await?)
}

/// Whether making `parent` the parent of `id` would close a cycle.
pub async fn would_cycle(conn: &mut PgConnection, id: Uuid, parent: Uuid) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(
        r#"WITH RECURSIVE up(organisation_id, parent_id) AS (
             SELECT organisation_id, parent_id FROM organisations WHERE organisation_id = $2
             UNION
             SELECT o.organisation_id, o.parent_id FROM organisations o
             JOIN up ON o.organisation_id = up.parent_id
           )
           SELECT EXISTS (SELECT 1 FROM up WHERE organisation_id = $1) AS "cycle!""#,
        id,
        parent
    )
    .fetch_one(conn)
    .await?)
}

fn size_code(input: &OrganisationInput) -> Option<&'static str> {
    (input.size != SizeClass::Unknown).then(|| input.size.code())
}

pub async fn insert(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    id: Uuid,
    input: &OrganisationInput,
    s: SealedInput,
    created_by: Uuid,
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO organisations (tenant_id, organisation_id, name_ct, details_ct, notes_ct, legal_form,
                                    industry, size_class, owner_id, parent_id, tags,
                                    classification, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        tenant_id,
        id,
        s.name,
        s.details,
        s.notes,
        input.legal_form,
        input.industry,
        size_code(input),
        input.owner_id,
        input.parent_id,
        &input.tag_list(),
        input.classification.map(Classification::code),
        created_by
    )
    .execute(&mut *conn)
    .await
    .map_err(map_write_error)?;
    write_indexes(conn, tenant_id, id, &s).await
}

pub async fn update(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    id: Uuid,
    input: &OrganisationInput,
    s: SealedInput,
) -> AppResult<()> {
    sqlx::query!(
        "UPDATE organisations SET name_ct = $2, details_ct = $3, notes_ct = $4, legal_form = $5,
                industry = $6, size_class = $7, owner_id = $8, parent_id = $9,
                tags = $10, classification = $11, version = version + 1, updated_at = now()
         WHERE organisation_id = $1",
        id,
        s.name,
        s.details,
        s.notes,
        input.legal_form,
        input.industry,
        size_code(input),
        input.owner_id,
        input.parent_id,
        &input.tag_list(),
        input.classification.map(Classification::code)
    )
    .execute(&mut *conn)
    .await
    .map_err(map_write_error)?;
    write_indexes(conn, tenant_id, id, &s).await
}

async fn write_indexes(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    id: Uuid,
    s: &SealedInput,
) -> AppResult<()> {
    search::write_tokens(conn, tenant_id, RecordKind::Organisation, id, &s.tokens).await?;
    search::write_fingerprints(
        conn,
        tenant_id,
        RecordKind::Organisation,
        id,
        &s.fingerprints,
    )
    .await
}

/// Deletes the row; its contacts and subsidiaries keep existing, unlinked.
pub async fn delete(conn: &mut PgConnection, id: Uuid) -> AppResult<bool> {
    let deleted = sqlx::query!("DELETE FROM organisations WHERE organisation_id = $1", id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    search::forget(conn, id).await?;
    Ok(deleted > 0)
}
