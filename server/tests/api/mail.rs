//! E-mail out, against a real SMTP server (aiosmtpd, started by `./dev test`):
//! templates with a formal German greeting, the signature, the message as it
//! arrives (headers, umlauts, Message-ID), the timeline entry and its delivery
//! status, an unreachable server, sending again, and who may do what.

use crate::helpers::peers::{self, Maildir};
use crate::helpers::{email_list, spawn_app, TestApp};
use app::api::contacts::CreateContact;
use app::api::mail::{
    DraftMail, LoadMailSettings, LoadSignature, ResendMail, SaveSignature, SaveSmtpSettings,
    SaveTemplate, SendMail,
};
use app::api::timeline::ListTimeline;
use app::model::contacts::{ContactInput, Salutation};
use app::model::mail::{
    ComposeInput, Delivery, MailStatus, SmtpSecurity, SmtpSettingsInput, TemplateInput,
};
use app::model::timeline::{InteractionKind, TimelineQuery};
use app::model::validation::Problem;
use app::AppError;
use mail_parser::MessageParser;
use reqwest::Client;
use std::time::Duration;
use uuid::Uuid;

const SMTP_PASSWORD: &str = "smtp-geheim-4711";

fn smtp_settings(port: u16) -> SmtpSettingsInput {
    SmtpSettingsInput {
        host: peers::smtp().0,
        port: port.to_string(),
        security: SmtpSecurity::Plain,
        username: String::new(),
        password: SMTP_PASSWORD.into(),
        from_address: "vertrieb@acme.example".into(),
        from_name: "Acme Vertrieb".into(),
    }
}

async fn configure(app: &TestApp, c: &Client, port: u16) {
    app.call(
        c,
        SaveSmtpSettings {
            input: smtp_settings(port),
        },
    )
    .await
    .ok();
}

/// Frau Dr. Müller with a unique address, so the shared Maildir tells her mail apart.
async fn mueller(app: &TestApp, c: &Client) -> (Uuid, String) {
    let address = format!("katrin.mueller.{}@kunde.example", Uuid::now_v7().simple());
    let input = ContactInput {
        salutation: Salutation::Ms,
        title: "Dr.".into(),
        first_name: "Katrin".into(),
        last_name: "Müller".into(),
        emails: email_list(&address),
        ..Default::default()
    };
    let contact = app
        .call(
            c,
            CreateContact {
                input,
                confirmed: false,
            },
        )
        .await
        .ok();
    (contact.id, address)
}

/// The delivery of the mail entry `mail` on `contact`'s timeline once `done` holds.
async fn delivery_when(
    app: &TestApp,
    c: &Client,
    contact: Uuid,
    mail: Uuid,
    done: impl Fn(&Delivery) -> bool,
) -> Delivery {
    for _ in 0..200 {
        let page = app
            .call(
                c,
                ListTimeline {
                    query: TimelineQuery::for_record(contact),
                },
            )
            .await
            .ok();
        let entry = page
            .items
            .iter()
            .find(|i| i.id == mail)
            .expect("the mail is on the timeline");
        assert_eq!(entry.kind, InteractionKind::Email);
        let delivery = entry.delivery.clone().expect("a sent mail has a delivery");
        if done(&delivery) {
            return delivery;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the delivery did not reach the expected state");
}

#[tokio::test]
async fn a_mail_from_a_template_reaches_the_server_and_the_timeline() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    configure(&app, &c, peers::smtp().1).await;
    let template = TemplateInput {
        name: "Angebot".into(),
        language: "de".into(),
        subject: "Ihr Angebot, {titel} {nachname}".into(),
        body: "{anrede}\n\nanbei wie besprochen das Angebot über Größe „XL“.".into(),
    };
    let template = app
        .call(
            &c,
            SaveTemplate {
                id: Uuid::nil(),
                input: template,
            },
        )
        .await
        .ok();
    app.call(
        &c,
        SaveSignature {
            text: "Jörg Weiß\nAcme GmbH".into(),
        },
    )
    .await
    .ok();
    assert_eq!(
        app.call(&c, LoadSignature {}).await.ok(),
        "Jörg Weiß\nAcme GmbH"
    );
    let (contact, address) = mueller(&app, &c).await;

    let draft = app
        .call(
            &c,
            DraftMail {
                contact,
                template: template.id,
            },
        )
        .await
        .ok();
    assert!(draft.configured);
    assert_eq!(draft.addresses, vec![address.clone()]);
    assert_eq!(draft.input.to, address);
    assert_eq!(draft.input.subject, "Ihr Angebot, Dr. Müller");
    assert!(draft
        .input
        .body
        .starts_with("Sehr geehrte Frau Dr. Müller,\n\nanbei"));
    assert!(draft.input.body.ends_with("\n\n-- \nJörg Weiß\nAcme GmbH"));

    let mail = app
        .call(
            &c,
            SendMail {
                input: draft.input.clone(),
            },
        )
        .await
        .ok();
    let delivery = delivery_when(&app, &c, contact, mail, |d| d.status == MailStatus::Sent).await;
    assert_eq!(delivery.attempts, 1);
    assert!(delivery.sent_at.is_some());

    let raw = Maildir::of_smtp_peer().wait_for(&address).await;
    let message = MessageParser::default()
        .parse(&raw)
        .expect("a parsable message");
    let from = message.from().and_then(|f| f.first()).unwrap();
    assert_eq!(from.name(), Some("Acme Vertrieb"));
    assert_eq!(from.address(), Some("vertrieb@acme.example"));
    assert_eq!(
        message
            .to()
            .and_then(|t| t.first())
            .and_then(|a| a.address()),
        Some(address.as_str())
    );
    assert_eq!(message.subject(), Some("Ihr Angebot, Dr. Müller"));
    assert_eq!(
        message.message_id(),
        Some(format!("{mail}@127.0.0.1").as_str())
    );
    assert!(message.date().is_some());
    let body = message.body_text(0).unwrap();
    assert!(body.contains("Sehr geehrte Frau Dr. Müller,"), "{body}");
    assert!(body.contains("Größe „XL“"), "{body}");

    // Logged once as the entry's creation and once as its delivery, naming her.
    let sent = app.audit_rows("mail.sent").await;
    assert_eq!(sent.len(), 1);
    assert!(sent[0].1.contains(&contact));
    // Subject and body rest sealed; the password too and it is never shown again.
    assert_eq!(
        app.count("SELECT count(*) FROM interactions WHERE subject_ct IS NULL")
            .await,
        0
    );
    let settings = app.call(&c, LoadMailSettings {}).await.ok();
    let smtp = settings.smtp.expect("configured");
    assert!(smtp.has_password);
    assert_eq!(smtp.input.password, "");
    let stored: Vec<u8> = sqlx::query_scalar("SELECT password_ct FROM smtp_settings")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();
    assert!(!stored
        .windows(SMTP_PASSWORD.len())
        .any(|w| w == SMTP_PASSWORD.as_bytes()));
}

#[tokio::test]
async fn an_unreachable_server_keeps_the_mail_queued_until_it_is_sent_again() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    configure(&app, &c, peers::closed_port()).await;
    let (contact, address) = mueller(&app, &c).await;
    let draft = app
        .call(
            &c,
            DraftMail {
                contact,
                template: Uuid::nil(),
            },
        )
        .await
        .ok();
    assert!(
        draft
            .input
            .body
            .starts_with("Sehr geehrte Frau Dr. Müller,"),
        "built-in template"
    );
    let input = ComposeInput {
        subject: "Rückruf".into(),
        ..draft.input
    };
    let mail = app.call(&c, SendMail { input }).await.ok();

    let waiting = delivery_when(&app, &c, contact, mail, |d| d.attempts >= 1).await;
    assert_eq!(waiting.status, MailStatus::Queued);
    assert_eq!(waiting.error.as_deref(), Some("smtp_unreachable"));
    assert!(Maildir::of_smtp_peer().messages_to(&address).is_empty());

    // The administrator fixes the port (the password stays) and the user sends again.
    let fixed = SmtpSettingsInput {
        password: String::new(),
        ..smtp_settings(peers::smtp().1)
    };
    let saved = app.call(&c, SaveSmtpSettings { input: fixed }).await.ok();
    assert!(saved.has_password, "an empty password keeps the stored one");
    app.call(&c, ResendMail { id: mail }).await.ok();
    let delivered = delivery_when(&app, &c, contact, mail, |d| d.status == MailStatus::Sent).await;
    assert_eq!(delivered.error, None);
    assert!(delivered.attempts >= 2);
    let raw = Maildir::of_smtp_peer().wait_for(&address).await;
    let message = MessageParser::default().parse(&raw).unwrap();
    assert_eq!(message.subject(), Some("Rückruf"));
    // Sent is final.
    assert_eq!(
        app.call(&c, ResendMail { id: mail }).await.err(),
        AppError::Conflict
    );
}

#[tokio::test]
async fn sending_is_validated_and_left_to_the_right_roles() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let (contact, address) = mueller(&app, &c).await;
    let input = ComposeInput {
        contact_id: contact,
        to: address.clone(),
        subject: "Hallo".into(),
        body: "Text".into(),
    };
    // No server yet: a clear message, and nothing lands on the timeline.
    let err = app
        .call(
            &c,
            SendMail {
                input: input.clone(),
            },
        )
        .await
        .err();
    assert_eq!(
        err.field_errors().and_then(|f| f.get("to")),
        Some(Problem::NotConfigured)
    );
    assert!(
        !app.call(
            &c,
            DraftMail {
                contact,
                template: Uuid::nil()
            }
        )
        .await
        .ok()
        .configured
    );
    assert_eq!(app.count("SELECT count(*) FROM interactions").await, 0);

    let bad = SmtpSettingsInput {
        host: "mail server".into(),
        port: "0".into(),
        ..Default::default()
    };
    let fields = app.call(&c, SaveSmtpSettings { input: bad }).await.err();
    let fields = fields.field_errors().unwrap();
    assert_eq!(fields.get("host"), Some(Problem::InvalidUrl));
    assert_eq!(fields.get("port"), Some(Problem::InvalidNumber));
    assert_eq!(fields.get("from_address"), Some(Problem::InvalidEmail));
    configure(&app, &c, peers::smtp().1).await;

    // Only to one of the contact's own addresses; subject and text required.
    let stranger = ComposeInput {
        to: "someone@else.example".into(),
        ..input.clone()
    };
    let err = app.call(&c, SendMail { input: stranger }).await.err();
    assert_eq!(
        err.field_errors().and_then(|f| f.get("to")),
        Some(Problem::UnknownReference)
    );
    let empty = ComposeInput {
        subject: " ".into(),
        body: String::new(),
        ..input.clone()
    };
    let err = app.call(&c, SendMail { input: empty }).await.err();
    let fields = err.field_errors().unwrap();
    assert_eq!(fields.get("subject"), Some(Problem::Required));
    assert_eq!(fields.get("body"), Some(Problem::Required));
    assert_eq!(app.count("SELECT count(*) FROM interactions").await, 0);

    // Members write mail but do not configure the server; the works council neither.
    let member = app
        .join(&c, "vera@acme.example", "sales", "Vera Vertrieb")
        .await;
    let err = app
        .call(
            &member,
            SaveSmtpSettings {
                input: smtp_settings(25),
            },
        )
        .await
        .err();
    assert_eq!(err, AppError::Forbidden);
    app.call(&member, SendMail { input }).await.ok();
    let council = app
        .join(&c, "br@acme.example", "works_council", "Bernd Rat")
        .await;
    let err = app
        .call(
            &council,
            DraftMail {
                contact,
                template: Uuid::nil(),
            },
        )
        .await
        .err();
    assert_eq!(err, AppError::Forbidden);
    let err = app.call(&council, LoadMailSettings {}).await.err();
    assert_eq!(err, AppError::Forbidden);
}
