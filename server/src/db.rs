//! Database pools and migrations.
//!
//! Two roles: the owner (the `DATABASE_URL` user) runs migrations and owns the tables;
//! requests run as `tessera_app`, which row-level security applies to.

use crate::config::Config;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Executor, PgPool};
use std::str::FromStr;
use std::time::Duration;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

pub const APP_ROLE: &str = "tessera_app";

/// How long a request waits for a connection. Healthy, a busy pool hands one over in
/// milliseconds; longer means the database is down or saturated, and the request
/// answers 503 with Retry-After (`AppError::Unavailable`) instead of hanging through
/// a restart or failover.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn owner_pool(database_url: &str) -> anyhow::Result<PgPool> {
    Ok(PgPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(Duration::from_secs(10))
        .connect(database_url)
        .await?)
}

/// The pool requests use. Without a dedicated login for the app role, each new
/// connection switches to it once; the server never issues RESET ROLE.
pub async fn app_pool(
    database_url: &str,
    app_database_url: Option<&str>,
    size: u32,
) -> anyhow::Result<PgPool> {
    let options = PgPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(ACQUIRE_TIMEOUT);
    let pool = match app_database_url {
        Some(url) => {
            options
                .connect_with(PgConnectOptions::from_str(url)?)
                .await?
        }
        None => {
            options
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        conn.execute("SET ROLE tessera_app").await?;
                        Ok(())
                    })
                })
                .connect_with(PgConnectOptions::from_str(database_url)?)
                .await?
        }
    };
    Ok(pool)
}

/// Refuses a database that lacks migrations this server was built with (production:
/// the operator runs `server migrate` first, the serving process never holds the
/// owner's rights). Checked through the application role.
pub async fn require_migrated(app: &PgPool) -> anyhow::Result<()> {
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
            .fetch_all(app)
            .await
            .map_err(|_| not_migrated("no migrations are applied"))?;
    let missing: Vec<i64> = MIGRATOR
        .iter()
        .map(|m| m.version)
        .filter(|v| !applied.contains(v))
        .collect();
    match missing.first() {
        None => Ok(()),
        Some(first) => Err(not_migrated(&format!(
            "{} migration(s) are not applied, the first is {first}",
            missing.len()
        ))),
    }
}

fn not_migrated(why: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "the database is behind this server ({why}): run `server migrate` with the owner's \
         DATABASE_URL first (production servers do not migrate on start)"
    )
}

pub async fn run_migrations(owner: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(owner).await?;
    Ok(())
}

/// Applies the migrations and the data upgrades that follow them (which decrypt, so
/// they need the master key).
pub async fn migrate(config: &Config) -> anyhow::Result<()> {
    let owner = owner_pool(&config.database_url).await?;
    run_migrations(&owner).await?;
    let pool = app_pool(&config.database_url, config.app_database_url.as_deref(), 2).await?;
    let keys = config.key_store()?;
    let backend = app::backend::Backend::new(pool, keys, config.public_url.clone());
    upgrade_data(&backend, &owner).await?;
    tracing::info!("migrations applied");
    Ok(())
}

pub async fn upgrade_data(
    backend: &std::sync::Arc<app::backend::Backend>,
    owner: &PgPool,
) -> anyhow::Result<()> {
    app::backend::upgrade::run(backend, owner)
        .await
        .map_err(|e| anyhow::anyhow!("data upgrade failed: {e}"))?;
    Ok(())
}
