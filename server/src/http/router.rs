//! The axum router: probes, server functions, pages and static files, wrapped in
//! sessions, the origin check and security headers.

use super::{
    api, audit_export, calendar, client_ip, cross_site, exports, health, imports, origin_check,
    security_headers, sso,
};
use app::backend::AppState;
use app::ui::{shell, App};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{middleware, Router};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use std::sync::Arc;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

pub struct SessionSettings {
    pub secure: bool,
    pub idle_timeout: std::time::Duration,
}

/// What the server believes about the requests reaching it.
pub struct EdgeSettings {
    pub origins: origin_check::OriginPolicy,
    pub proxies: client_ip::TrustedProxies,
}

/// `__Host-` requires Secure; on plain-http localhost (development) the prefix is dropped.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-tessera_session"
    } else {
        "tessera_session"
    }
}

async fn server_fn_handler(
    State(state): State<AppState>,
    request: Request<Body>,
) -> impl IntoResponse {
    handle_server_fns_with_context(move || provide_context(state.clone()), request).await
}

pub fn build(state: AppState, sessions: SessionSettings, edge: EdgeSettings) -> Router {
    let store = super::session_ids::HashedSessionIds(PostgresStore::new(state.db.clone()));
    let idle =
        time::Duration::try_from(sessions.idle_timeout).unwrap_or(time::Duration::minutes(30));
    let session_layer = SessionManagerLayer::new(store)
        .with_name(session_cookie_name(sessions.secure))
        .with_secure(sessions.secure)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle));

    let routes = generate_route_list(App);
    let context_state = state.clone();
    let options = state.leptos_options.clone();
    let router = Router::new()
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .route("/audit/export", get(audit_export::export))
        .route("/feeds/calendar/{slug}/{file}", get(calendar::feed))
        .route("/sso/{slug}/start", get(sso::start))
        .route("/sso/callback", get(sso::callback))
        .route("/appointments/{file}", get(calendar::download))
        .route("/exports/{file}", get(exports::export))
        .route(
            "/imports",
            axum::routing::post(imports::upload).layer(axum::extract::DefaultBodyLimit::max(
                app::backend::services::imports::MAX_FILE_BYTES,
            )),
        )
        .route(
            "/rpc/{*fn_name}",
            get(server_fn_handler).post(server_fn_handler),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(session_layer)
        .layer(middleware::from_fn_with_state(
            Arc::new(edge.origins),
            origin_check::reject_cross_origin,
        ))
        .layer(middleware::from_fn(cross_site::interpose))
        // Added after the session and origin layers: the API authenticates with
        // tokens only, so no cookie can act for a browser's user there.
        .merge(api::router())
        .layer(middleware::from_fn_with_state(
            Arc::new(edge.proxies),
            client_ip::resolve,
        ));
    security_headers::apply(router, sessions.secure)
        // A panic answers 500 with the published error body instead of a dropped
        // connection, and nothing of its message.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| app::AppError::Internal.into_response(),
        ))
        // Only method and path: query strings may hold search terms (personal data),
        // and the secret segment of a link's path is cut out.
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<Body>| {
                let path = super::loggable_path(request.uri().path());
                tracing::info_span!("request", method = %request.method(), path = %path)
            }),
        )
        .with_state(state)
}
