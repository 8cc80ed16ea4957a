//! A contact's history at rest: the lifecycle stages it entered, and merges.

use super::SealedContact;
use crate::model::contacts::{LifecycleStage, StageEntry};
use crate::AppResult;
use sqlx::PgConnection;
use uuid::Uuid;

/// Notes that the contact entered `stage` now, moved there by `by`.
pub async fn record_stage(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    id: Uuid,
    stage: &str,
    by: Uuid,
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO contact_stages (tenant_id, contact_id, entry_id, stage, changed_by)
         VALUES ($1, $2, $3, $4, $5)",
        tenant_id,
        id,
        Uuid::now_v7(),
        stage,
        by
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn stage_history(conn: &mut PgConnection, id: Uuid) -> AppResult<Vec<StageEntry>> {
    let rows = sqlx::query!(
        "SELECT stage, entered_at, changed_by FROM contact_stages
         WHERE contact_id = $1 ORDER BY entered_at DESC, entry_id DESC",
        id
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| StageEntry {
            stage: LifecycleStage::parse(&r.stage).unwrap_or_default(),
            entered_at: r.entered_at,
            changed_by: r.changed_by,
        })
        .collect())
}

/// A contact merged into `survivor`, locked (for undoing the merge).
pub async fn find_merged(
    conn: &mut PgConnection,
    id: Uuid,
    survivor: Uuid,
) -> AppResult<Option<SealedContact>> {
    Ok(sqlx::query_as!(
        SealedContact,
        "SELECT contact_id, first_name_ct, last_name_ct, emails_ct, phones_ct, profile_ct, notes_ct,
                organisation_id, owner_id, tags, classification, stage, preferred_language, channels,
                version, created_at, updated_at
         FROM contacts WHERE contact_id = $1 AND merged_into = $2 FOR UPDATE",
        id,
        survivor
    )
    .fetch_optional(conn)
    .await?)
}

/// Hides a contact behind the one it was merged into (or shows it again with `None`).
pub async fn set_merged_into(
    conn: &mut PgConnection,
    id: Uuid,
    survivor: Option<Uuid>,
) -> AppResult<()> {
    sqlx::query!(
        "UPDATE contacts SET merged_into = $2, updated_at = now() WHERE contact_id = $1",
        id,
        survivor
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Contacts merged into `survivor` (erased with it).
pub async fn merged_into(conn: &mut PgConnection, survivor: Uuid) -> AppResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar!(
        "SELECT contact_id FROM contacts WHERE merged_into = $1",
        survivor
    )
    .fetch_all(conn)
    .await?)
}
