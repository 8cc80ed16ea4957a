//! The states of anything loaded from the server, written once: loading (with
//! `aria-busy`), failed (a translated error, never internal text), loaded, and
//! loaded but empty ([`EmptyState`]).

use crate::i18n::{use_i18n, TextFn};
use crate::AppError;
use leptos::prelude::*;
use leptos_router::components::A;

/// The loading placeholder.
#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="loading" aria-busy="true">{move || i18n.texts().common.loading}</p> }
}

/// An error that belongs to no single field, translated.
#[component]
pub fn ErrorMessage(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    view! { <div class="banner error" role="alert">{move || i18n.texts().error(&error)}</div> }
}

/// What a list shows when it has nothing: a title, an optional hint and an optional
/// next step (for example "New contact").
#[component]
pub fn EmptyState(
    title: TextFn,
    #[prop(default = None)] hint: Option<TextFn>,
    /// Where the next step goes and what it is called.
    #[prop(default = None)]
    action: Option<(&'static str, TextFn)>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="empty-state">
            <p class="empty-title">{move || title(i18n.texts())}</p>
            {hint.map(|hint| view! { <p>{move || hint(i18n.texts())}</p> })}
            {action.map(|(href, label)| view! {
                <A href=href attr:class="button primary">{move || label(i18n.texts())}</A>
            })}
        </div>
    }
}

/// Shows `render(value)` once `resource` has loaded, [`Loading`] before, and the error
/// (with an optional way `back`) if it failed. While reloading, the old content stays.
#[component]
pub fn AsyncView<T, V, F>(
    resource: Resource<Result<T, AppError>>,
    render: F,
    #[prop(optional)] back: Option<&'static str>,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let i18n = use_i18n();
    view! {
        <Transition fallback=Loading>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => render(value).into_any(),
                        Err(error) => view! {
                            <ErrorMessage error />
                            {back.map(|href| view! { <A href=href>{move || i18n.texts().common.back}</A> })}
                        }
                        .into_any(),
                    }
                })
            }}
        </Transition>
    }
}
