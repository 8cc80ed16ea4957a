//! A production server does not migrate on start (issue 8: the serving process should
//! not need the owner's rights); it checks the schema and refuses one behind it.

use crate::helpers::spawn_app;
use server::config::Mode;
use server::startup::Application;
use uuid::Uuid;

#[tokio::test]
async fn a_production_server_refuses_a_database_behind_it_and_does_not_migrate_it() {
    let app = spawn_app().await;
    // A database this server's migrations have never reached.
    let name = format!("behind_{}", Uuid::now_v7().simple());
    sqlx::query(&format!(r#"CREATE DATABASE "{name}""#))
        .execute(&app.db.superuser)
        .await
        .unwrap();
    let (server_url, _) = app.db.url.rsplit_once('/').unwrap();
    let mut config = app.config.clone();
    config.mode = Mode::Production;
    config.database_url = format!("{server_url}/{name}");
    let tables = || async {
        let pool = sqlx::PgPool::connect(&config.database_url).await.unwrap();
        let n: i64 =
            sqlx::query_scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
                .fetch_one(&pool)
                .await
                .unwrap();
        pool.close().await;
        n
    };

    let refused = Application::build(config.clone()).await.err().unwrap();
    let message = refused.to_string();
    assert!(message.contains("server migrate"), "{message}");
    assert_eq!(tables().await, 0, "the production server migrated nothing");

    // `server migrate`, then the same server starts.
    server::db::migrate(&config).await.unwrap();
    assert!(tables().await > 20);
    assert!(Application::build(config.clone()).await.is_ok());

    // One migration short of this server (its record gone) is refused again, by name.
    let pool = sqlx::PgPool::connect(&config.database_url).await.unwrap();
    let newest: i64 = sqlx::query_scalar("DELETE FROM _sqlx_migrations WHERE version = (SELECT max(version) FROM _sqlx_migrations) RETURNING version")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    let refused = Application::build(config).await.err().unwrap().to_string();
    assert!(refused.contains(&newest.to_string()), "{refused}");
    sqlx::query(&format!(r#"DROP DATABASE "{name}" WITH (FORCE)"#))
        .execute(&app.db.superuser)
        .await
        .unwrap();
}
