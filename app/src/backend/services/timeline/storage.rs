//! The timeline at rest: interactions (sealed under their own key), the records each
//! appears on, and the SQL.

use crate::backend::crypto::RecordCipher;
use crate::backend::paging::Keyset;
use crate::backend::search::RecordKind;
use crate::model::timeline::{
    CallOutcome, Direction, HistoryEvent, Interaction, InteractionKind, MessageChannel,
    Participant, TimelineQuery, TimelineShow,
};
use crate::{AppError, AppResult};
use sqlx::{FromRow, PgConnection, Postgres, QueryBuilder};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

pub const TABLE: &str = "interactions";

mod column {
    pub const SUBJECT: &str = "subject";
    pub const BODY: &str = "body";
    pub const PARTICIPANTS: &str = "participants";
}

#[derive(FromRow)]
pub struct SealedInteraction {
    pub interaction_id: Uuid,
    kind: String,
    pub occurred_at: OffsetDateTime,
    direction: Option<String>,
    duration_secs: Option<i32>,
    outcome: Option<String>,
    channel: Option<String>,
    subject_ct: Option<Vec<u8>>,
    body_ct: Option<Vec<u8>>,
    participants_ct: Option<Vec<u8>>,
    history: Option<serde_json::Value>,
    thread_id: Option<Uuid>,
    pub private_to: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub version: i32,
}

const SELECT: &str = "SELECT i.interaction_id, i.kind, i.occurred_at, i.direction, i.duration_secs,
        i.outcome, i.channel, i.subject_ct, i.body_ct, i.participants_ct, i.history, i.thread_id,
        i.private_to, i.created_by, i.version FROM interactions i";

impl SealedInteraction {
    pub fn kind(&self) -> InteractionKind {
        InteractionKind::parse(&self.kind).unwrap_or_default()
    }

    /// Whether it holds sealed text (history entries hold none and need no key).
    pub fn is_sealed(&self) -> bool {
        self.subject_ct.is_some() || self.body_ct.is_some() || self.participants_ct.is_some()
    }

    /// The entry without names of its contacts (the service adds them).
    pub fn open(&self, c: Option<&RecordCipher>) -> AppResult<Interaction> {
        let text = |column: &str, ct: &Option<Vec<u8>>| -> AppResult<String> {
            match (c, ct) {
                (Some(c), Some(ct)) => c.open(column, ct),
                _ => Ok(String::new()),
            }
        };
        let participants: Vec<Participant> = match c {
            Some(c) => {
                c.open_json_or_default(column::PARTICIPANTS, self.participants_ct.as_deref())?
            }
            None => Vec::new(),
        };
        let history: Option<HistoryEvent> = match &self.history {
            Some(value) => Some(serde_json::from_value(value.clone()).map_err(|_| {
                tracing::error!("stored history event does not parse");
                AppError::Internal
            })?),
            None => None,
        };
        Ok(Interaction {
            id: self.interaction_id,
            kind: self.kind(),
            occurred_at: self.occurred_at,
            direction: self.direction.as_deref().and_then(Direction::parse),
            duration_minutes: self.duration_secs.map(|s| s / 60),
            outcome: self.outcome.as_deref().and_then(CallOutcome::parse),
            channel: self.channel.as_deref().and_then(MessageChannel::parse),
            subject: text(column::SUBJECT, &self.subject_ct)?,
            body: text(column::BODY, &self.body_ct)?,
            participants,
            contacts: Vec::new(),
            organisation: None,
            history,
            created_by: self.created_by,
            private: self.private_to.is_some(),
            thread_id: self.thread_id,
            delivery: None,
            version: self.version,
        })
    }
}

/// A new interaction, its sealed text and what it links to.
pub struct NewInteraction<'a> {
    pub id: Uuid,
    pub kind: InteractionKind,
    pub occurred_at: OffsetDateTime,
    pub direction: Option<Direction>,
    pub duration_secs: Option<i32>,
    pub outcome: Option<CallOutcome>,
    pub channel: Option<MessageChannel>,
    pub subject: &'a str,
    pub body: &'a str,
    pub participants: &'a [Participant],
    pub history: Option<&'a HistoryEvent>,
    pub message_bidx: Option<Vec<u8>>,
    pub thread_id: Option<Uuid>,
    pub private_to: Option<Uuid>,
    pub created_by: Option<Uuid>,
}

/// The sealed columns of an interaction's text.
pub struct SealedText {
    subject: Option<Vec<u8>>,
    body: Option<Vec<u8>>,
    participants: Option<Vec<u8>>,
}

impl SealedText {
    pub fn seal(c: &RecordCipher, subject: &str, body: &str, participants: &[Participant]) -> Self {
        Self {
            subject: c.seal_optional(column::SUBJECT, subject),
            body: c.seal_optional(column::BODY, body),
            participants: (!participants.is_empty())
                .then(|| c.seal_json(column::PARTICIPANTS, &participants)),
        }
    }

    pub fn none() -> Self {
        Self {
            subject: None,
            body: None,
            participants: None,
        }
    }
}

fn code<T: Into<&'static str>>(value: Option<T>) -> Option<&'static str> {
    value.map(Into::into)
}

pub async fn insert(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    new: &NewInteraction<'_>,
    text: SealedText,
) -> AppResult<()> {
    let history = new
        .history
        .map(|h| serde_json::to_value(h).expect("history serialises"));
    sqlx::query!(
        "INSERT INTO interactions (tenant_id, interaction_id, kind, occurred_at, direction, duration_secs,
                                   outcome, channel, subject_ct, body_ct, participants_ct, history,
                                   message_bidx, thread_id, private_to, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        tenant_id,
        new.id,
        new.kind.code(),
        new.occurred_at,
        code(new.direction),
        new.duration_secs,
        code(new.outcome),
        code(new.channel),
        text.subject,
        text.body,
        text.participants,
        history,
        new.message_bidx,
        new.thread_id,
        new.private_to,
        new.created_by
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Shows the interaction on each of `records`.
pub async fn link(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    id: Uuid,
    kind: InteractionKind,
    occurred_at: OffsetDateTime,
    records: &[(RecordKind, Uuid)],
) -> AppResult<()> {
    let kinds: Vec<i16> = records.iter().map(|(k, _)| *k as i16).collect();
    let ids: Vec<Uuid> = records.iter().map(|(_, id)| *id).collect();
    sqlx::query!(
        "INSERT INTO interaction_links (tenant_id, record_id, interaction_id, record_kind, occurred_at, kind)
         SELECT $1, r.id, $2, r.kind, $3, $4 FROM unnest($5::uuid[], $6::smallint[]) AS r(id, kind)
         ON CONFLICT DO NOTHING",
        tenant_id,
        id,
        occurred_at,
        kind.code(),
        &ids,
        &kinds
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn unlink_all(conn: &mut PgConnection, id: Uuid) -> AppResult<()> {
    sqlx::query!(
        "DELETE FROM interaction_links WHERE interaction_id = $1",
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn unlink(conn: &mut PgConnection, id: Uuid, record: Uuid) -> AppResult<()> {
    sqlx::query!(
        "DELETE FROM interaction_links WHERE interaction_id = $1 AND record_id = $2",
        id,
        record
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// `(interaction, record kind, record)` for every link of `ids`.
pub async fn links(conn: &mut PgConnection, ids: &[Uuid]) -> AppResult<Vec<(Uuid, i16, Uuid)>> {
    Ok(sqlx::query!(
        "SELECT interaction_id, record_kind, record_id FROM interaction_links
         WHERE interaction_id = ANY($1) ORDER BY record_kind, record_id",
        ids
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| (r.interaction_id, r.record_kind, r.record_id))
    .collect())
}

/// Every interaction shown on `record` (for erasure and merges).
pub async fn linked_to(conn: &mut PgConnection, record: Uuid) -> AppResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar!(
        "SELECT interaction_id FROM interaction_links WHERE record_id = $1",
        record
    )
    .fetch_all(conn)
    .await?)
}

/// Whether the entry is on a record the transaction sees (the links follow the
/// records' visibility).
pub async fn on_visible_record(conn: &mut PgConnection, id: Uuid) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM interaction_links WHERE interaction_id = $1) AS "on!""#,
        id
    )
    .fetch_one(conn)
    .await?)
}

/// Whether the contact or organisation `id` is visible to the transaction.
pub async fn record_visible(conn: &mut PgConnection, id: Uuid) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM contacts WHERE contact_id = $1)
               OR EXISTS (SELECT 1 FROM organisations WHERE organisation_id = $1) AS "visible!""#,
        id
    )
    .fetch_one(conn)
    .await?)
}

/// The entry, locked until the transaction ends.
pub async fn find(conn: &mut PgConnection, id: Uuid) -> AppResult<Option<SealedInteraction>> {
    Ok(sqlx::query_as!(
        SealedInteraction,
        "SELECT interaction_id, kind, occurred_at, direction, duration_secs, outcome, channel,
                subject_ct, body_ct, participants_ct, history, thread_id, private_to, created_by, version
         FROM interactions WHERE interaction_id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(conn)
    .await?)
}

pub async fn find_many(conn: &mut PgConnection, ids: &[Uuid]) -> AppResult<Vec<SealedInteraction>> {
    Ok(sqlx::query_as!(
        SealedInteraction,
        "SELECT interaction_id, kind, occurred_at, direction, duration_secs, outcome, channel,
                subject_ct, body_ct, participants_ct, history, thread_id, private_to, created_by, version
         FROM interactions WHERE interaction_id = ANY($1) ORDER BY occurred_at DESC, interaction_id DESC",
        ids
    )
    .fetch_all(conn)
    .await?)
}

/// One keyset page of a record's timeline, newest first; private entries only for
/// `viewer`; `only` restricts to ids found by a word search.
pub async fn page(
    conn: &mut PgConnection,
    query: &TimelineQuery,
    keyset: &Keyset,
    viewer: Uuid,
    only: Option<&[Uuid]>,
) -> AppResult<Vec<SealedInteraction>> {
    let mut sql: QueryBuilder<Postgres> = QueryBuilder::new(SELECT);
    sql.push(" JOIN interaction_links l ON l.tenant_id = i.tenant_id AND l.interaction_id = i.interaction_id WHERE l.record_id = ")
        .push_bind(query.record)
        .push(" AND (i.private_to IS NULL OR i.private_to = ")
        .push_bind(viewer)
        .push(")");
    match query.show {
        TimelineShow::Everything => {}
        TimelineShow::Activity => {
            sql.push(" AND l.kind <> 'history'");
        }
        TimelineShow::History => {
            sql.push(" AND l.kind = 'history'");
        }
    }
    if let Some(kind) = query.kind {
        sql.push(" AND l.kind = ").push_bind(kind.code());
    }
    if let Some(from) = crate::model::validation::parse_date(&query.from) {
        sql.push(" AND l.occurred_at >= ")
            .push_bind(from.midnight().assume_utc());
    }
    if let Some(to) = crate::model::validation::parse_date(&query.to) {
        let end = to.next_day().unwrap_or(to).midnight().assume_utc();
        sql.push(" AND l.occurred_at < ").push_bind(end);
    }
    if let Some(ids) = only {
        sql.push(" AND l.interaction_id = ANY(")
            .push_bind(ids.to_vec())
            .push(")");
    }
    // Newest first: the list descends, so paging forward compares with `<`.
    let ascending = keyset.sql_ascends(false);
    if let Some(cursor) = &keyset.cursor {
        let at = OffsetDateTime::parse(&cursor.k, &Rfc3339).map_err(|_| AppError::BadRequest)?;
        sql.push(if ascending {
            " AND (l.occurred_at, l.interaction_id) > ("
        } else {
            " AND (l.occurred_at, l.interaction_id) < ("
        })
        .push_bind(at)
        .push(", ")
        .push_bind(cursor.id)
        .push(")");
    }
    sql.push(if ascending {
        " ORDER BY l.occurred_at ASC, l.interaction_id ASC LIMIT "
    } else {
        " ORDER BY l.occurred_at DESC, l.interaction_id DESC LIMIT "
    })
    .push_bind(keyset.limit());
    Ok(sql.build_query_as().fetch_all(conn).await?)
}

pub async fn update(
    conn: &mut PgConnection,
    id: Uuid,
    new: &NewInteraction<'_>,
    text: SealedText,
) -> AppResult<()> {
    sqlx::query!(
        "UPDATE interactions SET kind = $2, occurred_at = $3, direction = $4, duration_secs = $5,
                outcome = $6, channel = $7, subject_ct = $8, body_ct = $9, participants_ct = $10,
                version = version + 1, updated_at = now()
         WHERE interaction_id = $1",
        id,
        new.kind.code(),
        new.occurred_at,
        code(new.direction),
        new.duration_secs,
        code(new.outcome),
        code(new.channel),
        text.subject,
        text.body,
        text.participants
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE interaction_links SET occurred_at = $2, kind = $3 WHERE interaction_id = $1",
        id,
        new.occurred_at,
        new.kind.code()
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Rewrites only the participants (after one of them was erased).
pub async fn reseal_participants(
    conn: &mut PgConnection,
    id: Uuid,
    participants: Option<Vec<u8>>,
) -> AppResult<()> {
    sqlx::query!(
        "UPDATE interactions SET participants_ct = $2 WHERE interaction_id = $1",
        id,
        participants
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Shares the entry and the rest of its thread that is private to `owner`; returns
/// the ids shared.
pub async fn share_thread(conn: &mut PgConnection, id: Uuid, owner: Uuid) -> AppResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar!(
        "UPDATE interactions SET private_to = NULL
         WHERE private_to = $2
           AND (interaction_id = $1
                OR thread_id = (SELECT thread_id FROM interactions WHERE interaction_id = $1))
         RETURNING interaction_id",
        id,
        owner
    )
    .fetch_all(conn)
    .await?)
}

pub async fn delete(conn: &mut PgConnection, id: Uuid) -> AppResult<bool> {
    let deleted = sqlx::query!("DELETE FROM interactions WHERE interaction_id = $1", id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    crate::backend::search::forget(conn, id).await?;
    Ok(deleted > 0)
}

/// The sealed participants column of a rewritten list.
pub fn seal_participants(c: &RecordCipher, participants: &[Participant]) -> Option<Vec<u8>> {
    (!participants.is_empty()).then(|| c.seal_json(column::PARTICIPANTS, &participants))
}
