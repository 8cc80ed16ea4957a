//! Field masks at rest: `(role, field)` codes per tenant. No rules here.

use crate::AppResult;
use sqlx::PgConnection;
use uuid::Uuid;

/// Every `(role, field)` code pair of the tenant.
pub async fn all(conn: &mut PgConnection) -> AppResult<Vec<(String, String)>> {
    Ok(sqlx::query!("SELECT role, field FROM field_masks")
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(|r| (r.role, r.field))
        .collect())
}

pub async fn replace(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    roles: &[String],
    fields: &[String],
) -> AppResult<()> {
    sqlx::query!("DELETE FROM field_masks")
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        "INSERT INTO field_masks (tenant_id, role, field)
         SELECT $1, r, f FROM UNNEST($2::text[], $3::text[]) AS m(r, f)",
        tenant_id,
        roles,
        fields
    )
    .execute(conn)
    .await?;
    Ok(())
}
