//! Team members, roles and invitations.

use crate::model::identity::{
    AcceptInviteInput, Invitation, InvitationPreview, InviteInput, Role, TeamMember,
};
use crate::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {super::support::*, crate::backend::auth::session, crate::backend::services::team};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TeamSummary {
    pub members: Vec<TeamMember>,
    /// Empty for roles that cannot manage the team.
    pub invitations: Vec<Invitation>,
    pub can_manage: bool,
    pub grantable_roles: Vec<Role>,
}

#[server(prefix = "/rpc", endpoint = "team")]
pub async fn load_team() -> Result<TeamSummary, AppError> {
    respond(
        async {
            let state = state()?;
            let mut scope = tenant_scope(&state).await?;
            let role = scope.principal.role;
            let members = team::members(&mut scope, &state.keys).await?;
            let can_manage = role.can_manage_team();
            let invitations = if can_manage {
                team::open_invitations(&mut scope, &state.keys).await?
            } else {
                Vec::new()
            };
            scope.commit().await?;
            let grantable_roles = if can_manage {
                Role::ALL
                    .into_iter()
                    .filter(|r| role.can_grant(*r))
                    .collect()
            } else {
                Vec::new()
            };
            Ok(TeamSummary {
                members,
                invitations,
                can_manage,
                grantable_roles,
            })
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "team/invite")]
pub async fn invite_member(input: InviteInput) -> Result<Invitation, AppError> {
    respond(
        async {
            let state = state()?;
            let mut scope = tenant_scope(&state).await?;
            let invitation =
                team::invite(&mut scope, &state.keys, &state.public_url, &input).await?;
            scope.commit().await?;
            Ok(invitation)
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "team/role")]
pub async fn change_role(user_id: Uuid, role: String) -> Result<(), AppError> {
    respond(
        async {
            let role = Role::parse(&role).ok_or(AppError::BadRequest)?;
            let mut scope = tenant_scope(&state()?).await?;
            team::change_role(&mut scope, user_id, role).await?;
            scope.commit().await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "invitation")]
pub async fn preview_invitation(
    slug: String,
    token: String,
) -> Result<InvitationPreview, AppError> {
    respond(
        async {
            let state = state()?;
            team::preview_invitation(&state.db, &state.keys, &slug, &token).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "invitation/accept")]
pub async fn accept_invitation(input: AcceptInviteInput) -> Result<(), AppError> {
    respond(
        async {
            let state = state()?;
            let signed_in = team::accept_invitation(&state.db, &state.keys, &input).await?;
            session::sign_in(&session().await?, signed_in.tenant_id, signed_in.user_id).await
        }
        .await,
    )
}
