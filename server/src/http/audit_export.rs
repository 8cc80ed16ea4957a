//! `GET /audit/export`: the data protection officer's CSV or JSON export, through the
//! same review service as the UI. Each export is itself logged, with its purpose.

use app::backend::services::audit as review;
use app::backend::services::exports::write_plain;
use app::backend::Scope;
use app::model::audit::{AuditEntryView, AuditFilter, AuditPurpose};
use app::AppError;
use axum::extract::Query;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

#[derive(Deserialize)]
pub struct ExportParams {
    format: String,
    purpose: String,
    subject: Option<Uuid>,
    action: Option<String>,
    actor: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

fn csv(entries: &[AuditEntryView]) -> Vec<u8> {
    let header = [
        "seq", "at", "actor", "action", "subjects", "fields", "purpose",
    ];
    let rows = entries.iter().map(|e| {
        let subjects: Vec<String> = e
            .subjects
            .iter()
            .map(|s| {
                s.label
                    .clone()
                    .map(|l| format!("{l} ({})", s.id))
                    .unwrap_or_else(|| s.id.to_string())
            })
            .collect();
        vec![
            e.seq.to_string(),
            e.at.format(&Rfc3339).unwrap_or_default(),
            e.actor.clone().unwrap_or_default(),
            e.action.code(),
            subjects.join("; "),
            e.fields.join(" "),
            e.purpose.clone().unwrap_or_default(),
        ]
    });
    write_plain(&header, rows)
}

/// The scope comes from the session like a server function's; a failed export
/// rolls back, so neither entries nor the export's own log entry are half written.
pub async fn export(
    mut scope: Scope,
    Query(params): Query<ExportParams>,
) -> Result<Response, AppError> {
    let purpose = AuditPurpose::parse(&params.purpose).ok_or(AppError::BadRequest)?;
    let filter = AuditFilter {
        subject: params.subject,
        actor: params.actor.clone(),
        action: params.action.clone(),
        from: params.from.clone(),
        to: params.to.clone(),
        before: None,
        own: false,
    };
    let entries = review::export(&mut scope, &filter, purpose).await?;
    scope.commit().await?;
    Ok(match params.format.as_str() {
        "json" => (
            [(
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit-log.json\"",
            )],
            axum::Json(entries),
        )
            .into_response(),
        _ => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"audit-log.csv\"",
                ),
            ],
            csv(&entries),
        )
            .into_response(),
    })
}
