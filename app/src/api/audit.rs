//! The audit log for reviewers: data protection officer, works council, and every
//! employee for their own actions.

use crate::model::audit::{
    AuditFilter, AuditPage, AuditSettingsView, ReidentificationView, VerifyReport,
};
use crate::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {
    super::support::in_scope,
    crate::backend::services::audit::{self as review, reidentification, settings},
};

#[server(prefix = "/rpc", endpoint = "audit/page")]
pub async fn load_audit_page(filter: AuditFilter) -> Result<AuditPage, AppError> {
    in_scope(async |s| review::page(s, &filter).await).await
}

/// Recomputes this workspace's hash chain (data protection officer).
#[server(prefix = "/rpc", endpoint = "audit/verify")]
pub async fn verify_audit_log() -> Result<VerifyReport, AppError> {
    in_scope(async |s| review::verify_chain(s).await).await
}

#[server(prefix = "/rpc", endpoint = "audit/reidentify/request")]
pub async fn request_reidentification(pseudonym: String, reason: String) -> Result<(), AppError> {
    in_scope(async |s| {
        reidentification::request(s, &pseudonym, &reason)
            .await
            .map(drop)
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "audit/reidentify/approve")]
pub async fn approve_reidentification(id: Uuid) -> Result<(), AppError> {
    in_scope(async |s| reidentification::approve(s, id).await).await
}

#[server(prefix = "/rpc", endpoint = "audit/reidentify/list")]
pub async fn list_reidentifications() -> Result<Vec<ReidentificationView>, AppError> {
    in_scope(async |s| reidentification::list(s).await).await
}

#[server(prefix = "/rpc", endpoint = "audit/settings")]
pub async fn update_audit_settings(
    retention_days: i32,
    admins_see_all: bool,
) -> Result<(), AppError> {
    in_scope(async |s| settings::update(s, retention_days, admins_see_all).await).await
}

#[server(prefix = "/rpc", endpoint = "audit/settings/load")]
pub async fn load_audit_settings() -> Result<AuditSettingsView, AppError> {
    in_scope(async |s| settings::load(s).await).await
}

/// A DPO or works council member approves the owner's request for the wider view.
#[server(prefix = "/rpc", endpoint = "audit/settings/approve-wider-view")]
pub async fn approve_wider_view() -> Result<(), AppError> {
    in_scope(async |s| settings::approve_wider_view(s).await).await
}

/// Switches the wider view off, or withdraws or declines the request for it.
#[server(prefix = "/rpc", endpoint = "audit/settings/narrow-view")]
pub async fn narrow_audit_view() -> Result<(), AppError> {
    in_scope(async |s| settings::narrow(s).await).await
}
