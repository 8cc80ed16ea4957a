//! Audit without a tenant-wide lock: requests append pending entries without waiting
//! on each other, and sealing chains them gaplessly, with the hash the verifier
//! recomputes.

use super::{tenant_id, verify};
use crate::helpers::{spawn_app, TestApp};
use app::api::audit::LoadAuditPage;
use app::api::contacts::GetContact;
use app::backend::audit::chain::{
    entry_hash, truncate_to_micros, EntryContent, CURRENT_FORMAT, GENESIS,
};
use app::backend::audit::sealer;
use app::model::audit::{AuditAction, AuditFilter};
use app::model::contacts::ContactAudit;
use std::time::Duration;
use time::OffsetDateTime;
use uuid::Uuid;

async fn pending(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_pending")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap()
}

#[tokio::test]
async fn parallel_reads_of_one_tenant_are_all_chained_without_gaps() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let id = app.create_contact(&owner, "Par", "Allel", "").await.ok().id;
    let reads = (0..40).map(|_| app.call(&owner, GetContact { id }));
    let answers = futures_util::future::join_all(reads).await;
    assert!(answers.iter().all(|a| a.status.is_success()));

    app.seal_audit().await;
    assert_eq!(pending(&app).await, 0);
    let report = verify(&app).await;
    assert_eq!(report.first_broken, None, "{report:?}");
    let reads: Vec<i64> =
        sqlx::query_scalar("SELECT seq FROM audit_log WHERE action = 'contact.read' ORDER BY seq")
            .fetch_all(&app.db.superuser)
            .await
            .unwrap();
    assert_eq!(reads.len(), 40, "one entry per read, none lost");
    let numbers: Vec<i64> = sqlx::query_scalar("SELECT seq FROM audit_log ORDER BY seq")
        .fetch_all(&app.db.superuser)
        .await
        .unwrap();
    let expected: Vec<i64> = (1..=numbers.len() as i64).collect();
    assert_eq!(numbers, expected, "numbered from 1 without gaps");
    assert_eq!(report.entries, numbers.len() as i64);
}

#[tokio::test]
async fn the_reviewer_sees_an_entry_before_the_sealer_has_reached_it() {
    // A sealer that waits an hour: only the reader's own sealing can show the entries.
    let app = TestApp::builder()
        .configure(|c| c.audit_seal_every = Duration::from_secs(3600))
        .spawn()
        .await;
    let owner = app.owner_of("acme").await;
    let dpo = app
        .join(&owner, "dora@acme.example", "dpo", "Dora Datenschutz")
        .await;
    let id = app
        .create_contact(&owner, "Gleich", "Sichtbar", "")
        .await
        .ok()
        .id;
    app.call(&owner, GetContact { id }).await.ok();
    assert!(pending(&app).await > 0, "not sealed yet");
    let filter = AuditFilter {
        subject: Some(id),
        ..Default::default()
    };
    let page = app.call(&dpo, LoadAuditPage { filter }).await.ok();
    let actions: Vec<AuditAction> = page.entries.iter().map(|e| e.action).collect();
    assert!(
        actions.contains(&AuditAction::Contact(ContactAudit::Read))
            && actions.contains(&AuditAction::Contact(ContactAudit::Create)),
        "{actions:?}"
    );
}

#[tokio::test]
async fn the_sealer_chains_every_tenant_and_a_second_run_seals_nothing() {
    let app = spawn_app().await;
    for slug in ["acme", "globex"] {
        let owner = app.owner_of(slug).await;
        app.create_contact(&owner, "Zwei", "Mandanten", "").await;
    }
    // The test server's own sealer may have run already; either way nothing is left.
    sealer::seal_all(&app.backend(), None).await.unwrap();
    assert_eq!(pending(&app).await, 0);
    assert_eq!(sealer::seal_all(&app.backend(), None).await.unwrap(), 0);
    let chains: Vec<(Uuid, i64, i64)> = sqlx::query_as(
        "SELECT h.tenant_id, h.seq, (SELECT max(seq) FROM audit_log l WHERE l.tenant_id = h.tenant_id)
         FROM audit_heads h",
    )
    .fetch_all(&app.db.superuser)
    .await
    .unwrap();
    assert_eq!(chains.len(), 2);
    for (_, head, last) in chains {
        assert!(head > 0);
        assert_eq!(head, last, "each head points at its tenant's last entry");
    }
    let _ = tenant_id(&app).await;
}

/// The database seals with `audit_entry_hash`; verification recomputes in Rust. Both
/// must agree byte for byte, for every shape an entry can take.
#[tokio::test]
async fn the_database_hashes_entries_exactly_as_verification_does() {
    let app = spawn_app().await;
    let subjects = [Uuid::now_v7(), Uuid::now_v7()];
    let fields = ["email".to_string(), "straße".to_string()];
    let at = truncate_to_micros(OffsetDateTime::now_utc());
    let shapes = [
        (None, &[][..], &[][..], None, None),
        (
            Some(Uuid::now_v7()),
            &subjects[..1],
            &fields[..1],
            None,
            None,
        ),
        (
            Some(Uuid::now_v7()),
            &subjects[..],
            &fields[..],
            Some("data_subject_request"),
            Some(Uuid::now_v7()),
        ),
    ];
    let formats = [1, CURRENT_FORMAT];
    for ((actor, subjects, fields, purpose, via_token), format) in shapes
        .into_iter()
        .flat_map(|shape| formats.map(|format| (shape, format)))
    {
        let content = EntryContent {
            tenant_id: Uuid::now_v7(),
            seq: 41,
            at,
            actor_id: actor,
            action: "contact.read",
            subject_ids: subjects,
            fields,
            purpose,
            via_token,
            format,
        };
        let prev = [7u8; 32];
        let in_database: Vec<u8> = sqlx::query_scalar(
            "SELECT audit_entry_hash($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&prev[..])
        .bind(content.tenant_id)
        .bind(content.seq)
        .bind(content.at)
        .bind(content.actor_id)
        .bind(content.action)
        .bind(content.subject_ids)
        .bind(content.fields)
        .bind(content.purpose)
        .bind(content.via_token)
        .bind(content.format)
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();
        assert_eq!(in_database, entry_hash(&prev, &content).to_vec());
        assert_ne!(in_database, entry_hash(&GENESIS, &content).to_vec());
    }
}
