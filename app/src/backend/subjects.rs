//! The registry of data-subject kinds. Each area that stores personal data about
//! people registers how a reviewer sees such a person; the audit review (and later
//! the data-subject access export and erasure) iterate this list instead of reading
//! other areas' tables.

use crate::backend::crypto::KeyStore;
use crate::backend::services::{contacts, identity};
use crate::AppResult;
use sqlx::PgConnection;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use uuid::Uuid;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Display names of those among `ids` that are subjects of one kind (erased ones and
/// other kinds' ids are absent).
pub type LabelFn = for<'a> fn(
    &'a mut PgConnection,
    &'a KeyStore,
    Uuid,
    &'a [Uuid],
) -> BoxFuture<'a, AppResult<HashMap<Uuid, String>>>;

pub struct SubjectKind {
    /// Stable name, e.g. `contact`.
    pub name: &'static str,
    pub labels: LabelFn,
}

/// Every kind of data subject. A new area with personal data adds one line.
pub const KINDS: &[SubjectKind] = &[contacts::SUBJECT_KIND, identity::EMPLOYEE_SUBJECT_KIND];

/// Labels for `ids`, whatever their kind.
pub async fn labels(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, String>> {
    let mut labels = HashMap::new();
    for kind in KINDS {
        let missing: Vec<Uuid> = ids
            .iter()
            .filter(|id| !labels.contains_key(*id))
            .copied()
            .collect();
        if missing.is_empty() {
            break;
        }
        labels.extend((kind.labels)(conn, keys, tenant_id, &missing).await?);
    }
    Ok(labels)
}
