//! Data upgrades that SQL cannot do because they decrypt: run after the migrations,
//! idempotent, one tenant transaction at a time.
//!
//! Contacts of the first version had one e-mail, one phone and their organisation as
//! free text (`legacy_*` columns since migration `20261201000001`). The upgrade moves
//! e-mail and phone into the typed lists and links each contact to an organisation
//! record, found by its name's fingerprint or created once per distinct name.

use super::crypto::RecordCipher;
use super::services::{contacts, organisations};
use super::tenancy::begin_for_tenant;
use super::{Backend, Scope};
use crate::backend::search::{self, Fingerprint, RecordKind};
use crate::model::audit::AuditAction;
use crate::model::contacts::{ContactAudit, EmailEntry, EmailKind, PhoneEntry, PhoneKind};
use crate::model::organisations::{OrganisationInput, LEGAL_FORMS};
use crate::AppResult;
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// Upgrades every tenant; returns how many contacts were moved. `owner` lists the
/// tenants (the one maintenance function the application role may not call).
pub async fn run(backend: &Arc<Backend>, owner: &PgPool) -> AppResult<u64> {
    let tenants: Vec<Uuid> =
        sqlx::query_scalar!(r#"SELECT t AS "t!" FROM maintenance_tenant_ids() t"#)
            .fetch_all(owner)
            .await?;
    let mut moved = 0;
    for tenant_id in tenants {
        moved += upgrade_tenant(backend, tenant_id).await?;
    }
    if moved > 0 {
        tracing::info!(
            moved,
            "contacts upgraded to typed e-mails, phones and organisations"
        );
    }
    Ok(moved)
}

/// Splits `Muster Maschinenbau GmbH` into name and legal form.
fn split_legal_form(text: &str) -> (String, String) {
    let text = text.trim();
    for form in LEGAL_FORMS.iter().chain(&["KG", "OHG", "e. K."]) {
        if let Some(name) = text.strip_suffix(form) {
            if name.ends_with(' ') && !name.trim().is_empty() {
                return (name.trim().to_owned(), (*form).to_owned());
            }
        }
    }
    (text.to_owned(), String::new())
}

async fn upgrade_tenant(backend: &Arc<Backend>, tenant_id: Uuid) -> AppResult<u64> {
    let mut tx = begin_for_tenant(&backend.db, tenant_id).await?;
    let legacy = sqlx::query!(
        "SELECT contact_id, created_by, legacy_email_ct, legacy_phone_ct, legacy_organisation_ct
         FROM contacts
         WHERE legacy_email_ct IS NOT NULL OR legacy_phone_ct IS NOT NULL OR legacy_organisation_ct IS NOT NULL"
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let Some(first) = legacy.first() else {
        return Ok(0);
    };
    // The upgrade acts as the account that created the first such contact.
    let mut scope = Scope::begin(backend.clone(), tenant_id, first.created_by).await?;
    let mut created: HashMap<Vec<u8>, Uuid> = HashMap::new();
    let index = scope.index_key().await?;
    let mut ids = Vec::with_capacity(legacy.len());
    for row in &legacy {
        let id = row.contact_id;
        let key = scope.subject_key(id).await?;
        let cipher = RecordCipher {
            key: &key,
            tenant_id,
            table: contacts::storage::TABLE,
            row_id: id,
        };
        let email = cipher.open_optional("email", row.legacy_email_ct.as_deref())?;
        let phone = cipher.open_optional("phone", row.legacy_phone_ct.as_deref())?;
        let organisation =
            cipher.open_optional("organisation", row.legacy_organisation_ct.as_deref())?;
        let before = contacts::locked_input(&mut scope, id, None).await?;
        let mut input = before.clone();
        input.emails = email
            .into_iter()
            .map(|address| EmailEntry {
                kind: EmailKind::Work,
                address,
            })
            .collect();
        input.phones = phone
            .into_iter()
            .map(|number| PhoneEntry {
                kind: PhoneKind::Work,
                number,
            })
            .collect();
        if let Some(text) = organisation.filter(|t| !t.trim().is_empty()) {
            let (name, legal_form) = split_legal_form(&text);
            let org_input = OrganisationInput {
                name,
                legal_form,
                ..Default::default()
            }
            .normalized();
            let fingerprint = index.organisation_name(&org_input.display_name());
            let existing = match created.get(&fingerprint) {
                Some(id) => Some(*id),
                None => search::by_fingerprint(
                    scope.conn(),
                    RecordKind::Organisation,
                    Fingerprint::Name,
                    &fingerprint,
                )
                .await?
                .first()
                .copied(),
            };
            let org_id = match existing {
                Some(org_id) => org_id,
                None => {
                    let org_id = Uuid::now_v7();
                    organisations::insert_unaudited(&mut scope, org_id, &org_input).await?;
                    created.insert(fingerprint, org_id);
                    org_id
                }
            };
            input.organisation_id = Some(org_id);
        }
        contacts::write_unaudited(&mut scope, id, &before, &input).await?;
        sqlx::query!(
            "UPDATE contacts SET legacy_email_ct = NULL, legacy_phone_ct = NULL, legacy_organisation_ct = NULL
             WHERE contact_id = $1",
            id
        )
        .execute(scope.conn())
        .await?;
        ids.push(id);
    }
    // One entry for the whole upgrade, by no employee: the system moved the data.
    let fields = ["emails", "phones", "organisation"];
    let event = super::audit::AuditEvent::new(None, AuditAction::Contact(ContactAudit::Update))
        .subjects(&ids)
        .fields(&fields);
    scope.audit(event).await?;
    scope.commit().await?;
    Ok(ids.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::split_legal_form;

    #[test]
    fn legal_forms_are_split_off() {
        assert_eq!(
            split_legal_form("Müller Maschinenbau GmbH"),
            ("Müller Maschinenbau".into(), "GmbH".into())
        );
        assert_eq!(
            split_legal_form("Pfälzer Autohaus GmbH & Co. KG"),
            ("Pfälzer Autohaus".into(), "GmbH & Co. KG".into())
        );
        assert_eq!(
            split_legal_form("Muster Inc."),
            ("Muster Inc.".into(), "".into())
        );
        assert_eq!(split_legal_form("GmbH"), ("GmbH".into(), "".into()));
    }
}
