//! Appointments at rest: title, location and notes sealed under the appointment's own
//! key; times, participants and links in plaintext for the calendar views.

use crate::backend::crypto::RecordCipher;
use crate::model::calendar::AppointmentInput;
use crate::{AppError, AppResult};
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

pub const TABLE: &str = "appointments";
pub const SEALED_FIELDS: i64 = 3;
pub const EMPLOYEE: i16 = 0;
pub const CONTACT: i16 = 1;

pub struct SealedAppointment {
    pub appointment_id: Uuid,
    title_ct: Vec<u8>,
    location_ct: Option<Vec<u8>>,
    notes_ct: Option<Vec<u8>>,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub all_day: bool,
    pub organisation_id: Option<Uuid>,
    pub created_by: Uuid,
    pub version: i32,
}

impl SealedAppointment {
    /// The input without participants (the service adds them).
    pub fn open(&self, c: &RecordCipher) -> AppResult<AppointmentInput> {
        let date = time::macros::format_description!("[year]-[month]-[day]");
        let clock = time::macros::format_description!("[hour]:[minute]");
        let end_day = if self.all_day {
            (self.ends_at - time::Duration::days(1)).date()
        } else {
            self.ends_at.date()
        };
        let timed = |at: OffsetDateTime| {
            if self.all_day {
                String::new()
            } else {
                at.format(&clock).unwrap_or_default()
            }
        };
        Ok(AppointmentInput {
            title: c.open("title", &self.title_ct)?,
            location: c
                .open_optional("location", self.location_ct.as_deref())?
                .unwrap_or_default(),
            notes: c
                .open_optional("notes", self.notes_ct.as_deref())?
                .unwrap_or_default(),
            start_date: self.starts_at.date().format(&date).unwrap_or_default(),
            start_time: timed(self.starts_at),
            end_date: end_day.format(&date).unwrap_or_default(),
            end_time: timed(self.ends_at),
            all_day: self.all_day,
            user_ids: Vec::new(),
            contact_ids: Vec::new(),
            organisation_id: self.organisation_id,
        })
    }
}

pub struct SealedText {
    title: Vec<u8>,
    location: Option<Vec<u8>>,
    notes: Option<Vec<u8>>,
}

impl SealedText {
    pub fn seal(c: &RecordCipher, input: &AppointmentInput) -> Self {
        Self {
            title: c.seal("title", &input.title),
            location: c.seal_optional("location", &input.location),
            notes: c.seal_optional("notes", &input.notes),
        }
    }
}

fn map_write_error(err: sqlx::Error) -> AppError {
    use crate::backend::tenancy::violates;
    use crate::model::validation::{FieldErrors, Problem};
    if violates(&err, "appointments_organisation_fkey") {
        AppError::Validation(FieldErrors::single(
            "organisation_id",
            Problem::UnknownReference,
        ))
    } else {
        err.into()
    }
}

pub async fn insert(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    id: Uuid,
    input: &AppointmentInput,
    text: SealedText,
    created_by: Uuid,
) -> AppResult<()> {
    let (starts, ends) = times(input)?;
    sqlx::query!(
        "INSERT INTO appointments (tenant_id, appointment_id, title_ct, location_ct, notes_ct, starts_at,
                                   ends_at, all_day, organisation_id, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        tenant_id,
        id,
        text.title,
        text.location,
        text.notes,
        starts,
        ends,
        input.all_day,
        input.organisation_id,
        created_by
    )
    .execute(conn)
    .await
    .map_err(map_write_error)?;
    Ok(())
}

fn times(input: &AppointmentInput) -> AppResult<(OffsetDateTime, OffsetDateTime)> {
    match (input.starts_at(), input.ends_at()) {
        (Some(s), Some(e)) => Ok((s, e)),
        _ => Err(AppError::BadRequest),
    }
}

pub async fn update(
    conn: &mut PgConnection,
    id: Uuid,
    input: &AppointmentInput,
    text: SealedText,
) -> AppResult<()> {
    let (starts, ends) = times(input)?;
    sqlx::query!(
        "UPDATE appointments SET title_ct = $2, location_ct = $3, notes_ct = $4, starts_at = $5,
                ends_at = $6, all_day = $7, organisation_id = $8, version = version + 1, updated_at = now()
         WHERE appointment_id = $1",
        id,
        text.title,
        text.location,
        text.notes,
        starts,
        ends,
        input.all_day,
        input.organisation_id
    )
    .execute(conn)
    .await
    .map_err(map_write_error)?;
    Ok(())
}

/// Replaces the participants.
pub async fn set_participants(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    id: Uuid,
    users: &[Uuid],
    contacts: &[Uuid],
) -> AppResult<()> {
    sqlx::query!(
        "DELETE FROM appointment_participants WHERE appointment_id = $1",
        id
    )
    .execute(&mut *conn)
    .await?;
    let mut ids: Vec<Uuid> = users.to_vec();
    let mut kinds: Vec<i16> = vec![EMPLOYEE; users.len()];
    ids.extend(contacts);
    kinds.extend(std::iter::repeat_n(CONTACT, contacts.len()));
    sqlx::query!(
        "INSERT INTO appointment_participants (tenant_id, appointment_id, participant_id, participant_kind)
         SELECT $1, $2, p.id, p.kind FROM unnest($3::uuid[], $4::smallint[]) AS p(id, kind)
         ON CONFLICT DO NOTHING",
        tenant_id,
        id,
        &ids,
        &kinds
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// `(appointment, participant, kind)` of the given appointments.
pub async fn participants(
    conn: &mut PgConnection,
    ids: &[Uuid],
) -> AppResult<Vec<(Uuid, Uuid, i16)>> {
    Ok(sqlx::query!(
        "SELECT appointment_id, participant_id, participant_kind FROM appointment_participants
         WHERE appointment_id = ANY($1) ORDER BY participant_kind, participant_id",
        ids
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| (r.appointment_id, r.participant_id, r.participant_kind))
    .collect())
}

pub async fn find(conn: &mut PgConnection, id: Uuid) -> AppResult<Option<SealedAppointment>> {
    Ok(sqlx::query_as!(
        SealedAppointment,
        "SELECT appointment_id, title_ct, location_ct, notes_ct, starts_at, ends_at, all_day,
                organisation_id, created_by, version
         FROM appointments WHERE appointment_id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(conn)
    .await?)
}

/// Appointments overlapping `[from, to)`: all, those `person` takes part in (or made),
/// or those with a contact or organisation.
pub async fn between(
    conn: &mut PgConnection,
    from: OffsetDateTime,
    to: OffsetDateTime,
    person: Option<Uuid>,
    record: Option<Uuid>,
) -> AppResult<Vec<SealedAppointment>> {
    Ok(sqlx::query_as!(
        SealedAppointment,
        "SELECT a.appointment_id, a.title_ct, a.location_ct, a.notes_ct, a.starts_at, a.ends_at, a.all_day,
                a.organisation_id, a.created_by, a.version
         FROM appointments a
         WHERE a.starts_at < $2 AND a.ends_at > $1
           AND ($3::uuid IS NULL OR a.created_by = $3 OR EXISTS (
                SELECT 1 FROM appointment_participants p
                WHERE p.appointment_id = a.appointment_id AND p.participant_id = $3))
           AND ($4::uuid IS NULL OR a.organisation_id = $4 OR EXISTS (
                SELECT 1 FROM appointment_participants p
                WHERE p.appointment_id = a.appointment_id AND p.participant_id = $4))
         ORDER BY a.starts_at, a.appointment_id
         LIMIT 1000",
        from,
        to,
        person,
        record
    )
    .fetch_all(conn)
    .await?)
}

/// Appointments a contact takes part in (erasure, merges).
pub async fn with_contact(conn: &mut PgConnection, contact: Uuid) -> AppResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar!(
        "SELECT appointment_id FROM appointment_participants WHERE participant_id = $1 AND participant_kind = 1",
        contact
    )
    .fetch_all(conn)
    .await?)
}

pub async fn remove_participant(
    conn: &mut PgConnection,
    id: Uuid,
    participant: Uuid,
) -> AppResult<()> {
    sqlx::query!(
        "DELETE FROM appointment_participants WHERE appointment_id = $1 AND participant_id = $2",
        id,
        participant
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn add_contact(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    id: Uuid,
    contact: Uuid,
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO appointment_participants (tenant_id, appointment_id, participant_id, participant_kind)
         VALUES ($1, $2, $3, 1) ON CONFLICT DO NOTHING",
        tenant_id,
        id,
        contact
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut PgConnection, id: Uuid) -> AppResult<bool> {
    Ok(
        sqlx::query!("DELETE FROM appointments WHERE appointment_id = $1", id)
            .execute(conn)
            .await?
            .rows_affected()
            > 0,
    )
}

/// The user whose active feed this token hash opens.
pub async fn feed_user(conn: &mut PgConnection, token_hash: &[u8]) -> AppResult<Option<Uuid>> {
    Ok(sqlx::query_scalar!(
        "SELECT user_id FROM calendar_feeds WHERE token_hash = $1 AND revoked_at IS NULL",
        token_hash
    )
    .fetch_optional(conn)
    .await?)
}

pub async fn revoke_feeds(conn: &mut PgConnection, user: Uuid) -> AppResult<u64> {
    Ok(sqlx::query!(
        "UPDATE calendar_feeds SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL",
        user
    )
    .execute(conn)
    .await?
    .rows_affected())
}

pub async fn insert_feed(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    user: Uuid,
    token_hash: &[u8],
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO calendar_feeds (tenant_id, token_hash, user_id) VALUES ($1, $2, $3)",
        tenant_id,
        token_hash,
        user
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn active_feed_since(
    conn: &mut PgConnection,
    user: Uuid,
) -> AppResult<Option<OffsetDateTime>> {
    Ok(sqlx::query_scalar!(
        "SELECT max(created_at) FROM calendar_feeds WHERE user_id = $1 AND revoked_at IS NULL",
        user
    )
    .fetch_one(conn)
    .await?)
}
