//! Teams (departments, regions) and who sees which records: with team visibility a
//! sales, service or marketing user or a member sees the records they own, those
//! their team mates own and those nobody owns. Owners, administrators, the DPO and
//! the works council always see every record.

use super::contacts::choice;
use super::identity::Role;
use super::validation::{self, FieldErrors};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

choice! {
    /// Whose records the department roles see.
    RecordVisibility { Team } default All
}

impl RecordVisibility {
    /// Whether `role` is limited to its own and its teams' records under this setting.
    pub fn limits(self, role: Role) -> bool {
        self == RecordVisibility::Team
            && matches!(
                role,
                Role::Sales | Role::Service | Role::Marketing | Role::Member
            )
    }
}

pub const NAME_MAX: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: Uuid,
    pub name: String,
    pub members: Vec<Uuid>,
}

/// The teams section of the team page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamsOverview {
    pub visibility: RecordVisibility,
    pub teams: Vec<Team>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamInput {
    pub name: String,
}

impl TeamInput {
    pub fn normalized(&self) -> Self {
        Self {
            name: self.name.split_whitespace().collect::<Vec<_>>().join(" "),
        }
    }

    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.check("name", validation::required(&self.name, NAME_MAX));
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn team_visibility_limits_the_department_roles_only() {
        for role in Role::all() {
            let limited = RecordVisibility::Team.limits(role);
            let department = matches!(
                role,
                Role::Sales | Role::Service | Role::Marketing | Role::Member
            );
            assert_eq!(limited, department, "{role:?}");
            assert!(!RecordVisibility::All.limits(role));
        }
    }

    #[test]
    fn a_name_is_required_and_short() {
        let blank = TeamInput { name: "   ".into() }.normalized();
        assert!(blank.validate().get("name").is_some());
        let long = TeamInput {
            name: "x".repeat(NAME_MAX + 1),
        };
        assert!(long.validate().get("name").is_some());
        let fine = TeamInput {
            name: "  Vertrieb   Nord ".into(),
        }
        .normalized();
        assert_eq!(fine.name, "Vertrieb Nord");
        assert!(fine.validate().is_empty());
    }
}
