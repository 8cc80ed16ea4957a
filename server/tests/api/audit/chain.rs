//! The chain resists change: append-only for the application, tampering found at the
//! exact entry, retention purges leave a signed checkpoint.

use super::{tenant_id, verify};
use crate::helpers::spawn_app;
use app::api::contacts::GetContact;
use app::backend::audit::integrity;
use app::backend::crypto::KeyStore;
use app::backend::tenancy::begin_for_tenant;

/// Runs `sql` as the superuser with triggers off: an insider changing the log.
async fn bypassing_triggers(app: &crate::helpers::TestApp, sql: &str, seq: Option<i64>) {
    let mut tx = app.db.superuser.begin().await.unwrap();
    sqlx::query("SET LOCAL session_replication_role = replica")
        .execute(&mut *tx)
        .await
        .unwrap();
    let query = sqlx::query(sql);
    let query = match seq {
        Some(seq) => query.bind(seq),
        None => query,
    };
    query.execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn the_application_role_can_only_append() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    app.create_contact(&owner, "A", "B", "").await;
    app.seal_audit().await;
    // One entry stays pending, for the checks on pending entries.
    app.create_contact(&owner, "C", "D", "").await;
    let tenant = tenant_id(&app).await;
    for sql in [
        "UPDATE audit_log SET action = 'x'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        // The chain is written by audit_seal() alone: no forged entries, no moved head.
        "INSERT INTO audit_log (tenant_id, seq, at, action, prev_hash, hash)
         SELECT tenant_id, 1000, now(), 'x', '', '' FROM audit_heads",
        "UPDATE audit_heads SET seq = seq + 1",
        "UPDATE audit_pending SET action = 'x'",
        "DELETE FROM audit_pending",
        "TRUNCATE audit_pending",
        "SELECT count(*) FROM audit_pending",
        "UPDATE audit_anchors SET mac = hash",
        "DELETE FROM audit_anchors",
    ] {
        let mut tx = begin_for_tenant(&app.db.app, tenant).await.unwrap();
        let err = sqlx::query(sql).execute(&mut *tx).await.expect_err(sql);
        let code = err
            .as_database_error()
            .and_then(|e| e.code())
            .map(|c| c.to_string());
        assert_eq!(code.as_deref(), Some("42501"), "{sql}: {err}");
    }
    // Even the owner (superuser here) is stopped by the triggers.
    for sql in [
        "UPDATE audit_log SET action = 'x'",
        "DELETE FROM audit_log",
        "UPDATE audit_pending SET action = 'x'",
        "DELETE FROM audit_pending",
        "DELETE FROM audit_anchors",
    ] {
        let err = sqlx::query(sql)
            .execute(&app.db.superuser)
            .await
            .expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
}

#[tokio::test]
async fn tampering_with_one_entry_is_reported_at_exactly_that_entry() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    for i in 0..5 {
        let id = app
            .create_contact(&owner, &format!("T{i}"), "Tamper", "")
            .await
            .ok()
            .id;
        app.call(&owner, GetContact { id }).await.ok();
    }
    assert_eq!(verify(&app).await.first_broken, None);
    let victim: i64 = sqlx::query_scalar(
        "SELECT seq FROM audit_log WHERE action = 'contact.read' ORDER BY seq LIMIT 1 OFFSET 2",
    )
    .fetch_one(app.seal_audit().await)
    .await
    .unwrap();
    // A superuser bypassing the trigger changes who read what.
    bypassing_triggers(
        &app,
        "UPDATE audit_log SET actor_id = NULL WHERE seq = $1",
        Some(victim),
    )
    .await;
    let report = verify(&app).await;
    assert_eq!(report.first_broken, Some(victim), "{report:?}");
    assert_eq!(report.entries, victim - 1);
}

#[tokio::test]
async fn retention_purge_leaves_a_signed_checkpoint_and_the_rest_still_verifies() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    for i in 0..6 {
        app.create_contact(&owner, &format!("R{i}"), "Retention", "")
            .await;
    }
    // Age the first entries beyond the retention period (as superuser, bypassing the trigger).
    app.seal_audit().await;
    bypassing_triggers(
        &app,
        "UPDATE audit_log SET at = at - interval '400 days' WHERE seq <= 3",
        None,
    )
    .await;
    let store = KeyStore::new(app.config.key_ring().unwrap());
    let tenant = tenant_id(&app).await;
    let mut tx = begin_for_tenant(&app.db.superuser, tenant).await.unwrap();
    let deleted = integrity::purge_expired(&mut tx, &store, tenant)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(deleted, 3);
    let first: i64 = sqlx::query_scalar("SELECT min(seq) FROM audit_log")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();
    assert_eq!(first, 4);
    let report = verify(&app).await;
    assert_eq!(
        report.first_broken, None,
        "the remaining chain verifies from the checkpoint"
    );
    // A forged checkpoint is caught.
    sqlx::query("UPDATE audit_checkpoints SET hash = sha256(hash)")
        .execute(&app.db.superuser)
        .await
        .unwrap();
    assert_eq!(verify(&app).await.first_broken, Some(3));
}

/// The chain's hashes are unkeyed: a superuser can change an entry and recompute every
/// hash after it, and the chain alone still verifies. The keyed anchors do not.
#[tokio::test]
async fn a_consistently_rewritten_chain_fails_its_keyed_anchors() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    for i in 0..4 {
        app.create_contact(&owner, &format!("A{i}"), "Anker", "")
            .await;
    }
    app.seal_audit().await;
    assert_eq!(verify(&app).await.first_broken, None);
    let anchors: i64 = app.count("SELECT count(*) FROM audit_anchors").await;
    assert!(anchors >= 1);

    // Change who made entry 3 and recompute the chain from there, as an insider with
    // the database's superuser would.
    bypassing_triggers(&app, "DO $$
         DECLARE e record; prev bytea; h bytea;
         BEGIN
             UPDATE audit_log SET actor_id = NULL WHERE seq = 3;
             SELECT hash INTO prev FROM audit_log WHERE seq = 2;
             FOR e IN SELECT * FROM audit_log WHERE seq >= 3 ORDER BY seq LOOP
                 h := audit_entry_hash(prev, e.tenant_id, e.seq, e.at, e.actor_id, e.action,
                                       e.subject_ids, e.fields, e.purpose, e.via_token, e.format);
                 UPDATE audit_log SET prev_hash = prev, hash = h WHERE tenant_id = e.tenant_id AND seq = e.seq;
                 prev := h;
             END LOOP;
             UPDATE audit_heads SET hash = prev;
         END $$", None).await;
    let report = verify(&app).await;
    let first = report.first_broken.expect("the rewrite is found");
    assert!(first <= 3, "{report:?}");
}

#[tokio::test]
async fn a_forged_anchor_on_an_intact_chain_is_reported() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    app.create_contact(&owner, "F", "Fälschung", "").await;
    app.seal_audit().await;
    assert_eq!(verify(&app).await.first_broken, None);
    sqlx::query("INSERT INTO audit_anchors (tenant_id, seq, hash, mac) SELECT tenant_id, seq + 1, hash, hash FROM audit_heads")
        .execute(&app.db.superuser)
        .await
        .unwrap();
    assert!(verify(&app).await.first_broken.is_some());
}
