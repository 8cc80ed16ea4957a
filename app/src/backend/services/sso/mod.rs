//! Single sign-on with the workspace's OpenID provider: the settings an owner or
//! administrator makes (the rules, here) and the sign-in itself ([`flow`]). The
//! client secret is sealed under the tenant's own key, like the SMTP password.

pub mod flow;
mod groups;
pub mod storage;

use crate::backend::crypto::{KeyStore, RecordCipher};
use crate::backend::tenancy::{begin_for_tenant, tenant_id_for_slug};
use crate::backend::{Backend, Scope};
use crate::model::audit::AuditAction;
use crate::model::identity::AuthAudit;
use crate::model::permission::{Action, Area};
use crate::model::sso::{parse_mappings, GroupTarget, SsoOffer, SsoSettings, SsoSettingsInput};
use crate::model::validation::{FieldErrors, Problem};
use crate::{AppError, AppResult};
use sqlx::PgConnection;
use uuid::Uuid;

const TABLE: &str = "sso_providers";

fn audited(action: AuthAudit) -> AuditAction {
    AuditAction::Auth(action)
}

/// Where the provider sends users back; registered at the provider.
pub fn redirect_uri(backend: &Backend) -> String {
    format!("{}/sso/callback", backend.public_url.trim_end_matches('/'))
}

/// The provider's settings, or the defaults and the redirect URI to register first.
pub async fn settings(scope: &mut Scope) -> AppResult<SsoSettings> {
    scope.require(Area::Team, Action::Configure)?;
    let redirect_uri = redirect_uri(&scope.backend);
    let row = storage::provider(scope.conn()).await?;
    Ok(SsoSettings {
        configured: row.is_some(),
        has_secret: row.as_ref().is_some_and(|r| !r.client_secret_ct.is_empty()),
        input: row.map(|r| r.input()).unwrap_or_default(),
        redirect_uri,
    })
}

/// Saves the provider after checking that its discovery document answers and names
/// the same issuer, so a typo shows here and not at the next sign-in.
pub async fn save(scope: &mut Scope, input: &SsoSettingsInput) -> AppResult<SsoSettings> {
    scope.require(Area::Team, Action::Configure)?;
    let input = input.normalized();
    let has_secret = storage::provider(scope.conn()).await?.is_some();
    input.validate(has_secret).into_result()?;
    let teams: Vec<String> = parse_mappings(&input.group_mappings)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(_, t)| match t {
            GroupTarget::Team(name) => Some(name),
            GroupTarget::Role(_) => None,
        })
        .collect();
    let known = storage::teams_named(scope.conn(), &teams).await?;
    if teams
        .iter()
        .any(|t| !known.iter().any(|(k, _)| *k == t.to_lowercase()))
    {
        return Err(AppError::Validation(FieldErrors::single(
            "group_mappings",
            Problem::UnknownReference,
        )));
    }
    if flow::discover(&input.issuer).await.is_err() {
        return Err(AppError::Validation(FieldErrors::single(
            "issuer",
            Problem::Unreachable,
        )));
    }
    let tenant_id = scope.tenant_id();
    let secret = if input.client_secret.is_empty() {
        None
    } else {
        let key = scope.subject_key_or_create(tenant_id).await?;
        Some(
            scope
                .cipher(&key, TABLE, tenant_id)
                .seal("client_secret", &input.client_secret),
        )
    };
    let me = scope.user_id();
    storage::save(scope.conn(), tenant_id, &input, secret, me).await?;
    let event = scope.event(audited(AuthAudit::SsoConfigured));
    scope.audit(event).await?;
    settings(scope).await
}

/// Removes the provider; its users keep their accounts (and passwords, if any).
pub async fn remove(scope: &mut Scope) -> AppResult<()> {
    scope.require(Area::Team, Action::Configure)?;
    if !storage::remove(scope.conn()).await? {
        return Err(AppError::NotFound);
    }
    let event = scope.event(audited(AuthAudit::SsoRemoved));
    scope.audit(event).await
}

/// "Sign in with …" for the workspace's login page; `None` without a provider (or
/// for an unknown workspace, which answers the same).
pub async fn offer(backend: &Backend, slug: &str) -> AppResult<Option<SsoOffer>> {
    let slug = slug.trim().to_lowercase();
    let Some(tenant_id) = tenant_id_for_slug(&backend.db, &slug).await? else {
        return Ok(None);
    };
    let mut tx = begin_for_tenant(&backend.db, tenant_id).await?;
    let row = storage::provider(&mut tx).await?;
    tx.commit().await?;
    Ok(row.map(|row| SsoOffer {
        label: row.label,
        start_url: format!("/sso/{slug}/start"),
    }))
}

/// Whether password sign-in is switched off for `role` (everyone but owners, when
/// the workspace's provider setting says so).
pub async fn password_refused(
    conn: &mut PgConnection,
    role: crate::model::identity::Role,
) -> AppResult<bool> {
    Ok(role != crate::model::identity::Role::Owner && storage::password_login_off(conn).await?)
}

/// The provider's settings with the secret opened, for a sign-in.
pub(crate) struct Provider {
    pub row: storage::ProviderRow,
    pub secret: String,
}

pub(crate) async fn provider(
    conn: &mut PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
) -> AppResult<Option<Provider>> {
    let Some(row) = storage::provider(&mut *conn).await? else {
        return Ok(None);
    };
    let key = keys.subject_key(conn, tenant_id, tenant_id).await?;
    let cipher = RecordCipher {
        key: &key,
        tenant_id,
        table: TABLE,
        row_id: tenant_id,
    };
    let secret = cipher.open("client_secret", &row.client_secret_ct)?;
    Ok(Some(Provider { row, secret }))
}
