//! A list's filter lives in the page URL, so links, reloads and the back button keep
//! it. Each list query says once how it maps to parameters; paths and parsing are
//! shared.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

pub trait UrlQuery: Clone + PartialEq + Send + Sync + 'static {
    /// The list page's path, e.g. `/contacts`.
    const PATH: &'static str;

    /// The parameters that differ from the defaults, in a stable order.
    fn to_params(&self) -> Vec<(&'static str, String)>;

    /// The query from the URL's parameters (`get` yields only non-empty values).
    fn from_params(get: &dyn Fn(&str) -> Option<String>) -> Self;

    /// The page URL showing this query.
    fn href(&self) -> String {
        let query = serde_urlencoded::to_string(self.to_params()).unwrap_or_default();
        if query.is_empty() {
            Self::PATH.to_owned()
        } else {
            format!("{}?{query}", Self::PATH)
        }
    }
}

/// The current page's query, following the URL.
pub fn use_url_query<Q: UrlQuery>() -> Memo<Q> {
    let map = use_query_map();
    Memo::new(move |_| {
        let map = map.read();
        Q::from_params(&|key| map.get(key).filter(|v| !v.is_empty()))
    })
}

/// The metadata filter of a record list, as URL parameters (shared by every list).
pub fn filter_params(filter: &crate::model::contacts::RecordFilter) -> Vec<(&'static str, String)> {
    let mut params = Vec::new();
    params.extend(filter.owner.map(|o| ("owner", o.to_string())));
    if !filter.tag.is_empty() {
        params.push(("tag", filter.tag.clone()));
    }
    params.extend(filter.stage.map(|s| ("stage", s.code().to_owned())));
    params.extend(
        filter
            .classification
            .map(|c| ("class", c.code().to_owned())),
    );
    params.extend(filter.organisation.map(|o| ("organisation", o.to_string())));
    if !filter.from.is_empty() || !filter.to.is_empty() {
        if filter.by_updated() {
            params.push(("period", "updated".to_owned()));
        }
        if !filter.from.is_empty() {
            params.push(("from", filter.from.clone()));
        }
        if !filter.to.is_empty() {
            params.push(("to", filter.to.clone()));
        }
    }
    params
}

pub fn filter_from_params(
    get: &dyn Fn(&str) -> Option<String>,
) -> crate::model::contacts::RecordFilter {
    use crate::model::contacts::{LifecycleStage, RecordFilter};
    let uuid = |key: &str| get(key).and_then(|v| uuid::Uuid::parse_str(&v).ok());
    let from = get("from").unwrap_or_default();
    let to = get("to").unwrap_or_default();
    // The period's field only means something with a date (the form always sends it).
    let period_field = if from.is_empty() && to.is_empty() {
        String::new()
    } else {
        get("period").unwrap_or_default()
    };
    RecordFilter {
        owner: uuid("owner"),
        tag: get("tag").unwrap_or_default(),
        stage: get("stage").and_then(|s| LifecycleStage::parse(&s)),
        classification: get("class").and_then(|c| c.parse().ok()),
        organisation: uuid("organisation"),
        period_field,
        from,
        to,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> crate::model::contacts::RecordFilter {
        let get = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.to_string())
        };
        filter_from_params(&get)
    }

    #[test]
    fn a_period_without_dates_is_no_filter() {
        assert!(params(&[("period", "created")]).is_empty());
        let changed = params(&[("period", "updated"), ("from", "2026-11-01")]);
        assert!(changed.by_updated());
        assert_eq!(
            filter_params(&changed),
            vec![
                ("period", "updated".to_owned()),
                ("from", "2026-11-01".to_owned())
            ]
        );
    }
}
