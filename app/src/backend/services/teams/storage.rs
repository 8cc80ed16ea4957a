//! Teams at rest: names and memberships, plain (departments are not personal data;
//! who belongs to which is audited as employee data). No rules here.

use crate::backend::tenancy::violates;
use crate::model::validation::{FieldErrors, Problem};
use crate::{AppError, AppResult};
use sqlx::PgConnection;
use uuid::Uuid;

pub struct TeamRow {
    pub team_id: Uuid,
    pub name: String,
    pub members: Vec<Uuid>,
}

pub async fn all(conn: &mut PgConnection) -> AppResult<Vec<TeamRow>> {
    Ok(sqlx::query_as!(
        TeamRow,
        r#"SELECT t.team_id, t.name,
                  ARRAY(SELECT m.user_id FROM team_members m WHERE m.team_id = t.team_id
                        ORDER BY m.user_id) AS "members!"
           FROM teams t ORDER BY lower(t.name), t.team_id"#
    )
    .fetch_all(conn)
    .await?)
}

pub async fn visibility(conn: &mut PgConnection) -> AppResult<String> {
    Ok(sqlx::query_scalar!("SELECT record_visibility FROM tenants")
        .fetch_one(conn)
        .await?)
}

pub async fn set_visibility(conn: &mut PgConnection, code: &str) -> AppResult<()> {
    sqlx::query!("UPDATE tenants SET record_visibility = $1", code)
        .execute(conn)
        .await?;
    Ok(())
}

fn name_error(err: sqlx::Error) -> AppError {
    if violates(&err, "teams_name_key") {
        AppError::Validation(FieldErrors::single("name", Problem::NameTaken))
    } else {
        err.into()
    }
}

pub async fn insert(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    id: Uuid,
    name: &str,
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO teams (tenant_id, team_id, name) VALUES ($1, $2, $3)",
        tenant_id,
        id,
        name
    )
    .execute(conn)
    .await
    .map_err(name_error)?;
    Ok(())
}

/// Whether the team exists (and was renamed).
pub async fn rename(conn: &mut PgConnection, id: Uuid, name: &str) -> AppResult<bool> {
    let done = sqlx::query!("UPDATE teams SET name = $2 WHERE team_id = $1", id, name)
        .execute(conn)
        .await
        .map_err(name_error)?;
    Ok(done.rows_affected() == 1)
}

/// The team's members, locked; `None` if there is no such team.
pub async fn members_for_update(conn: &mut PgConnection, id: Uuid) -> AppResult<Option<Vec<Uuid>>> {
    let row = sqlx::query_scalar!(
        r#"SELECT ARRAY(SELECT m.user_id FROM team_members m WHERE m.team_id = t.team_id
                        ORDER BY m.user_id) AS "members!"
           FROM teams t WHERE t.team_id = $1 FOR UPDATE"#,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

pub async fn replace_members(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    id: Uuid,
    members: &[Uuid],
) -> AppResult<()> {
    sqlx::query!("DELETE FROM team_members WHERE team_id = $1", id)
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        "INSERT INTO team_members (tenant_id, team_id, user_id)
         SELECT $1, $2, u FROM UNNEST($3::uuid[]) AS u",
        tenant_id,
        id,
        members
    )
    .execute(conn)
    .await
    .map_err(|err| {
        if violates(&err, "team_members_user_fkey") {
            AppError::Validation(FieldErrors::single("members", Problem::UnknownReference))
        } else {
            err.into()
        }
    })?;
    Ok(())
}

/// The members the deleted team had; `None` if there was no such team.
pub async fn delete(conn: &mut PgConnection, id: Uuid) -> AppResult<Option<Vec<Uuid>>> {
    let Some(members) = members_for_update(conn, id).await? else {
        return Ok(None);
    };
    sqlx::query!("DELETE FROM teams WHERE team_id = $1", id)
        .execute(conn)
        .await?;
    Ok(Some(members))
}
