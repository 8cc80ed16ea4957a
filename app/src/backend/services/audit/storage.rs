//! Audit rows as reviewers read them, the tenant's log settings and re-identification
//! requests. Filters become bound values only.

use crate::model::audit::{AuditAction, AuditFilter, AuditScope};
use crate::{AppError, AppResult};
use sqlx::{PgConnection, Postgres, QueryBuilder};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

pub async fn admins_see_all(conn: &mut PgConnection) -> AppResult<bool> {
    let setting: Option<bool> = sqlx::query_scalar!("SELECT admins_see_all FROM audit_settings")
        .fetch_optional(conn)
        .await?;
    Ok(setting.unwrap_or(false))
}

#[derive(sqlx::FromRow)]
pub struct Row {
    pub seq: i64,
    pub at: OffsetDateTime,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub subject_ids: Vec<Uuid>,
    pub fields: Vec<String>,
    pub purpose: Option<String>,
}

fn parse_date(value: &Option<String>) -> AppResult<Option<Date>> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    value
        .as_deref()
        .filter(|v| !v.is_empty())
        .map(|v| Date::parse(v, &format).map_err(|_| AppError::BadRequest))
        .transpose()
}

/// Builds the WHERE clause for a scope and filter. Only bound values reach SQL.
fn push_conditions(
    sql: &mut QueryBuilder<'_, Postgres>,
    scope: AuditScope,
    me: Uuid,
    filter: &AuditFilter,
    actor: Option<Uuid>,
) -> AppResult<()> {
    sql.push(" WHERE true");
    match scope {
        AuditScope::Own => {
            sql.push(" AND actor_id = ").push_bind(me);
        }
        AuditScope::Administrative => {
            let codes: Vec<String> = AuditAction::all()
                .filter(|a| a.is_administrative())
                .map(AuditAction::code)
                .collect();
            sql.push(" AND action = ANY(").push_bind(codes).push(")");
        }
        AuditScope::Full | AuditScope::Pseudonymised => {}
    }
    if let Some(subject) = filter.subject {
        sql.push(" AND subject_ids @> ARRAY[")
            .push_bind(subject)
            .push("]::uuid[]");
    }
    if filter.actor.as_deref().is_some_and(|a| !a.is_empty()) {
        // An unknown pseudonym or id matches nothing rather than everything.
        sql.push(" AND actor_id = ")
            .push_bind(actor.unwrap_or(Uuid::nil()));
    }
    if let Some(action) = filter.action.as_deref().filter(|a| !a.is_empty()) {
        let action = AuditAction::parse(action).ok_or(AppError::BadRequest)?;
        sql.push(" AND action = ").push_bind(action.code());
    }
    if let Some(from) = parse_date(&filter.from)? {
        sql.push(" AND at >= ")
            .push_bind(from.midnight().assume_utc());
    }
    if let Some(to) = parse_date(&filter.to)? {
        // The last representable date has no next day: refused, not a panic.
        let next = to.next_day().ok_or(AppError::BadRequest)?;
        sql.push(" AND at < ")
            .push_bind(next.midnight().assume_utc());
    }
    if let Some(before) = filter.before {
        sql.push(" AND seq < ").push_bind(before);
    }
    Ok(())
}

/// The newest `limit` entries `scope` lets the reviewer see that match `filter`.
pub async fn entries(
    conn: &mut PgConnection,
    scope: AuditScope,
    me: Uuid,
    filter: &AuditFilter,
    actor: Option<Uuid>,
    limit: i64,
) -> AppResult<Vec<Row>> {
    let mut sql = QueryBuilder::new(
        "SELECT seq, at, actor_id, action, subject_ids, fields, purpose FROM audit_log",
    );
    push_conditions(&mut sql, scope, me, filter, actor)?;
    sql.push(" ORDER BY seq DESC LIMIT ").push_bind(limit);
    Ok(sql.build_query_as().fetch_all(conn).await?)
}

pub async fn save_settings(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    retention_days: i32,
    admins_see_all: bool,
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO audit_settings (tenant_id, retention_days, admins_see_all) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id) DO UPDATE SET retention_days = excluded.retention_days, admins_see_all = excluded.admins_see_all",
        tenant_id,
        retention_days,
        admins_see_all
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Every employee's id (pseudonyms are computed from them).
pub async fn employee_ids(conn: &mut PgConnection) -> AppResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar!("SELECT user_id FROM users")
        .fetch_all(conn)
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

/// `(requested_by, requested_role, approved_by)`, locked until the transaction ends.
pub async fn request_for_update(
    conn: &mut PgConnection,
    request_id: Uuid,
) -> AppResult<Option<(Uuid, String, Option<Uuid>)>> {
    Ok(sqlx::query!(
        "SELECT requested_by, requested_role, approved_by FROM reidentification_requests WHERE request_id = $1 FOR UPDATE",
        request_id
    )
    .fetch_optional(conn)
    .await?
    .map(|r| (r.requested_by, r.requested_role, r.approved_by)))
}

pub async fn approve_request(
    conn: &mut PgConnection,
    request_id: Uuid,
    approved_by: Uuid,
    valid_hours: i32,
) -> AppResult<()> {
    sqlx::query!(
        "UPDATE reidentification_requests SET approved_by = $2, approved_at = now(), expires_at = now() + make_interval(hours => $3)
         WHERE request_id = $1",
        request_id,
        approved_by,
        valid_hours
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
}

/// Requests not yet expired (unapproved ones have no expiry), newest first.
pub async fn open_requests(conn: &mut PgConnection) -> AppResult<Vec<RequestRow>> {
    Ok(sqlx::query_as!(
        RequestRow,
        "SELECT request_id, pseudonym, requested_by, requested_role, reason, approved_by
         FROM reidentification_requests WHERE expires_at IS NULL OR expires_at > now() ORDER BY created_at DESC"
    )
    .fetch_all(conn)
    .await?)
}
