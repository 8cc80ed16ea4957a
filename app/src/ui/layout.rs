//! Page frames: the public one (sign-up, sign-in) and the signed-in one.

use crate::api::identity::{who_am_i, LogOut};
use crate::i18n::use_i18n;
use crate::model::identity::CurrentUser;
use crate::model::permission::{Action, Area};
use crate::ui::components::language::LanguageSwitch;
use crate::ui::components::palette::CommandPalette;
use crate::ui::pages::tasks::Reminders;
use crate::AppError;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};

#[component]
pub fn PublicLayout() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="public">
            <header class="public-header">
                <a href="/" class="brand">"Tessera"</a>
                <LanguageSwitch />
            </header>
            <main id="main" class="public-main">
                <p class="tagline">{move || i18n.texts().common.tagline}</p>
                <Outlet />
            </main>
        </div>
    }
}

/// The signed-in user, loaded once per page by [`AppLayout`].
#[derive(Clone, Copy)]
pub struct CurrentUserResource(pub Resource<Result<Option<CurrentUser>, AppError>>);

/// The signed-in user; `None` only before the layout has loaded them.
pub fn use_current_user() -> Signal<Option<CurrentUser>> {
    let resource = expect_context::<CurrentUserResource>().0;
    Signal::derive(move || resource.get().and_then(Result::ok).flatten())
}

#[component]
pub fn AppLayout() -> impl IntoView {
    let i18n = use_i18n();
    let user = Resource::new(|| (), |_| who_am_i());
    provide_context(CurrentUserResource(user));
    view! {
        <Suspense fallback=move || view! { <p class="loading" aria-busy="true">{move || i18n.texts().common.loading}</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(user)) => view! { <SignedInFrame user /> }.into_any(),
                    Ok(None) | Err(AppError::Unauthenticated) => view! { <Redirect path="/login" /> }.into_any(),
                    Err(err) => view! { <div class="banner error" role="alert">{i18n.texts().error(&err)}</div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SignedInFrame(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let log_out = ServerAction::<LogOut>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = log_out.value().get() {
            let _ = window().location().set_href("/login");
        }
    });
    let role = user.role;
    // Until the required second factor is set up, every page leads to setting it up.
    let location = leptos_router::hooks::use_location();
    let must_enrol = user.must_enrol;
    let enrol_first = move || {
        (must_enrol && location.pathname.get() != "/account/security")
            .then(|| view! { <Redirect path="/account/security" /> })
    };
    view! {
        {enrol_first}
        <a class="skip-link" href="#main">{move || i18n.texts().common.skip_to_content}</a>
        <header class="app-header">
            <a href="/contacts" class="brand">"Tessera"</a>
            <span class="tenant-name">{user.tenant_name.clone()}</span>
            <nav aria-label="Main">
                <A href="/contacts">{move || i18n.texts().common.nav_contacts}</A>
                <A href="/organisations">{move || i18n.texts().common.nav_organisations}</A>
                {role.may(Area::Tasks, Action::Read).then(|| view! { <A href="/tasks">{move || i18n.texts().common.nav_tasks}</A> })}
                {role.may(Area::Calendar, Action::Read).then(|| view! { <A href="/calendar">{move || i18n.texts().common.nav_calendar}</A> })}
                <A href="/team">{move || i18n.texts().common.nav_team}</A>
                <A href="/audit">{move || i18n.texts().common.nav_audit}</A>
                // Everyone: the settings page also says what is captured of their mail.
                <A href="/settings">{move || i18n.texts().mail.nav_settings}</A>
            </nav>
            <CommandPalette role />
            <div class="user-menu">
                {role.may(Area::Tasks, Action::Read).then(|| view! { <Reminders /> })}
                <A href="/account/security" attr:class="user-name" attr:title=move || i18n.texts().security.nav>{user.display_name.clone()}</A>
                <span class="role-badge">{move || i18n.texts().role(role)}</span>
                <LanguageSwitch />
                <button type="button" class="button link" on:click=move |_| { log_out.dispatch(LogOut {}); }>
                    {move || i18n.texts().common.logout}
                </button>
            </div>
        </header>
        <main id="main" class="app-main">
            <Outlet />
        </main>
    }
}
