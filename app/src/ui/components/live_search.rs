//! Results of what someone is typing (palette, record pickers), fetched in the
//! browser; the answer to the latest query wins.
//!
//! Not a resource, on purpose: these results are never server-rendered, a resource
//! read under a suspense would suspend the view around it on every keystroke (taking
//! the focus away), and a resource created inside an async view shifts the ids that
//! hydration matches resources by (see docs/architecture.md, "Async views").

use crate::AppError;
use leptos::prelude::*;
use std::future::Future;

/// Runs `fetch` whenever `query` yields `Some`, clears the results on `None`.
pub fn live_results<Q, T, Fut>(
    query: impl Fn() -> Option<Q> + 'static,
    fetch: impl Fn(Q) -> Fut + Copy + 'static,
) -> ReadSignal<T>
where
    Q: 'static,
    T: Default + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + 'static,
{
    let (results, set_results) = signal(T::default());
    let asked = StoredValue::new(0u64);
    Effect::new(move |_| {
        let ticket = asked.get_value() + 1;
        asked.set_value(ticket);
        let Some(q) = query() else {
            set_results.set(T::default());
            return;
        };
        leptos::task::spawn_local(async move {
            let found = fetch(q).await.unwrap_or_default();
            if asked.get_value() == ticket {
                set_results.set(found);
            }
        });
    });
    results
}
