//! Promise 3: every access to personal data is audited, append-only and hash-chained;
//! the works council sees employees only as pseudonyms.

mod against_the_owner;
mod chain;
mod four_eyes;
mod review;
mod sealing;
mod trail;

use crate::helpers::TestApp;
use app::backend::audit::integrity;
use app::backend::crypto::KeyStore;
use app::backend::tenancy::begin_for_tenant;
use uuid::Uuid;

pub async fn tenant_id(app: &TestApp) -> Uuid {
    sqlx::query_scalar("SELECT tenant_id FROM tenants LIMIT 1")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap()
}

pub async fn verify(app: &TestApp) -> app::model::audit::VerifyReport {
    let store = KeyStore::new(app.config.key_ring().unwrap());
    let tenant = tenant_id(app).await;
    let mut tx = begin_for_tenant(&app.db.app, tenant).await.unwrap();
    integrity::verify(&mut tx, &store, tenant).await.unwrap()
}
