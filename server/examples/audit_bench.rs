//! The cost of auditing a list read: the full audited `contacts::list` of a 50-row
//! page against the audit write alone, on the demo tenant's data.
//!
//! ```sh
//! ./dev db start test
//! TESSERA_TEST_DATABASE_URL=$(./dev db url test) cargo run --release -p server --example audit_bench
//! ```
//!
//! The service offers no unaudited read (on purpose), so the unaudited cost is the
//! audited request minus the audit write measured on its own, in the same kind of
//! transaction.
#![recursion_limit = "256"]

use app::backend::audit::{self, AuditEvent};
use app::backend::crypto::{DataKey, KeyStore, LocalMasterKey, MasterKeyRing};
use app::backend::services::contacts;
use app::backend::{Backend, Scope};
use app::model::audit::AuditAction;
use app::model::contacts::ContactAudit;
use app::model::contacts::{ContactListQuery, ContactSort};
use server::cli::seed;
use server::db;
use sqlx::{Connection, Executor, PgConnection};
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

const RUNS: usize = 500;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let admin = std::env::var("TESSERA_TEST_DATABASE_URL").expect("set TESSERA_TEST_DATABASE_URL");
    let mut conn = PgConnection::connect(&admin).await?;
    conn.execute("DROP DATABASE IF EXISTS bench_audit WITH (FORCE)")
        .await?;
    conn.execute("CREATE DATABASE bench_audit").await?;
    let url = format!("{}/bench_audit", admin.rsplit_once('/').unwrap().0);
    db::run_migrations(&db::owner_pool(&url).await?).await?;
    let pool = db::app_pool(&url, None, 2).await?;
    let keys = KeyStore::new(MasterKeyRing::new(
        Arc::new(LocalMasterKey::new(DataKey::generate())),
        Vec::new(),
    ));
    let backend = Backend::new(pool.clone(), keys, "http://localhost");
    seed::seed_demo(&backend, 240).await?;
    let (tenant_id, user_id): (Uuid, Uuid) = {
        let tenant: Uuid = sqlx::query_scalar("SELECT auth_tenant_id_for_slug('demo')")
            .fetch_one(&pool)
            .await?;
        let mut tx = app::backend::tenancy::begin_for_tenant(&pool, tenant)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let user: Uuid = sqlx::query_scalar("SELECT user_id FROM users WHERE role = 'owner'")
            .fetch_one(&mut *tx)
            .await?;
        (tenant, user)
    };
    let query = ContactListQuery {
        q: String::new(),
        sort: ContactSort::NewestFirst,
        ..Default::default()
    };

    let mut full = Vec::with_capacity(RUNS);
    let mut audit_only = Vec::with_capacity(RUNS);
    let ids: Vec<Uuid> = (0..50).map(|_| Uuid::now_v7()).collect();
    for _ in 0..RUNS {
        let t = Instant::now();
        let mut scope = Scope::begin(backend.clone(), tenant_id, user_id)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let page = contacts::list(&mut scope, &query)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        scope.commit().await.map_err(|e| anyhow::anyhow!("{e}"))?;
        full.push(t.elapsed());
        assert_eq!(page.items.len(), 50);

        let t = Instant::now();
        let mut scope = Scope::begin(backend.clone(), tenant_id, user_id)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let event = AuditEvent::new(Some(user_id), AuditAction::Contact(ContactAudit::List))
            .subjects(&ids)
            .fields(&["first_name", "last_name"]);
        audit::record(scope.conn(), tenant_id, event)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        scope.commit().await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let with_empty_tx = t.elapsed();
        // The bare transaction (begin, tenant, role lookup, commit) is part of both.
        let t = Instant::now();
        let scope = Scope::begin(backend.clone(), tenant_id, user_id)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        scope.commit().await.map_err(|e| anyhow::anyhow!("{e}"))?;
        audit_only.push(with_empty_tx.saturating_sub(t.elapsed()));
    }
    let (full, audit) = (median(full), median(audit_only));
    let without = full.saturating_sub(audit);
    println!(
        "audited list page (50 rows): median {:.2} ms",
        full.as_secs_f64() * 1e3
    );
    println!(
        "audit entry alone:           median {:.2} ms",
        audit.as_secs_f64() * 1e3
    );
    println!(
        "list page without the entry: {:.2} ms",
        without.as_secs_f64() * 1e3
    );
    println!(
        "ratio with/without audit:    {:.2}",
        full.as_secs_f64() / without.as_secs_f64()
    );
    Ok(())
}
