//! `server audit …`: integrity check and retention purge.

use super::AuditCommand;
use crate::config::Config;
use crate::db;
use anyhow::Context;
use app::backend::audit::{anchors, integrity};
use app::backend::tenancy::begin_for_tenant;
use uuid::Uuid;

fn fail(err: app::AppError) -> anyhow::Error {
    anyhow::anyhow!("{err}")
}

pub async fn run(config: &Config, command: AuditCommand) -> anyhow::Result<()> {
    db::migrate(config).await?;
    let store = config.key_store()?;
    let pool = db::app_pool(&config.database_url, config.app_database_url.as_deref(), 2).await?;
    match command {
        AuditCommand::Verify { tenant, anchors } => {
            let outside = match &anchors {
                Some(path) => anchors::read_anchors(path)
                    .with_context(|| format!("cannot read anchors from {}", path.display()))?,
                None => Vec::new(),
            };
            let tenant_id: Option<Uuid> = app::backend::tenancy::tenant_id_for_slug(&pool, &tenant)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let tenant_id = tenant_id.with_context(|| format!("no tenant with slug {tenant}"))?;
            let mut tx = begin_for_tenant(&pool, tenant_id).await.map_err(fail)?;
            let report = integrity::verify_against(&mut tx, &store, tenant_id, &outside)
                .await
                .map_err(fail)?;
            tx.commit().await?;
            let checked = outside.iter().filter(|a| a.tenant_id == tenant_id).count();
            if anchors.is_some() {
                println!("{checked} anchors from outside the database");
            }
            match report.first_broken {
                None => println!("{} entries, intact", report.entries),
                Some(seq) => {
                    println!(
                        "broken at entry {seq} (after {} intact entries)",
                        report.entries
                    );
                    std::process::exit(1);
                }
            }
        }
        AuditCommand::Purge => {
            // Deleting needs the owner: the application role may only append.
            let owner = db::owner_pool(&config.database_url).await?;
            let tenants: Vec<Uuid> =
                sqlx::query_scalar!(r#"SELECT maintenance_tenant_ids() AS "tenant_id!""#)
                    .fetch_all(&owner)
                    .await?;
            let mut total = 0;
            for tenant_id in tenants {
                let mut tx = begin_for_tenant(&owner, tenant_id).await.map_err(fail)?;
                total += integrity::purge_expired(&mut tx, &store, tenant_id)
                    .await
                    .map_err(fail)?;
                tx.commit().await?;
            }
            println!("{total} audit entries past retention deleted");
        }
    }
    Ok(())
}
