//! The command palette's search: the best few contacts and organisations for what
//! was typed (name words, e-mail or phone), through the blind indexes. Each kind's
//! hits are one audited search, naming the records shown and never the query.

use crate::backend::search::{self, Lookup, RecordKind};
use crate::backend::services::{contacts, organisations};
use crate::backend::Scope;
use crate::model::audit::AuditAction;
use crate::model::contacts::{ContactAudit, ContactField, ContactListQuery};
use crate::model::organisations::{OrganisationAudit, OrganisationField, OrganisationListQuery};
use crate::model::palette::{PaletteHit, PaletteResults, HITS};
use crate::model::permission::{Action, Area};
use crate::AppResult;
use uuid::Uuid;

pub async fn search(scope: &mut Scope, q: &str) -> AppResult<PaletteResults> {
    let mut results = PaletteResults::default();
    if q.trim().chars().count() < 2 {
        return Ok(results);
    }
    let index = scope.index_key().await?;
    let lookup = Lookup::classify(&index, q);
    if scope.may(Area::Contacts, Action::Read) {
        let ids = search::top_ids(scope.conn(), RecordKind::Contact, &lookup, HITS).await?;
        results.contacts = contact_hits(scope, &ids).await?;
    }
    if scope.may(Area::Organisations, Action::Read) {
        let ids = search::top_ids(scope.conn(), RecordKind::Organisation, &lookup, HITS).await?;
        results.organisations = organisation_hits(scope, &ids).await?;
    }
    Ok(results)
}

async fn contact_hits(scope: &mut Scope, ids: &[Uuid]) -> AppResult<Vec<PaletteHit>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = contacts::summaries_unaudited(scope, ids, &ContactListQuery::default()).await?;
    let org_ids: Vec<Uuid> = rows
        .iter()
        .filter_map(|r| r.organisation.as_ref().map(|o| o.id))
        .collect();
    let orgs = organisations::names_unaudited(scope, &org_ids).await?;
    let hits: Vec<PaletteHit> = ids
        .iter()
        .filter_map(|id| rows.iter().find(|r| r.id == *id))
        .map(|r| PaletteHit {
            id: r.id,
            href: format!("/contacts/{}", r.id),
            title: format!("{} {}", r.first_name, r.last_name),
            detail: r
                .organisation
                .as_ref()
                .and_then(|o| orgs.get(&o.id).cloned())
                .or_else(|| r.email.clone()),
        })
        .collect();
    let shown: Vec<Uuid> = hits.iter().map(|h| h.id).collect();
    let fields = [
        ContactField::FirstName.name(),
        ContactField::LastName.name(),
        ContactField::Emails.name(),
        ContactField::Organisation.name(),
    ];
    let event = scope
        .event(AuditAction::Contact(ContactAudit::Search))
        .subjects(&shown)
        .fields(&fields);
    scope.audit(event).await?;
    Ok(hits)
}

async fn organisation_hits(scope: &mut Scope, ids: &[Uuid]) -> AppResult<Vec<PaletteHit>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows =
        organisations::summaries_unaudited(scope, ids, &OrganisationListQuery::default()).await?;
    let hits: Vec<PaletteHit> = ids
        .iter()
        .filter_map(|id| rows.iter().find(|r| r.id == *id))
        .map(|r| PaletteHit {
            id: r.id,
            href: format!("/organisations/{}", r.id),
            title: r.name.clone(),
            detail: r.city.clone().or_else(|| r.email.clone()),
        })
        .collect();
    let shown: Vec<Uuid> = hits.iter().map(|h| h.id).collect();
    let fields = [
        OrganisationField::Name.name(),
        OrganisationField::BillingAddress.name(),
    ];
    let event = scope
        .event(AuditAction::Organisation(OrganisationAudit::Search))
        .subjects(&shown)
        .fields(&fields);
    scope.audit(event).await?;
    Ok(hits)
}
