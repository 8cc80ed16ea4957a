//! Audit rows as reviewers read them and the tenant's log settings. Filters become
//! bound values only.

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

pub struct SettingsRow {
    pub retention_days: i32,
    pub admins_see_all: bool,
    pub widening_requested_by: Option<Uuid>,
    pub widening_requested_at: Option<OffsetDateTime>,
    pub widening_dpo_approved_by: Option<Uuid>,
    pub widening_wc_approved_by: Option<Uuid>,
}

/// The tenant's settings (the defaults while it has saved none). The request for the
/// wider view shows only while it is open: not yet granted, not past its lifetime.
pub async fn settings(conn: &mut PgConnection) -> AppResult<SettingsRow> {
    let row = sqlx::query_as!(
        SettingsRow,
        r#"SELECT s.retention_days, s.admins_see_all,
                  CASE WHEN o.open THEN s.widening_requested_by END AS widening_requested_by,
                  CASE WHEN o.open THEN s.widening_requested_at END AS widening_requested_at,
                  CASE WHEN o.open THEN s.widening_dpo_approved_by END AS widening_dpo_approved_by,
                  CASE WHEN o.open THEN s.widening_wc_approved_by END AS widening_wc_approved_by
           FROM audit_settings s,
                LATERAL (SELECT NOT s.admins_see_all
                            AND s.widening_requested_at > now() - reidentification_request_lifetime() AS open) o"#
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.unwrap_or(SettingsRow {
        retention_days: 365,
        admins_see_all: false,
        widening_requested_by: None,
        widening_requested_at: None,
        widening_dpo_approved_by: None,
        widening_wc_approved_by: None,
    }))
}

pub async fn save_retention(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    retention_days: i32,
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO audit_settings (tenant_id, retention_days) VALUES ($1, $2)
         ON CONFLICT (tenant_id) DO UPDATE SET retention_days = excluded.retention_days",
        tenant_id,
        retention_days,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Switches the wider view off and drops any request for it.
pub async fn narrow_view(conn: &mut PgConnection) -> AppResult<()> {
    sqlx::query!(
        "UPDATE audit_settings SET admins_see_all = false, widening_requested_by = NULL, widening_requested_at = NULL,
                widening_dpo_approved_by = NULL, widening_wc_approved_by = NULL"
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A new request, without approvals (the database stamps its time).
pub async fn request_wider_view(conn: &mut PgConnection, requested_by: Uuid) -> AppResult<()> {
    sqlx::query!(
        "UPDATE audit_settings SET widening_requested_by = $1, widening_requested_at = now(),
                widening_dpo_approved_by = NULL, widening_wc_approved_by = NULL",
        requested_by
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Records one role's approval; with both, the view switches on.
pub async fn approve_wider_view(conn: &mut PgConnection, by: Uuid, as_dpo: bool) -> AppResult<()> {
    sqlx::query!(
        "UPDATE audit_settings SET
            widening_dpo_approved_by = CASE WHEN $2 THEN $1 ELSE widening_dpo_approved_by END,
            widening_wc_approved_by = CASE WHEN $2 THEN widening_wc_approved_by ELSE $1 END,
            admins_see_all = (CASE WHEN $2 THEN $1 ELSE widening_dpo_approved_by END) IS NOT NULL
                         AND (CASE WHEN $2 THEN widening_wc_approved_by ELSE $1 END) IS NOT NULL",
        by,
        as_dpo
    )
    .execute(conn)
    .await?;
    Ok(())
}
