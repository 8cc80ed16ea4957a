//! Single sign-on's two browser stops: leaving for the provider and coming back.
//! Both are plain redirects; the service decides where to.

use app::backend::services::sso::flow::{self, Callback};
use app::backend::AppState;
use app::AppError;
use axum::extract::{Path, Query, State};
use axum::response::Redirect;
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

/// `GET /sso/callback?code=…&state=…`
pub async fn callback(
    State(state): State<AppState>,
    session: Session,
    Query(answer): Query<Callback>,
) -> Result<Redirect, AppError> {
    Ok(Redirect::to(
        &flow::finish(&state.backend, &session, &answer).await?,
    ))
}
