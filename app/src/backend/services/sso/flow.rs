//! The sign-in with the workspace's OpenID provider: the authorization code flow with
//! PKCE (S256), `state` and `nonce` kept in the session once, and the ID token checked
//! by `openidconnect` (signature against the provider's JWKS, issuer, audience,
//! expiry, nonce). The provider's metadata and keys are fetched for every sign-in, so
//! a key rotation at the provider needs nothing here. An address missing from the ID
//! token is read from the userinfo endpoint. Accounts are linked by the
//! provider's subject; an e-mail address only links an existing account once, and
//! only when the provider says it is verified.
//!
//! Both steps answer with where the browser goes next; a refusal goes back to the
//! login page with a reason code (`SsoFailure`) and is audited, never a stack trace.

use super::{provider, redirect_uri, storage, Provider};
use crate::backend::audit::{self, AuditEvent};
use crate::backend::auth::session;
use crate::backend::services::identity::{
    insert_user, storage as identity_storage, NewUser, PasswordAccepted, SignedIn,
};
use crate::backend::services::second_factor;
use crate::backend::tenancy::{begin_for_tenant, tenant_id_for_slug};
use crate::backend::Backend;
use crate::model::audit::AuditAction;
use crate::model::identity::{AuthAudit, Role};
use crate::model::second_factor::SignInStep;
use crate::model::sso::{domain_of, Provisioning, SsoFailure};
use crate::model::validation::normalize_email;
use crate::{AppError, AppResult};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope as OidcScope, TokenResponse,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tower_sessions::Session;
use uuid::Uuid;

const PENDING_KEY: &str = "sso_pending";
/// How long the provider's sign-in may take.
const PENDING_SECS: i64 = 10 * 60;
/// What an account created by the provider has instead of a password hash: it never
/// verifies, so such a user signs in with the provider (or sets a password by link).
const NO_PASSWORD: &str = "sso-only";

/// A started sign-in, remembered in the session until the provider sends the user back.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pending {
    tenant_id: Uuid,
    slug: String,
    state: String,
    nonce: String,
    verifier: String,
    since: i64,
}

/// The provider's answer on the redirect URI.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    /// RFC 9207: who issued this answer (defends against mix-ups).
    pub iss: Option<String>,
}

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

fn http() -> AppResult<openidconnect::reqwest::Client> {
    openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|_| AppError::Internal)
}

/// The provider's discovery document (with its signing keys); an error when it does
/// not answer or names another issuer.
pub async fn discover(issuer: &str) -> Result<CoreProviderMetadata, SsoFailure> {
    let issuer = IssuerUrl::new(issuer.to_owned()).map_err(|_| SsoFailure::Unreachable)?;
    let http = http().map_err(|_| SsoFailure::Unreachable)?;
    CoreProviderMetadata::discover_async(issuer, &http)
        .await
        .map_err(|err| {
            tracing::info!(error = %err, "OpenID provider discovery failed");
            SsoFailure::Unreachable
        })
}

fn login_page(slug: &str, failure: SsoFailure) -> String {
    format!("/login/{slug}?sso={}", failure.code())
}

/// Starts a sign-in for the workspace `slug`: the URL of the provider's login.
pub async fn start(backend: &Backend, session: &Session, slug: &str) -> AppResult<String> {
    let slug = slug.trim().to_lowercase();
    let Some(tenant_id) = tenant_id_for_slug(&backend.db, &slug).await? else {
        return Ok(login_page(&slug, SsoFailure::Rejected));
    };
    let mut tx = begin_for_tenant(&backend.db, tenant_id).await?;
    let provider = provider(&mut tx, &backend.keys, tenant_id).await?;
    tx.commit().await?;
    let Some(provider) = provider else {
        return Ok(login_page(&slug, SsoFailure::Rejected));
    };
    let client = match client(backend, &provider).await {
        Ok(client) => client,
        Err(failure) => return Ok(login_page(&slug, failure)),
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(OidcScope::new("email".into()))
        .add_scope(OidcScope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    let pending = Pending {
        tenant_id,
        slug,
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        verifier: verifier.secret().clone(),
        since: now(),
    };
    session
        .insert(PENDING_KEY, pending)
        .await
        .map_err(|_| AppError::Internal)?;
    Ok(url.to_string())
}

type OidcClient = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

async fn client(backend: &Backend, provider: &Provider) -> Result<OidcClient, SsoFailure> {
    let metadata = discover(&provider.row.issuer).await?;
    let redirect = RedirectUrl::new(redirect_uri(backend)).map_err(|_| SsoFailure::Rejected)?;
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(provider.row.client_id.clone()),
        Some(ClientSecret::new(provider.secret.clone())),
    )
    .set_redirect_uri(redirect))
}

/// What the provider vouched for.
struct Verified {
    subject: String,
    email: Option<String>,
    name: Option<String>,
    /// The provider reports a second factor (`amr` names one).
    second_factor: bool,
    /// The `groups` claim of the ID token, for the workspace's group mappings.
    groups: Vec<String>,
}

/// The `groups` claim of an ID token whose signature was already checked: read from
/// its payload, as the core claims of `openidconnect` have no such field.
fn groups_of(jwt: &str) -> Vec<String> {
    use base64::Engine;
    #[derive(Deserialize)]
    struct Groups {
        #[serde(default)]
        groups: Vec<String>,
    }
    jwt.split('.')
        .nth(1)
        .and_then(|payload| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .ok()
        })
        .and_then(|json| serde_json::from_slice::<Groups>(&json).ok())
        .map(|g| g.groups)
        .unwrap_or_default()
}

/// Completes the sign-in the provider sent the user back from; where to go next.
pub async fn finish(backend: &Backend, session: &Session, answer: &Callback) -> AppResult<String> {
    // A started sign-in counts once: a replayed answer finds nothing.
    let pending: Option<Pending> = session
        .remove(PENDING_KEY)
        .await
        .map_err(|_| AppError::Internal)?;
    let Some(pending) = pending else {
        return Ok("/login?sso=expired".to_owned());
    };
    let outcome = complete(backend, &pending, answer).await;
    let mut tx = begin_for_tenant(&backend.db, pending.tenant_id).await?;
    // A refusal's entry names its reason as its only "field", never what the provider sent.
    let reason = [outcome.as_ref().err().map(|f| f.code()).unwrap_or_default()];
    let (event, next) = match &outcome {
        Ok(accepted) => (
            (accepted.next != SignInStep::SecondFactor).then(|| {
                AuditEvent::new(
                    Some(accepted.signed_in.user_id),
                    AuditAction::Auth(AuthAudit::SsoSignIn),
                )
            }),
            None,
        ),
        Err(failure) => (
            Some(AuditEvent::new(None, AuditAction::Auth(AuthAudit::SsoFailed)).fields(&reason)),
            Some(*failure),
        ),
    };
    if let Some(event) = event {
        audit::record(&mut tx, pending.tenant_id, event).await?;
    }
    tx.commit().await?;
    if let Some(failure) = next {
        tracing::info!(tenant_id = %pending.tenant_id, reason = failure.code(), "single sign-on refused");
        return Ok(login_page(&pending.slug, failure));
    }
    let accepted = outcome.map_err(|_| AppError::Internal)?;
    Ok(match session::start(session, accepted).await? {
        SignInStep::Done => "/contacts".to_owned(),
        SignInStep::Enrol => "/account/security".to_owned(),
        SignInStep::SecondFactor => format!("/login/{}?step=code", pending.slug),
    })
}

async fn complete(
    backend: &Backend,
    pending: &Pending,
    answer: &Callback,
) -> Result<PasswordAccepted, SsoFailure> {
    if !(0..=PENDING_SECS).contains(&(now() - pending.since)) {
        return Err(SsoFailure::Expired);
    }
    if answer.state.as_deref() != Some(pending.state.as_str()) {
        return Err(SsoFailure::Rejected);
    }
    if answer.error.is_some() {
        return Err(SsoFailure::Cancelled);
    }
    let code = answer.code.clone().ok_or(SsoFailure::Rejected)?;
    let tenant_id = pending.tenant_id;
    let provider = load_provider(backend, tenant_id).await?;
    if answer
        .iss
        .as_deref()
        .is_some_and(|iss| iss.trim_end_matches('/') != provider.row.issuer)
    {
        return Err(SsoFailure::Rejected);
    }
    let verified = verify(backend, &provider, code, pending).await?;
    let signed_in = account_for(backend, &provider, tenant_id, &verified).await?;
    super::groups::apply(backend, &provider, tenant_id, signed_in, &verified.groups)
        .await
        .map_err(|_| SsoFailure::Rejected)?;
    let trusted = provider.row.trust_provider_mfa && verified.second_factor;
    let mut tx = begin_for_tenant(&backend.db, tenant_id)
        .await
        .map_err(|_| SsoFailure::Rejected)?;
    let next = if trusted {
        SignInStep::Done
    } else {
        second_factor::next_step(&mut tx, signed_in)
            .await
            .map_err(|_| SsoFailure::Rejected)?
    };
    tx.commit().await.map_err(|_| SsoFailure::Rejected)?;
    Ok(PasswordAccepted {
        signed_in: SignedIn {
            tenant_id,
            user_id: signed_in,
            second_factor: trusted,
        },
        next,
    })
}

async fn load_provider(backend: &Backend, tenant_id: Uuid) -> Result<Provider, SsoFailure> {
    let result: AppResult<Option<Provider>> = async {
        let mut tx = begin_for_tenant(&backend.db, tenant_id).await?;
        let provider = provider(&mut tx, &backend.keys, tenant_id).await?;
        tx.commit().await?;
        Ok(provider)
    }
    .await;
    result.ok().flatten().ok_or(SsoFailure::Rejected)
}

/// Exchanges the code (with the PKCE verifier) and checks the ID token.
async fn verify(
    backend: &Backend,
    provider: &Provider,
    code: String,
    pending: &Pending,
) -> Result<Verified, SsoFailure> {
    let client = client(backend, provider).await?;
    let http = http().map_err(|_| SsoFailure::Unreachable)?;
    let request = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|_| SsoFailure::Rejected)?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone()));
    let tokens = request.request_async(&http).await.map_err(|err| {
        tracing::info!(error = %err, "OpenID code exchange refused");
        SsoFailure::Rejected
    })?;
    let id_token = tokens.id_token().ok_or(SsoFailure::Rejected)?;
    let claims = id_token
        .claims(
            &client.id_token_verifier(),
            &Nonce::new(pending.nonce.clone()),
        )
        .map_err(|err| {
            tracing::info!(error = %err, "ID token refused");
            SsoFailure::Rejected
        })?;
    let mut email = claims
        .email()
        .filter(|_| claims.email_verified() == Some(true))
        .map(|e| normalize_email(e.as_str()));
    let mut name = claims
        .name()
        .and_then(|n| n.get(None))
        .map(|n| n.as_str().to_owned());
    // Many providers put the address only into the userinfo answer, which must be
    // about the same subject (`openidconnect` checks that).
    if email.is_none() {
        let request = client
            .user_info(
                tokens.access_token().clone(),
                Some(claims.subject().clone()),
            )
            .map_err(|_| SsoFailure::Rejected)?;
        let info: CoreUserInfoClaims = request.request_async(&http).await.map_err(|err| {
            tracing::info!(error = %err, "OpenID userinfo refused");
            SsoFailure::Rejected
        })?;
        email = info
            .email()
            .filter(|_| info.email_verified() == Some(true))
            .map(|e| normalize_email(e.as_str()));
        name = name.or_else(|| {
            info.name()
                .and_then(|n| n.get(None))
                .map(|n| n.as_str().to_owned())
        });
    }
    let second_factor = claims.auth_method_refs().is_some_and(|methods| {
        methods
            .iter()
            .any(|m| matches!(m.as_str(), "mfa" | "otp" | "hwk" | "swk" | "sms" | "fido"))
    });
    Ok(Verified {
        subject: claims.subject().as_str().to_owned(),
        email,
        name,
        second_factor,
        groups: groups_of(&id_token.to_string()),
    })
}

/// The user behind the provider's subject: linked before, linked now by a verified
/// address of an existing account, or created (just-in-time provisioning).
async fn account_for(
    backend: &Backend,
    provider: &Provider,
    tenant_id: Uuid,
    verified: &Verified,
) -> Result<Uuid, SsoFailure> {
    let allowed = &provider.row.allowed_domains;
    let domain = verified.email.as_deref().and_then(domain_of);
    if !allowed.is_empty() && !domain.is_some_and(|d| allowed.contains(&d)) {
        return Err(SsoFailure::DomainNotAllowed);
    }
    let issuer = provider.row.issuer.as_str();
    let result: AppResult<Result<Uuid, SsoFailure>> = async {
        let mut tx = begin_for_tenant(&backend.db, tenant_id).await?;
        let user = match storage::linked_user(&mut tx, issuer, &verified.subject).await? {
            Some(user) => Ok(user),
            None => link_or_create(backend, &mut tx, provider, tenant_id, verified).await?,
        };
        if let Ok(user) = user {
            if storage::role_of(&mut tx, user).await?.is_none() {
                return Ok(Err(SsoFailure::NotProvisioned));
            }
        }
        tx.commit().await?;
        Ok(user)
    }
    .await;
    result.map_err(|_| SsoFailure::Rejected)?
}

async fn link_or_create(
    backend: &Backend,
    tx: &mut sqlx::PgConnection,
    provider: &Provider,
    tenant_id: Uuid,
    verified: &Verified,
) -> AppResult<Result<Uuid, SsoFailure>> {
    let Some(email) = verified.email.as_deref() else {
        return Ok(Err(SsoFailure::NotProvisioned));
    };
    let issuer = provider.row.issuer.as_str();
    let bidx = backend.keys.index_key(tx, tenant_id).await?.email(email);
    if let Some((user, _)) = identity_storage::login(tx, &bidx).await? {
        storage::link(tx, tenant_id, issuer, &verified.subject, user).await?;
        return Ok(Ok(user));
    }
    let provisioning = Provisioning::parse(&provider.row.provisioning).unwrap_or_default();
    let role = Role::parse(&provider.row.default_role).filter(|r| *r != Role::Owner);
    let (Provisioning::JustInTime, Some(role)) = (provisioning, role) else {
        return Ok(Err(SsoFailure::NotProvisioned));
    };
    let user_id = Uuid::now_v7();
    let fallback = email.split('@').next().unwrap_or(email).to_owned();
    let name: String = verified
        .name
        .clone()
        .unwrap_or(fallback)
        .chars()
        .take(100)
        .collect();
    let user = NewUser {
        user_id,
        email,
        display_name: &name,
        password_hash: NO_PASSWORD,
        role,
    };
    insert_user(tx, &backend.keys, tenant_id, &user).await?;
    storage::link(tx, tenant_id, issuer, &verified.subject, user_id).await?;
    tracing::info!(%tenant_id, %user_id, "account provisioned by single sign-on");
    Ok(Ok(user_id))
}
