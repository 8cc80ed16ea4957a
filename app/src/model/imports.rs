//! Importing contacts from CSV files: the mapping of columns to fields, what to do
//! with contacts that exist, and the report of what happened.

use super::contacts::choice;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// Rows of the file shown with the mapping.
pub const PREVIEW_ROWS: usize = 5;
/// Problems listed in a report (the counts cover all).
pub const REPORT_MAX: usize = 500;

choice! {
    /// What a column becomes.
    ImportField {
        Salutation, Title, FirstName, LastName, FullName, Email, SecondEmail, Phone, Mobile,
        Street, PostalCode, City, Country, Birthday, Organisation, Employees, Position, Tags,
        Stage, Notes, ExternalId
    } default Ignore
}

impl ImportField {
    /// Header spellings (folded: lower case, without spaces, dashes, dots or umlauts)
    /// that map to the field automatically, German and English.
    pub fn synonyms(self) -> &'static [&'static str] {
        use ImportField::*;
        match self {
            Ignore => &[],
            Salutation => &["anrede", "salutation"],
            Title => &["titel", "title", "akademischertitel"],
            FirstName => &["vorname", "firstname", "givenname", "vornamen"],
            LastName => &["nachname", "lastname", "surname", "familienname", "name"],
            FullName => &[
                "vollername",
                "fullname",
                "kontakt",
                "ansprechpartner",
                "contact",
            ],
            Email => &["email", "mail", "emailadresse", "emailaddress", "email1"],
            SecondEmail => &["email2", "emailprivat", "privateemail"],
            Phone => &[
                "telefon",
                "phone",
                "tel",
                "telefonnummer",
                "festnetz",
                "telefongeschaeftlich",
            ],
            Mobile => &["mobil", "mobile", "handy", "mobiltelefon", "mobilenumber"],
            Street => &[
                "strasse",
                "street",
                "adresse",
                "address",
                "strasseundhausnummer",
            ],
            PostalCode => &["plz", "postleitzahl", "zip", "postalcode", "postcode"],
            City => &["ort", "stadt", "city", "wohnort"],
            Country => &["land", "country"],
            Birthday => &["geburtstag", "geburtsdatum", "birthday", "dateofbirth"],
            Organisation => &[
                "firma",
                "unternehmen",
                "organisation",
                "organization",
                "company",
                "firmenname",
            ],
            Employees => &[
                "mitarbeiter",
                "mitarbeiterzahl",
                "employees",
                "anzahlmitarbeiter",
            ],
            Position => &["position", "funktion", "jobtitle", "rolle", "abteilung"],
            Tags => &["schlagwoerter", "tags", "kategorie", "kategorien", "gruppe"],
            Stage => &["phase", "status", "stage", "lifecyclestage"],
            Notes => &[
                "notizen",
                "notiz",
                "bemerkung",
                "bemerkungen",
                "notes",
                "kommentar",
            ],
            ExternalId => &[
                "kundennummer",
                "kundennr",
                "externalid",
                "id",
                "nummer",
                "customerid",
            ],
        }
    }

    /// The field a header suggests, if any.
    pub fn suggest(header: &str) -> ImportField {
        let folded: String = header
            .to_lowercase()
            .replace('ä', "ae")
            .replace('ö', "oe")
            .replace('ü', "ue")
            .replace('ß', "ss")
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        Self::all()
            .find(|f| f.synonyms().contains(&folded.as_str()))
            .unwrap_or_default()
    }
}

choice! {
    /// What happens when a row matches an existing contact.
    OnMatch { Update, Create } default Skip
}

choice! {
    /// How rows are matched with existing contacts.
    MatchBy { Phone, ExternalId } default Email
}

/// The mapping and options a user chose for a file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportSettings {
    /// One field per column, in column order.
    pub fields: Vec<ImportField>,
    pub on_match: OnMatch,
    pub match_by: MatchBy,
}

/// An uploaded file, before it is imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportDraft {
    pub id: Uuid,
    pub columns: Vec<String>,
    pub preview: Vec<Vec<String>>,
    /// The mapping suggested from the headers (or the one chosen).
    pub settings: ImportSettings,
    pub row_count: usize,
    /// `utf-8` or `windows-1252`.
    pub encoding: String,
    /// `;` or `,`.
    pub delimiter: String,
    pub state: ImportState,
    pub job: Option<Uuid>,
    pub created_at: OffsetDateTime,
}

choice! { ImportState { Running, Done, Failed, Cancelled, Undone } default Draft }

/// One problem in one cell: the line in the file (1 = the header), the column
/// (0-based) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    pub line: usize,
    pub column: Option<usize>,
    pub problem: super::validation::Problem,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub skipped: usize,
    pub failed: usize,
    pub organisations_created: usize,
    /// The first [`REPORT_MAX`] problems.
    pub problems: Vec<RowProblem>,
}

/// Where an import stands, for the progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProgress {
    pub state: ImportState,
    pub done: i64,
    pub total: i64,
    pub report: Option<ImportReport>,
    /// An error code when the import failed as a whole.
    pub error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_and_english_headers_are_recognised() {
        assert_eq!(ImportField::suggest("Vorname"), ImportField::FirstName);
        assert_eq!(ImportField::suggest("E-Mail-Adresse"), ImportField::Email);
        assert_eq!(ImportField::suggest("Straße"), ImportField::Street);
        assert_eq!(ImportField::suggest("PLZ"), ImportField::PostalCode);
        assert_eq!(ImportField::suggest("Geburtsdatum"), ImportField::Birthday);
        assert_eq!(ImportField::suggest("Company"), ImportField::Organisation);
        assert_eq!(ImportField::suggest("Kunden-Nr."), ImportField::ExternalId);
        assert_eq!(ImportField::suggest("Lieblingsfarbe"), ImportField::Ignore);
    }
}
