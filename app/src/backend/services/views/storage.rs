//! Saved views at rest: name and query sealed under the tenant's own subject key.

use crate::AppResult;
use sqlx::PgConnection;
use uuid::Uuid;

pub const TABLE: &str = "saved_views";

pub struct SealedView {
    pub view_id: Uuid,
    pub user_id: Uuid,
    pub area: String,
    pub name_ct: Vec<u8>,
    pub query_ct: Vec<u8>,
    pub shared: bool,
}

/// The user's own views of `area` and those shared with everyone, oldest first.
pub async fn visible(
    conn: &mut PgConnection,
    area: &str,
    user: Uuid,
) -> AppResult<Vec<SealedView>> {
    Ok(sqlx::query_as!(
        SealedView,
        "SELECT view_id, user_id, area, name_ct, query_ct, shared FROM saved_views
         WHERE area = $1 AND (user_id = $2 OR shared) ORDER BY created_at",
        area,
        user
    )
    .fetch_all(conn)
    .await?)
}

pub struct NewView {
    pub id: Uuid,
    pub user_id: Uuid,
    pub area: &'static str,
    pub name_ct: Vec<u8>,
    pub query_ct: Vec<u8>,
    pub shared: bool,
}

pub async fn insert(conn: &mut PgConnection, tenant_id: Uuid, v: NewView) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO saved_views (tenant_id, view_id, user_id, area, name_ct, query_ct, shared)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        tenant_id,
        v.id,
        v.user_id,
        v.area,
        v.name_ct,
        v.query_ct,
        v.shared
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn count_of(conn: &mut PgConnection, user: Uuid) -> AppResult<i64> {
    Ok(sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM saved_views WHERE user_id = $1"#,
        user
    )
    .fetch_one(conn)
    .await?)
}

/// Deletes the view if `user` saved it.
pub async fn delete(conn: &mut PgConnection, id: Uuid, user: Uuid) -> AppResult<bool> {
    let done = sqlx::query!(
        "DELETE FROM saved_views WHERE view_id = $1 AND user_id = $2",
        id,
        user
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
