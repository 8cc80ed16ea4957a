//! Team members, roles and invitations.

use crate::backend::audit::{self, AuditEvent};
use crate::backend::auth::password;
use crate::backend::crypto::{KeyStore, RecordCipher};
use crate::backend::services::identity::{insert_user, NewUser, SignedIn};
use crate::backend::tenancy::begin_for_tenant;
use crate::backend::{Backend, Scope};
use crate::model::audit::AuditAction;
use crate::model::identity::{
    AcceptInviteInput, Invitation, InvitationPreview, InviteInput, Role, TeamAudit, TeamMember,
    TeamSummary,
};
use crate::model::permission::{Action, Area};
use crate::model::validation::{normalize_email, FieldErrors, Problem};
use crate::{AppError, AppResult};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const INVITATION_VALIDITY: Duration = Duration::days(7);

fn parse_role(value: &str) -> AppResult<Role> {
    Role::parse(value).ok_or(AppError::Internal)
}

/// The team page: members for everyone; invitations and grantable roles for those
/// who manage the team.
pub async fn summary(scope: &mut Scope) -> AppResult<TeamSummary> {
    scope.require(Area::Team, Action::Read)?;
    let role = scope.principal.role;
    let members = members(scope).await?;
    let can_manage = role.may(Area::Team, Action::Manage);
    let (invitations, grantable_roles) = if can_manage {
        let grantable = Role::ALL
            .into_iter()
            .filter(|r| role.can_grant(*r))
            .collect();
        (open_invitations(scope).await?, grantable)
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(TeamSummary {
        members,
        invitations,
        can_manage,
        grantable_roles,
    })
}

pub async fn members(scope: &mut Scope) -> AppResult<Vec<TeamMember>> {
    scope.require(Area::Team, Action::Read)?;
    let rows: Vec<(Uuid, Vec<u8>, Vec<u8>, String)> =
        sqlx::query!("SELECT user_id, display_name_ct, email_ct, role FROM users")
            .fetch_all(scope.conn())
            .await?
            .into_iter()
            .map(|r| (r.user_id, r.display_name_ct, r.email_ct, r.role))
            .collect();
    let ids: Vec<Uuid> = rows.iter().map(|r| r.0).collect();
    let mut members = scope
        .open_rows(
            "users",
            rows,
            |r| (r.0, r.0),
            |c, (user_id, name_ct, email_ct, role)| {
                Ok(TeamMember {
                    user_id,
                    display_name: c.open("display_name", &name_ct)?,
                    email: c.open("email", &email_ct)?,
                    role: parse_role(&role)?,
                })
            },
        )
        .await?;
    members.sort_by_key(|m| (m.display_name.to_lowercase(), m.user_id));
    let event = scope
        .event(AuditAction::Team(TeamAudit::Read))
        .subjects(&ids)
        .fields(&["display_name", "email"]);
    scope.audit(event).await?;
    Ok(members)
}

pub async fn open_invitations(scope: &mut Scope) -> AppResult<Vec<Invitation>> {
    scope.require(Area::Team, Action::Manage)?;
    let rows: Vec<(Uuid, Vec<u8>, String, OffsetDateTime)> = sqlx::query!(
        "SELECT invitation_id, email_ct, role, expires_at FROM invitations
         WHERE accepted_at IS NULL AND expires_at > now() ORDER BY created_at DESC"
    )
    .fetch_all(scope.conn())
    .await?
    .into_iter()
    .map(|r| (r.invitation_id, r.email_ct, r.role, r.expires_at))
    .collect();
    scope
        .open_rows(
            "invitations",
            rows,
            |r| (r.0, r.0),
            |c, (id, email_ct, role, expires_at)| {
                Ok(Invitation {
                    id,
                    email: c.open("email", &email_ct)?,
                    role: parse_role(&role)?,
                    expires_at,
                    link: None,
                })
            },
        )
        .await
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Creates an invitation and returns its one-time link (only the token's hash is stored).
pub async fn invite(scope: &mut Scope, input: &InviteInput) -> AppResult<Invitation> {
    scope.require(Area::Team, Action::Manage)?;
    let backend = scope.backend.clone();
    let (keys, public_url) = (&backend.keys, &backend.public_url);
    input.validate().into_result()?;
    let role = Role::parse(&input.role).ok_or(AppError::BadRequest)?;
    if !scope.principal.role.can_grant(role) {
        return Err(AppError::Forbidden);
    }
    let tenant_id = scope.principal.tenant_id;
    let email = normalize_email(&input.email);
    let email_bidx = keys.index_key(scope.conn(), tenant_id).await?.email(&email);
    let taken: bool = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM users WHERE email_bidx = $1) AS "taken!""#,
        &email_bidx
    )
    .fetch_one(scope.conn())
    .await?;
    if taken {
        return Err(AppError::Validation(FieldErrors::single(
            "email",
            Problem::EmailTaken,
        )));
    }

    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    let token = URL_SAFE_NO_PAD.encode(raw);
    let id = Uuid::now_v7();
    let expires_at = OffsetDateTime::now_utc() + INVITATION_VALIDITY;
    let invited_by = scope.principal.user_id;
    // The invitee's address is personal data: encrypted under the invitation's own
    // subject key, which is destroyed once the invitation is used.
    let key = keys.create_subject_key(scope.conn(), tenant_id, id).await?;
    let email_ct = RecordCipher {
        key: &key,
        tenant_id,
        table: "invitations",
        row_id: id,
    }
    .seal("email", &email);
    let slug: String = sqlx::query_scalar!("SELECT slug FROM tenants")
        .fetch_one(scope.conn())
        .await?;
    sqlx::query!(
        "INSERT INTO invitations (tenant_id, invitation_id, email_ct, email_bidx, role, token_hash, invited_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        tenant_id,
        id,
        email_ct,
        &email_bidx,
        role.as_str(),
        token_hash(&token),
        invited_by,
        expires_at
    )
    .execute(scope.conn())
    .await?;
    let event = AuditEvent::new(
        Some(invited_by),
        AuditAction::Team(TeamAudit::InvitationCreated),
    )
    .subjects(std::slice::from_ref(&id))
    .fields(&["email", "role"]);
    audit::record(scope.conn(), tenant_id, event).await?;
    tracing::info!(%tenant_id, invitation_id = %id, "invitation created");
    Ok(Invitation {
        id,
        email,
        role,
        expires_at,
        link: Some(format!(
            "{}/invite/{slug}/{token}",
            public_url.trim_end_matches('/')
        )),
    })
}

/// Changes a member's role. Admins cannot touch owners; the last owner stays owner.
pub async fn change_role(scope: &mut Scope, user_id: Uuid, new_role: &str) -> AppResult<()> {
    scope.require(Area::Team, Action::Manage)?;
    let new_role = Role::parse(new_role).ok_or(AppError::BadRequest)?;
    let actor = scope.principal.role;
    let current: Option<String> = sqlx::query_scalar!(
        "SELECT role FROM users WHERE user_id = $1 FOR UPDATE",
        user_id
    )
    .fetch_optional(scope.conn())
    .await?;
    let current = parse_role(&current.ok_or(AppError::NotFound)?)?;
    if !actor.can_grant(new_role) || !actor.can_grant(current) {
        return Err(AppError::Forbidden);
    }
    if current == Role::Owner && new_role != Role::Owner {
        let owners: i64 =
            sqlx::query_scalar!(r#"SELECT count(*) AS "owners!" FROM users WHERE role = 'owner'"#)
                .fetch_one(scope.conn())
                .await?;
        if owners <= 1 {
            return Err(AppError::Conflict);
        }
    }
    sqlx::query!(
        "UPDATE users SET role = $2 WHERE user_id = $1",
        user_id,
        new_role.as_str()
    )
    .execute(scope.conn())
    .await?;
    let (tenant_id, me) = (scope.principal.tenant_id, scope.principal.user_id);
    let event = AuditEvent::new(Some(me), AuditAction::Team(TeamAudit::RoleChanged))
        .subjects(std::slice::from_ref(&user_id))
        .fields(&["role"]);
    audit::record(scope.conn(), tenant_id, event).await?;
    tracing::info!(tenant_id = %scope.principal.tenant_id, %user_id, role = new_role.as_str(), "role changed");
    Ok(())
}

async fn tenant_for_slug(pool: &PgPool, slug: &str) -> AppResult<Uuid> {
    let tenant: Option<Uuid> = crate::backend::tenancy::tenant_id_for_slug(pool, slug).await?;
    tenant.ok_or(AppError::NotFound)
}

/// What the invitation page shows before the invitee sets a password.
pub async fn preview_invitation(
    backend: &Backend,
    slug: &str,
    token: &str,
) -> AppResult<InvitationPreview> {
    let (pool, keys) = (&backend.db, &backend.keys);
    let tenant_id = tenant_for_slug(pool, slug).await?;
    let mut tx = begin_for_tenant(pool, tenant_id).await?;
    let row: Option<(Uuid, String, Vec<u8>, String)> = sqlx::query!(
        "SELECT i.invitation_id, t.name, i.email_ct, i.role FROM invitations i JOIN tenants t USING (tenant_id)
         WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > now()",
        token_hash(token)
    )
    .fetch_optional(&mut *tx).await?
    .map(|r| (r.invitation_id, r.name, r.email_ct, r.role));
    let (id, tenant_name, email_ct, role) = row.ok_or(AppError::NotFound)?;
    let key = keys.subject_key(&mut tx, tenant_id, id).await?;
    let email = RecordCipher {
        key: &key,
        tenant_id,
        table: "invitations",
        row_id: id,
    }
    .open("email", &email_ct)?;
    tx.commit().await?;
    Ok(InvitationPreview {
        tenant_name,
        email,
        role: parse_role(&role)?,
    })
}

/// Turns a valid invitation into an account, once.
pub async fn accept_invitation(
    backend: &Backend,
    input: &AcceptInviteInput,
) -> AppResult<SignedIn> {
    let (pool, keys) = (&backend.db, &backend.keys);
    input.validate().into_result()?;
    let tenant_id = tenant_for_slug(pool, input.slug.trim()).await?;
    let password_hash = password::hash_async(input.password.clone()).await?;
    let mut tx = begin_for_tenant(pool, tenant_id).await?;
    let row: Option<(Uuid, Vec<u8>, String)> = sqlx::query!(
        "SELECT invitation_id, email_ct, role FROM invitations
         WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > now() FOR UPDATE",
        token_hash(&input.token)
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|r| (r.invitation_id, r.email_ct, r.role));
    let (invitation_id, email_ct, role) = row.ok_or(AppError::NotFound)?;
    let invitation_key = keys.subject_key(&mut tx, tenant_id, invitation_id).await?;
    let email = RecordCipher {
        key: &invitation_key,
        tenant_id,
        table: "invitations",
        row_id: invitation_id,
    }
    .open("email", &email_ct)?;
    let user_id = Uuid::now_v7();
    let user = NewUser {
        user_id,
        email: &email,
        display_name: input.display_name.trim(),
        password_hash: &password_hash,
        role: parse_role(&role)?,
    };
    insert_user(&mut tx, keys, tenant_id, &user)
        .await
        .map_err(|err| match err {
            AppError::Validation(_) => AppError::Conflict,
            other => other,
        })?;
    sqlx::query!(
        "UPDATE invitations SET accepted_at = now() WHERE invitation_id = $1",
        invitation_id
    )
    .execute(&mut *tx)
    .await?;
    // The invitee is now a user with a key of their own; the invitation's copy is shredded.
    KeyStore::destroy_subject_key(&mut tx, invitation_id).await?;
    let event = AuditEvent::new(
        Some(user_id),
        AuditAction::Team(TeamAudit::InvitationAccepted),
    )
    .subjects(std::slice::from_ref(&invitation_id));
    audit::record(&mut tx, tenant_id, event).await?;
    tx.commit().await?;
    tracing::info!(%tenant_id, %user_id, "invitation accepted");
    Ok(SignedIn { tenant_id, user_id })
}
