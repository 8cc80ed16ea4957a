//! Months of working life for the demo tenant: calls, notes and meetings on the
//! timeline, open and overdue tasks, appointments this week — created through the
//! same services the UI uses, as the colleagues who would have done them.

use app::backend::services::{calendar, tasks, timeline};
use app::backend::{Backend, Scope};
use app::model::calendar::AppointmentInput;
use app::model::tasks::{TaskInput, TaskPriority};
use app::model::timeline::{CallOutcome, Direction, InteractionInput, InteractionKind};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const CALLS: &[(&str, &str)] = &[
    (
        "Rückfrage zum Angebot",
        "Wünscht Staffelpreise ab 500 Stück; Angebot bis Freitag nachreichen.",
    ),
    (
        "Lieferverzug besprochen",
        "Ware hängt beim Spediteur; neuer Termin KW 3 zugesagt.",
    ),
    (
        "Jahresgespräch vereinbart",
        "Termin im Januar, Einkauf und Technik kommen dazu.",
    ),
    (
        "Reklamation Charge 4711",
        "Zwei Paletten beschädigt, Gutschrift zugesagt.",
    ),
    (
        "Bedarf 2027",
        "Plant Erweiterung um einen zweiten Standort in Leipzig.",
    ),
];
const NOTES: &[(&str, &str)] = &[
    (
        "Messekontakt",
        "Auf der Hannover Messe am Stand gesprochen, Interesse an Wartungsvertrag.",
    ),
    (
        "Entscheider",
        "Budget liegt bei der Geschäftsführung, nicht beim Einkauf.",
    ),
    (
        "Zahlungsziel",
        "Bittet dauerhaft um 30 Tage netto statt 14.",
    ),
];
const MEETINGS: &[(&str, &str)] = &[
    (
        "Vor-Ort-Termin",
        "Produktion besichtigt, Engpass in der Verpackung gesehen.",
    ),
    (
        "Quartalsgespräch",
        "Umsatz über Plan, Zufriedenheit hoch, Ausschreibung im Frühjahr.",
    ),
];
const TASKS: &[&str] = &[
    "Angebot nachreichen",
    "Zurückrufen wegen Liefertermin",
    "Gutschrift prüfen",
    "Unterlagen für Jahresgespräch vorbereiten",
    "Muster schicken",
    "Vertragsentwurf an Rechtsabteilung",
];
const APPOINTMENTS: &[(&str, &str)] = &[
    ("Jahresgespräch", "Beim Kunden"),
    ("Produktvorführung", "Showroom Köln"),
    ("Videotermin Angebot", "Online"),
    ("Werksbesichtigung", "Beim Kunden"),
];

fn at(t: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute()
    )
}

fn day(t: OffsetDateTime) -> String {
    at(t)[..10].to_owned()
}

/// What the demo's colleagues did with `contacts` (`(contact, organisation)`).
pub async fn seed_activity(
    backend: &Arc<Backend>,
    tenant_id: Uuid,
    staff: &[Uuid],
    contacts: &[(Uuid, Option<Uuid>)],
) -> anyhow::Result<usize> {
    let mut rng = StdRng::seed_from_u64(2026);
    let now = OffsetDateTime::now_utc()
        .replace_second(0)?
        .replace_nanosecond(0)?;
    let mut created = 0;
    // The first 80 contacts are the active customers.
    for (n, &(contact, organisation)) in contacts.iter().take(80).enumerate() {
        let colleague = staff[n % staff.len()];
        let mut scope = Scope::begin(backend.clone(), tenant_id, colleague)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        for _ in 0..rng.gen_range(2..7) {
            let days_ago = rng.gen_range(1..180);
            let when = now - Duration::days(days_ago) - Duration::minutes(rng.gen_range(0..480));
            let (kind, (subject, body)) = match rng.gen_range(0..10) {
                0..=4 => (InteractionKind::Call, CALLS[rng.gen_range(0..CALLS.len())]),
                5..=7 => (InteractionKind::Note, NOTES[rng.gen_range(0..NOTES.len())]),
                _ => (
                    InteractionKind::Meeting,
                    MEETINGS[rng.gen_range(0..MEETINGS.len())],
                ),
            };
            let call = kind == InteractionKind::Call;
            let input = InteractionInput {
                kind,
                occurred_at: at(when),
                subject: subject.into(),
                body: body.into(),
                direction: call.then(|| {
                    if rng.gen_bool(0.6) {
                        Direction::Outbound
                    } else {
                        Direction::Inbound
                    }
                }),
                duration_minutes: if kind == InteractionKind::Note {
                    String::new()
                } else {
                    rng.gen_range(5..60).to_string()
                },
                outcome: call.then_some(CallOutcome::Reached),
                channel: None,
                contact_ids: vec![contact],
                organisation_id: organisation,
            };
            timeline::create(&mut scope, &input)
                .await
                .map_err(|e| anyhow::anyhow!("demo timeline entry failed: {e}"))?;
            created += 1;
        }
        if n % 3 == 0 {
            // Some overdue, most in the next two weeks.
            let due = now + Duration::days(rng.gen_range(-5..14));
            let input = TaskInput {
                title: TASKS[rng.gen_range(0..TASKS.len())].into(),
                due_date: day(due),
                due_time: "10:00".into(),
                priority: if n % 9 == 0 {
                    TaskPriority::High
                } else {
                    TaskPriority::Normal
                },
                assignee_id: Some(colleague),
                contact_id: Some(contact),
                organisation_id: organisation,
                ..Default::default()
            };
            tasks::create(&mut scope, &input)
                .await
                .map_err(|e| anyhow::anyhow!("demo task failed: {e}"))?;
        }
        if n % 8 == 0 {
            let start = now + Duration::days(rng.gen_range(0..6));
            let (title, location) = APPOINTMENTS[rng.gen_range(0..APPOINTMENTS.len())];
            let input = AppointmentInput {
                title: title.into(),
                location: location.into(),
                start_date: day(start),
                start_time: format!("{:02}:00", rng.gen_range(8..17)),
                user_ids: vec![colleague],
                contact_ids: vec![contact],
                organisation_id: organisation,
                ..Default::default()
            };
            calendar::create(&mut scope, &input)
                .await
                .map_err(|e| anyhow::anyhow!("demo appointment failed: {e}"))?;
        }
        scope.commit().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(created)
}
