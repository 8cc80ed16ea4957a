//! Sign-up, sign-in, sign-out and "who am I".

use crate::model::identity::{CurrentUser, LoginInput, SignupInput};
use crate::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::support::*,
    crate::backend::audit::{self, AuditEvent},
    crate::backend::auth::session,
    crate::backend::services::identity,
    crate::model::audit::AuditAction,
};

#[server(prefix = "/rpc", endpoint = "signup")]
pub async fn sign_up(input: SignupInput) -> Result<(), AppError> {
    respond(
        async {
            let state = state()?;
            let signed_in = identity::sign_up(&state.db, &state.keys, &input).await?;
            session::sign_in(&session().await?, signed_in.tenant_id, signed_in.user_id).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "login")]
pub async fn log_in(input: LoginInput) -> Result<(), AppError> {
    respond(
        async {
            let state = state()?;
            let ip = client_ip().await?;
            let signed_in =
                identity::sign_in(&state.db, &state.keys, &state.throttle, ip, &input).await?;
            session::sign_in(&session().await?, signed_in.tenant_id, signed_in.user_id).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "logout")]
pub async fn log_out() -> Result<(), AppError> {
    respond(
        async {
            let state = state()?;
            let session = session().await?;
            // Log the sign-out while the session still says who it was.
            if let Ok(mut scope) = tenant_scope(&state).await {
                let (tenant_id, me) = (scope.principal.tenant_id, scope.principal.user_id);
                let event = AuditEvent::new(Some(me), AuditAction::SignOut);
                audit::record(scope.conn(), tenant_id, event).await?;
                scope.commit().await?;
            }
            session::sign_out(&session).await
        }
        .await,
    )
}

/// The signed-in user, or `None` when nobody is signed in.
#[server(prefix = "/rpc", endpoint = "me")]
pub async fn who_am_i() -> Result<Option<CurrentUser>, AppError> {
    respond(
        async {
            let state = state()?;
            let mut scope = match tenant_scope(&state).await {
                Ok(scope) => scope,
                Err(AppError::Unauthenticated) => return Ok(None),
                Err(err) => return Err(err),
            };
            let user = identity::current_user(&mut scope, &state.keys).await?;
            scope.commit().await?;
            Ok(Some(user))
        }
        .await,
    )
}
