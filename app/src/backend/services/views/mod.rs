//! Saved list views: a name for a list's filter, per user or shared with the
//! workspace. Opening one is the list it shows (audited as that list); saving one is
//! a preference and not audited.

pub mod storage;

use crate::backend::Scope;
use crate::model::permission::{Action, Area};
use crate::model::validation::{FieldErrors, Problem};
use crate::model::views::{SavedView, SavedViewInput, ViewArea};
use crate::{AppError, AppResult};
use uuid::Uuid;

/// Views one user may keep.
const VIEWS_MAX: i64 = 50;

fn read_permission(area: ViewArea) -> (Area, Action) {
    match area {
        ViewArea::Contacts => (Area::Contacts, Action::Read),
        ViewArea::Organisations => (Area::Organisations, Action::Read),
    }
}

pub async fn list(scope: &mut Scope, area: ViewArea) -> AppResult<Vec<SavedView>> {
    let (a, action) = read_permission(area);
    scope.require(a, action)?;
    let (tenant_id, me) = (scope.tenant_id(), scope.user_id());
    let rows = storage::visible(scope.conn(), area.code(), me).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let key = scope.subject_key(tenant_id).await?;
    rows.into_iter()
        .map(|r| {
            let cipher = scope.cipher(&key, storage::TABLE, r.view_id);
            Ok(SavedView {
                id: r.view_id,
                area: ViewArea::parse(&r.area).unwrap_or_default(),
                name: cipher.open("name", &r.name_ct)?,
                query: cipher.open("query", &r.query_ct)?,
                shared: r.shared,
                mine: r.user_id == me,
            })
        })
        .collect()
}

pub async fn save(scope: &mut Scope, input: &SavedViewInput) -> AppResult<SavedView> {
    let (a, action) = read_permission(input.area);
    scope.require(a, action)?;
    let input = input.normalized();
    input.validate().into_result()?;
    let (tenant_id, me) = (scope.tenant_id(), scope.user_id());
    if storage::count_of(scope.conn(), me).await? >= VIEWS_MAX {
        return Err(AppError::Validation(FieldErrors::single(
            "name",
            Problem::TooMany {
                max: VIEWS_MAX as usize,
            },
        )));
    }
    let key = scope.subject_key_or_create(tenant_id).await?;
    let id = Uuid::now_v7();
    let cipher = scope.cipher(&key, storage::TABLE, id);
    let new = storage::NewView {
        id,
        user_id: me,
        area: input.area.code(),
        name_ct: cipher.seal("name", &input.name),
        query_ct: cipher.seal("query", &input.query),
        shared: input.shared,
    };
    storage::insert(scope.conn(), tenant_id, new).await?;
    Ok(SavedView {
        id,
        area: input.area,
        name: input.name,
        query: input.query,
        shared: input.shared,
        mine: true,
    })
}

/// Deletes one of the user's own views.
pub async fn delete(scope: &mut Scope, id: Uuid) -> AppResult<()> {
    scope.require(Area::Team, Action::Read)?;
    let me = scope.user_id();
    if !storage::delete(scope.conn(), id, me).await? {
        return Err(AppError::NotFound);
    }
    Ok(())
}
