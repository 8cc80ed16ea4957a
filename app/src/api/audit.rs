//! The audit log for reviewers: data protection officer, works council, and every
//! employee for their own actions.

use crate::model::audit::{AuditFilter, AuditPage, ReidentificationView, VerifyReport};
use crate::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {super::support::*, crate::backend::audit::review, crate::model::identity::Role};

#[server(prefix = "/rpc", endpoint = "audit/page")]
pub async fn load_audit_page(filter: AuditFilter) -> Result<AuditPage, AppError> {
    respond(
        async {
            let state = state()?;
            let mut scope = tenant_scope(&state).await?;
            let page = review::page(&mut scope, &state.keys, &filter).await?;
            scope.commit().await?;
            Ok(page)
        }
        .await,
    )
}

/// Recomputes this workspace's hash chain (data protection officer).
#[server(prefix = "/rpc", endpoint = "audit/verify")]
pub async fn verify_audit_log() -> Result<VerifyReport, AppError> {
    respond(
        async {
            let state = state()?;
            let mut scope = tenant_scope(&state).await?;
            scope.require(|r| r == Role::DataProtectionOfficer)?;
            let (tenant_id, me) = (scope.principal.tenant_id, scope.principal.user_id);
            let report = review::verify(scope.conn(), &state.keys, tenant_id).await?;
            let event = crate::backend::audit::AuditEvent::new(
                Some(me),
                crate::model::audit::AuditAction::AuditVerified,
            );
            crate::backend::audit::record(scope.conn(), tenant_id, event).await?;
            scope.commit().await?;
            Ok(report)
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "audit/reidentify/request")]
pub async fn request_reidentification(pseudonym: String, reason: String) -> Result<(), AppError> {
    respond(
        async {
            let state = state()?;
            let mut scope = tenant_scope(&state).await?;
            review::request_reidentification(&mut scope, &state.keys, pseudonym.trim(), &reason)
                .await?;
            scope.commit().await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "audit/reidentify/approve")]
pub async fn approve_reidentification(id: Uuid) -> Result<(), AppError> {
    respond(
        async {
            let mut scope = tenant_scope(&state()?).await?;
            review::approve_reidentification(&mut scope, id).await?;
            scope.commit().await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "audit/reidentify/list")]
pub async fn list_reidentifications() -> Result<Vec<ReidentificationView>, AppError> {
    respond(
        async {
            let state = state()?;
            let mut scope = tenant_scope(&state).await?;
            let views = review::reidentifications(&mut scope, &state.keys).await?;
            scope.commit().await?;
            Ok(views)
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "audit/settings")]
pub async fn update_audit_settings(
    retention_days: i32,
    admins_see_all: bool,
) -> Result<(), AppError> {
    respond(
        async {
            let mut scope = tenant_scope(&state()?).await?;
            review::update_settings(&mut scope, retention_days, admins_see_all).await?;
            scope.commit().await
        }
        .await,
    )
}
