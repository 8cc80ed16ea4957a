//! `GET /exports/contacts.csv|vcf` and `/exports/organisations.csv`: a filtered list
//! as a file, with the purpose the user chose (required, and audited).

use app::backend::services::exports;
use app::backend::Scope;
use app::i18n::Locale;
use app::model::audit::AuditPurpose;
use app::model::contacts::ContactListQuery;
use app::model::organisations::OrganisationListQuery;
use app::ui::url_query::filter_from_params;
use app::AppError;
use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

fn locale(headers: &HeaderMap) -> Locale {
    let get = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    Locale::negotiate(get(header::COOKIE), get(header::ACCEPT_LANGUAGE))
}

fn attachment(
    body: impl IntoResponse,
    content_type: &'static str,
    filename: &'static str,
) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, filename),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

pub async fn export(
    mut scope: Scope,
    headers: HeaderMap,
    Path(file): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let get = |key: &str| params.get(key).filter(|v| !v.is_empty()).cloned();
    let purpose = get("purpose")
        .and_then(|p| AuditPurpose::parse(&p))
        .ok_or(AppError::BadRequest)?;
    let filter = filter_from_params(&get);
    let q = get("q").unwrap_or_default();
    let response = match file.as_str() {
        "contacts.csv" => {
            let query = ContactListQuery {
                q,
                filter,
                ..Default::default()
            };
            let csv = exports::contacts_csv(&mut scope, &query, purpose, locale(&headers)).await?;
            attachment(
                csv,
                "text/csv; charset=utf-8",
                "attachment; filename=\"kontakte.csv\"",
            )
        }
        "contacts.vcf" => {
            let query = ContactListQuery {
                q,
                filter,
                ..Default::default()
            };
            let cards = exports::contacts_vcard(&mut scope, &query, purpose).await?;
            attachment(
                cards,
                "text/vcard; charset=utf-8",
                "attachment; filename=\"kontakte.vcf\"",
            )
        }
        "organisations.csv" => {
            let query = OrganisationListQuery {
                q,
                filter,
                ..Default::default()
            };
            let csv =
                exports::organisations_csv(&mut scope, &query, purpose, locale(&headers)).await?;
            attachment(
                csv,
                "text/csv; charset=utf-8",
                "attachment; filename=\"organisationen.csv\"",
            )
        }
        _ => return Err(AppError::NotFound),
    };
    scope.commit().await?;
    Ok(response)
}
