//! The registry of data-subject kinds. Each area that stores personal data about
//! people registers how a reviewer sees such a person, how everything about them is
//! exported (GDPR Art. 15) and how they are erased (Art. 17). The audit review, and the
//! data-protection tools, iterate this list instead of reading other areas' tables.

use crate::backend::crypto::KeyStore;
use crate::backend::services::{contacts, organisations, team};
use crate::backend::Scope;
use crate::model::audit::DataSubject;
use crate::{AppError, AppResult};
use sqlx::PgConnection;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use uuid::Uuid;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Display names of those among `ids` that are subjects of this kind (erased ones and
/// other kinds' ids are absent). Works on a bare tenant transaction: the caller has
/// already decided who may see names.
pub type LabelFn = for<'a> fn(
    &'a mut PgConnection,
    &'a KeyStore,
    Uuid,
    &'a [Uuid],
) -> BoxFuture<'a, AppResult<HashMap<Uuid, String>>>;

/// Everything stored about one subject of this kind, opened; `None` if `id` is not
/// one. Runs through the area's service, so its permission check and audit entry apply.
pub type ExportFn =
    for<'a> fn(&'a mut Scope, Uuid) -> BoxFuture<'a, AppResult<Option<serde_json::Value>>>;

/// Erases one subject of this kind through the area's service; `false` if `id` is not one.
pub type EraseFn = for<'a> fn(&'a mut Scope, Uuid) -> BoxFuture<'a, AppResult<bool>>;

pub struct SubjectKind {
    pub kind: DataSubject,
    pub labels: LabelFn,
    pub export: ExportFn,
    /// `None` where this kind is not erased through the registry: employees leave
    /// through account removal, which keeps the audit trail's actors intact.
    pub erase: Option<EraseFn>,
}

/// Every kind of data subject. A new area with personal data adds one line.
pub const KINDS: &[SubjectKind] = &[
    contacts::SUBJECT_KIND,
    organisations::SUBJECT_KIND,
    team::EMPLOYEE_SUBJECT_KIND,
];

fn registered(kind: DataSubject) -> &'static SubjectKind {
    KINDS
        .iter()
        .find(|k| k.kind == kind)
        .expect("every data-subject kind is registered")
}

/// Labels for `ids` of `kind`, or of any kind when `kind` is `None`.
pub async fn labels(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
    kind: Option<DataSubject>,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, (DataSubject, String)>> {
    let kinds: Vec<&SubjectKind> = match kind {
        Some(kind) => vec![registered(kind)],
        None => KINDS.iter().collect(),
    };
    let mut labels = HashMap::new();
    for kind in kinds {
        let missing: Vec<Uuid> = ids
            .iter()
            .filter(|id| !labels.contains_key(*id))
            .copied()
            .collect();
        if missing.is_empty() {
            break;
        }
        let found = (kind.labels)(conn, keys, tenant_id, &missing).await?;
        labels.extend(
            found
                .into_iter()
                .map(|(id, label)| (id, (kind.kind, label))),
        );
    }
    Ok(labels)
}

/// Everything Tessera stores about one person, by kind (for a data-subject access
/// request). Each area's service checks the principal's permission and audits the read.
pub async fn export(
    scope: &mut Scope,
    id: Uuid,
) -> AppResult<Vec<(DataSubject, serde_json::Value)>> {
    let mut found = Vec::new();
    for kind in KINDS {
        if let Some(data) = (kind.export)(scope, id).await? {
            found.push((kind.kind, data));
        }
    }
    if found.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(found)
}

/// Erases one person through the first kind that holds them and can erase; `NotFound`
/// when none can. The area's service checks permissions and audits the erasure.
pub async fn erase(scope: &mut Scope, id: Uuid) -> AppResult<DataSubject> {
    for kind in KINDS {
        if let Some(erase) = kind.erase {
            if erase(scope, id).await? {
                return Ok(kind.kind);
            }
        }
    }
    Err(AppError::NotFound)
}
