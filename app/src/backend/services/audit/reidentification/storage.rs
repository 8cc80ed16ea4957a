//! Re-identification requests and the record of reviewer role changes. The time
//! limits and role rules are the database's (migration `four_eyes_rules`): these
//! queries read them instead of repeating them.

use crate::AppResult;
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

/// Every employee's id (pseudonyms are computed from them).
pub async fn employee_ids(conn: &mut PgConnection) -> AppResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar!("SELECT user_id FROM users")
        .fetch_all(conn)
        .await?)
}

/// Whole days (rounded up) until `user`'s current role counts for re-identification;
/// 0 once it does.
pub async fn reviewer_days_left(conn: &mut PgConnection, user: Uuid) -> AppResult<Option<i32>> {
    Ok(sqlx::query_scalar!(
        r#"SELECT greatest(0, ceil(extract(epoch FROM role_since + reviewer_notice() - now()) / 86400))::int AS "days_left!"
           FROM users WHERE user_id = $1"#,
        user
    )
    .fetch_optional(conn)
    .await?)
}

pub struct NewRequest<'a> {
    pub tenant_id: Uuid,
    pub id: Uuid,
    pub pseudonym: &'a str,
    pub requested_by: Uuid,
    pub requested_role: &'a str,
    /// Sealed under the requester's key.
    pub reason_ct: Vec<u8>,
}

pub async fn insert_request(conn: &mut PgConnection, r: NewRequest<'_>) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO reidentification_requests (tenant_id, request_id, pseudonym, requested_by, requested_role, reason)
         VALUES ($1, $2, $3, $4, $5, $6)",
        r.tenant_id,
        r.id,
        r.pseudonym,
        r.requested_by,
        r.requested_role,
        r.reason_ct
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct LockedRequest {
    pub pseudonym: String,
    pub requested_by: Uuid,
    pub requested_role: String,
    pub approved_by: Option<Uuid>,
    /// Waited longer than the database lets a request wait for its approval.
    pub expired: bool,
    /// The requester still holds the role they asked in, past its notice period.
    pub requester_in_force: bool,
}

/// One request, locked until the transaction ends.
pub async fn request_for_update(
    conn: &mut PgConnection,
    request_id: Uuid,
) -> AppResult<Option<LockedRequest>> {
    Ok(sqlx::query_as!(
        LockedRequest,
        r#"SELECT pseudonym, requested_by, requested_role, approved_by,
                  created_at <= now() - reidentification_request_lifetime() AS "expired!",
                  reviewer_role_in_force(tenant_id, requested_by, requested_role) AS "requester_in_force!"
           FROM reidentification_requests WHERE request_id = $1 FOR UPDATE"#,
        request_id
    )
    .fetch_optional(conn)
    .await?)
}

/// Approves; the database sets the time and the 24 hours it lasts.
pub async fn approve_request(
    conn: &mut PgConnection,
    request_id: Uuid,
    approved_by: Uuid,
) -> AppResult<()> {
    sqlx::query!(
        "UPDATE reidentification_requests SET approved_by = $2 WHERE request_id = $1",
        request_id,
        approved_by,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct RequestRow {
    pub request_id: Uuid,
    pub pseudonym: String,
    pub requested_by: Uuid,
    pub requested_role: String,
    /// Sealed under the requester's key.
    pub reason: Vec<u8>,
    pub approved_by: Option<Uuid>,
    pub created_at: OffsetDateTime,
    /// Until when it waits for approval, or until when the approval lasts.
    pub open_until: OffsetDateTime,
    pub requester_in_force: bool,
}

/// Requests still waiting or still approved, newest first.
pub async fn open_requests(conn: &mut PgConnection) -> AppResult<Vec<RequestRow>> {
    Ok(sqlx::query_as!(
        RequestRow,
        r#"SELECT request_id, pseudonym, requested_by, requested_role, reason, approved_by, created_at,
                  coalesce(expires_at, created_at + reidentification_request_lifetime()) AS "open_until!",
                  reviewer_role_in_force(tenant_id, requested_by, requested_role) AS "requester_in_force!"
           FROM reidentification_requests
           WHERE coalesce(expires_at, created_at + reidentification_request_lifetime()) > now()
           ORDER BY created_at DESC"#
    )
    .fetch_all(conn)
    .await?)
}

pub struct RoleChangeRow {
    pub user_id: Uuid,
    pub old_role: Option<String>,
    pub new_role: Option<String>,
    pub changed_at: OffsetDateTime,
    pub in_force_from: Option<OffsetDateTime>,
}

/// Changes into and out of the reviewer roles since `since`, newest first.
pub async fn reviewer_role_changes(
    conn: &mut PgConnection,
    since: OffsetDateTime,
) -> AppResult<Vec<RoleChangeRow>> {
    Ok(sqlx::query_as!(
        RoleChangeRow,
        r#"SELECT user_id, old_role, new_role, changed_at,
                  CASE WHEN new_role IS NOT NULL THEN changed_at + reviewer_notice() END AS in_force_from
           FROM reviewer_role_changes WHERE changed_at >= $1
           ORDER BY changed_at DESC, change_seq DESC LIMIT 100"#,
        since
    )
    .fetch_all(conn)
    .await?)
}
