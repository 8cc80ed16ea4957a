//! `/api/v1/appointments`: the calendar service over REST, in the shape of
//! `contacts.rs`. A list is a period (a day, a week or the next 30 days), not a
//! cursor: a calendar is read by date.

use super::idempotency::{create_once, IdempotencyKey};
use super::support::{
    created, if_match, iso_date, iso_day, stale_is_precondition_failed, tagged, ApiJson, ApiPath,
    ApiQuery, ApiResult, ApiScope,
};
use app::backend::services::calendar;
use app::model::calendar::{Appointment, AppointmentInput, CalendarQuery, CalendarSpan};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

const COLLECTION: &str = "/api/v1/appointments";

/// What a client writes of an appointment. Times are UTC.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct AppointmentData {
    /// At most 200 characters (surrounding spaces are trimmed first).
    #[schema(required = true, min_length = 1)]
    pub title: String,
    /// At most 200 characters (surrounding spaces are trimmed first).
    pub location: String,
    /// At most 10,000 characters (surrounding spaces are trimmed first).
    pub notes: String,
    #[serde(with = "iso_date::option")]
    #[schema(required = true, value_type = Option<String>, format = Date)]
    pub start_date: Option<Date>,
    /// `HH:MM`; ignored for all-day appointments.
    #[schema(pattern = "^(([01][0-9]|2[0-3]):[0-5][0-9])?$")]
    pub start_time: String,
    /// Without it, the start date.
    #[serde(with = "iso_date::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub end_date: Option<Date>,
    /// `HH:MM`; without it, one hour after the start.
    #[schema(pattern = "^(([01][0-9]|2[0-3]):[0-5][0-9])?$")]
    pub end_time: String,
    pub all_day: bool,
    /// Colleagues taking part (the token's user always does).
    pub user_ids: Vec<Uuid>,
    pub contact_ids: Vec<Uuid>,
    pub organisation_id: Option<Uuid>,
}

impl AppointmentData {
    fn into_input(self) -> AppointmentInput {
        AppointmentInput {
            title: self.title,
            location: self.location,
            notes: self.notes,
            start_date: iso_day(self.start_date),
            start_time: self.start_time,
            end_date: iso_day(self.end_date),
            end_time: self.end_time,
            all_day: self.all_day,
            user_ids: self.user_ids,
            contact_ids: self.contact_ids,
            organisation_id: self.organisation_id,
        }
    }

    fn of(input: AppointmentInput) -> Self {
        let parse = app::model::validation::parse_date;
        AppointmentData {
            start_date: parse(&input.start_date),
            end_date: parse(&input.end_date),
            title: input.title,
            location: input.location,
            notes: input.notes,
            start_time: input.start_time,
            end_time: input.end_time,
            all_day: input.all_day,
            user_ids: input.user_ids,
            contact_ids: input.contact_ids,
            organisation_id: input.organisation_id,
        }
    }
}

/// A stored appointment; `version` is also its `ETag`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppointmentResource {
    pub id: Uuid,
    pub version: i32,
    #[serde(flatten)]
    pub data: AppointmentData,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: OffsetDateTime,
    pub created_by: Uuid,
}

impl From<Appointment> for AppointmentResource {
    fn from(appointment: Appointment) -> Self {
        AppointmentResource {
            id: appointment.id,
            version: appointment.version,
            data: AppointmentData::of(appointment.input),
            starts_at: appointment.starts_at,
            ends_at: appointment.ends_at,
            created_by: appointment.created_by,
        }
    }
}

/// The appointments of a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppointmentList {
    #[serde(with = "iso_date")]
    #[schema(value_type = String, format = Date)]
    pub first_day: Date,
    pub days: i64,
    pub items: Vec<AppointmentResource>,
}

/// How long a period a list covers.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Day,
    /// Monday to Sunday around `date`.
    #[default]
    Week,
    /// The 30 days from `date`.
    Upcoming,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct AppointmentListParams {
    /// A day of the period, `YYYY-MM-DD` (default: today).
    #[serde(with = "iso_date::option")]
    #[param(value_type = Option<String>, format = Date)]
    pub date: Option<Date>,
    pub period: Option<Period>,
    /// Only those the token's user takes part in.
    pub mine: Option<bool>,
    /// Only those with this contact or organisation.
    pub record: Option<Uuid>,
}

/// Lists the appointments of a day, a week or the next 30 days.
#[utoipa::path(get, path = "/api/v1/appointments", tag = "appointments",
    params(AppointmentListParams),
    responses((status = 200, description = "The period's appointments", body = AppointmentList)),
    security(("token" = ["appointments:read"])))]
pub async fn list(
    scope: ApiScope,
    ApiQuery(params): ApiQuery<AppointmentListParams>,
) -> ApiResult<Json<AppointmentList>> {
    let query = CalendarQuery {
        date: iso_day(params.date),
        span: match params.period.unwrap_or_default() {
            Period::Day => CalendarSpan::Day,
            Period::Week => CalendarSpan::Week,
            Period::Upcoming => CalendarSpan::Upcoming,
        },
        mine: params.mine.unwrap_or(false),
        record: params.record,
    };
    let view = scope.run(async |s| calendar::view(s, &query).await).await?;
    Ok(Json(AppointmentList {
        first_day: view.first_day,
        days: view.days,
        items: view.appointments.into_iter().map(Into::into).collect(),
    }))
}

/// Reads one appointment; its version comes as `ETag`.
#[utoipa::path(get, path = "/api/v1/appointments/{id}", tag = "appointments",
    params(("id" = Uuid, Path, description = "The appointment's id")),
    responses(
        (status = 200, description = "The appointment", body = AppointmentResource,
         headers(("ETag" = String, description = "The appointment's version"))),
        (status = 404, description = "No such appointment", body = super::support::Problem, content_type = "application/problem+json")),
    security(("token" = ["appointments:read"])))]
pub async fn get(scope: ApiScope, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Response> {
    let appointment = scope.run(async |s| calendar::get(s, id).await).await?;
    Ok(tagged(
        StatusCode::OK,
        appointment.version,
        &AppointmentResource::from(appointment),
    ))
}

/// Creates an appointment.
#[utoipa::path(post, path = "/api/v1/appointments", tag = "appointments",
    request_body = AppointmentData,
    responses(
        (status = 201, description = "The new appointment", body = AppointmentResource,
         headers(("ETag" = String), ("Location" = String))),
        (status = 422, description = "Fields with problems", body = super::support::Problem, content_type = "application/problem+json")),
    security(("token" = ["appointments:write"])))]
pub async fn create(
    scope: ApiScope,
    key: IdempotencyKey,
    ApiJson(data): ApiJson<AppointmentData>,
) -> ApiResult<Response> {
    let once = key.of(COLLECTION, &data);
    let input = data.into_input();
    let made = create_once(
        scope,
        once,
        async |s| calendar::create(s, &input).await,
        async |s, id| calendar::get(s, id).await,
        |appointment| appointment.id,
    )
    .await?;
    Ok(made.respond(|appointment| {
        created(
            COLLECTION,
            appointment.id,
            appointment.version,
            &AppointmentResource::from(appointment),
        )
    }))
}

/// Replaces an appointment; `If-Match` must name the version read.
#[utoipa::path(put, path = "/api/v1/appointments/{id}", tag = "appointments",
    params(("id" = Uuid, Path, description = "The appointment's id"),
           ("If-Match" = String, Header, pattern = r#"^"[0-9]{1,9}"$"#, description = "The version read, as its ETag (`\"3\"`); 428 without it, 400 if malformed")),
    request_body = AppointmentData,
    responses(
        (status = 200, description = "The changed appointment", body = AppointmentResource,
         headers(("ETag" = String))),
        (status = 404, description = "No such appointment", body = super::support::Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since that version", body = super::support::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields with problems", body = super::support::Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = super::support::Problem, content_type = "application/problem+json")),
    security(("token" = ["appointments:write"])))]
pub async fn update(
    scope: ApiScope,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
    ApiJson(data): ApiJson<AppointmentData>,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let input = data.into_input();
    let appointment = scope
        .run(async |s| calendar::update(s, id, version, &input).await)
        .await
        .map_err(stale_is_precondition_failed)?;
    Ok(tagged(
        StatusCode::OK,
        appointment.version,
        &AppointmentResource::from(appointment),
    ))
}

/// Deletes an appointment.
#[utoipa::path(delete, path = "/api/v1/appointments/{id}", tag = "appointments",
    params(("id" = Uuid, Path, description = "The appointment's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such appointment", body = super::support::Problem, content_type = "application/problem+json")),
    security(("token" = ["appointments:write"])))]
pub async fn delete(scope: ApiScope, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Response> {
    scope.run(async |s| calendar::delete(s, id).await).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
