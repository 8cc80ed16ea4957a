//! Merges at rest: what moved, and the survivor as it was (sealed under its key).

use crate::AppResult;
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

pub struct MergeRow {
    pub merge_id: Uuid,
    pub survivor_id: Uuid,
    pub duplicate_id: Uuid,
    pub survivor_before_ct: Vec<u8>,
    pub survivor_version: i32,
    pub fields: Vec<String>,
    pub moved_interactions: Vec<Uuid>,
    pub shared_interactions: Vec<Uuid>,
    pub moved_tasks: Vec<Uuid>,
    pub moved_appointments: Vec<Uuid>,
    pub shared_appointments: Vec<Uuid>,
    pub merged_by: Uuid,
    pub merged_at: OffsetDateTime,
    pub undone_at: Option<OffsetDateTime>,
}

pub struct NewMerge<'a> {
    pub id: Uuid,
    pub survivor: Uuid,
    pub duplicate: Uuid,
    pub survivor_before: Vec<u8>,
    pub survivor_version: i32,
    pub fields: &'a [String],
    pub moved_interactions: &'a [Uuid],
    pub shared_interactions: &'a [Uuid],
    pub moved_tasks: &'a [Uuid],
    pub moved_appointments: &'a [Uuid],
    pub shared_appointments: &'a [Uuid],
    pub merged_by: Uuid,
}

pub async fn insert(conn: &mut PgConnection, tenant_id: Uuid, m: &NewMerge<'_>) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO merges (tenant_id, merge_id, survivor_id, duplicate_id, survivor_before_ct,
                             survivor_version, fields, moved_interactions, shared_interactions,
                             moved_tasks, moved_appointments, shared_appointments, merged_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        tenant_id,
        m.id,
        m.survivor,
        m.duplicate,
        m.survivor_before,
        m.survivor_version,
        m.fields,
        m.moved_interactions,
        m.shared_interactions,
        m.moved_tasks,
        m.moved_appointments,
        m.shared_appointments,
        m.merged_by
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find_for_update(conn: &mut PgConnection, id: Uuid) -> AppResult<Option<MergeRow>> {
    Ok(sqlx::query_as!(
        MergeRow,
        "SELECT merge_id, survivor_id, duplicate_id, survivor_before_ct, survivor_version, fields,
                moved_interactions, shared_interactions, moved_tasks, moved_appointments,
                shared_appointments, merged_by, merged_at, undone_at
         FROM merges WHERE merge_id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(conn)
    .await?)
}

pub async fn of_survivor(conn: &mut PgConnection, survivor: Uuid) -> AppResult<Vec<MergeRow>> {
    Ok(sqlx::query_as!(
        MergeRow,
        "SELECT merge_id, survivor_id, duplicate_id, survivor_before_ct, survivor_version, fields,
                moved_interactions, shared_interactions, moved_tasks, moved_appointments,
                shared_appointments, merged_by, merged_at, undone_at
         FROM merges WHERE survivor_id = $1 ORDER BY merged_at DESC",
        survivor
    )
    .fetch_all(conn)
    .await?)
}

pub async fn mark_undone(conn: &mut PgConnection, id: Uuid, by: Uuid) -> AppResult<()> {
    sqlx::query!(
        "UPDATE merges SET undone_at = now(), undone_by = $2 WHERE merge_id = $1",
        id,
        by
    )
    .execute(conn)
    .await?;
    Ok(())
}
