//! iCalendar over plain HTTP: the personal feed behind a secret address (calendar
//! apps fetch it without a session) and the download of one appointment.

use app::backend::services::calendar;
use app::backend::{AppState, Scope};
use app::AppError;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

fn ics(body: String, filename: Option<&str>) -> Response {
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response();
    if let Some(name) = filename {
        if let Ok(value) = format!("attachment; filename=\"{name}\"").parse() {
            response
                .headers_mut()
                .insert(header::CONTENT_DISPOSITION, value);
        }
    }
    response
}

/// `GET /feeds/calendar/{workspace}/{secret}.ics`
pub async fn feed(
    State(state): State<AppState>,
    Path((slug, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let token = file.strip_suffix(".ics").ok_or(AppError::NotFound)?;
    let body = calendar::read_feed(&state.backend, &slug, token).await?;
    Ok(ics(body, None))
}

/// `GET /appointments/{id}.ics` for the signed-in user.
pub async fn download(mut scope: Scope, Path(file): Path<String>) -> Result<Response, AppError> {
    let id = file
        .strip_suffix(".ics")
        .and_then(|id| Uuid::parse_str(id).ok())
        .ok_or(AppError::NotFound)?;
    let body = calendar::export_ics(&mut scope, id).await?;
    scope.commit().await?;
    Ok(ics(body, Some("termin.ics")))
}
