//! The log against its own database's owner: no role deletes entries directly, whatever
//! it announces, and the purge deletes only what is past retention behind a checkpoint.
//! What the owner can still do with the triggers off — cut off the newest entries
//! together with their anchors — is found by the anchors the sealer keeps outside the
//! database, through `server audit verify --anchors`.

use super::{tenant_id, verify};
use crate::helpers::{spawn_app, TestApp};
use app::backend::tenancy::begin_for_tenant;
use std::path::{Path, PathBuf};
use std::process::Output;

/// `server audit verify --tenant acme --anchors <dir>` against the test's database.
fn verify_with_anchors(app: &TestApp, anchors: &Path) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["audit", "verify", "--tenant", "acme", "--anchors"])
        .arg(anchors)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DATABASE_URL", &app.config.database_url)
        .env(
            "TESSERA_MASTER_KEY",
            app.config.master_key.as_ref().unwrap(),
        )
        .env("RUST_LOG", "warn")
        .output()
        .expect("the server binary runs")
}

/// A test server whose sealer also writes anchors to a fresh directory.
async fn with_anchors_outside() -> (TestApp, PathBuf) {
    let dir = std::env::temp_dir().join(format!("tessera-anchors-{}", uuid::Uuid::now_v7()));
    let anchors = dir.clone();
    let app = TestApp::builder()
        .configure(move |config| config.audit_anchor_dir = Some(anchors))
        .spawn()
        .await;
    (app, dir)
}

async fn as_superuser_without_triggers(app: &TestApp, sql: &str) {
    let mut tx = app.db.superuser.begin().await.unwrap();
    sqlx::query("SET LOCAL session_replication_role = replica")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::raw_sql(sql).execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn announcing_a_purge_no_longer_lets_anyone_delete_entries() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    app.create_contact(&owner, "P", "Purge", "").await;
    let db = app.seal_audit().await;
    let tenant = tenant_id(&app).await;
    // The setting that used to open the trigger, set by the owner (superuser here).
    let mut tx = begin_for_tenant(db, tenant).await.unwrap();
    sqlx::query("SET LOCAL tessera.audit_retention_purge = 'on'")
        .execute(&mut *tx)
        .await
        .unwrap();
    let err = sqlx::query("DELETE FROM audit_log")
        .execute(&mut *tx)
        .await
        .expect_err("a direct delete is refused");
    assert!(err.to_string().contains("append-only"), "{err}");
    drop(tx);
    // The purge function deletes nothing that is not past retention...
    let newest: i64 = app.count("SELECT max(seq) FROM audit_log").await;
    let mut tx = begin_for_tenant(db, tenant).await.unwrap();
    let err = sqlx::query("SELECT audit_purge_expired($1)")
        .bind(newest)
        .execute(&mut *tx)
        .await
        .expect_err("a purge of fresh entries is refused");
    assert!(err.to_string().contains("not past the retention"), "{err}");
    drop(tx);
    // ...and the application role may not call it at all.
    let mut tx = begin_for_tenant(&app.db.app, tenant).await.unwrap();
    let err = sqlx::query("SELECT audit_purge_expired($1)")
        .bind(newest)
        .execute(&mut *tx)
        .await
        .expect_err("the application may not purge");
    let code = err.as_database_error().and_then(|e| e.code());
    assert_eq!(code.as_deref(), Some("42501"), "{err}");
    drop(tx);
    assert_eq!(verify(&app).await.first_broken, None);
    let left: i64 = app.count("SELECT count(*) FROM audit_log").await;
    assert_eq!(left, newest);
}

#[tokio::test]
async fn a_cut_off_tail_is_found_by_the_anchors_kept_outside_the_database() {
    let (app, dir) = with_anchors_outside().await;
    let owner = app.owner_of("acme").await;
    for round in 0..3 {
        app.create_contact(&owner, &format!("T{round}"), "Tail", "")
            .await;
        app.seal_audit().await;
    }
    let head: i64 = app.count("SELECT seq FROM audit_heads").await;
    let out = verify_with_anchors(&app, &dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("{head} entries, intact")),
        "{stdout}"
    );
    assert!(stdout.contains("3 anchors from outside"), "{stdout}");

    // The owner deletes the newest entries, their anchors, and moves the head back.
    let keep = head - 2;
    as_superuser_without_triggers(
        &app,
        &format!(
            "DELETE FROM audit_log WHERE seq > {keep};
             DELETE FROM audit_anchors WHERE seq > {keep};
             UPDATE audit_heads SET seq = {keep}, hash = (SELECT hash FROM audit_log WHERE seq = {keep});"
        ),
    )
    .await;
    // The database alone cannot tell...
    let inside = verify(&app).await;
    assert_eq!(inside.first_broken, None, "{inside:?}");
    // ...the anchors outside can.
    let out = verify_with_anchors(&app, &dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!("broken at entry {}", keep + 1)),
        "{stdout}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn a_rewritten_entry_is_found_by_the_anchors_kept_outside_the_database() {
    let (app, dir) = with_anchors_outside().await;
    let owner = app.owner_of("acme").await;
    app.create_contact(&owner, "R", "Rewrite", "").await;
    app.seal_audit().await;
    // Rewrite the last entry with its hash recomputed, and the database's anchors
    // with it (they cannot be re-signed, so they are deleted).
    as_superuser_without_triggers(
        &app,
        "DELETE FROM audit_anchors;
         UPDATE audit_log l SET actor_id = NULL,
             hash = audit_entry_hash(l.prev_hash, l.tenant_id, l.seq, l.at, NULL, l.action,
                                     l.subject_ids, l.fields, l.purpose, l.via_token, l.format)
         WHERE seq = (SELECT seq FROM audit_heads);
         UPDATE audit_heads h SET hash = (SELECT hash FROM audit_log WHERE seq = h.seq);",
    )
    .await;
    assert_eq!(verify(&app).await.first_broken, None);
    let out = verify_with_anchors(&app, &dir);
    assert_eq!(out.status.code(), Some(1), "{:?}", out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("broken at entry 1"), "{stdout}");
    std::fs::remove_dir_all(&dir).ok();
}
