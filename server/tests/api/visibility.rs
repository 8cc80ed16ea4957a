//! Teams and record visibility: with team visibility a sales user reaches only their
//! own, their team mates' and unowned records — by id, in lists, search, the palette,
//! timelines, tasks and exports — and cannot hand a record outside their teams.

use crate::helpers::{spawn_app, TestApp};
use app::api::contacts::{
    CreateContact, DeleteContact, GetContact, ListContacts, PatchContact, UpdateContact,
};
use app::api::organisations::GetOrganisation;
use app::api::palette::PaletteSearch;
use app::api::tasks::{CreateTask, ListTasks};
use app::api::team::{
    CreateTeam, DeleteTeam, LoadTeam, RenameTeam, SetRecordVisibility, SetTeamMembers,
};
use app::api::timeline::{GetInteraction, ListTimeline, LogInteraction};
use app::model::contacts::{ContactInput, ContactPatch};
use app::model::organisations::OrganisationInput;
use app::model::tasks::{TaskInput, TaskListQuery, TaskOwner};
use app::model::teams::{RecordVisibility, TeamInput};
use app::model::timeline::{InteractionInput, InteractionKind, TimelineQuery};
use app::model::validation::Problem;
use app::AppError;
use reqwest::{Client, StatusCode};
use uuid::Uuid;

async fn contact_owned_by(app: &TestApp, by: &Client, last: &str, owner: Option<Uuid>) -> Uuid {
    let input = ContactInput {
        first_name: "Kim".into(),
        last_name: last.into(),
        owner_id: owner,
        ..Default::default()
    };
    let confirmed = false;
    app.call(by, CreateContact { input, confirmed })
        .await
        .ok()
        .id
}

async fn team_of(app: &TestApp, owner: &Client, name: &str, members: Vec<Uuid>) -> Uuid {
    let input = TeamInput { name: name.into() };
    let id = app.call(owner, CreateTeam { input }).await.ok().id;
    app.call(owner, SetTeamMembers { id, members }).await.ok();
    id
}

async fn listed_names(app: &TestApp, client: &Client, q: &str) -> Vec<String> {
    let query = app::model::contacts::ContactListQuery {
        q: q.into(),
        ..Default::default()
    };
    let mut names: Vec<String> = app
        .call(client, ListContacts { query })
        .await
        .ok()
        .items
        .into_iter()
        .map(|c| c.last_name)
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_sales_user_of_team_a_cannot_reach_team_b_records_through_any_adapter() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let anna = app.join(&owner, "anna@acme.example", "sales", "Anna").await;
    let alex = app.join(&owner, "alex@acme.example", "sales", "Alex").await;
    let bert = app.join(&owner, "bert@acme.example", "sales", "Bert").await;
    let (anna_id, alex_id, bert_id) = (
        app.me(&anna).await.user_id,
        app.me(&alex).await.user_id,
        app.me(&bert).await.user_id,
    );
    team_of(&app, &owner, "Nord", vec![anna_id, alex_id]).await;
    team_of(&app, &owner, "Süd", vec![bert_id]).await;

    let mine = contact_owned_by(&app, &owner, "Annakunde", Some(anna_id)).await;
    let mates = contact_owned_by(&app, &owner, "Alexkunde", Some(alex_id)).await;
    let theirs = contact_owned_by(&app, &owner, "Bertkunde", Some(bert_id)).await;
    let pool = contact_owned_by(&app, &owner, "Poolkunde", None).await;
    let org_input = OrganisationInput {
        name: "Bert Bau GmbH".into(),
        owner_id: Some(bert_id),
        ..Default::default()
    };
    let confirmed = false;
    let their_org = app
        .call(
            &owner,
            app::api::organisations::CreateOrganisation {
                input: org_input,
                confirmed,
            },
        )
        .await
        .ok()
        .id;
    let note = InteractionInput {
        kind: InteractionKind::Note,
        body: "Rabatt für Bertkunde".into(),
        contact_ids: vec![theirs],
        ..Default::default()
    };
    let their_note = app
        .call(&owner, LogInteraction { input: note })
        .await
        .ok()
        .id;
    let task = TaskInput {
        title: "Bertkunde anrufen".into(),
        assignee_id: Some(anna_id),
        contact_id: Some(theirs),
        ..Default::default()
    };
    app.call(&owner, CreateTask { input: task }).await.ok();

    // Everyone sees everything until the workspace switches to team visibility.
    assert_eq!(listed_names(&app, &anna, "").await.len(), 4);
    let by_sales = app
        .call(
            &anna,
            SetRecordVisibility {
                visibility: "team".into(),
            },
        )
        .await;
    assert_eq!(by_sales.err(), AppError::Forbidden);
    app.call(
        &owner,
        SetRecordVisibility {
            visibility: "team".into(),
        },
    )
    .await
    .ok();
    assert_eq!(
        app.call(&owner, LoadTeam {}).await.ok().teams.visibility,
        RecordVisibility::Team
    );

    // Lists and search: own, team mate's and unowned records only.
    assert_eq!(
        listed_names(&app, &anna, "").await,
        ["Alexkunde", "Annakunde", "Poolkunde"]
    );
    assert!(listed_names(&app, &anna, "Bertkunde").await.is_empty());
    assert_eq!(
        listed_names(&app, &bert, "").await,
        ["Bertkunde", "Poolkunde"]
    );
    assert_eq!(listed_names(&app, &owner, "").await.len(), 4);

    // By id, through every server function that takes one.
    for id in [mine, mates, pool] {
        app.call(&anna, GetContact { id }).await.ok();
    }
    assert_eq!(
        app.call(&anna, GetContact { id: theirs }).await.err(),
        AppError::NotFound
    );
    let org = app.call(&anna, GetOrganisation { id: their_org }).await;
    assert_eq!(org.err(), AppError::NotFound);
    let patch = ContactPatch::Notes("übernommen".into());
    let patched = app
        .call(
            &anna,
            PatchContact {
                id: theirs,
                version: 1,
                change: patch,
            },
        )
        .await;
    assert_eq!(patched.err(), AppError::NotFound);
    let update = UpdateContact {
        id: theirs,
        version: 1,
        input: ContactInput {
            first_name: "X".into(),
            last_name: "Y".into(),
            ..Default::default()
        },
    };
    assert_eq!(app.call(&anna, update).await.err(), AppError::NotFound);
    assert_eq!(
        app.call(&anna, DeleteContact { id: theirs }).await.err(),
        AppError::NotFound
    );
    let timeline = ListTimeline {
        query: TimelineQuery::for_record(theirs),
    };
    assert_eq!(app.call(&anna, timeline).await.err(), AppError::NotFound);
    let entry = GetInteraction { id: their_note };
    assert_eq!(app.call(&anna, entry).await.err(), AppError::NotFound);
    let tasks = ListTasks {
        query: TaskListQuery {
            owner: TaskOwner::Record(theirs),
            ..Default::default()
        },
    };
    assert!(app.call(&anna, tasks).await.ok().items.is_empty());
    let my_tasks = ListTasks {
        query: TaskListQuery::default(),
    };
    assert!(app.call(&anna, my_tasks).await.ok().items.is_empty());

    // The palette and the export.
    let hits = app
        .call(&anna, PaletteSearch { q: "Bert".into() })
        .await
        .ok();
    assert!(
        hits.contacts.is_empty() && hits.organisations.is_empty(),
        "{hits:?}"
    );
    let hits = app
        .call(&bert, PaletteSearch { q: "Bert".into() })
        .await
        .ok();
    assert_eq!(hits.contacts.len(), 1);
    assert_eq!(hits.organisations.len(), 1);
    let csv = anna
        .get(format!(
            "{}/exports/contacts.csv?purpose=customer_mailing",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let csv = csv.text().await.unwrap();
    assert!(
        csv.contains("Annakunde") && csv.contains("Poolkunde"),
        "{csv}"
    );
    assert!(!csv.contains("Bertkunde"), "{csv}");

    // Records go only to oneself, team mates or nobody.
    let outside = ContactPatch::Owner(Some(bert_id));
    let given = app
        .call(
            &anna,
            PatchContact {
                id: mine,
                version: 1,
                change: outside,
            },
        )
        .await;
    assert_eq!(
        given.err(),
        AppError::Validation(app::model::validation::FieldErrors::single(
            "owner_id",
            Problem::OutsideYourTeams
        ))
    );
    let input = ContactInput {
        first_name: "Neu".into(),
        last_name: "Kundin".into(),
        owner_id: Some(bert_id),
        ..Default::default()
    };
    let created = app.call(&anna, CreateContact { input, confirmed }).await;
    assert_eq!(created.status, StatusCode::UNPROCESSABLE_ENTITY);
    let to_mate = ContactPatch::Owner(Some(alex_id));
    app.call(
        &anna,
        PatchContact {
            id: mine,
            version: 1,
            change: to_mate,
        },
    )
    .await
    .ok();

    // Leaving the team ends the view of the team mate's records on the next request.
    let teams = app.call(&owner, LoadTeam {}).await.ok().teams.teams;
    let nord = teams.iter().find(|t| t.name == "Nord").unwrap().id;
    app.call(
        &owner,
        SetTeamMembers {
            id: nord,
            members: vec![anna_id],
        },
    )
    .await
    .ok();
    assert_eq!(listed_names(&app, &anna, "").await, ["Poolkunde"]);
    app.call(
        &owner,
        SetRecordVisibility {
            visibility: "all".into(),
        },
    )
    .await
    .ok();
    assert_eq!(listed_names(&app, &anna, "").await.len(), 4);
}

#[tokio::test]
async fn teams_are_named_once_managed_by_admins_and_audited() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let sales = app.join(&owner, "sam@acme.example", "sales", "Sam").await;
    let sam = app.me(&sales).await.user_id;

    let blank = CreateTeam {
        input: TeamInput { name: "  ".into() },
    };
    assert_eq!(
        app.call(&owner, blank).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let by_sales = CreateTeam {
        input: TeamInput {
            name: "Nord".into(),
        },
    };
    assert_eq!(app.call(&sales, by_sales).await.err(), AppError::Forbidden);
    let nord = team_of(&app, &owner, "Nord", vec![sam]).await;
    let twice = CreateTeam {
        input: TeamInput {
            name: "nord".into(),
        },
    };
    assert_eq!(
        app.call(&owner, twice).await.err(),
        AppError::Validation(app::model::validation::FieldErrors::single(
            "name",
            Problem::NameTaken
        ))
    );
    let stranger = SetTeamMembers {
        id: nord,
        members: vec![Uuid::now_v7()],
    };
    assert_eq!(
        app.call(&owner, stranger).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let rename = RenameTeam {
        id: nord,
        input: TeamInput {
            name: "Nord-Ost".into(),
        },
    };
    app.call(&owner, rename).await.ok();

    let teams = app.call(&sales, LoadTeam {}).await.ok().teams.teams;
    assert_eq!(teams.len(), 1);
    assert_eq!(
        (teams[0].name.as_str(), teams[0].members.as_slice()),
        ("Nord-Ost", &[sam][..])
    );
    assert_eq!(app.audit_rows("team.team_created").await.len(), 1);
    assert_eq!(
        app.audit_rows("team.team_members_changed").await[0].1,
        [sam]
    );

    app.call(&owner, DeleteTeam { id: nord }).await.ok();
    assert!(app
        .call(&owner, LoadTeam {})
        .await
        .ok()
        .teams
        .teams
        .is_empty());
    assert_eq!(app.audit_rows("team.team_deleted").await[0].1, [sam]);
    assert_eq!(
        app.call(&owner, DeleteTeam { id: nord }).await.err(),
        AppError::NotFound
    );
}
