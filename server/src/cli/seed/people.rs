//! Demo organisations and their people, generated deterministically from a seed.

use super::vocabulary::*;
use app::model::contacts::{
    ContactInput, EmailEntry, EmailKind, LifecycleStage, PhoneEntry, PhoneKind, Salutation,
};
use app::model::organisations::{OrganisationInput, SizeClass};
use app::model::records::{Classification, PostalAddress};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// Folds a name into the ASCII of an e-mail address or domain.
pub fn ascii_fold(value: &str) -> String {
    value
        .to_lowercase()
        .replace('ä', "ae")
        .replace('ö', "oe")
        .replace('ü', "ue")
        .replace('ß', "ss")
        .chars()
        .map(|c| match c {
            'é' | 'ë' => 'e',
            'ø' => 'o',
            'ı' => 'i',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn domain(stem: &str) -> String {
    format!("{}.example", ascii_fold(stem))
}

fn phone(rng: &mut StdRng) -> String {
    format!(
        "+49 {} {}",
        rng.gen_range(30..=991),
        rng.gen_range(100_000..=9_999_999)
    )
}

const CITIES: &[(&str, &str)] = &[
    ("10115", "Berlin"),
    ("20095", "Hamburg"),
    ("80331", "München"),
    ("50667", "Köln"),
    ("60311", "Frankfurt am Main"),
    ("70173", "Stuttgart"),
    ("04109", "Leipzig"),
    ("01067", "Dresden"),
    ("28195", "Bremen"),
    ("90403", "Nürnberg"),
];
const STREETS: &[&str] = &[
    "Hauptstraße",
    "Bahnhofstraße",
    "Gartenweg",
    "Industriestraße",
    "Am Markt",
    "Schillerstraße",
    "Lindenallee",
];
const INDUSTRIES: &[&str] = &[
    "Maschinenbau",
    "Logistik",
    "Lebensmittel",
    "Software",
    "Handel",
    "Energie",
    "Medien",
    "Beratung",
];
const POSITIONS: &[&str] = &[
    "Geschäftsführung",
    "Einkauf",
    "Vertriebsleitung",
    "Buchhaltung",
    "Technische Leitung",
    "Assistenz der Geschäftsführung",
    "Marketing",
];
const TAGS: &[&str] = &[
    "VIP",
    "Messe 2026",
    "Newsletter",
    "Rahmenvertrag",
    "Pilotkunde",
];
const FEMALE: &[&str] = &[
    "Anna",
    "Sabine",
    "Katrin",
    "Birgit",
    "Ute",
    "Petra",
    "Claudia",
    "Monika",
    "Heike",
    "Susanne",
    "Lea",
    "Sophie",
    "Marie",
    "Hannah",
    "Emilia",
    "Zoë",
    "Özlem",
    "Agnieszka",
    "Ingrid",
    "Käthe",
    "Renée",
];

fn address(rng: &mut StdRng) -> PostalAddress {
    let (postal_code, city) = *CITIES.choose(rng).expect("cities");
    PostalAddress {
        street: format!(
            "{} {}",
            STREETS.choose(rng).expect("streets"),
            rng.gen_range(1..=120)
        ),
        postal_code: postal_code.into(),
        city: city.into(),
        country: "Deutschland".into(),
    }
}

/// The 50 demo organisations.
pub fn demo_organisations(seed: u64) -> Vec<OrganisationInput> {
    let mut rng = StdRng::seed_from_u64(seed);
    ORG_STEMS
        .iter()
        .enumerate()
        .map(|(i, stem)| {
            let sizes = [
                SizeClass::Micro,
                SizeClass::Small,
                SizeClass::Medium,
                SizeClass::Large,
            ];
            let billing = address(&mut rng);
            OrganisationInput {
                name: stem.to_string(),
                legal_form: LEGAL_FORMS[i % LEGAL_FORMS.len()].into(),
                industry: INDUSTRIES[i % INDUSTRIES.len()].into(),
                size: sizes[i % sizes.len()],
                website: format!("https://www.{}", domain(stem)),
                vat_id: format!("DE{:09}", 100_000_000 + i * 7919),
                email: format!("info@{}", domain(stem)),
                phone: phone(&mut rng),
                delivery_address: if i % 5 == 0 {
                    address(&mut rng)
                } else {
                    PostalAddress::default()
                },
                billing_address: billing,
                classification: [
                    Some(Classification::A),
                    Some(Classification::B),
                    Some(Classification::C),
                    None,
                ][i % 4],
                tags: if i % 7 == 0 {
                    "Rahmenvertrag".into()
                } else {
                    String::new()
                },
                notes: NOTES[i % NOTES.len()].into(),
                ..Default::default()
            }
        })
        .collect()
}

/// One demo person and the index of their organisation in [`demo_organisations`].
pub struct DemoPerson {
    pub input: ContactInput,
    pub organisation: usize,
}

/// `count` people spread over the 50 organisations; deterministic for a given seed.
pub fn demo_people(count: usize, seed: u64) -> Vec<DemoPerson> {
    let mut rng = StdRng::seed_from_u64(seed);
    let stages = [
        LifecycleStage::Lead,
        LifecycleStage::Prospect,
        LifecycleStage::Customer,
        LifecycleStage::Customer,
        LifecycleStage::Customer,
        LifecycleStage::AtRisk,
        LifecycleStage::Churned,
        LifecycleStage::WonBack,
    ];
    (0..count)
        .map(|i| {
            let first = *FIRST_NAMES.choose(&mut rng).expect("names");
            let last = *LAST_NAMES.choose(&mut rng).expect("names");
            let organisation = i % ORG_STEMS.len();
            let domain = domain(ORG_STEMS[organisation]);
            let mut emails = vec![EmailEntry {
                kind: EmailKind::Work,
                address: format!("{}.{}.{i}@{domain}", ascii_fold(first), ascii_fold(last)),
            }];
            if i % 9 == 0 {
                emails.push(EmailEntry {
                    kind: EmailKind::Private,
                    address: format!("{}{i}@privat.example", ascii_fold(last)),
                });
            }
            let mut phones = vec![PhoneEntry {
                kind: PhoneKind::Work,
                number: phone(&mut rng),
            }];
            if i % 3 == 0 {
                phones.push(PhoneEntry {
                    kind: PhoneKind::Mobile,
                    number: format!(
                        "+49 1{} {}",
                        rng.gen_range(50..=79),
                        rng.gen_range(1_000_000..=9_999_999)
                    ),
                });
            }
            let mut input = ContactInput {
                salutation: if FEMALE.contains(&first) {
                    Salutation::Ms
                } else {
                    Salutation::Mr
                },
                title: if i % 11 == 0 {
                    "Dr.".into()
                } else {
                    String::new()
                },
                first_name: first.into(),
                last_name: last.into(),
                emails,
                phones,
                address: if i % 4 == 0 {
                    address(&mut rng)
                } else {
                    PostalAddress::default()
                },
                birthday: if i % 6 == 0 {
                    format!(
                        "{}-{:02}-{:02}",
                        rng.gen_range(1955..=1998),
                        rng.gen_range(1..=12),
                        rng.gen_range(1..=28)
                    )
                } else {
                    String::new()
                },
                preferred_language: if i % 10 == 0 {
                    "en".into()
                } else {
                    "de".into()
                },
                position: POSITIONS.choose(&mut rng).expect("positions").to_string(),
                tags: if i % 5 == 0 {
                    TAGS[i % TAGS.len()].into()
                } else {
                    String::new()
                },
                classification: [
                    Some(Classification::A),
                    Some(Classification::B),
                    Some(Classification::C),
                    None,
                    None,
                ][i % 5],
                stage: stages[i % stages.len()],
                notes: NOTES.choose(&mut rng).expect("notes").to_string(),
                ..Default::default()
            };
            input.consent_email = i % 2 == 0;
            input.consent_phone = i % 3 == 0;
            input.consent_post = i % 4 == 0;
            DemoPerson {
                input,
                organisation,
            }
        })
        .collect()
}

/// The people alone, without organisation links (for tests that look for plaintext).
pub fn demo_contacts(count: usize, seed: u64) -> Vec<ContactInput> {
    demo_people(count, seed)
        .into_iter()
        .map(|p| p.input)
        .collect()
}

/// Two records of one person, typed differently: what duplicate detection must find.
pub fn demo_duplicate_pair() -> [ContactInput; 2] {
    let base = ContactInput {
        salutation: Salutation::Mr,
        first_name: "Jörg".into(),
        last_name: "Müller".into(),
        emails: vec![EmailEntry {
            kind: EmailKind::Work,
            address: "joerg.mueller@mueller-maschinenbau.example".into(),
        }],
        position: "Einkauf".into(),
        ..Default::default()
    };
    let twin = ContactInput {
        first_name: "Joerg".into(),
        last_name: "Mueller".into(),
        emails: vec![EmailEntry {
            kind: EmailKind::Work,
            address: "JOERG.MUELLER@mueller-maschinenbau.example".into(),
        }],
        phones: vec![PhoneEntry {
            kind: PhoneKind::Mobile,
            number: "+49 171 5550123".into(),
        }],
        ..base.clone()
    };
    [base, twin]
}
