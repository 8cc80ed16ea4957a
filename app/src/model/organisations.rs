//! Organisations: the customers' companies, with their contacts.

use super::contacts::{choice, RecordFilter, RecordRef};
use super::paging::PageRequest;
use super::records::{self, Classification, PostalAddress};
use super::validation::{self, FieldErrors};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

pub const NAME_MAX: usize = 200;
pub const NOTES_MAX: usize = 10_000;

/// An organisation's fields as the audit log names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum OrganisationField {
    Name,
    LegalForm,
    Industry,
    Size,
    Website,
    VatId,
    Email,
    Phone,
    BillingAddress,
    DeliveryAddress,
    Owner,
    Parent,
    Tags,
    Classification,
    Notes,
}

impl OrganisationField {
    pub fn name(self) -> &'static str {
        self.into()
    }

    pub fn all() -> impl Iterator<Item = OrganisationField> {
        <Self as strum::VariantArray>::VARIANTS.iter().copied()
    }

    pub const SUMMARY: [OrganisationField; 4] = [
        OrganisationField::Name,
        OrganisationField::Email,
        OrganisationField::Phone,
        OrganisationField::BillingAddress,
    ];
}

audit_events! {
    /// What the audit log records about organisations (`organisation.<event>`).
    pub enum OrganisationAudit {
        Read,
        List,
        Search,
        Create,
        Update,
        Delete,
        Export,
        BulkUpdate,
        BulkDelete,
        SentToWebhook,
    }
}

choice! {
    /// Company size by employees (EU SME classes).
    SizeClass { Micro, Small, Medium, Large } default Unknown
}

/// Common German legal forms, offered as suggestions (any text is accepted).
pub const LEGAL_FORMS: &[&str] = &[
    "GmbH",
    "AG",
    "UG (haftungsbeschränkt)",
    "GmbH & Co. KG",
    "KG",
    "OHG",
    "GbR",
    "e. K.",
    "e. V.",
    "SE",
];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrganisationInput {
    pub name: String,
    pub legal_form: String,
    pub industry: String,
    pub size: SizeClass,
    pub website: String,
    pub vat_id: String,
    pub email: String,
    pub phone: String,
    pub billing_address: PostalAddress,
    pub delivery_address: PostalAddress,
    #[serde(with = "records::optional")]
    pub owner_id: Option<Uuid>,
    #[serde(with = "records::optional")]
    pub parent_id: Option<Uuid>,
    pub tags: String,
    #[serde(with = "records::optional")]
    pub classification: Option<Classification>,
    pub notes: String,
}

impl OrganisationInput {
    pub fn normalized(&self) -> Self {
        Self {
            name: self.name.split_whitespace().collect::<Vec<_>>().join(" "),
            legal_form: self.legal_form.trim().to_owned(),
            industry: self.industry.trim().to_owned(),
            size: self.size,
            website: records::normalize_website(&self.website),
            vat_id: self
                .vat_id
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_uppercase(),
            email: validation::normalize_email(&self.email),
            phone: self.phone.trim().to_owned(),
            billing_address: self.billing_address.normalized(),
            delivery_address: self.delivery_address.normalized(),
            owner_id: self.owner_id,
            parent_id: self.parent_id,
            tags: records::tags_text(&records::parse_tags(&self.tags)),
            classification: self.classification,
            notes: self.notes.trim().to_owned(),
        }
    }

    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.check("name", validation::required(&self.name, NAME_MAX));
        errors.check("legal_form", validation::max_len(&self.legal_form, 60));
        errors.check("industry", validation::max_len(&self.industry, 100));
        errors.check("website", records::optional_website(&self.website));
        errors.check("vat_id", validation::optional_vat_id(&self.vat_id));
        errors.check("email", validation::optional_email(&self.email));
        errors.check("phone", validation::optional_phone(&self.phone));
        self.billing_address
            .validate_into("billing_address", &mut errors);
        self.delivery_address
            .validate_into("delivery_address", &mut errors);
        records::validate_tags(&self.tags, &mut errors);
        errors.check("notes", validation::max_len(&self.notes, NOTES_MAX));
        errors
    }

    pub fn tag_list(&self) -> Vec<String> {
        records::parse_tags(&self.tags)
    }

    /// The name with its legal form, as letters and lists show it.
    pub fn display_name(&self) -> String {
        display_name(&self.name, &self.legal_form)
    }

    fn field_value(&self, field: OrganisationField) -> String {
        use OrganisationField::*;
        match field {
            Name => self.name.clone(),
            LegalForm => self.legal_form.clone(),
            Industry => self.industry.clone(),
            Size => self.size.code().into(),
            Website => self.website.clone(),
            VatId => self.vat_id.clone(),
            Email => self.email.clone(),
            Phone => self.phone.clone(),
            BillingAddress => format!("{:?}", self.billing_address),
            DeliveryAddress => format!("{:?}", self.delivery_address),
            Owner => format!("{:?}", self.owner_id),
            Parent => format!("{:?}", self.parent_id),
            Tags => self.tag_list().join("\u{1f}"),
            Classification => format!("{:?}", self.classification),
            Notes => self.notes.clone(),
        }
    }

    /// Names of the fields whose values differ from `other` (never the values).
    pub fn changed_fields(&self, other: &OrganisationInput) -> Vec<&'static str> {
        OrganisationField::all()
            .filter(|f| self.field_value(*f) != other.field_value(*f))
            .map(OrganisationField::name)
            .collect()
    }
}

/// `Muster GmbH`: the legal form appended unless the name already ends with it.
pub fn display_name(name: &str, legal_form: &str) -> String {
    if legal_form.is_empty() || name.ends_with(legal_form) {
        name.to_owned()
    } else {
        format!("{name} {legal_form}")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: Uuid,
    pub input: OrganisationInput,
    pub parent: Option<RecordRef>,
    /// Organisations whose parent this one is.
    pub subsidiaries: Vec<RecordRef>,
    pub version: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl Organisation {
    pub fn display_name(&self) -> String {
        self.input.display_name()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationSummary {
    pub id: Uuid,
    /// With the legal form.
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub city: Option<String>,
    pub industry: String,
    pub owner_id: Option<Uuid>,
    pub classification: Option<Classification>,
    pub tags: Vec<String>,
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, strum::VariantArray,
)]
pub enum OrganisationSort {
    #[default]
    NameAsc,
    NewestFirst,
    RecentlyChanged,
}

impl OrganisationSort {
    pub fn all() -> impl Iterator<Item = OrganisationSort> {
        <Self as strum::VariantArray>::VARIANTS.iter().copied()
    }

    pub fn as_param(self) -> &'static str {
        match self {
            OrganisationSort::NameAsc => "name",
            OrganisationSort::NewestFirst => "-created",
            OrganisationSort::RecentlyChanged => "-updated",
        }
    }

    pub fn from_param(value: &str) -> Self {
        Self::all()
            .find(|s| s.as_param() == value)
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrganisationListQuery {
    pub q: String,
    pub filter: RecordFilter,
    pub sort: OrganisationSort,
    pub after: Option<String>,
    pub before: Option<String>,
}

impl OrganisationListQuery {
    pub fn page_request(&self) -> PageRequest {
        PageRequest {
            after: self.after.clone(),
            before: self.before.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationPage {
    pub items: Vec<OrganisationSummary>,
    pub next: Option<String>,
    pub prev: Option<String>,
    pub total: i64,
    pub sort: OrganisationSort,
    pub ranked: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::validation::Problem;

    #[test]
    fn normalisation_and_rules() {
        let input = OrganisationInput {
            name: "  Muster   Maschinenbau ".into(),
            legal_form: "GmbH".into(),
            website: "muster.de".into(),
            vat_id: "de 123 456 789".into(),
            email: "Info@Muster.DE".into(),
            ..Default::default()
        }
        .normalized();
        assert_eq!(input.name, "Muster Maschinenbau");
        assert_eq!(input.website, "https://muster.de");
        assert_eq!(input.vat_id, "DE123456789");
        assert_eq!(input.display_name(), "Muster Maschinenbau GmbH");
        assert!(input.validate().is_empty());

        let bad = OrganisationInput {
            vat_id: "DE12".into(),
            website: "https://nowhere".into(),
            ..Default::default()
        };
        let errors = bad.validate();
        assert_eq!(errors.get("name"), Some(Problem::Required));
        assert_eq!(errors.get("vat_id"), Some(Problem::InvalidVatId));
        assert_eq!(errors.get("website"), Some(Problem::InvalidUrl));
    }

    #[test]
    fn display_names_do_not_repeat_the_legal_form() {
        assert_eq!(display_name("Muster GmbH", "GmbH"), "Muster GmbH");
        assert_eq!(display_name("Muster", "Inc."), "Muster Inc.");
        assert_eq!(display_name("Muster", ""), "Muster");
    }

    #[test]
    fn changed_fields_and_sorts() {
        let before = OrganisationInput {
            name: "Muster".into(),
            ..Default::default()
        };
        let after = OrganisationInput {
            industry: "Maschinenbau".into(),
            ..before.clone()
        };
        assert_eq!(after.changed_fields(&before), vec!["industry"]);
        for sort in OrganisationSort::all() {
            assert_eq!(OrganisationSort::from_param(sort.as_param()), sort);
        }
    }
}
