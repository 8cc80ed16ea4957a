//! A production server does not migrate on start (issue 8: the serving process should
//! not need the owner's rights); it checks the schema and refuses one behind it.

use crate::helpers::spawn_app;
use server::config::Mode;
use server::startup::Application;

#[tokio::test]
async fn a_production_server_refuses_a_database_behind_it_and_does_not_migrate_it() {
    let app = spawn_app().await;
    let newest: i64 = sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();
    // As if this server were one version ahead of the database.
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = $1")
        .bind(newest)
        .execute(&app.db.superuser)
        .await
        .unwrap();
    let mut config = app.config.clone();
    config.mode = Mode::Production;

    let refused = Application::build(config.clone()).await.err().unwrap();
    let message = refused.to_string();
    assert!(message.contains("server migrate"), "{message}");
    assert!(
        message.contains(&newest.to_string()),
        "names the migration: {message}"
    );
    let applied: i64 =
        sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE version = $1")
            .bind(newest)
            .fetch_one(&app.db.superuser)
            .await
            .unwrap();
    assert_eq!(applied, 0, "the production server migrated nothing");

    // `server migrate`, then the same server starts.
    server::db::migrate(&config).await.unwrap();
    assert!(Application::build(config).await.is_ok());
}
