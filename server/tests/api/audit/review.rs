//! Who reviews what: the DPO by name, the works council by pseudonym with four-eyes
//! re-identification, owners administration only, members their own actions.

use crate::helpers::{spawn_app, TestApp};
use app::api::audit::{
    ApproveReidentification, ListReidentifications, LoadAuditPage, LoadAuditSettings,
    RequestReidentification, UpdateAuditSettings, VerifyAuditLog,
};
use app::api::contacts::GetContact;
use app::model::audit::{AuditAction, AuditFilter, AuditPage, AuditScope, DataSubject};
use app::model::contacts::ContactAudit;
use app::model::identity::TeamAudit;
use app::AppError;
use reqwest::{Client, StatusCode};
use uuid::Uuid;

/// The log as `client`'s role may see it, optionally about one data subject.
async fn review(app: &TestApp, client: &Client, subject: Option<Uuid>) -> AuditPage {
    let filter = AuditFilter {
        subject,
        ..Default::default()
    };
    app.call(client, LoadAuditPage { filter }).await.ok()
}

const CONTACT_READ: AuditAction = AuditAction::Contact(ContactAudit::Read);

#[tokio::test]
async fn the_works_council_sees_pseudonyms_and_reidentification_needs_two_roles() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let seller = app
        .join(&owner, "vera@acme.example", "sales", "Vera Vertrieb")
        .await;
    let dpo = app
        .join(&owner, "dora@acme.example", "dpo", "Dora Datenschutz")
        .await;
    let council = app
        .join(
            &owner,
            "bernd@acme.example",
            "works_council",
            "Bernd Betriebsrat",
        )
        .await;
    let council2 = app
        .join(
            &owner,
            "berta@acme.example",
            "works_council",
            "Berta Betriebsrat",
        )
        .await;
    let contact = app
        .create_contact(&seller, "Kai", "Kunde", "kai@example.de")
        .await
        .ok()
        .id;
    app.call(&seller, GetContact { id: contact }).await.ok();
    let vera = app.me(&seller).await.user_id;
    // Reviewer roles count for re-identification after a week (four_eyes.rs).
    app.backdate_roles(8).await;

    // The DPO sees the employee by name for this customer.
    let dpo_view = review(&app, &dpo, Some(contact)).await;
    assert_eq!(dpo_view.scope, AuditScope::Full);
    let read = dpo_view
        .entries
        .iter()
        .find(|e| e.action == CONTACT_READ)
        .unwrap();
    assert_eq!(read.actor.as_deref(), Some("Vera Vertrieb"));
    assert_eq!(read.subjects[0].label.as_deref(), Some("Kunde, Kai"));
    let dora = app.me(&dpo).await.user_id;
    let viewings = app.audit_rows("audit.viewed").await;
    let (_, named) = viewings
        .iter()
        .rfind(|(actor, _)| *actor == Some(dora))
        .unwrap();
    assert!(
        named.contains(&contact),
        "the DPO's viewing names everyone the page named: {named:?}"
    );
    assert_eq!(
        read.subjects[0].kind,
        Some(DataSubject::Contact),
        "typed by the action"
    );

    // The works council sees the same entry with a pseudonym, and nothing that names her.
    let wc_view = review(&app, &council, None).await;
    assert_eq!(wc_view.scope, AuditScope::Pseudonymised);
    let text = serde_json::to_string(&wc_view).unwrap();
    assert!(
        !text.contains("Vera") && !text.contains(&vera.to_string()) && !text.contains("vera@"),
        "{text}"
    );
    let entry = wc_view
        .entries
        .iter()
        .find(|e| e.action == CONTACT_READ)
        .unwrap();
    let pseudonym = entry.actor.clone().unwrap();
    assert!(pseudonym.starts_with("P-"), "{pseudonym}");
    assert!(
        entry.subjects.is_empty(),
        "no customer names for the works council"
    );
    let again = review(&app, &council2, None).await;
    assert!(
        again
            .entries
            .iter()
            .any(|e| e.actor.as_deref() == Some(&pseudonym)),
        "pseudonyms are stable"
    );

    // Re-identification: a request alone reveals nothing, the same role cannot approve.
    let request = RequestReidentification {
        pseudonym: pseudonym.clone(),
        reason: "Verdacht auf Missbrauch laut Betriebsvereinbarung".into(),
    };
    app.call(&council, request).await.ok();
    let list = app.call(&council, ListReidentifications {}).await.ok();
    assert_eq!(list[0].revealed_name, None);
    let approve = ApproveReidentification { id: list[0].id };
    assert_eq!(
        app.call(&council, approve.clone()).await.err(),
        AppError::Forbidden,
        "not by the requester"
    );
    assert_eq!(
        app.call(&council2, approve.clone()).await.err(),
        AppError::Forbidden,
        "not by the same role"
    );
    assert_eq!(
        app.call(&seller, approve.clone()).await.err(),
        AppError::Forbidden
    );
    app.call(&dpo, approve).await.ok();
    let revealed = app.call(&council, ListReidentifications {}).await.ok();
    assert_eq!(revealed[0].revealed_name.as_deref(), Some("Vera Vertrieb"));
    for action in [
        "audit.reidentification_requested",
        "audit.reidentification_approved",
        "audit.reidentification_revealed",
    ] {
        assert_eq!(app.audit_rows(action).await.len(), 1, "{action}");
    }
    assert!(
        !app.audit_rows("audit.viewed").await.is_empty(),
        "viewing the log is logged"
    );
}

#[tokio::test]
async fn owners_see_administration_members_see_their_own_and_exports_are_for_the_dpo() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let seller = app
        .join(&owner, "vera@acme.example", "sales", "Vera Vertrieb")
        .await;
    let dpo = app
        .join(&owner, "dora@acme.example", "dpo", "Dora Datenschutz")
        .await;
    let id = app
        .create_contact(&seller, "Kai", "Kunde", "kai@example.de")
        .await
        .ok()
        .id;
    app.call(&owner, GetContact { id }).await.ok();

    let owner_view = review(&app, &owner, None).await;
    assert_eq!(owner_view.scope, AuditScope::Administrative);
    // The employer sees who did what as pseudonyms, never by name.
    let actors: Vec<&str> = owner_view
        .entries
        .iter()
        .filter_map(|e| e.actor.as_deref())
        .collect();
    assert!(!actors.is_empty());
    assert!(
        actors.iter().all(|a| a.starts_with("P-")),
        "an owner sees pseudonyms: {actors:?}"
    );
    let actions: Vec<AuditAction> = owner_view.entries.iter().map(|e| e.action).collect();
    assert!(actions.contains(&AuditAction::Team(TeamAudit::InvitationCreated)));
    assert!(
        !actions.contains(&CONTACT_READ)
            && !actions.contains(&AuditAction::Contact(ContactAudit::Create)),
        "{actions:?}"
    );

    let own = review(&app, &seller, None).await;
    assert_eq!(own.scope, AuditScope::Own);
    assert!(own
        .entries
        .iter()
        .all(|e| e.actor.as_deref() == Some("Vera Vertrieb")));

    let export = dpo
        .get(format!(
            "{}/audit/export?format=csv&purpose=data_subject_request&subject={id}",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), StatusCode::OK);
    let csv = export.text().await.unwrap();
    assert!(csv.starts_with("seq,at,actor,action"));
    assert!(
        csv.contains("contact.read") && csv.contains("Erika Mustermann"),
        "{csv}"
    );
    let export_entry = app.audit_rows("audit.exported").await;
    assert_eq!(export_entry.len(), 1);
    let denied = seller
        .get(format!(
            "{}/audit/export?format=json&purpose=data_subject_request",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    let body: AppError = denied.json().await.expect("the error contract");
    assert_eq!(
        body,
        AppError::Forbidden,
        "plain routes answer the same contract"
    );
    assert_eq!(
        app.call(&seller, VerifyAuditLog {}).await.err(),
        AppError::Forbidden
    );
    let verified = app.call(&dpo, VerifyAuditLog {}).await.ok();
    assert_eq!(verified.first_broken, None);
}

#[tokio::test]
async fn only_the_owner_changes_log_settings_and_the_change_is_logged() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let seller = app
        .join(&owner, "vera@acme.example", "sales", "Vera Vertrieb")
        .await;
    let settings = |retention_days| UpdateAuditSettings {
        retention_days,
        admins_see_all: true,
    };
    assert_eq!(
        app.call(&seller, settings(90)).await.err(),
        AppError::Forbidden
    );
    let too_short = app.call(&owner, settings(10)).await;
    assert_eq!(too_short.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.call(&owner, settings(90)).await.ok();
    assert_eq!(app.audit_rows("audit.settings_changed").await.len(), 1);
    let saved = app.call(&owner, LoadAuditSettings {}).await.ok();
    assert_eq!(saved.retention_days, 90);
    // The wider view is asked for, not granted (four_eyes.rs has the approvals).
    assert_eq!(app.audit_rows("audit.wider_view_requested").await.len(), 1);
    assert!(!saved.admins_see_all && saved.widening.is_some());
    let view = review(&app, &owner, None).await;
    assert_eq!(view.scope, AuditScope::Administrative);
    assert_eq!(
        app.call(&seller, LoadAuditSettings {}).await.err(),
        AppError::Forbidden
    );
}

#[tokio::test]
async fn a_date_at_the_end_of_the_calendar_is_refused_not_a_crash() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let dpo = app
        .join(&owner, "dora@acme.example", "dpo", "Dora Datenschutz")
        .await;
    for to in ["9999-12-31", "10000-01-01", "2026-02-30"] {
        let filter = AuditFilter {
            to: Some(to.into()),
            ..Default::default()
        };
        let page = app.call(&owner, LoadAuditPage { filter }).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{to}");
        assert_eq!(page.err(), AppError::BadRequest);
        let export = dpo
            .get(format!(
                "{}/audit/export?format=csv&purpose=data_subject_request&to={to}",
                app.address
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(export.status(), StatusCode::BAD_REQUEST, "{to}");
    }
    let filter = AuditFilter {
        to: Some("9999-12-30".into()),
        ..Default::default()
    };
    assert_eq!(
        app.call(&owner, LoadAuditPage { filter }).await.status,
        StatusCode::OK
    );
}
