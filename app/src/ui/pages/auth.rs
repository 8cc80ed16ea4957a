//! Sign-up and sign-in (with the second factor's step).

use crate::api::identity::{LogIn, SignUp};
use crate::api::passkeys::load_pending_factors;
use crate::api::second_factor::VerifySecondFactor;
use crate::api::sso::load_sso_offer;
use crate::i18n::use_i18n;
use crate::model::second_factor::{PendingFactors, SignInStep};
use crate::model::sso::SsoFailure;
use crate::model::validation::FieldErrors;
use crate::ui::components::form::{
    action_error, field_errors, ErrorBanner, SubmitButton, TextField, ValidatedForm,
};
use crate::ui::pages::passkeys::{PasskeySecondFactor, PasskeySignIn};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// After sign-in a full page load renders everything for the new session.
pub(crate) fn go_to(path: &str) {
    let _ = window().location().set_href(path);
}

/// Where a right password leads: the app, the code step (`asks_code`), or setting
/// up the second factor the workspace requires.
pub(crate) fn follow_sign_in<S>(action: ServerAction<S>, asks_code: RwSignal<bool>)
where
    S: leptos::server_fn::ServerFn<Output = SignInStep, Error = crate::AppError>
        + Clone
        + Send
        + Sync
        + 'static,
{
    Effect::new(move |_| match action.value().get() {
        Some(Ok(SignInStep::Done)) => go_to("/contacts"),
        Some(Ok(SignInStep::Enrol)) => go_to("/account/security"),
        Some(Ok(SignInStep::SecondFactor)) => asks_code.set(true),
        _ => {}
    });
}

fn go_to_contacts_on_success<S>(action: ServerAction<S>)
where
    S: leptos::server_fn::ServerFn<Output = (), Error = crate::AppError>
        + Clone
        + Send
        + Sync
        + 'static,
{
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            go_to("/contacts");
        }
    });
}

#[component]
pub fn SignupPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SignUp>::new();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    go_to_contacts_on_success(action);
    view! {
        <section class="card narrow">
            <h1>{move || i18n.texts().auth.signup_title}</h1>
            <p>{move || i18n.texts().auth.signup_intro}</p>
            <ErrorBanner error=action_error(action) />
            <ValidatedForm action validate=|s: &SignUp| s.input.normalized().validate() client_errors=client>
                <TextField name="input[company_name]" field="company_name" label=|t| t.auth.company_name errors required=true autofocus=true autocomplete="organization" />
                <TextField name="input[slug]" field="slug" label=|t| t.auth.slug errors required=true hint=|t| t.auth.slug_hint />
                <TextField name="input[owner_name]" field="owner_name" label=|t| t.auth.owner_name errors required=true autocomplete="name" />
                <TextField name="input[email]" field="email" label=|t| t.common.email errors kind="email" required=true autocomplete="email" />
                <TextField name="input[password]" field="password" label=|t| t.common.password errors kind="password" required=true autocomplete="new-password" hint=|t| t.auth.password_hint />
                <SubmitButton action label=|t| t.auth.signup_submit />
            </ValidatedForm>
            <p class="switch"><a href="/login">{move || i18n.texts().auth.have_account}</a></p>
        </section>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let workspace = params.read_untracked().get("slug").unwrap_or_default();
    let action = ServerAction::<LogIn>::new();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    let query = use_query_map();
    // Back from the provider: a refusal's reason, or its sign-in awaiting the code.
    let failure = query
        .read_untracked()
        .get("sso")
        .map(|code| SsoFailure::parse(&code).unwrap_or_default());
    let asks_code = RwSignal::new(query.read_untracked().get("step").as_deref() == Some("code"));
    follow_sign_in(action, asks_code);
    let slug = workspace.clone();
    let offer = Resource::new(
        move || slug.clone(),
        |slug| async move {
            if slug.is_empty() {
                Ok(None)
            } else {
                load_sso_offer(slug).await
            }
        },
    );
    let focus_email = !workspace.is_empty();
    let forgot = if workspace.is_empty() {
        "/forgot".to_owned()
    } else {
        format!("/forgot/{workspace}")
    };
    view! {
        <section class="card narrow" hidden=move || asks_code.get()>
            <h1>{move || i18n.texts().auth.login_title}</h1>
            {failure.map(|f| view! { <div class="banner error" role="alert">{move || sso_failure_text(i18n.texts(), f)}</div> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    offer.await.ok().flatten().map(|offer| view! {
                        <a class="button primary sso-button" href=offer.start_url rel="external">
                            {move || crate::i18n::fill(i18n.texts().auth.sso_sign_in, &[("provider", &offer.label)])}
                        </a>
                        <p class="divider">{move || i18n.texts().auth.sso_or_password}</p>
                    })
                })}
            </Suspense>
            <ErrorBanner error=action_error(action) />
            <ValidatedForm action validate=|l: &LogIn| l.input.validate() client_errors=client>
                <TextField name="input[workspace]" field="workspace" label=|t| t.auth.workspace errors value=workspace required=true autofocus=!focus_email autocomplete="organization" />
                <TextField name="input[email]" field="email" label=|t| t.common.email errors kind="email" required=true autofocus=focus_email autocomplete="username" />
                <TextField name="input[password]" field="password" label=|t| t.common.password errors kind="password" required=true autocomplete="current-password" />
                <SubmitButton action label=|t| t.auth.login_submit />
            </ValidatedForm>
            <PasskeySignIn />
            <p class="switch"><a href=forgot>{move || i18n.texts().auth.forgot_link}</a></p>
            <p class="switch"><a href="/signup">{move || i18n.texts().auth.no_account}</a></p>
        </section>
        <SecondFactorStep asks_code />
    }
}

fn sso_failure_text(t: &crate::i18n::Texts, failure: SsoFailure) -> &'static str {
    let a = t.auth;
    match failure {
        SsoFailure::Rejected => a.sso_rejected,
        SsoFailure::Unreachable => a.sso_unreachable,
        SsoFailure::DomainNotAllowed => a.sso_domain_not_allowed,
        SsoFailure::NotProvisioned => a.sso_not_provisioned,
        SsoFailure::Cancelled => a.sso_cancelled,
        SsoFailure::Expired => a.sso_expired,
    }
}

/// The code or passkey after a right password; "sign in again" goes back to the
/// password. Which of the two the account has is asked once the step shows.
#[component]
fn SecondFactorStep(asks_code: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let factors = RwSignal::new(None::<PendingFactors>);
    Effect::new(move |_| {
        if asks_code.get() {
            leptos::task::spawn_local(
                async move { factors.set(load_pending_factors().await.ok()) },
            );
        }
    });
    let passkey = move || factors.get().is_some_and(|f| f.passkey);
    let app = move || factors.get().is_none_or(|f| f.app);
    let action = ServerAction::<VerifySecondFactor>::new();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(action, client);
    go_to_contacts_on_success(action);
    Effect::new(move |_| {
        if asks_code.get() {
            request_animation_frame(|| {
                let field = document().get_element_by_id("field-code");
                if let Some(Ok(input)) = field
                    .map(leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlElement>)
                {
                    let _ = input.focus();
                }
            });
        }
    });
    view! {
        <section class="card narrow" hidden=move || !asks_code.get()>
            <h1>{move || i18n.texts().security.code_title}</h1>
            {move || passkey().then(|| view! {
                <PasskeySecondFactor />
                {move || app().then(|| view! { <p class="divider">{i18n.texts().passkeys.or_code}</p> })}
            })}
            <div hidden=move || !app()>
                <p>{move || i18n.texts().security.code_intro}</p>
                <ErrorBanner error=action_error(action) />
                <ValidatedForm action validate=|v: &VerifySecondFactor| v.input.validate() client_errors=client>
                    <TextField name="input[code]" field="code" label=|t| t.security.code errors required=true autocomplete="one-time-code" hint=|t| t.security.code_hint />
                    <SubmitButton action label=|t| t.security.code_submit />
                </ValidatedForm>
            </div>
            <p class="switch">
                <button type="button" class="button link" on:click=move |_| asks_code.set(false)>
                    {move || i18n.texts().security.start_over}
                </button>
            </p>
        </section>
    }
}
