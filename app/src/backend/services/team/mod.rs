//! Team members, roles and invitations: the rules. Rows live in [`storage`].

pub mod storage;

use crate::backend::audit::{self, AuditEvent};
use crate::backend::auth::token::{new_token, token_hash};
use crate::backend::auth::{guard, password};
use crate::backend::crypto::{open_rows, KeyStore, RecordCipher};
use crate::backend::services::identity::storage::USERS;
use crate::backend::services::identity::{
    employee_names, insert_user, NewUser, PasswordAccepted, SignedIn,
};
use crate::backend::services::{field_masks, identity, second_factor, sso, teams};
use crate::backend::subjects::{BoxFuture, SubjectKind};
use crate::backend::tenancy::{begin_for_tenant, tenant_id_for_slug};
use crate::backend::{Backend, Scope};
use crate::i18n::{fill, Locale};
use crate::model::audit::AuditAction;
use crate::model::audit::DataSubject;
use crate::model::identity::{
    AcceptInviteInput, Invitation, InvitationPreview, InviteInput, Role, TeamAudit, TeamMember,
    TeamSummary,
};
use crate::model::permission::{Action, Area};
use crate::model::validation::{normalize_email, FieldErrors, Problem};
use crate::{AppError, AppResult};
use storage::{NewInvitation, INVITATIONS};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const INVITATION_VALIDITY: Duration = Duration::days(7);

fn parse_role(value: &str) -> AppResult<Role> {
    Role::parse(value).ok_or(AppError::Internal)
}

fn audited(action: TeamAudit) -> AuditAction {
    AuditAction::Team(action)
}

/// Employees are data subjects too: reviewers see them by name; an export is what the
/// team page shows of them. They are not erased through the registry (see
/// [`SubjectKind::erase`]).
pub const EMPLOYEE_SUBJECT_KIND: SubjectKind = SubjectKind {
    kind: DataSubject::Employee,
    labels: employee_labels,
    export: |scope, id| {
        Box::pin(async move {
            let member = member(scope, id).await?;
            member
                .map(|m| serde_json::to_value(m).map_err(|_| AppError::Internal))
                .transpose()
        })
    },
    erase: None,
};

fn employee_labels<'a>(
    conn: &'a mut sqlx::PgConnection,
    keys: &'a KeyStore,
    tenant_id: Uuid,
    ids: &'a [Uuid],
) -> BoxFuture<'a, AppResult<std::collections::HashMap<Uuid, String>>> {
    Box::pin(async move {
        let mut names = employee_names(conn, keys, tenant_id).await?;
        names.retain(|id, _| ids.contains(id));
        Ok(names)
    })
}

/// One member as the team page shows them; the read is audited.
pub async fn member(scope: &mut Scope, user_id: Uuid) -> AppResult<Option<TeamMember>> {
    scope.require(Area::Team, Action::Read)?;
    let Some(row) = storage::member(scope.conn(), user_id).await? else {
        return Ok(None);
    };
    let opened = scope
        .open_rows(USERS, vec![row], |r| (r.0, r.0), open_member)
        .await?;
    let event = scope
        .event(audited(TeamAudit::Read))
        .subjects(std::slice::from_ref(&user_id))
        .fields(&["display_name", "email"]);
    scope.audit(event).await?;
    Ok(opened.into_iter().next())
}

fn open_member(c: &RecordCipher, row: storage::MemberRow) -> AppResult<TeamMember> {
    let (user_id, name_ct, email_ct, role) = row;
    Ok(TeamMember {
        user_id,
        display_name: c.open("display_name", &name_ct)?,
        email: c.open("email", &email_ct)?,
        role: parse_role(&role)?,
    })
}

/// Everyone's display name, for owner and assignee pickers and labels. The read is
/// audited once per call as a team read of those names.
pub async fn directory(scope: &mut Scope) -> AppResult<Vec<crate::model::identity::Colleague>> {
    scope.require(Area::Team, Action::Read)?;
    let tenant_id = scope.tenant_id();
    let names = employee_names(&mut scope.tx, &scope.backend.keys, tenant_id).await?;
    let mut colleagues: Vec<_> = names
        .into_iter()
        .map(
            |(user_id, display_name)| crate::model::identity::Colleague {
                user_id,
                display_name,
            },
        )
        .collect();
    colleagues.sort_by(|a, b| {
        crate::backend::crypto::fold(&a.display_name)
            .cmp(&crate::backend::crypto::fold(&b.display_name))
    });
    let ids: Vec<Uuid> = colleagues.iter().map(|c| c.user_id).collect();
    let event = scope
        .event(audited(TeamAudit::Read))
        .subjects(&ids)
        .fields(&["display_name"]);
    scope.audit(event).await?;
    Ok(colleagues)
}

/// The team page: members for everyone; invitations and grantable roles for those
/// who manage the team.
pub async fn summary(scope: &mut Scope) -> AppResult<TeamSummary> {
    scope.require(Area::Team, Action::Read)?;
    let role = scope.principal.role;
    let members = members(scope).await?;
    let can_manage = role.may(Area::Team, Action::Manage);
    let (invitations, grantable_roles, with_second_factor) = if can_manage {
        let grantable = Role::all().filter(|r| role.can_grant(*r)).collect();
        let with_totp = second_factor::members_with_factor(scope).await?;
        (open_invitations(scope).await?, grantable, with_totp)
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    Ok(TeamSummary {
        members,
        invitations,
        can_manage,
        grantable_roles,
        second_factor: second_factor::policy(scope).await?,
        field_masks: field_masks::all(scope).await?,
        teams: teams::overview(scope).await?,
        sso: if role.may(Area::Team, Action::Configure) {
            Some(sso::settings(scope).await?)
        } else {
            None
        },
        with_second_factor,
    })
}

pub async fn members(scope: &mut Scope) -> AppResult<Vec<TeamMember>> {
    scope.require(Area::Team, Action::Read)?;
    let rows = storage::members(scope.conn()).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.0).collect();
    let mut members = scope
        .open_rows(USERS, rows, |r| (r.0, r.0), open_member)
        .await?;
    members.sort_by_key(|m| (m.display_name.to_lowercase(), m.user_id));
    let event = scope
        .event(audited(TeamAudit::Read))
        .subjects(&ids)
        .fields(&["display_name", "email"]);
    scope.audit(event).await?;
    Ok(members)
}

pub async fn open_invitations(scope: &mut Scope) -> AppResult<Vec<Invitation>> {
    scope.require(Area::Team, Action::Manage)?;
    let rows = storage::open_invitations(scope.conn()).await?;
    let invitations = scope
        .open_rows(
            INVITATIONS,
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
        .await?;
    // Each invitee's address is personal data shown: one entry naming them all.
    if !invitations.is_empty() {
        let ids: Vec<Uuid> = invitations.iter().map(|i| i.id).collect();
        let event = scope
            .event(audited(TeamAudit::InvitationsRead))
            .subjects(&ids)
            .fields(&["email"]);
        scope.audit(event).await?;
    }
    Ok(invitations)
}

/// Creates an invitation and returns its one-time link (only the token's hash is
/// stored); mails the link to the invitee, in `locale`, where the server has an
/// account mailer.
pub async fn invite(
    scope: &mut Scope,
    input: &InviteInput,
    locale: Locale,
) -> AppResult<Invitation> {
    scope.require(Area::Team, Action::Manage)?;
    input.validate().into_result()?;
    let role = Role::parse(&input.role).ok_or(AppError::BadRequest)?;
    if !scope.principal.role.can_grant(role) {
        return Err(AppError::Forbidden);
    }
    let email = normalize_email(&input.email);
    let email_bidx = scope.index_key().await?.email(&email);
    if storage::email_taken(scope.conn(), &email_bidx).await? {
        return Err(AppError::Validation(FieldErrors::single(
            "email",
            Problem::EmailTaken,
        )));
    }
    let token = new_token();
    let id = Uuid::now_v7();
    let expires_at = OffsetDateTime::now_utc() + INVITATION_VALIDITY;
    // The invitee's address is personal data: encrypted under the invitation's own
    // subject key, which is destroyed once the invitation is used.
    let key = scope.create_subject_key(id).await?;
    let email_ct = scope.cipher(&key, INVITATIONS, id).seal("email", &email);
    let slug = storage::tenant_slug(scope.conn()).await?;
    let invitation = NewInvitation {
        tenant_id: scope.tenant_id(),
        id,
        email_ct,
        email_bidx: &email_bidx,
        role: role.as_str(),
        token_hash: token_hash(&token),
        invited_by: scope.user_id(),
        expires_at,
    };
    storage::insert_invitation(scope.conn(), invitation).await?;
    let event = scope
        .event(audited(TeamAudit::InvitationCreated))
        .subjects(std::slice::from_ref(&id))
        .fields(&["email", "role"]);
    scope.audit(event).await?;
    tracing::info!(tenant_id = %scope.tenant_id(), invitation_id = %id, "invitation created");
    let public_url = scope.backend.public_url.trim_end_matches('/');
    // The token rides in the fragment, which no browser sends to a server.
    let link = format!("{public_url}/invite/{slug}#{token}");
    if let Some(mailer) = scope.backend.account_mail.clone() {
        let me = identity::current_user(scope).await?;
        let texts = locale.texts().auth;
        let body = fill(
            texts.invite_mail_body,
            &[
                ("workspace", &me.tenant_name),
                ("link", &link),
                ("inviter", &me.display_name),
            ],
        );
        scope.after_commit(mailer.send_later(&email, texts.invite_mail_subject.to_owned(), body));
    }
    Ok(Invitation {
        id,
        email,
        role,
        expires_at,
        link: Some(link),
    })
}

/// Changes a member's role. Admins cannot touch owners; the last owner stays owner.
pub async fn change_role(scope: &mut Scope, user_id: Uuid, new_role: &str) -> AppResult<()> {
    scope.require(Area::Team, Action::Manage)?;
    let new_role = Role::parse(new_role).ok_or(AppError::BadRequest)?;
    let actor = scope.principal.role;
    // Role changes of a workspace take turns, so two owners demoting each other at
    // once cannot both count the other as the remaining owner.
    storage::lock_roles(scope.conn()).await?;
    let current = storage::role_for_update(scope.conn(), user_id).await?;
    let current = parse_role(&current.ok_or(AppError::NotFound)?)?;
    if !actor.can_grant(new_role) || !actor.can_grant(current) {
        return Err(AppError::Forbidden);
    }
    if current == Role::Owner
        && new_role != Role::Owner
        && storage::owner_count(scope.conn()).await? <= 1
    {
        return Err(AppError::Conflict);
    }
    let (backend, tenant_id) = (scope.backend.clone(), scope.tenant_id());
    guard::check_before_change(scope.conn(), &backend.keys, tenant_id, user_id).await?;
    storage::set_role(scope.conn(), user_id, new_role.as_str()).await?;
    guard::bind(scope.conn(), &backend.keys, tenant_id, user_id).await?;
    let event = scope
        .event(audited(TeamAudit::RoleChanged))
        .subjects(std::slice::from_ref(&user_id))
        .fields(&["role"]);
    scope.audit(event).await?;
    tracing::info!(tenant_id = %scope.tenant_id(), %user_id, role = new_role.as_str(), "role changed");
    Ok(())
}

async fn tenant_for_slug(backend: &Backend, slug: &str) -> AppResult<Uuid> {
    tenant_id_for_slug(&backend.db, slug)
        .await?
        .ok_or(AppError::NotFound)
}

/// Opens the e-mail sealed under an invitation's own key.
async fn open_email(
    conn: &mut sqlx::PgConnection,
    keys: &KeyStore,
    tenant_id: Uuid,
    id: Uuid,
    email_ct: Vec<u8>,
) -> AppResult<String> {
    let opened = open_rows(
        keys,
        conn,
        tenant_id,
        INVITATIONS,
        vec![email_ct],
        |_| (id, id),
        |c, ct| c.open("email", &ct),
    )
    .await?;
    opened.into_iter().next().ok_or(AppError::NotFound)
}

/// What the invitation page shows before the invitee sets a password.
pub async fn preview_invitation(
    backend: &Backend,
    slug: &str,
    token: &str,
) -> AppResult<InvitationPreview> {
    let tenant_id = tenant_for_slug(backend, slug).await?;
    let mut tx = begin_for_tenant(&backend.db, tenant_id).await?;
    let row = storage::invitation_preview(&mut tx, &token_hash(token)).await?;
    let (id, tenant_name, email_ct, role) = row.ok_or(AppError::NotFound)?;
    let email = open_email(&mut tx, &backend.keys, tenant_id, id, email_ct).await?;
    // Nobody is signed in yet: the entry has no actor, only the invitation.
    let event = AuditEvent::new(None, audited(TeamAudit::InvitationPreviewed))
        .subjects(std::slice::from_ref(&id))
        .fields(&["email"]);
    audit::record(&mut tx, tenant_id, event).await?;
    tx.commit().await?;
    Ok(InvitationPreview {
        tenant_name,
        email,
        role: parse_role(&role)?,
    })
}

/// Turns a valid invitation into an account, once; signed in, and asked to set up a
/// second factor first where the workspace requires one of the role.
pub async fn accept_invitation(
    backend: &Backend,
    input: &AcceptInviteInput,
) -> AppResult<PasswordAccepted> {
    input.validate().into_result()?;
    let tenant_id = tenant_for_slug(backend, input.slug.trim()).await?;
    // A wrong link costs no password hashing.
    let mut check = begin_for_tenant(&backend.db, tenant_id).await?;
    let open = storage::invitation_for_accepting(&mut check, &token_hash(&input.token)).await?;
    check.commit().await?;
    if open.is_none() {
        return Err(AppError::NotFound);
    }
    let password_hash = password::hash_async(input.password.clone()).await?;
    let mut tx = begin_for_tenant(&backend.db, tenant_id).await?;
    let row = storage::invitation_for_accepting(&mut tx, &token_hash(&input.token)).await?;
    let (invitation_id, email_ct, role) = row.ok_or(AppError::NotFound)?;
    let email = open_email(&mut tx, &backend.keys, tenant_id, invitation_id, email_ct).await?;
    let user_id = Uuid::now_v7();
    let user = NewUser {
        user_id,
        email: &email,
        display_name: input.display_name.trim(),
        password_hash: &password_hash,
        role: parse_role(&role)?,
    };
    insert_user(&mut tx, &backend.keys, tenant_id, &user)
        .await
        .map_err(|err| match err {
            AppError::Validation(_) => AppError::Conflict,
            other => other,
        })?;
    storage::mark_accepted(&mut tx, invitation_id).await?;
    // The invitee is now a user with a key of their own; the invitation's copy is shredded.
    KeyStore::destroy_subject_key(&mut tx, invitation_id).await?;
    let event = AuditEvent::new(Some(user_id), audited(TeamAudit::InvitationAccepted))
        .subjects(std::slice::from_ref(&invitation_id));
    audit::record(&mut tx, tenant_id, event).await?;
    let next = second_factor::next_step(&mut tx, user_id).await?;
    tx.commit().await?;
    tracing::info!(%tenant_id, %user_id, "invitation accepted");
    let signed_in = SignedIn {
        tenant_id,
        user_id,
        second_factor: false,
    };
    Ok(PasswordAccepted { signed_in, next })
}
