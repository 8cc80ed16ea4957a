//! Promise 2: personal data encrypted field by field, still searchable.

use crate::helpers::{
    client, error_body, id_of, random_master_key, spawn_app, start_server, TestApp,
};
use app::backend::auth::throttle::ThrottleLimits;
use app::backend::crypto::KeyStore;
use app::backend::services::keys;
use app::backend::tenancy::begin_for_tenant;
use reqwest::StatusCode;
use server::cli::seed;
use uuid::Uuid;

/// Every row of every table, as text (bytea shows as hex), read as the superuser.
async fn dump_everything(app: &TestApp) -> String {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')",
    )
    .fetch_all(&app.db.superuser)
    .await
    .unwrap();
    let mut dump = String::new();
    for table in tables {
        let rows: Vec<String> = sqlx::query_scalar(&format!("SELECT t::text FROM {table} t"))
            .fetch_all(&app.db.superuser)
            .await
            .unwrap();
        dump.push_str(&rows.join("\n"));
    }
    dump
}

fn hex(value: &str) -> String {
    value.bytes().map(|b| format!("{b:02x}")).collect()
}

async fn key_store(app: &TestApp) -> KeyStore {
    KeyStore::new(app.config.key_ring().unwrap())
}

#[tokio::test]
async fn a_dump_of_every_table_contains_none_of_the_seeded_personal_data() {
    let app = spawn_app().await;
    seed::seed_demo(&app.backend(), 60).await.unwrap();
    let dump = dump_everything(&app).await.to_lowercase();
    assert!(dump.len() > 10_000, "the dump holds the seeded rows");

    let mut values: Vec<String> = Vec::new();
    for contact in seed::demo_contacts(60, 2026) {
        values.extend([
            contact.first_name,
            contact.last_name,
            contact.email,
            contact.phone,
            contact.organisation,
            contact.notes,
        ]);
    }
    values.extend(
        [
            "Ingrid Inhaberin",
            "inhaberin@demo.example",
            "Dora Datenschutz",
            "datenschutz@demo.example",
            "Bernd Betriebsrat",
        ]
        .map(String::from),
    );
    let mut checked = 0;
    for value in values.iter().filter(|v| v.chars().count() >= 4) {
        let lower = value.to_lowercase();
        assert!(
            !dump.contains(&lower),
            "plaintext {value:?} found in the database"
        );
        if value.len() >= 8 {
            assert!(
                !dump.contains(&hex(&lower)) && !dump.contains(&hex(value)),
                "hex of {value:?} found"
            );
        }
        checked += 1;
    }
    assert!(checked > 200, "{checked}");
}

#[tokio::test]
async fn ciphertext_moved_or_tampered_fails_instead_of_showing_wrong_data() {
    let app = spawn_app().await;
    let a = app.owner_of("alpha").await;
    let b = app.owner_of("beta").await;
    let a1 = id_of(
        &app.create_contact(&a, "Anna", "Alpha", "anna@example.de")
            .await
            .body,
    );
    let a2 = id_of(
        &app.create_contact(&a, "Arne", "Amsel", "arne@example.de")
            .await
            .body,
    );
    let b1 = id_of(
        &app.create_contact(&b, "Bea", "Beta", "bea@example.de")
            .await
            .body,
    );
    let su = &app.db.superuser;
    let read = |id: String| {
        let app = &app;
        let a = &a;
        async move { app.rpc(a, "contacts/get", &[("id", &id)]).await }
    };
    assert_eq!(read(a2.clone()).await.status, StatusCode::OK);

    let tamper = |sql: &'static str, target: &str, source: &str| {
        let (target, source) = (
            Uuid::parse_str(target).unwrap(),
            Uuid::parse_str(source).unwrap(),
        );
        async move {
            let original: Vec<u8> =
                sqlx::query_scalar("SELECT last_name_ct FROM contacts WHERE contact_id = $1")
                    .bind(target)
                    .fetch_one(su)
                    .await
                    .unwrap();
            sqlx::query(sql)
                .bind(target)
                .bind(source)
                .execute(su)
                .await
                .unwrap();
            original
        }
    };
    let restore = |id: &str, original: Vec<u8>| {
        let id = Uuid::parse_str(id).unwrap();
        async move {
            sqlx::query("UPDATE contacts SET last_name_ct = $2 WHERE contact_id = $1")
                .bind(id)
                .bind(original)
                .execute(su)
                .await
                .unwrap();
        }
    };
    let cases: [(&str, &'static str, String); 4] = [
        ("another row", "UPDATE contacts SET last_name_ct = (SELECT last_name_ct FROM contacts WHERE contact_id = $2) WHERE contact_id = $1", a1.clone()),
        ("another column", "UPDATE contacts SET last_name_ct = first_name_ct WHERE contact_id = $1 AND $2::uuid IS NOT NULL", a2.clone()),
        ("another tenant", "UPDATE contacts SET last_name_ct = (SELECT last_name_ct FROM contacts WHERE contact_id = $2) WHERE contact_id = $1", b1.clone()),
        ("a flipped bit", "UPDATE contacts SET last_name_ct = set_byte(last_name_ct, 20, get_byte(last_name_ct, 20) # 1) WHERE contact_id = $1 AND $2::uuid IS NOT NULL", a2.clone()),
    ];
    for (what, sql, source) in cases {
        let original = tamper(sql, &a2, &source).await;
        let response = read(a2.clone()).await;
        assert_eq!(response.status, StatusCode::INTERNAL_SERVER_ERROR, "{what}");
        assert_eq!(
            response.body,
            error_body("internal"),
            "{what}: no garbage, no details"
        );
        restore(&a2, original).await;
        assert_eq!(
            read(a2.clone()).await.body["last_name"],
            "Amsel",
            "{what}: restored"
        );
    }
    // A ciphertext that names another key version is refused too.
    let original = tamper("UPDATE contacts SET last_name_ct = set_byte(last_name_ct, 4, 2) WHERE contact_id = $1 AND $2::uuid IS NOT NULL", &a2, &a1).await;
    assert_eq!(
        read(a2.clone()).await.status,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    restore(&a2, original).await;
}

#[tokio::test]
async fn the_same_email_has_different_blind_indexes_in_two_tenants() {
    let app = spawn_app().await;
    let (a, b) = (client(), client());
    app.sign_up(&a, "alpha", "same@example.de").await;
    app.sign_up(&b, "beta", "same@example.de").await;
    app.create_contact(&a, "Sam", "Same", "kunde@example.de")
        .await;
    app.create_contact(&b, "Sam", "Same", "kunde@example.de")
        .await;
    for table in ["users", "contacts"] {
        let fingerprints: Vec<Vec<u8>> =
            sqlx::query_scalar(&format!("SELECT DISTINCT email_bidx FROM {table}"))
                .fetch_all(&app.db.superuser)
                .await
                .unwrap();
        assert_eq!(fingerprints.len(), 2, "{table}: one fingerprint per tenant");
    }
    assert_eq!(
        app.log_in(
            &client(),
            "beta",
            "same@example.de",
            crate::helpers::PASSWORD
        )
        .await
        .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn rotating_a_tenant_key_rewraps_keys_only_and_reads_keep_working() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    for i in 0..30 {
        app.create_contact(
            &owner,
            &format!("Vorname{i}"),
            "Rotation",
            &format!("r{i}@example.de"),
        )
        .await;
    }
    let fingerprint = "SELECT md5(string_agg(c::text, '|' ORDER BY contact_id)) FROM contacts c";
    let before: String = sqlx::query_scalar(fingerprint)
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();

    let reads = async {
        let mut ok = 0;
        for _ in 0..20 {
            let page = app.list_contacts(&owner, &[]).await;
            assert_eq!(page.status, StatusCode::OK);
            assert_eq!(page.body["items"].as_array().unwrap().len(), 30);
            ok += 1;
        }
        ok
    };
    let rotation = app.rpc(&owner, "keys/rotate", &[]);
    let (reads_done, rotation) = tokio::join!(reads, rotation);
    assert_eq!(reads_done, 20, "reads kept working during the rotation");
    assert_eq!(rotation.status, StatusCode::OK, "{:?}", rotation.body);
    assert_eq!(rotation.body["version"], 2);
    assert_eq!(rotation.body["rewrapped"], 31, "30 contacts and the owner");

    let after: String = sqlx::query_scalar(fingerprint)
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();
    assert_eq!(before, after, "no data row was rewritten");
    let old: i64 =
        sqlx::query_scalar("SELECT count(*) FROM subject_keys WHERE tenant_key_version <> 2")
            .fetch_one(&app.db.superuser)
            .await
            .unwrap();
    assert_eq!(old, 0);
    let page = app.list_contacts(&owner, &[("query[q]", "rotation")]).await;
    assert_eq!(page.body["total"], 30, "blind indexes survive a rotation");
    assert_eq!(app.rpc(&owner, "me", &[]).await.status, StatusCode::OK);

    // Members may not rotate.
    sqlx::query("UPDATE users SET role = 'member'")
        .execute(&app.db.superuser)
        .await
        .unwrap();
    assert_eq!(
        app.rpc(&owner, "keys/rotate", &[]).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn rotating_the_master_key_rewraps_tenant_keys_and_the_old_key_is_no_longer_needed() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let id = id_of(
        &app.create_contact(&owner, "Mia", "Master", "mia@example.de")
            .await
            .body,
    );
    let before: String = sqlx::query_scalar("SELECT md5(string_agg(c::text, '|')) FROM contacts c")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();

    let mut rotated = app.config.clone();
    rotated.previous_master_keys = vec![rotated.master_key.take().unwrap()];
    rotated.master_key = Some(random_master_key());
    let store = KeyStore::new(rotated.key_ring().unwrap());
    let moved = keys::rotate_master_key(&app.db.superuser, &app.db.app, &store)
        .await
        .unwrap();
    assert_eq!(moved, 1);
    let after: String = sqlx::query_scalar("SELECT md5(string_agg(c::text, '|')) FROM contacts c")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();
    assert_eq!(before, after, "no data row was rewritten");

    // A server that knows only the new master key reads everything.
    let mut only_new = rotated.clone();
    only_new.previous_master_keys.clear();
    only_new.listen = "127.0.0.1:0".parse().unwrap();
    let address = start_server(only_new, ThrottleLimits::default()).await;
    let c = client();
    let login = c
        .post(format!("{address}/rpc/login"))
        .form(&[
            ("input[workspace]", "acme"),
            ("input[email]", "owner@acme.example"),
            ("input[password]", crate::helpers::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let contact: serde_json::Value = c
        .post(format!("{address}/rpc/contacts/get"))
        .form(&[("id", &id)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(contact["last_name"], "Master");
}

#[tokio::test]
async fn erasing_a_contact_shreds_its_key_so_old_copies_stay_unreadable() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let id = id_of(
        &app.create_contact(&owner, "Erna", "Erased", "erna@example.de")
            .await
            .body,
    );
    let contact_id = Uuid::parse_str(&id).unwrap();
    let su = &app.db.superuser;
    // The "old backup": a copy of the contact's row taken before the erasure.
    sqlx::query("CREATE TABLE backup AS SELECT * FROM contacts WHERE contact_id = $1")
        .bind(contact_id)
        .execute(su)
        .await
        .unwrap();

    assert_eq!(
        app.rpc(&owner, "contacts/delete", &[("id", &id)])
            .await
            .status,
        StatusCode::OK
    );
    let left: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM subject_keys WHERE subject_id = $1) + (SELECT count(*) FROM contact_search_tokens WHERE contact_id = $1)",
    )
    .bind(contact_id).fetch_one(su).await.unwrap();
    assert_eq!(left, 0, "key and index tokens are gone");

    // Restoring the backup brings back ciphertext nobody can read any more.
    sqlx::query("INSERT INTO contacts SELECT * FROM backup")
        .execute(su)
        .await
        .unwrap();
    let restored = app.rpc(&owner, "contacts/get", &[("id", &id)]).await;
    assert_eq!(restored.status, StatusCode::INTERNAL_SERVER_ERROR);
    let tenant_id: Uuid =
        sqlx::query_scalar("SELECT tenant_id FROM contacts WHERE contact_id = $1")
            .bind(contact_id)
            .fetch_one(su)
            .await
            .unwrap();
    let store = key_store(&app).await;
    let mut tx = begin_for_tenant(&app.db.app, tenant_id).await.unwrap();
    assert!(
        store
            .subject_key(&mut tx, tenant_id, contact_id)
            .await
            .is_err(),
        "the key store cannot produce the key"
    );
    let page = app.list_contacts(&owner, &[]).await;
    assert_eq!(
        page.body["items"].as_array().unwrap().len(),
        0,
        "unreadable rows are not listed"
    );
}
