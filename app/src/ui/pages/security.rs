//! Account security: setting up the authenticator app, recovery codes, removing it;
//! and, on the team page, the workspace's second-factor rule.

use crate::api::second_factor::{
    load_second_factor, ConfirmTotp, RemoveTotp, RenewRecoveryCodes, ResetSecondFactor,
    SetSecondFactorPolicy, StartTotp,
};
use crate::i18n::use_i18n;
use crate::model::identity::{Role, TeamMember};
use crate::model::second_factor::{
    CodeInput, RecoveryCodes, SecondFactorPolicy, SecondFactorStatus,
};
use crate::model::validation::{FieldErrors, Problem};
use crate::ui::components::async_view::AsyncView;
use crate::ui::components::form::{
    action_error, field_errors, ErrorBanner, SubmitButton, TextField, ValidatedForm,
};
use crate::ui::layout::use_current_user;
use crate::ui::pages::api_tokens::ApiTokenSection;
use crate::ui::pages::email_change::EmailChangeSection;
use crate::ui::pages::passkeys::PasskeySection;
use crate::AppError;
use leptos::prelude::*;

#[component]
pub fn AccountSecurityPage() -> impl IntoView {
    let i18n = use_i18n();
    let start = ServerAction::<StartTotp>::new();
    let confirm = ServerAction::<ConfirmTotp>::new();
    let renew = ServerAction::<RenewRecoveryCodes>::new();
    let remove = ServerAction::<RemoveTotp>::new();
    let status = Resource::new(
        move || {
            (
                confirm.version().get(),
                renew.version().get(),
                remove.version().get(),
            )
        },
        |_| load_second_factor(),
    );
    let user = use_current_user();
    let must_enrol =
        move || user.get().is_some_and(|u| u.must_enrol) && confirm.value().get().is_none();
    let new_codes = Signal::derive(move || {
        let latest = |v: Option<Result<RecoveryCodes, AppError>>| v.and_then(Result::ok);
        latest(renew.value().get()).or_else(|| latest(confirm.value().get()))
    });
    view! {
        <h1>{move || i18n.texts().security.title}</h1>
        {move || must_enrol().then(|| view! {
            <div class="banner warning" role="alert">{move || i18n.texts().security.required_banner}</div>
        })}
        <ShownRecoveryCodes codes=new_codes />
        <AsyncView resource=status render=move |status| view! {
            <TotpSection status start confirm renew remove />
        } />
        <PasskeySection />
        <EmailChangeSection />
        <ApiTokenSection />
    }
}

/// Codes just issued, shown this once.
#[component]
fn ShownRecoveryCodes(codes: Signal<Option<RecoveryCodes>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        codes.get().map(|RecoveryCodes(codes)| {
            view! {
                <section class="card recovery-codes" role="status">
                    <h2>{move || i18n.texts().security.codes_heading}</h2>
                    <p>{move || i18n.texts().security.codes_intro}</p>
                    <ol class="code-list">
                        {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                    </ol>
                    <a class="button primary" href="/contacts" rel="external">{move || i18n.texts().security.codes_done}</a>
                </section>
            }
        })
    }
}

#[component]
fn TotpSection(
    status: SecondFactorStatus,
    start: ServerAction<StartTotp>,
    confirm: ServerAction<ConfirmTotp>,
    renew: ServerAction<RenewRecoveryCodes>,
    remove: ServerAction<RemoveTotp>,
) -> impl IntoView {
    let i18n = use_i18n();
    let body = if status.totp {
        let left = status.recovery_codes_left;
        view! {
            <p>{move || i18n.texts().security.totp_on}</p>
            <p class="muted">{move || i18n.texts().security.codes_left.of(left)}</p>
            <ManageTotp renew remove />
        }
        .into_any()
    } else {
        view! {
            <p>{move || i18n.texts().security.totp_off}</p>
            {move || remove.value().get().and_then(Result::ok).map(|_| view! {
                <div class="banner success" role="status">{move || i18n.texts().security.removed}</div>
            })}
            <EnrolTotp start confirm />
        }
        .into_any()
    };
    view! {
        <section class="card">
            <h2>{move || i18n.texts().security.totp_heading}</h2>
            {body}
        </section>
    }
}

/// The set-up button, then the QR code and the first code that confirms it.
#[component]
fn EnrolTotp(start: ServerAction<StartTotp>, confirm: ServerAction<ConfirmTotp>) -> impl IntoView {
    let i18n = use_i18n();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(confirm, client);
    let pending = start.pending();
    let enrolment = move || start.value().get().and_then(Result::ok);
    view! {
        <ErrorBanner error=action_error(start) />
        {move || match enrolment() {
            None => view! {
                <button type="button" class="button primary" disabled=move || pending.get()
                    on:click=move |_| { start.dispatch(StartTotp {}); }>
                    {move || i18n.texts().security.set_up}
                </button>
            }.into_any(),
            Some(enrolment) => {
                let grouped = enrolment.secret.as_bytes().chunks(4)
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .collect::<Vec<_>>()
                    .join(" ");
                view! {
                    <p>{move || i18n.texts().security.scan}</p>
                    <img class="totp-qr" src=enrolment.qr_svg alt=move || i18n.texts().security.qr_alt width="200" height="200" />
                    <p>{move || i18n.texts().security.manual_key} " " <code class="totp-secret">{grouped}</code></p>
                    <p><a href=enrolment.uri>{move || i18n.texts().security.open_in_app}</a></p>
                    <ErrorBanner error=Signal::derive(move || action_error(confirm).get().filter(|e| e.field_errors().is_none())) />
                    <ValidatedForm action=confirm validate=|c: &ConfirmTotp| c.input.validate() client_errors=client>
                        <TextField name="input[code]" field="code" label=|t| t.security.confirm_code errors required=true autofocus=true autocomplete="one-time-code" />
                        <SubmitButton action=confirm label=|t| t.security.confirm_submit />
                    </ValidatedForm>
                }.into_any()
            }
        }}
    }
}

/// New recovery codes or removing the app, each for a current code.
#[component]
fn ManageTotp(
    renew: ServerAction<RenewRecoveryCodes>,
    remove: ServerAction<RemoveTotp>,
) -> impl IntoView {
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let client = RwSignal::new(FieldErrors::new());
    let problem = Memo::new(move |_| {
        let from_server =
            |e: Option<AppError>| e.and_then(|e| e.field_errors().and_then(|f| f.get("code")));
        client
            .get()
            .get("code")
            .or_else(|| from_server(action_error(renew).get()))
            .or_else(|| from_server(action_error(remove).get()))
    });
    let input = move || {
        let input = CodeInput {
            code: code.get_untracked(),
        };
        let errors = input.validate();
        let valid = errors.is_empty();
        client.set(errors);
        valid.then_some(input)
    };
    view! {
        <div class="field" class:invalid=move || problem.get().is_some()>
            <label for="manage-code">{move || i18n.texts().security.code}</label>
            <input id="manage-code" type="text" autocomplete="one-time-code" bind:value=code
                aria-describedby="manage-code-hint manage-code-error"
                aria-invalid=move || problem.get().is_some().to_string() />
            <p class="hint" id="manage-code-hint">{move || i18n.texts().security.remove_hint}</p>
            <p class="field-error" id="manage-code-error" role="alert">
                {move || problem.get().map(|p: Problem| i18n.texts().problem(p))}
            </p>
        </div>
        <div class="actions">
            <button type="button" class="button" disabled=move || renew.pending().get()
                on:click=move |_| if let Some(input) = input() { renew.dispatch(RenewRecoveryCodes { input }); }>
                {move || i18n.texts().security.renew_codes}
            </button>
            <button type="button" class="button danger" disabled=move || remove.pending().get()
                on:click=move |_| if let Some(input) = input() { remove.dispatch(RemoveTotp { input }); }>
                {move || i18n.texts().security.remove}
            </button>
        </div>
    }
}

/// The team page's section: which roles need a second factor (for those who may
/// configure it), and each member's state with a reset (for those who manage).
#[component]
pub fn SecondFactorRule(
    policy: SecondFactorPolicy,
    set_policy: ServerAction<SetSecondFactorPolicy>,
) -> impl IntoView {
    let i18n = use_i18n();
    let chosen = RwSignal::new(policy.roles);
    let saved = move || set_policy.value().get().and_then(Result::ok);
    view! {
        <section class="card">
            <h2>{move || i18n.texts().security.policy_heading}</h2>
            <p>{move || i18n.texts().security.policy_intro}</p>
            <ErrorBanner error=action_error(set_policy) />
            {move || saved().map(|_| view! { <div class="banner success" role="status">{move || i18n.texts().security.policy_saved}</div> })}
            <fieldset class="checkboxes">
                <legend class="visually-hidden">{move || i18n.texts().security.policy_heading}</legend>
                {Role::all().map(|role| view! {
                    <label class="checkbox">
                        <input type="checkbox" name="roles" value=role.as_str()
                            prop:checked=move || chosen.get().contains(&role)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|roles| {
                                    roles.retain(|r| *r != role);
                                    if on { roles.push(role); }
                                });
                            } />
                        {move || i18n.texts().role(role)}
                    </label>
                }).collect_view()}
            </fieldset>
            <button type="button" class="button" disabled=move || set_policy.pending().get()
                on:click=move |_| {
                    let roles = chosen.get_untracked().iter().map(|r| r.as_str().to_owned()).collect();
                    set_policy.dispatch(SetSecondFactorPolicy { roles });
                }>
                {move || i18n.texts().security.policy_save}
            </button>
        </section>
    }
}

/// A member's second factor on the team page, with the reset for a lost phone.
#[component]
pub fn MemberFactorCell(
    member: TeamMember,
    has_factor: bool,
    may_reset: bool,
    reset: ServerAction<ResetSecondFactor>,
) -> impl IntoView {
    let i18n = use_i18n();
    let user_id = member.user_id;
    let label = format!(
        "{} – {}",
        member.display_name,
        use_i18n().texts().security.reset
    );
    view! {
        <td>
            {move || if has_factor { i18n.texts().security.member_has_factor } else { i18n.texts().security.member_no_factor }}
            {(has_factor && may_reset).then(|| view! {
                " "
                <button type="button" class="button link" aria-label=label
                    on:click=move |_| {
                        if window().confirm_with_message(i18n.texts().security.reset_confirm).unwrap_or(false) {
                            reset.dispatch(ResetSecondFactor { user_id });
                        }
                    }>
                    {move || i18n.texts().security.reset}
                </button>
            })}
        </td>
    }
}
