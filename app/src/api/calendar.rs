//! The calendar: appointments and the personal iCalendar feed.

use crate::model::calendar::{
    Appointment, AppointmentInput, CalendarFeed, CalendarQuery, CalendarView,
};
use crate::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {super::support::in_scope, crate::backend::services::calendar};

#[server(prefix = "/rpc", endpoint = "calendar/view")]
pub async fn load_calendar(query: CalendarQuery) -> Result<CalendarView, AppError> {
    in_scope(async |s| calendar::view(s, &query).await).await
}

#[server(prefix = "/rpc", endpoint = "calendar/get")]
pub async fn get_appointment(id: Uuid) -> Result<Appointment, AppError> {
    in_scope(async |s| calendar::get(s, id).await).await
}

#[server(prefix = "/rpc", endpoint = "calendar/create")]
pub async fn create_appointment(input: AppointmentInput) -> Result<Appointment, AppError> {
    in_scope(async |s| calendar::create(s, &input).await).await
}

#[server(prefix = "/rpc", endpoint = "calendar/update")]
pub async fn update_appointment(
    id: Uuid,
    version: i32,
    input: AppointmentInput,
) -> Result<Appointment, AppError> {
    in_scope(async |s| calendar::update(s, id, version, &input).await).await
}

#[server(prefix = "/rpc", endpoint = "calendar/delete")]
pub async fn delete_appointment(id: Uuid) -> Result<(), AppError> {
    in_scope(async |s| calendar::delete(s, id).await).await
}

#[server(prefix = "/rpc", endpoint = "calendar/feed")]
pub async fn load_feed() -> Result<CalendarFeed, AppError> {
    in_scope(async |s| calendar::feed(s).await).await
}

/// A new secret feed address (the old one stops working); `slug` names the workspace
/// in the address.
#[server(prefix = "/rpc", endpoint = "calendar/feed/create")]
pub async fn create_feed(slug: String) -> Result<CalendarFeed, AppError> {
    in_scope(async |s| calendar::create_feed(s, &slug).await).await
}

#[server(prefix = "/rpc", endpoint = "calendar/feed/revoke")]
pub async fn revoke_feed() -> Result<(), AppError> {
    in_scope(async |s| calendar::revoke_feed(s).await).await
}
