//! Blind-index search vs. plaintext pg_trgm on the same contacts, side by side.
//!
//! ```sh
//! ./dev db start test
//! TESSERA_TEST_DATABASE_URL=$(./dev db url test) \
//!   cargo run --release -p server --example search_bench -- 1000000
//! ```
//!
//! Creates a database `bench_search` (dropped first), one tenant with N encrypted
//! contacts written the way the service writes them (subject keys, sealed fields,
//! search tokens), the same contacts in plaintext with a pg_trgm index, then times
//! type-ahead queries both ways. The encrypted side runs the real `contacts::list`
//! (token lookup, ranking, fetching and decrypting the page of 50, and writing the
//! audit entry that every search writes); the plaintext side runs one trigram query
//! for the same page under the same role and row-level security.
#![recursion_limit = "256"]

use app::backend::crypto::DataKey;
use app::backend::services::{contacts, identity};
use app::backend::tenancy::begin_for_tenant;
use app::backend::{Backend, Scope};
use app::model::contacts::{ContactListQuery, ContactSort};
use app::model::identity::SignupInput;
use server::cli::seed::demo_contacts;
use server::config::Config;
use server::db;
use sqlx::{Connection, Executor, PgConnection};
use std::time::{Duration, Instant};
use uuid::Uuid;

const QUERIES: &[&str] = &[
    "mül",
    "müller",
    "mueller",
    "erika müller",
    "schm",
    "zimmermann",
    "an",
    "jörg weiß",
    "maschinenbau",
    "yılmaz",
];
const RUNS: usize = 15;
const BATCH: usize = 5_000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let count: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let admin = std::env::var("TESSERA_TEST_DATABASE_URL")
        .expect("set TESSERA_TEST_DATABASE_URL (see ./dev db url test)");
    let mut conn = PgConnection::connect(&admin).await?;
    conn.execute("DROP DATABASE IF EXISTS bench_search WITH (FORCE)")
        .await?;
    conn.execute("CREATE DATABASE bench_search").await?;
    let url = format!("{}/bench_search", admin.rsplit_once('/').unwrap().0);
    let owner = db::owner_pool(&url).await?;
    db::run_migrations(&owner).await?;
    let pool = db::app_pool(&url, None, 4).await?;
    let config = Config {
        master_key: Some(random_key()),
        ..test_config(&url)
    };
    let backend = Backend::new(pool.clone(), config.key_store()?, "http://localhost");

    let signed_in = identity::sign_up(
        &backend,
        &SignupInput {
            company_name: "Bench GmbH".into(),
            slug: "bench".into(),
            owner_name: "Bea Bench".into(),
            email: "bench@bench.example".into(),
            password: "benchmark password".into(),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let tenant_id = signed_in.tenant_id;

    println!("generating {count} contacts…");
    let started = Instant::now();
    let inputs = demo_contacts(count, 7);
    for (n, chunk) in inputs.chunks(BATCH).enumerate() {
        write_batch(&backend, tenant_id, signed_in.user_id, chunk).await?;
        if n % 40 == 0 {
            println!(
                "  {} contacts after {:?}",
                (n + 1) * BATCH,
                started.elapsed()
            );
        }
    }
    println!(
        "encrypted rows and tokens written in {:?}",
        started.elapsed()
    );

    owner
        .execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        .await?;
    owner
        .execute(
            "CREATE TABLE plain_contacts (tenant_id uuid, contact_id uuid, first_name text, last_name text,
             email text, phone text, organisation text, search_text text, PRIMARY KEY (tenant_id, contact_id))",
        )
        .await?;
    for chunk in inputs.chunks(BATCH) {
        let ids: Vec<Uuid> = chunk.iter().map(|_| Uuid::now_v7()).collect();
        let col = |f: fn(&app::model::contacts::ContactInput) -> String| {
            chunk.iter().map(f).collect::<Vec<_>>()
        };
        sqlx::query(
            "INSERT INTO plain_contacts SELECT $1, * , concat_ws(' ', f, l, o) FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS t(id, f, l, e, p, o)",
        )
        .bind(tenant_id)
        .bind(&ids)
        .bind(col(|c| c.first_name.clone()))
        .bind(col(|c| c.last_name.clone()))
        .bind(col(|c| c.primary_email().unwrap_or_default().to_owned()))
        .bind(col(|c| c.phones.first().map(|p| p.number.clone()).unwrap_or_default()))
        .bind(col(|c| c.position.clone()))
        .execute(&owner)
        .await?;
    }
    owner
        .execute("CREATE INDEX plain_trgm ON plain_contacts USING gin (search_text gin_trgm_ops)")
        .await?;
    // The same role and row-level security as the encrypted side, for a fair comparison.
    for sql in [
        "ALTER TABLE plain_contacts ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE plain_contacts FORCE ROW LEVEL SECURITY",
        "CREATE POLICY tenant_isolation ON plain_contacts USING (tenant_id = app_current_tenant())",
        "GRANT SELECT ON plain_contacts TO tessera_app",
    ] {
        owner.execute(sql).await?;
    }
    owner.execute("VACUUM ANALYZE").await?;
    println!(
        "plaintext table and trigram index ready after {:?}",
        started.elapsed()
    );

    let sizes: Vec<(String, i64)> = sqlx::query_as(
        "SELECT relname::text, pg_total_relation_size(oid) FROM pg_class WHERE relname IN ('contacts', 'search_tokens', 'fingerprints', 'subject_keys', 'plain_contacts') ORDER BY 1",
    )
    .fetch_all(&owner)
    .await?;
    for (name, bytes) in sizes {
        println!("size {name}: {:.0} MB", bytes as f64 / 1e6);
    }

    println!("\n| query | matches | encrypted p50 | encrypted p95 | pg_trgm p50 | pg_trgm p95 | ratio (p50) |");
    println!("|---|---|---|---|---|---|---|");
    let (mut enc_total, mut plain_total) = (Duration::ZERO, Duration::ZERO);
    for q in QUERIES {
        let mut enc = Vec::new();
        let mut total = 0;
        for _ in 0..RUNS {
            let t = Instant::now();
            let mut scope = Scope::begin(backend.clone(), tenant_id, signed_in.user_id)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let page = contacts::list(
                &mut scope,
                &ContactListQuery {
                    q: q.to_string(),
                    sort: ContactSort::NameAsc,
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            scope.commit().await.map_err(|e| anyhow::anyhow!("{e}"))?;
            enc.push(t.elapsed());
            total = page.total;
        }
        let mut plain = Vec::new();
        let pattern = format!("%{q}%");
        for _ in 0..RUNS {
            let t = Instant::now();
            let mut tx = begin_for_tenant(&pool, tenant_id)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let _rows: Vec<(Uuid, String, String, String, String, String, i64)> = sqlx::query_as(
                "SELECT contact_id, first_name, last_name, email, phone, organisation, count(*) OVER ()
                 FROM plain_contacts WHERE search_text ILIKE $1 ORDER BY last_name, first_name LIMIT 50",
            )
            .bind(&pattern)
            .fetch_all(&mut *tx)
            .await?;
            tx.commit().await?;
            plain.push(t.elapsed());
        }
        enc.sort();
        plain.sort();
        let (e50, p50) = (percentile(&enc, 0.5), percentile(&plain, 0.5));
        enc_total += e50;
        plain_total += p50;
        println!(
            "| `{q}` | {total} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {:.2} |",
            ms(e50),
            ms(percentile(&enc, 0.95)),
            ms(p50),
            ms(percentile(&plain, 0.95)),
            ms(e50) / ms(p50)
        );
    }
    println!(
        "\nsum of medians: encrypted {:.1} ms, pg_trgm {:.1} ms, ratio {:.2}",
        ms(enc_total),
        ms(plain_total),
        ms(enc_total) / ms(plain_total)
    );
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn random_key() -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(DataKey::generate().expose())
}

fn test_config(url: &str) -> Config {
    Config {
        mode: server::config::Mode::Development,
        database_url: url.into(),
        app_database_url: None,
        db_pool_size: 4,
        listen: "127.0.0.1:0".parse().unwrap(),
        public_url: "http://127.0.0.1".into(),
        idle_timeout: Duration::from_secs(1800),
        absolute_timeout: Duration::from_secs(3600),
        master_key: None,
        previous_master_keys: Vec::new(),
        account_mail: None,
        api_per_token: 600,
        api_per_ip: 1200,
        webhooks_to_private_networks: true,
        trusted_proxies: Default::default(),
        audit_seal_every: Duration::from_secs(1),
        audit_anchor_dir: None,
        erasure_dir: None,
        erasure_policy: app::backend::services::erasure::EpochPolicy {
            every: Duration::from_secs(24 * 3600),
            backup_retention: Duration::from_secs(30 * 86_400),
        },
    }
}

async fn write_batch(
    backend: &std::sync::Arc<app::backend::Backend>,
    tenant_id: Uuid,
    user_id: Uuid,
    chunk: &[app::model::contacts::ContactInput],
) -> anyhow::Result<()> {
    let rows: Vec<(Uuid, app::model::contacts::ContactInput)> = chunk
        .iter()
        .map(|input| (Uuid::now_v7(), input.clone()))
        .collect();
    let mut scope = Scope::begin(backend.clone(), tenant_id, user_id)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    contacts::insert_many_unaudited(&mut scope, &rows)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    scope.commit().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}
