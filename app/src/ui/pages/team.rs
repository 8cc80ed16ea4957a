//! The team: members and their roles, invitations, teams.

use crate::api::api_tokens::load_issued_api_tokens;
use crate::api::keys::RotateWorkspaceKey;
use crate::api::second_factor::{ResetSecondFactor, SetSecondFactorPolicy};
use crate::api::sso::{RemoveSsoSettings, SaveSsoSettings};
use crate::api::team::SetFieldMasks;
use crate::api::team::{load_team, ChangeRole, InviteMember, TeamSummary};
use crate::i18n::use_i18n;
use crate::model::api_tokens::IssuedApiToken;
use crate::model::identity::{Role, TeamMember};
use crate::model::permission::{Action, Area};
use crate::model::validation::FieldErrors;
use crate::ui::components::async_view::AsyncView;
use crate::ui::components::form::{
    action_error, field_errors, ErrorBanner, SubmitButton, TextField, ValidatedForm,
};
use crate::ui::format;
use crate::ui::layout::use_current_user;
use crate::ui::pages::field_masks::FieldMaskGrid;
use crate::ui::pages::issued_tokens::{IssuedTokenActions, IssuedTokenSection};
use crate::ui::pages::security::{MemberFactorCell, SecondFactorRule};
use crate::ui::pages::sso::SsoSection;
use crate::ui::pages::teams::{TeamsActions, TeamsSection};
use leptos::prelude::*;

#[component]
pub fn TeamPage() -> impl IntoView {
    let i18n = use_i18n();
    let invite = ServerAction::<InviteMember>::new();
    let change_role = ServerAction::<ChangeRole>::new();
    let actions = TeamActions {
        invite,
        change_role,
        set_policy: ServerAction::new(),
        reset: ServerAction::new(),
        set_masks: ServerAction::new(),
        teams: TeamsActions::new(),
        save_sso: ServerAction::new(),
        remove_sso: ServerAction::new(),
        tokens: IssuedTokenActions::new(),
    };
    let user = use_current_user();
    let may_manage = move || {
        user.get()
            .is_some_and(|u| u.role.may(Area::Team, Action::Manage))
    };
    let issued = Resource::new(
        move || (may_manage(), actions.tokens.version()),
        |(may, _)| async move {
            match may {
                true => load_issued_api_tokens().await,
                false => Ok(Vec::new()),
            }
        },
    );
    let overview = Resource::new(
        move || {
            (
                invite.version().get(),
                change_role.version().get(),
                actions.set_policy.version().get(),
                actions.reset.version().get(),
                actions.set_masks.version().get(),
                actions.teams.versions(),
                actions.save_sso.version().get(),
                actions.remove_sso.version().get(),
            )
        },
        |_| load_team(),
    );
    let failed = move || {
        let err = |v: Option<Result<(), crate::AppError>>| v.and_then(Result::err);
        err(change_role.value().get()).or_else(|| err(actions.reset.value().get()))
    };
    view! {
        <h1>{move || i18n.texts().team.title}</h1>
        <ErrorBanner error=Signal::derive(failed) />
        <AsyncView resource=overview render=move |overview| view! { <TeamView overview actions issued /> } />
    }
}

#[derive(Clone, Copy)]
struct TeamActions {
    invite: ServerAction<InviteMember>,
    change_role: ServerAction<ChangeRole>,
    set_policy: ServerAction<SetSecondFactorPolicy>,
    reset: ServerAction<ResetSecondFactor>,
    set_masks: ServerAction<SetFieldMasks>,
    teams: TeamsActions,
    save_sso: ServerAction<SaveSsoSettings>,
    remove_sso: ServerAction<RemoveSsoSettings>,
    tokens: IssuedTokenActions,
}

#[component]
fn TeamView(
    overview: TeamSummary,
    actions: TeamActions,
    issued: Resource<Result<Vec<IssuedApiToken>, crate::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let invite = actions.invite;
    let TeamSummary {
        members,
        invitations,
        can_manage,
        grantable_roles,
        second_factor,
        with_second_factor,
        field_masks,
        teams,
        sso,
    } = overview;
    let may_configure = use_current_user()
        .get_untracked()
        .is_some_and(|u| u.role.may(Area::Team, Action::Configure));
    let grantable = StoredValue::new(grantable_roles);
    let with_factor = StoredValue::new(with_second_factor);
    let people = members.clone();
    let token_people = members.clone();
    view! {
        <section>
            <h2>{move || i18n.texts().team.members}</h2>
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">{move || i18n.texts().auth.display_name}</th>
                        <th scope="col">{move || i18n.texts().common.email}</th>
                        <th scope="col">{move || i18n.texts().team.role}</th>
                        {can_manage.then(|| view! { <th scope="col">{move || i18n.texts().security.member_factor}</th> })}
                    </tr>
                </thead>
                <tbody>
                    {members
                        .into_iter()
                        .map(|member| {
                            let factor = can_manage.then(|| with_factor.with_value(|ids| ids.contains(&member.user_id)));
                            view! { <MemberRow member can_manage grantable=grantable.get_value() factor actions /> }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
        {can_manage.then(|| view! {
            <InviteForm invite roles=grantable.get_value() />
            <IssuedTokenSection tokens=issued members=token_people.clone() actions=actions.tokens />
            <KeyRotation />
            <section>
                <h2>{move || i18n.texts().team.open_invitations}</h2>
                <ul class="plain-list">
                    {invitations
                        .into_iter()
                        .map(|inv| view! {
                            <li>
                                {inv.email} " · " {move || i18n.texts().role(inv.role)} " · "
                                {move || i18n.texts().team.expires} " " {format::timestamp(inv.expires_at)}
                            </li>
                        })
                        .collect_view()}
                </ul>
            </section>
        })}
        <TeamsSection overview=teams people can_manage may_configure actions=actions.teams />
        {may_configure.then(|| view! {
            <SecondFactorRule policy=second_factor set_policy=actions.set_policy />
            <FieldMaskGrid masks=field_masks save=actions.set_masks />
            {sso.map(|settings| view! { <SsoSection settings save=actions.save_sso remove=actions.remove_sso /> })}
        })}
    }
}

#[component]
fn MemberRow(
    member: TeamMember,
    can_manage: bool,
    grantable: Vec<Role>,
    /// Whether the member has an authenticator; `None` for those who cannot manage.
    factor: Option<bool>,
    actions: TeamActions,
) -> impl IntoView {
    let i18n = use_i18n();
    let change_role = actions.change_role;
    let may_reset = grantable.contains(&member.role);
    let factor_cell = factor.map(|has_factor| {
        view! { <MemberFactorCell member=member.clone() has_factor may_reset reset=actions.reset /> }
    });
    let editable = can_manage && grantable.contains(&member.role);
    let user_id = member.user_id;
    let current = member.role;
    let role_cell = if editable {
        let label = format!("{} – {}", member.display_name, "role");
        view! {
            <select
                aria-label=label
                on:change=move |ev| {
                    change_role.dispatch(ChangeRole { user_id, role: event_target_value(&ev) });
                }
            >
                {grantable
                    .into_iter()
                    .map(|role| view! {
                        <option value=role.as_str() selected=role == current>{move || i18n.texts().role(role)}</option>
                    })
                    .collect_view()}
            </select>
        }
        .into_any()
    } else {
        view! { <span class="role-badge">{move || i18n.texts().role(current)}</span> }.into_any()
    };
    view! {
        <tr>
            <td>{member.display_name}</td>
            <td>{member.email}</td>
            <td>{role_cell}</td>
            {factor_cell}
        </tr>
    }
}

#[component]
fn InviteForm(invite: ServerAction<InviteMember>, roles: Vec<Role>) -> impl IntoView {
    let i18n = use_i18n();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(invite, client);
    let link = move || {
        invite
            .value()
            .get()
            .and_then(Result::ok)
            .and_then(|inv| inv.link)
    };
    view! {
        <section class="card">
            <h2>{move || i18n.texts().team.invite_title}</h2>
            <ErrorBanner error=action_error(invite) />
            <ValidatedForm action=invite validate=|i: &InviteMember| i.input.validate() client_errors=client class="inline-form">
                <TextField name="input[email]" field="email" label=|t| t.common.email errors kind="email" required=true autocomplete="off" />
                <div class="field">
                    <label for="invite-role">{move || i18n.texts().team.role}</label>
                    <select id="invite-role" name="input[role]">
                        {roles
                            .into_iter()
                            .map(|role| view! {
                                <option value=role.as_str() selected=role == Role::Sales>{move || i18n.texts().role(role)}</option>
                            })
                            .collect_view()}
                    </select>
                </div>
                <SubmitButton action=invite label=|t| t.team.invite_submit />
            </ValidatedForm>
            {move || link().map(|link| view! {
                <div class="banner success" role="status">
                    <p>{move || i18n.texts().team.invite_link_hint}</p>
                    <input class="invite-link" type="text" readonly value=link />
                </div>
            })}
        </section>
    }
}

/// Owners and administrators rotate the workspace key here.
#[component]
fn KeyRotation() -> impl IntoView {
    let i18n = use_i18n();
    let rotate = ServerAction::<RotateWorkspaceKey>::new();
    let pending = rotate.pending();
    let done = move || {
        rotate.value().get().and_then(Result::ok).map(|r| {
            i18n.texts()
                .team
                .rotate_key_done
                .with(r.rewrapped as i64, &[("v", &r.version.to_string())])
        })
    };
    view! {
        <section class="card">
            <h2>{move || i18n.texts().team.encryption_title}</h2>
            <p>{move || i18n.texts().team.encryption_intro}</p>
            <ErrorBanner error=Signal::derive(move || rotate.value().get().and_then(Result::err)) />
            {move || done().map(|text| view! { <div class="banner success" role="status">{text}</div> })}
            <button
                type="button"
                class="button"
                disabled=move || pending.get()
                aria-busy=move || pending.get().to_string()
                on:click=move |_| {
                    rotate.dispatch(RotateWorkspaceKey {});
                }
            >
                {move || if pending.get() { i18n.texts().team.rotating } else { i18n.texts().team.rotate_key_submit }}
            </button>
        </section>
    }
}
