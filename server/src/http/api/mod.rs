//! REST API v1: the second adapter onto the services the UI uses. Handlers are
//! annotated with `#[utoipa::path]`; the OpenAPI 3.1 document is generated from
//! them and served at `/api/v1/openapi.json`, a reference page at `/api/v1/docs`.
//! A request authenticates with an API token only (never the session cookie).

pub mod appointments;
pub mod contacts;
pub mod idempotency;
pub mod interactions;
pub mod organisations;
mod reference;
pub mod support;
pub mod tasks;

use app::backend::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use support::Problem;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The largest request body the API reads.
pub const BODY_LIMIT: usize = 1024 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tessera CRM API",
        version = "1",
        description = "Contacts and the rest of the CRM for integrations. Authenticate with \
                       `Authorization: Bearer <token>`; a token does only what its scopes \
                       name and what its user's role allows at the time of the request. \
                       Every read and change is in the workspace's audit log, naming the token."
    ),
    components(schemas(
        Problem,
        contacts::ContactOrder,
        organisations::OrganisationOrder,
        tasks::TaskScope,
        interactions::Show,
        appointments::Period
    )),
    modifiers(&BearerToken),
    tags(
        (name = "contacts", description = "People at customers"),
        (name = "organisations", description = "The customers' companies"),
        (name = "interactions", description = "The timeline: notes, calls, meetings, messages"),
        (name = "tasks", description = "Follow-ups and to-dos"),
        (name = "appointments", description = "The calendar")
    )
)]
struct ApiDoc;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

fn problem(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            utoipa::openapi::ContentBuilder::new()
                .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                    "Problem",
                ))))
                .build(),
        )
        .build()
        .into()
}

/// The errors any operation can answer, added to each so no status is undocumented.
fn add_common_responses(doc: &mut Document) {
    let common = [
        ("400", "Malformed request (bad id, query or JSON)"),
        ("401", "No valid API token"),
        (
            "403",
            "The token's scopes or its user's role do not allow this",
        ),
        ("429", "Too many requests; wait `Retry-After` seconds"),
        ("500", "Internal error"),
        ("503", "Busy; wait `Retry-After` seconds"),
    ];
    let with_body = [
        ("413", "The body is larger than 1 MiB"),
        ("415", "The body is not sent as application/json"),
        ("422", "Fields with problems"),
    ];
    for item in doc.paths.paths.values_mut() {
        if let Some(post) = item.post.as_mut() {
            add_idempotency_key(post);
        }
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            let has_body = operation.request_body.is_some();
            let extra = if has_body { &with_body[..] } else { &[] };
            for (status, description) in common.iter().chain(extra) {
                operation
                    .responses
                    .responses
                    .entry((*status).to_owned())
                    .or_insert_with(|| problem(description));
            }
        }
    }
}

/// Every create takes an optional `Idempotency-Key` and says when it replayed.
fn add_idempotency_key(post: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::header::HeaderBuilder;
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::{ObjectBuilder, Required, Type};
    let key = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Any 1 to 255 visible ASCII characters, e.g. a UUID. A retry with the same key \
             and request answers with the record the first attempt created (for 24 hours, \
             per token) instead of creating another; the same key with another request \
             is 422 `idempotency_key_reused`.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("^[!-~]{1,255}$"))
                .build(),
        ))
        .build();
    post.parameters.get_or_insert_with(Vec::new).push(key);
    if let Some(RefOr::T(created)) = post.responses.responses.get_mut("201") {
        let replayed = HeaderBuilder::new()
            .schema(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(["true"])),
            )
            .description(Some(
                "`true` when this answers a retry with the record made before",
            ))
            .build();
        created
            .headers
            .insert("Idempotent-Replayed".to_owned(), replayed);
    }
}

/// Links from each created record to reading, replacing and deleting it, so clients
/// (and schemathesis' stateful tests) can follow a `POST` to the record's own path.
fn add_links(doc: &mut Document) {
    use utoipa::openapi::link::LinkBuilder;
    let paths: Vec<String> = doc.paths.paths.keys().cloned().collect();
    for path in &paths {
        let one = format!("{path}/{{id}}");
        let Some(item) = doc.paths.paths.get(&one) else {
            continue;
        };
        let methods: Vec<&str> = [
            ("get", item.get.is_some()),
            ("put", item.put.is_some()),
            ("delete", item.delete.is_some()),
        ]
        .into_iter()
        .filter(|(_, present)| *present)
        .map(|(method, _)| method)
        .collect();
        let pointer = one.replace('~', "~0").replace('/', "~1");
        let created = doc
            .paths
            .paths
            .get_mut(path)
            .and_then(|item| item.post.as_mut())
            .and_then(|post| post.responses.responses.get_mut("201"));
        let Some(RefOr::T(created)) = created else {
            continue;
        };
        for method in methods {
            let link = LinkBuilder::new()
                .operation_ref(format!("#/paths/{pointer}/{method}"))
                .parameter("id", "$response.body#/id")
                .build();
            created
                .links
                .insert(format!("{method}_created"), RefOr::T(link));
        }
    }
}

/// The generated document with every common error response.
pub fn document() -> Document {
    let (_, doc) = routes_and_document();
    doc
}

fn routes_and_document() -> (Router<AppState>, Document) {
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(contacts::list, contacts::create))
        .routes(routes!(contacts::get, contacts::update, contacts::delete))
        .routes(routes!(organisations::list, organisations::create))
        .routes(routes!(
            organisations::get,
            organisations::update,
            organisations::delete
        ))
        .routes(routes!(tasks::list, tasks::create))
        .routes(routes!(tasks::get, tasks::update, tasks::delete))
        .routes(routes!(interactions::list, interactions::create))
        .routes(routes!(interactions::inbound))
        .routes(routes!(
            interactions::get,
            interactions::update,
            interactions::delete
        ))
        .routes(routes!(appointments::list, appointments::create))
        .routes(routes!(
            appointments::get,
            appointments::update,
            appointments::delete
        ))
        .split_for_parts();
    add_common_responses(&mut doc);
    add_links(&mut doc);
    (router, doc)
}

/// utoipa 5.5 writes a link's members in snake case (`operation_ref`); OpenAPI
/// spells them in camel case, which tools (schemathesis) require.
fn camel_case_links(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Object(links)) = map.get_mut("links") {
                for link in links.values_mut() {
                    if let serde_json::Value::Object(link) = link {
                        for (snake, camel) in [
                            ("operation_ref", "operationRef"),
                            ("operation_id", "operationId"),
                            ("request_body", "requestBody"),
                        ] {
                            if let Some(v) = link.remove(snake) {
                                link.insert(camel.to_owned(), v);
                            }
                        }
                    }
                }
            }
            map.values_mut().for_each(camel_case_links);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(camel_case_links),
        _ => {}
    }
}

/// The document as served.
pub fn document_json(doc: &Document) -> String {
    let mut value = serde_json::to_value(doc).expect("the OpenAPI document serialises");
    camel_case_links(&mut value);
    serde_json::to_string_pretty(&value).expect("JSON serialises")
}

/// The API's routes, the document and its reference page.
pub fn router() -> Router<AppState> {
    let (routes, doc) = routes_and_document();
    let json: Arc<str> = document_json(&doc).into();
    let page: Arc<str> = reference::render(&doc).into();
    routes
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let json = json.clone();
                async move {
                    (
                        [(header::CONTENT_TYPE, "application/json")],
                        json.to_string(),
                    )
                }
            }),
        )
        .route(
            "/api/v1/docs",
            get(move || {
                let page = page.clone();
                // Its own policy: the default for non-pages allows no stylesheet.
                let policy =
                    "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'";
                async move {
                    (
                        [(header::CONTENT_SECURITY_POLICY, policy)],
                        axum::response::Html(page.to_string()),
                    )
                }
            }),
        )
        .route(
            "/api/v1/{*rest}",
            axum::routing::any(|| async { support::ApiError::App(app::AppError::NotFound) }),
        )
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}
