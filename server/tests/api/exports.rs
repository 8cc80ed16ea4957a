//! Exports of filtered lists: CSV that Excel reads (BOM, `;`, no formulas) and vCard,
//! each with its purpose in the audit log.

use crate::helpers::{client, email_list, spawn_app};
use app::api::contacts::CreateContact;
use app::model::contacts::{ContactInput, LifecycleStage};
use reqwest::StatusCode;

#[tokio::test]
async fn a_filtered_list_exports_as_excel_csv_and_vcard_with_a_purpose() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let org = app
        .create_organisation(&c, "Müller Maschinenbau GmbH")
        .await;
    for (first, last, stage, position) in [
        (
            "Jörg",
            "Weiß",
            LifecycleStage::Customer,
            "=HYPERLINK(\"http://evil.example\")",
        ),
        ("Käthe", "Groß", LifecycleStage::Customer, "Einkauf"),
        ("Lea", "Lead", LifecycleStage::Lead, "Vertrieb"),
    ] {
        let input = ContactInput {
            first_name: first.into(),
            last_name: last.into(),
            emails: email_list(&format!("{}@example.de", first.to_lowercase())),
            organisation_id: Some(org),
            position: position.into(),
            stage,
            ..Default::default()
        };
        app.call(
            &c,
            CreateContact {
                input,
                confirmed: false,
            },
        )
        .await
        .ok();
    }
    let url = |file: &str, params: &str| format!("{}/exports/{file}?{params}", app.address);
    let csv = c
        .get(url(
            "contacts.csv",
            "stage=customer&purpose=customer_mailing",
        ))
        .header("accept-language", "de-DE")
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let bytes = csv.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "header and the two customers: {text}");
    assert!(
        lines[0].starts_with("Anrede;Titel;Vorname;Nachname;E-Mail"),
        "{}",
        lines[0]
    );
    assert!(text.contains("Käthe;Groß;käthe@example.de"), "{text}");
    assert!(
        text.contains("'=HYPERLINK"),
        "the formula is neutralised: {text}"
    );
    assert!(!text.contains(";=HYPERLINK"));
    assert!(text.contains("Müller Maschinenbau GmbH;"));
    assert!(!text.contains("Lead"), "the filter applies");

    let exports = app.audit_rows("contact.export").await;
    assert_eq!(exports[0].1.len(), 2);
    let purpose: Option<String> =
        sqlx::query_scalar("SELECT purpose FROM audit_log WHERE action = 'contact.export'")
            .fetch_one(app.seal_audit().await)
            .await
            .unwrap();
    assert_eq!(purpose.as_deref(), Some("customer_mailing"));

    let cards = c
        .get(url("contacts.vcf", "q=weiß&purpose=system_transfer"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(cards.matches("BEGIN:VCARD").count(), 1, "{cards}");
    assert!(cards.contains("N:Weiß;Jörg;;;"));
    assert!(cards.contains("ORG:Müller Maschinenbau GmbH"));

    let orgs = c
        .get(url("organisations.csv", "purpose=reporting"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(orgs.contains("Müller Maschinenbau GmbH"));

    // No purpose, no export; a purpose of the audit review does not fit either.
    assert_eq!(
        c.get(url("contacts.csv", ""))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        c.get(url("contacts.csv", "purpose=works_council_review"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        client()
            .get(url("contacts.csv", "purpose=reporting"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let dpo = app
        .join(&c, "dora@acme.example", "dpo", "Dora Datenschutz")
        .await;
    assert_eq!(
        dpo.get(url("contacts.csv", "purpose=reporting"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN,
        "the DPO reads, but does not export customer lists"
    );
}
