//! Single sign-on at rest: the provider settings (the client secret sealed by the
//! caller) and the links from provider subjects to users. No rules here.

use crate::model::sso::{Provisioning, SsoSettingsInput};
use crate::AppResult;
use sqlx::PgConnection;
use uuid::Uuid;

pub struct ProviderRow {
    pub issuer: String,
    pub client_id: String,
    pub client_secret_ct: Vec<u8>,
    pub label: String,
    pub allowed_domains: Vec<String>,
    pub password_login: bool,
    pub provisioning: String,
    pub default_role: String,
    pub trust_provider_mfa: bool,
    pub group_mappings: String,
}

impl ProviderRow {
    /// The settings as a form shows them, without the secret.
    pub fn input(&self) -> SsoSettingsInput {
        SsoSettingsInput {
            issuer: self.issuer.clone(),
            client_id: self.client_id.clone(),
            client_secret: String::new(),
            label: self.label.clone(),
            allowed_domains: self.allowed_domains.join(", "),
            password_login: self.password_login,
            provisioning: Provisioning::parse(&self.provisioning).unwrap_or_default(),
            default_role: self.default_role.clone(),
            trust_provider_mfa: self.trust_provider_mfa,
            group_mappings: self.group_mappings.clone(),
        }
    }
}

pub async fn provider(conn: &mut PgConnection) -> AppResult<Option<ProviderRow>> {
    Ok(sqlx::query_as!(
        ProviderRow,
        "SELECT issuer, client_id, client_secret_ct, label, allowed_domains, password_login,
                provisioning, default_role, trust_provider_mfa, group_mappings
         FROM sso_providers"
    )
    .fetch_optional(conn)
    .await?)
}

/// Whether the workspace allows only owners to sign in with a password.
pub async fn password_login_off(conn: &mut PgConnection) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM sso_providers WHERE NOT password_login) AS "off!""#
    )
    .fetch_one(conn)
    .await?)
}

pub async fn save(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    input: &SsoSettingsInput,
    secret_ct: Option<Vec<u8>>,
    by: Uuid,
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO sso_providers (tenant_id, issuer, client_id, client_secret_ct, label,
                                    allowed_domains, password_login, provisioning, default_role,
                                    trust_provider_mfa, group_mappings, updated_by)
         VALUES ($1, $2, $3, coalesce($4, '\\x'::bytea), $5, $6, $7, $8, $9, $10, $12, $11)
         ON CONFLICT (tenant_id) DO UPDATE SET
             issuer = EXCLUDED.issuer, client_id = EXCLUDED.client_id,
             client_secret_ct = coalesce($4, sso_providers.client_secret_ct),
             label = EXCLUDED.label, allowed_domains = EXCLUDED.allowed_domains,
             password_login = EXCLUDED.password_login, provisioning = EXCLUDED.provisioning,
             default_role = EXCLUDED.default_role,
             trust_provider_mfa = EXCLUDED.trust_provider_mfa,
             group_mappings = EXCLUDED.group_mappings,
             updated_by = EXCLUDED.updated_by, updated_at = now()",
        tenant_id,
        input.issuer,
        input.client_id,
        secret_ct,
        input.label,
        &input.domains(),
        input.password_login,
        input.provisioning.code(),
        input.default_role,
        input.trust_provider_mfa,
        by,
        input.group_mappings
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes the provider and every link to it; whether there was one.
pub async fn remove(conn: &mut PgConnection) -> AppResult<bool> {
    sqlx::query!("DELETE FROM sso_identities")
        .execute(&mut *conn)
        .await?;
    let done = sqlx::query!("DELETE FROM sso_providers")
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn linked_user(
    conn: &mut PgConnection,
    issuer: &str,
    subject: &str,
) -> AppResult<Option<Uuid>> {
    Ok(sqlx::query_scalar!(
        "SELECT user_id FROM sso_identities WHERE issuer = $1 AND subject = $2",
        issuer,
        subject
    )
    .fetch_optional(conn)
    .await?)
}

pub async fn link(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    issuer: &str,
    subject: &str,
    user_id: Uuid,
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO sso_identities (tenant_id, issuer, subject, user_id) VALUES ($1, $2, $3, $4)",
        tenant_id,
        issuer,
        subject,
        user_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The user's role, if the account exists.
pub async fn role_of(conn: &mut PgConnection, user_id: Uuid) -> AppResult<Option<String>> {
    Ok(
        sqlx::query_scalar!("SELECT role FROM users WHERE user_id = $1", user_id)
            .fetch_optional(conn)
            .await?,
    )
}

/// Sets the role of a user who is not an owner; whether it changed.
pub async fn set_role_unless_owner(
    conn: &mut PgConnection,
    user_id: Uuid,
    role: &str,
) -> AppResult<bool> {
    let done = sqlx::query!(
        "UPDATE users SET role = $2 WHERE user_id = $1 AND role <> 'owner' AND role <> $2",
        user_id,
        role
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The ids of the teams with these names (case-insensitive), by lower-case name.
pub async fn teams_named(
    conn: &mut PgConnection,
    names: &[String],
) -> AppResult<Vec<(String, Uuid)>> {
    Ok(sqlx::query!(
        "SELECT lower(name) AS \"name!\", team_id FROM teams WHERE lower(name) = ANY($1)",
        &names.iter().map(|n| n.to_lowercase()).collect::<Vec<_>>()
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| (r.name, r.team_id))
    .collect())
}

/// Puts the user into `join` and out of `leave`; whether anything changed.
pub async fn set_memberships(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    user_id: Uuid,
    join: &[Uuid],
    leave: &[Uuid],
) -> AppResult<bool> {
    let left = sqlx::query!(
        "DELETE FROM team_members WHERE user_id = $1 AND team_id = ANY($2)",
        user_id,
        leave
    )
    .execute(&mut *conn)
    .await?;
    let joined = sqlx::query!(
        "INSERT INTO team_members (tenant_id, team_id, user_id)
         SELECT $1, t, $2 FROM UNNEST($3::uuid[]) AS t ON CONFLICT DO NOTHING",
        tenant_id,
        user_id,
        join
    )
    .execute(conn)
    .await?;
    Ok(left.rows_affected() + joined.rows_affected() > 0)
}
