//! Reviewing the log: who sees what, pseudonyms for the works council, integrity
//! checks, export, and four-eyes re-identification.

use super::{chain, record, AuditEvent};
use crate::backend::crypto::{DataKey, KeyStore, RecordCipher};
use crate::backend::tenancy::TenantTx;
use crate::model::audit::{
    AuditAction, AuditActorOption, AuditEntryView, AuditFilter, AuditPage, AuditPurpose,
    AuditScope, AuditSubject, ReidentificationView, VerifyReport,
};
use crate::model::identity::Role;
use crate::{AppError, AppResult};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

pub const PAGE_SIZE: i64 = 50;
const EXPORT_LIMIT: i64 = 100_000;
const REIDENTIFICATION_VALIDITY: Duration = Duration::hours(24);

/// Stable pseudonyms for employees, keyed per tenant: the same person always gets the
/// same pseudonym, and nobody without the tenant's keys can reverse it.
struct Pseudonyms(DataKey);

impl Pseudonyms {
    async fn load(conn: &mut PgConnection, keys: &KeyStore, tenant_id: Uuid) -> AppResult<Self> {
        Ok(Self(
            keys.tenant_root_key(conn, tenant_id)
                .await?
                .derive("tessera.audit-pseudonym.v1"),
        ))
    }

    fn of(&self, user_id: Uuid) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(self.0.expose()).expect("any key length");
        mac.update(user_id.as_bytes());
        let digest = mac.finalize().into_bytes();
        let code: String = digest[..5].iter().map(|b| format!("{b:02X}")).collect();
        format!("P-{code}")
    }
}

/// Which slice of the log `role` may see.
pub fn scope_for(role: Role, own: bool, admins_see_all: bool) -> AuditScope {
    match role {
        _ if own => AuditScope::Own,
        Role::DataProtectionOfficer => AuditScope::Full,
        Role::WorksCouncil => AuditScope::Pseudonymised,
        Role::Owner | Role::Admin if admins_see_all => AuditScope::Full,
        Role::Owner | Role::Admin => AuditScope::Administrative,
        Role::Member => AuditScope::Own,
    }
}

async fn admins_see_all(conn: &mut PgConnection) -> AppResult<bool> {
    let setting: Option<bool> = sqlx::query_scalar("SELECT admins_see_all FROM audit_settings")
        .fetch_optional(conn)
        .await?;
    Ok(setting.unwrap_or(false))
}

/// Every employee's decrypted name.
async fn employee_names(scope: &mut TenantTx, keys: &KeyStore) -> AppResult<HashMap<Uuid, String>> {
    let tenant_id = scope.principal.tenant_id;
    let rows: Vec<(Uuid, Vec<u8>)> = sqlx::query_as("SELECT user_id, display_name_ct FROM users")
        .fetch_all(scope.conn())
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.0).collect();
    let subject_keys = keys.subject_keys(scope.conn(), tenant_id, &ids).await?;
    let mut names = HashMap::new();
    for (id, name_ct) in rows {
        if let Some(key) = subject_keys.get(&id) {
            names.insert(
                id,
                RecordCipher {
                    key,
                    tenant_id,
                    table: "users",
                    row_id: id,
                }
                .open("display_name", &name_ct)?,
            );
        }
    }
    Ok(names)
}

/// Names of the contacts among `ids` (erased ones stay unnamed).
async fn contact_names(
    scope: &mut TenantTx,
    keys: &KeyStore,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, String>> {
    let tenant_id = scope.principal.tenant_id;
    let rows: Vec<(Uuid, Vec<u8>, Vec<u8>)> = sqlx::query_as(
        "SELECT contact_id, first_name_ct, last_name_ct FROM contacts WHERE contact_id = ANY($1)",
    )
    .bind(ids)
    .fetch_all(scope.conn())
    .await?;
    let row_ids: Vec<Uuid> = rows.iter().map(|r| r.0).collect();
    let subject_keys = keys.subject_keys(scope.conn(), tenant_id, &row_ids).await?;
    let mut names = HashMap::new();
    for (id, first, last) in rows {
        if let Some(key) = subject_keys.get(&id) {
            let r = RecordCipher {
                key,
                tenant_id,
                table: "contacts",
                row_id: id,
            };
            names.insert(
                id,
                format!(
                    "{}, {}",
                    r.open("last_name", &last)?,
                    r.open("first_name", &first)?
                ),
            );
        }
    }
    Ok(names)
}

#[derive(sqlx::FromRow)]
struct Row {
    seq: i64,
    at: OffsetDateTime,
    actor_id: Option<Uuid>,
    action: String,
    subject_ids: Vec<Uuid>,
    fields: Vec<String>,
    purpose: Option<String>,
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
            let codes: Vec<&str> = AuditAction::ALL
                .into_iter()
                .filter(|a| a.is_administrative())
                .map(|a| a.code())
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
        sql.push(" AND at < ")
            .push_bind((to + Duration::days(1)).midnight().assume_utc());
    }
    if let Some(before) = filter.before {
        sql.push(" AND seq < ").push_bind(before);
    }
    Ok(())
}

struct Reviewer {
    scope: AuditScope,
    names: HashMap<Uuid, String>,
    pseudonyms: Option<Pseudonyms>,
}

impl Reviewer {
    async fn new(tx: &mut TenantTx, keys: &KeyStore, filter: &AuditFilter) -> AppResult<Self> {
        let see_all = admins_see_all(tx.conn()).await?;
        let scope = scope_for(tx.principal.role, filter.own, see_all);
        let names = employee_names(tx, keys).await?;
        let pseudonyms = if scope == AuditScope::Pseudonymised {
            let tenant_id = tx.principal.tenant_id;
            Some(Pseudonyms::load(tx.conn(), keys, tenant_id).await?)
        } else {
            None
        };
        Ok(Self {
            scope,
            names,
            pseudonyms,
        })
    }

    /// How the reviewer sees an employee.
    fn actor_label(&self, actor: Uuid) -> String {
        match &self.pseudonyms {
            Some(p) => p.of(actor),
            None => self
                .names
                .get(&actor)
                .cloned()
                .unwrap_or_else(|| "—".into()),
        }
    }

    /// The employee a filter value names (an id, or a pseudonym for the works council).
    fn resolve_actor(&self, value: &str) -> Option<Uuid> {
        match &self.pseudonyms {
            Some(p) => self.names.keys().copied().find(|id| p.of(*id) == value),
            None => Uuid::parse_str(value).ok(),
        }
    }

    fn actor_options(&self) -> Vec<AuditActorOption> {
        if !matches!(self.scope, AuditScope::Full | AuditScope::Pseudonymised) {
            return Vec::new();
        }
        let mut options: Vec<AuditActorOption> = self
            .names
            .keys()
            .map(|id| {
                let label = self.actor_label(*id);
                let value = if self.pseudonyms.is_some() {
                    label.clone()
                } else {
                    id.to_string()
                };
                AuditActorOption { value, label }
            })
            .collect();
        options.sort_by(|a, b| a.label.cmp(&b.label));
        options
    }
}

async fn fetch(
    tx: &mut TenantTx,
    reviewer: &Reviewer,
    filter: &AuditFilter,
    limit: i64,
) -> AppResult<Vec<Row>> {
    let actor = filter
        .actor
        .as_deref()
        .and_then(|a| reviewer.resolve_actor(a));
    let mut sql = QueryBuilder::new(
        "SELECT seq, at, actor_id, action, subject_ids, fields, purpose FROM audit_log",
    );
    push_conditions(
        &mut sql,
        reviewer.scope,
        tx.principal.user_id,
        filter,
        actor,
    )?;
    sql.push(" ORDER BY seq DESC LIMIT ").push_bind(limit);
    Ok(sql.build_query_as().fetch_all(tx.conn()).await?)
}

async fn to_views(
    tx: &mut TenantTx,
    keys: &KeyStore,
    reviewer: &Reviewer,
    rows: Vec<Row>,
) -> AppResult<Vec<AuditEntryView>> {
    // Only the data protection officer's view names the people whose data was accessed.
    let show_subjects = reviewer.scope == AuditScope::Full;
    let contact_labels = if show_subjects {
        let ids: Vec<Uuid> = rows
            .iter()
            .flat_map(|r| r.subject_ids.iter().take(20).copied())
            .collect();
        contact_names(tx, keys, &ids).await?
    } else {
        HashMap::new()
    };
    Ok(rows
        .into_iter()
        .map(|row| {
            let action = AuditAction::parse(&row.action).unwrap_or(AuditAction::AuditViewed);
            let subjects = if show_subjects {
                row.subject_ids
                    .iter()
                    .take(20)
                    .map(|id| AuditSubject {
                        id: *id,
                        label: contact_labels
                            .get(id)
                            .or_else(|| reviewer.names.get(id))
                            .cloned(),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            AuditEntryView {
                seq: row.seq,
                at: row.at,
                actor: row.actor_id.map(|a| reviewer.actor_label(a)),
                action,
                subject_count: row.subject_ids.len(),
                subjects,
                fields: row.fields,
                purpose: row.purpose,
            }
        })
        .collect())
}

/// One page of the log as the principal's role may see it. Viewing is itself logged.
pub async fn page(
    tx: &mut TenantTx,
    keys: &KeyStore,
    filter: &AuditFilter,
) -> AppResult<AuditPage> {
    let reviewer = Reviewer::new(tx, keys, filter).await?;
    let mut rows = fetch(tx, &reviewer, filter, PAGE_SIZE + 1).await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let next_before = if more {
        rows.last().map(|r| r.seq)
    } else {
        None
    };
    let entries = to_views(tx, keys, &reviewer, rows).await?;
    let subjects: Vec<Uuid> = filter.subject.into_iter().collect();
    let purpose = match reviewer.scope {
        AuditScope::Full => Some(AuditPurpose::DataProtectionReview),
        AuditScope::Pseudonymised => Some(AuditPurpose::WorksCouncilReview),
        _ => None,
    };
    let (tenant_id, me) = (tx.principal.tenant_id, tx.principal.user_id);
    record(
        tx.conn(),
        tenant_id,
        AuditEvent::new(Some(me), AuditAction::AuditViewed)
            .subjects(&subjects)
            .purpose(purpose),
    )
    .await?;
    Ok(AuditPage {
        scope: reviewer.scope,
        entries,
        next_before,
        actors: reviewer.actor_options(),
    })
}

/// Everything matching `filter` for an export (data protection officer only).
pub async fn export(
    tx: &mut TenantTx,
    keys: &KeyStore,
    filter: &AuditFilter,
    purpose: AuditPurpose,
) -> AppResult<Vec<AuditEntryView>> {
    tx.require(|r| r == Role::DataProtectionOfficer)?;
    let reviewer = Reviewer::new(
        tx,
        keys,
        &AuditFilter {
            own: false,
            ..filter.clone()
        },
    )
    .await?;
    let filter = AuditFilter {
        before: None,
        ..filter.clone()
    };
    let rows = fetch(tx, &reviewer, &filter, EXPORT_LIMIT).await?;
    let entries = to_views(tx, keys, &reviewer, rows).await?;
    let subjects: Vec<Uuid> = filter.subject.into_iter().collect();
    let (tenant_id, me) = (tx.principal.tenant_id, tx.principal.user_id);
    record(
        tx.conn(),
        tenant_id,
        AuditEvent::new(Some(me), AuditAction::AuditExported)
            .subjects(&subjects)
            .purpose(Some(purpose)),
    )
    .await?;
    Ok(entries)
}

/// Recomputes the chain (data protection officer, or the `audit verify` command).
pub async fn verify(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
) -> AppResult<VerifyReport> {
    let checkpoint: Option<(i64, Vec<u8>, Vec<u8>)> = sqlx::query_as(
        "SELECT seq, hash, signature FROM audit_checkpoints ORDER BY seq DESC LIMIT 1",
    )
    .fetch_optional(&mut *conn)
    .await?;
    let checkpoint = match checkpoint {
        Some((seq, hash, signature)) => {
            let signer = keys
                .tenant_root_key(conn, tenant_id)
                .await?
                .derive("tessera.audit-checkpoint.v1");
            if checkpoint_signature(&signer, tenant_id, seq, &hash) != signature {
                return Ok(VerifyReport {
                    entries: 0,
                    first_broken: Some(seq),
                });
            }
            Some((seq, hash))
        }
        None => None,
    };
    chain::verify(conn, tenant_id, checkpoint).await
}

pub fn checkpoint_signature(key: &DataKey, tenant_id: Uuid, seq: i64, hash: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.expose()).expect("any key length");
    mac.update(tenant_id.as_bytes());
    mac.update(&seq.to_be_bytes());
    mac.update(hash);
    mac.finalize().into_bytes().to_vec()
}

/// Deletes entries older than the tenant's retention period and leaves a signed
/// checkpoint at the newest deleted entry, so the rest of the chain still verifies.
/// Runs as the schema owner (the application role may not delete).
pub async fn purge_expired(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
) -> AppResult<u64> {
    let retention: i32 =
        sqlx::query_scalar("SELECT coalesce((SELECT retention_days FROM audit_settings), 365)")
            .fetch_one(&mut *conn)
            .await?;
    let last: Option<(i64, Vec<u8>)> = sqlx::query_as(
        "SELECT seq, hash FROM audit_log WHERE at < now() - make_interval(days => $1) ORDER BY seq DESC LIMIT 1",
    )
    .bind(retention)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((seq, hash)) = last else {
        return Ok(0);
    };
    let signer = keys
        .tenant_root_key(conn, tenant_id)
        .await?
        .derive("tessera.audit-checkpoint.v1");
    sqlx::query(
        "INSERT INTO audit_checkpoints (tenant_id, seq, hash, signature) VALUES ($1, $2, $3, $4)",
    )
    .bind(tenant_id)
    .bind(seq)
    .bind(&hash)
    .bind(checkpoint_signature(&signer, tenant_id, seq, &hash))
    .execute(&mut *conn)
    .await?;
    sqlx::query("SELECT set_config('tessera.audit_retention_purge', 'on', true)")
        .execute(&mut *conn)
        .await?;
    let deleted = sqlx::query("DELETE FROM audit_log WHERE seq <= $1")
        .bind(seq)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    sqlx::query("SELECT set_config('tessera.audit_retention_purge', 'off', true)")
        .execute(&mut *conn)
        .await?;
    Ok(deleted)
}

fn counterpart(role: Role) -> Option<Role> {
    match role {
        Role::DataProtectionOfficer => Some(Role::WorksCouncil),
        Role::WorksCouncil => Some(Role::DataProtectionOfficer),
        _ => None,
    }
}

/// Asks to learn who is behind a pseudonym (data protection officer or works council).
pub async fn request_reidentification(
    tx: &mut TenantTx,
    keys: &KeyStore,
    pseudonym: &str,
    reason: &str,
) -> AppResult<Uuid> {
    let role = tx.principal.role;
    counterpart(role).ok_or(AppError::Forbidden)?;
    let reason = reason.trim();
    let mut errors = crate::model::validation::FieldErrors::new();
    errors.check("reason", crate::model::validation::required(reason, 500));
    errors.into_result()?;
    let (tenant_id, me) = (tx.principal.tenant_id, tx.principal.user_id);
    let pseudonyms = Pseudonyms::load(tx.conn(), keys, tenant_id).await?;
    let users: Vec<Uuid> = sqlx::query_scalar("SELECT user_id FROM users")
        .fetch_all(tx.conn())
        .await?;
    if !users.iter().any(|u| pseudonyms.of(*u) == pseudonym) {
        return Err(AppError::Validation(
            crate::model::validation::FieldErrors::single(
                "pseudonym",
                crate::model::validation::Problem::Required,
            ),
        ));
    }
    let id = Uuid::now_v7();
    // The reason may mention people: sealed under the requester's own key.
    let key = keys.subject_key(tx.conn(), tenant_id, me).await?;
    let reason_ct = RecordCipher {
        key: &key,
        tenant_id,
        table: "reidentification_requests",
        row_id: id,
    }
    .seal("reason", reason);
    sqlx::query(
        "INSERT INTO reidentification_requests (tenant_id, request_id, pseudonym, requested_by, requested_role, reason)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(pseudonym)
    .bind(me)
    .bind(role.as_str())
    .bind(reason_ct)
    .execute(tx.conn())
    .await?;
    record(
        tx.conn(),
        tenant_id,
        AuditEvent::new(Some(me), AuditAction::ReidentificationRequested),
    )
    .await?;
    Ok(id)
}

/// The other role approves, by a different person; valid for 24 hours.
pub async fn approve_reidentification(tx: &mut TenantTx, request_id: Uuid) -> AppResult<()> {
    let (tenant_id, me, role) = (
        tx.principal.tenant_id,
        tx.principal.user_id,
        tx.principal.role,
    );
    let request: Option<(Uuid, String, Option<Uuid>)> = sqlx::query_as(
        "SELECT requested_by, requested_role, approved_by FROM reidentification_requests WHERE request_id = $1 FOR UPDATE",
    )
    .bind(request_id)
    .fetch_optional(tx.conn())
    .await?;
    let (requested_by, requested_role, approved_by) = request.ok_or(AppError::NotFound)?;
    let requested_role = Role::parse(&requested_role).ok_or(AppError::Internal)?;
    if approved_by.is_some() {
        return Err(AppError::Conflict);
    }
    if requested_by == me || counterpart(requested_role) != Some(role) {
        return Err(AppError::Forbidden);
    }
    sqlx::query(
        "UPDATE reidentification_requests SET approved_by = $2, approved_at = now(), expires_at = now() + $3
         WHERE request_id = $1",
    )
    .bind(request_id)
    .bind(me)
    .bind(REIDENTIFICATION_VALIDITY)
    .execute(tx.conn())
    .await?;
    record(
        tx.conn(),
        tenant_id,
        AuditEvent::new(Some(me), AuditAction::ReidentificationApproved),
    )
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct RequestRow {
    request_id: Uuid,
    pseudonym: String,
    requested_by: Uuid,
    requested_role: String,
    reason: Vec<u8>,
    approved_by: Option<Uuid>,
}

/// Open and recent requests; the requester sees the name while the approval lasts.
pub async fn reidentifications(
    tx: &mut TenantTx,
    keys: &KeyStore,
) -> AppResult<Vec<ReidentificationView>> {
    let (tenant_id, me, role) = (
        tx.principal.tenant_id,
        tx.principal.user_id,
        tx.principal.role,
    );
    counterpart(role).ok_or(AppError::Forbidden)?;
    let rows: Vec<RequestRow> = sqlx::query_as(
        "SELECT request_id, pseudonym, requested_by, requested_role, reason, approved_by
         FROM reidentification_requests WHERE expires_at IS NULL OR expires_at > now() ORDER BY created_at DESC",
    )
    .fetch_all(tx.conn())
    .await?;
    // One batch for every requester's key (the reasons are sealed under them).
    let requesters: Vec<Uuid> = rows.iter().map(|r| r.requested_by).collect();
    let requester_keys = keys.subject_keys(tx.conn(), tenant_id, &requesters).await?;
    let mut names: Option<HashMap<Uuid, String>> = None;
    let mut views = Vec::new();
    let mut revealed_any = false;
    let pseudonyms = Pseudonyms::load(tx.conn(), keys, tenant_id).await?;
    for RequestRow {
        request_id: id,
        pseudonym,
        requested_by,
        requested_role,
        reason: reason_ct,
        approved_by,
    } in rows
    {
        let Some(requester_key) = requester_keys.get(&requested_by) else {
            continue;
        };
        let reason = RecordCipher {
            key: requester_key,
            tenant_id,
            table: "reidentification_requests",
            row_id: id,
        }
        .open("reason", &reason_ct)?;
        let approved = approved_by.is_some();
        let requested_role = Role::parse(&requested_role).ok_or(AppError::Internal)?;
        let revealed_name = if approved && requested_by == me {
            if names.is_none() {
                names = Some(employee_names(tx, keys).await?);
            }
            revealed_any = true;
            names.as_ref().and_then(|n| {
                n.iter()
                    .find(|(user, _)| pseudonyms.of(**user) == pseudonym)
                    .map(|(_, name)| name.clone())
            })
        } else {
            None
        };
        views.push(ReidentificationView {
            id,
            pseudonym,
            requested_by_me: requested_by == me,
            requested_role: requested_role.as_str().to_owned(),
            reason,
            approved,
            can_approve: !approved
                && requested_by != me
                && counterpart(requested_role) == Some(role),
            revealed_name,
        });
    }
    if revealed_any {
        record(
            tx.conn(),
            tenant_id,
            AuditEvent::new(Some(me), AuditAction::ReidentificationRevealed),
        )
        .await?;
    }
    Ok(views)
}

/// Tenant settings for the log (owners); the change itself is logged.
pub async fn update_settings(
    tx: &mut TenantTx,
    retention_days: i32,
    admins_see_all: bool,
) -> AppResult<()> {
    tx.require(|r| r == Role::Owner)?;
    if !(30..=3650).contains(&retention_days) {
        return Err(AppError::Validation(
            crate::model::validation::FieldErrors::single(
                "retention_days",
                crate::model::validation::Problem::TooLong { max: 3650 },
            ),
        ));
    }
    let (tenant_id, me) = (tx.principal.tenant_id, tx.principal.user_id);
    sqlx::query(
        "INSERT INTO audit_settings (tenant_id, retention_days, admins_see_all) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id) DO UPDATE SET retention_days = excluded.retention_days, admins_see_all = excluded.admins_see_all",
    )
    .bind(tenant_id)
    .bind(retention_days)
    .bind(admins_see_all)
    .execute(tx.conn())
    .await?;
    record(
        tx.conn(),
        tenant_id,
        AuditEvent::new(Some(me), AuditAction::SettingsChanged)
            .fields(&["retention_days", "admins_see_all"]),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_get_their_slice() {
        assert_eq!(
            scope_for(Role::DataProtectionOfficer, false, false),
            AuditScope::Full
        );
        assert_eq!(
            scope_for(Role::WorksCouncil, false, false),
            AuditScope::Pseudonymised
        );
        assert_eq!(
            scope_for(Role::Owner, false, false),
            AuditScope::Administrative
        );
        assert_eq!(scope_for(Role::Admin, false, true), AuditScope::Full);
        assert_eq!(scope_for(Role::Member, false, true), AuditScope::Own);
        assert_eq!(
            scope_for(Role::DataProtectionOfficer, true, false),
            AuditScope::Own
        );
    }

    #[test]
    fn pseudonyms_are_stable_and_keyed() {
        let a = Pseudonyms(DataKey::generate());
        let b = Pseudonyms(DataKey::generate());
        let user = Uuid::now_v7();
        assert_eq!(a.of(user), a.of(user));
        assert_ne!(a.of(user), b.of(user));
        assert!(a.of(user).starts_with("P-") && a.of(user).len() == 12);
    }
}
