use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::components::Redirect;

#[component]
pub fn HomePage() -> impl IntoView {
    view! { <Redirect path="/contacts" /> }
}

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <main id="main" class="public-main">
            <h1>"404"</h1>
            <p>{move || i18n.texts().common.not_found_page}</p>
            <p><a href="/">"Tessera"</a></p>
        </main>
    }
}
