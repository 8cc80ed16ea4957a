//! Who reviews what: the DPO by name, the works council by pseudonym with four-eyes
//! re-identification, owners administration only, members their own actions.

use crate::helpers::{id_of, spawn_app};
use reqwest::StatusCode;

#[tokio::test]
async fn the_works_council_sees_pseudonyms_and_reidentification_needs_two_roles() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let seller = app
        .join(&owner, "vera@acme.example", "member", "Vera Vertrieb")
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
    let contact = id_of(
        &app.create_contact(&seller, "Kai", "Kunde", "kai@example.de")
            .await
            .body,
    );
    app.rpc(&seller, "contacts/get", &[("id", &contact)]).await;
    let vera: String = app.rpc(&seller, "me", &[]).await.body["user_id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The DPO sees the employee by name for this customer.
    let dpo_view = app
        .rpc(
            &dpo,
            "audit/page",
            &[("filter[subject]", &contact), ("filter[own]", "false")],
        )
        .await;
    assert_eq!(dpo_view.status, StatusCode::OK, "{:?}", dpo_view.body);
    assert_eq!(dpo_view.body["scope"], "Full");
    let read = dpo_view.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "contact.read")
        .unwrap();
    assert_eq!(read["actor"], "Vera Vertrieb");
    assert_eq!(read["subjects"][0]["label"], "Kunde, Kai");

    // The works council sees the same entry with a pseudonym, and nothing that names her.
    let wc_view = app
        .rpc(&council, "audit/page", &[("filter[own]", "false")])
        .await;
    assert_eq!(wc_view.body["scope"], "Pseudonymised");
    let text = wc_view.body.to_string();
    assert!(
        !text.contains("Vera") && !text.contains(&vera) && !text.contains("vera@"),
        "{text}"
    );
    let entry = wc_view.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "contact.read")
        .unwrap();
    let pseudonym = entry["actor"].as_str().unwrap().to_owned();
    assert!(pseudonym.starts_with("P-"), "{pseudonym}");
    assert_eq!(
        entry["subjects"],
        serde_json::json!([]),
        "no customer names for the works council"
    );
    let again = app
        .rpc(&council2, "audit/page", &[("filter[own]", "false")])
        .await;
    assert!(
        again.body.to_string().contains(&pseudonym),
        "pseudonyms are stable"
    );

    // Re-identification: a request alone reveals nothing, the same role cannot approve.
    let request = app
        .rpc(
            &council,
            "audit/reidentify/request",
            &[
                ("pseudonym", &pseudonym),
                (
                    "reason",
                    "Verdacht auf Missbrauch laut Betriebsvereinbarung",
                ),
            ],
        )
        .await;
    assert_eq!(request.status, StatusCode::OK, "{:?}", request.body);
    let list = app.rpc(&council, "audit/reidentify/list", &[]).await;
    let req = &list.body[0];
    assert_eq!(req["revealed_name"], serde_json::Value::Null);
    let id = req["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.rpc(&council, "audit/reidentify/approve", &[("id", &id)])
            .await
            .status,
        StatusCode::FORBIDDEN,
        "not by the requester"
    );
    assert_eq!(
        app.rpc(&council2, "audit/reidentify/approve", &[("id", &id)])
            .await
            .status,
        StatusCode::FORBIDDEN,
        "not by the same role"
    );
    assert_eq!(
        app.rpc(&seller, "audit/reidentify/approve", &[("id", &id)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.rpc(&dpo, "audit/reidentify/approve", &[("id", &id)])
            .await
            .status,
        StatusCode::OK
    );
    let revealed = app.rpc(&council, "audit/reidentify/list", &[]).await;
    assert_eq!(revealed.body[0]["revealed_name"], "Vera Vertrieb");
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
        .join(&owner, "vera@acme.example", "member", "Vera Vertrieb")
        .await;
    let dpo = app
        .join(&owner, "dora@acme.example", "dpo", "Dora Datenschutz")
        .await;
    let id = id_of(
        &app.create_contact(&seller, "Kai", "Kunde", "kai@example.de")
            .await
            .body,
    );
    app.rpc(&owner, "contacts/get", &[("id", &id)]).await;

    let owner_view = app
        .rpc(&owner, "audit/page", &[("filter[own]", "false")])
        .await;
    assert_eq!(owner_view.body["scope"], "Administrative");
    let actions: Vec<&str> = owner_view.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"team.invitation_created"));
    assert!(
        !actions.contains(&"contact.read") && !actions.contains(&"contact.create"),
        "{actions:?}"
    );

    let own = app
        .rpc(&seller, "audit/page", &[("filter[own]", "false")])
        .await;
    assert_eq!(own.body["scope"], "Own");
    assert!(own.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor"] == "Vera Vertrieb"));

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
    assert_eq!(
        app.rpc(&seller, "audit/verify", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let verified = app.rpc(&dpo, "audit/verify", &[]).await;
    assert_eq!(verified.body["first_broken"], serde_json::Value::Null);
}

#[tokio::test]
async fn only_the_owner_changes_log_settings_and_the_change_is_logged() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let seller = app
        .join(&owner, "vera@acme.example", "member", "Vera Vertrieb")
        .await;
    let settings = |days: &'static str| [("retention_days", days), ("admins_see_all", "true")];
    assert_eq!(
        app.rpc(&seller, "audit/settings", &settings("90"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.rpc(&owner, "audit/settings", &settings("10"))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.rpc(&owner, "audit/settings", &settings("90"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(app.audit_rows("audit.settings_changed").await.len(), 1);
    let view = app
        .rpc(&owner, "audit/page", &[("filter[own]", "false")])
        .await;
    assert_eq!(view.body["scope"], "Full", "owners now see the whole log");
}
