//! Team rows at rest: members' roles and sealed names, invitations. No rules here.

use crate::AppResult;
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

pub const INVITATIONS: &str = "invitations";

/// `(user_id, display_name_ct, email_ct, role)`.
pub type MemberRow = (Uuid, Vec<u8>, Vec<u8>, String);

/// Every member's row.
pub async fn members(conn: &mut PgConnection) -> AppResult<Vec<MemberRow>> {
    Ok(
        sqlx::query!("SELECT user_id, display_name_ct, email_ct, role FROM users")
            .fetch_all(conn)
            .await?
            .into_iter()
            .map(|r| (r.user_id, r.display_name_ct, r.email_ct, r.role))
            .collect(),
    )
}

/// One member's row.
pub async fn member(conn: &mut PgConnection, user_id: Uuid) -> AppResult<Option<MemberRow>> {
    Ok(sqlx::query!(
        "SELECT user_id, display_name_ct, email_ct, role FROM users WHERE user_id = $1",
        user_id
    )
    .fetch_optional(conn)
    .await?
    .map(|r| (r.user_id, r.display_name_ct, r.email_ct, r.role)))
}

/// `(invitation_id, email_ct, role, expires_at)` of invitations still open, newest first.
pub async fn open_invitations(
    conn: &mut PgConnection,
) -> AppResult<Vec<(Uuid, Vec<u8>, String, OffsetDateTime)>> {
    Ok(sqlx::query!(
        "SELECT invitation_id, email_ct, role, expires_at FROM invitations
         WHERE accepted_at IS NULL AND expires_at > now() ORDER BY created_at DESC"
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| (r.invitation_id, r.email_ct, r.role, r.expires_at))
    .collect())
}

pub async fn email_taken(conn: &mut PgConnection, email_bidx: &[u8]) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM users WHERE email_bidx = $1) AS "taken!""#,
        email_bidx
    )
    .fetch_one(conn)
    .await?)
}

pub async fn tenant_slug(conn: &mut PgConnection) -> AppResult<String> {
    Ok(sqlx::query_scalar!("SELECT slug FROM tenants")
        .fetch_one(conn)
        .await?)
}

pub struct NewInvitation<'a> {
    pub tenant_id: Uuid,
    pub id: Uuid,
    pub email_ct: Vec<u8>,
    pub email_bidx: &'a [u8],
    pub role: &'a str,
    pub token_hash: Vec<u8>,
    pub invited_by: Uuid,
    pub expires_at: OffsetDateTime,
}

pub async fn insert_invitation(conn: &mut PgConnection, i: NewInvitation<'_>) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO invitations (tenant_id, invitation_id, email_ct, email_bidx, role, token_hash, invited_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        i.tenant_id,
        i.id,
        i.email_ct,
        i.email_bidx,
        i.role,
        i.token_hash,
        i.invited_by,
        i.expires_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Holds the workspace's role changes until this transaction ends.
pub async fn lock_roles(conn: &mut PgConnection) -> AppResult<()> {
    sqlx::query!("SELECT tenant_id FROM tenants FOR UPDATE")
        .fetch_all(conn)
        .await?;
    Ok(())
}

/// A member's role, locked until the transaction ends.
pub async fn role_for_update(conn: &mut PgConnection, user_id: Uuid) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar!(
        "SELECT role FROM users WHERE user_id = $1 FOR UPDATE",
        user_id
    )
    .fetch_optional(conn)
    .await?)
}

pub async fn owner_count(conn: &mut PgConnection) -> AppResult<i64> {
    Ok(
        sqlx::query_scalar!(r#"SELECT count(*) AS "owners!" FROM users WHERE role = 'owner'"#)
            .fetch_one(conn)
            .await?,
    )
}

pub async fn set_role(conn: &mut PgConnection, user_id: Uuid, role: &str) -> AppResult<()> {
    sqlx::query!(
        "UPDATE users SET role = $2 WHERE user_id = $1",
        user_id,
        role
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// `(invitation_id, tenant name, email_ct, role)` of a usable invitation.
pub async fn invitation_preview(
    conn: &mut PgConnection,
    token_hash: &[u8],
) -> AppResult<Option<(Uuid, String, Vec<u8>, String)>> {
    Ok(sqlx::query!(
        "SELECT i.invitation_id, t.name, i.email_ct, i.role FROM invitations i JOIN tenants t USING (tenant_id)
         WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > now()",
        token_hash
    )
    .fetch_optional(conn)
    .await?
    .map(|r| (r.invitation_id, r.name, r.email_ct, r.role)))
}

/// `(invitation_id, email_ct, role)` of a usable invitation, locked for accepting.
pub async fn invitation_for_accepting(
    conn: &mut PgConnection,
    token_hash: &[u8],
) -> AppResult<Option<(Uuid, Vec<u8>, String)>> {
    Ok(sqlx::query!(
        "SELECT invitation_id, email_ct, role FROM invitations
         WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > now() FOR UPDATE",
        token_hash
    )
    .fetch_optional(conn)
    .await?
    .map(|r| (r.invitation_id, r.email_ct, r.role)))
}

pub async fn mark_accepted(conn: &mut PgConnection, invitation_id: Uuid) -> AppResult<()> {
    sqlx::query!(
        "UPDATE invitations SET accepted_at = now() WHERE invitation_id = $1",
        invitation_id
    )
    .execute(conn)
    .await?;
    Ok(())
}
