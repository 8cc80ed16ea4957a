//! A fresh database per test, cloned from one migrated template per test run
//! (`CREATE DATABASE … TEMPLATE`), so no test pays for the migrations.

use server::db;
use sqlx::{Connection, Executor, PgConnection, PgPool};
use tokio::sync::OnceCell;
use uuid::Uuid;

pub fn admin_url() -> String {
    std::env::var("TESSERA_TEST_DATABASE_URL").expect(
        "TESSERA_TEST_DATABASE_URL must point at a PostgreSQL superuser connection; \
         `./dev test` starts a private cluster and sets it",
    )
}

fn with_database(url: &str, database: &str) -> String {
    let (base, _) = url.rsplit_once('/').expect("URL has a database path");
    format!("{base}/{database}")
}

async fn admin_execute(sql: &str) {
    let mut conn = PgConnection::connect(&admin_url())
        .await
        .expect("connect to the test cluster");
    conn.execute(sql).await.expect(sql);
    conn.close().await.ok();
}

/// The migrated template of this test run, created on first use.
async fn template() -> &'static str {
    static TEMPLATE: OnceCell<String> = OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("template_{}", Uuid::now_v7().simple());
            admin_execute(&format!(r#"CREATE DATABASE "{name}""#)).await;
            let owner = db::owner_pool(&with_database(&admin_url(), &name))
                .await
                .expect("template pool");
            db::run_migrations(&owner).await.expect("migrations apply");
            // A template must have no connections while it is copied.
            owner.close().await;
            name
        })
        .await
}

pub struct TestDb {
    pub url: String,
    /// Superuser connection to this test's database (for inspecting and tampering).
    pub superuser: PgPool,
    /// Connections as the application role, exactly as the server uses them.
    pub app: PgPool,
}

impl TestDb {
    pub async fn new() -> Self {
        Self::with_app_pool_size(5).await
    }

    pub async fn with_app_pool_size(size: u32) -> Self {
        let template = template().await;
        let name = format!("test_{}", Uuid::now_v7().simple());
        admin_execute(&format!(
            r#"CREATE DATABASE "{name}" TEMPLATE "{template}""#
        ))
        .await;
        let url = with_database(&admin_url(), &name);
        let superuser = db::owner_pool(&url).await.expect("owner pool");
        let app = db::app_pool(&url, None, size).await.expect("app pool");
        Self {
            url,
            superuser,
            app,
        }
    }
}
