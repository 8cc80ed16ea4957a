//! Organisations.

use crate::model::organisations::{
    Organisation, OrganisationInput, OrganisationListQuery, OrganisationPage,
};
use crate::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {super::support::in_scope, crate::backend::services::organisations};

#[server(prefix = "/rpc", endpoint = "organisations/list")]
pub async fn list_organisations(
    query: OrganisationListQuery,
) -> Result<OrganisationPage, AppError> {
    in_scope(async |s| organisations::list(s, &query).await).await
}

#[server(prefix = "/rpc", endpoint = "organisations/get")]
pub async fn get_organisation(id: Uuid) -> Result<Organisation, AppError> {
    in_scope(async |s| organisations::get(s, id).await).await
}

/// `confirmed`: save even though a likely duplicate exists.
#[server(prefix = "/rpc", endpoint = "organisations/create")]
pub async fn create_organisation(
    input: OrganisationInput,
    #[server(default)] confirmed: bool,
) -> Result<Organisation, AppError> {
    in_scope(async |s| organisations::create(s, &input, confirmed).await).await
}

#[server(prefix = "/rpc", endpoint = "organisations/update")]
pub async fn update_organisation(
    id: Uuid,
    version: i32,
    input: OrganisationInput,
) -> Result<Organisation, AppError> {
    in_scope(async |s| organisations::update(s, id, version, &input).await).await
}

#[server(prefix = "/rpc", endpoint = "organisations/delete")]
pub async fn delete_organisation(id: Uuid) -> Result<(), AppError> {
    in_scope(async |s| organisations::delete(s, id).await).await
}

/// Tags, a new owner or deletion for the selected organisations at once.
#[server(prefix = "/rpc", endpoint = "organisations/bulk")]
pub async fn bulk_organisations(
    request: crate::model::views::BulkRequest,
) -> Result<usize, AppError> {
    in_scope(async |s| organisations::bulk(s, &request).await).await
}
