//! The import job: every row in one transaction (all or nothing), progress between
//! batches, rows matched with existing contacts by e-mail, phone or customer number,
//! companies matched or created by their name's fingerprint; and undoing it.

use super::mapping::{self, MappedRow};
use super::storage::{self, TABLE};
use super::{column, parse};
use crate::backend::jobs::{Job, Outcome, Progress};
use crate::backend::search::{self, Fingerprint, RecordKind};
use crate::backend::services::{contacts, organisations};
use crate::backend::{Backend, Scope};
use crate::model::audit::AuditAction;
use crate::model::contacts::{ContactAudit, ContactInput};
use crate::model::imports::{ImportReport, ImportState, MatchBy, OnMatch, RowProblem, REPORT_MAX};
use crate::model::organisations::{OrganisationInput, LEGAL_FORMS};
use crate::model::permission::{Action, Area};
use crate::{AppError, AppResult};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// Rows per batch: progress is reported and cancellation checked between batches.
const BATCH: usize = 500;
const BEFORE: &str = "import_before";

/// `Muster Maschinenbau GmbH` → name and legal form.
fn organisation_input(
    text: &str,
    size: crate::model::organisations::SizeClass,
) -> OrganisationInput {
    let (mut name, mut legal_form) = (text.trim().to_owned(), String::new());
    for form in LEGAL_FORMS {
        if let Some(rest) = text.trim().strip_suffix(form) {
            if rest.ends_with(' ') && !rest.trim().is_empty() {
                name = rest.trim().to_owned();
                legal_form = (*form).to_owned();
                break;
            }
        }
    }
    OrganisationInput {
        name,
        legal_form,
        size,
        ..Default::default()
    }
    .normalized()
}

struct Importer {
    scope: Scope,
    match_by: MatchBy,
    on_match: OnMatch,
    index: crate::backend::crypto::IndexKey,
    organisations: HashMap<Vec<u8>, Uuid>,
    report: ImportReport,
    /// New contacts of the current batch, written together.
    pending: Vec<(Uuid, ContactInput)>,
    /// Everything created or updated: `(id, created, before)`.
    touched: Vec<(Uuid, bool, Option<Vec<u8>>)>,
}

impl Importer {
    fn problem(&mut self, problems: Vec<RowProblem>) {
        self.report.failed += 1;
        for p in problems {
            if self.report.problems.len() < REPORT_MAX {
                self.report.problems.push(p);
            }
        }
    }

    async fn organisation(
        &mut self,
        text: &str,
        size: crate::model::organisations::SizeClass,
    ) -> AppResult<Uuid> {
        let input = organisation_input(text, size);
        let fingerprint = self.index.organisation_name(&input.display_name());
        if let Some(id) = self.organisations.get(&fingerprint) {
            return Ok(*id);
        }
        let found = search::by_fingerprint(
            self.scope.conn(),
            RecordKind::Organisation,
            Fingerprint::Name,
            &fingerprint,
        )
        .await?;
        let id = match found.first() {
            Some(id) => *id,
            None => {
                let id = Uuid::now_v7();
                organisations::insert_unaudited(&mut self.scope, id, &input).await?;
                self.report.organisations_created += 1;
                id
            }
        };
        self.organisations.insert(fingerprint, id);
        Ok(id)
    }

    /// The existing contact a row is, by the chosen key.
    async fn existing(&mut self, contact: &ContactInput) -> AppResult<Option<Uuid>> {
        let (kind, bidx) = match self.match_by {
            MatchBy::Email => match contact.primary_email() {
                Some(e) => (Fingerprint::Email, self.index.email(e)),
                None => return Ok(None),
            },
            MatchBy::Phone => match contact
                .phones
                .first()
                .and_then(|p| self.index.phone(&p.number))
            {
                Some(b) => (Fingerprint::Phone, b),
                None => return Ok(None),
            },
            MatchBy::ExternalId if !contact.external_id.is_empty() => (
                Fingerprint::ExternalId,
                self.index.external_id(&contact.external_id),
            ),
            MatchBy::ExternalId => return Ok(None),
        };
        let in_batch = self.pending.iter().find(|(_, c)| match kind {
            Fingerprint::Email => c.primary_email() == contact.primary_email(),
            Fingerprint::ExternalId => c.external_id.eq_ignore_ascii_case(&contact.external_id),
            _ => false,
        });
        if let Some((id, _)) = in_batch {
            return Ok(Some(*id));
        }
        Ok(
            search::by_fingerprint(self.scope.conn(), RecordKind::Contact, kind, &bidx)
                .await?
                .first()
                .copied(),
        )
    }

    async fn row(
        &mut self,
        line: usize,
        fields: &[crate::model::imports::ImportField],
        mut row: MappedRow,
    ) -> AppResult<()> {
        let existing = if self.on_match == OnMatch::Create {
            None
        } else {
            self.existing(&row.contact).await?
        };
        let updating = matches!((existing, self.on_match), (Some(_), OnMatch::Update));
        if !updating && !row.problems.is_empty() {
            let problems = std::mem::take(&mut row.problems);
            self.problem(problems);
            return Ok(());
        }
        if let Some(org) = row.organisation.take() {
            row.contact.organisation_id = Some(self.organisation(&org, row.size).await?);
        }
        match (existing, self.on_match) {
            (Some(_), OnMatch::Skip) => self.report.skipped += 1,
            (Some(id), OnMatch::Update) if !self.pending.iter().any(|(p, _)| *p == id) => {
                let before = contacts::locked_input(&mut self.scope, id, None).await?;
                let mut after = mapping::update_over(&before, &row);
                if row.contact.organisation_id.is_some() {
                    after.organisation_id = row.contact.organisation_id;
                }
                let problems = mapping::problems_of(line, &after, fields);
                if !problems.is_empty() {
                    self.problem(problems);
                } else {
                    let key = self.scope.subject_key(id).await?;
                    let sealed = self
                        .scope
                        .cipher(&key, crate::backend::services::contacts::storage::TABLE, id)
                        .seal_json(BEFORE, &before);
                    contacts::write_unaudited(&mut self.scope, id, &before, &after).await?;
                    if !self.touched.iter().any(|t| t.0 == id) {
                        self.touched.push((id, false, Some(sealed)));
                    }
                    self.report.updated += 1;
                }
            }
            (Some(_), _) => self.report.skipped += 1,
            (None, _) => {
                let id = Uuid::now_v7();
                self.pending.push((id, row.contact));
                self.touched.push((id, true, None));
                self.report.created += 1;
            }
        }
        Ok(())
    }

    async fn flush(&mut self) -> AppResult<()> {
        let pending = std::mem::take(&mut self.pending);
        contacts::insert_many_unaudited(&mut self.scope, &pending).await
    }
}

async fn load_rows(scope: &mut Scope, id: Uuid) -> AppResult<Vec<(usize, Vec<String>)>> {
    let row = storage::find(scope.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let key = scope.subject_key(id).await?;
    let ct = row.file_ct.ok_or(AppError::Conflict)?;
    let text = scope.cipher(&key, TABLE, id).open(column::FILE, &ct)?;
    Ok(parse::read(text.as_bytes())?.rows)
}

/// Runs an import job for the employee who started it.
pub async fn run_job(backend: &Arc<Backend>, job: &Job, progress: &Progress) -> AppResult<Outcome> {
    let import_id: Uuid = job
        .payload
        .get("import")
        .and_then(|v| v.as_str())
        .and_then(|v| Uuid::parse_str(v).ok())
        .ok_or(AppError::Internal)?;
    let mut scope = Scope::begin(backend.clone(), job.tenant_id, job.created_by).await?;
    scope.require(Area::Contacts, Action::Create)?;
    let settings = storage::find(scope.conn(), import_id)
        .await?
        .ok_or(AppError::NotFound)?
        .settings()?
        .ok_or(AppError::Conflict)?;
    if settings.on_match == OnMatch::Update {
        scope.require(Area::Contacts, Action::Update)?;
    }
    let rows = load_rows(&mut scope, import_id).await?;
    let total = rows.len() as i64;
    let index = scope.index_key().await?;
    let mut importer = Importer {
        scope,
        match_by: settings.match_by,
        on_match: settings.on_match,
        index,
        organisations: HashMap::new(),
        report: ImportReport::default(),
        pending: Vec::new(),
        touched: Vec::new(),
    };
    progress.report(0, total).await?;
    for (done, batch) in rows.chunks(BATCH).enumerate() {
        if progress.cancel_requested().await? {
            // Dropping the scope rolls back every row written so far.
            return Ok(Outcome::Cancelled);
        }
        for (line, cells) in batch {
            match mapping::map_row(*line, cells, &settings.fields) {
                Ok(row) => importer.row(*line, &settings.fields, row).await?,
                Err(problems) => importer.problem(problems),
            }
        }
        importer.flush().await?;
        progress
            .report(((done + 1) * BATCH).min(rows.len()) as i64, total)
            .await?;
    }
    let Importer {
        mut scope,
        touched,
        report,
        ..
    } = importer;
    let ids: Vec<Uuid> = touched.iter().map(|t| t.0).collect();
    let created: Vec<bool> = touched.iter().map(|t| t.1).collect();
    let before: Vec<Option<Vec<u8>>> = touched.into_iter().map(|t| t.2).collect();
    let tenant_id = scope.tenant_id();
    storage::record_rows(scope.conn(), tenant_id, import_id, &ids, &created, &before).await?;
    storage::set_state(scope.conn(), import_id, ImportState::Done).await?;
    storage::forget_file(scope.conn(), import_id).await?;
    if !ids.is_empty() {
        let fields = [
            "first_name",
            "last_name",
            "emails",
            "phones",
            "address",
            "organisation",
        ];
        let event = scope
            .event(AuditAction::Contact(ContactAudit::Import))
            .subjects(&ids)
            .fields(&fields);
        scope.audit(event).await?;
    }
    scope.commit().await?;
    Ok(Outcome::Done(
        serde_json::to_value(&report).map_err(|_| AppError::Internal)?,
    ))
}

/// Undoes a finished import: created contacts are erased, updated ones get back
/// what they had before.
pub async fn undo(scope: &mut Scope, id: Uuid) -> AppResult<usize> {
    scope.require(Area::Contacts, Action::Delete)?;
    let row = storage::find(scope.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    if row.state() != ImportState::Done {
        return Err(AppError::Conflict);
    }
    let rows = storage::rows(scope.conn(), id).await?;
    let mut touched = Vec::with_capacity(rows.len());
    for r in &rows {
        if r.created {
            match contacts::delete(scope, r.contact_id).await {
                Ok(()) | Err(AppError::NotFound) => {}
                Err(err) => return Err(err),
            }
        } else if let Some(ct) = &r.before_ct {
            let key = scope.subject_key(r.contact_id).await?;
            let before: ContactInput = scope
                .cipher(
                    &key,
                    crate::backend::services::contacts::storage::TABLE,
                    r.contact_id,
                )
                .open_json(BEFORE, ct)?;
            match contacts::locked_input(scope, r.contact_id, None).await {
                Ok(current) => {
                    contacts::write_unaudited(scope, r.contact_id, &current, &before).await?;
                }
                Err(AppError::NotFound) => {}
                Err(err) => return Err(err),
            }
        }
        touched.push(r.contact_id);
    }
    storage::set_state(scope.conn(), id, ImportState::Undone).await?;
    let event = scope
        .event(AuditAction::Contact(ContactAudit::ImportUndone))
        .subjects(&touched);
    scope.audit(event).await?;
    Ok(touched.len())
}
