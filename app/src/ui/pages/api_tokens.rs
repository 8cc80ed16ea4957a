//! The security page's API tokens: the user's tokens with revoking, and a new one
//! whose secret is shown this once.

use crate::api::api_tokens::{load_api_tokens, CreateApiToken, RevokeApiToken};
use crate::i18n::use_i18n;
use crate::model::api_tokens::{Access, ApiTokenSummary, CreatedApiToken, TokenScope};
use crate::model::validation::FieldErrors;
use crate::ui::components::async_view::AsyncView;
use crate::ui::components::fields::SelectField;
use crate::ui::components::form::{
    action_error, field_errors, ErrorBanner, SubmitButton, TextField, ValidatedForm,
};
use crate::ui::format::timestamp;
use crate::ui::layout::use_current_user;
use leptos::prelude::*;
use time::OffsetDateTime;

#[component]
pub fn ApiTokenSection() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| load_api_tokens(),
    );
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(create, client);
    let created = move || create.value().get().and_then(Result::ok);
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move || {
        if created().is_some() {
            if let Some(form) = form.get() {
                form.reset();
            }
        }
    });
    let revoked = move || matches!(revoke.value().get(), Some(Ok(())));
    view! {
        <section class="card api-tokens">
            <h2>{move || i18n.texts().api_tokens.heading}</h2>
            <p>{move || i18n.texts().api_tokens.intro} " "
                <a href="/api/v1/docs" rel="external">{move || i18n.texts().api_tokens.reference}</a></p>
            {move || created().map(|created| view! { <ShownToken created /> })}
            {move || revoked().then(|| view! {
                <div class="banner success" role="status">{move || i18n.texts().api_tokens.revoked_done}</div>
            })}
            <ErrorBanner error=action_error(revoke) />
            <AsyncView resource=tokens render=move |list| view! { <TokenList list revoke /> } />
            <ErrorBanner error=action_error(create) />
            <ValidatedForm action=create validate=|c: &CreateApiToken| c.input.validate() client_errors=client class="api-token-add" form_ref=form>
                <TextField name="input[name]" field="name" label=|t| t.api_tokens.name
                    hint=|t| t.api_tokens.name_hint errors required=true />
                <ScopeChoices errors />
                {move || view! {
                    <SelectField name="input[lifetime_days]" field="lifetime_days" label=|t| t.api_tokens.lifetime
                        errors options=lifetime_options(i18n) value="90" />
                }}
                <SubmitButton action=create label=|t| t.api_tokens.create />
            </ValidatedForm>
        </section>
    }
}

/// The lifetimes a token may be given, in the current language.
pub(super) fn lifetime_options(i18n: crate::i18n::I18n) -> Vec<(String, Signal<String>)> {
    let t = i18n.texts().api_tokens;
    [
        ("30", t.days_30),
        ("90", t.days_90),
        ("180", t.days_180),
        ("366", t.days_366),
    ]
    .into_iter()
    .map(|(days, label)| (days.to_owned(), Signal::derive(move || label.to_owned())))
    .collect()
}

/// One checkbox per scope the user's role may give.
#[component]
pub(super) fn ScopeChoices(errors: Memo<FieldErrors>) -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let problem = Memo::new(move |_| errors.get().get("scopes"));
    let choices = move || {
        let role = user.get().map(|u| u.role);
        TokenScope::all()
            .filter(|scope| role.is_some_and(|role| scope.grantable_by(role)))
            .enumerate()
            .map(|(i, scope)| {
                let t = i18n.texts().api_tokens;
                let access = match scope.access {
                    Access::Read => t.read,
                    Access::Write => t.write,
                };
                let label = format!("{} – {access}", (t.area)(scope.area));
                let id = format!("field-scope-{}", scope.code().replace(':', "-"));
                view! {
                    <label class="checkbox" for=id.clone()>
                        <input type="checkbox" id=id.clone() name=format!("input[scopes][{i}]") value=scope.code() />
                        {label} " " <code>{scope.code()}</code>
                    </label>
                }
            })
            .collect_view()
    };
    view! {
        <fieldset class="field scope-choices" class:invalid=move || problem.get().is_some()
            aria-describedby="field-scopes-error">
            <legend>{move || i18n.texts().api_tokens.scopes}</legend>
            {choices}
            <p class="field-error" id="field-scopes-error" role="alert">
                {move || problem.get().map(|p| i18n.texts().problem(p))}
            </p>
        </fieldset>
    }
}

/// The token just created, with its secret this once.
#[component]
pub(super) fn ShownToken(created: CreatedApiToken) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="banner success created-token" role="status">
            <h3>{move || i18n.texts().api_tokens.created_heading}</h3>
            <p>{move || i18n.texts().api_tokens.created_intro}</p>
            <label for="created-token-secret">{move || i18n.texts().api_tokens.token}</label>
            <input id="created-token-secret" type="text" readonly=true value=created.secret
                class="token-secret" on:focus=|ev| {
                    use leptos::wasm_bindgen::JsCast;
                    if let Some(input) = ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::HtmlInputElement>().ok()) {
                        input.select();
                    }
                } />
        </div>
    }
}

fn state_of(
    token: &ApiTokenSummary,
    now: OffsetDateTime,
) -> Option<fn(&crate::i18n::Texts) -> &'static str> {
    if token.revoked_at.is_some() {
        Some(|t| t.api_tokens.revoked)
    } else if token.expires_at <= now {
        Some(|t| t.api_tokens.expired)
    } else {
        None
    }
}

#[component]
fn TokenList(list: Vec<ApiTokenSummary>, revoke: ServerAction<RevokeApiToken>) -> impl IntoView {
    let i18n = use_i18n();
    if list.is_empty() {
        return view! { <p class="muted">{move || i18n.texts().api_tokens.none}</p> }.into_any();
    }
    let now = OffsetDateTime::now_utc();
    view! {
        <table class="token-list">
            <thead><tr>
                <th scope="col">{move || i18n.texts().api_tokens.name}</th>
                <th scope="col">{move || i18n.texts().api_tokens.prefix}</th>
                <th scope="col">{move || i18n.texts().api_tokens.scopes}</th>
                <th scope="col">{move || i18n.texts().api_tokens.expires}</th>
                <th scope="col">{move || i18n.texts().api_tokens.last_used}</th>
                <th scope="col"><span class="visually-hidden">{move || i18n.texts().api_tokens.revoke}</span></th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|token| {
                    let token_id = token.token_id;
                    let ended = state_of(&token, now);
                    let scopes = token.scopes.iter().map(|s| s.code()).collect::<Vec<_>>().join(", ");
                    let last_used = token.last_used_at.map(timestamp);
                    let label = format!("{} – {}", token.name, i18n.texts().api_tokens.revoke);
                    view! {
                        <tr class:ended=ended.is_some()>
                            <td>{token.name.clone()}</td>
                            <td><code>{token.prefix.clone()}</code></td>
                            <td><code>{scopes}</code></td>
                            <td>{timestamp(token.expires_at)}
                                {move || ended.map(|state| view! { " " <span class="badge">{state(i18n.texts())}</span> })}</td>
                            <td>{move || last_used.clone().unwrap_or_else(|| i18n.texts().api_tokens.never_used.to_owned())}</td>
                            <td>{ended.is_none().then(|| view! {
                                <button type="button" class="button link danger" aria-label=label.clone()
                                    on:click=move |_| {
                                        if window().confirm_with_message(i18n.texts().api_tokens.revoke_confirm).unwrap_or(false) {
                                            revoke.dispatch(RevokeApiToken { token_id });
                                        }
                                    }>
                                    {move || i18n.texts().api_tokens.revoke}
                                </button>
                            })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
