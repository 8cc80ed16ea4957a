//! The audit trail: every read and change of personal data and every security event,
//! appended in the same transaction as the access (if it cannot be written, the
//! access fails), chained by SHA-256 per tenant.

pub mod chain;
pub mod integrity;
pub mod pseudonyms;

use crate::model::audit::{AuditAction, AuditPurpose};
use crate::AppResult;
use chain::{entry_hash, EntryContent};
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

/// One thing that happened.
pub struct AuditEvent<'a> {
    pub actor: Option<Uuid>,
    pub action: AuditAction,
    pub subjects: &'a [Uuid],
    pub fields: &'a [&'a str],
    pub purpose: Option<AuditPurpose>,
    /// The API token the actor acted through, if not the UI.
    pub via_token: Option<Uuid>,
}

impl<'a> AuditEvent<'a> {
    pub fn new(actor: Option<Uuid>, action: AuditAction) -> Self {
        Self {
            actor,
            action,
            subjects: &[],
            fields: &[],
            purpose: None,
            via_token: None,
        }
    }

    pub fn subjects(mut self, subjects: &'a [Uuid]) -> Self {
        self.subjects = subjects;
        self
    }

    pub fn fields(mut self, fields: &'a [&'a str]) -> Self {
        self.fields = fields;
        self
    }

    pub fn purpose(mut self, purpose: Option<AuditPurpose>) -> Self {
        self.purpose = purpose;
        self
    }
}

/// Creates a tenant's chain head (at sign-up).
pub async fn start_chain(conn: &mut PgConnection, tenant_id: Uuid) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO audit_heads (tenant_id, seq, hash) VALUES ($1, 0, $2)",
        tenant_id,
        chain::GENESIS.as_slice()
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Appends `event` to the tenant's log inside the caller's transaction. Locks the
/// chain head until the transaction ends: entries of one tenant are strictly ordered.
pub async fn record(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    event: AuditEvent<'_>,
) -> AppResult<()> {
    let (seq, prev_hash): (i64, Vec<u8>) = {
        let r = sqlx::query!("SELECT seq, hash FROM audit_heads FOR UPDATE")
            .fetch_one(&mut *conn)
            .await?;
        (r.seq, r.hash)
    };
    let seq = seq + 1;
    let at = chain::truncate_to_micros(OffsetDateTime::now_utc());
    let mut subjects = event.subjects.to_vec();
    subjects.sort_unstable();
    subjects.dedup();
    let fields: Vec<String> = event.fields.iter().map(|f| f.to_string()).collect();
    let purpose = event.purpose.map(|p| p.code().to_owned());
    let action = event.action.code();
    let content = EntryContent {
        tenant_id,
        seq,
        at,
        actor_id: event.actor,
        action: &action,
        subject_ids: &subjects,
        fields: &fields,
        purpose: purpose.as_deref(),
        via_token: event.via_token,
    };
    let hash = entry_hash(&prev_hash, &content);
    sqlx::query!(
        "INSERT INTO audit_log (tenant_id, seq, at, actor_id, action, subject_ids, fields, purpose, prev_hash, hash, via_token)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        tenant_id,
        seq,
        at,
        event.actor,
        &action,
        &subjects,
        &fields,
        purpose.as_deref(),
        &prev_hash,
        hash.as_slice(),
        event.via_token
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE audit_heads SET seq = $1, hash = $2",
        seq,
        hash.as_slice()
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
