//! The user interface: the HTML shell, the router, the layouts and the pages.

pub mod components;
pub mod format;
pub mod layout;
pub mod link_secret;
pub mod pages;
pub mod url_query;
pub mod webauthn;

use crate::i18n::{initial_locale, I18n};
use layout::{AppLayout, PublicLayout};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, SsrMode,
};
use pages::*;

/// The document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = initial_locale();
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang=locale.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The page's CSP: scripts only from us, plus the hydration script carrying this
/// response's nonce; WebAssembly compilation allowed; no plugins, no framing.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    let nonce = leptos::nonce::use_nonce()
        .map(|n| format!(" 'nonce-{n}'"))
        .unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'; form-action 'self'"
    );
    if let (Some(options), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&policy),
    ) {
        options.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(I18n(RwSignal::new(initial_locale())));
    // Lets tests and curious users see when the page became interactive.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/tessera.css" />
        <Title text="Tessera" />
        <Router>
            <Routes fallback=NotFoundPage>
                <ParentRoute path=path!("") view=PublicLayout ssr=SsrMode::Async>
                    <Route path=path!("/signup") view=SignupPage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/login/:slug") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/invite/:slug") view=AcceptInvitePage ssr=SsrMode::Async />
                    <Route path=path!("/forgot") view=ForgotPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/forgot/:slug") view=ForgotPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/reset/:slug") view=ResetPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/account/email/:slug") view=ConfirmEmailPage ssr=SsrMode::Async />
                </ParentRoute>
                <ParentRoute path=path!("") view=AppLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/contacts") view=ContactListPage ssr=SsrMode::Async />
                    <Route path=path!("/contacts/new") view=NewContactPage ssr=SsrMode::Async />
                    <Route path=path!("/contacts/duplicates") view=DuplicatesPage ssr=SsrMode::Async />
                    <Route path=path!("/contacts/merge") view=MergePage ssr=SsrMode::Async />
                    <Route path=path!("/contacts/:id") view=ContactDetailPage ssr=SsrMode::Async />
                    <Route path=path!("/contacts/:id/edit") view=EditContactPage ssr=SsrMode::Async />
                    <Route path=path!("/contacts/:id/mail") view=ComposeMailPage ssr=SsrMode::Async />
                    <Route path=path!("/organisations") view=OrganisationListPage ssr=SsrMode::Async />
                    <Route path=path!("/organisations/new") view=NewOrganisationPage ssr=SsrMode::Async />
                    <Route path=path!("/organisations/:id") view=OrganisationDetailPage ssr=SsrMode::Async />
                    <Route path=path!("/organisations/:id/edit") view=EditOrganisationPage ssr=SsrMode::Async />
                    <Route path=path!("/tasks") view=TaskListPage ssr=SsrMode::Async />
                    <Route path=path!("/tasks/new") view=NewTaskPage ssr=SsrMode::Async />
                    <Route path=path!("/tasks/:id/edit") view=EditTaskPage ssr=SsrMode::Async />
                    <Route path=path!("/calendar") view=CalendarPage ssr=SsrMode::Async />
                    <Route path=path!("/calendar/new") view=NewAppointmentPage ssr=SsrMode::Async />
                    <Route path=path!("/calendar/:id/edit") view=EditAppointmentPage ssr=SsrMode::Async />
                    <Route path=path!("/imports/new") view=ImportUploadPage ssr=SsrMode::Async />
                    <Route path=path!("/imports/:id") view=ImportPage ssr=SsrMode::Async />
                    <Route path=path!("/team") view=TeamPage ssr=SsrMode::Async />
                    <Route path=path!("/audit") view=AuditPage ssr=SsrMode::Async />
                    <Route path=path!("/settings") view=SettingsPage ssr=SsrMode::Async />
                    <Route path=path!("/account/security") view=AccountSecurityPage ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
