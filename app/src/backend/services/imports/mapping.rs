//! From a row of cells to a contact, by the chosen mapping, with every problem named
//! by its column.

use crate::model::contacts::{
    ContactInput, EmailEntry, EmailKind, LifecycleStage, PhoneEntry, PhoneKind, Salutation,
};
use crate::model::imports::{ImportField, RowProblem};
use crate::model::organisations::SizeClass;
use crate::model::validation::{self, Problem};

/// A row read into the shape of the form.
#[derive(Debug, Clone, Default)]
pub struct MappedRow {
    pub contact: ContactInput,
    /// The company named in the row (matched or created as an organisation).
    pub organisation: Option<String>,
    pub size: SizeClass,
    /// Which fields the row gave, so that an update only overwrites those.
    pub given: Vec<ImportField>,
    /// Problems of the row as a new contact (an update checks the result instead).
    pub problems: Vec<RowProblem>,
}

fn salutation(text: &str) -> Option<Salutation> {
    match text.trim().to_lowercase().trim_end_matches('.') {
        "" => Some(Salutation::Unspecified),
        "frau" | "ms" | "mrs" | "miss" => Some(Salutation::Ms),
        "herr" | "mr" => Some(Salutation::Mr),
        "divers" | "neutral" | "mx" => Some(Salutation::Neutral),
        _ => None,
    }
}

fn stage(text: &str) -> Option<LifecycleStage> {
    let folded = text.trim().to_lowercase().replace([' ', '-'], "_");
    LifecycleStage::parse(&folded).or(match folded.as_str() {
        "interessent" => Some(LifecycleStage::Prospect),
        "kunde" | "kundin" => Some(LifecycleStage::Customer),
        "gefaehrdet" | "gefährdet" => Some(LifecycleStage::AtRisk),
        "abgewandert" => Some(LifecycleStage::Churned),
        "zurueckgewonnen" | "zurückgewonnen" => Some(LifecycleStage::WonBack),
        _ => None,
    })
}

fn size_class(employees: f64) -> SizeClass {
    match employees as i64 {
        i64::MIN..=9 => SizeClass::Micro,
        10..=49 => SizeClass::Small,
        50..=249 => SizeClass::Medium,
        _ => SizeClass::Large,
    }
}

/// `Dr. Jörg Müller` → title, first and last name.
fn split_full_name(text: &str, into: &mut ContactInput) {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    let titles: Vec<&str> = words
        .iter()
        .take_while(|w| {
            matches!(
                w.to_lowercase().as_str(),
                "dr." | "prof." | "dipl.-ing." | "dr" | "prof"
            )
        })
        .copied()
        .collect();
    words.drain(..titles.len());
    if !titles.is_empty() && into.title.is_empty() {
        into.title = titles.join(" ");
    }
    if let Some(last) = words.pop() {
        if into.last_name.is_empty() {
            into.last_name = last.to_owned();
        }
        if into.first_name.is_empty() {
            into.first_name = words.join(" ");
        }
    }
}

/// The form field a validation problem belongs to, mapped back to its column.
fn column_of(field: &str, fields: &[ImportField]) -> Option<usize> {
    use ImportField::*;
    let wanted: &[ImportField] = match field.split('.').next().unwrap_or_default() {
        "salutation" => &[Salutation],
        "title" => &[Title, FullName],
        "first_name" => &[FirstName, FullName],
        "last_name" => &[LastName, FullName],
        "emails" => {
            if field.starts_with("emails.1") {
                &[SecondEmail]
            } else {
                &[Email, SecondEmail]
            }
        }
        "phones" => &[Phone, Mobile],
        "address" => &[Street, PostalCode, City, Country],
        "birthday" => &[Birthday],
        "position" => &[Position],
        "tags" => &[Tags],
        "stage" => &[Stage],
        "notes" => &[Notes],
        "external_id" => &[ExternalId],
        _ => &[],
    };
    fields.iter().position(|f| wanted.contains(f))
}

/// Validation problems of a contact, as problems of a line's columns.
pub fn problems_of(line: usize, contact: &ContactInput, fields: &[ImportField]) -> Vec<RowProblem> {
    contact
        .validate()
        .0
        .into_iter()
        .map(|error| RowProblem {
            line,
            column: column_of(&error.field, fields),
            problem: error.problem,
        })
        .collect()
}

/// Maps one row. Cells that cannot be read at all are `Err`; problems of the row as a
/// new contact are in [`MappedRow::problems`]. Problems carry line and column.
pub fn map_row(
    line: usize,
    cells: &[String],
    fields: &[ImportField],
) -> Result<MappedRow, Vec<RowProblem>> {
    let mut row = MappedRow::default();
    let mut problems = Vec::new();
    let c = &mut row.contact;
    for (column, field) in fields.iter().enumerate() {
        let Some(value) = cells
            .get(column)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
        else {
            continue;
        };
        let mut bad = |problem: Problem| {
            problems.push(RowProblem {
                line,
                column: Some(column),
                problem,
            })
        };
        use ImportField::*;
        match field {
            Ignore => continue,
            Salutation => match salutation(value) {
                Some(s) => c.salutation = s,
                None => bad(Problem::InvalidChoice),
            },
            Title => c.title = value.to_owned(),
            FirstName => c.first_name = value.to_owned(),
            LastName => c.last_name = value.to_owned(),
            FullName => split_full_name(value, c),
            Email => c.emails.insert(
                0,
                EmailEntry {
                    kind: EmailKind::Work,
                    address: value.to_owned(),
                },
            ),
            SecondEmail => c.emails.push(EmailEntry {
                kind: EmailKind::Private,
                address: value.to_owned(),
            }),
            Phone => c.phones.insert(
                0,
                PhoneEntry {
                    kind: PhoneKind::Work,
                    number: value.to_owned(),
                },
            ),
            Mobile => c.phones.push(PhoneEntry {
                kind: PhoneKind::Mobile,
                number: value.to_owned(),
            }),
            Street => c.address.street = value.to_owned(),
            PostalCode => c.address.postal_code = value.to_owned(),
            City => c.address.city = value.to_owned(),
            Country => c.address.country = value.to_owned(),
            Birthday => c.birthday = value.to_owned(),
            Organisation => {
                row.organisation = Some(value.split_whitespace().collect::<Vec<_>>().join(" "))
            }
            Employees => match validation::parse_number(value) {
                Some(n) if n >= 0.0 => row.size = size_class(n),
                _ => bad(Problem::InvalidNumber),
            },
            Position => c.position = value.to_owned(),
            Tags => c.tags = value.replace(';', ","),
            Stage => match stage(value) {
                Some(s) => c.stage = s,
                None => bad(Problem::InvalidChoice),
            },
            Notes => c.notes = value.to_owned(),
            ExternalId => c.external_id = value.to_owned(),
        }
        row.given.push(*field);
    }
    row.contact = row.contact.normalized();
    row.problems = problems_of(line, &row.contact, fields);
    if let Some(org) = &row.organisation {
        if org.chars().count() > crate::model::organisations::NAME_MAX {
            let column = fields.iter().position(|f| *f == ImportField::Organisation);
            problems.push(RowProblem {
                line,
                column,
                problem: Problem::TooLong {
                    max: crate::model::organisations::NAME_MAX,
                },
            });
        }
    }
    if problems.is_empty() {
        Ok(row)
    } else {
        Err(problems)
    }
}

/// `before` with what the row gave written over it (an update keeps the rest).
pub fn update_over(before: &ContactInput, row: &MappedRow) -> ContactInput {
    use ImportField::*;
    let mut after = before.clone();
    let new = &row.contact;
    for field in &row.given {
        match field {
            Salutation => after.salutation = new.salutation,
            Title => after.title = new.title.clone(),
            FirstName | FullName => {
                after.first_name = new.first_name.clone();
                after.last_name = new.last_name.clone();
                if !new.title.is_empty() {
                    after.title = new.title.clone();
                }
            }
            LastName => after.last_name = new.last_name.clone(),
            Email | SecondEmail => {
                for email in &new.emails {
                    if !after.emails.iter().any(|e| e.address == email.address)
                        && after.emails.len() < 3
                    {
                        after.emails.push(email.clone());
                    }
                }
            }
            Phone | Mobile => {
                for phone in &new.phones {
                    if !after.phones.iter().any(|p| p.number == phone.number)
                        && after.phones.len() < 3
                    {
                        after.phones.push(phone.clone());
                    }
                }
            }
            Street | PostalCode | City | Country => after.address = new.address.clone(),
            Birthday => after.birthday = new.birthday.clone(),
            Position => after.position = new.position.clone(),
            Tags => {
                after.tags = format!("{}, {}", after.tags, new.tags);
            }
            Stage => after.stage = new.stage,
            Notes => after.notes = new.notes.clone(),
            ExternalId => after.external_id = new.external_id.clone(),
            Organisation | Employees | Ignore => {}
        }
    }
    after.normalized()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ImportField::*;

    fn cells(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn a_german_row_becomes_a_contact() {
        let fields = [
            Salutation,
            FullName,
            Email,
            Birthday,
            Organisation,
            Employees,
            Stage,
        ];
        let row = map_row(
            2,
            &cells(&[
                "Frau",
                "Dr. Katrin Müller",
                "K.Mueller@Example.de",
                "31.12.1980",
                "Alpen  Solar AG",
                "1.250",
                "Kundin",
            ]),
            &fields,
        )
        .unwrap();
        let c = &row.contact;
        assert_eq!(
            (
                c.title.as_str(),
                c.first_name.as_str(),
                c.last_name.as_str()
            ),
            ("Dr.", "Katrin", "Müller")
        );
        assert_eq!(c.salutation, crate::model::contacts::Salutation::Ms);
        assert_eq!(c.primary_email(), Some("k.mueller@example.de"));
        assert_eq!(c.birthday, "1980-12-31");
        assert_eq!(c.stage, LifecycleStage::Customer);
        assert_eq!(row.organisation.as_deref(), Some("Alpen Solar AG"));
        assert_eq!(row.size, SizeClass::Large);
    }

    #[test]
    fn problems_name_line_and_column() {
        let fields = [FirstName, LastName, Email, Birthday];
        let problems = map_row(7, &cells(&["Anna", "", "kein-at", "31.02.1980"]), &fields)
            .unwrap()
            .problems;
        let found: Vec<(usize, Option<usize>, Problem)> = problems
            .iter()
            .map(|p| (p.line, p.column, p.problem))
            .collect();
        assert!(
            found.contains(&(7, Some(1), Problem::Required)),
            "{found:?}"
        );
        assert!(
            found.contains(&(7, Some(2), Problem::InvalidEmail)),
            "{found:?}"
        );
        assert!(
            found.contains(&(7, Some(3), Problem::InvalidDate)),
            "{found:?}"
        );
    }

    #[test]
    fn an_update_overwrites_only_what_the_row_gives() {
        let before = ContactInput {
            first_name: "Anna".into(),
            last_name: "Alt".into(),
            position: "Einkauf".into(),
            notes: "wichtig".into(),
            ..Default::default()
        };
        let row = map_row(
            2,
            &cells(&["Anna", "Alt", "Vertrieb"]),
            &[FirstName, LastName, Position],
        )
        .unwrap();
        let after = update_over(&before, &row);
        assert_eq!(after.position, "Vertrieb");
        assert_eq!(after.notes, "wichtig", "not in the file: kept");
    }
}
