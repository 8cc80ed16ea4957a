//! Contacts.

use crate::model::contact::{Contact, ContactInput, ContactListQuery, ContactPage};
use crate::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {super::support::*, crate::backend::services::contacts};

#[server(prefix = "/rpc", endpoint = "contacts/list")]
pub async fn list_contacts(query: ContactListQuery) -> Result<ContactPage, AppError> {
    respond(
        async {
            let state = state()?;
            let mut scope = tenant_scope(&state).await?;
            let page = contacts::list(&mut scope, &state.keys, &query).await?;
            scope.commit().await?;
            Ok(page)
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "contacts/get")]
pub async fn get_contact(id: Uuid) -> Result<Contact, AppError> {
    respond(
        async {
            let state = state()?;
            let mut scope = tenant_scope(&state).await?;
            let contact = contacts::get(&mut scope, &state.keys, id).await?;
            scope.commit().await?;
            Ok(contact)
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "contacts/create")]
pub async fn create_contact(input: ContactInput) -> Result<Contact, AppError> {
    respond(
        async {
            let state = state()?;
            let mut scope = tenant_scope(&state).await?;
            let contact = contacts::create(&mut scope, &state.keys, &input).await?;
            scope.commit().await?;
            Ok(contact)
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "contacts/update")]
pub async fn update_contact(
    id: Uuid,
    version: i32,
    input: ContactInput,
) -> Result<Contact, AppError> {
    respond(
        async {
            let state = state()?;
            let mut scope = tenant_scope(&state).await?;
            let contact = contacts::update(&mut scope, &state.keys, id, version, &input).await?;
            scope.commit().await?;
            Ok(contact)
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "contacts/delete")]
pub async fn delete_contact(id: Uuid) -> Result<(), AppError> {
    respond(
        async {
            let mut scope = tenant_scope(&state()?).await?;
            contacts::delete(&mut scope, id).await?;
            scope.commit().await
        }
        .await,
    )
}
