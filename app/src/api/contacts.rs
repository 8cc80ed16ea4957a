//! Contacts.

use crate::model::contacts::{Contact, ContactInput, ContactListQuery, ContactPage, ContactPatch};
use crate::model::views::BulkRequest;
use crate::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {super::support::in_scope, crate::backend::services::contacts};

#[server(prefix = "/rpc", endpoint = "contacts/list")]
pub async fn list_contacts(query: ContactListQuery) -> Result<ContactPage, AppError> {
    in_scope(async |s| contacts::list(s, &query).await).await
}

#[server(prefix = "/rpc", endpoint = "contacts/get")]
pub async fn get_contact(id: Uuid) -> Result<Contact, AppError> {
    in_scope(async |s| contacts::get(s, id).await).await
}

/// `confirmed`: save even though a likely duplicate exists.
#[server(prefix = "/rpc", endpoint = "contacts/create")]
pub async fn create_contact(
    input: ContactInput,
    #[server(default)] confirmed: bool,
) -> Result<Contact, AppError> {
    in_scope(async |s| contacts::create(s, &input, confirmed).await).await
}

#[server(prefix = "/rpc", endpoint = "contacts/update")]
pub async fn update_contact(
    id: Uuid,
    version: i32,
    input: ContactInput,
) -> Result<Contact, AppError> {
    in_scope(async |s| contacts::update(s, id, version, &input).await).await
}

#[server(prefix = "/rpc", endpoint = "contacts/patch")]
pub async fn patch_contact(
    id: Uuid,
    version: i32,
    change: ContactPatch,
) -> Result<Contact, AppError> {
    in_scope(async |s| contacts::patch(s, id, version, &change).await).await
}

/// Changes or deletes the selected contacts at once; `confirmed` is the count shown.
#[server(prefix = "/rpc", endpoint = "contacts/bulk")]
pub async fn bulk_contacts(request: BulkRequest) -> Result<usize, AppError> {
    in_scope(async |s| contacts::bulk(s, &request).await).await
}

#[server(prefix = "/rpc", endpoint = "contacts/delete")]
pub async fn delete_contact(id: Uuid) -> Result<(), AppError> {
    in_scope(async |s| contacts::delete(s, id).await).await
}
