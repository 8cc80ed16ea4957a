//! Promise 2: personal data encrypted field by field, still searchable.

use crate::helpers::{call_at, client, random_master_key, spawn_app, start_server, TestApp};
use app::api::contacts::{DeleteContact, GetContact};
use app::api::identity::LogIn;
use app::api::keys::RotateWorkspaceKey;
use app::backend::auth::throttle::ThrottleLimits;
use app::backend::crypto::KeyStore;
use app::backend::services::keys;
use app::backend::tenancy::begin_for_tenant;
use app::model::contacts::ContactListQuery;
use app::model::identity::LoginInput;
use app::AppError;
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
    app.config.key_store().unwrap()
}

#[tokio::test]
async fn a_dump_of_every_table_contains_none_of_the_seeded_personal_data() {
    let app = spawn_app().await;
    seed::seed_demo(&app.backend(), 60).await.unwrap();
    let dump = dump_everything(&app).await.to_lowercase();
    assert!(dump.len() > 10_000, "the dump holds the seeded rows");

    let mut values: Vec<String> = Vec::new();
    for contact in seed::demo_contacts(60, 2026) {
        values.extend(contact.emails.iter().map(|e| e.address.clone()));
        values.extend(contact.phones.iter().map(|p| p.number.clone()));
        values.extend([
            contact.first_name,
            contact.last_name,
            contact.position,
            contact.address.street,
            contact.birthday,
            contact.notes,
        ]);
    }
    for org in seed::demo_organisations(2026).into_iter().take(10) {
        values.extend([
            org.name,
            org.website,
            org.email,
            org.phone,
            org.vat_id,
            org.billing_address.street,
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
    // A position like "Marketing" is also a role's stored code, which is no personal data.
    let is_role_code = |v: &str| app::model::identity::Role::parse(&v.to_lowercase()).is_some();
    for value in values
        .iter()
        .filter(|v| v.chars().count() >= 4 && !is_role_code(v))
    {
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
    let new = |c, first, last, email| {
        let app = &app;
        async move {
            app.create_contact(c, first, last, email)
                .await
                .ok()
                .id
                .to_string()
        }
    };
    let a1 = new(&a, "Anna", "Alpha", "anna@example.de").await;
    let a2 = new(&a, "Arne", "Amsel", "arne@example.de").await;
    let b1 = new(&b, "Bea", "Beta", "bea@example.de").await;
    let su = &app.db.superuser;
    let read = |id: String| {
        let app = &app;
        let a = &a;
        let id = Uuid::parse_str(&id).unwrap();
        async move { app.call(a, GetContact { id }).await }
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
            response.err(),
            AppError::Internal,
            "{what}: no garbage, no details"
        );
        let listed: Vec<String> = app
            .list_contacts(&a, ContactListQuery::default())
            .await
            .ok()
            .items
            .into_iter()
            .map(|c| c.id.to_string())
            .collect();
        assert_eq!(
            listed,
            std::slice::from_ref(&a1),
            "{what}: the list leaves out only the bad row"
        );
        restore(&a2, original).await;
        assert_eq!(
            read(a2.clone()).await.ok().input.last_name,
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
    app.sign_up(&a, "alpha", "same@example.de").await.ok();
    app.sign_up(&b, "beta", "same@example.de").await.ok();
    app.create_contact(&a, "Sam", "Same", "kunde@example.de")
        .await
        .ok();
    app.create_contact(&b, "Sam", "Same", "kunde@example.de")
        .await
        .ok();
    for (table, column) in [
        ("users", "email_bidx"),
        ("fingerprints WHERE kind = 1", "bidx"),
    ] {
        let fingerprints: Vec<Vec<u8>> =
            sqlx::query_scalar(&format!("SELECT DISTINCT {column} FROM {table}"))
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
        let email = format!("r{i}@example.de");
        app.create_contact(&owner, &format!("Vorname{i}"), "Rotation", &email)
            .await
            .ok();
    }
    let fingerprint = "SELECT md5(string_agg(c::text, '|' ORDER BY contact_id)) FROM contacts c";
    let before: String = sqlx::query_scalar(fingerprint)
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();

    let reads = async {
        let mut ok = 0;
        for _ in 0..20 {
            let page = app
                .list_contacts(&owner, ContactListQuery::default())
                .await
                .ok();
            assert_eq!(page.items.len(), 30);
            ok += 1;
        }
        ok
    };
    let rotation = app.call(&owner, RotateWorkspaceKey {});
    let (reads_done, rotation) = tokio::join!(reads, rotation);
    assert_eq!(reads_done, 20, "reads kept working during the rotation");
    let rotation = rotation.ok();
    assert_eq!(rotation.version, 2);
    assert_eq!(rotation.rewrapped, 31, "30 contacts and the owner");

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
    let page = app.search_contacts(&owner, "rotation").await.ok();
    assert_eq!(page.total, 30, "blind indexes survive a rotation");
    app.me(&owner).await;

    // Members may not rotate.
    app.set_role_in_database("member", None).await;
    assert_eq!(
        app.call(&owner, RotateWorkspaceKey {}).await.err(),
        AppError::Forbidden
    );
}

#[tokio::test]
async fn rotating_the_master_key_rewraps_tenant_keys_and_the_old_key_is_no_longer_needed() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let id = app
        .create_contact(&owner, "Mia", "Master", "mia@example.de")
        .await
        .ok()
        .id;
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
    let input = LoginInput {
        workspace: "acme".into(),
        email: "owner@acme.example".into(),
        password: crate::helpers::PASSWORD.into(),
    };
    call_at(&address, &c, LogIn { input }).await.ok();
    let contact = call_at(&address, &c, GetContact { id }).await.ok();
    assert_eq!(contact.input.last_name, "Master");
}

#[tokio::test]
async fn erasing_a_contact_shreds_its_key_so_old_copies_stay_unreadable() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let contact_id = app
        .create_contact(&owner, "Erna", "Erased", "erna@example.de")
        .await
        .ok()
        .id;
    let su = &app.db.superuser;
    // The "old backup": a copy of the contact's row taken before the erasure.
    sqlx::query("CREATE TABLE backup AS SELECT * FROM contacts WHERE contact_id = $1")
        .bind(contact_id)
        .execute(su)
        .await
        .unwrap();

    app.call(&owner, DeleteContact { id: contact_id })
        .await
        .ok();
    let left: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM subject_keys WHERE subject_id = $1) + (SELECT count(*) FROM search_tokens WHERE record_id = $1) + (SELECT count(*) FROM fingerprints WHERE record_id = $1)",
    )
    .bind(contact_id).fetch_one(su).await.unwrap();
    assert_eq!(left, 0, "key and index tokens are gone");

    // Restoring the backup brings back ciphertext nobody can read any more.
    sqlx::query("INSERT INTO contacts SELECT * FROM backup")
        .execute(su)
        .await
        .unwrap();
    let restored = app.call(&owner, GetContact { id: contact_id }).await;
    assert_eq!(
        restored.status,
        StatusCode::NOT_FOUND,
        "erased: gone, not a fault"
    );
    assert_eq!(restored.err(), AppError::NotFound);
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
    let page = app
        .list_contacts(&owner, ContactListQuery::default())
        .await
        .ok();
    assert_eq!(page.items.len(), 0, "unreadable rows are not listed");
}

/// docs/security.md §5: a reader of the index sees opaque tokens per record, nothing
/// that says which is a whole word and which a prefix (that told word counts and
/// lengths outright).
#[tokio::test]
async fn a_search_token_row_says_nothing_but_which_record_it_points_at() {
    let app = spawn_app().await;
    let columns: Vec<String> = sqlx::query_scalar(
        "SELECT column_name::text FROM information_schema.columns
         WHERE table_name = 'search_tokens' ORDER BY ordinal_position",
    )
    .fetch_all(&app.db.superuser)
    .await
    .unwrap();
    assert_eq!(columns, ["tenant_id", "token", "record_kind", "record_id"]);
}
