//! E-mail in, governed, against a real IMAP server (Dovecot, started by `./dev test`):
//! capture is off until the workspace decides (and its works council agreed); a reply
//! from a known contact lands on their timeline in the thread of the mail it answers,
//! private to the mailbox owner until shared; unknown senders and internal mail are
//! never kept; a message comes in once across everyone's mailboxes.

use crate::helpers::peers::{self, fresh_imap_user, imap_append};
use crate::helpers::{email_list, spawn_app, TestApp};
use app::api::contacts::CreateContact;
use app::api::mail::{
    AgreeCapturePolicy, ConnectMailbox, LoadCapture, RemoveMailbox, SaveCapturePolicy,
    SaveSmtpSettings, SendMail, SyncMailbox,
};
use app::api::timeline::{ListTimeline, ShareInteraction};
use app::model::capture::{CaptureKeeps, CapturePolicyInput, MailboxInput};
use app::model::contacts::ContactInput;
use app::model::mail::{ComposeInput, SmtpSecurity, SmtpSettingsInput};
use app::model::timeline::{Direction, Interaction, InteractionKind, TimelineQuery};
use app::model::validation::Problem;
use app::AppError;
use reqwest::Client;
use std::time::Duration;
use uuid::Uuid;

mod retention;

const OWN: &str = "acme.example";

fn policy(keeps: CaptureKeeps) -> CapturePolicyInput {
    CapturePolicyInput {
        keeps,
        retention_days: "365".into(),
        own_domains: OWN.into(),
    }
}

fn mailbox(user: &str) -> MailboxInput {
    let (host, port, password) = peers::imap();
    MailboxInput {
        host,
        port: port.to_string(),
        security: SmtpSecurity::Plain,
        username: user.into(),
        password,
        folders: "INBOX, Sent".into(),
    }
}

async fn contact(app: &TestApp, c: &Client, first: &str, address: &str) -> Uuid {
    let input = ContactInput {
        first_name: first.into(),
        last_name: "Kunde".into(),
        emails: email_list(address),
        ..Default::default()
    };
    app.call(
        c,
        CreateContact {
            input,
            confirmed: false,
        },
    )
    .await
    .ok()
    .id
}

async fn mails_of(app: &TestApp, c: &Client, record: Uuid) -> Vec<Interaction> {
    let page = app
        .call(
            c,
            ListTimeline {
                query: TimelineQuery::for_record(record),
            },
        )
        .await
        .ok();
    page.items
        .into_iter()
        .filter(|i| i.kind == InteractionKind::Email)
        .collect()
}

/// Waits until `record`'s timeline (as `c` sees it) has `n` mails.
async fn wait_for_mails(app: &TestApp, c: &Client, record: Uuid, n: usize) -> Vec<Interaction> {
    for _ in 0..200 {
        let mails = mails_of(app, c, record).await;
        if mails.len() >= n {
            return mails;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the mails did not arrive");
}

/// Waits until the user's mailbox finished a read after `before`.
async fn wait_for_sync(app: &TestApp, c: &Client, before: i64) -> i64 {
    for _ in 0..200 {
        let page = app.call(c, LoadCapture {}).await.ok();
        let mailbox = page.mailbox.expect("connected");
        if mailbox
            .last_sync_at
            .is_some_and(|t| t.unix_timestamp() >= before)
        {
            assert_eq!(mailbox.last_error, None);
            return mailbox.imported;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the mailbox was not read");
}

fn raw(
    from: &str,
    to: &str,
    id: &str,
    in_reply_to: Option<&str>,
    subject: &str,
    body: &str,
) -> Vec<u8> {
    let parent = in_reply_to
        .map(|p| format!("In-Reply-To: {p}\r\nReferences: {p}\r\n"))
        .unwrap_or_default();
    format!(
        "From: {from}\r\nTo: {to}\r\nMessage-ID: {id}\r\n{parent}Subject: {subject}\r\n\
         Date: Tue, 01 Dec 2026 09:30:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

#[tokio::test]
async fn capture_is_off_until_the_workspace_decides_and_the_works_council_agrees() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let user = fresh_imap_user("anna");

    let page = app.call(&owner, LoadCapture {}).await.ok();
    assert_eq!(page.policy.input.keeps, CaptureKeeps::Nothing);
    assert!(!page.policy.active());
    let refused = app
        .call(
            &owner,
            ConnectMailbox {
                input: mailbox(&user),
            },
        )
        .await
        .err();
    assert_eq!(
        refused.field_errors().and_then(|f| f.get("host")),
        Some(Problem::NotEnabled)
    );

    // Keeping anything needs the own domains, so internal mail can be left out.
    let missing = app
        .call(
            &owner,
            SaveCapturePolicy {
                input: CapturePolicyInput {
                    own_domains: String::new(),
                    ..policy(CaptureKeeps::Full)
                },
            },
        )
        .await
        .err();
    assert_eq!(
        missing.field_errors().and_then(|f| f.get("own_domains")),
        Some(Problem::Required)
    );

    let council = app
        .join(
            &owner,
            "betriebsrat@acme.example",
            "works_council",
            "Betriebsrat",
        )
        .await;
    let saved = app
        .call(
            &owner,
            SaveCapturePolicy {
                input: policy(CaptureKeeps::Metadata),
            },
        )
        .await
        .ok();
    assert!(
        saved.needs_agreement && !saved.active(),
        "waits for the works council"
    );
    let refused = app
        .call(
            &owner,
            ConnectMailbox {
                input: mailbox(&user),
            },
        )
        .await
        .err();
    assert_eq!(
        refused.field_errors().and_then(|f| f.get("host")),
        Some(Problem::NotEnabled)
    );

    // Only the works council agrees, and only to the version it saw.
    let seen = saved.version();
    let forbidden = app
        .call(&owner, AgreeCapturePolicy { version: seen })
        .await
        .err();
    assert!(matches!(forbidden, AppError::Forbidden));
    let changed = app
        .call(
            &owner,
            SaveCapturePolicy {
                input: policy(CaptureKeeps::Subject),
            },
        )
        .await
        .ok();
    let stale = app
        .call(&council, AgreeCapturePolicy { version: seen })
        .await
        .err();
    assert!(matches!(stale, AppError::Conflict));
    let agreed = app
        .call(
            &council,
            AgreeCapturePolicy {
                version: changed.version(),
            },
        )
        .await
        .ok();
    assert!(agreed.active());
    assert_eq!(app.audit_rows("mail.policy_agreed").await.len(), 1);

    // Any change withdraws the agreement again.
    let again = app
        .call(
            &owner,
            SaveCapturePolicy {
                input: policy(CaptureKeeps::Full),
            },
        )
        .await
        .ok();
    assert!(again.agreed_at.is_none() && !again.active());
}

#[tokio::test]
async fn a_reply_from_a_known_contact_is_threaded_and_nothing_else_is_kept() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let user = fresh_imap_user("owner");
    let (smtp_host, smtp_port) = peers::smtp();
    let smtp = SmtpSettingsInput {
        host: smtp_host,
        port: smtp_port.to_string(),
        security: SmtpSecurity::Plain,
        from_address: format!("vertrieb@{OWN}"),
        ..Default::default()
    };
    app.call(&owner, SaveSmtpSettings { input: smtp })
        .await
        .ok();
    let joerg_address = format!("joerg.{}@kunde.example", Uuid::now_v7().simple());
    let joerg = contact(&app, &owner, "Jörg", &joerg_address).await;
    app.call(
        &owner,
        SaveCapturePolicy {
            input: policy(CaptureKeeps::Full),
        },
    )
    .await
    .ok();

    // A mail leaves Tessera; Jörg answers it.
    let input = ComposeInput {
        contact_id: joerg,
        to: joerg_address.clone(),
        subject: "Angebot".into(),
        body: "Anbei das Angebot.".into(),
    };
    let sent = app.call(&owner, SendMail { input }).await.ok();
    let sent_message = peers::Maildir::of_smtp_peer()
        .wait_for(&joerg_address)
        .await;
    let sent_id = mail_parser::MessageParser::default()
        .parse(&sent_message)
        .unwrap()
        .message_id()
        .unwrap()
        .to_owned();
    // The fingerprint is written once the mail is sent; wait for it.
    for _ in 0..100 {
        if app
            .count(&format!(
                "SELECT count(*) FROM interactions WHERE interaction_id = '{sent}' AND message_bidx IS NOT NULL"
            ))
            .await
            == 1
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let reply = raw(
        &format!("Jörg <{joerg_address}>"),
        &format!("vertrieb@{OWN}"),
        "<reply-1@kunde.example>",
        Some(&format!("<{sent_id}>")),
        "Re: Angebot",
        "Passt für uns, bitte liefern.",
    );
    imap_append(&user, "INBOX", &reply).await;
    let stranger = raw(
        "stranger@nowhere.example",
        &format!("owner@{OWN}"),
        "<spam-1@nowhere.example>",
        None,
        "Gewinnspiel",
        "Sie haben gewonnen",
    );
    imap_append(&user, "INBOX", &stranger).await;
    let internal = raw(
        &format!("kollegin@{OWN}"),
        &format!("owner@{OWN}"),
        "<lunch-1@acme.example>",
        None,
        "Mittagessen?",
        "Heute 12 Uhr?",
    );
    imap_append(&user, "INBOX", &internal).await;
    let written_elsewhere = raw(
        &format!("owner@{OWN}"),
        &joerg_address,
        "<outlook-1@acme.example>",
        None,
        "Termin",
        "Wie wäre Donnerstag?",
    );
    imap_append(&user, "Sent", &written_elsewhere).await;

    // A wrong password is a clear error on the field, and nothing is stored.
    let wrong = app
        .call(
            &owner,
            ConnectMailbox {
                input: MailboxInput {
                    password: "falsch".into(),
                    ..mailbox(&user)
                },
            },
        )
        .await
        .err();
    assert_eq!(
        wrong.field_errors().and_then(|f| f.get("password")),
        Some(Problem::LoginRefused)
    );
    assert_eq!(app.count("SELECT count(*) FROM mailboxes").await, 0);

    let before = time::OffsetDateTime::now_utc().unix_timestamp();
    let connected = app
        .call(
            &owner,
            ConnectMailbox {
                input: mailbox(&user),
            },
        )
        .await
        .ok();
    assert_eq!(connected.username, user);
    assert_eq!(wait_for_sync(&app, &owner, before).await, 2);

    let mails = wait_for_mails(&app, &owner, joerg, 3).await;
    let reply = mails
        .iter()
        .find(|m| m.subject == "Re: Angebot")
        .expect("the reply is on Jörg's timeline");
    assert_eq!(reply.direction, Some(Direction::Inbound));
    assert_eq!(reply.body, "Passt für uns, bitte liefern.");
    assert_eq!(
        reply.thread_id,
        Some(sent),
        "threaded to the mail it answers"
    );
    assert!(reply.private, "private to the mailbox owner");
    let outbound = mails.iter().find(|m| m.subject == "Termin").unwrap();
    assert_eq!(outbound.direction, Some(Direction::Outbound));
    assert_eq!(
        app.count("SELECT count(*) FROM interactions WHERE captured_from IS NOT NULL")
            .await,
        2,
        "neither the stranger's nor the internal mail is kept"
    );
    // Not even sealed: no row, no key, no token for them.
    assert_eq!(app.audit_rows("mail.captured").await.len(), 1);
    let (_, subjects) = app.audit_rows("mail.captured").await.remove(0);
    assert_eq!(subjects, vec![joerg]);

    // Reading again, and a colleague's mailbox with the same reply, add nothing.
    let colleague = app
        .join(&owner, &format!("kollegin@{OWN}"), "sales", "Kollegin")
        .await;
    let colleague_user = fresh_imap_user("kollegin");
    imap_append(
        &colleague_user,
        "INBOX",
        &reply_bytes(&joerg_address, &sent_id),
    )
    .await;
    let before = time::OffsetDateTime::now_utc().unix_timestamp();
    app.call(
        &colleague,
        ConnectMailbox {
            input: mailbox(&colleague_user),
        },
    )
    .await
    .ok();
    assert_eq!(wait_for_sync(&app, &colleague, before).await, 0);
    app.call(&owner, SyncMailbox {}).await.ok();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = time::OffsetDateTime::now_utc().unix_timestamp();
    app.call(&owner, SyncMailbox {}).await.ok();
    assert_eq!(
        wait_for_sync(&app, &owner, before).await,
        2,
        "nothing twice"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM interactions WHERE captured_from IS NOT NULL")
            .await,
        2
    );

    // The colleague does not see the private reply until the owner shares the thread.
    let seen_by_colleague = mails_of(&app, &colleague, joerg).await;
    assert!(seen_by_colleague.iter().all(|m| m.subject != "Re: Angebot"));
    app.call(&owner, ShareInteraction { id: reply.id })
        .await
        .ok();
    let seen_by_colleague = mails_of(&app, &colleague, joerg).await;
    assert!(seen_by_colleague.iter().any(|m| m.subject == "Re: Angebot"));

    // Disconnecting forgets the account and its sealed password.
    app.call(&owner, RemoveMailbox {}).await.ok();
    assert!(app
        .call(&owner, LoadCapture {})
        .await
        .ok()
        .mailbox
        .is_none());
}

fn reply_bytes(joerg: &str, sent_id: &str) -> Vec<u8> {
    raw(
        &format!("Jörg <{joerg}>"),
        &format!("vertrieb@{OWN}"),
        "<reply-1@kunde.example>",
        Some(&format!("<{sent_id}>")),
        "Re: Angebot",
        "Passt für uns, bitte liefern.",
    )
}
