//! Passkeys in the UI: the security page's list with adding and removing, the
//! login page's "Sign in with a passkey", and the passkey after the password.
//! Each ceremony is three steps (server options, the browser's dialog, the
//! server's check), run by [`run`].

use crate::api::passkeys::{
    finish_passkey_registration, finish_passkey_second_factor, finish_passkey_sign_in,
    load_passkeys, remove_passkey, start_passkey_registration, start_passkey_second_factor,
    start_passkey_sign_in,
};
use crate::i18n::{use_i18n, Texts};
use crate::model::passkeys::{PasskeyNameInput, PasskeySummary};
use crate::model::validation::Problem;
use crate::ui::components::async_view::AsyncView;
use crate::ui::format::timestamp;
use crate::ui::pages::auth::go_to;
use crate::ui::webauthn::{self, BrowserRefusal};
use crate::AppError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;

/// Where a ceremony stands.
#[derive(Debug, Clone)]
enum Outcome {
    Idle,
    Waiting,
    Done,
    Refused(BrowserRefusal),
    Failed(AppError),
}

#[derive(Clone, Copy)]
enum Dialog {
    Create,
    Get,
}

async fn run<Fin, Fut>(
    dialog: Dialog,
    start: impl Future<Output = Result<String, AppError>>,
    finish: Fin,
) -> Outcome
where
    Fin: FnOnce(String) -> Fut,
    Fut: Future<Output = Result<(), AppError>>,
{
    let options = match start.await {
        Ok(options) => options,
        Err(err) => return Outcome::Failed(err),
    };
    let credential = match dialog {
        Dialog::Create => webauthn::create(&options).await,
        Dialog::Get => webauthn::get(&options).await,
    };
    match credential {
        Ok(credential) => match finish(credential).await {
            Ok(()) => Outcome::Done,
            Err(err) => Outcome::Failed(err),
        },
        Err(refusal) => Outcome::Refused(refusal),
    }
}

/// A server error in words: a field's problem when it names one.
fn error_text(t: &Texts, err: &AppError) -> String {
    match err.field_errors().and_then(|f| f.0.first()) {
        Some(field) => t.problem(field.problem),
        None => t.error(err),
    }
}

/// The waiting note or the refusal, in a live region.
#[component]
fn OutcomeBanner(outcome: RwSignal<Outcome>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        match outcome.get() {
        Outcome::Idle | Outcome::Done => None,
        Outcome::Waiting => Some(
            view! { <p class="muted" role="status">{i18n.texts().passkeys.waiting}</p> }.into_any(),
        ),
        Outcome::Refused(refusal) => Some(
            view! { <div class="banner error" role="alert">{refusal.text(i18n.texts().passkeys)}</div> }
                .into_any(),
        ),
        Outcome::Failed(err) => Some(
            view! { <div class="banner error" role="alert">{error_text(i18n.texts(), &err)}</div> }
                .into_any(),
        ),
    }
    }
}

/// The security page's section: the account's passkeys and a new one.
#[component]
pub fn PasskeySection() -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let passkeys = Resource::new(move || version.get(), |_| load_passkeys());
    let name = RwSignal::new(String::new());
    let client_problem = RwSignal::new(None::<Problem>);
    let outcome = RwSignal::new(Outcome::Idle);
    let removed = RwSignal::new(false);
    let problem = Memo::new(move |_| {
        client_problem.get().or_else(|| match outcome.get() {
            Outcome::Failed(err) => err.field_errors().and_then(|f| f.get("name")),
            _ => None,
        })
    });
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = PasskeyNameInput {
            name: name.get_untracked(),
        };
        let errors = input.validate();
        client_problem.set(errors.get("name"));
        if !errors.is_empty() {
            return;
        }
        removed.set(false);
        outcome.set(Outcome::Waiting);
        spawn_local(async move {
            let result = run(
                Dialog::Create,
                start_passkey_registration(input),
                finish_passkey_registration,
            )
            .await;
            if matches!(result, Outcome::Done) {
                name.set(String::new());
                version.update(|v| *v += 1);
            }
            outcome.set(result);
        });
    };
    let remove = move |passkey_id| {
        outcome.set(Outcome::Idle);
        spawn_local(async move {
            match remove_passkey(passkey_id).await {
                Ok(()) => {
                    removed.set(true);
                    version.update(|v| *v += 1);
                }
                Err(err) => outcome.set(Outcome::Failed(err)),
            }
        });
    };
    let waiting = move || matches!(outcome.get(), Outcome::Waiting);
    view! {
        <section class="card passkeys">
            <h2>{move || i18n.texts().passkeys.heading}</h2>
            <p>{move || i18n.texts().passkeys.intro}</p>
            {move || matches!(outcome.get(), Outcome::Done).then(|| view! {
                <div class="banner success" role="status">
                    {i18n.texts().passkeys.added} " "
                    <a href="/contacts" rel="external">{i18n.texts().passkeys.continue_to_app}</a>
                </div>
            })}
            {move || removed.get().then(|| view! {
                <div class="banner success" role="status">{i18n.texts().passkeys.removed}</div>
            })}
            <AsyncView resource=passkeys render=move |list| view! { <PasskeyList list remove /> } />
            <form class="passkey-add" on:submit=add novalidate=true>
                <div class="field" class:invalid=move || problem.get().is_some()>
                    <label for="field-passkey-name">{move || i18n.texts().passkeys.name}</label>
                    <input id="field-passkey-name" type="text" maxlength="60" bind:value=name
                        aria-describedby="passkey-name-hint passkey-name-error"
                        aria-invalid=move || problem.get().is_some().to_string() />
                    <p class="hint" id="passkey-name-hint">{move || i18n.texts().passkeys.name_hint}</p>
                    <p class="field-error" id="passkey-name-error" role="alert">
                        {move || problem.get().map(|p| i18n.texts().problem(p))}
                    </p>
                </div>
                <button type="submit" class="button primary" disabled=waiting aria-busy=move || waiting().to_string()>
                    {move || i18n.texts().passkeys.add}
                </button>
            </form>
            {move || (!matches!(outcome.get(), Outcome::Failed(ref e) if e.field_errors().is_some_and(|f| f.get("name").is_some())))
                .then(|| view! { <OutcomeBanner outcome /> })}
        </section>
    }
}

#[component]
fn PasskeyList(
    list: Vec<PasskeySummary>,
    remove: impl Fn(uuid::Uuid) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    if list.is_empty() {
        return view! { <p class="muted">{move || i18n.texts().passkeys.none}</p> }.into_any();
    }
    view! {
        <table class="passkey-list">
            <thead><tr>
                <th scope="col">{move || i18n.texts().passkeys.name}</th>
                <th scope="col">{move || i18n.texts().passkeys.added_at}</th>
                <th scope="col">{move || i18n.texts().passkeys.last_used}</th>
                <th scope="col"><span class="visually-hidden">{move || i18n.texts().passkeys.remove}</span></th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|passkey| {
                    let id = passkey.passkey_id;
                    let label = format!("{} – {}", passkey.name, i18n.texts().passkeys.remove);
                    let last_used = passkey.last_used_at.map(timestamp);
                    view! {
                        <tr>
                            <td>{passkey.name}</td>
                            <td>{timestamp(passkey.created_at)}</td>
                            <td>{move || last_used.clone().unwrap_or_else(|| i18n.texts().passkeys.never_used.to_owned())}</td>
                            <td>
                                <button type="button" class="button link danger" aria-label=label
                                    on:click=move |_| {
                                        if window().confirm_with_message(i18n.texts().passkeys.remove_confirm).unwrap_or(false) {
                                            remove(id);
                                        }
                                    }>
                                    {move || i18n.texts().passkeys.remove}
                                </button>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// The workspace typed on the login page.
fn typed_workspace() -> String {
    use leptos::wasm_bindgen::JsCast;
    document()
        .get_element_by_id("field-workspace")
        .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlInputElement>().ok())
        .map(|input| input.value())
        .unwrap_or_default()
}

/// "Sign in with a passkey" on the login page: any passkey of the typed workspace.
#[component]
pub fn PasskeySignIn() -> impl IntoView {
    let i18n = use_i18n();
    let outcome = RwSignal::new(Outcome::Idle);
    let missing_workspace = RwSignal::new(false);
    let sign_in = move |_| {
        let slug = typed_workspace();
        missing_workspace.set(slug.trim().is_empty());
        if slug.trim().is_empty() {
            return;
        }
        outcome.set(Outcome::Waiting);
        spawn_local(async move {
            let result = run(
                Dialog::Get,
                start_passkey_sign_in(slug),
                finish_passkey_sign_in,
            )
            .await;
            if matches!(result, Outcome::Done) {
                go_to("/contacts");
            }
            outcome.set(result);
        });
    };
    view! {
        <p class="divider">{move || i18n.texts().passkeys.or}</p>
        <button type="button" class="button passkey-button" on:click=sign_in
            disabled=move || matches!(outcome.get(), Outcome::Waiting | Outcome::Done)>
            {move || i18n.texts().passkeys.sign_in}
        </button>
        {move || missing_workspace.get().then(|| view! {
            <div class="banner error" role="alert">{i18n.texts().passkeys.needs_workspace}</div>
        })}
        <OutcomeBanner outcome />
    }
}

/// A passkey instead of the code after the password.
#[component]
pub fn PasskeySecondFactor() -> impl IntoView {
    let i18n = use_i18n();
    let outcome = RwSignal::new(Outcome::Idle);
    let show = move |_| {
        outcome.set(Outcome::Waiting);
        spawn_local(async move {
            let result = run(
                Dialog::Get,
                start_passkey_second_factor(),
                finish_passkey_second_factor,
            )
            .await;
            if matches!(result, Outcome::Done) {
                go_to("/contacts");
            }
            outcome.set(result);
        });
    };
    view! {
        <p>{move || i18n.texts().passkeys.second_factor_intro}</p>
        <button type="button" class="button primary passkey-button" on:click=show
            disabled=move || matches!(outcome.get(), Outcome::Waiting | Outcome::Done)>
            {move || i18n.texts().passkeys.use_passkey}
        </button>
        <OutcomeBanner outcome />
    }
}
