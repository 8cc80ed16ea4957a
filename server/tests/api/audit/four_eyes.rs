//! Four-eyes re-identification held by the database (issue 8, finding 5): reviewer
//! roles count only after a week in which the other reviewers see them, a request is
//! approved once, by the other role, within its time, and the log names whose
//! identity was revealed under which request.

use super::tenant_id;
use crate::helpers::{spawn_app, TestApp};
use app::api::audit::{
    ApproveReidentification, ApproveWiderView, ListReidentifications, LoadAuditPage,
    LoadAuditSettings, NarrowAuditView, RequestReidentification, UpdateAuditSettings,
};
use app::api::team::ChangeRole;
use app::backend::audit::pseudonyms::Pseudonyms;
use app::backend::crypto::KeyStore;
use app::backend::tenancy::begin_for_tenant;
use app::model::audit::{AuditAction, AuditFilter, AuditPage, AuditScope, ReviewAudit};
use app::model::identity::Role;
use app::model::validation::Problem;
use app::AppError;
use reqwest::Client;
use uuid::Uuid;

async fn pseudonym_of(app: &TestApp, user: Uuid) -> String {
    let store = KeyStore::new(app.config.key_ring().unwrap());
    let tenant = tenant_id(app).await;
    let mut tx = begin_for_tenant(&app.db.app, tenant).await.unwrap();
    Pseudonyms::load(&mut tx, &store, tenant)
        .await
        .unwrap()
        .of(user)
}

async fn page(app: &TestApp, client: &Client) -> AuditPage {
    let filter = AuditFilter::default();
    app.call(client, LoadAuditPage { filter }).await.ok()
}

fn request(pseudonym: &str) -> RequestReidentification {
    RequestReidentification {
        pseudonym: pseudonym.into(),
        reason: "Verdacht auf unberechtigte Exporte".into(),
    }
}

/// Asks as `client` and returns the new request's id (the newest of theirs).
async fn ask(app: &TestApp, client: &Client, pseudonym: &str) -> Uuid {
    app.call(client, request(pseudonym)).await.ok();
    let list = app.call(client, ListReidentifications {}).await.ok();
    list.iter().find(|r| r.requested_by_me).unwrap().id
}

/// A workspace with a seller (Vera) and established reviewers: a works council
/// member and a DPO, each in the role for a month.
struct Workspace {
    app: TestApp,
    owner: Client,
    vera: Uuid,
    council: Client,
    dpo: Client,
    /// Vera's pseudonym, whom the tests try to reveal.
    target: String,
}

async fn workspace() -> Workspace {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let seller = app
        .join(&owner, "vera@acme.example", "sales", "Vera Vertrieb")
        .await;
    let vera = app.me(&seller).await.user_id;
    let council = app
        .join(
            &owner,
            "bernd@acme.example",
            "works_council",
            "Bernd Betriebsrat",
        )
        .await;
    let dpo = app
        .join(&owner, "dora@acme.example", "dpo", "Dora Datenschutz")
        .await;
    app.backdate_roles(30).await;
    let target = pseudonym_of(&app, vera).await;
    Workspace {
        app,
        owner,
        vera,
        council,
        dpo,
        target,
    }
}

fn too_new(err: AppError) -> bool {
    matches!(err, AppError::Validation(e)
        if matches!(e.0[0].problem, Problem::ReviewerRoleTooNew { days_left: 7 }))
}

#[tokio::test]
async fn an_owner_with_aliases_in_both_reviewer_roles_reveals_nobody_before_the_reviewers_see_them()
{
    let Workspace {
        app,
        owner,
        council,
        dpo,
        target,
        ..
    } = workspace().await;

    // The owner gives both reviewer roles to accounts they control.
    let alias_wc = app
        .join(
            &owner,
            "ich-als-br@acme.example",
            "works_council",
            "Anna Alias",
        )
        .await;
    let alias_dpo = app
        .join(&owner, "ich-als-dsb@acme.example", "dpo", "Otto Alias")
        .await;
    let err = app.call(&alias_wc, request(&target)).await.err();
    assert!(too_new(err.clone()), "{err:?}");
    // The real DPO asks; the alias of the other role may not approve yet.
    app.call(&dpo, request(&target)).await.ok();
    let open = app.call(&alias_wc, ListReidentifications {}).await.ok();
    let approve = ApproveReidentification { id: open[0].id };
    let err = app.call(&alias_wc, approve.clone()).await.err();
    assert!(too_new(err.clone()), "{err:?}");
    // Nor can the alias's DPO ask and the alias's council approve.
    assert!(too_new(app.call(&alias_dpo, request(&target)).await.err()));

    // Meanwhile both real reviewers see who entered their roles.
    let alias_wc_id = app.me(&alias_wc).await.user_id;
    let wc_page = page(&app, &council).await;
    let seen: Vec<(String, Option<Role>)> = wc_page
        .reviewer_role_changes
        .iter()
        .map(|c| (c.employee.clone(), c.new_role))
        .collect();
    assert!(
        seen.contains(&(
            pseudonym_of(&app, alias_wc_id).await,
            Some(Role::WorksCouncil)
        )),
        "the works council sees the new member by pseudonym: {seen:?}"
    );
    let dpo_page = page(&app, &dpo).await;
    let named: Vec<&str> = dpo_page
        .reviewer_role_changes
        .iter()
        .map(|c| c.employee.as_str())
        .collect();
    assert!(
        named.contains(&"Anna Alias") && named.contains(&"Otto Alias"),
        "the DPO sees them by name: {named:?}"
    );
    assert!(
        dpo_page.reviewer_role_changes.iter().all(|c| c
            .in_force_from
            .is_some_and(|from| from > c.at + time::Duration::days(6))),
        "each says when it starts to count"
    );
    let owner_page = page(&app, &owner).await;
    assert!(owner_page.reviewer_role_changes.is_empty(), "for reviewers");

    // Giving an established reviewer's role away and back restarts the week.
    let bernd = app.me(&council).await.user_id;
    for role in ["member", "works_council"] {
        let change = ChangeRole {
            user_id: bernd,
            role: role.into(),
        };
        app.call(&owner, change).await.ok();
    }
    let err = app.call(&council, approve.clone()).await.err();
    assert!(too_new(err.clone()), "{err:?}");

    // Nothing was revealed to anyone.
    assert!(app
        .audit_rows("audit.reidentification_approved")
        .await
        .is_empty());
}

#[tokio::test]
async fn a_requester_who_leaves_the_role_sees_no_name_and_the_log_names_whom_and_which_request() {
    let Workspace {
        app,
        owner,
        vera,
        council,
        dpo,
        target,
    } = workspace().await;

    let id = ask(&app, &council, &target).await;
    let approve = ApproveReidentification { id };
    app.call(&dpo, approve.clone()).await.ok();
    assert_eq!(
        app.call(&dpo, approve).await.err(),
        AppError::Conflict,
        "approved once"
    );
    let list = app.call(&council, ListReidentifications {}).await.ok();
    assert_eq!(list[0].revealed_name.as_deref(), Some("Vera Vertrieb"));
    let lasts = list[0].open_until - list[0].requested_at;
    assert!(lasts <= time::Duration::hours(24) + time::Duration::minutes(1));

    // Each step names the employee and the request; the DPO sees whose identity it was.
    for action in [
        "audit.reidentification_requested",
        "audit.reidentification_approved",
        "audit.reidentification_revealed",
    ] {
        let rows = app.audit_rows(action).await;
        assert_eq!(rows.len(), 1, "{action}");
        assert_eq!(rows[0].1, vec![vera, id], "{action}");
    }
    let dpo_page = page(&app, &dpo).await;
    let revealed = dpo_page
        .entries
        .iter()
        .find(|e| e.action == AuditAction::Audit(ReviewAudit::ReidentificationRevealed))
        .unwrap();
    assert_eq!(revealed.subjects[0].label.as_deref(), Some("Vera Vertrieb"));
    assert_eq!(revealed.subjects[1].id, id);
    let wc_page = page(&app, &council).await;
    assert!(
        wc_page.entries.iter().all(|e| e.subjects.is_empty()),
        "the works council's log names nobody"
    );

    // A requester who leaves the works council before the approval gets none.
    let pending = ask(&app, &council, &target).await;
    let bernd = app.me(&council).await.user_id;
    let change = ChangeRole {
        user_id: bernd,
        role: "member".into(),
    };
    app.call(&owner, change).await.ok();
    let err = app
        .call(&dpo, ApproveReidentification { id: pending })
        .await
        .err();
    assert_eq!(err, AppError::Forbidden);
    let err = app.call(&council, ListReidentifications {}).await.err();
    assert_eq!(err, AppError::Forbidden, "a member reviews nothing");
}

/// The application role itself, bypassing the service, cannot break the rules.
#[tokio::test]
async fn the_database_refuses_approvals_the_service_would_refuse() {
    let Workspace {
        app,
        owner,
        vera,
        council,
        dpo,
        target,
    } = workspace().await;
    let council2 = app
        .join(
            &owner,
            "berta@acme.example",
            "works_council",
            "Berta Betriebsrat",
        )
        .await;
    app.backdate_roles(30).await;
    let (bernd, berta, dora) = (
        app.me(&council).await.user_id,
        app.me(&council2).await.user_id,
        app.me(&dpo).await.user_id,
    );
    let id = ask(&app, &council, &target).await;
    let tenant = tenant_id(&app).await;

    let attempt = |sql: &'static str, who: Uuid| {
        let pool = app.db.app.clone();
        async move {
            let mut tx = begin_for_tenant(&pool, tenant).await.unwrap();
            match sqlx::query(sql).bind(id).bind(who).execute(&mut *tx).await {
                Ok(_) => {
                    tx.commit().await.unwrap();
                    String::new()
                }
                Err(e) => e.to_string(),
            }
        }
    };
    let approve = "UPDATE reidentification_requests SET approved_by = $2 WHERE request_id = $1";
    for (who, why) in [
        (bernd, "the requester"),
        (berta, "the requester's own role"),
        (vera, "no reviewer"),
    ] {
        let refused = attempt(approve, who).await;
        assert!(
            refused.contains("needs the other reviewer role"),
            "{why}: {refused}"
        );
    }
    let forged = "UPDATE reidentification_requests SET approved_by = $2, pseudonym = 'P-0000' WHERE request_id = $1";
    let refused = attempt(forged, dora).await;
    assert!(refused.contains("only ever approved"), "{refused}");
    let forever = "UPDATE reidentification_requests SET approved_by = $2, expires_at = 'infinity' WHERE request_id = $1";
    assert_eq!(
        attempt(forever, dora).await,
        "",
        "allowed, but not for ever:"
    );
    let expires: (time::OffsetDateTime, time::OffsetDateTime) = sqlx::query_as(
        "SELECT approved_at, expires_at FROM reidentification_requests WHERE request_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db.superuser)
    .await
    .unwrap();
    assert_eq!(
        expires.1 - expires.0,
        time::Duration::hours(24),
        "the database sets the 24 hours"
    );
    let again = attempt(approve, dora).await;
    assert!(again.contains("approved once"), "{again}");

    // A request that waited more than a week is refused, by the service and the database.
    let late = ask(&app, &council, &target).await;
    sqlx::query("UPDATE reidentification_requests SET created_at = now() - interval '8 days' WHERE request_id = $1")
        .bind(late)
        .execute(&app.db.superuser)
        .await
        .unwrap();
    let err = app
        .call(&dpo, ApproveReidentification { id: late })
        .await
        .err();
    assert!(
        matches!(&err, AppError::Validation(e) if e.0[0].problem == Problem::RequestExpired),
        "{err:?}"
    );
    let mut tx = begin_for_tenant(&app.db.app, tenant).await.unwrap();
    let refused = sqlx::query(approve)
        .bind(late)
        .bind(dora)
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("expired unapproved"),
        "{refused}"
    );
    drop(tx);

    // Nor can the application role backdate anyone's role.
    let mut tx = begin_for_tenant(&app.db.app, tenant).await.unwrap();
    let backdated = sqlx::query("UPDATE users SET role_since = now() - interval '1 year'")
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert!(
        backdated.to_string().contains("kept by the database"),
        "{backdated}"
    );
}

/// The employer's wider view of the log (finding 6): the owner asks, a DPO and a works
/// council member approve, and only then do owners see the pseudonymised full log.
#[tokio::test]
async fn the_owners_wider_view_needs_the_dpo_and_the_works_council_and_either_ends_it() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let council = app
        .join(
            &owner,
            "bernd@acme.example",
            "works_council",
            "Bernd Betriebsrat",
        )
        .await;
    let dpo = app
        .join(&owner, "dora@acme.example", "dpo", "Dora Datenschutz")
        .await;
    let widen = UpdateAuditSettings {
        retention_days: 365,
        admins_see_all: true,
    };
    app.call(&owner, widen.clone()).await.ok();
    assert_eq!(
        page(&app, &owner).await.scope,
        AuditScope::Administrative,
        "asked, not granted"
    );
    let seen = app.call(&dpo, LoadAuditSettings {}).await.ok();
    let request = seen
        .widening
        .clone()
        .expect("the reviewers see the request");
    assert!(!request.dpo_approved && !request.works_council_approved);
    assert!(
        !seen.may_approve,
        "not within the week's notice of the role"
    );
    assert!(too_new(app.call(&dpo, ApproveWiderView {}).await.err()));

    app.backdate_roles(30).await;
    assert_eq!(
        app.call(&owner, ApproveWiderView {}).await.err(),
        AppError::Forbidden,
        "not by the owner"
    );
    app.call(&dpo, ApproveWiderView {}).await.ok();
    assert_eq!(
        app.call(&dpo, ApproveWiderView {}).await.err(),
        AppError::Conflict,
        "one approval per role"
    );
    assert_eq!(
        page(&app, &owner).await.scope,
        AuditScope::Administrative,
        "one role is not enough"
    );
    app.call(&council, ApproveWiderView {}).await.ok();
    let owner_view = page(&app, &owner).await;
    assert_eq!(owner_view.scope, AuditScope::Pseudonymised);
    assert!(owner_view
        .entries
        .iter()
        .filter_map(|e| e.actor.as_deref())
        .all(|a| a.starts_with("P-")));
    for action in ["audit.wider_view_requested", "audit.wider_view_approved"] {
        let rows = app.audit_rows(action).await;
        assert!(!rows.is_empty(), "{action}");
    }
    assert_eq!(app.audit_rows("audit.wider_view_approved").await.len(), 2);

    // The works council alone switches it off again, at once.
    app.call(&council, NarrowAuditView {}).await.ok();
    assert_eq!(page(&app, &owner).await.scope, AuditScope::Administrative);

    // And the application role cannot switch it on without both approvals.
    let tenant = tenant_id(&app).await;
    let mut tx = begin_for_tenant(&app.db.app, tenant).await.unwrap();
    let refused = sqlx::query("UPDATE audit_settings SET admins_see_all = true")
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("needs the approval"),
        "{refused}"
    );
    drop(tx);
    let owner_id = app.me(&owner).await.user_id;
    let mut tx = begin_for_tenant(&app.db.app, tenant).await.unwrap();
    let forged = sqlx::query(
        "UPDATE audit_settings SET widening_requested_by = $1, widening_dpo_approved_by = $1",
    )
    .bind(owner_id)
    .execute(&mut *tx)
    .await
    .unwrap_err();
    assert!(forged.to_string().contains("starts unapproved"), "{forged}");
}
