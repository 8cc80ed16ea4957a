//! Background jobs, written once: a durable queue in PostgreSQL, a worker that takes
//! due jobs of every tenant (through the one id-only lookup across tenants), runs
//! each as the employee who started it, reports progress in short transactions of
//! its own, and retries with backoff. What a job does is its area's: see [`run`].

use super::state::Backend;
use super::tenancy::begin_for_tenant;
use crate::AppResult;
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use uuid::Uuid;

/// How long a worker holds a job before another may take it over.
const LEASE: time::Duration = time::Duration::minutes(10);
/// Jobs taken per round.
const BATCH: i32 = 10;

/// What a job does (`kind` in the database).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum JobKind {
    /// A CSV import of contacts.
    Import,
    /// One mail of the outbox.
    SendMail,
    /// One read of a connected mailbox; it queues the next.
    SyncMailbox,
    /// One webhook delivery of the outbox.
    DeliverWebhook,
}

/// A claimed job, as its handler gets it.
#[derive(Debug, Clone)]
pub struct Job {
    pub tenant_id: Uuid,
    pub id: Uuid,
    pub kind: JobKind,
    pub created_by: Uuid,
    pub attempts: i32,
    pub payload: serde_json::Value,
}

/// How a job stands, for whoever waits on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobStatus {
    pub state: String,
    pub done: i64,
    pub total: i64,
    pub error: Option<String>,
    pub result: Option<serde_json::Value>,
}

/// How a handler's run ended.
pub enum Outcome {
    Done(serde_json::Value),
    /// Stopped on request; everything rolled back.
    Cancelled,
    /// Try again later (a peer was unreachable).
    Retry {
        error: &'static str,
    },
    /// Try again after `wait` (an area with its own schedule).
    RetryIn {
        error: &'static str,
        wait: Duration,
    },
    /// Give up, with an error code.
    Failed {
        error: &'static str,
    },
}

/// Queues a job in the caller's tenant transaction (it starts once that commits).
pub async fn enqueue(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    created_by: Uuid,
    kind: JobKind,
    payload: serde_json::Value,
) -> AppResult<Uuid> {
    enqueue_after(conn, tenant_id, created_by, kind, payload, Duration::ZERO).await
}

/// Queues a job that starts `delay` after the caller's transaction commits.
pub async fn enqueue_after(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    created_by: Uuid,
    kind: JobKind,
    payload: serde_json::Value,
    delay: Duration,
) -> AppResult<Uuid> {
    let id = Uuid::now_v7();
    let kind: &'static str = kind.into();
    sqlx::query!(
        "INSERT INTO jobs (tenant_id, job_id, kind, created_by, payload, run_after)
         VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))",
        tenant_id,
        id,
        kind,
        created_by,
        payload,
        delay.as_secs_f64()
    )
    .execute(conn)
    .await?;
    Ok(id)
}

pub async fn status(conn: &mut PgConnection, id: Uuid) -> AppResult<Option<JobStatus>> {
    Ok(sqlx::query!(
        "SELECT state, progress_done, progress_total, error, result FROM jobs WHERE job_id = $1",
        id
    )
    .fetch_optional(conn)
    .await?
    .map(|r| JobStatus {
        state: r.state,
        done: r.progress_done,
        total: r.progress_total,
        error: r.error,
        result: r.result,
    }))
}

/// Lets a queued job (waiting for a retry) run at once.
pub async fn run_now(conn: &mut PgConnection, id: Uuid) -> AppResult<()> {
    sqlx::query!(
        "UPDATE jobs SET run_after = now() WHERE job_id = $1 AND state = 'queued'",
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Asks a queued or running job to stop; a running one checks between batches.
pub async fn request_cancel(conn: &mut PgConnection, id: Uuid) -> AppResult<()> {
    sqlx::query!(
        "UPDATE jobs SET cancel_requested = true,
                state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END
         WHERE job_id = $1 AND state IN ('queued', 'running')",
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A running job's line to the outside, in transactions of its own: the handler's
/// data transaction stays invisible until it commits.
pub struct Progress {
    backend: Arc<Backend>,
    tenant_id: Uuid,
    job_id: Uuid,
}

impl Progress {
    pub async fn report(&self, done: i64, total: i64) -> AppResult<()> {
        let mut tx = begin_for_tenant(&self.backend.db, self.tenant_id).await?;
        let until = OffsetDateTime::now_utc() + LEASE;
        sqlx::query!(
            "UPDATE jobs SET progress_done = $2, progress_total = $3, locked_until = $4 WHERE job_id = $1",
            self.job_id,
            done,
            total,
            until
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn cancel_requested(&self) -> AppResult<bool> {
        let mut tx = begin_for_tenant(&self.backend.db, self.tenant_id).await?;
        let cancel = sqlx::query_scalar!(
            "SELECT cancel_requested FROM jobs WHERE job_id = $1",
            self.job_id
        )
        .fetch_optional(&mut *tx)
        .await?
        .unwrap_or(true);
        tx.commit().await?;
        Ok(cancel)
    }
}

/// Takes the job if it is still due (another worker may have been faster).
async fn claim(backend: &Arc<Backend>, tenant_id: Uuid, id: Uuid) -> AppResult<Option<Job>> {
    let mut tx = begin_for_tenant(&backend.db, tenant_id).await?;
    let until = OffsetDateTime::now_utc() + LEASE;
    let row = sqlx::query!(
        "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = $2
         WHERE job_id = (SELECT job_id FROM jobs WHERE job_id = $1
                           AND ((state = 'queued' AND run_after <= now())
                                OR (state = 'running' AND locked_until < now()))
                         FOR UPDATE SKIP LOCKED)
         RETURNING kind, created_by, attempts, payload",
        id,
        until
    )
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    let Some(row) = row else { return Ok(None) };
    let Ok(kind) = row.kind.parse::<JobKind>() else {
        tracing::error!(%id, "job of an unknown kind");
        return Ok(None);
    };
    Ok(Some(Job {
        tenant_id,
        id,
        kind,
        created_by: row.created_by,
        attempts: row.attempts,
        payload: row.payload,
    }))
}

async fn finish(backend: &Arc<Backend>, job: &Job, outcome: Outcome) -> AppResult<()> {
    let mut tx = begin_for_tenant(&backend.db, job.tenant_id).await?;
    match outcome {
        Outcome::Done(result) => {
            sqlx::query!(
                "UPDATE jobs SET state = 'done', result = $2, error = NULL, finished_at = now(), locked_until = NULL
                 WHERE job_id = $1",
                job.id,
                result
            )
            .execute(&mut *tx)
            .await?;
        }
        Outcome::Cancelled => {
            sqlx::query!(
                "UPDATE jobs SET state = 'cancelled', finished_at = now(), locked_until = NULL WHERE job_id = $1",
                job.id
            )
            .execute(&mut *tx)
            .await?;
        }
        Outcome::Failed { error } => {
            sqlx::query!(
                "UPDATE jobs SET state = 'failed', error = $2, finished_at = now(), locked_until = NULL WHERE job_id = $1",
                job.id,
                error
            )
            .execute(&mut *tx)
            .await?;
        }
        Outcome::Retry { error } | Outcome::RetryIn { error, .. } => {
            let wait = match outcome {
                Outcome::RetryIn { wait, .. } => wait,
                // 30 s, 1 min, 2 min, … up to an hour.
                _ => Duration::from_secs((30u64 << job.attempts.clamp(0, 7)).min(3600)),
            };
            let run_after = OffsetDateTime::now_utc() + wait;
            sqlx::query!(
                "UPDATE jobs SET state = 'queued', error = $2, run_after = $3, locked_until = NULL WHERE job_id = $1",
                job.id,
                error,
                run_after
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Runs one job by its kind.
async fn run(backend: &Arc<Backend>, job: &Job) -> Outcome {
    let progress = Progress {
        backend: backend.clone(),
        tenant_id: job.tenant_id,
        job_id: job.id,
    };
    let result = match job.kind {
        JobKind::Import => {
            crate::backend::services::imports::run_job(backend, job, &progress).await
        }
        JobKind::SendMail => crate::backend::services::mail::run_job(backend, job).await,
        JobKind::SyncMailbox => {
            crate::backend::services::mail::capture::run_job(backend, job).await
        }
        JobKind::DeliverWebhook => {
            crate::backend::services::webhooks::deliver::run_job(backend, job).await
        }
    };
    result.unwrap_or_else(|err| {
        tracing::error!(job = %job.id, error = %err, "job failed");
        Outcome::Failed { error: err.code() }
    })
}

/// One round: takes the due jobs and runs them; returns how many ran.
pub async fn run_due(backend: &Arc<Backend>) -> AppResult<usize> {
    let due = sqlx::query!(
        r#"SELECT tenant_id AS "tenant_id!", job_id AS "job_id!" FROM worker_due_jobs($1)"#,
        BATCH
    )
    .fetch_all(&backend.db)
    .await?;
    let mut ran = 0;
    for row in due {
        if let Some(job) = claim(backend, row.tenant_id, row.job_id).await? {
            let outcome = run(backend, &job).await;
            finish(backend, &job, outcome).await?;
            ran += 1;
        }
    }
    Ok(ran)
}

/// Works the queue until the process ends, looking every `every` when idle.
pub fn spawn_worker(backend: Arc<Backend>, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match run_due(&backend).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(err) => tracing::error!(error = %err, "job round failed"),
            }
            tokio::time::sleep(every).await;
        }
    })
}
