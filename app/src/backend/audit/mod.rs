//! The audit trail: every read and change of personal data and every security event,
//! appended in the same transaction as the access (if it cannot be written, the
//! access fails), then sealed into a SHA-256 chain per tenant within about a second.

pub mod anchors;
pub mod chain;
pub mod integrity;
pub mod pseudonyms;
pub mod sealer;

use crate::model::audit::{AuditAction, AuditPurpose};
use crate::AppResult;
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

/// The benchmark build's switch (budget P7: audited reads against the same reads
/// unaudited). Exists only with the `bench-switches` feature.
#[cfg(feature = "bench-switches")]
pub mod bench {
    pub static SKIP_AUDIT: std::sync::atomic::AtomicBool =
        std::sync::atomic::AtomicBool::new(false);
}

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

/// Appends `event` to the tenant's pending entries inside the caller's transaction:
/// the entry commits with the access or the access fails. No lock is taken, so
/// requests of one tenant do not wait on each other; [`seal`] chains the entry later.
pub async fn record(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    event: AuditEvent<'_>,
) -> AppResult<()> {
    #[cfg(feature = "bench-switches")]
    if bench::SKIP_AUDIT.load(std::sync::atomic::Ordering::Relaxed) {
        return Ok(());
    }
    let at = chain::truncate_to_micros(OffsetDateTime::now_utc());
    let mut subjects = event.subjects.to_vec();
    subjects.sort_unstable();
    subjects.dedup();
    let fields: Vec<String> = event.fields.iter().map(|f| f.to_string()).collect();
    let purpose = event.purpose.map(|p| p.code().to_owned());
    let action = event.action.code();
    sqlx::query!(
        "INSERT INTO audit_pending (tenant_id, at, actor_id, action, subject_ids, fields, purpose, via_token)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        tenant_id,
        at,
        event.actor,
        &action,
        &subjects,
        &fields,
        purpose.as_deref(),
        event.via_token
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Chains the current tenant's pending entries into the log (numbered, hashed, in
/// the order they were appended) and returns how many entries were sealed. Readers
/// of the log call it first, so they see every committed entry; the [`sealer`] calls
/// it for the rest and anchors the heads.
pub async fn seal(conn: &mut PgConnection) -> AppResult<i32> {
    Ok(sqlx::query_scalar!(r#"SELECT audit_seal() AS "sealed!""#)
        .fetch_one(&mut *conn)
        .await?)
}
