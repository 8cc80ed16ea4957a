//! `/api/v1/organisations`: the organisation service over REST, in the shape of
//! `contacts.rs` (the recipe's worked example).

use super::idempotency::{create_once, IdempotencyKey};
use super::support::{
    created, cursor, if_match, object, stale_is_precondition_failed, tagged, ApiJson, ApiPath,
    ApiQuery, ApiResult, ApiScope,
};
use app::backend::services::organisations;
use app::model::organisations::{
    Organisation, OrganisationInput, OrganisationListQuery, OrganisationPage, OrganisationSort,
    OrganisationSummary, SizeClass,
};
use app::model::records::{self, Classification, PostalAddress};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

const COLLECTION: &str = "/api/v1/organisations";

/// What a client writes of an organisation. Every field but `name` may be left out.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct OrganisationData {
    /// The company's name without its legal form.
    /// At most 200 characters (surrounding spaces are trimmed first).
    #[schema(required = true, min_length = 1)]
    pub name: String,
    /// `GmbH`, `AG`, `GmbH & Co. KG`, …
    /// At most 60 characters (surrounding spaces are trimmed first).
    pub legal_form: String,
    /// At most 100 characters (surrounding spaces are trimmed first).
    pub industry: String,
    pub size: SizeClass,
    /// `https://…` (a bare domain gets `https://`).
    pub website: String,
    /// A VAT identification number (`DE123456789`).
    pub vat_id: String,
    pub email: String,
    pub phone: String,
    #[serde(deserialize_with = "object")]
    pub billing_address: PostalAddress,
    #[serde(deserialize_with = "object")]
    pub delivery_address: PostalAddress,
    /// The key account manager.
    pub owner_id: Option<Uuid>,
    /// The parent company.
    pub parent_id: Option<Uuid>,
    /// At most 20 tags of at most 40 characters each.
    #[schema(max_items = 20)]
    pub tags: Vec<String>,
    pub classification: Option<Classification>,
    /// At most 10,000 characters (surrounding spaces are trimmed first).
    pub notes: String,
}

impl OrganisationData {
    fn into_input(self) -> OrganisationInput {
        OrganisationInput {
            name: self.name,
            legal_form: self.legal_form,
            industry: self.industry,
            size: self.size,
            website: self.website,
            vat_id: self.vat_id,
            email: self.email,
            phone: self.phone,
            billing_address: self.billing_address,
            delivery_address: self.delivery_address,
            owner_id: self.owner_id,
            parent_id: self.parent_id,
            tags: self.tags.join(", "),
            classification: self.classification,
            notes: self.notes,
        }
    }

    fn of(input: OrganisationInput) -> Self {
        OrganisationData {
            tags: records::parse_tags(&input.tags),
            name: input.name,
            legal_form: input.legal_form,
            industry: input.industry,
            size: input.size,
            website: input.website,
            vat_id: input.vat_id,
            email: input.email,
            phone: input.phone,
            billing_address: input.billing_address,
            delivery_address: input.delivery_address,
            owner_id: input.owner_id,
            parent_id: input.parent_id,
            classification: input.classification,
            notes: input.notes,
        }
    }
}

/// A stored organisation; `version` is also its `ETag`.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationResource {
    pub id: Uuid,
    pub version: i32,
    #[serde(flatten)]
    pub data: OrganisationData,
    /// Its subsidiaries' ids.
    pub subsidiary_ids: Vec<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl From<Organisation> for OrganisationResource {
    fn from(organisation: Organisation) -> Self {
        OrganisationResource {
            id: organisation.id,
            version: organisation.version,
            data: OrganisationData::of(organisation.input),
            subsidiary_ids: organisation.subsidiaries.iter().map(|s| s.id).collect(),
            created_at: organisation.created_at,
            updated_at: organisation.updated_at,
        }
    }
}

/// One row of an organisation list.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationListItem {
    pub id: Uuid,
    /// The name with its legal form.
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub city: Option<String>,
    pub industry: String,
    pub owner_id: Option<Uuid>,
    pub classification: Option<Classification>,
    pub tags: Vec<String>,
}

impl From<OrganisationSummary> for OrganisationListItem {
    fn from(row: OrganisationSummary) -> Self {
        OrganisationListItem {
            id: row.id,
            name: row.name,
            email: row.email,
            phone: row.phone,
            city: row.city,
            industry: row.industry,
            owner_id: row.owner_id,
            classification: row.classification,
            tags: row.tags,
        }
    }
}

/// A page of organisations with the cursors of its neighbours.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationList {
    pub items: Vec<OrganisationListItem>,
    pub next: Option<String>,
    pub prev: Option<String>,
    /// How many organisations match: exact up to 20,000; beyond that, lists stop
    /// counting and say 20,001 with `total_exact` false.
    pub total: i64,
    /// Whether `total` is exact.
    pub total_exact: bool,
}

impl From<OrganisationPage> for OrganisationList {
    fn from(page: OrganisationPage) -> Self {
        OrganisationList {
            items: page.items.into_iter().map(Into::into).collect(),
            next: page.next,
            prev: page.prev,
            total: page.total,
            total_exact: app::model::paging::total_is_exact(page.total),
        }
    }
}

/// Orders of an organisation list (`-` is descending).
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
pub enum OrganisationOrder {
    #[default]
    #[serde(rename = "name")]
    Name,
    #[serde(rename = "-created")]
    CreatedDescending,
    #[serde(rename = "-updated")]
    UpdatedDescending,
}

impl From<OrganisationOrder> for OrganisationSort {
    fn from(order: OrganisationOrder) -> Self {
        match order {
            OrganisationOrder::Name => OrganisationSort::NameAsc,
            OrganisationOrder::CreatedDescending => OrganisationSort::NewestFirst,
            OrganisationOrder::UpdatedDescending => OrganisationSort::RecentlyChanged,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct OrganisationListParams {
    /// Words of the name, the e-mail address or the phone number.
    pub q: Option<String>,
    pub owner: Option<Uuid>,
    pub tag: Option<String>,
    pub classification: Option<Classification>,
    pub sort: Option<OrganisationOrder>,
    /// A `next` cursor of an earlier page.
    pub after: Option<String>,
    /// A `prev` cursor of an earlier page.
    pub before: Option<String>,
}

impl OrganisationListParams {
    fn into_query(self) -> OrganisationListQuery {
        let mut query = OrganisationListQuery {
            q: self.q.unwrap_or_default(),
            sort: self.sort.unwrap_or_default().into(),
            after: cursor(self.after),
            before: cursor(self.before),
            ..OrganisationListQuery::default()
        };
        query.filter.owner = self.owner;
        query.filter.tag = self.tag.unwrap_or_default();
        query.filter.classification = self.classification;
        query
    }
}

/// Lists organisations, a page of 50 at a time.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "organisations",
    params(OrganisationListParams),
    responses((status = 200, description = "A page of organisations", body = OrganisationList)),
    security(("token" = ["organisations:read"])))]
pub async fn list(
    scope: ApiScope,
    ApiQuery(params): ApiQuery<OrganisationListParams>,
) -> ApiResult<Json<OrganisationList>> {
    let query = params.into_query();
    let page = scope
        .run(async |s| organisations::list(s, &query).await)
        .await?;
    Ok(Json(page.into()))
}

/// Reads one organisation; its version comes as `ETag`.
#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "organisations",
    params(("id" = Uuid, Path, description = "The organisation's id")),
    responses(
        (status = 200, description = "The organisation", body = OrganisationResource,
         headers(("ETag" = String, description = "The organisation's version"))),
        (status = 404, description = "No such organisation", body = super::support::Problem, content_type = "application/problem+json")),
    security(("token" = ["organisations:read"])))]
pub async fn get(scope: ApiScope, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Response> {
    let organisation = scope.run(async |s| organisations::get(s, id).await).await?;
    Ok(tagged(
        StatusCode::OK,
        organisation.version,
        &OrganisationResource::from(organisation),
    ))
}

/// Creates an organisation. A likely duplicate (the same name and legal form) is
/// not refused: an integration decides by its own data.
#[utoipa::path(post, path = "/api/v1/organisations", tag = "organisations",
    request_body = OrganisationData,
    responses(
        (status = 201, description = "The new organisation", body = OrganisationResource,
         headers(("ETag" = String), ("Location" = String))),
        (status = 422, description = "Fields with problems", body = super::support::Problem, content_type = "application/problem+json")),
    security(("token" = ["organisations:write"])))]
pub async fn create(
    scope: ApiScope,
    key: IdempotencyKey,
    ApiJson(data): ApiJson<OrganisationData>,
) -> ApiResult<Response> {
    let once = key.of(COLLECTION, &data);
    let input = data.into_input();
    let made = create_once(
        scope,
        once,
        async |s| organisations::create(s, &input, true).await,
        async |s, id| organisations::get(s, id).await,
        |organisation| organisation.id,
    )
    .await?;
    Ok(made.respond(|organisation| {
        created(
            COLLECTION,
            organisation.id,
            organisation.version,
            &OrganisationResource::from(organisation),
        )
    }))
}

/// Replaces an organisation's data; `If-Match` must name the version read.
#[utoipa::path(put, path = "/api/v1/organisations/{id}", tag = "organisations",
    params(("id" = Uuid, Path, description = "The organisation's id"),
           ("If-Match" = String, Header, pattern = r#"^"[0-9]{1,9}"$"#, description = "The version read, as its ETag (`\"3\"`); 428 without it, 400 if malformed")),
    request_body = OrganisationData,
    responses(
        (status = 200, description = "The changed organisation", body = OrganisationResource,
         headers(("ETag" = String))),
        (status = 404, description = "No such organisation", body = super::support::Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since that version", body = super::support::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields with problems", body = super::support::Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = super::support::Problem, content_type = "application/problem+json")),
    security(("token" = ["organisations:write"])))]
pub async fn update(
    scope: ApiScope,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
    ApiJson(data): ApiJson<OrganisationData>,
) -> ApiResult<Response> {
    let version = if_match(&headers)?;
    let input = data.into_input();
    let organisation = scope
        .run(async |s| organisations::update(s, id, version, &input).await)
        .await
        .map_err(stale_is_precondition_failed)?;
    Ok(tagged(
        StatusCode::OK,
        organisation.version,
        &OrganisationResource::from(organisation),
    ))
}

/// Deletes an organisation; its contacts stay, unlinked.
#[utoipa::path(delete, path = "/api/v1/organisations/{id}", tag = "organisations",
    params(("id" = Uuid, Path, description = "The organisation's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such organisation", body = super::support::Problem, content_type = "application/problem+json")),
    security(("token" = ["organisations:write"])))]
pub async fn delete(scope: ApiScope, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Response> {
    scope
        .run(async |s| organisations::delete(s, id).await)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
