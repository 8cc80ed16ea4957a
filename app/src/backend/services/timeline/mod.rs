//! The timeline: the rules. An interaction is sealed under its own key and linked to
//! every contact (and their organisation) it was with; reads of a page are audited as
//! one entry naming every contact and organisation whose entries were shown.
//!
//! Erasure of one participant (see docs/security.md, "Shared interactions"): the
//! link to the erased contact and the contact's addresses among the participants are
//! removed and the rest resealed; an interaction whose last contact is erased is
//! erased with it (row, search tokens, key). Text that mentions the erased person by
//! name inside a shared record stays: it is the other participants' record too.

mod participants;
pub mod storage;

pub use participants::{erase_participant, move_links, restore_links};

use crate::backend::crypto::KeyStore;
use crate::backend::paging::Keyset;
use crate::backend::search::{self, Lookup, RecordKind};
use crate::backend::services::{contacts, mail, organisations};
use crate::backend::Scope;
use crate::model::audit::AuditAction;
use crate::model::contacts::RecordRef;
use crate::model::permission::{Action, Area};
use crate::model::timeline::{
    HistoryEvent, InboundMessage, Interaction, InteractionAudit, InteractionInput, InteractionKind,
    TimelinePage, TimelineQuery,
};
use crate::model::validation::{FieldErrors, Problem};
use crate::{AppError, AppResult};
use std::collections::HashMap;
use storage::{NewInteraction, SealedInteraction, SealedText, TABLE};
use uuid::Uuid;

/// Sealed fields per write: subject, body, participants.
const SEALED_FIELDS: i64 = 3;
const AUDITED_FIELDS: [&str; 3] = ["subject", "body", "participants"];
/// Entries matching a word search considered per timeline page.
const SEARCH_LIMIT: i64 = 5_000;

fn audited(action: InteractionAudit) -> AuditAction {
    AuditAction::Interaction(action)
}

/// A page of a contact's or organisation's timeline, newest first.
pub async fn list(scope: &mut Scope, query: &TimelineQuery) -> AppResult<TimelinePage> {
    scope.require(Area::Timeline, Action::Read)?;
    if scope.visible_owners.is_some()
        && !storage::record_visible(scope.conn(), query.record).await?
    {
        return Err(AppError::NotFound);
    }
    let keyset = Keyset::new(&query.page_request())?;
    let only = if query.q.trim().is_empty() {
        None
    } else {
        let index = scope.index_key().await?;
        let ids = match Lookup::classify(&index, &query.q) {
            Lookup::Words { prefixes, .. } => {
                let lookup = Lookup::Words {
                    prefixes,
                    exact: Vec::new(),
                };
                search::ranked_ids(
                    scope.conn(),
                    RecordKind::Interaction,
                    &lookup,
                    0,
                    SEARCH_LIMIT,
                )
                .await?
                .0
            }
            _ => Vec::new(),
        };
        Some(ids)
    };
    let viewer = scope.user_id();
    let rows = storage::page(scope.conn(), query, &keyset, viewer, only.as_deref()).await?;
    let page = keyset.page(rows, |r| {
        crate::backend::listing::time_cursor(r.occurred_at, r.interaction_id)
    });
    let items = open_named(scope, page.items).await?;
    audit_shown(scope, InteractionAudit::List, &items, Some(query.record)).await?;
    Ok(TimelinePage {
        items,
        next: page.next,
        prev: page.prev,
    })
}

/// One entry, with its contacts and organisation; the read is audited.
pub async fn get(scope: &mut Scope, id: Uuid) -> AppResult<Interaction> {
    scope.require(Area::Timeline, Action::Read)?;
    let interaction = load(scope, id).await?;
    audit_shown(
        scope,
        InteractionAudit::Read,
        std::slice::from_ref(&interaction),
        None,
    )
    .await?;
    Ok(interaction)
}

async fn load(scope: &mut Scope, id: Uuid) -> AppResult<Interaction> {
    let row = storage::find(scope.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    if is_private_to_other(scope, &row) {
        return Err(AppError::NotFound);
    }
    if scope.visible_owners.is_some() && !storage::on_visible_record(scope.conn(), id).await? {
        return Err(AppError::NotFound);
    }
    open_named(scope, vec![row])
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// Captured mail that only its mailbox owner, someone else, may see yet.
fn is_private_to_other(scope: &Scope, row: &SealedInteraction) -> bool {
    row.private_to.is_some_and(|owner| owner != scope.user_id())
}

/// Opens rows (in their order) and names their contacts and organisation.
async fn open_named(
    scope: &mut Scope,
    rows: Vec<SealedInteraction>,
) -> AppResult<Vec<Interaction>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.interaction_id).collect();
    let order: HashMap<Uuid, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let (sealed, plain): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| r.is_sealed());
    let mut items: Vec<Interaction> = scope
        .open_rows(
            TABLE,
            sealed,
            |r| (r.interaction_id, r.interaction_id),
            |c, r| r.open(Some(c)),
        )
        .await?;
    for row in plain {
        items.push(row.open(None)?);
    }
    items.sort_by_key(|i| order[&i.id]);
    let links = storage::links(scope.conn(), &ids).await?;
    let contact_ids: Vec<Uuid> = links
        .iter()
        .filter(|(_, kind, _)| *kind == RecordKind::Contact as i16)
        .map(|(_, _, id)| *id)
        .collect();
    let org_ids: Vec<Uuid> = links
        .iter()
        .filter(|(_, kind, _)| *kind == RecordKind::Organisation as i16)
        .map(|(_, _, id)| *id)
        .collect();
    let contact_names = contacts::names_unaudited(scope, &contact_ids).await?;
    let org_names = organisations::names_unaudited(scope, &org_ids).await?;
    let sent: Vec<Uuid> = items
        .iter()
        .filter(|i| i.kind == InteractionKind::Email)
        .map(|i| i.id)
        .collect();
    let mut deliveries: HashMap<Uuid, _> =
        mail::deliveries(scope, &sent).await?.into_iter().collect();
    for item in items.iter_mut() {
        item.delivery = deliveries.remove(&item.id);
        for (interaction, kind, record) in links.iter().filter(|l| l.0 == item.id) {
            let _ = interaction;
            if *kind == RecordKind::Contact as i16 {
                if let Some(name) = contact_names.get(record) {
                    item.contacts.push(RecordRef {
                        id: *record,
                        name: name.clone(),
                    });
                }
            } else if let Some(name) = org_names.get(record) {
                item.organisation = Some(RecordRef {
                    id: *record,
                    name: name.clone(),
                });
            }
        }
    }
    Ok(items)
}

/// One entry naming every contact and organisation whose entries were shown.
async fn audit_shown(
    scope: &mut Scope,
    action: InteractionAudit,
    items: &[Interaction],
    record: Option<Uuid>,
) -> AppResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let mut subjects: Vec<Uuid> = record.into_iter().collect();
    for item in items {
        subjects.extend(item.contacts.iter().map(|c| c.id));
        subjects.extend(item.organisation.as_ref().map(|o| o.id));
    }
    let event = scope
        .event(audited(action))
        .subjects(&subjects)
        .fields(&AUDITED_FIELDS);
    scope.audit(event).await
}

/// The records an input links to: its contacts, their organisations, and the
/// organisation named directly. Unknown contacts are a field error.
async fn links_of(
    scope: &mut Scope,
    input: &InteractionInput,
) -> AppResult<Vec<(RecordKind, Uuid)>> {
    let known = contacts::organisation_ids(scope, &input.contact_ids).await?;
    if known.len() != input.contact_ids.len() {
        return Err(AppError::Validation(FieldErrors::single(
            "contact_ids",
            Problem::UnknownReference,
        )));
    }
    let mut links: Vec<(RecordKind, Uuid)> = input
        .contact_ids
        .iter()
        .map(|id| (RecordKind::Contact, *id))
        .collect();
    let mut orgs: Vec<Uuid> = known.values().flatten().copied().collect();
    orgs.extend(input.organisation_id);
    orgs.sort_unstable();
    orgs.dedup();
    if let Some(org) = input.organisation_id {
        if organisations::names_unaudited(scope, &[org])
            .await?
            .is_empty()
        {
            return Err(AppError::Validation(FieldErrors::single(
                "organisation_id",
                Problem::UnknownReference,
            )));
        }
    }
    links.extend(orgs.into_iter().map(|id| (RecordKind::Organisation, id)));
    Ok(links)
}

fn new_from_input<'a>(id: Uuid, input: &'a InteractionInput, by: Uuid) -> NewInteraction<'a> {
    NewInteraction {
        id,
        kind: input.kind,
        occurred_at: input.occurred_at(),
        direction: input.direction,
        duration_secs: input.duration_secs(),
        outcome: input.outcome,
        channel: input.channel,
        subject: &input.subject,
        body: &input.body,
        participants: &[],
        history: None,
        message_bidx: None,
        thread_id: None,
        private_to: None,
        created_by: Some(by),
    }
}

/// Logs a note, call, meeting or message with the given contacts.
pub async fn create(scope: &mut Scope, input: &InteractionInput) -> AppResult<Interaction> {
    scope.require(Area::Timeline, Action::Create)?;
    let input = input.normalized();
    input.validate().into_result()?;
    let links = links_of(scope, &input).await?;
    let id = Uuid::now_v7();
    let new = new_from_input(id, &input, scope.user_id());
    insert_unaudited(scope, &new, &links).await?;
    let subjects: Vec<Uuid> = links.iter().map(|(_, id)| *id).collect();
    let event = scope
        .event(audited(InteractionAudit::Create))
        .subjects(&subjects)
        .fields(&AUDITED_FIELDS);
    scope.audit(event).await?;
    crate::backend::services::webhooks::emit(
        scope,
        crate::model::webhooks::WebhookEvent::InteractionCreated,
        id,
        &AUDITED_FIELDS,
        None::<&()>,
    )
    .await?;
    load(scope, id).await
}

/// A message from another channel, put on the timeline of every contact whose
/// e-mail address or phone number is the sender's. A sender no contact has is
/// refused (`from`: unknown reference) and nothing is stored: Tessera keeps no
/// messages of strangers.
pub async fn receive(scope: &mut Scope, message: &InboundMessage) -> AppResult<Interaction> {
    scope.require(Area::Timeline, Action::Create)?;
    message.validate().into_result()?;
    let senders = contacts::ids_by_address_unaudited(scope, message.from.trim()).await?;
    if senders.is_empty() {
        return Err(AppError::Validation(FieldErrors::single(
            "from",
            Problem::UnknownReference,
        )));
    }
    create(scope, &message.interaction(senders)).await
}

/// Stores an interaction (sealed, indexed, linked). The caller checked the
/// permission and audits; used by mail sending and capture too.
pub async fn insert_unaudited(
    scope: &mut Scope,
    new: &NewInteraction<'_>,
    links: &[(RecordKind, Uuid)],
) -> AppResult<()> {
    let tenant_id = scope.tenant_id();
    let has_text = !new.subject.is_empty() || !new.body.is_empty() || !new.participants.is_empty();
    if has_text {
        let key = scope.create_subject_key(new.id).await?;
        let index = scope.index_key().await?;
        let cipher = scope.cipher(&key, TABLE, new.id);
        let text = SealedText::seal(&cipher, new.subject, new.body, new.participants);
        storage::insert(scope.conn(), tenant_id, new, text).await?;
        let tokens = index.word_tokens(&[new.subject, new.body]);
        search::write_tokens(
            scope.conn(),
            tenant_id,
            RecordKind::Interaction,
            new.id,
            &tokens,
        )
        .await?;
        KeyStore::count_encryptions(scope.conn(), new.id, SEALED_FIELDS).await?;
    } else {
        // History entries hold no personal data and need no key.
        storage::insert(scope.conn(), tenant_id, new, SealedText::none()).await?;
    }
    storage::link(
        scope.conn(),
        tenant_id,
        new.id,
        new.kind,
        new.occurred_at,
        links,
    )
    .await
}

/// Puts a record change on a record's timeline. The calling service has checked its
/// own permission and audits the change itself.
pub async fn record_history(
    scope: &mut Scope,
    record: (RecordKind, Uuid),
    event: HistoryEvent,
) -> AppResult<()> {
    let new = NewInteraction {
        id: Uuid::now_v7(),
        kind: InteractionKind::History,
        occurred_at: time::OffsetDateTime::now_utc(),
        direction: None,
        duration_secs: None,
        outcome: None,
        channel: None,
        subject: "",
        body: "",
        participants: &[],
        history: Some(&event),
        message_bidx: None,
        thread_id: None,
        private_to: None,
        created_by: Some(scope.user_id()),
    };
    insert_unaudited(scope, &new, &[record]).await
}

/// Changes an entry someone logged (history and captured mail are not edited).
pub async fn update(
    scope: &mut Scope,
    id: Uuid,
    version: i32,
    input: &InteractionInput,
) -> AppResult<Interaction> {
    scope.require(Area::Timeline, Action::Update)?;
    let input = input.normalized();
    input.validate().into_result()?;
    let row = editable(scope, id, Some(version)).await?;
    let links = links_of(scope, &input).await?;
    let key = scope.subject_key(id).await;
    let key = match key {
        Ok(key) => key,
        Err(_) if !row.is_sealed() => scope.create_subject_key(id).await?,
        Err(err) => return Err(err),
    };
    let new = new_from_input(id, &input, scope.user_id());
    let index = scope.index_key().await?;
    let cipher = scope.cipher(&key, TABLE, id);
    let text = SealedText::seal(&cipher, &input.subject, &input.body, &[]);
    let tenant_id = scope.tenant_id();
    storage::update(scope.conn(), id, &new, text).await?;
    let tokens = index.word_tokens(&[&input.subject, &input.body]);
    search::write_tokens(
        scope.conn(),
        tenant_id,
        RecordKind::Interaction,
        id,
        &tokens,
    )
    .await?;
    storage::unlink_all(scope.conn(), id).await?;
    storage::link(
        scope.conn(),
        tenant_id,
        id,
        new.kind,
        new.occurred_at,
        &links,
    )
    .await?;
    KeyStore::count_encryptions(scope.conn(), id, SEALED_FIELDS).await?;
    let subjects: Vec<Uuid> = links.iter().map(|(_, id)| *id).collect();
    let event = scope
        .event(audited(InteractionAudit::Update))
        .subjects(&subjects)
        .fields(&AUDITED_FIELDS);
    scope.audit(event).await?;
    load(scope, id).await
}

/// The entry, locked, if it may be edited by the principal.
async fn editable(
    scope: &mut Scope,
    id: Uuid,
    version: Option<i32>,
) -> AppResult<SealedInteraction> {
    let row = storage::find(scope.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    if is_private_to_other(scope, &row) {
        return Err(AppError::NotFound);
    }
    if matches!(
        row.kind(),
        InteractionKind::History | InteractionKind::Email
    ) {
        return Err(AppError::Forbidden);
    }
    if version.is_some_and(|v| v != row.version) {
        return Err(AppError::Conflict);
    }
    Ok(row)
}

pub async fn delete(scope: &mut Scope, id: Uuid) -> AppResult<()> {
    scope.require(Area::Timeline, Action::Delete)?;
    editable(scope, id, None).await?;
    let linked: Vec<Uuid> = storage::links(scope.conn(), &[id])
        .await?
        .into_iter()
        .map(|(_, _, record)| record)
        .collect();
    erase_unaudited(scope, id).await?;
    let event = scope
        .event(audited(InteractionAudit::Delete))
        .subjects(&linked);
    scope.audit(event).await
}

pub async fn erase_unaudited(scope: &mut Scope, id: Uuid) -> AppResult<()> {
    storage::delete(scope.conn(), id).await?;
    KeyStore::destroy_subject_key(scope.conn(), id).await
}

/// Makes a captured mail and the rest of its thread visible to colleagues (the
/// mailbox owner decides).
pub async fn share(scope: &mut Scope, id: Uuid) -> AppResult<()> {
    scope.require(Area::Timeline, Action::Read)?;
    let row = storage::find(scope.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let opened = row.open(None)?;
    if !opened.private {
        return Ok(());
    }
    if is_private_to_other(scope, &row) {
        return Err(AppError::NotFound);
    }
    let me = scope.user_id();
    let shared = storage::share_thread(scope.conn(), id, me).await?;
    let mut linked: Vec<Uuid> = storage::links(scope.conn(), &shared)
        .await?
        .into_iter()
        .map(|(_, _, record)| record)
        .collect();
    linked.sort_unstable();
    linked.dedup();
    let event = scope
        .event(audited(InteractionAudit::Shared))
        .subjects(&linked);
    scope.audit(event).await
}
