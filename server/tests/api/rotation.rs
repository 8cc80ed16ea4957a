//! Tenant key rotation ends with every subject key on the new version and the old
//! versions retired, also when requests hold keys while it runs.

use crate::helpers::spawn_app;
use app::backend::crypto::KeyStore;
use app::backend::services::keys::rotate_tenant_key;
use app::model::contacts::ContactListQuery;
use uuid::Uuid;

#[tokio::test]
async fn a_rotation_waits_for_keys_in_use_and_then_retires_the_old_versions() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    for i in 0..5 {
        app.create_contact(&owner, &format!("K{i}"), "Schlüssel", "")
            .await;
    }
    let tenant: Uuid = sqlx::query_scalar("SELECT tenant_id FROM tenants")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();
    let keys = KeyStore::new(app.config.key_ring().unwrap());
    let first = rotate_tenant_key(&app.db.app, &keys, tenant).await.unwrap();
    assert_eq!(
        (first.version, first.retired),
        (2, 0),
        "only the root is older"
    );

    // A request holds one contact's key while the second rotation runs.
    let mut holder = app.db.superuser.begin().await.unwrap();
    sqlx::query(
        "SELECT 1 FROM subject_keys WHERE subject_id = (SELECT contact_id FROM contacts ORDER BY contact_id LIMIT 1) FOR UPDATE",
    )
    .execute(&mut *holder)
    .await
    .unwrap();
    let rotation = tokio::spawn({
        let (pool, keys) = (
            app.db.app.clone(),
            KeyStore::new(app.config.key_ring().unwrap()),
        );
        async move { rotate_tenant_key(&pool, &keys, tenant).await.unwrap() }
    });
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    assert!(
        !rotation.is_finished(),
        "the rotation waits for the held key"
    );
    holder.commit().await.unwrap();
    let second = rotation.await.unwrap();
    assert_eq!((second.version, second.retired), (3, 1));

    let versions: Vec<i32> = sqlx::query_scalar("SELECT version FROM tenant_keys ORDER BY version")
        .fetch_all(&app.db.superuser)
        .await
        .unwrap();
    assert_eq!(versions, [1, 3], "version 2 is gone; the root stays");
    let left: i64 = app
        .count("SELECT count(*) FROM subject_keys WHERE tenant_key_version <> 3")
        .await;
    assert_eq!(left, 0);
    let page = app
        .list_contacts(&owner, ContactListQuery::default())
        .await
        .ok();
    assert_eq!(page.items.len(), 5, "every contact still opens");
    // Neither the root nor the current version can be deleted, even by the application.
    for version in [1, 3] {
        let mut tx = app::backend::tenancy::begin_for_tenant(&app.db.app, tenant)
            .await
            .unwrap();
        let refused = sqlx::query("DELETE FROM tenant_keys WHERE version = $1")
            .bind(version)
            .execute(&mut *tx)
            .await;
        assert!(refused.is_err(), "version {version}");
    }
}
