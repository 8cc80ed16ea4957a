//! API tokens: the rules. A user creates tokens for their own integrations, each
//! with scopes their role may use, a lifetime and a label; the secret is shown once
//! and only its hash is kept. A request with a token runs as the token's user,
//! whose role is read again on every request, narrowed to the token's scopes
//! ([`Scope::require`]); a demoted or removed user's tokens shrink or stop with them.
//! What a token does is audited like the UI's work, naming the token. Owners and
//! administrators also make tokens for colleagues (integration users), which never
//! do more than their maker may either ([`issue`]).

pub mod idempotency;
pub mod storage;

use crate::backend::auth::token::{new_token, token_hash};
use crate::backend::crypto::KeyStore;
use crate::backend::scope::TokenGrant;
use crate::backend::tenancy::begin_for_tenant;
use crate::backend::{Backend, Scope};
use crate::model::api_tokens::{
    ApiTokenInput, ApiTokenSummary, CreatedApiToken, IssuedApiToken, TokenScope, PER_USER_MAX,
};
use crate::model::audit::AuditAction;
use crate::model::identity::{AuthAudit, Role};
use crate::model::permission::{Action, Area};
use crate::model::validation::{FieldErrors, Problem};
use crate::{AppError, AppResult};
use std::sync::Arc;
use storage::API_TOKENS;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// Every token starts so, which lets secret scanners recognise a leaked one.
pub const TOKEN_PREFIX: &str = "tsk_";
/// Characters of the secret shown to recognise a token.
const SHOWN: usize = 6;

/// `tsk_` + the workspace id (32 hex digits, not secret: it selects the workspace
/// whose rows the lookup may see) + 43 characters of 256 random bits.
fn compose(tenant_id: Uuid) -> (String, String) {
    let secret = new_token();
    let token = format!("{TOKEN_PREFIX}{}{secret}", tenant_id.simple());
    let shown = format!("{TOKEN_PREFIX}…{}", &secret[..SHOWN]);
    (token, shown)
}

/// The workspace a presented token names, if it has the token's shape.
fn workspace_of(token: &str) -> Option<Uuid> {
    let rest = token.strip_prefix(TOKEN_PREFIX)?;
    if rest.len() != 32 + 43 || !rest.is_ascii() {
        return None;
    }
    Uuid::try_parse(&rest[..32]).ok()
}

fn audited(action: AuthAudit) -> AuditAction {
    AuditAction::Auth(action)
}

fn summary(row: storage::TokenRow, name: String) -> ApiTokenSummary {
    ApiTokenSummary {
        token_id: row.token_id,
        name,
        prefix: row.prefix,
        scopes: row
            .scopes
            .iter()
            .filter_map(|s| TokenScope::parse(s))
            .collect(),
        created_at: row.created_at,
        expires_at: row.expires_at,
        last_used_at: row.last_used_at,
        revoked_at: row.revoked_at,
    }
}

/// The principal's tokens, newest first, revoked and expired ones included.
pub async fn list(scope: &mut Scope) -> AppResult<Vec<ApiTokenSummary>> {
    scope.require(Area::ApiTokens, Action::Read)?;
    let user_id = scope.user_id();
    let rows = storage::of_user(scope.conn(), user_id).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let key = scope.subject_key(user_id).await?;
    rows.into_iter()
        .map(|row| {
            let name = scope
                .cipher(&key, API_TOKENS, row.token_id)
                .open("name", &row.name_ct)?;
            Ok(summary(row, name))
        })
        .collect()
}

/// A new token of the principal; its secret is in the answer and nowhere else.
pub async fn create(scope: &mut Scope, input: &ApiTokenInput) -> AppResult<CreatedApiToken> {
    scope.require(Area::ApiTokens, Action::Create)?;
    let me = scope.user_id();
    let created = make(scope, me, scope.principal.role, input).await?;
    let event = scope.event(audited(AuthAudit::ApiTokenCreated));
    scope.audit(event).await?;
    Ok(created)
}

/// A new token that an owner or administrator makes for a colleague (an integration
/// user): with scopes both the colleague's role and the maker's allow, and at every
/// request only what both still may.
pub async fn issue(
    scope: &mut Scope,
    user_id: Uuid,
    input: &ApiTokenInput,
) -> AppResult<CreatedApiToken> {
    scope.require(Area::Team, Action::Manage)?;
    let their_role = storage::role_of(scope.conn(), user_id)
        .await?
        .and_then(|r| Role::parse(&r))
        .ok_or_else(|| {
            AppError::Validation(FieldErrors::single("user_id", Problem::UnknownReference))
        })?;
    let my_role = scope.principal.role;
    let both = |s: &TokenScope| s.grantable_by(my_role);
    if input.normalized().parsed_scopes().iter().any(|s| !both(s)) {
        return Err(AppError::Validation(FieldErrors::single(
            "scopes",
            Problem::BeyondYourRole,
        )));
    }
    let created = make(scope, user_id, their_role, input).await?;
    let event = scope
        .event(audited(AuthAudit::ApiTokenIssued))
        .subjects(std::slice::from_ref(&user_id));
    scope.audit(event).await?;
    Ok(created)
}

/// The tokens made for others in the workspace, with whose they are.
pub async fn issued(scope: &mut Scope) -> AppResult<Vec<IssuedApiToken>> {
    scope.require(Area::Team, Action::Manage)?;
    let rows = storage::issued(scope.conn()).await?;
    let mut out = Vec::with_capacity(rows.len());
    for (user_id, row) in rows {
        let key = scope.subject_key(user_id).await?;
        let name = scope
            .cipher(&key, API_TOKENS, row.token_id)
            .open("name", &row.name_ct)?;
        out.push(IssuedApiToken {
            user_id,
            token: summary(row, name),
        });
    }
    Ok(out)
}

/// Revokes any token of the workspace (one made for a colleague, or a colleague's
/// own that leaked).
pub async fn withdraw(scope: &mut Scope, token_id: Uuid) -> AppResult<()> {
    scope.require(Area::Team, Action::Manage)?;
    if !storage::revoke_any(scope.conn(), token_id).await? {
        return Err(AppError::NotFound);
    }
    let event = scope.event(audited(AuthAudit::ApiTokenRevoked));
    scope.audit(event).await
}

/// Validates and stores a token of `user_id`, whose role is `role`; the caller
/// checked who may make it and audits.
async fn make(
    scope: &mut Scope,
    user_id: Uuid,
    role: Role,
    input: &ApiTokenInput,
) -> AppResult<CreatedApiToken> {
    input.validate().into_result()?;
    let input = input.normalized();
    let scopes = input.parsed_scopes();
    if scopes.iter().any(|s| !s.grantable_by(role)) {
        return Err(AppError::Validation(FieldErrors::single(
            "scopes",
            Problem::BeyondYourRole,
        )));
    }
    if storage::active_count(scope.conn(), user_id).await? >= PER_USER_MAX as i64 {
        return Err(AppError::Validation(FieldErrors::single(
            "name",
            Problem::TooMany { max: PER_USER_MAX },
        )));
    }
    let token_id = Uuid::now_v7();
    let (secret, shown) = compose(scope.tenant_id());
    let key = scope.subject_key(user_id).await?;
    let name_ct = scope
        .cipher(&key, API_TOKENS, token_id)
        .seal("name", &input.name);
    let codes: Vec<String> = scopes.iter().map(|s| s.code()).collect();
    let expires_at = OffsetDateTime::now_utc() + Duration::days(input.lifetime().into());
    let row = storage::NewToken {
        tenant_id: scope.tenant_id(),
        token_id,
        user_id,
        created_by: scope.user_id(),
        name_ct: &name_ct,
        prefix: &shown,
        secret_hash: &token_hash(&secret),
        scopes: &codes,
        expires_at,
    };
    let (created_at, expires_at) = storage::insert(scope.conn(), row).await?;
    KeyStore::count_encryptions(scope.conn(), user_id, 1).await?;
    let token = ApiTokenSummary {
        token_id,
        name: input.name,
        prefix: shown,
        scopes,
        created_at,
        expires_at,
        last_used_at: None,
        revoked_at: None,
    };
    Ok(CreatedApiToken { token, secret })
}

/// Revokes one of the principal's tokens at once; `NotFound` for another's or an
/// already revoked one.
pub async fn revoke(scope: &mut Scope, token_id: Uuid) -> AppResult<()> {
    scope.require(Area::ApiTokens, Action::Delete)?;
    let user_id = scope.user_id();
    if !storage::revoke(scope.conn(), user_id, token_id).await? {
        return Err(AppError::NotFound);
    }
    let event = scope.event(audited(AuthAudit::ApiTokenRevoked));
    scope.audit(event).await
}

/// The scope of a request that presents `token` (the `Authorization: Bearer` value):
/// its user's, narrowed to the token's scopes. Any unknown, malformed, revoked or
/// expired token, and a token of a removed user, is `Unauthenticated` alike.
pub async fn authenticate(backend: Arc<Backend>, token: &str) -> AppResult<Scope> {
    let tenant_id = workspace_of(token).ok_or(AppError::Unauthenticated)?;
    let mut tx = begin_for_tenant(&backend.db, tenant_id).await?;
    let usable = storage::usable(&mut tx, &token_hash(token))
        .await?
        .ok_or(AppError::Unauthenticated)?;
    storage::mark_used(&mut tx, usable.token_id).await?;
    let creator_role = match &usable.creator_role {
        Some(role) => Some(Role::parse(role).ok_or(AppError::Unauthenticated)?),
        None => None,
    };
    let mut scope = Scope::open_in(tx, backend, tenant_id, usable.user_id).await?;
    scope.token = Some(TokenGrant {
        token_id: usable.token_id,
        creator_role,
        scopes: usable
            .scopes
            .iter()
            .filter_map(|s| TokenScope::parse(s))
            .collect(),
    });
    Ok(scope)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_its_workspace_and_shows_only_its_start() {
        let tenant = Uuid::now_v7();
        let (token, shown) = compose(tenant);
        assert_eq!(workspace_of(&token), Some(tenant));
        let secret = &token[TOKEN_PREFIX.len() + 32..];
        assert_eq!(shown, format!("tsk_…{}", &secret[..SHOWN]));
        assert_eq!(workspace_of("tsk_short"), None);
        assert_eq!(workspace_of(&token.replacen("tsk_", "tok_", 1)), None);
        assert_eq!(workspace_of(&format!("{token}x")), None);
    }
}
