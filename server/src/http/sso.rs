//! Single sign-on's two browser stops: leaving for the provider and coming back.
//! The service decides where each goes.

use super::cross_site::go_on_to;
use app::backend::services::sso::flow::{self, Callback};
use app::backend::AppState;
use app::AppError;
use axum::extract::{Path, Query, State};
use axum::response::{Redirect, Response};
use tower_sessions::Session;

/// `GET /sso/{workspace}/start`
pub async fn start(
    State(state): State<AppState>,
    session: Session,
    Path(slug): Path<String>,
) -> Result<Redirect, AppError> {
    Ok(Redirect::to(
        &flow::start(&state.backend, &session, &slug).await?,
    ))
}

/// `GET /sso/callback?code=…&state=…`, then on from a page of ours, so that the
/// next page is not opened "cross-site" ([`go_on_to`]).
pub async fn callback(
    State(state): State<AppState>,
    session: Session,
    Query(answer): Query<Callback>,
) -> Result<Response, AppError> {
    Ok(go_on_to(
        &flow::finish(&state.backend, &session, &answer).await?,
    ))
}
