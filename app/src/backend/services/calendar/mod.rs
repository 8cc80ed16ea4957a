//! The calendar: the rules. Appointments are sealed under their own key; views and
//! feeds are audited as reads naming the contacts and organisations they show. The
//! personal iCalendar feed is opened by a secret in its address (stored hashed).
//!
//! Erasure of a contact removes them from appointments; an appointment whose last
//! contact is erased is erased with them, as timeline entries are.

mod ics;
pub mod storage;

use crate::backend::auth::token::{new_token, token_hash};
use crate::backend::crypto::KeyStore;
use crate::backend::services::{contacts, organisations};
use crate::backend::tenancy::{begin_for_tenant, tenant_id_for_slug};
use crate::backend::{Backend, Scope};
use crate::model::audit::AuditAction;
use crate::model::calendar::{
    Appointment, AppointmentAudit, AppointmentInput, CalendarFeed, CalendarQuery, CalendarView,
};
use crate::model::contacts::RecordRef;
use crate::model::permission::{Action, Area};
use crate::model::validation::{FieldErrors, Problem};
use crate::{AppError, AppResult};
use std::collections::HashMap;
use std::sync::Arc;
use storage::{SealedAppointment, SealedText, CONTACT, EMPLOYEE, SEALED_FIELDS, TABLE};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const AUDITED_FIELDS: [&str; 3] = ["title", "location", "notes"];
/// What the feed holds: a month back, a year ahead.
const FEED_PAST: Duration = Duration::days(31);
const FEED_FUTURE: Duration = Duration::days(366);

fn audited(action: AppointmentAudit) -> AuditAction {
    AuditAction::Appointment(action)
}

async fn open_named(
    scope: &mut Scope,
    rows: Vec<SealedAppointment>,
) -> AppResult<Vec<Appointment>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.appointment_id).collect();
    let participants = storage::participants(scope.conn(), &ids).await?;
    let contact_ids: Vec<Uuid> = participants
        .iter()
        .filter(|p| p.2 == CONTACT)
        .map(|p| p.1)
        .collect();
    let org_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.organisation_id).collect();
    let meta: HashMap<Uuid, (OffsetDateTime, OffsetDateTime, Uuid, i32)> = rows
        .iter()
        .map(|r| {
            (
                r.appointment_id,
                (r.starts_at, r.ends_at, r.created_by, r.version),
            )
        })
        .collect();
    let opened = scope
        .open_rows(
            TABLE,
            rows,
            |r| (r.appointment_id, r.appointment_id),
            |c, r| Ok((r.appointment_id, r.open(c)?)),
        )
        .await?;
    let contact_names = contacts::names_unaudited(scope, &contact_ids).await?;
    let org_names = organisations::names_unaudited(scope, &org_ids).await?;
    let mut appointments = Vec::with_capacity(opened.len());
    for (id, mut input) in opened {
        let mut named = Vec::new();
        for (_, participant, kind) in participants.iter().filter(|p| p.0 == id) {
            if *kind == EMPLOYEE {
                input.user_ids.push(*participant);
            } else {
                input.contact_ids.push(*participant);
                if let Some(name) = contact_names.get(participant) {
                    named.push(RecordRef {
                        id: *participant,
                        name: name.clone(),
                    });
                }
            }
        }
        let (starts_at, ends_at, created_by, version) = meta[&id];
        let organisation = input.organisation_id.and_then(|o| {
            org_names.get(&o).map(|name| RecordRef {
                id: o,
                name: name.clone(),
            })
        });
        appointments.push(Appointment {
            id,
            input,
            starts_at,
            ends_at,
            contacts: named,
            organisation,
            created_by,
            version,
        });
    }
    Ok(appointments)
}

async fn audit_shown(
    scope: &mut Scope,
    action: AppointmentAudit,
    shown: &[Appointment],
) -> AppResult<()> {
    if shown.is_empty() {
        return Ok(());
    }
    let mut subjects = Vec::new();
    for a in shown {
        subjects.extend(a.input.contact_ids.iter().copied());
        subjects.extend(a.input.organisation_id);
    }
    let event = scope
        .event(audited(action))
        .subjects(&subjects)
        .fields(&AUDITED_FIELDS);
    scope.audit(event).await
}

/// A week or a day, everyone's or the user's own, or a record's.
pub async fn view(scope: &mut Scope, query: &CalendarQuery) -> AppResult<CalendarView> {
    scope.require(Area::Calendar, Action::Read)?;
    let (first_day, days) = query.period(OffsetDateTime::now_utc().date());
    let from = first_day.midnight().assume_utc();
    let to = from + Duration::days(days);
    let person = query.mine.then(|| scope.user_id());
    let rows = storage::between(scope.conn(), from, to, person, query.record).await?;
    let appointments = open_named(scope, rows).await?;
    audit_shown(scope, AppointmentAudit::List, &appointments).await?;
    Ok(CalendarView {
        first_day,
        days,
        appointments,
    })
}

pub async fn get(scope: &mut Scope, id: Uuid) -> AppResult<Appointment> {
    scope.require(Area::Calendar, Action::Read)?;
    let appointment = load(scope, id).await?;
    audit_shown(
        scope,
        AppointmentAudit::Read,
        std::slice::from_ref(&appointment),
    )
    .await?;
    Ok(appointment)
}

async fn load(scope: &mut Scope, id: Uuid) -> AppResult<Appointment> {
    let row = storage::find(scope.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    open_named(scope, vec![row])
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// The contacts and employees must exist here.
async fn check_participants(scope: &mut Scope, input: &AppointmentInput) -> AppResult<()> {
    let known = contacts::organisation_ids(scope, &input.contact_ids).await?;
    if known.len() != input.contact_ids.len() {
        return Err(AppError::Validation(FieldErrors::single(
            "contact_ids",
            Problem::UnknownReference,
        )));
    }
    let tenant_id = scope.tenant_id();
    let names = crate::backend::services::identity::employee_names(
        &mut scope.tx,
        &scope.backend.keys,
        tenant_id,
    )
    .await?;
    if input.user_ids.iter().any(|u| !names.contains_key(u)) {
        return Err(AppError::Validation(FieldErrors::single(
            "user_ids",
            Problem::UnknownReference,
        )));
    }
    Ok(())
}

pub async fn create(scope: &mut Scope, input: &AppointmentInput) -> AppResult<Appointment> {
    scope.require(Area::Calendar, Action::Create)?;
    let mut input = input.normalized();
    input.validate().into_result()?;
    let (tenant_id, me) = (scope.tenant_id(), scope.user_id());
    if !input.user_ids.contains(&me) {
        input.user_ids.push(me);
    }
    check_participants(scope, &input).await?;
    let id = Uuid::now_v7();
    let key = scope.create_subject_key(id).await?;
    let text = SealedText::seal(&scope.cipher(&key, TABLE, id), &input);
    storage::insert(scope.conn(), tenant_id, id, &input, text, me).await?;
    storage::set_participants(
        scope.conn(),
        tenant_id,
        id,
        &input.user_ids,
        &input.contact_ids,
    )
    .await?;
    KeyStore::count_encryptions(scope.conn(), id, SEALED_FIELDS).await?;
    let subjects: Vec<Uuid> = input
        .contact_ids
        .iter()
        .copied()
        .chain(input.organisation_id)
        .collect();
    let fields = input.changed_fields(&AppointmentInput::default());
    let event = scope
        .event(audited(AppointmentAudit::Create))
        .subjects(&subjects)
        .fields(&fields);
    scope.audit(event).await?;
    crate::backend::services::webhooks::emit(
        scope,
        crate::model::webhooks::WebhookEvent::AppointmentCreated,
        id,
        &fields,
        None::<&()>,
    )
    .await?;
    load(scope, id).await
}

pub async fn update(
    scope: &mut Scope,
    id: Uuid,
    version: i32,
    input: &AppointmentInput,
) -> AppResult<Appointment> {
    scope.require(Area::Calendar, Action::Update)?;
    let input = input.normalized();
    input.validate().into_result()?;
    let before = load(scope, id).await?;
    if before.version != version {
        return Err(AppError::Conflict);
    }
    check_participants(scope, &input).await?;
    let tenant_id = scope.tenant_id();
    let key = scope.subject_key(id).await?;
    let text = SealedText::seal(&scope.cipher(&key, TABLE, id), &input);
    storage::update(scope.conn(), id, &input, text).await?;
    storage::set_participants(
        scope.conn(),
        tenant_id,
        id,
        &input.user_ids,
        &input.contact_ids,
    )
    .await?;
    KeyStore::count_encryptions(scope.conn(), id, SEALED_FIELDS).await?;
    let mut subjects: Vec<Uuid> = input
        .contact_ids
        .iter()
        .copied()
        .chain(input.organisation_id)
        .collect();
    subjects.extend(before.input.contact_ids.iter().copied());
    let fields = input.changed_fields(&before.input);
    let event = scope
        .event(audited(AppointmentAudit::Update))
        .subjects(&subjects)
        .fields(&fields);
    scope.audit(event).await?;
    load(scope, id).await
}

pub async fn delete(scope: &mut Scope, id: Uuid) -> AppResult<()> {
    scope.require(Area::Calendar, Action::Delete)?;
    let before = load(scope, id).await?;
    erase_unaudited(scope, id).await?;
    let subjects: Vec<Uuid> = before
        .input
        .contact_ids
        .iter()
        .copied()
        .chain(before.input.organisation_id)
        .collect();
    let event = scope
        .event(audited(AppointmentAudit::Delete))
        .subjects(&subjects);
    scope.audit(event).await
}

async fn erase_unaudited(scope: &mut Scope, id: Uuid) -> AppResult<()> {
    storage::delete(scope.conn(), id).await?;
    KeyStore::destroy_subject_key(scope.conn(), id).await
}

/// Erasure of a contact (called by the contact service, which audits it).
pub async fn erase_contact(scope: &mut Scope, contact: Uuid) -> AppResult<()> {
    let ids = storage::with_contact(scope.conn(), contact).await?;
    if ids.is_empty() {
        return Ok(());
    }
    let participants = storage::participants(scope.conn(), &ids).await?;
    for id in ids {
        let others = participants
            .iter()
            .filter(|p| p.0 == id && p.2 == CONTACT && p.1 != contact)
            .count();
        if others == 0 {
            erase_unaudited(scope, id).await?;
        } else {
            storage::remove_participant(scope.conn(), id, contact).await?;
        }
    }
    Ok(())
}

/// Moves a contact's appointments to another (a merge). Returns those only `from`
/// took part in (now `to`) and those both did (now just `to`).
pub async fn move_contact(
    scope: &mut Scope,
    from: Uuid,
    to: Uuid,
) -> AppResult<(Vec<Uuid>, Vec<Uuid>)> {
    let ids = storage::with_contact(scope.conn(), from).await?;
    let already = storage::with_contact(scope.conn(), to).await?;
    let tenant_id = scope.tenant_id();
    let (mut moved, mut shared) = (Vec::new(), Vec::new());
    for id in ids {
        storage::remove_participant(scope.conn(), id, from).await?;
        if already.contains(&id) {
            shared.push(id);
        } else {
            storage::add_contact(scope.conn(), tenant_id, id, to).await?;
            moved.push(id);
        }
    }
    Ok((moved, shared))
}

/// Undoes [`move_contact`].
pub async fn restore_contact(
    scope: &mut Scope,
    moved: &[Uuid],
    shared: &[Uuid],
    from: Uuid,
    to: Uuid,
) -> AppResult<()> {
    let tenant_id = scope.tenant_id();
    for id in moved {
        storage::remove_participant(scope.conn(), *id, to).await?;
    }
    for id in moved.iter().chain(shared) {
        storage::add_contact(scope.conn(), tenant_id, *id, from).await?;
    }
    Ok(())
}

/// One appointment as an `.ics` file; the download is audited.
pub async fn export_ics(scope: &mut Scope, id: Uuid) -> AppResult<String> {
    scope.require(Area::Calendar, Action::Read)?;
    let appointment = load(scope, id).await?;
    audit_shown(
        scope,
        AppointmentAudit::Exported,
        std::slice::from_ref(&appointment),
    )
    .await?;
    Ok(ics::calendar(
        "Tessera",
        &[appointment],
        &host(&scope.backend),
    ))
}

fn host(backend: &Backend) -> String {
    backend
        .public_url
        .split("://")
        .nth(1)
        .unwrap_or("tessera")
        .trim_end_matches('/')
        .to_owned()
}

/// The state of the user's feed (its address is shown only when made).
pub async fn feed(scope: &mut Scope) -> AppResult<CalendarFeed> {
    scope.require(Area::Calendar, Action::Read)?;
    let me = scope.user_id();
    Ok(CalendarFeed {
        url: None,
        active_since: storage::active_feed_since(scope.conn(), me).await?,
    })
}

/// A new secret feed address for the user; any earlier one stops working.
pub async fn create_feed(scope: &mut Scope, slug: &str) -> AppResult<CalendarFeed> {
    scope.require(Area::Calendar, Action::Read)?;
    let (tenant_id, me) = (scope.tenant_id(), scope.user_id());
    storage::revoke_feeds(scope.conn(), me).await?;
    let token = new_token();
    storage::insert_feed(scope.conn(), tenant_id, me, &token_hash(&token)).await?;
    let event = scope.event(audited(AppointmentAudit::FeedCreated));
    scope.audit(event).await?;
    let base = scope.backend.public_url.trim_end_matches('/').to_owned();
    Ok(CalendarFeed {
        url: Some(format!("{base}/feeds/calendar/{slug}/{token}.ics")),
        active_since: Some(OffsetDateTime::now_utc()),
    })
}

pub async fn revoke_feed(scope: &mut Scope) -> AppResult<()> {
    scope.require(Area::Calendar, Action::Read)?;
    let me = scope.user_id();
    if storage::revoke_feeds(scope.conn(), me).await? > 0 {
        let event = scope.event(audited(AppointmentAudit::FeedRevoked));
        scope.audit(event).await?;
    }
    Ok(())
}

/// The feed behind a secret address: the user's appointments from a month ago to a
/// year ahead, as iCalendar. Unknown workspaces, unknown or revoked secrets are all
/// `NotFound`. Each fetch is audited as a read by the feed's owner.
pub async fn read_feed(backend: &Arc<Backend>, slug: &str, token: &str) -> AppResult<String> {
    let tenant_id = tenant_id_for_slug(&backend.db, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = begin_for_tenant(&backend.db, tenant_id).await?;
    let user = storage::feed_user(&mut tx, &token_hash(token))
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let mut scope = Scope::begin(backend.clone(), tenant_id, user).await?;
    scope.require(Area::Calendar, Action::Read)?;
    let now = OffsetDateTime::now_utc();
    let rows = storage::between(
        scope.conn(),
        now - FEED_PAST,
        now + FEED_FUTURE,
        Some(user),
        None,
    )
    .await?;
    let appointments = open_named(&mut scope, rows).await?;
    // Every fetch is recorded, even of an empty calendar.
    let mut subjects = Vec::new();
    for a in &appointments {
        subjects.extend(a.input.contact_ids.iter().copied());
        subjects.extend(a.input.organisation_id);
    }
    let event = scope
        .event(audited(AppointmentAudit::FeedRead))
        .subjects(&subjects)
        .fields(&AUDITED_FIELDS);
    scope.audit(event).await?;
    let text = ics::calendar("Tessera", &appointments, &host(backend));
    scope.commit().await?;
    Ok(text)
}
