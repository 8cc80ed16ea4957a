//! Exports of filtered lists: contacts as CSV or vCard, organisations as CSV. Every
//! export names its purpose and is audited as one entry naming every record in it.

mod sheet;
mod vcard;

pub use sheet::{neutralise, write_plain};

use crate::backend::services::{contacts, organisations};
use crate::backend::Scope;
use crate::i18n::Locale;
use crate::model::audit::{AuditAction, AuditPurpose};
use crate::model::contacts::{ContactAudit, ContactField, ContactListQuery};
use crate::model::organisations::{OrganisationAudit, OrganisationListQuery};
use crate::model::permission::{Action, Area};
use crate::{AppError, AppResult};
use uuid::Uuid;

/// Rows per export at most.
pub const EXPORT_LIMIT: i64 = 200_000;
/// Records opened at a time.
const CHUNK: usize = 1_000;

fn check_purpose(purpose: AuditPurpose) -> AppResult<()> {
    if AuditPurpose::for_records().any(|p| p == purpose) {
        Ok(())
    } else {
        Err(AppError::BadRequest)
    }
}

async fn audit(
    scope: &mut Scope,
    action: AuditAction,
    ids: &[Uuid],
    fields: &[&str],
    purpose: AuditPurpose,
) -> AppResult<()> {
    let event = scope
        .event(action)
        .subjects(ids)
        .fields(fields)
        .purpose(Some(purpose));
    scope.audit(event).await
}

const CONTACT_HEADER_DE: [&str; 19] = [
    "Anrede",
    "Titel",
    "Vorname",
    "Nachname",
    "E-Mail",
    "E-Mail 2",
    "Telefon",
    "Mobil",
    "Straße",
    "PLZ",
    "Ort",
    "Land",
    "Geburtstag",
    "Organisation",
    "Position",
    "Phase",
    "ABC-Klasse",
    "Schlagwörter",
    "Kundennummer",
];
const CONTACT_HEADER_EN: [&str; 19] = [
    "Salutation",
    "Title",
    "First name",
    "Last name",
    "E-mail",
    "E-mail 2",
    "Phone",
    "Mobile",
    "Street",
    "Postal code",
    "City",
    "Country",
    "Birthday",
    "Organisation",
    "Position",
    "Stage",
    "ABC class",
    "Tags",
    "Customer number",
];

/// The contacts a list query matches, as CSV in the user's language.
pub async fn contacts_csv(
    scope: &mut Scope,
    query: &ContactListQuery,
    purpose: AuditPurpose,
    locale: Locale,
) -> AppResult<Vec<u8>> {
    scope.require(Area::Contacts, Action::Export)?;
    check_purpose(purpose)?;
    let t = locale.texts();
    let ids = contacts::matching_ids(scope, query, EXPORT_LIMIT).await?;
    let mut rows = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        for c in contacts::full_unaudited(scope, chunk).await? {
            let i = &c.input;
            let email = |n: usize| {
                i.emails
                    .get(n)
                    .map(|e| e.address.clone())
                    .unwrap_or_default()
            };
            let phone = |kind: crate::model::contacts::PhoneKind| {
                i.phones
                    .iter()
                    .find(|p| p.kind == kind)
                    .map(|p| p.number.clone())
                    .unwrap_or_default()
            };
            rows.push(vec![
                if i.salutation == crate::model::contacts::Salutation::Unspecified {
                    String::new()
                } else {
                    (t.records.salutations)(i.salutation).to_owned()
                },
                i.title.clone(),
                i.first_name.clone(),
                i.last_name.clone(),
                email(0),
                email(1),
                phone(crate::model::contacts::PhoneKind::Work),
                phone(crate::model::contacts::PhoneKind::Mobile),
                i.address.street.clone(),
                i.address.postal_code.clone(),
                i.address.city.clone(),
                i.address.country.clone(),
                crate::ui::format::date(&i.birthday).unwrap_or_default(),
                c.organisation
                    .as_ref()
                    .map(|o| o.name.clone())
                    .unwrap_or_default(),
                i.position.clone(),
                (t.records.stages)(i.stage).to_owned(),
                i.classification
                    .map(|k| k.letter().to_owned())
                    .unwrap_or_default(),
                i.tags.clone(),
                i.external_id.clone(),
            ]);
        }
    }
    let header: &[&str] = match locale {
        Locale::De => &CONTACT_HEADER_DE,
        Locale::En => &CONTACT_HEADER_EN,
    };
    let fields: Vec<&str> = ContactField::all()
        .filter(|f| *f != ContactField::Notes)
        .map(ContactField::name)
        .collect();
    audit(
        scope,
        AuditAction::Contact(ContactAudit::Export),
        &ids,
        &fields,
        purpose,
    )
    .await?;
    Ok(sheet::write(header, rows))
}

/// The contacts a list query matches, as vCards.
pub async fn contacts_vcard(
    scope: &mut Scope,
    query: &ContactListQuery,
    purpose: AuditPurpose,
) -> AppResult<String> {
    scope.require(Area::Contacts, Action::Export)?;
    check_purpose(purpose)?;
    let ids = contacts::matching_ids(scope, query, EXPORT_LIMIT).await?;
    let mut out = String::new();
    for chunk in ids.chunks(CHUNK) {
        for c in contacts::full_unaudited(scope, chunk).await? {
            out.push_str(&vcard::card(&c));
        }
    }
    let fields: Vec<&str> = ContactField::all().map(ContactField::name).collect();
    audit(
        scope,
        AuditAction::Contact(ContactAudit::Export),
        &ids,
        &fields,
        purpose,
    )
    .await?;
    Ok(out)
}

/// The organisations a list query matches, as CSV.
pub async fn organisations_csv(
    scope: &mut Scope,
    query: &OrganisationListQuery,
    purpose: AuditPurpose,
    locale: Locale,
) -> AppResult<Vec<u8>> {
    scope.require(Area::Organisations, Action::Export)?;
    check_purpose(purpose)?;
    let t = locale.texts();
    let ids = organisations::matching_ids(scope, query, EXPORT_LIMIT).await?;
    let mut rows = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        for o in organisations::full_unaudited(scope, chunk).await? {
            let i = &o.input;
            rows.push(vec![
                o.display_name(),
                i.industry.clone(),
                (t.records.sizes)(i.size).replace('—', ""),
                i.website.clone(),
                i.vat_id.clone(),
                i.email.clone(),
                i.phone.clone(),
                i.billing_address.street.clone(),
                i.billing_address.postal_code.clone(),
                i.billing_address.city.clone(),
                i.billing_address.country.clone(),
                i.classification
                    .map(|k| k.letter().to_owned())
                    .unwrap_or_default(),
                i.tags.clone(),
            ]);
        }
    }
    let header: &[&str] = match locale {
        Locale::De => &[
            "Name",
            "Branche",
            "Größe",
            "Website",
            "USt-IdNr.",
            "E-Mail",
            "Telefon",
            "Straße",
            "PLZ",
            "Ort",
            "Land",
            "ABC-Klasse",
            "Schlagwörter",
        ],
        Locale::En => &[
            "Name",
            "Industry",
            "Size",
            "Website",
            "VAT ID",
            "E-mail",
            "Phone",
            "Street",
            "Postal code",
            "City",
            "Country",
            "ABC class",
            "Tags",
        ],
    };
    let fields = [
        "name",
        "industry",
        "size",
        "website",
        "vat_id",
        "email",
        "phone",
        "billing_address",
        "tags",
        "classification",
    ];
    audit(
        scope,
        AuditAction::Organisation(OrganisationAudit::Export),
        &ids,
        &fields,
        purpose,
    )
    .await?;
    Ok(sheet::write(header, rows))
}
