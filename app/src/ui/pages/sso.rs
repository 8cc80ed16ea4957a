//! The team page's single sign-on settings: the workspace's OpenID provider.

use crate::api::sso::{RemoveSsoSettings, SaveSsoSettings};
use crate::i18n::use_i18n;
use crate::model::identity::Role;
use crate::model::sso::{Provisioning, SsoSettings};
use crate::model::validation::FieldErrors;
use crate::ui::components::fields::{CheckboxField, SelectField};
use crate::ui::components::form::{
    action_error, field_errors, ErrorBanner, SubmitButton, TextField, ValidatedForm,
};
use leptos::prelude::*;

#[component]
pub fn SsoSection(
    settings: SsoSettings,
    save: ServerAction<SaveSsoSettings>,
    remove: ServerAction<RemoveSsoSettings>,
) -> impl IntoView {
    let i18n = use_i18n();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(save, client);
    let SsoSettings {
        configured,
        input,
        has_secret,
        redirect_uri,
    } = settings;
    let saved = move || save.value().get().and_then(Result::ok);
    let roles: Vec<(String, Signal<String>)> = Role::all()
        .filter(|r| *r != Role::Owner)
        .map(|r| {
            (
                r.as_str().to_owned(),
                Signal::derive(move || i18n.texts().role(r).to_owned()),
            )
        })
        .collect();
    let provisioning: Vec<(String, Signal<String>)> = Provisioning::all()
        .map(|p| {
            let text = move || match p {
                Provisioning::Invitation => i18n.texts().team.sso_invitation_only,
                Provisioning::JustInTime => i18n.texts().team.sso_just_in_time,
            };
            (
                p.code().to_owned(),
                Signal::derive(move || text().to_owned()),
            )
        })
        .collect();
    let label = |f: fn(&crate::i18n::Texts) -> &'static str| {
        Signal::derive(move || f(use_i18n().texts()).to_owned())
    };
    view! {
        <section class="card sso">
            <h2>{move || i18n.texts().team.sso_heading}</h2>
            <p>{move || i18n.texts().team.sso_intro}</p>
            <p class="hint">{move || i18n.texts().team.sso_redirect_hint} " " <code>{redirect_uri}</code></p>
            <ErrorBanner error=action_error(save) />
            {move || saved().map(|_| view! { <div class="banner success" role="status">{move || i18n.texts().team.sso_saved}</div> })}
            <ValidatedForm action=save validate=|s: &SaveSsoSettings| s.input.normalized().validate(true) client_errors=client>
                <div class="field-row">
                    <TextField name="input[issuer]" field="issuer" label=|t| t.team.sso_issuer errors value=input.issuer.clone() required=true hint=|t| t.team.sso_issuer_hint autocomplete="off" />
                    <TextField name="input[label]" field="label" label=|t| t.team.sso_label errors value=input.label.clone() required=true hint=|t| t.team.sso_label_hint autocomplete="off" />
                </div>
                <div class="field-row">
                    <TextField name="input[client_id]" field="client_id" label=|t| t.team.sso_client_id errors value=input.client_id.clone() required=true autocomplete="off" />
                    <TextField name="input[client_secret]" field="client_secret" label=|t| t.team.sso_client_secret errors kind="password" required=!has_secret autocomplete="new-password" hint=|t| t.team.sso_secret_kept />
                </div>
                <TextField name="input[allowed_domains]" field="allowed_domains" label=|t| t.team.sso_domains errors value=input.allowed_domains.clone() hint=|t| t.team.sso_domains_hint autocomplete="off" />
                <div class="field-row">
                    <SelectField name="input[provisioning]" field="provisioning" label=|t| t.team.sso_provisioning errors options=provisioning value=input.provisioning.code() />
                    <SelectField name="input[default_role]" field="default_role" label=|t| t.team.sso_default_role errors options=roles value=input.default_role.clone() />
                </div>
                <TextField name="input[group_mappings]" field="group_mappings" label=|t| t.team.sso_group_mappings errors value=input.group_mappings.clone() multiline=true hint=|t| t.team.sso_group_mappings_hint autocomplete="off" />
                <CheckboxField name="input[password_login]" field="password_login" label=label(|t| t.team.sso_password_login) checked=input.password_login />
                <CheckboxField name="input[trust_provider_mfa]" field="trust_provider_mfa" label=label(|t| t.team.sso_trust_mfa) checked=input.trust_provider_mfa />
                <div class="actions">
                    <SubmitButton action=save label=|t| t.team.sso_save />
                    {configured.then(|| view! {
                        <button type="button" class="button danger" disabled=move || remove.pending().get()
                            on:click=move |_| {
                                if window().confirm_with_message(i18n.texts().team.sso_confirm_remove).unwrap_or(false) {
                                    remove.dispatch(RemoveSsoSettings {});
                                }
                            }>
                            {move || i18n.texts().team.sso_remove}
                        </button>
                    })}
                </div>
            </ValidatedForm>
        </section>
    }
}
