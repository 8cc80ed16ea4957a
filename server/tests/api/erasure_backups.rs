//! Erasure reaches backups. A full `pg_dump` taken before an erasure and restored
//! afterwards forgets the erased person before it serves (the ledger outside the
//! database is re-applied); once the backup retention has passed since its epoch
//! ended, the epoch's key is gone and the dump no longer opens, ledger or not.

use crate::helpers::{admin_url, call_at, client, start_server, TestApp, PASSWORD};
use app::api::contacts::{DeleteContact, GetContact};
use app::api::identity::LogIn;
use app::backend::auth::throttle::ThrottleLimits;
use app::backend::crypto::epochs::ErasureEpochs;
use app::backend::services::erasure;
use app::backend::tenancy::begin_for_tenant;
use app::model::contacts::ContactListQuery;
use app::model::identity::LoginInput;
use app::AppError;
use server::config::Config;
use sqlx::{Connection, Executor};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use uuid::Uuid;

fn scratch_dir(what: &str) -> PathBuf {
    std::env::temp_dir().join(format!("tessera-{what}-{}", Uuid::now_v7()))
}

/// A PostgreSQL client program of the cluster's own version (Debian keeps them
/// outside PATH), else whatever PATH has.
fn pg_program(name: &str) -> PathBuf {
    let mut installed: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path().join("bin").join(name)))
        .filter(|p| p.exists())
        .collect();
    installed.sort();
    installed.pop().unwrap_or_else(|| PathBuf::from(name))
}

/// A full backup of the database, as an operator takes one.
fn pg_dump(url: &str, file: &Path) {
    let status = Command::new(pg_program("pg_dump"))
        .args(["--format=custom", "--file"])
        .arg(file)
        .arg(url)
        .status()
        .expect("pg_dump runs");
    assert!(status.success(), "pg_dump failed");
}

/// The backup restored into a new database on the cluster; returns its URL.
async fn restore(file: &Path) -> String {
    let name = format!("restored_{}", Uuid::now_v7().simple());
    let admin = admin_url();
    let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
    conn.execute(format!(r#"CREATE DATABASE "{name}" TEMPLATE template0"#).as_str())
        .await
        .unwrap();
    conn.close().await.ok();
    let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
    let status = Command::new(pg_program("pg_restore"))
        .args(["--exit-on-error", "--dbname"])
        .arg(&url)
        .arg(file)
        .status()
        .expect("pg_restore runs");
    assert!(status.success(), "pg_restore failed");
    url
}

async fn app_with_epochs(dir: &Path, retention: Duration) -> TestApp {
    let dir = dir.to_path_buf();
    TestApp::builder()
        .configure(move |config| {
            config.erasure_dir = Some(dir);
            config.erasure_policy.backup_retention = retention;
        })
        .spawn()
        .await
}

/// A server on `database_url` with the erasure epochs in `dir`, and a client signed in
/// there as the owner of "acme".
async fn serve_restored(
    app: &TestApp,
    database_url: String,
    dir: &Path,
) -> (String, reqwest::Client) {
    let config = Config {
        database_url,
        erasure_dir: Some(dir.to_path_buf()),
        ..app.config.clone()
    };
    let address = start_server(config, ThrottleLimits::default()).await;
    let owner = client();
    let input = LoginInput {
        workspace: "acme".into(),
        email: "owner@acme.example".into(),
        password: PASSWORD.into(),
    };
    call_at(&address, &owner, LogIn { input }).await.ok();
    (address, owner)
}

#[tokio::test]
async fn a_restored_backup_forgets_who_was_erased_after_it_was_made() {
    let dir = scratch_dir("erasure");
    let app = app_with_epochs(&dir, Duration::from_secs(30 * 86_400)).await;
    let owner = app.owner_of("acme").await;
    let stays = app
        .create_contact(&owner, "Berta", "Bleibt", "berta@kunde.example")
        .await
        .ok();
    let goes = app
        .create_contact(&owner, "Anton", "Geht", "anton@kunde.example")
        .await
        .ok();
    assert_eq!(
        app.count("SELECT count(*) FROM subject_keys WHERE erasure_epoch <> 1")
            .await,
        0,
        "every key is under the first epoch"
    );
    let backup = dir.with_extension("dump");
    pg_dump(&app.db.url, &backup);

    app.call(&owner, DeleteContact { id: goes.id }).await.ok();
    let epochs = ErasureEpochs::open(dir.clone()).unwrap();
    let mut waited = 0;
    while !epochs
        .erasures()
        .unwrap()
        .iter()
        .any(|e| e.subject_id == goes.id)
    {
        assert!(waited < 100, "the erasure reaches the ledger");
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += 1;
    }
    let ledger = std::fs::read_to_string(dir.join("erasures.ledger")).unwrap();
    assert!(
        !ledger.contains("Anton") && !ledger.contains("anton@"),
        "the ledger holds ids only"
    );

    // The backup alone brings Anton back: the same epoch keys without the ledger.
    let bare = scratch_dir("erasure-bare");
    std::fs::create_dir_all(&bare).unwrap();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "key") {
            std::fs::copy(&path, bare.join(path.file_name().unwrap())).unwrap();
        }
    }
    let (address, restored_owner) = serve_restored(&app, restore(&backup).await, &bare).await;
    let anton = call_at(&address, &restored_owner, GetContact { id: goes.id })
        .await
        .ok();
    assert_eq!(anton.input.last_name, "Geht");

    // With the ledger, the restored backup destroys his key before it serves.
    let (address, restored_owner) = serve_restored(&app, restore(&backup).await, &dir).await;
    let anton = call_at(&address, &restored_owner, GetContact { id: goes.id }).await;
    assert_eq!(anton.err(), AppError::NotFound, "erased: gone, not a fault");
    let berta = call_at(&address, &restored_owner, GetContact { id: stays.id })
        .await
        .ok();
    assert_eq!(berta.input.last_name, "Bleibt");
    let listed = call_at(
        &address,
        &restored_owner,
        app::api::contacts::ListContacts {
            query: ContactListQuery::default(),
        },
    )
    .await
    .ok();
    let ids: Vec<Uuid> = listed.items.iter().map(|c| c.id).collect();
    assert_eq!(ids, vec![stays.id]);
    std::fs::remove_dir_all(&dir).ok();
    std::fs::remove_dir_all(&bare).ok();
    std::fs::remove_file(&backup).ok();
}

#[tokio::test]
async fn a_backup_older_than_the_retention_no_longer_opens_even_without_the_ledger() {
    let dir = scratch_dir("erasure");
    let app = app_with_epochs(&dir, Duration::ZERO).await;
    let owner = app.owner_of("acme").await;
    let contact = app
        .create_contact(&owner, "Clara", "Alt", "clara@kunde.example")
        .await
        .ok();
    let tenant_id: Uuid = sqlx::query_scalar("SELECT tenant_id FROM tenants WHERE slug = 'acme'")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();
    let backup = dir.with_extension("dump");
    pg_dump(&app.db.url, &backup);

    let keys = app.config.key_store().unwrap();
    let report = erasure::roll_epoch(&app.db.app, &keys, app.config.erasure_policy)
        .await
        .unwrap();
    assert_eq!(report.epoch, 2);
    assert_eq!(
        report.destroyed,
        vec![1],
        "epoch 1 ended and retention 0 passed"
    );
    assert!(report.overdue.is_empty());
    assert!(report.rewrapped >= 2, "the owner's and Clara's keys moved");
    assert!(!dir.join("epoch-000000001.key").exists());

    // The live database moved on and still reads everything, the running server too.
    let live = app.call(&owner, GetContact { id: contact.id }).await.ok();
    assert_eq!(live.input.last_name, "Alt");

    // The backup's keys are all under epoch 1, whose key no longer exists anywhere.
    std::fs::remove_file(dir.join("erasures.ledger")).ok();
    let restored = server::db::app_pool(&restore(&backup).await, None, 2)
        .await
        .unwrap();
    let mut tx = begin_for_tenant(&restored, tenant_id).await.unwrap();
    let under_epoch_1: i64 =
        sqlx::query_scalar("SELECT count(*) FROM subject_keys WHERE erasure_epoch = 1")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    assert!(under_epoch_1 >= 2);
    let opened = keys
        .subject_keys(&mut tx, tenant_id, &[contact.id])
        .await
        .unwrap();
    assert!(opened.is_empty(), "Clara's key does not open");
    drop(tx);
    std::fs::remove_dir_all(&dir).ok();
    std::fs::remove_file(&backup).ok();
}
