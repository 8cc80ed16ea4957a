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

/// The field codes hidden from one role.
pub async fn of_role(conn: &mut PgConnection, role: &str) -> AppResult<Vec<String>> {
    Ok(
        sqlx::query_scalar!("SELECT field FROM field_masks WHERE role = $1", role)
            .fetch_all(conn)
            .await?,
    )
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
