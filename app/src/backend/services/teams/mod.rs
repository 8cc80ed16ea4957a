//! Teams and record visibility: the rules. Owners and administrators form teams and
//! choose whether the department roles see every record or only their own, their
//! team mates' and unowned ones. The scope turns that into the database setting the
//! record policies read (`Scope::visible_owners`), so every service obeys it.

pub mod storage;

use crate::backend::Scope;
use crate::model::audit::AuditAction;
use crate::model::identity::TeamAudit;
use crate::model::permission::{Action, Area};
use crate::model::teams::{RecordVisibility, Team, TeamInput, TeamsOverview};
use crate::model::validation::{FieldErrors, Problem};
use crate::{AppError, AppResult};
use uuid::Uuid;

fn audited(action: TeamAudit) -> AuditAction {
    AuditAction::Team(action)
}

/// The teams section of the team page. Team names and memberships are shown to
/// everyone who sees the team page; who is in a team is not secret in a company.
pub async fn overview(scope: &mut Scope) -> AppResult<TeamsOverview> {
    scope.require(Area::Team, Action::Read)?;
    let visibility = storage::visibility(scope.conn()).await?;
    let teams = storage::all(scope.conn())
        .await?
        .into_iter()
        .map(|r| Team {
            id: r.team_id,
            name: r.name,
            members: r.members,
        })
        .collect();
    Ok(TeamsOverview {
        visibility: RecordVisibility::parse(&visibility).unwrap_or_default(),
        teams,
    })
}

pub async fn set_visibility(scope: &mut Scope, code: &str) -> AppResult<()> {
    scope.require(Area::Team, Action::Configure)?;
    let visibility = RecordVisibility::parse(code).ok_or_else(|| {
        AppError::Validation(FieldErrors::single("visibility", Problem::InvalidChoice))
    })?;
    storage::set_visibility(scope.conn(), visibility.code()).await?;
    let event = scope
        .event(audited(TeamAudit::RecordVisibilityChanged))
        .fields(&["record_visibility"]);
    scope.audit(event).await
}

pub async fn create(scope: &mut Scope, input: &TeamInput) -> AppResult<Team> {
    scope.require(Area::Team, Action::Manage)?;
    let input = input.normalized();
    input.validate().into_result()?;
    let (tenant_id, id) = (scope.tenant_id(), Uuid::now_v7());
    storage::insert(scope.conn(), tenant_id, id, &input.name).await?;
    let event = scope.event(audited(TeamAudit::TeamCreated));
    scope.audit(event).await?;
    Ok(Team {
        id,
        name: input.name,
        members: Vec::new(),
    })
}

pub async fn rename(scope: &mut Scope, id: Uuid, input: &TeamInput) -> AppResult<()> {
    scope.require(Area::Team, Action::Manage)?;
    let input = input.normalized();
    input.validate().into_result()?;
    if !storage::rename(scope.conn(), id, &input.name).await? {
        return Err(AppError::NotFound);
    }
    let event = scope.event(audited(TeamAudit::TeamRenamed));
    scope.audit(event).await
}

/// Replaces the team's members; the entry names who joined and who left.
pub async fn set_members(scope: &mut Scope, id: Uuid, members: &[Uuid]) -> AppResult<()> {
    scope.require(Area::Team, Action::Manage)?;
    let mut members = members.to_vec();
    members.sort_unstable();
    members.dedup();
    let before = storage::members_for_update(scope.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let tenant_id = scope.tenant_id();
    storage::replace_members(scope.conn(), tenant_id, id, &members).await?;
    let changed: Vec<Uuid> = members
        .iter()
        .filter(|m| !before.contains(m))
        .chain(before.iter().filter(|m| !members.contains(m)))
        .copied()
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    let event = scope
        .event(audited(TeamAudit::TeamMembersChanged))
        .subjects(&changed);
    scope.audit(event).await
}

pub async fn delete(scope: &mut Scope, id: Uuid) -> AppResult<()> {
    scope.require(Area::Team, Action::Manage)?;
    let members = storage::delete(scope.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let event = scope
        .event(audited(TeamAudit::TeamDeleted))
        .subjects(&members);
    scope.audit(event).await
}
