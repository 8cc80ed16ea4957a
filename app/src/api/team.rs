//! Team members, roles and invitations.

use crate::model::identity::{AcceptInviteInput, Invitation, InvitationPreview, InviteInput};
use crate::model::second_factor::SignInStep;
use crate::model::teams::{Team, TeamInput};
use crate::AppError;
use leptos::prelude::*;
use uuid::Uuid;

pub use crate::model::identity::TeamSummary;

#[cfg(feature = "ssr")]
use {
    super::support::*,
    crate::backend::auth::session,
    crate::backend::services::{team, teams},
};

#[server(prefix = "/rpc", endpoint = "team")]
pub async fn load_team() -> Result<TeamSummary, AppError> {
    in_scope(async |s| team::summary(s).await).await
}

/// Colleagues' names for pickers and labels.
#[server(prefix = "/rpc", endpoint = "team/directory")]
pub async fn load_directory() -> Result<Vec<crate::model::identity::Colleague>, AppError> {
    in_scope(async |s| team::directory(s).await).await
}

#[server(prefix = "/rpc", endpoint = "team/invite")]
pub async fn invite_member(input: InviteInput) -> Result<Invitation, AppError> {
    let locale = crate::i18n::initial_locale();
    in_scope(async |s| team::invite(s, &input, locale).await).await
}

#[server(prefix = "/rpc", endpoint = "team/role")]
pub async fn change_role(user_id: Uuid, role: String) -> Result<(), AppError> {
    in_scope(async |s| team::change_role(s, user_id, &role).await).await
}

#[server(prefix = "/rpc", endpoint = "invitation")]
pub async fn preview_invitation(
    slug: String,
    token: String,
) -> Result<InvitationPreview, AppError> {
    public(async |state| team::preview_invitation(state, &slug, &token).await).await
}

#[server(prefix = "/rpc", endpoint = "invitation/accept")]
pub async fn accept_invitation(input: AcceptInviteInput) -> Result<SignInStep, AppError> {
    public(async |state| {
        let accepted = team::accept_invitation(state, &input).await?;
        session::start(&session().await?, accepted).await
    })
    .await
}

/// Replaces the workspace's field masks; each `role:field`. An empty list (nothing
/// hidden) is sent as no field at all, hence the default.
#[server(prefix = "/rpc", endpoint = "team/field-masks")]
pub async fn set_field_masks(#[server(default)] masks: Vec<String>) -> Result<(), AppError> {
    in_scope(async |s| crate::backend::services::field_masks::set(s, &masks).await).await
}

#[server(prefix = "/rpc", endpoint = "team/visibility")]
pub async fn set_record_visibility(visibility: String) -> Result<(), AppError> {
    in_scope(async |s| teams::set_visibility(s, &visibility).await).await
}

#[server(prefix = "/rpc", endpoint = "teams/create")]
pub async fn create_team(input: TeamInput) -> Result<Team, AppError> {
    in_scope(async |s| teams::create(s, &input).await).await
}

#[server(prefix = "/rpc", endpoint = "teams/rename")]
pub async fn rename_team(id: Uuid, input: TeamInput) -> Result<(), AppError> {
    in_scope(async |s| teams::rename(s, id, &input).await).await
}

/// Replaces the team's members. An empty team is sent as no field, hence the default.
#[server(prefix = "/rpc", endpoint = "teams/members")]
pub async fn set_team_members(
    id: Uuid,
    #[server(default)] members: Vec<Uuid>,
) -> Result<(), AppError> {
    in_scope(async |s| teams::set_members(s, id, &members).await).await
}

#[server(prefix = "/rpc", endpoint = "teams/delete")]
pub async fn delete_team(id: Uuid) -> Result<(), AppError> {
    in_scope(async |s| teams::delete(s, id).await).await
}
