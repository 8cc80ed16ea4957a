//! Promise 1: tenant isolation by forced row-level security, failing closed.

use crate::helpers::{client, TestApp, TestDb};
use app::backend::tenancy::begin_for_tenant;
use reqwest::StatusCode;
use sqlx::Row;
use uuid::Uuid;

/// Two tenants with one contact each, inserted through the app role.
async fn two_tenants(db: &TestDb) -> (Uuid, Uuid) {
    let mut ids = vec![];
    for slug in ["tenant-a", "tenant-b"] {
        let tenant = Uuid::now_v7();
        let user = Uuid::now_v7();
        let mut tx = begin_for_tenant(&db.app, tenant).await.unwrap();
        sqlx::query("INSERT INTO tenants (tenant_id, slug, name) VALUES ($1, $2, $2)")
            .bind(tenant)
            .bind(slug)
            .execute(&mut *tx)
            .await
            .unwrap();
        // Placeholder bytes stand in for ciphertext: these tests are about isolation.
        sqlx::query("INSERT INTO users (tenant_id, user_id, email_ct, email_bidx, display_name_ct, password_hash, role) VALUES ($1, $2, '\\x00', 'same-fingerprint', '\\x00', 'x', 'owner')")
            .bind(tenant).bind(user).execute(&mut *tx).await.unwrap();
        let contact = Uuid::now_v7();
        sqlx::query("INSERT INTO contacts (tenant_id, contact_id, first_name_ct, last_name_ct, created_by) VALUES ($1, $2, '\\x00', convert_to($3, 'UTF8'), $4)")
            .bind(tenant).bind(contact).bind(slug).bind(user).execute(&mut *tx).await.unwrap();
        sqlx::query("INSERT INTO fingerprints (tenant_id, kind, bidx, record_kind, record_id) VALUES ($1, 1, 'same-fingerprint', 1, $2)")
            .bind(tenant).bind(contact).execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        ids.push(tenant);
    }
    (ids[0], ids[1])
}

#[tokio::test]
async fn every_tenant_table_has_forced_rls_with_a_tenant_policy_and_tenant_leading_keys() {
    let db = TestDb::new().await;
    let tables: Vec<(String, String, bool, bool)> = sqlx::query_as(
        "SELECT n.nspname, c.relname, c.relrowsecurity, c.relforcerowsecurity
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p')
           AND n.nspname NOT IN ('pg_catalog', 'information_schema')
           AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)",
    )
    .fetch_all(&db.superuser)
    .await
    .unwrap();
    let names: Vec<&str> = tables.iter().map(|t| t.1.as_str()).collect();
    for expected in [
        "tenants",
        "users",
        "invitations",
        "contacts",
        "tenant_keys",
        "subject_keys",
        "search_tokens",
        "fingerprints",
        "organisations",
        "contact_stages",
        "interactions",
        "interaction_links",
        "tasks",
        "appointments",
        "appointment_participants",
        "calendar_feeds",
        "merges",
        "jobs",
        "imports",
        "import_rows",
        "smtp_settings",
        "mail_templates",
        "user_profiles",
        "outbound_mails",
        "capture_policies",
        "mailboxes",
        "saved_views",
        "erasures_pending",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    for (schema, table, enabled, forced) in &tables {
        assert!(
            *enabled && *forced,
            "{schema}.{table}: RLS must be enabled and forced"
        );
        let policies: Vec<(Option<String>, Option<String>, String)> = sqlx::query_as(
            "SELECT qual, with_check, cmd FROM pg_policies WHERE schemaname = $1 AND tablename = $2 AND roles @> ARRAY['public']::name[]",
        )
        .bind(schema)
        .bind(table)
        .fetch_all(&db.superuser)
        .await
        .unwrap();
        assert!(
            policies.iter().any(|(using, check, cmd)| cmd == "ALL"
                && using.as_deref().is_some_and(|q| q.contains("app_current_tenant()"))
                && check.as_deref().is_some_and(|q| q.contains("app_current_tenant()"))),
            "{schema}.{table}: needs a policy for all commands with USING and WITH CHECK on the tenant: {policies:?}"
        );
        // Primary key, unique and foreign keys lead with tenant_id (the slug is the one exception).
        let keys: Vec<(String, String)> = sqlx::query_as(
            "SELECT con.conname, a.attname
             FROM pg_constraint con
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
             WHERE con.conrelid = format('%I.%I', $1::text, $2::text)::regclass AND con.contype IN ('p', 'u', 'f')",
        )
        .bind(schema)
        .bind(table)
        .fetch_all(&db.superuser)
        .await
        .unwrap();
        for (constraint, first_column) in keys {
            if constraint == "tenants_slug_key" {
                continue;
            }
            assert_eq!(
                first_column, "tenant_id",
                "{schema}.{table}: {constraint} must lead with tenant_id"
            );
        }
    }
}

/// Tables without `tenant_id` escape the catalog test above; the application may
/// reach only these, each reviewed: why it is shared by all tenants and what
/// guards it instead.
const REVIEWED_SHARED_TABLES: &[&str] = &[
    // Session records: keyed by a random id the client holds; the tenant is inside
    // the signed-in record, which every request checks against its scope.
    // Counters of sign-in attempts and API requests: keyed by hashes of an account,
    // a client network or a token, holding no data of any tenant but a count.
    "public.rate_limits",
    "tower_sessions.session",
];

#[tokio::test]
async fn every_table_the_application_reaches_without_tenant_id_is_reviewed() {
    let db = TestDb::new().await;
    let shared: Vec<String> = sqlx::query_scalar(
        "SELECT n.nspname || '.' || c.relname
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p')
           AND n.nspname NOT IN ('pg_catalog', 'information_schema')
           AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
           AND has_table_privilege('tessera_app', c.oid, 'SELECT, INSERT, UPDATE, DELETE')
         ORDER BY 1",
    )
    .fetch_all(&db.superuser)
    .await
    .unwrap();
    assert_eq!(
        shared, REVIEWED_SHARED_TABLES,
        "a table the application reaches without tenant_id needs forced RLS or a review here"
    );
}

#[tokio::test]
async fn the_application_role_is_unprivileged_and_owns_nothing() {
    let db = TestDb::new().await;
    let row = sqlx::query("SELECT current_user::text AS who, r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb FROM pg_roles r WHERE r.rolname = current_user")
        .fetch_one(&db.app)
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>("who"), "tessera_app");
    assert!(!row.get::<bool, _>("rolsuper"));
    assert!(!row.get::<bool, _>("rolbypassrls"));
    assert!(!row.get::<bool, _>("rolcreaterole"));
    assert!(!row.get::<bool, _>("rolcreatedb"));
    let owned: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM pg_class WHERE relowner = 'tessera_app'::regrole)
              + (SELECT count(*) FROM pg_proc WHERE proowner = 'tessera_app'::regrole)
              + (SELECT count(*) FROM pg_namespace WHERE nspowner = 'tessera_app'::regrole)",
    )
    .fetch_one(&db.superuser)
    .await
    .unwrap();
    assert_eq!(
        owned, 0,
        "tessera_app must own no relation, function or schema"
    );
    // The definer function is the allowlist: no other SECURITY DEFINER function exists.
    let definers: Vec<String> = sqlx::query_scalar(
        "SELECT p.proname::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE p.prosecdef AND n.nspname = 'public' ORDER BY 1",
    )
    .fetch_all(&db.superuser)
    .await
    .unwrap();
    assert_eq!(
        definers,
        [
            "audit_purge_expired",
            "audit_seal",
            "audit_unanchored_tenants",
            "audit_unsealed_tenants",
            "auth_tenant_id_for_slug",
            "erasure_epoch_stale_tenants",
            "erasure_epochs_in_use",
            "erasure_pending_tenants",
            "maintenance_tenant_ids",
            "worker_due_jobs"
        ]
    );
    // The sealer's lookup answers with tenant ids only, and sealing takes no
    // argument: it seals the transaction's own tenant and nothing else.
    let sealer: (String, String) = sqlx::query_as(
        "SELECT pg_get_function_result('audit_unsealed_tenants()'::regprocedure),
                pg_get_function_arguments('audit_seal()'::regprocedure)",
    )
    .fetch_one(&db.superuser)
    .await
    .unwrap();
    assert_eq!(sealer, ("SETOF uuid".to_string(), String::new()));
    // The worker's lookup across tenants answers with ids and nothing else.
    let columns: String = sqlx::query_scalar(
        "SELECT pg_get_function_result('worker_due_jobs(integer)'::regprocedure)",
    )
    .fetch_one(&db.superuser)
    .await
    .unwrap();
    assert_eq!(columns, "TABLE(tenant_id uuid, job_id uuid)");
    let app_may_list_tenants: bool = sqlx::query_scalar(
        "SELECT has_function_privilege('tessera_app', 'maintenance_tenant_ids()', 'EXECUTE')",
    )
    .fetch_one(&db.superuser)
    .await
    .unwrap();
    assert!(!app_may_list_tenants, "only the owner may list tenants");
    let unpinned: Vec<String> = sqlx::query_scalar(
        "SELECT p.proname::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE p.prosecdef AND n.nspname = 'public'
           AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')",
    )
    .fetch_all(&db.superuser)
    .await
    .unwrap();
    assert!(
        unpinned.is_empty(),
        "definer functions without a pinned search_path: {unpinned:?}"
    );
}

#[tokio::test]
async fn a_tenant_cannot_read_or_write_another_tenants_rows() {
    let db = TestDb::new().await;
    let (a, b) = two_tenants(&db).await;
    let mut tx = begin_for_tenant(&db.app, a).await.unwrap();

    let forged: i64 = sqlx::query_scalar("SELECT count(*) FROM contacts WHERE tenant_id = $1")
        .bind(b)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(forged, 0, "a forged WHERE tenant_id = B returns nothing");
    let all: Vec<Uuid> = sqlx::query_scalar("SELECT tenant_id FROM contacts")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(all, vec![a]);
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(users, 1);

    let updated = sqlx::query("UPDATE contacts SET last_name_ct = 'hijacked' WHERE tenant_id = $1")
        .bind(b)
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(updated, 0, "B's rows are invisible to UPDATE");
    let deleted = sqlx::query("DELETE FROM contacts WHERE tenant_id = $1")
        .bind(b)
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(deleted, 0);
    let moved = sqlx::query("UPDATE contacts SET tenant_id = $1")
        .bind(b)
        .execute(&mut *tx)
        .await;
    assert!(
        moved.is_err(),
        "moving a row into B violates the policy's WITH CHECK"
    );
    drop(tx);

    let mut tx = begin_for_tenant(&db.app, a).await.unwrap();
    let insert = sqlx::query("INSERT INTO contacts (tenant_id, contact_id, first_name_ct, last_name_ct, created_by) SELECT $1, $2, 'X', 'Y', user_id FROM users")
        .bind(b).bind(Uuid::now_v7()).execute(&mut *tx).await;
    let err = insert.expect_err("inserting into B fails");
    assert!(err.to_string().contains("row-level security"), "{err}");
    drop(tx);

    let untouched: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM contacts WHERE tenant_id = $1 AND last_name_ct = convert_to('tenant-b', 'UTF8')",
    )
    .bind(b)
    .fetch_one(&db.superuser)
    .await
    .unwrap();
    assert_eq!(untouched, 1);
}

#[tokio::test]
async fn without_tenant_context_nothing_is_visible_and_writes_fail() {
    let db = TestDb::new().await;
    let (a, _) = two_tenants(&db).await;
    let mut tx = db.app.begin().await.unwrap();
    for table in [
        "tenants",
        "users",
        "invitations",
        "contacts",
        "tenant_keys",
        "subject_keys",
        "search_tokens",
        "fingerprints",
        "organisations",
    ] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert_eq!(n, 0, "{table} without tenant context");
    }
    let insert =
        sqlx::query("INSERT INTO tenants (tenant_id, slug, name) VALUES ($1, 'x-corp', 'X')")
            .bind(a)
            .execute(&mut *tx)
            .await;
    assert!(insert.is_err(), "writes without a tenant fail");
    drop(tx);

    // After a scoped transaction ends, the same pooled connection is unscoped again.
    let pool = TestDb::with_app_pool_size(1).await;
    let (a, _) = two_tenants(&pool).await;
    let mut tx = begin_for_tenant(&pool.app, a).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM contacts")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(n, 1);
    tx.commit().await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM contacts")
        .fetch_one(&pool.app)
        .await
        .unwrap();
    assert_eq!(n, 0, "the tenant setting is transaction-local");
}

#[tokio::test]
async fn uniqueness_is_per_tenant() {
    let db = TestDb::new().await;
    // two_tenants gives both tenants a user and a contact with the same e-mail fingerprint.
    two_tenants(&db).await;
    let users: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE email_bidx = 'same-fingerprint'")
            .fetch_one(&db.superuser)
            .await
            .unwrap();
    let contacts: i64 =
        sqlx::query_scalar("SELECT count(*) FROM fingerprints WHERE bidx = 'same-fingerprint'")
            .fetch_one(&db.superuser)
            .await
            .unwrap();
    assert_eq!((users, contacts), (2, 2));
}

#[tokio::test]
async fn a_thousand_alternating_requests_over_one_connection_never_mix_tenants() {
    let app = TestApp::builder().pool_size(1).spawn().await;
    let (alice, bob) = (client(), client());
    assert_eq!(
        app.sign_up(&alice, "alpha", "a@alpha.example").await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.sign_up(&bob, "beta", "b@beta.example").await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.create_contact(&alice, "Anna", "Alpha", "anna@alpha.example")
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.create_contact(&bob, "Bernd", "Beta", "bernd@beta.example")
            .await
            .status,
        StatusCode::OK
    );

    for i in 0..1000 {
        let (who, expected) = if i % 2 == 0 {
            (&alice, "Alpha")
        } else {
            (&bob, "Beta")
        };
        let page = app.list_contacts(who, Default::default()).await.ok();
        let names: Vec<&str> = page.items.iter().map(|c| c.last_name.as_str()).collect();
        assert_eq!(names, [expected], "request {i}");
    }
}

/// The path past one database (docs/scaling.md) distributes every tenant table by
/// `tenant_id` with Citus. That needs each unique index to contain `tenant_id`, and
/// each foreign key between tenant tables to join on `tenant_id` on both sides, so
/// that a tenant's rows and their checks stay on one shard.
#[tokio::test]
async fn the_schema_stays_distributable_by_tenant() {
    let db = TestDb::new().await;
    let unique_without_tenant: Vec<String> = sqlx::query_scalar(
        "SELECT i.indexrelid::regclass::text
         FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
         WHERE i.indisunique AND c.relnamespace = 'public'::regnamespace
           AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id')
           AND NOT EXISTS (SELECT 1 FROM pg_attribute a
                           WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND a.attnum = ANY (i.indkey))
           AND i.indexrelid::regclass::text <> 'tenants_slug_key'
         ORDER BY 1",
    )
    .fetch_all(&db.superuser)
    .await
    .unwrap();
    assert!(
        unique_without_tenant.is_empty(),
        "unique indexes without tenant_id cannot be distributed: {unique_without_tenant:?}"
    );
    // Foreign keys: the referencing and the referenced side both use tenant_id, in
    // the same position; no shared table points into a tenant table.
    let foreign_keys: Vec<(String, String, String, bool, bool)> = sqlx::query_as(
        "SELECT con.conname::text, con.conrelid::regclass::text, con.confrelid::regclass::text,
                EXISTS (SELECT 1 FROM unnest(con.conkey, con.confkey) AS k(local, referenced)
                        JOIN pg_attribute l ON l.attrelid = con.conrelid AND l.attnum = k.local
                        JOIN pg_attribute r ON r.attrelid = con.confrelid AND r.attnum = k.referenced
                        WHERE l.attname = 'tenant_id' AND r.attname = 'tenant_id'),
                EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = con.conrelid AND a.attname = 'tenant_id')
         FROM pg_constraint con
         WHERE con.contype = 'f' AND con.connamespace = 'public'::regnamespace
         ORDER BY 1",
    )
    .fetch_all(&db.superuser)
    .await
    .unwrap();
    assert!(foreign_keys.len() > 20, "{foreign_keys:?}");
    for (name, from, to, joins_on_tenant, from_tenant_table) in foreign_keys {
        assert!(
            from_tenant_table,
            "{name}: the shared table {from} must not reference {to}"
        );
        assert!(
            joins_on_tenant,
            "{name}: {from} → {to} must join on tenant_id on both sides"
        );
    }
}
