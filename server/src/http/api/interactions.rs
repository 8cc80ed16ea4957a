//! `/api/v1/interactions`: the timeline over REST — a record's entries, logging a
//! note, call, meeting or message, and the inbound endpoint for messages from
//! other channels (`/api/v1/interactions/inbound`), whose sender is found by their
//! phone number or e-mail address.

use super::idempotency::{create_once, IdempotencyKey};
use super::support::{
    created, cursor, if_match, iso_date, iso_day, stale_is_precondition_failed, tagged, ApiJson,
    ApiPath, ApiQuery, ApiResult, ApiScope,
};
use app::backend::services::timeline;
use app::model::timeline::{
    datetime_local, CallOutcome, Direction, HistoryEvent, InboundMessage, Interaction,
    InteractionInput, InteractionKind, MessageChannel, TimelinePage, TimelineQuery, TimelineShow,
};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

const COLLECTION: &str = "/api/v1/interactions";

/// The service's form of a moment: UTC, to the minute.
fn utc_local(at: OffsetDateTime) -> String {
    datetime_local(at.to_offset(time::UtcOffset::UTC))
}

/// What a client logs: a note, call, meeting or message (e-mail is sent or
/// captured, history is written by Tessera).
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct InteractionData {
    /// `note`, `call`, `meeting` or `message`.
    pub kind: InteractionKind,
    /// When it happened (default: now).
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub occurred_at: Option<OffsetDateTime>,
    /// At most 300 characters (surrounding spaces are trimmed first).
    pub subject: String,
    /// Subject or body is required.
    /// At most 50,000 characters (surrounding spaces are trimmed first).
    pub body: String,
    pub direction: Option<Direction>,
    /// Calls and meetings, 0 to 1440.
    #[schema(minimum = 0, maximum = 1440)]
    pub duration_minutes: Option<u32>,
    pub outcome: Option<CallOutcome>,
    pub channel: Option<MessageChannel>,
    /// The people it was with (at most 50); or name an organisation.
    #[schema(max_items = 50)]
    pub contact_ids: Vec<Uuid>,
    pub organisation_id: Option<Uuid>,
}

impl InteractionData {
    fn into_input(self) -> InteractionInput {
        InteractionInput {
            kind: self.kind,
            occurred_at: self.occurred_at.map(utc_local).unwrap_or_default(),
            subject: self.subject,
            body: self.body,
            direction: self.direction,
            duration_minutes: self
                .duration_minutes
                .map(|m| m.to_string())
                .unwrap_or_default(),
            outcome: self.outcome,
            channel: self.channel,
            contact_ids: self.contact_ids,
            organisation_id: self.organisation_id,
        }
    }
}

/// A timeline entry. `history` is set for record changes Tessera wrote itself.
#[derive(Debug, Serialize, ToSchema)]
pub struct InteractionResource {
    pub id: Uuid,
    pub version: i32,
    pub kind: InteractionKind,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: OffsetDateTime,
    pub subject: String,
    pub body: String,
    pub direction: Option<Direction>,
    pub duration_minutes: Option<i32>,
    pub outcome: Option<CallOutcome>,
    pub channel: Option<MessageChannel>,
    pub contact_ids: Vec<Uuid>,
    pub organisation_id: Option<Uuid>,
    /// The record change, for `history` entries (`{"event": "stage_changed", …}`).
    #[schema(value_type = Option<Object>)]
    pub history: Option<HistoryEvent>,
    pub created_by: Option<Uuid>,
}

impl From<Interaction> for InteractionResource {
    fn from(entry: Interaction) -> Self {
        InteractionResource {
            id: entry.id,
            version: entry.version,
            kind: entry.kind,
            occurred_at: entry.occurred_at,
            subject: entry.subject,
            body: entry.body,
            direction: entry.direction,
            duration_minutes: entry.duration_minutes,
            outcome: entry.outcome,
            channel: entry.channel,
            contact_ids: entry.contacts.iter().map(|c| c.id).collect(),
            organisation_id: entry.organisation.map(|o| o.id),
            history: entry.history,
            created_by: entry.created_by,
        }
    }
}

/// A page of a record's timeline, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct InteractionList {
    pub items: Vec<InteractionResource>,
    pub next: Option<String>,
    pub prev: Option<String>,
}

impl From<TimelinePage> for InteractionList {
    fn from(page: TimelinePage) -> Self {
        InteractionList {
            items: page.items.into_iter().map(Into::into).collect(),
            next: page.next,
            prev: page.prev,
        }
    }
}

/// Which entries a timeline shows.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Show {
    #[default]
    Everything,
    /// What people did (no record history).
    Activity,
    /// Record changes only.
    History,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InteractionListParams {
    /// The contact's or organisation's id.
    pub record: Uuid,
    pub show: Option<Show>,
    pub kind: Option<InteractionKind>,
    /// From this day on (`YYYY-MM-DD`).
    #[serde(default, with = "iso_date::option")]
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<Date>,
    /// Up to this day (`YYYY-MM-DD`).
    #[serde(default, with = "iso_date::option")]
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<Date>,
    /// Words in subject or body.
    pub q: Option<String>,
    pub after: Option<String>,
    pub before: Option<String>,
}

/// A record's timeline, newest first, a page at a time.
#[utoipa::path(get, path = "/api/v1/interactions", tag = "interactions",
    params(InteractionListParams),
    responses(
        (status = 200, description = "A page of the record's timeline", body = InteractionList),
        (status = 404, description = "No such record", body = super::support::Problem, content_type = "application/problem+json")),
    security(("token" = ["interactions:read"])))]
pub async fn list(
    scope: ApiScope,
    ApiQuery(params): ApiQuery<InteractionListParams>,
) -> ApiResult<Json<InteractionList>> {
    let query = TimelineQuery {
        record: params.record,
        show: match params.show.unwrap_or_default() {
            Show::Everything => TimelineShow::Everything,
            Show::Activity => TimelineShow::Activity,
            Show::History => TimelineShow::History,
        },
        kind: params.kind,
        from: iso_day(params.from),
        to: iso_day(params.to),
        q: params.q.unwrap_or_default(),
        after: cursor(params.after),
        before: cursor(params.before),
    };
    let page = scope.run(async |s| timeline::list(s, &query).await).await?;
    Ok(Json(page.into()))
}

/// Reads one entry; its version comes as `ETag`.
#[utoipa::path(get, path = "/api/v1/interactions/{id}", tag = "interactions",
    params(("id" = Uuid, Path, description = "The entry's id")),
    responses(
        (status = 200, description = "The entry", body = InteractionResource,
         headers(("ETag" = String, description = "The entry's version"))),
        (status = 404, description = "No such entry", body = super::support::Problem, content_type = "application/problem+json")),
    security(("token" = ["interactions:read"])))]
pub async fn get(scope: ApiScope, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Response> {
    let entry = scope.run(async |s| timeline::get(s, id).await).await?;
    Ok(tagged(
        StatusCode::OK,
        entry.version,
        &InteractionResource::from(entry),
    ))
}

fn created_entry(entry: Interaction) -> Response {
    created(
        COLLECTION,
        entry.id,
        entry.version,
        &InteractionResource::from(entry),
    )
}

/// Logs a note, call, meeting or message with contacts or an organisation.
#[utoipa::path(post, path = "/api/v1/interactions", tag = "interactions",
    request_body = InteractionData,
    responses(
        (status = 201, description = "The new entry", body = InteractionResource,
         headers(("ETag" = String), ("Location" = String))),
        (status = 422, description = "Fields with problems", body = super::support::Problem, content_type = "application/problem+json")),
    security(("token" = ["interactions:write"])))]
pub async fn create(
    scope: ApiScope,
    key: IdempotencyKey,
    ApiJson(data): ApiJson<InteractionData>,
) -> ApiResult<Response> {
    let once = key.of(COLLECTION, &data);
    let input = data.into_input();
    let made = create_once(
        scope,
        once,
        async |s| timeline::create(s, &input).await,
        async |s, id| timeline::get(s, id).await,
        |entry| entry.id,
    )
    .await?;
    Ok(made.respond(created_entry))
}

/// A message from another channel, from the sender `from`.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct InboundData {
    pub channel: MessageChannel,
    /// The sender's phone number or e-mail address, matched exactly.
    /// At most 200 characters (surrounding spaces are trimmed first).
    #[schema(required = true, min_length = 1)]
    pub from: String,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub occurred_at: Option<OffsetDateTime>,
    /// At most 300 characters (surrounding spaces are trimmed first).
    pub subject: String,
    /// At most 50,000 characters (surrounding spaces are trimmed first).
    #[schema(required = true, min_length = 1)]
    pub body: String,
}

/// Takes in a message from another channel (WhatsApp, SMS, LinkedIn, …) and puts
/// it on the timeline of every contact with the sender's phone number or e-mail
/// address. A sender no contact has is refused with 422 and nothing is kept.
#[utoipa::path(post, path = "/api/v1/interactions/inbound", tag = "interactions",
    request_body = InboundData,
    responses(
        (status = 201, description = "The new entry", body = InteractionResource,
         headers(("ETag" = String), ("Location" = String))),
        (status = 422, description = "Fields with problems, or an unknown sender", body = super::support::Problem, content_type = "application/problem+json")),
    security(("token" = ["interactions:write"])))]
pub async fn inbound(
    scope: ApiScope,
    key: IdempotencyKey,
    ApiJson(data): ApiJson<InboundData>,
) -> ApiResult<Response> {
    let once = key.of("/api/v1/interactions/inbound", &data);
    let message = InboundMessage {
        channel: data.channel,
        from: data.from,
        occurred_at: data.occurred_at.map(utc_local).unwrap_or_default(),
        subject: data.subject,
        body: data.body,
    };
    let made = create_once(
        scope,
        once,
        async |s| timeline::receive(s, &message).await,
        async |s, id| timeline::get(s, id).await,
        |entry| entry.id,
    )
    .await?;
    Ok(made.respond(created_entry))
}

/// Replaces an entry someone logged; `If-Match` must name the version read.
#[utoipa::path(put, path = "/api/v1/interactions/{id}", tag = "interactions",
    params(("id" = Uuid, Path, description = "The entry's id"),
           ("If-Match" = String, Header, pattern = r#"^"[0-9]{1,9}"$"#, description = "The version read, as its ETag (`\"3\"`); 428 without it, 400 if malformed")),
    request_body = InteractionData,
    responses(
        (status = 200, description = "The changed entry", body = InteractionResource,
         headers(("ETag" = String))),
        (status = 404, description = "No such entry", body = super::support::Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since that version", body = super::support::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields with problems", body = super::support::Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = super::support::Problem, content_type = "application/problem+json")),
    security(("token" = ["interactions:write"])))]
pub async fn update(
    scope: ApiScope,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
    ApiJson(data): ApiJson<InteractionData>,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let input = data.into_input();
    let entry = scope
        .run(async |s| timeline::update(s, id, version, &input).await)
        .await
        .map_err(stale_is_precondition_failed)?;
    Ok(tagged(
        StatusCode::OK,
        entry.version,
        &InteractionResource::from(entry),
    ))
}

/// Deletes an entry someone logged.
#[utoipa::path(delete, path = "/api/v1/interactions/{id}", tag = "interactions",
    params(("id" = Uuid, Path, description = "The entry's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such entry", body = super::support::Problem, content_type = "application/problem+json")),
    security(("token" = ["interactions:write"])))]
pub async fn delete(scope: ApiScope, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Response> {
    scope.run(async |s| timeline::delete(s, id).await).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
