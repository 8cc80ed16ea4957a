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
