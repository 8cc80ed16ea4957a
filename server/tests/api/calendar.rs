//! The calendar: week and day views, participants, the iCalendar feed and downloads.

use crate::helpers::{client, spawn_app, TestApp};
use app::api::calendar::{
    CreateAppointment, CreateFeed, DeleteAppointment, LoadCalendar, RevokeFeed, UpdateAppointment,
};
use app::api::contacts::DeleteContact;
use app::model::calendar::{Appointment, AppointmentInput, CalendarQuery, CalendarSpan};
use app::model::validation::Problem;
use app::AppError;
use reqwest::{Client, StatusCode};
use uuid::Uuid;

fn meeting(title: &str, date: &str, time: &str) -> AppointmentInput {
    AppointmentInput {
        title: title.into(),
        start_date: date.into(),
        start_time: time.into(),
        ..Default::default()
    }
}

async fn create(app: &TestApp, c: &Client, input: AppointmentInput) -> Appointment {
    app.call(c, CreateAppointment { input }).await.ok()
}

async fn titles(app: &TestApp, c: &Client, query: CalendarQuery) -> Vec<String> {
    let view = app.call(c, LoadCalendar { query }).await.ok();
    view.appointments
        .into_iter()
        .map(|a| a.input.title)
        .collect()
}

/// The secret part of a feed address.
fn renewed_secret(url: &str) -> String {
    url.rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".ics")
        .to_owned()
}

/// The events of an iCalendar text, as `(summary, dtstart)`, through an independent parser.
fn parse_ics(text: &str) -> Vec<(String, String)> {
    let mut calendars = ical::IcalParser::new(text.as_bytes());
    let calendar = calendars.next().expect("one calendar").expect("it parses");
    calendar
        .events
        .iter()
        .map(|e| {
            let prop = |name: &str| {
                e.properties
                    .iter()
                    .find(|p| p.name == name)
                    .and_then(|p| p.value.clone())
                    .unwrap_or_default()
            };
            (prop("SUMMARY"), prop("DTSTART"))
        })
        .collect()
}

#[tokio::test]
async fn weeks_and_days_show_the_right_appointments() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let anna = app.create_contact(&c, "Anna", "Alt", "").await.ok().id;
    let created = create(
        &app,
        &c,
        AppointmentInput {
            contact_ids: vec![anna],
            location: "Werk Stuttgart".into(),
            ..meeting("Werksbesichtigung", "2026-12-02", "10:00")
        },
    )
    .await;
    assert_eq!(created.input.end_time, "11:00", "an hour by default");
    assert_eq!(created.contacts[0].name, "Anna Alt");
    create(&app, &c, meeting("Jahresplanung", "2026-12-04", "14:30")).await;
    create(
        &app,
        &c,
        AppointmentInput {
            all_day: true,
            start_time: String::new(),
            end_date: "2026-12-09".into(),
            ..meeting("Messe", "2026-12-07", "")
        },
    )
    .await;
    let week = |date: &str| CalendarQuery {
        date: date.into(),
        ..Default::default()
    };
    assert_eq!(
        titles(&app, &c, week("2026-12-03")).await,
        ["Werksbesichtigung", "Jahresplanung"]
    );
    assert_eq!(
        titles(&app, &c, week("2026-12-08")).await,
        ["Messe"],
        "the fair spans Monday to Wednesday"
    );
    let day = CalendarQuery {
        date: "2026-12-04".into(),
        span: CalendarSpan::Day,
        ..Default::default()
    };
    assert_eq!(titles(&app, &c, day).await, ["Jahresplanung"]);
    let annas = CalendarQuery {
        date: "2026-12-01".into(),
        span: CalendarSpan::Upcoming,
        record: Some(anna),
        ..Default::default()
    };
    assert_eq!(titles(&app, &c, annas).await, ["Werksbesichtigung"]);

    // A colleague's own calendar does not hold it unless they take part.
    let vera = app
        .join(&c, "vera@acme.example", "sales", "Vera Vertrieb")
        .await;
    let mine = CalendarQuery {
        date: "2026-12-03".into(),
        mine: true,
        ..Default::default()
    };
    assert!(titles(&app, &vera, mine.clone()).await.is_empty());
    let vera_id = app.me(&vera).await.user_id;
    let with_vera = UpdateAppointment {
        id: created.id,
        version: created.version,
        input: AppointmentInput {
            user_ids: vec![vera_id],
            ..created.input.clone()
        },
    };
    app.call(&c, with_vera).await.ok();
    assert_eq!(titles(&app, &vera, mine).await, ["Werksbesichtigung"]);
    let reads = app.audit_rows("appointment.list").await;
    assert!(
        reads.iter().any(|(_, subjects)| subjects.contains(&anna)),
        "views name the contacts shown"
    );
    // Sealed: the title and place are not in the table.
    let dump: String = sqlx::query_scalar("SELECT string_agg(t::text, ' ') FROM appointments t")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();
    assert!(!dump.contains("Werk") && !dump.contains("Messe"));
}

#[tokio::test]
async fn bad_appointments_are_refused() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let backwards = AppointmentInput {
        end_time: "09:00".into(),
        ..meeting("X", "2026-12-02", "10:00")
    };
    let err = app
        .call(&c, CreateAppointment { input: backwards })
        .await
        .err();
    assert_eq!(
        err.field_errors().and_then(|f| f.get("end_date")),
        Some(Problem::EndBeforeStart)
    );
    let stranger = AppointmentInput {
        contact_ids: vec![Uuid::now_v7()],
        ..meeting("X", "2026-12-02", "10:00")
    };
    let err = app
        .call(&c, CreateAppointment { input: stranger })
        .await
        .err();
    assert_eq!(
        err.field_errors().and_then(|f| f.get("contact_ids")),
        Some(Problem::UnknownReference)
    );
    let untitled = meeting("", "", "");
    let fields = app
        .call(&c, CreateAppointment { input: untitled })
        .await
        .err();
    let fields = fields.field_errors().unwrap();
    assert_eq!(fields.get("title"), Some(Problem::Required));
    assert_eq!(fields.get("start_date"), Some(Problem::Required));
    assert_eq!(app.count("SELECT count(*) FROM appointments").await, 0);
}

#[tokio::test]
async fn the_feed_holds_my_appointments_until_its_address_is_revoked() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let soon = app::model::validation::iso_date(
        time::OffsetDateTime::now_utc().date().next_day().unwrap(),
    );
    create(&app, &c, meeting("Kundentermin Müller", &soon, "09:15")).await;
    let vera = app
        .join(&c, "vera@acme.example", "sales", "Vera Vertrieb")
        .await;
    create(&app, &vera, meeting("Veras Termin", &soon, "11:00")).await;

    let url = app
        .call(
            &c,
            CreateFeed {
                slug: "acme".into(),
            },
        )
        .await
        .ok()
        .url
        .expect("shown once");
    let path = url
        .split_once("/feeds/")
        .map(|(_, p)| format!("/feeds/{p}"))
        .unwrap();
    let anonymous = client();
    let fetch = |path: String| {
        let (anonymous, address) = (anonymous.clone(), app.address.clone());
        async move {
            anonymous
                .get(format!("{address}{path}"))
                .send()
                .await
                .unwrap()
        }
    };
    let response = fetch(path.clone()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let events = parse_ics(&response.text().await.unwrap());
    assert_eq!(events.len(), 1, "only my own appointments: {events:?}");
    assert_eq!(events[0].0, "Kundentermin Müller");
    assert!(events[0].1.ends_with("T091500Z"), "{}", events[0].1);
    assert_eq!(
        app.audit_rows("appointment.feed_read").await.len(),
        1,
        "each fetch is logged"
    );

    let wrong = path.replace(".ics", "x.ics");
    assert_eq!(fetch(wrong).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        fetch(path.replace("/acme/", "/other/")).await.status(),
        StatusCode::NOT_FOUND
    );
    // A new address retires the old one; revoking ends both.
    let renewed = app
        .call(
            &c,
            CreateFeed {
                slug: "acme".into(),
            },
        )
        .await
        .ok()
        .url
        .unwrap();
    let renewed = renewed
        .split_once("/feeds/")
        .map(|(_, p)| format!("/feeds/{p}"))
        .unwrap();
    assert_eq!(fetch(path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(fetch(renewed.clone()).await.status(), StatusCode::OK);
    app.call(&c, RevokeFeed {}).await.ok();
    assert_eq!(fetch(renewed).await.status(), StatusCode::NOT_FOUND);
    let secret = renewed_secret(&url);
    let dump: String = sqlx::query_scalar("SELECT string_agg(t::text, ' ') FROM calendar_feeds t")
        .fetch_one(&app.db.superuser)
        .await
        .unwrap();
    assert!(!dump.contains(&secret), "the secret itself is not stored");
    assert_eq!(
        app.count("SELECT count(*) FROM calendar_feeds WHERE length(token_hash) = 32")
            .await,
        2,
        "only SHA-256 hashes of the two secrets"
    );
}

#[tokio::test]
async fn one_appointment_downloads_as_ics_and_the_last_contact_takes_it_along() {
    let app = spawn_app().await;
    let c = app.owner_of("acme").await;
    let anna = app.create_contact(&c, "Anna", "Alt", "").await.ok().id;
    let bert = app.create_contact(&c, "Bert", "Bauer", "").await.ok().id;
    let both = create(
        &app,
        &c,
        AppointmentInput {
            contact_ids: vec![anna, bert],
            ..meeting("Zu dritt", "2026-12-02", "10:00")
        },
    )
    .await;
    let only_anna = create(
        &app,
        &c,
        AppointmentInput {
            contact_ids: vec![anna],
            ..meeting("Nur Anna", "2026-12-03", "10:00")
        },
    )
    .await;

    let response = c
        .get(format!("{}/appointments/{}.ics", app.address, both.id))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    assert_eq!(parse_ics(&response.text().await.unwrap())[0].0, "Zu dritt");
    let anonymous = client()
        .get(format!("{}/appointments/{}.ics", app.address, both.id))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    app.call(&c, DeleteContact { id: anna }).await.ok();
    let week = CalendarQuery {
        date: "2026-12-02".into(),
        ..Default::default()
    };
    let view = app.call(&c, LoadCalendar { query: week }).await.ok();
    assert_eq!(view.appointments.len(), 1);
    assert_eq!(view.appointments[0].id, both.id);
    assert_eq!(view.appointments[0].input.contact_ids, vec![bert]);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM subject_keys WHERE subject_id = '{}'",
            only_anna.id
        ))
        .await,
        0
    );
    assert_eq!(
        app.call(&c, DeleteAppointment { id: only_anna.id })
            .await
            .err(),
        AppError::NotFound
    );
}
