//! `GET /audit/export`: the data protection officer's CSV or JSON export, through the
//! same review service as the UI. Each export is itself logged, with its purpose.

use app::backend::audit::review;
use app::backend::auth::session;
use app::backend::tenancy::TenantTx;
use app::backend::AppState;
use app::model::audit::{AuditEntryView, AuditFilter, AuditPurpose};
use app::{AppError, AppResult};
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use tower_sessions::Session;
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

fn error_response(err: AppError) -> Response {
    let status =
        StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(err)).into_response()
}

fn csv(entries: &[AuditEntryView]) -> String {
    let quote = |v: &str| format!("\"{}\"", v.replace('"', "\"\""));
    let mut out = String::from("seq,at,actor,action,subjects,fields,purpose\n");
    for e in entries {
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
        out.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            e.seq,
            e.at.format(&Rfc3339).unwrap_or_default(),
            quote(e.actor.as_deref().unwrap_or("")),
            e.action.code(),
            quote(&subjects.join("; ")),
            quote(&e.fields.join(" ")),
            quote(e.purpose.as_deref().unwrap_or("")),
        ));
    }
    out
}

async fn export_entries(
    state: &AppState,
    session: &Session,
    params: &ExportParams,
) -> AppResult<Vec<AuditEntryView>> {
    let purpose = AuditPurpose::parse(&params.purpose).ok_or(AppError::BadRequest)?;
    let auth = session::current(session, state.session_policy).await?;
    let mut scope = TenantTx::begin(&state.db, auth.tenant_id, auth.user_id).await?;
    let filter = AuditFilter {
        subject: params.subject,
        actor: params.actor.clone(),
        action: params.action.clone(),
        from: params.from.clone(),
        to: params.to.clone(),
        before: None,
        own: false,
    };
    let entries = review::export(&mut scope, &state.keys, &filter, purpose).await?;
    scope.commit().await?;
    Ok(entries)
}

pub async fn export(
    State(state): State<AppState>,
    session: Session,
    Query(params): Query<ExportParams>,
) -> Response {
    let entries = match export_entries(&state, &session, &params).await {
        Ok(entries) => entries,
        Err(err) => return error_response(err),
    };
    match params.format.as_str() {
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
    }
}
