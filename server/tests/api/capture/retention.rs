//! What capture keeps: metadata only when the workspace chose so, and nothing older
//! than the retention period (kept mail expires too).

use super::*;

#[tokio::test]
async fn metadata_only_keeps_who_and_when_but_no_text() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let user = fresh_imap_user("meta");
    let address = format!("eva.{}@kunde.example", Uuid::now_v7().simple());
    let eva = contact(&app, &owner, "Eva", &address).await;
    app.call(
        &owner,
        SaveCapturePolicy {
            input: policy(CaptureKeeps::Metadata),
        },
    )
    .await
    .ok();
    let message = raw(
        &address,
        &format!("owner@{OWN}"),
        &format!("<meta-{}@kunde.example>", Uuid::now_v7().simple()),
        None,
        "Vertraulich: Gehalt",
        "Geheimer Inhalt",
    );
    imap_append(&user, "INBOX", &message).await;
    app.call(
        &owner,
        ConnectMailbox {
            input: mailbox(&user),
        },
    )
    .await
    .ok();
    let mails = wait_for_mails(&app, &owner, eva, 1).await;
    assert_eq!(mails[0].subject, "");
    assert_eq!(mails[0].body, "");
    assert!(mails[0].participants.iter().any(|p| p.address == address));
    let (_, subjects) = app.audit_rows("mail.captured").await.remove(0);
    assert_eq!(subjects, vec![eva]);
}

#[tokio::test]
async fn mail_older_than_the_retention_period_is_not_taken_in_and_kept_mail_expires() {
    let app = spawn_app().await;
    let owner = app.owner_of("acme").await;
    let user = fresh_imap_user("retention");
    let address = format!("otto.{}@kunde.example", Uuid::now_v7().simple());
    let otto = contact(&app, &owner, "Otto", &address).await;
    app.call(
        &owner,
        SaveCapturePolicy {
            input: policy(CaptureKeeps::Subject),
        },
    )
    .await
    .ok();
    let recent = raw(
        &address,
        &format!("owner@{OWN}"),
        "<recent@kunde.example>",
        None,
        "Neu",
        "",
    );
    let old = String::from_utf8(raw(
        &address,
        &format!("owner@{OWN}"),
        "<old@kunde.example>",
        None,
        "Alt",
        "",
    ))
    .unwrap()
    .replace("Tue, 01 Dec 2026", "Mon, 02 Dec 2024");
    imap_append(&user, "INBOX", &recent).await;
    imap_append(&user, "INBOX", old.as_bytes()).await;
    let before = time::OffsetDateTime::now_utc().unix_timestamp();
    app.call(
        &owner,
        ConnectMailbox {
            input: mailbox(&user),
        },
    )
    .await
    .ok();
    assert_eq!(
        wait_for_sync(&app, &owner, before).await,
        1,
        "only the recent one"
    );
    assert_eq!(mails_of(&app, &owner, otto).await[0].subject, "Neu");

    // Time passes (the entry is backdated), and a shorter period applies at once.
    sqlx::query("UPDATE interactions SET occurred_at = now() - interval '40 days' WHERE captured_from IS NOT NULL")
        .execute(&app.db.superuser)
        .await
        .unwrap();
    app.call(
        &owner,
        SaveCapturePolicy {
            input: CapturePolicyInput {
                retention_days: "30".into(),
                ..policy(CaptureKeeps::Subject)
            },
        },
    )
    .await
    .ok();
    assert!(mails_of(&app, &owner, otto).await.is_empty());
    assert_eq!(app.count("SELECT count(*) FROM interactions").await, 0);
    let (_, subjects) = app.audit_rows("mail.expired").await.remove(0);
    assert_eq!(subjects, vec![otto]);
}
