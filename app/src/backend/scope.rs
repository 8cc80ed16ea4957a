//! The unit of work of every service call: one tenant transaction, the principal it
//! acts for and the backend it may use. Adapters open a scope, hand it to a service
//! and commit it; the service checks permissions, validates, works and audits inside it.

use super::audit::{self, AuditEvent};
use super::auth::guard::{self, Guarded};
use super::auth::session;
use super::crypto::{open_rows, DataKey, IndexKey, RecordCipher};
use super::state::{AppState, Backend};
use super::tenancy::{begin_for_tenant, narrow_records, Principal};
use crate::model::api_tokens::TokenScope;
use crate::model::audit::AuditAction;
use crate::model::field_masks::{MaskedField, RoleMask};
use crate::model::identity::Role;
use crate::model::permission::{Action, Area};
use crate::model::teams::RecordVisibility;
use crate::model::validation::{FieldErrors, Problem};
use crate::{AppError, AppResult};
use sqlx::{PgConnection, Postgres, Transaction};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use uuid::Uuid;

/// Background work waiting for a scope's commit.
type AfterCommit = std::pin::Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

pub struct Scope {
    pub tx: Transaction<'static, Postgres>,
    pub principal: Principal,
    pub backend: Arc<Backend>,
    /// The workspace requires a second factor of this user, and the session has not
    /// shown one: only setting one up is allowed ([`Scope::for_enrolment`]).
    pub second_factor_missing: bool,
    /// The contact fields the principal's role does not see (loaded with the role).
    pub field_mask: RoleMask,
    /// Whose records the principal sees besides unowned ones (themselves and their
    /// team mates), or `None` for all; the database enforces it, see
    /// [`narrow_records`].
    pub visible_owners: Option<Vec<Uuid>>,
    /// The API token this scope acts through (REST), which narrows the role further.
    pub token: Option<TokenGrant>,
    /// Work that must only happen once the transaction committed (mail to send).
    after_commit: Vec<AfterCommit>,
}

/// What an API token lets its user do: only what its scopes name, and never more
/// than the user's role allows at the time of the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenGrant {
    pub token_id: Uuid,
    pub scopes: Vec<TokenScope>,
    /// The current role of whoever made the token for its user, if someone else
    /// did: the token never does more than its creator may either.
    pub creator_role: Option<Role>,
}

/// What the user's row says about their sessions.
struct SessionRules {
    second_factor_required: bool,
    /// Unix milliseconds before which sessions no longer count (a password reset).
    valid_from: Option<i64>,
}

/// Whether a session scope may open without the second factor its role requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FactorRule {
    Enforce,
    AllowEnrolment,
}

impl Scope {
    /// Opens the tenant transaction and reloads the user's role, so a role change or
    /// a removed account takes effect on the very next request. For work the user
    /// started from a signed-in session (jobs, the seed); sessions use
    /// [`Scope::for_session`], which also checks the second factor.
    pub async fn begin(backend: Arc<Backend>, tenant_id: Uuid, user_id: Uuid) -> AppResult<Self> {
        let (scope, _) = Self::begin_with_rule(backend, tenant_id, user_id).await?;
        Ok(scope)
    }

    /// The scope and whether the tenant requires a second factor of this user's role.
    async fn begin_with_rule(
        backend: Arc<Backend>,
        tenant_id: Uuid,
        user_id: Uuid,
    ) -> AppResult<(Self, SessionRules)> {
        let tx = begin_for_tenant(&backend.db, tenant_id).await?;
        Self::load_in(tx, backend, tenant_id, user_id).await
    }

    /// Like [`Scope::begin`], in a tenant transaction the caller began already (an
    /// API token was looked up in it).
    pub async fn open_in(
        tx: Transaction<'static, Postgres>,
        backend: Arc<Backend>,
        tenant_id: Uuid,
        user_id: Uuid,
    ) -> AppResult<Self> {
        let (scope, _) = Self::load_in(tx, backend, tenant_id, user_id).await?;
        Ok(scope)
    }

    async fn load_in(
        mut tx: Transaction<'static, Postgres>,
        backend: Arc<Backend>,
        tenant_id: Uuid,
        user_id: Uuid,
    ) -> AppResult<(Self, SessionRules)> {
        let row = sqlx::query!(
            r#"SELECT u.role, u.password_hash, u.guard,
                      u.role = ANY (t.second_factor_roles) AS "second_factor_required!",
                      u.sessions_valid_from,
                      ARRAY(SELECT f.field FROM field_masks f WHERE f.role = u.role) AS "masked_fields!",
                      t.record_visibility,
                      ARRAY(SELECT DISTINCT mate.user_id
                            FROM team_members mine
                            JOIN team_members mate ON mate.team_id = mine.team_id
                            WHERE mine.user_id = u.user_id) AS "team_mates!"
               FROM users u JOIN tenants t ON t.tenant_id = u.tenant_id
               WHERE u.user_id = $1"#,
            user_id
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::Unauthenticated)?;
        let guarded = Guarded {
            tenant_id,
            user_id,
            role: &row.role,
            password_hash: &row.password_hash,
        };
        // A role or password hash changed behind the server's back signs nobody in.
        if !guard::holds(&mut tx, &backend.keys, &guarded, row.guard.as_deref()).await? {
            return Err(AppError::Unauthenticated);
        }
        let role = Role::parse(&row.role).ok_or(AppError::Unauthenticated)?;
        let limited = RecordVisibility::parse(&row.record_visibility)
            .is_none_or(|visibility| visibility.limits(role));
        let visible_owners = if limited {
            let mut owners = row.team_mates;
            owners.push(user_id);
            owners.sort();
            owners.dedup();
            narrow_records(&mut tx, &owners).await?;
            Some(owners)
        } else {
            None
        };
        let scope = Self {
            tx,
            principal: Principal {
                tenant_id,
                user_id,
                role,
            },
            backend,
            second_factor_missing: false,
            field_mask: RoleMask(
                row.masked_fields
                    .iter()
                    .filter_map(|f| MaskedField::parse(f))
                    .collect(),
            ),
            visible_owners,
            token: None,
            after_commit: Vec::new(),
        };
        let rules = SessionRules {
            second_factor_required: row.second_factor_required,
            valid_from: row
                .sessions_valid_from
                .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64),
        };
        Ok((scope, rules))
    }

    /// The scope of the session's signed-in user, or `Unauthenticated`; or
    /// `SecondFactorRequired` while the workspace requires a second factor the
    /// session has not shown.
    pub async fn for_session(
        state: &AppState,
        session: &tower_sessions::Session,
    ) -> AppResult<Self> {
        Self::open_session(state, session, FactorRule::Enforce).await
    }

    /// Like [`Scope::for_session`], but also for a session that still has to set up
    /// its required second factor (the account security page and "who am I").
    pub async fn for_enrolment(
        state: &AppState,
        session: &tower_sessions::Session,
    ) -> AppResult<Self> {
        Self::open_session(state, session, FactorRule::AllowEnrolment).await
    }

    async fn open_session(
        state: &AppState,
        session: &tower_sessions::Session,
        rule: FactorRule,
    ) -> AppResult<Self> {
        let auth = session::current(session, state.session_policy).await?;
        let (mut scope, rules) =
            Self::begin_with_rule(state.backend.clone(), auth.tenant_id, auth.user_id).await?;
        if rules
            .valid_from
            .is_some_and(|from| auth.signed_in_millis() < from)
        {
            session::sign_out(session).await?;
            return Err(AppError::Unauthenticated);
        }
        scope.second_factor_missing = rules.second_factor_required && !auth.second_factor;
        if scope.second_factor_missing && rule == FactorRule::Enforce {
            return Err(AppError::SecondFactorRequired);
        }
        Ok(scope)
    }

    /// Whether the permission table lets the principal's role do `action` in `area`
    /// and, through an API token, one of its scopes covers it.
    pub fn may(&self, area: Area, action: Action) -> bool {
        let token_allows = self.token.as_ref().is_none_or(|grant| {
            grant.scopes.iter().any(|scope| scope.covers(area, action))
                && grant.creator_role.is_none_or(|role| role.may(area, action))
        });
        token_allows && self.principal.role.may(area, action)
    }

    /// Fails with `Forbidden` unless [`Scope::may`].
    pub fn require(&self, area: Area, action: Action) -> AppResult<()> {
        if self.may(area, action) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Refuses to give a record to an `owner` whose records the principal does not
    /// see (with team visibility: anyone but themselves and their team mates), as a
    /// validation error of the `owner_id` field.
    pub fn check_owner(&self, owner: Option<Uuid>) -> AppResult<()> {
        match (&self.visible_owners, owner) {
            (Some(owners), Some(owner)) if !owners.contains(&owner) => Err(AppError::Validation(
                FieldErrors::single("owner_id", Problem::OutsideYourTeams),
            )),
            _ => Ok(()),
        }
    }

    pub fn tenant_id(&self) -> Uuid {
        self.principal.tenant_id
    }

    pub fn user_id(&self) -> Uuid {
        self.principal.user_id
    }

    pub fn conn(&mut self) -> &mut PgConnection {
        &mut self.tx
    }

    /// `work` in this scope, committed if it succeeds; rolled back (dropped) if not.
    /// Every adapter ends a request so.
    pub async fn run<T>(
        mut self,
        work: impl AsyncFnOnce(&mut Scope) -> AppResult<T>,
    ) -> AppResult<T> {
        let output = work(&mut self).await?;
        self.commit().await?;
        Ok(output)
    }

    /// Commits, then starts what waited for the commit (in the background).
    pub async fn commit(self) -> AppResult<()> {
        self.tx.commit().await?;
        for work in self.after_commit {
            tokio::spawn(work);
        }
        Ok(())
    }

    /// Runs `work` in the background once this scope committed; never if it rolls back.
    pub fn after_commit(&mut self, work: impl Future<Output = ()> + Send + 'static) {
        self.after_commit.push(Box::pin(work));
    }

    /// An event done by the principal (through its API token, if it has one).
    pub fn event<'a>(&self, action: AuditAction) -> AuditEvent<'a> {
        let mut event = AuditEvent::new(Some(self.principal.user_id), action);
        event.via_token = self.token.as_ref().map(|grant| grant.token_id);
        event
    }

    /// Appends `event` to the tenant's audit log in this transaction.
    pub async fn audit(&mut self, event: AuditEvent<'_>) -> AppResult<()> {
        audit::record(&mut self.tx, self.principal.tenant_id, event).await
    }

    /// The tenant's blind-index key.
    pub async fn index_key(&mut self) -> AppResult<IndexKey> {
        let tenant_id = self.principal.tenant_id;
        self.backend.keys.index_key(&mut self.tx, tenant_id).await
    }

    /// A new key for a data subject.
    pub async fn create_subject_key(&mut self, subject_id: Uuid) -> AppResult<DataKey> {
        let tenant_id = self.principal.tenant_id;
        self.backend
            .keys
            .create_subject_key(&mut self.tx, tenant_id, subject_id)
            .await
    }

    /// New keys for many subjects at once, in the order of `subject_ids`.
    pub async fn create_subject_keys(&mut self, subject_ids: &[Uuid]) -> AppResult<Vec<DataKey>> {
        let tenant_id = self.principal.tenant_id;
        self.backend
            .keys
            .create_subject_keys(&mut self.tx, tenant_id, subject_ids)
            .await
    }

    /// A subject's key; `KeyErased` once the subject was erased.
    pub async fn subject_key(&mut self, subject_id: Uuid) -> AppResult<DataKey> {
        let tenant_id = self.principal.tenant_id;
        self.backend
            .keys
            .subject_key(&mut self.tx, tenant_id, subject_id)
            .await
    }

    /// The subject's key, made on first use (the workspace's own key for its
    /// settings and secrets, a record's key for data sealed under it).
    pub async fn subject_key_or_create(&mut self, subject_id: Uuid) -> AppResult<DataKey> {
        // A missing key is the normal first use here, not an erasure to log.
        match self.subject_keys(&[subject_id]).await?.remove(&subject_id) {
            Some(key) => Ok(key),
            None => self.create_subject_key(subject_id).await,
        }
    }

    /// The keys of several subjects in one query; erased subjects are absent.
    pub async fn subject_keys(
        &mut self,
        subject_ids: &[Uuid],
    ) -> AppResult<HashMap<Uuid, DataKey>> {
        let tenant_id = self.principal.tenant_id;
        self.backend
            .keys
            .subject_keys(&mut self.tx, tenant_id, subject_ids)
            .await
    }

    /// Opens sealed rows in one batch of key lookups (see [`open_rows`]).
    pub async fn open_rows<R, T>(
        &mut self,
        table: &'static str,
        rows: Vec<R>,
        subject: impl Fn(&R) -> (Uuid, Uuid),
        open: impl Fn(&RecordCipher<'_>, R) -> AppResult<T>,
    ) -> AppResult<Vec<T>> {
        let tenant_id = self.principal.tenant_id;
        open_rows(
            &self.backend.keys,
            &mut self.tx,
            tenant_id,
            table,
            rows,
            subject,
            open,
        )
        .await
    }

    /// A cipher for the fields of one row of `table`.
    pub fn cipher<'k>(
        &self,
        key: &'k DataKey,
        table: &'static str,
        row_id: Uuid,
    ) -> RecordCipher<'k> {
        RecordCipher {
            key,
            tenant_id: self.principal.tenant_id,
            table,
            row_id,
        }
    }
}

/// Plain axum routes get the same scope as server functions; the handler commits it.
impl axum::extract::FromRequestParts<AppState> for Scope {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &AppState,
    ) -> Result<Self, AppError> {
        let session = tower_sessions::Session::from_request_parts(parts, state)
            .await
            .map_err(|_| {
                tracing::error!("session layer missing");
                AppError::Internal
            })?;
        Scope::for_session(state, &session).await
    }
}
