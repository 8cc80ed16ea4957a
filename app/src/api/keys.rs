//! Encryption key administration.

use crate::AppError;
use leptos::prelude::*;

pub use crate::model::identity::KeyRotation;

#[cfg(feature = "ssr")]
use {
    super::support::*,
    crate::backend::audit::{self, AuditEvent},
    crate::backend::services::keys,
    crate::model::audit::AuditAction,
    crate::model::identity::Role,
};

/// Rotates this workspace's data key (owners and administrators).
#[server(prefix = "/rpc", endpoint = "keys/rotate")]
pub async fn rotate_workspace_key() -> Result<KeyRotation, AppError> {
    respond(
        async {
            let state = state()?;
            let mut scope = tenant_scope(&state).await?;
            scope.require(Role::can_manage_team)?;
            let (tenant_id, me) = (scope.principal.tenant_id, scope.principal.user_id);
            // Logged before it starts, so an interrupted rotation is on record too.
            audit::record(
                scope.conn(),
                tenant_id,
                AuditEvent::new(Some(me), AuditAction::KeyRotated),
            )
            .await?;
            scope.commit().await?;
            let report = keys::rotate_tenant_key(&state.db, &state.keys, tenant_id).await?;
            Ok(KeyRotation {
                version: report.version,
                rewrapped: report.rewrapped,
            })
        }
        .await,
    )
}
