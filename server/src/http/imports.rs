//! `POST /imports`: the upload of a CSV file, as a plain multipart form (it works
//! before the page is interactive). The browser is sent on to the mapping page;
//! clients asking for JSON get the draft.

use app::backend::services::imports;
use app::backend::Scope;
use app::AppError;
use axum::extract::Multipart;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};

pub async fn upload(
    mut scope: Scope,
    headers: HeaderMap,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let mut file = None;
    while let Some(field) = form.next_field().await.map_err(|_| AppError::BadRequest)? {
        if field.name() == Some("file") {
            let bytes = field.bytes().await.map_err(|_| AppError::BadRequest)?;
            file = Some(bytes);
        }
    }
    let bytes = file.filter(|b| !b.is_empty()).ok_or(AppError::BadRequest)?;
    let draft = imports::upload(&mut scope, &bytes).await?;
    scope.commit().await?;
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    Ok(if wants_json {
        axum::Json(draft).into_response()
    } else {
        Redirect::to(&format!("/imports/{}", draft.id)).into_response()
    })
}
