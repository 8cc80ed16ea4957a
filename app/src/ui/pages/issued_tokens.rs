//! The team page's tokens for integration users: an owner or administrator makes a
//! token for a colleague (secret shown this once), sees every token made for
//! others, and withdraws them.

use super::api_tokens::{lifetime_options, ScopeChoices, ShownToken};
use crate::api::api_tokens::{IssueApiToken, WithdrawApiToken};
use crate::i18n::use_i18n;
use crate::model::api_tokens::IssuedApiToken;
use crate::model::identity::TeamMember;
use crate::model::validation::FieldErrors;
use crate::ui::components::async_view::AsyncView;
use crate::ui::components::fields::SelectField;
use crate::ui::components::form::{
    action_error, field_errors, ErrorBanner, SubmitButton, TextField, ValidatedForm,
};
use crate::ui::format::timestamp;
use crate::AppError;
use leptos::prelude::*;
use time::OffsetDateTime;

/// The section's actions; the team page reloads the list when either ran.
#[derive(Clone, Copy)]
pub struct IssuedTokenActions {
    pub issue: ServerAction<IssueApiToken>,
    pub withdraw: ServerAction<WithdrawApiToken>,
}

impl IssuedTokenActions {
    pub fn new() -> Self {
        Self {
            issue: ServerAction::new(),
            withdraw: ServerAction::new(),
        }
    }

    pub fn version(&self) -> usize {
        self.issue.version().get() + self.withdraw.version().get()
    }
}

impl Default for IssuedTokenActions {
    fn default() -> Self {
        Self::new()
    }
}

fn validate(call: &IssueApiToken) -> FieldErrors {
    call.input.validate()
}

#[component]
pub fn IssuedTokenSection(
    tokens: Resource<Result<Vec<IssuedApiToken>, AppError>>,
    members: Vec<TeamMember>,
    actions: IssuedTokenActions,
) -> impl IntoView {
    let i18n = use_i18n();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(actions.issue, client);
    let created = move || actions.issue.value().get().and_then(Result::ok);
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move || {
        if created().is_some() {
            if let Some(form) = form.get() {
                form.reset();
            }
        }
    });
    let names = StoredValue::new(
        members
            .iter()
            .map(|m| (m.user_id, m.display_name.clone()))
            .collect::<Vec<_>>(),
    );
    let people = members
        .into_iter()
        .map(|m| {
            (
                m.user_id.to_string(),
                Signal::derive(move || m.display_name.clone()),
            )
        })
        .collect::<Vec<_>>();
    view! {
        <section class="card api-tokens issued-tokens">
            <h2>{move || i18n.texts().api_tokens.issued_heading}</h2>
            <p>{move || i18n.texts().api_tokens.issued_intro}</p>
            {move || created().map(|created| view! { <ShownToken created /> })}
            <ErrorBanner error=action_error(actions.withdraw) />
            <AsyncView resource=tokens render=move |list| view! {
                <IssuedList list names=names.get_value() withdraw=actions.withdraw />
            } />
            <ErrorBanner error=action_error(actions.issue) />
            <ValidatedForm action=actions.issue validate=validate client_errors=client class="api-token-add" form_ref=form>
                <SelectField name="user_id" field="user_id" label=|t| t.api_tokens.for_user
                    errors options=people />
                <TextField name="input[name]" field="name" id="field-token-name" label=|t| t.api_tokens.name
                    hint=|t| t.api_tokens.name_hint errors required=true />
                <ScopeChoices errors />
                {move || view! {
                    <SelectField name="input[lifetime_days]" field="lifetime_days" label=|t| t.api_tokens.lifetime
                        errors options=lifetime_options(i18n) value="90" />
                }}
                <SubmitButton action=actions.issue label=|t| t.api_tokens.create />
            </ValidatedForm>
        </section>
    }
}

#[component]
fn IssuedList(
    list: Vec<IssuedApiToken>,
    names: Vec<(uuid::Uuid, String)>,
    withdraw: ServerAction<WithdrawApiToken>,
) -> impl IntoView {
    let i18n = use_i18n();
    if list.is_empty() {
        return view! { <p class="muted">{move || i18n.texts().api_tokens.issued_none}</p> }
            .into_any();
    }
    let now = OffsetDateTime::now_utc();
    let t = move || i18n.texts().api_tokens;
    view! {
        <table class="token-list">
            <thead><tr>
                <th scope="col">{move || t().for_user}</th>
                <th scope="col">{move || t().name}</th>
                <th scope="col">{move || t().prefix}</th>
                <th scope="col">{move || t().scopes}</th>
                <th scope="col">{move || t().expires}</th>
                <th scope="col"><span class="visually-hidden">{move || t().withdraw}</span></th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|IssuedApiToken { user_id, token }| {
                    let owner = names.iter().find(|(id, _)| *id == user_id).map(|(_, n)| n.clone()).unwrap_or_default();
                    let token_id = token.token_id;
                    let working = token.revoked_at.is_none() && token.expires_at > now;
                    let scopes = token.scopes.iter().map(|s| s.code()).collect::<Vec<_>>().join(", ");
                    view! {
                        <tr class:ended=!working>
                            <td>{owner}</td>
                            <td>{token.name.clone()}</td>
                            <td><code>{token.prefix.clone()}</code></td>
                            <td><code>{scopes}</code></td>
                            <td>{timestamp(token.expires_at)}
                                {(!working).then(|| view! { " " <span class="badge">{move || t().revoked}</span> })}</td>
                            <td>{working.then(|| view! {
                                <button type="button" class="button link danger" on:click=move |_| {
                                    if window().confirm_with_message(t().withdraw_confirm).unwrap_or(false) {
                                        withdraw.dispatch(WithdrawApiToken { token_id });
                                    }
                                }>{move || t().withdraw}</button>
                            })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
