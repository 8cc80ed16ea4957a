//! Contacts at rest: sealed rows, their blind indexes and search tokens, and the SQL.
//! Nothing here checks permissions or writes audit entries; the service does.

use crate::backend::crypto::{IndexKey, RecordCipher};
use crate::backend::listing::time_cursor;
use crate::backend::paging::Cursor;
use crate::backend::search::{self, Fingerprint, RecordKind};
use crate::model::contacts::{
    ContactChannel, ContactInput, ContactSummary, EmailEntry, LifecycleStage, PhoneEntry,
    Salutation,
};
use crate::model::field_masks::RoleMask;
use crate::model::records::{tags_text, Classification, PostalAddress};
use crate::{AppError, AppResult};
use serde::{Deserialize, Serialize};
use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;
use uuid::Uuid;

mod bulk;
mod history;
mod listing;

pub use bulk::insert_many;
pub use history::{find_merged, merged_into, record_stage, set_merged_into, stage_history};
pub use listing::{
    all_summaries, count_filtered, ids_filtered, summaries_by_ids, summaries_by_time,
};

pub const TABLE: &str = "contacts";
/// Field encryptions per write (every sealed column is sealed anew).
pub const SEALED_FIELDS: i64 = 6;

/// The sealed columns' names, bound into each ciphertext.
mod column {
    pub const FIRST_NAME: &str = "first_name";
    pub const LAST_NAME: &str = "last_name";
    pub const EMAILS: &str = "emails";
    pub const PHONES: &str = "phones";
    pub const PROFILE: &str = "profile";
    pub const NOTES: &str = "notes";
}

/// What `profile_ct` holds.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct Profile {
    salutation: Salutation,
    external_id: String,
    title: String,
    position: String,
    birthday: String,
    address: PostalAddress,
}

/// The plaintext metadata every contact row has.
#[derive(Debug, Clone)]
pub struct Meta {
    pub organisation_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub tags: Vec<String>,
    pub classification: Option<String>,
    pub stage: String,
    pub preferred_language: String,
    pub channels: Vec<String>,
}

impl Meta {
    pub(super) fn of(input: &ContactInput) -> Self {
        Meta {
            organisation_id: input.organisation_id,
            owner_id: input.owner_id,
            tags: input.tag_list(),
            classification: input.classification.map(|c| c.code().to_owned()),
            stage: input.stage.code().to_owned(),
            preferred_language: input.preferred_language.clone(),
            channels: input
                .channels()
                .iter()
                .map(|c| c.code().to_owned())
                .collect(),
        }
    }

    pub fn stage(&self) -> LifecycleStage {
        LifecycleStage::parse(&self.stage).unwrap_or_default()
    }

    pub fn classification(&self) -> Option<Classification> {
        self.classification.as_deref().and_then(|c| c.parse().ok())
    }

    fn channels(&self) -> Vec<ContactChannel> {
        self.channels
            .iter()
            .filter_map(|c| c.parse().ok())
            .collect()
    }
}

/// The metadata columns of a row type that has them all.
macro_rules! meta_of_row {
    ($row:expr) => {
        Meta {
            organisation_id: $row.organisation_id,
            owner_id: $row.owner_id,
            tags: $row.tags.clone(),
            classification: $row.classification.clone(),
            stage: $row.stage.clone(),
            preferred_language: $row.preferred_language.clone(),
            channels: $row.channels.clone(),
        }
    };
}

pub struct SealedContact {
    pub contact_id: Uuid,
    first_name_ct: Vec<u8>,
    last_name_ct: Vec<u8>,
    emails_ct: Option<Vec<u8>>,
    phones_ct: Option<Vec<u8>>,
    profile_ct: Option<Vec<u8>>,
    notes_ct: Option<Vec<u8>>,
    organisation_id: Option<Uuid>,
    owner_id: Option<Uuid>,
    tags: Vec<String>,
    classification: Option<String>,
    stage: String,
    preferred_language: String,
    channels: Vec<String>,
    pub version: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl SealedContact {
    pub fn meta(&self) -> Meta {
        meta_of_row!(self)
    }

    /// The contact as its form shows it.
    pub fn open(&self, c: &RecordCipher) -> AppResult<ContactInput> {
        let meta = self.meta();
        let profile: Profile =
            c.open_json_or_default(column::PROFILE, self.profile_ct.as_deref())?;
        let mut input = ContactInput {
            salutation: profile.salutation,
            title: profile.title,
            first_name: c.open(column::FIRST_NAME, &self.first_name_ct)?,
            last_name: c.open(column::LAST_NAME, &self.last_name_ct)?,
            emails: c.open_json_or_default(column::EMAILS, self.emails_ct.as_deref())?,
            phones: c.open_json_or_default(column::PHONES, self.phones_ct.as_deref())?,
            address: profile.address,
            birthday: profile.birthday,
            preferred_language: meta.preferred_language.clone(),
            organisation_id: meta.organisation_id,
            position: profile.position,
            owner_id: meta.owner_id,
            tags: tags_text(&meta.tags),
            classification: meta.classification(),
            stage: meta.stage(),
            notes: c
                .open_optional(column::NOTES, self.notes_ct.as_deref())?
                .unwrap_or_default(),
            external_id: profile.external_id,
            ..Default::default()
        };
        input.set_channels(&meta.channels());
        Ok(input)
    }
}

/// A list row, still sealed.
#[derive(FromRow)]
pub struct SealedSummary {
    pub contact_id: Uuid,
    first_name_ct: Vec<u8>,
    last_name_ct: Vec<u8>,
    emails_ct: Option<Vec<u8>>,
    phones_ct: Option<Vec<u8>>,
    organisation_id: Option<Uuid>,
    owner_id: Option<Uuid>,
    tags: Vec<String>,
    classification: Option<String>,
    stage: String,
    preferred_language: String,
    channels: Vec<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl SealedSummary {
    pub fn meta(&self) -> Meta {
        meta_of_row!(self)
    }

    /// The list row; the first e-mail and phone the role may see.
    pub fn open(&self, c: &RecordCipher, mask: &RoleMask) -> AppResult<ContactSummary> {
        let meta = self.meta();
        let mut emails: Vec<EmailEntry> =
            c.open_json_or_default(column::EMAILS, self.emails_ct.as_deref())?;
        let mut phones: Vec<PhoneEntry> =
            c.open_json_or_default(column::PHONES, self.phones_ct.as_deref())?;
        mask.keep_visible(&mut emails, &mut phones);
        Ok(ContactSummary {
            id: self.contact_id,
            first_name: c.open(column::FIRST_NAME, &self.first_name_ct)?,
            last_name: c.open(column::LAST_NAME, &self.last_name_ct)?,
            email: emails.into_iter().next().map(|e| e.address),
            phone: phones.into_iter().next().map(|p| p.number),
            organisation: meta
                .organisation_id
                .map(|id| crate::model::contacts::RecordRef {
                    id,
                    name: String::new(),
                }),
            owner_id: meta.owner_id,
            stage: meta.stage(),
            classification: meta.classification(),
            tags: meta.tags,
        })
    }

    /// The keyset position of this row in creation (or change) order.
    pub fn cursor(&self, by_updated: bool) -> Cursor {
        let at = if by_updated {
            self.updated_at
        } else {
            self.created_at
        };
        time_cursor(at, self.contact_id)
    }
}

pub(super) const SELECT_SUMMARY: &str =
    "SELECT contact_id, first_name_ct, last_name_ct, emails_ct, phones_ct,
        organisation_id, owner_id, tags, classification, stage, preferred_language, channels,
        created_at, updated_at FROM contacts";

/// Just the names, for labelling contacts in the audit log and in other areas.
pub struct SealedName {
    pub contact_id: Uuid,
    first_name_ct: Vec<u8>,
    last_name_ct: Vec<u8>,
}

impl SealedName {
    /// `(id, first, last)`.
    pub fn open(&self, c: &RecordCipher) -> AppResult<(Uuid, String, String)> {
        let first = c.open(column::FIRST_NAME, &self.first_name_ct)?;
        let last = c.open(column::LAST_NAME, &self.last_name_ct)?;
        Ok((self.contact_id, first, last))
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

/// Each existing contact's organisation.
pub async fn organisation_ids(
    conn: &mut PgConnection,
    ids: &[Uuid],
) -> AppResult<std::collections::HashMap<Uuid, Option<Uuid>>> {
    Ok(sqlx::query!(
        "SELECT contact_id, organisation_id FROM contacts WHERE contact_id = ANY($1) AND merged_into IS NULL",
        ids
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| (r.contact_id, r.organisation_id))
    .collect())
}

/// The sealed columns, blind indexes and search tokens of one contact's input.
pub struct SealedInput {
    pub(super) first_name: Vec<u8>,
    pub(super) last_name: Vec<u8>,
    pub(super) emails: Option<Vec<u8>>,
    pub(super) phones: Option<Vec<u8>>,
    pub(super) profile: Vec<u8>,
    pub(super) notes: Option<Vec<u8>>,
    pub(super) meta: Meta,
    pub(super) fingerprints: Vec<(Fingerprint, Vec<u8>)>,
    pub(super) tokens: Vec<crate::backend::crypto::blind_index::SearchToken>,
}

impl SealedInput {
    /// `organisation_name` adds the organisation's words to the contact's tokens, so a
    /// search for the company finds its people.
    pub fn seal(
        c: &RecordCipher,
        index: &IndexKey,
        input: &ContactInput,
        organisation_name: Option<&str>,
    ) -> Self {
        let profile = Profile {
            salutation: input.salutation,
            external_id: input.external_id.clone(),
            title: input.title.clone(),
            position: input.position.clone(),
            birthday: input.birthday.clone(),
            address: input.address.clone(),
        };
        let mut fingerprints: Vec<(Fingerprint, Vec<u8>)> = input
            .emails
            .iter()
            .map(|e| (Fingerprint::Email, index.email(&e.address)))
            .collect();
        fingerprints.extend(
            input
                .phones
                .iter()
                .filter_map(|p| index.phone(&p.number))
                .map(|bidx| (Fingerprint::Phone, bidx)),
        );
        fingerprints.push((
            Fingerprint::Name,
            index.person_name(&input.first_name, &input.last_name, input.organisation_id),
        ));
        if !input.external_id.is_empty() {
            fingerprints.push((
                Fingerprint::ExternalId,
                index.external_id(&input.external_id),
            ));
        }
        Self {
            first_name: c.seal(column::FIRST_NAME, &input.first_name),
            last_name: c.seal(column::LAST_NAME, &input.last_name),
            emails: (!input.emails.is_empty()).then(|| c.seal_json(column::EMAILS, &input.emails)),
            phones: (!input.phones.is_empty()).then(|| c.seal_json(column::PHONES, &input.phones)),
            profile: c.seal_json(column::PROFILE, &profile),
            notes: c.seal_optional(column::NOTES, &input.notes),
            meta: Meta::of(input),
            fingerprints,
            tokens: index.tokens_for(
                &[&input.first_name, &input.last_name],
                &[organisation_name.unwrap_or_default()],
            ),
        }
    }
}

pub(super) fn map_write_error(err: sqlx::Error) -> AppError {
    use crate::backend::tenancy::violates;
    use crate::model::validation::{FieldErrors, Problem};
    if violates(&err, "contacts_organisation_fkey") {
        AppError::Validation(FieldErrors::single(
            "organisation_id",
            Problem::UnknownReference,
        ))
    } else if violates(&err, "contacts_owner_fkey") {
        AppError::Validation(FieldErrors::single("owner_id", Problem::UnknownReference))
    } else {
        err.into()
    }
}

pub async fn find(conn: &mut PgConnection, id: Uuid) -> AppResult<Option<SealedContact>> {
    Ok(sqlx::query_as!(
        SealedContact,
        "SELECT contact_id, first_name_ct, last_name_ct, emails_ct, phones_ct, profile_ct, notes_ct,
                organisation_id, owner_id, tags, classification, stage, preferred_language, channels,
                version, created_at, updated_at
         FROM contacts WHERE contact_id = $1 AND merged_into IS NULL",
        id
    )
    .fetch_optional(conn)
    .await?)
}

/// Several rows, unlocked (exports).
pub async fn find_many(conn: &mut PgConnection, ids: &[Uuid]) -> AppResult<Vec<SealedContact>> {
    Ok(sqlx::query_as!(
        SealedContact,
        "SELECT contact_id, first_name_ct, last_name_ct, emails_ct, phones_ct, profile_ct, notes_ct,
                organisation_id, owner_id, tags, classification, stage, preferred_language, channels,
                version, created_at, updated_at
         FROM contacts WHERE contact_id = ANY($1) AND merged_into IS NULL",
        ids
    )
    .fetch_all(conn)
    .await?)
}

/// The rows, locked until the transaction ends, in id order (so that concurrent bulk
/// changes cannot deadlock).
pub async fn find_for_update(
    conn: &mut PgConnection,
    ids: &[Uuid],
) -> AppResult<Vec<SealedContact>> {
    Ok(sqlx::query_as!(
        SealedContact,
        "SELECT contact_id, first_name_ct, last_name_ct, emails_ct, phones_ct, profile_ct, notes_ct,
                organisation_id, owner_id, tags, classification, stage, preferred_language, channels,
                version, created_at, updated_at
         FROM contacts WHERE contact_id = ANY($1) AND merged_into IS NULL ORDER BY contact_id FOR UPDATE",
        ids
    )
    .fetch_all(conn)
    .await?)
}

pub async fn insert(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    id: Uuid,
    s: SealedInput,
    created_by: Uuid,
) -> AppResult<()> {
    let m = &s.meta;
    sqlx::query!(
        "INSERT INTO contacts (tenant_id, contact_id, first_name_ct, last_name_ct, emails_ct, phones_ct,
                               profile_ct, notes_ct, organisation_id, owner_id, tags, classification,
                               stage, preferred_language, channels, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        tenant_id,
        id,
        s.first_name,
        s.last_name,
        s.emails,
        s.phones,
        s.profile,
        s.notes,
        m.organisation_id,
        m.owner_id,
        &m.tags,
        m.classification,
        m.stage,
        m.preferred_language,
        &m.channels,
        created_by
    )
    .execute(&mut *conn)
    .await
    .map_err(map_write_error)?;
    write_indexes(conn, tenant_id, id, &s).await?;
    record_stage(conn, tenant_id, id, &m.stage, created_by).await
}

/// Rewrites every column; the caller has checked the version.
pub async fn update(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    id: Uuid,
    s: SealedInput,
) -> AppResult<()> {
    let m = &s.meta;
    sqlx::query!(
        "UPDATE contacts SET first_name_ct = $2, last_name_ct = $3, emails_ct = $4, phones_ct = $5,
                profile_ct = $6, notes_ct = $7, organisation_id = $8, owner_id = $9, tags = $10,
                classification = $11, stage = $12, preferred_language = $13, channels = $14,
                version = version + 1, updated_at = now()
         WHERE contact_id = $1",
        id,
        s.first_name,
        s.last_name,
        s.emails,
        s.phones,
        s.profile,
        s.notes,
        m.organisation_id,
        m.owner_id,
        &m.tags,
        m.classification,
        m.stage,
        m.preferred_language,
        &m.channels
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
    search::write_tokens(conn, tenant_id, RecordKind::Contact, id, &s.tokens).await?;
    search::write_fingerprints(conn, tenant_id, RecordKind::Contact, id, &s.fingerprints).await
}

/// Deletes the row (its stage history goes with it) and what finds it; false if
/// there was none.
pub async fn delete(conn: &mut PgConnection, id: Uuid) -> AppResult<bool> {
    let deleted = sqlx::query!("DELETE FROM contacts WHERE contact_id = $1", id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    search::forget(conn, id).await?;
    Ok(deleted > 0)
}
