//! Liveness and readiness probes.

use app::backend::AppState;
use axum::extract::State;
use axum::http::StatusCode;

/// The process is up.
pub async fn live() -> &'static str {
    "ok"
}

/// The database answers (as the application role).
pub async fn ready(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match sqlx::query_scalar!("SELECT 1 AS one")
        .fetch_one(&state.db)
        .await
    {
        Ok(_) => (StatusCode::OK, "ready"),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
