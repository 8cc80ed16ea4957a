//! `server keys …`: key rotation from the command line.

use super::KeysCommand;
use crate::config::Config;
use crate::db;
use anyhow::Context;
use app::backend::auth::guard;
use app::backend::services::{erasure, keys};

pub async fn run(config: &Config, command: KeysCommand) -> anyhow::Result<()> {
    db::migrate(config).await?;
    let store = config.key_store()?;
    let pool = db::app_pool(&config.database_url, config.app_database_url.as_deref(), 2).await?;
    match command {
        KeysCommand::RotateTenant { tenant } => {
            let tenant_id: Option<uuid::Uuid> =
                app::backend::tenancy::tenant_id_for_slug(&pool, &tenant)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
            let tenant_id = tenant_id.with_context(|| format!("no tenant with slug {tenant}"))?;
            let report = keys::rotate_tenant_key(&pool, &store, tenant_id)
                .await
                .map_err(|e| anyhow::anyhow!("rotation failed: {e}"))?;
            println!(
                "tenant {tenant}: key version {}, {} subject keys re-wrapped, {} old versions retired",
                report.version, report.rewrapped, report.retired
            );
        }
        KeysCommand::RotateMaster => {
            let owner = db::owner_pool(&config.database_url).await?;
            let moved = keys::rotate_master_key(&owner, &pool, &store)
                .await
                .map_err(|e| anyhow::anyhow!("master rotation failed: {e}"))?;
            println!("{moved} tenant key versions re-wrapped under the current master key");
        }
        KeysCommand::GuardUsers => {
            let owner = db::owner_pool(&config.database_url).await?;
            let guarded = guard::guard_unguarded_users(&owner, &pool, &store)
                .await
                .map_err(|e| anyhow::anyhow!("guarding failed: {e}"))?;
            println!("{guarded} user rows guarded");
        }
        KeysCommand::RollEpoch => {
            let report = erasure::roll_epoch(&pool, &store, config.erasure_policy)
                .await
                .map_err(|e| {
                    anyhow::anyhow!("epoch roll failed (is TESSERA_ERASURE_DIR set?): {e}")
                })?;
            println!(
                "erasure epoch {}: {} subject keys moved, epochs destroyed: {:?}, past the retention but still in use: {:?}",
                report.epoch, report.rewrapped, report.destroyed, report.overdue
            );
        }
        KeysCommand::ApplyErasures => {
            let removed = erasure::apply_ledger(&pool, &store).await.map_err(|e| {
                anyhow::anyhow!("applying the ledger failed (is TESSERA_ERASURE_DIR set?): {e}")
            })?;
            println!("{removed} keys of erased subjects destroyed");
        }
    }
    Ok(())
}
