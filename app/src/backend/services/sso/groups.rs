//! Provider groups that decide roles and teams at every single sign-on. With role
//! mappings the provider decides the role: the first mapped group the person is in,
//! else the workspace's default role (owners are never changed). Mapped teams follow
//! the groups; teams nobody mapped are left to the team page.

use super::Provider;
use crate::backend::audit::{self, AuditEvent};
use crate::backend::auth::guard;
use crate::backend::tenancy::begin_for_tenant;
use crate::backend::Backend;
use crate::model::audit::AuditAction;
use crate::model::identity::{Role, TeamAudit};
use crate::model::sso::{parse_mappings, GroupTarget};
use crate::AppResult;
use uuid::Uuid;

pub(crate) async fn apply(
    backend: &Backend,
    provider: &Provider,
    tenant_id: Uuid,
    user_id: Uuid,
    groups: &[String],
) -> AppResult<()> {
    let mappings = parse_mappings(&provider.row.group_mappings).unwrap_or_default();
    if mappings.is_empty() {
        return Ok(());
    }
    let member_of = |group: &str| groups.iter().any(|g| g == group);
    let mut tx = begin_for_tenant(&backend.db, tenant_id).await?;
    let role_mapped = mappings
        .iter()
        .any(|(_, t)| matches!(t, GroupTarget::Role(_)));
    if role_mapped {
        let default = Role::parse(&provider.row.default_role).unwrap_or(Role::Member);
        let role = mappings
            .iter()
            .find_map(|(group, target)| match target {
                GroupTarget::Role(role) if member_of(group) => Some(*role),
                _ => None,
            })
            .unwrap_or(default);
        guard::check_before_change(&mut tx, &backend.keys, tenant_id, user_id).await?;
        if super::storage::set_role_unless_owner(&mut tx, user_id, role.as_str()).await? {
            guard::bind(&mut tx, &backend.keys, tenant_id, user_id).await?;
            let event = AuditEvent::new(None, AuditAction::Team(TeamAudit::RoleChanged))
                .subjects(std::slice::from_ref(&user_id))
                .fields(&["role"]);
            audit::record(&mut tx, tenant_id, event).await?;
        }
    }
    let team_names: Vec<String> = mappings
        .iter()
        .filter_map(|(_, t)| match t {
            GroupTarget::Team(name) => Some(name.clone()),
            GroupTarget::Role(_) => None,
        })
        .collect();
    if !team_names.is_empty() {
        let teams = super::storage::teams_named(&mut tx, &team_names).await?;
        let (mut join, mut leave) = (Vec::new(), Vec::new());
        for (name, team_id) in &teams {
            let wanted = mappings.iter().any(|(group, target)| {
                matches!(target, GroupTarget::Team(t) if t.to_lowercase() == *name)
                    && member_of(group)
            });
            if wanted {
                join.push(*team_id);
            } else {
                leave.push(*team_id);
            }
        }
        if super::storage::set_memberships(&mut tx, tenant_id, user_id, &join, &leave).await? {
            let event = AuditEvent::new(None, AuditAction::Team(TeamAudit::TeamMembersChanged))
                .subjects(std::slice::from_ref(&user_id));
            audit::record(&mut tx, tenant_id, event).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
