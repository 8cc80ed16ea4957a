//! Promise 3: every access to personal data is audited, append-only and hash-chained;
//! the works council sees employees only as pseudonyms.

use crate::helpers::{client, id_of, spawn_app, TestApp};
use app::backend::audit::integrity;
use app::backend::crypto::KeyStore;
use app::backend::tenancy::begin_for_tenant;
use reqwest::StatusCode;
use server::cli::seed;
use uuid::Uuid;

async fn tenant_id(app: &TestApp) -> Uuid {
    sqlx::query_scalar("SELECT tenant_id FROM tenants LIMIT 1")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap()
}

async fn verify(app: &TestApp) -> app::model::audit::VerifyReport {
    let store = KeyStore::new(app.config.key_ring().unwrap());
    let tenant = tenant_id(app).await;
    let mut tx = begin_for_tenant(&app.db.app, tenant).await.unwrap();
    integrity::verify(&mut tx, &store, tenant).await.unwrap()
}

#[tokio::test]
async fn one_read_one_entry_one_list_page_one_entry_failed_reads_none() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let mut ids = Vec::new();
    for i in 0..55 {
        ids.push(id_of(
            &app.create_contact(
                &owner,
                &format!("Anna{i:02}"),
                "Audit",
                &format!("a{i}@example.de"),
            )
            .await
            .body,
        ));
    }
    let me: Uuid = app.rpc(&owner, "me", &[]).await.body["user_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();

    assert_eq!(
        app.rpc(&owner, "contacts/get", &[("id", &ids[3])])
            .await
            .status,
        StatusCode::OK
    );
    let reads = app.audit_rows("contact.read").await;
    assert_eq!(
        reads,
        vec![(Some(me), vec![ids[3].parse().unwrap()])],
        "exactly one entry for one read"
    );

    let page = app.list_contacts(&owner, &[]).await;
    let shown: Vec<Uuid> = page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(shown.len(), 50);
    let lists = app.audit_rows("contact.list").await;
    assert_eq!(lists.len(), 1, "one entry per list page");
    let mut logged = lists[0].1.clone();
    let mut expected = shown.clone();
    logged.sort();
    expected.sort();
    assert_eq!(
        logged, expected,
        "the entry names exactly the 50 contacts shown"
    );

    app.list_contacts(&owner, &[("query[q]", "anna01")]).await;
    assert_eq!(app.audit_rows("contact.search").await.len(), 1);

    let before: i64 = app.count("SELECT count(*) FROM audit_log").await;
    let missing = app
        .rpc(
            &owner,
            "contacts/get",
            &[("id", &Uuid::now_v7().to_string())],
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    sqlx::query("UPDATE users SET role = 'works_council'")
        .execute(&app.db.superuser)
        .await
        .unwrap();
    let forbidden = app.rpc(&owner, "contacts/get", &[("id", &ids[0])]).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert!(
        forbidden.body.get("first_name").is_none(),
        "no data on a failed read"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log").await,
        before,
        "failed reads write nothing"
    );
}

#[tokio::test]
async fn changes_record_field_names_and_the_chain_verifies() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let id = id_of(
        &app.create_contact(&owner, "Uwe", "Update", "uwe@example.de")
            .await
            .body,
    );
    let form = [
        ("id", id.as_str()),
        ("version", "1"),
        ("input[first_name]", "Uwe"),
        ("input[last_name]", "Update"),
        ("input[email]", "uwe.neu@example.de"),
        ("input[phone]", "+49 30 1234567"),
        ("input[organisation]", "Beispiel AG"),
        ("input[notes]", ""),
    ];
    assert_eq!(
        app.rpc(&owner, "contacts/update", &form).await.status,
        StatusCode::OK
    );
    let fields: Vec<String> =
        sqlx::query_scalar("SELECT unnest(fields) FROM audit_log WHERE action = 'contact.update'")
            .fetch_all(&app.db.superuser)
            .await
            .unwrap();
    assert_eq!(
        fields,
        ["email", "phone"],
        "only the changed fields, by name"
    );
    assert_eq!(
        app.rpc(&owner, "contacts/delete", &[("id", &id)])
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(app.audit_rows("contact.delete").await.len(), 1);
    let report = verify(&app).await;
    assert_eq!(report.first_broken, None);
    assert_eq!(report.entries, 3, "create, update, delete: {report:?}");
    let seqs: Vec<i64> = sqlx::query_scalar("SELECT seq FROM audit_log ORDER BY seq")
        .fetch_all(&app.db.superuser)
        .await
        .unwrap();
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>(), "no gaps");
}

#[tokio::test]
async fn the_application_role_can_only_append() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    app.create_contact(&owner, "A", "B", "").await;
    let tenant = tenant_id(&app).await;
    for sql in [
        "UPDATE audit_log SET action = 'x'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let mut tx = begin_for_tenant(&app.db.app, tenant).await.unwrap();
        let err = sqlx::query(sql).execute(&mut *tx).await.expect_err(sql);
        let code = err
            .as_database_error()
            .and_then(|e| e.code())
            .map(|c| c.to_string());
        assert_eq!(code.as_deref(), Some("42501"), "{sql}: {err}");
    }
    // Even the owner (superuser here) is stopped by the trigger.
    let err = sqlx::query("UPDATE audit_log SET action = 'x'")
        .execute(&app.db.superuser)
        .await
        .expect_err("trigger");
    assert!(err.to_string().contains("append-only"), "{err}");
    let err = sqlx::query("DELETE FROM audit_log")
        .execute(&app.db.superuser)
        .await
        .expect_err("trigger");
    assert!(err.to_string().contains("append-only"), "{err}");
}

#[tokio::test]
async fn tampering_with_one_entry_is_reported_at_exactly_that_entry() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    for i in 0..5 {
        let id = id_of(
            &app.create_contact(&owner, &format!("T{i}"), "Tamper", "")
                .await
                .body,
        );
        app.rpc(&owner, "contacts/get", &[("id", &id)]).await;
    }
    assert_eq!(verify(&app).await.first_broken, None);
    let victim: i64 = sqlx::query_scalar(
        "SELECT seq FROM audit_log WHERE action = 'contact.read' ORDER BY seq LIMIT 1 OFFSET 2",
    )
    .fetch_one(&app.db.superuser)
    .await
    .unwrap();
    // A superuser bypassing the trigger changes who read what.
    let mut conn = app.db.superuser.acquire().await.unwrap();
    sqlx::query("SET session_replication_role = replica")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET actor_id = NULL WHERE seq = $1")
        .bind(victim)
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("SET session_replication_role = origin")
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    let report = verify(&app).await;
    assert_eq!(report.first_broken, Some(victim), "{report:?}");
    assert_eq!(report.entries, victim - 1);
}

#[tokio::test]
async fn the_works_council_sees_pseudonyms_and_reidentification_needs_two_roles() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let seller = app
        .join(&owner, "vera@acme.example", "member", "Vera Vertrieb")
        .await;
    let dpo = app
        .join(&owner, "dora@acme.example", "dpo", "Dora Datenschutz")
        .await;
    let council = app
        .join(
            &owner,
            "bernd@acme.example",
            "works_council",
            "Bernd Betriebsrat",
        )
        .await;
    let council2 = app
        .join(
            &owner,
            "berta@acme.example",
            "works_council",
            "Berta Betriebsrat",
        )
        .await;
    let contact = id_of(
        &app.create_contact(&seller, "Kai", "Kunde", "kai@example.de")
            .await
            .body,
    );
    app.rpc(&seller, "contacts/get", &[("id", &contact)]).await;
    let vera: String = app.rpc(&seller, "me", &[]).await.body["user_id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The DPO sees the employee by name for this customer.
    let dpo_view = app
        .rpc(
            &dpo,
            "audit/page",
            &[("filter[subject]", &contact), ("filter[own]", "false")],
        )
        .await;
    assert_eq!(dpo_view.status, StatusCode::OK, "{:?}", dpo_view.body);
    assert_eq!(dpo_view.body["scope"], "Full");
    let read = dpo_view.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "contact.read")
        .unwrap();
    assert_eq!(read["actor"], "Vera Vertrieb");
    assert_eq!(read["subjects"][0]["label"], "Kunde, Kai");

    // The works council sees the same entry with a pseudonym, and nothing that names her.
    let wc_view = app
        .rpc(&council, "audit/page", &[("filter[own]", "false")])
        .await;
    assert_eq!(wc_view.body["scope"], "Pseudonymised");
    let text = wc_view.body.to_string();
    assert!(
        !text.contains("Vera") && !text.contains(&vera) && !text.contains("vera@"),
        "{text}"
    );
    let entry = wc_view.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "contact.read")
        .unwrap();
    let pseudonym = entry["actor"].as_str().unwrap().to_owned();
    assert!(pseudonym.starts_with("P-"), "{pseudonym}");
    assert_eq!(
        entry["subjects"],
        serde_json::json!([]),
        "no customer names for the works council"
    );
    let again = app
        .rpc(&council2, "audit/page", &[("filter[own]", "false")])
        .await;
    assert!(
        again.body.to_string().contains(&pseudonym),
        "pseudonyms are stable"
    );

    // Re-identification: a request alone reveals nothing, the same role cannot approve.
    let request = app
        .rpc(
            &council,
            "audit/reidentify/request",
            &[
                ("pseudonym", &pseudonym),
                (
                    "reason",
                    "Verdacht auf Missbrauch laut Betriebsvereinbarung",
                ),
            ],
        )
        .await;
    assert_eq!(request.status, StatusCode::OK, "{:?}", request.body);
    let list = app.rpc(&council, "audit/reidentify/list", &[]).await;
    let req = &list.body[0];
    assert_eq!(req["revealed_name"], serde_json::Value::Null);
    let id = req["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.rpc(&council, "audit/reidentify/approve", &[("id", &id)])
            .await
            .status,
        StatusCode::FORBIDDEN,
        "not by the requester"
    );
    assert_eq!(
        app.rpc(&council2, "audit/reidentify/approve", &[("id", &id)])
            .await
            .status,
        StatusCode::FORBIDDEN,
        "not by the same role"
    );
    assert_eq!(
        app.rpc(&seller, "audit/reidentify/approve", &[("id", &id)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.rpc(&dpo, "audit/reidentify/approve", &[("id", &id)])
            .await
            .status,
        StatusCode::OK
    );
    let revealed = app.rpc(&council, "audit/reidentify/list", &[]).await;
    assert_eq!(revealed.body[0]["revealed_name"], "Vera Vertrieb");
    for action in [
        "audit.reidentification_requested",
        "audit.reidentification_approved",
        "audit.reidentification_revealed",
    ] {
        assert_eq!(app.audit_rows(action).await.len(), 1, "{action}");
    }
    assert!(
        !app.audit_rows("audit.viewed").await.is_empty(),
        "viewing the log is logged"
    );
}

#[tokio::test]
async fn owners_see_administration_members_see_their_own_and_exports_are_for_the_dpo() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let seller = app
        .join(&owner, "vera@acme.example", "member", "Vera Vertrieb")
        .await;
    let dpo = app
        .join(&owner, "dora@acme.example", "dpo", "Dora Datenschutz")
        .await;
    let id = id_of(
        &app.create_contact(&seller, "Kai", "Kunde", "kai@example.de")
            .await
            .body,
    );
    app.rpc(&owner, "contacts/get", &[("id", &id)]).await;

    let owner_view = app
        .rpc(&owner, "audit/page", &[("filter[own]", "false")])
        .await;
    assert_eq!(owner_view.body["scope"], "Administrative");
    let actions: Vec<&str> = owner_view.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"team.invitation_created"));
    assert!(
        !actions.contains(&"contact.read") && !actions.contains(&"contact.create"),
        "{actions:?}"
    );

    let own = app
        .rpc(&seller, "audit/page", &[("filter[own]", "false")])
        .await;
    assert_eq!(own.body["scope"], "Own");
    assert!(own.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor"] == "Vera Vertrieb"));

    let export = dpo
        .get(format!(
            "{}/audit/export?format=csv&purpose=data_subject_request&subject={id}",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), StatusCode::OK);
    let csv = export.text().await.unwrap();
    assert!(csv.starts_with("seq,at,actor,action"));
    assert!(
        csv.contains("contact.read") && csv.contains("Erika Mustermann"),
        "{csv}"
    );
    let export_entry = app.audit_rows("audit.exported").await;
    assert_eq!(export_entry.len(), 1);
    let denied = seller
        .get(format!(
            "{}/audit/export?format=json&purpose=data_subject_request",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.rpc(&seller, "audit/verify", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let verified = app.rpc(&dpo, "audit/verify", &[]).await;
    assert_eq!(verified.body["first_broken"], serde_json::Value::Null);
}

#[tokio::test]
async fn no_audit_row_holds_personal_data_in_plaintext() {
    let app = spawn_app().await;
    seed::seed_demo(&app.backend(), 40).await.unwrap();
    let owner = client();
    app.log_in(&owner, "demo", seed::DEMO_OWNER_EMAIL, seed::DEMO_PASSWORD)
        .await;
    app.list_contacts(&owner, &[]).await;
    app.list_contacts(&owner, &[("query[q]", "müller")]).await;
    let rows: Vec<String> = sqlx::query_scalar("SELECT t::text FROM audit_log t")
        .fetch_all(&app.db.superuser)
        .await
        .unwrap();
    assert!(rows.len() > 40);
    let dump = rows.join("\n").to_lowercase();
    assert!(
        !dump.contains("mül") && !dump.contains("muel"),
        "no search text"
    );
    for c in seed::demo_contacts(40, 2026) {
        for value in [c.first_name, c.last_name, c.email, c.phone, c.organisation] {
            assert!(
                !dump.contains(&value.to_lowercase()),
                "{value:?} in the audit log"
            );
        }
    }
    assert!(!dump.contains("inhaberin"), "no employee e-mails either");
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
    let mut conn = app.db.superuser.acquire().await.unwrap();
    sqlx::query("SET session_replication_role = replica")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET at = at - interval '400 days' WHERE seq <= 3")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("SET session_replication_role = origin")
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
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

#[tokio::test]
async fn only_the_owner_changes_log_settings_and_the_change_is_logged() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let seller = app
        .join(&owner, "vera@acme.example", "member", "Vera Vertrieb")
        .await;
    let settings = |days: &'static str| [("retention_days", days), ("admins_see_all", "true")];
    assert_eq!(
        app.rpc(&seller, "audit/settings", &settings("90"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.rpc(&owner, "audit/settings", &settings("10"))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.rpc(&owner, "audit/settings", &settings("90"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(app.audit_rows("audit.settings_changed").await.len(), 1);
    let view = app
        .rpc(&owner, "audit/page", &[("filter[own]", "false")])
        .await;
    assert_eq!(view.body["scope"], "Full", "owners now see the whole log");
}
