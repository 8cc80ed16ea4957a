//! The team page's teams and record visibility: who is in which team, and whether
//! the department roles see every record or only their own and their teams'.

use crate::api::team::{CreateTeam, DeleteTeam, RenameTeam, SetRecordVisibility, SetTeamMembers};
use crate::i18n::{fill, use_i18n};
use crate::model::identity::TeamMember;
use crate::model::teams::{RecordVisibility, Team, TeamInput, TeamsOverview};
use crate::model::validation::FieldErrors;
use crate::ui::components::form::{
    action_error, field_errors, ErrorBanner, SubmitButton, TextField, ValidatedForm,
};
use leptos::prelude::*;
use uuid::Uuid;

#[derive(Clone, Copy)]
pub struct TeamsActions {
    pub visibility: ServerAction<SetRecordVisibility>,
    pub create: ServerAction<CreateTeam>,
    pub rename: ServerAction<RenameTeam>,
    pub members: ServerAction<SetTeamMembers>,
    pub delete: ServerAction<DeleteTeam>,
}

impl TeamsActions {
    pub fn new() -> Self {
        Self {
            visibility: ServerAction::new(),
            create: ServerAction::new(),
            rename: ServerAction::new(),
            members: ServerAction::new(),
            delete: ServerAction::new(),
        }
    }

    /// Changes a reload of the team page waits for.
    pub fn versions(self) -> [usize; 5] {
        [
            self.visibility.version().get(),
            self.create.version().get(),
            self.rename.version().get(),
            self.members.version().get(),
            self.delete.version().get(),
        ]
    }

    /// The latest failure of a change to one team.
    fn failed(self) -> Signal<Option<crate::AppError>> {
        let err = |v: Option<Result<(), crate::AppError>>| v.and_then(Result::err);
        Signal::derive(move || {
            err(self.rename.value().get())
                .or_else(|| err(self.members.value().get()))
                .or_else(|| err(self.delete.value().get()))
        })
    }
}

#[component]
pub fn TeamsSection(
    overview: TeamsOverview,
    people: Vec<TeamMember>,
    can_manage: bool,
    may_configure: bool,
    actions: TeamsActions,
) -> impl IntoView {
    let i18n = use_i18n();
    let people = StoredValue::new(people);
    let empty = overview.teams.is_empty();
    view! {
        <section class="card teams">
            <h2>{move || i18n.texts().team.teams_heading}</h2>
            <p>{move || i18n.texts().team.teams_intro}</p>
            {may_configure.then(|| view! { <VisibilityChoice current=overview.visibility save=actions.visibility /> })}
            <ErrorBanner error=actions.failed() />
            {empty.then(|| view! { <p class="empty-state">{move || i18n.texts().team.no_teams}</p> })}
            {overview
                .teams
                .into_iter()
                .map(|team| view! { <TeamCard team people=people.get_value() can_manage actions /> })
                .collect_view()}
            {can_manage.then(|| view! { <NewTeamForm create=actions.create /> })}
        </section>
    }
}

#[component]
fn VisibilityChoice(
    current: RecordVisibility,
    save: ServerAction<SetRecordVisibility>,
) -> impl IntoView {
    let i18n = use_i18n();
    let chosen = RwSignal::new(current);
    let saved = move || save.value().get().and_then(Result::ok);
    let label = move |v: RecordVisibility| match v {
        RecordVisibility::All => i18n.texts().team.visibility_all,
        RecordVisibility::Team => i18n.texts().team.visibility_team,
    };
    view! {
        <fieldset class="checkboxes visibility">
            <legend>{move || i18n.texts().team.visibility_label}</legend>
            {RecordVisibility::all().map(|v| view! {
                <label class="checkbox">
                    <input type="radio" name="record-visibility" value=v.code()
                        prop:checked=move || chosen.get() == v
                        on:change=move |_| chosen.set(v) />
                    {move || label(v)}
                </label>
            }).collect_view()}
            <p class="hint">{move || i18n.texts().team.visibility_hint}</p>
            <ErrorBanner error=action_error(save) />
            {move || saved().map(|_| view! { <div class="banner success" role="status">{move || i18n.texts().team.visibility_saved}</div> })}
            <button type="button" class="button" disabled=move || save.pending().get()
                on:click=move |_| { save.dispatch(SetRecordVisibility { visibility: chosen.get_untracked().code().to_owned() }); }>
                {move || i18n.texts().team.visibility_save}
            </button>
        </fieldset>
    }
}

#[component]
fn TeamCard(
    team: Team,
    people: Vec<TeamMember>,
    can_manage: bool,
    actions: TeamsActions,
) -> impl IntoView {
    let i18n = use_i18n();
    let Team { id, name, members } = team;
    let count = members.len() as i64;
    let chosen = RwSignal::new(members);
    let new_name = RwSignal::new(name.clone());
    let heading = name.clone();
    let data_team = name.clone();
    let on_delete = move |_| {
        let question = fill(i18n.texts().team.confirm_delete_team, &[("name", &name)]);
        if window().confirm_with_message(&question).unwrap_or(false) {
            actions.delete.dispatch(DeleteTeam { id });
        }
    };
    let member_boxes = people
        .into_iter()
        .map(|person| {
            let user = person.user_id;
            view! {
                <label class="checkbox">
                    <input type="checkbox" disabled=!can_manage
                        prop:checked=move || chosen.get().contains(&user)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            chosen.update(|ids: &mut Vec<Uuid>| {
                                ids.retain(|m| *m != user);
                                if on { ids.push(user); }
                            });
                        } />
                    {person.display_name}
                </label>
            }
        })
        .collect_view();
    view! {
        <article class="team-card" data-team=data_team>
            <h3>{heading} " · " <span class="muted">{move || i18n.texts().team.team_members.of(count)}</span></h3>
            {can_manage.then(|| view! {
                <div class="inline-form">
                    <input type="text" aria-label=move || i18n.texts().team.team_name maxlength="80"
                        prop:value=move || new_name.get()
                        on:input=move |ev| new_name.set(event_target_value(&ev)) />
                    <button type="button" class="button"
                        on:click=move |_| { actions.rename.dispatch(RenameTeam { id, input: TeamInput { name: new_name.get_untracked() } }); }>
                        {move || i18n.texts().team.rename_team}
                    </button>
                </div>
            })}
            <fieldset class="checkboxes team-members">
                <legend>{move || i18n.texts().team.members}</legend>
                {member_boxes}
            </fieldset>
            {can_manage.then(|| view! {
                <div class="actions">
                    <button type="button" class="button primary"
                        on:click=move |_| { actions.members.dispatch(SetTeamMembers { id, members: chosen.get_untracked() }); }>
                        {move || i18n.texts().team.team_members_save}
                    </button>
                    <button type="button" class="button danger" on:click=on_delete>
                        {move || i18n.texts().team.delete_team}
                    </button>
                </div>
            })}
        </article>
    }
}

#[component]
fn NewTeamForm(create: ServerAction<CreateTeam>) -> impl IntoView {
    let i18n = use_i18n();
    let client = RwSignal::new(FieldErrors::new());
    let errors = field_errors(create, client);
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if create.value().get().is_some_and(|r| r.is_ok()) {
            if let Some(form) = form.get() {
                form.reset();
            }
        }
    });
    view! {
        <h3>{move || i18n.texts().team.create_team}</h3>
        <ErrorBanner error=action_error(create) />
        <ValidatedForm action=create validate=|c: &CreateTeam| c.input.normalized().validate() client_errors=client class="inline-form" form_ref=form>
            <TextField name="input[name]" field="name" label=|t| t.team.team_name errors required=true autocomplete="off" />
            <SubmitButton action=create label=|t| t.team.create_team />
        </ValidatedForm>
    }
}
