//! `/api/v1/contacts`: the contact service over REST. The JSON forms here are the
//! API's (tags and channels as arrays, dates as ISO 8601); each handler converts
//! and hands over to the same service function the UI's server functions call.

use super::idempotency::{create_once, IdempotencyKey};
use super::support::{created, iso_date, iso_day};
use super::support::{
    cursor, if_match, object, objects, stale_is_precondition_failed, tagged, ApiJson, ApiPath,
    ApiQuery, ApiResult, ApiScope,
};
use app::backend::services::contacts;
use app::model::contacts::{
    Contact, ContactChannel, ContactInput, ContactListQuery, ContactPage, ContactSort,
    ContactSummary, EmailEntry, LifecycleStage, PhoneEntry, Salutation,
};
use app::model::records::{Classification, PostalAddress};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

const COLLECTION: &str = "/api/v1/contacts";

/// What a client writes of a contact. Every field may be left out (empty).
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ContactData {
    pub salutation: Salutation,
    /// Academic title, `Dr.`.
    /// At most 40 characters (surrounding spaces are trimmed first).
    pub title: String,
    /// At most 100 characters (surrounding spaces are trimmed first).
    #[schema(required = true, min_length = 1)]
    pub first_name: String,
    /// At most 100 characters (surrounding spaces are trimmed first).
    #[schema(required = true, min_length = 1)]
    pub last_name: String,
    /// At most 3 (entries with an empty address are left out).
    #[serde(deserialize_with = "objects")]
    pub emails: Vec<EmailEntry>,
    /// At most 3 (entries with an empty number are left out).
    #[serde(deserialize_with = "objects")]
    pub phones: Vec<PhoneEntry>,
    #[serde(deserialize_with = "object")]
    pub address: PostalAddress,
    /// `YYYY-MM-DD`, not before 1900 and not in the future.
    #[serde(with = "iso_date::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub birthday: Option<Date>,
    /// One of `de`, `en`, `fr`, `it`, `es`, `nl`, `pl`, `tr`, or empty.
    #[schema(pattern = "^(|de|en|fr|it|es|nl|pl|tr)$")]
    pub preferred_language: String,
    pub organisation_id: Option<Uuid>,
    /// At most 120 characters (surrounding spaces are trimmed first).
    pub position: String,
    /// The colleague responsible for this contact.
    pub owner_id: Option<Uuid>,
    /// At most 20 tags of at most 40 characters each.
    #[schema(max_items = 20)]
    pub tags: Vec<String>,
    pub classification: Option<Classification>,
    pub stage: LifecycleStage,
    /// The channels the person agreed to be contacted on.
    pub channels: Vec<ContactChannel>,
    /// At most 10,000 characters (surrounding spaces are trimmed first).
    pub notes: String,
    /// The contact's number in another system (ERP, shop).
    /// At most 64 characters (surrounding spaces are trimmed first).
    pub external_id: String,
}

impl ContactData {
    fn into_input(self) -> ContactInput {
        let mut input = ContactInput {
            salutation: self.salutation,
            title: self.title,
            first_name: self.first_name,
            last_name: self.last_name,
            emails: self.emails,
            phones: self.phones,
            address: self.address,
            birthday: iso_day(self.birthday),
            preferred_language: self.preferred_language,
            organisation_id: self.organisation_id,
            position: self.position,
            owner_id: self.owner_id,
            tags: self.tags.join(", "),
            classification: self.classification,
            stage: self.stage,
            notes: self.notes,
            external_id: self.external_id,
            ..ContactInput::default()
        };
        input.set_channels(&self.channels);
        input
    }

    fn of(input: ContactInput) -> Self {
        let channels = input.channels();
        let tags = input.tag_list();
        ContactData {
            salutation: input.salutation,
            title: input.title,
            first_name: input.first_name,
            last_name: input.last_name,
            emails: input.emails,
            phones: input.phones,
            address: input.address,
            birthday: app::model::validation::parse_date(&input.birthday),
            preferred_language: input.preferred_language,
            organisation_id: input.organisation_id,
            position: input.position,
            owner_id: input.owner_id,
            tags,
            classification: input.classification,
            stage: input.stage,
            channels,
            notes: input.notes,
            external_id: input.external_id,
        }
    }
}

/// A stored contact. Its `version` is also its `ETag`; a change names it in `If-Match`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactResource {
    pub id: Uuid,
    pub version: i32,
    #[serde(flatten)]
    pub data: ContactData,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl From<Contact> for ContactResource {
    fn from(contact: Contact) -> Self {
        ContactResource {
            id: contact.id,
            version: contact.version,
            data: ContactData::of(contact.input),
            created_at: contact.created_at,
            updated_at: contact.updated_at,
        }
    }
}

/// One row of a contact list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactListItem {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    /// The first e-mail address.
    pub email: Option<String>,
    /// The first phone number.
    pub phone: Option<String>,
    pub organisation_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub stage: LifecycleStage,
    pub classification: Option<Classification>,
    pub tags: Vec<String>,
}

impl From<ContactSummary> for ContactListItem {
    fn from(row: ContactSummary) -> Self {
        ContactListItem {
            id: row.id,
            first_name: row.first_name,
            last_name: row.last_name,
            email: row.email,
            phone: row.phone,
            organisation_id: row.organisation.map(|o| o.id),
            owner_id: row.owner_id,
            stage: row.stage,
            classification: row.classification,
            tags: row.tags,
        }
    }
}

/// A page of contacts with the cursors of its neighbours.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactList {
    pub items: Vec<ContactListItem>,
    /// Pass as `after` for the next page.
    pub next: Option<String>,
    /// Pass as `before` for the previous page.
    pub prev: Option<String>,
    /// How many contacts match: exact up to 20,000; beyond that, lists stop counting
    /// and say 20,001 with `total_exact` false.
    pub total: i64,
    /// Whether `total` is exact.
    pub total_exact: bool,
}

impl From<ContactPage> for ContactList {
    fn from(page: ContactPage) -> Self {
        ContactList {
            items: page.items.into_iter().map(Into::into).collect(),
            next: page.next,
            prev: page.prev,
            total: page.total,
            total_exact: app::model::paging::total_is_exact(page.total),
        }
    }
}

/// Orders of a contact list (`-` is descending).
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
pub enum ContactOrder {
    #[default]
    #[serde(rename = "name")]
    Name,
    #[serde(rename = "-name")]
    NameDescending,
    #[serde(rename = "created")]
    Created,
    #[serde(rename = "-created")]
    CreatedDescending,
    #[serde(rename = "-updated")]
    UpdatedDescending,
}

impl From<ContactOrder> for ContactSort {
    fn from(order: ContactOrder) -> Self {
        match order {
            ContactOrder::Name => ContactSort::NameAsc,
            ContactOrder::NameDescending => ContactSort::NameDesc,
            ContactOrder::Created => ContactSort::OldestFirst,
            ContactOrder::CreatedDescending => ContactSort::NewestFirst,
            ContactOrder::UpdatedDescending => ContactSort::RecentlyChanged,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ContactListParams {
    /// Words of a name, an e-mail address or a phone number.
    pub q: Option<String>,
    pub owner: Option<Uuid>,
    pub tag: Option<String>,
    pub stage: Option<LifecycleStage>,
    pub classification: Option<Classification>,
    pub organisation: Option<Uuid>,
    pub sort: Option<ContactOrder>,
    /// A `next` cursor of an earlier page.
    pub after: Option<String>,
    /// A `prev` cursor of an earlier page.
    pub before: Option<String>,
}

impl ContactListParams {
    fn into_query(self) -> ContactListQuery {
        let mut query = ContactListQuery {
            q: self.q.unwrap_or_default(),
            sort: self.sort.unwrap_or_default().into(),
            after: cursor(self.after),
            before: cursor(self.before),
            ..ContactListQuery::default()
        };
        query.filter.owner = self.owner;
        query.filter.tag = self.tag.unwrap_or_default();
        query.filter.stage = self.stage;
        query.filter.classification = self.classification;
        query.filter.organisation = self.organisation;
        query
    }
}

/// Lists contacts, a page of 50 at a time.
#[utoipa::path(get, path = "/api/v1/contacts", tag = "contacts",
    params(ContactListParams),
    responses((status = 200, description = "A page of contacts", body = ContactList)),
    security(("token" = ["contacts:read"])))]
pub async fn list(
    scope: ApiScope,
    ApiQuery(params): ApiQuery<ContactListParams>,
) -> ApiResult<Json<ContactList>> {
    let query = params.into_query();
    let page = scope.run(async |s| contacts::list(s, &query).await).await?;
    Ok(Json(page.into()))
}

/// Reads one contact; its version comes as `ETag`.
#[utoipa::path(get, path = "/api/v1/contacts/{id}", tag = "contacts",
    params(("id" = Uuid, Path, description = "The contact's id")),
    responses(
        (status = 200, description = "The contact", body = ContactResource,
         headers(("ETag" = String, description = "The contact's version"))),
        (status = 404, description = "No such contact", body = super::support::Problem, content_type = "application/problem+json")),
    security(("token" = ["contacts:read"])))]
pub async fn get(scope: ApiScope, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Response> {
    let contact = scope.run(async |s| contacts::get(s, id).await).await?;
    Ok(tagged(
        StatusCode::OK,
        contact.version,
        &ContactResource::from(contact),
    ))
}

/// Creates a contact. A likely duplicate is not refused: an integration decides
/// by its own ids (`external_id`).
#[utoipa::path(post, path = "/api/v1/contacts", tag = "contacts",
    request_body = ContactData,
    responses(
        (status = 201, description = "The new contact", body = ContactResource,
         headers(("ETag" = String), ("Location" = String))),
        (status = 422, description = "Fields with problems", body = super::support::Problem, content_type = "application/problem+json")),
    security(("token" = ["contacts:write"])))]
pub async fn create(
    scope: ApiScope,
    key: IdempotencyKey,
    ApiJson(data): ApiJson<ContactData>,
) -> ApiResult<Response> {
    let once = key.of(COLLECTION, &data);
    let input = data.into_input();
    let made = create_once(
        scope,
        once,
        async |s| contacts::create(s, &input, true).await,
        async |s, id| contacts::get(s, id).await,
        |contact| contact.id,
    )
    .await?;
    Ok(made.respond(|contact| {
        created(
            COLLECTION,
            contact.id,
            contact.version,
            &ContactResource::from(contact),
        )
    }))
}

/// Replaces a contact's data. `If-Match` must name the version read; a newer
/// stored version answers 412 and changes nothing.
#[utoipa::path(put, path = "/api/v1/contacts/{id}", tag = "contacts",
    params(("id" = Uuid, Path, description = "The contact's id"),
           ("If-Match" = String, Header, pattern = r#"^"[0-9]{1,9}"$"#, description = "The version read, as its ETag (`\"3\"`); 428 without it, 400 if malformed")),
    request_body = ContactData,
    responses(
        (status = 200, description = "The changed contact", body = ContactResource,
         headers(("ETag" = String))),
        (status = 404, description = "No such contact", body = super::support::Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since that version", body = super::support::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields with problems", body = super::support::Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = super::support::Problem, content_type = "application/problem+json")),
    security(("token" = ["contacts:write"])))]
pub async fn update(
    scope: ApiScope,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
    ApiJson(data): ApiJson<ContactData>,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let input = data.into_input();
    let contact = scope
        .run(async |s| contacts::update(s, id, version, &input).await)
        .await
        .map_err(stale_is_precondition_failed)?;
    Ok(tagged(
        StatusCode::OK,
        contact.version,
        &ContactResource::from(contact),
    ))
}

/// Deletes a contact with its timeline links, tasks' links and search entries.
#[utoipa::path(delete, path = "/api/v1/contacts/{id}", tag = "contacts",
    params(("id" = Uuid, Path, description = "The contact's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such contact", body = super::support::Problem, content_type = "application/problem+json")),
    security(("token" = ["contacts:write"])))]
pub async fn delete(scope: ApiScope, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Response> {
    scope.run(async |s| contacts::delete(s, id).await).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
