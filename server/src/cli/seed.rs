//! The demo tenant: realistic German sample data, created through the same services
//! the UI uses, so the seed obeys every rule real data does.

use crate::config::Config;
use crate::db;
use app::backend::crypto::KeyStore;
use app::backend::services::{contacts, identity, team};
use app::backend::{Backend, Scope};
use app::model::contacts::ContactInput;
use app::model::identity::{AcceptInviteInput, InviteInput, Role, SignupInput};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::sync::Arc;

pub const DEMO_SLUG: &str = "demo";
pub const DEMO_PASSWORD: &str = "Tessera-Demo-2026";
pub const DEMO_OWNER_EMAIL: &str = "inhaberin@demo.example";

const FIRST_NAMES: &[&str] = &[
    "Anna",
    "Jörg",
    "Sabine",
    "Thomas",
    "Katrin",
    "Michael",
    "Birgit",
    "Stefan",
    "Ute",
    "Andreas",
    "Petra",
    "Jürgen",
    "Claudia",
    "Frank",
    "Monika",
    "Uwe",
    "Heike",
    "Klaus",
    "Susanne",
    "Björn",
    "Lea",
    "Lukas",
    "Sophie",
    "Jonas",
    "Marie",
    "Felix",
    "Hannah",
    "Maximilian",
    "Emilia",
    "Paul",
    "Zoë",
    "Özlem",
    "Mehmet",
    "Agnieszka",
    "Dimitrios",
    "Ingrid",
    "Günther",
    "Käthe",
    "Renée",
    "Søren",
];
const LAST_NAMES: &[&str] = &[
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Meier",
    "Lehmann",
    "Weiß",
    "Groß",
    "Jäger",
    "Köhler",
    "Yılmaz",
    "Kowalski",
];
const ORG_STEMS: &[&str] = &[
    "Bäckerei Sonnenschein",
    "Müller Maschinenbau",
    "Rheinische Logistik",
    "Alpen Solar",
    "Hanse Versicherungsmakler",
    "Schwarzwald Holztechnik",
    "Elbe Medien",
    "Brandenburger Bio-Hof",
    "Isar Software",
    "Spree Immobilien",
    "Main Finanzberatung",
    "Bodensee Tourismus",
    "Ruhr Stahlhandel",
    "Weser Fahrzeugbau",
    "Harz Naturkost",
    "Mosel Weinkellerei",
    "Nordsee Fischhandel",
    "Eifel Druckerei",
    "Allgäuer Käserei",
    "Sächsische Porzellanwerke",
    "Pfälzer Autohaus",
    "Lausitzer Energie",
    "Ostfriesische Tee",
    "Bergische Werkzeuge",
    "Fränkische Brauerei",
    "Kieler Werft",
    "Leipziger Verlagshaus",
    "Dresdner Optik",
    "Hamburger Kaffeerösterei",
    "Münchner Architekten",
    "Kölner Eventtechnik",
    "Stuttgarter Präzisionsteile",
    "Düsseldorfer Modehaus",
    "Bremer Gewürzhandel",
    "Hannoversche Messebau",
    "Nürnberger Spielwaren",
    "Augsburger Textil",
    "Freiburger Umwelttechnik",
    "Mainzer Labordienst",
    "Rostocker Reederei",
    "Erfurter Gartenbau",
    "Magdeburger Anlagenbau",
    "Potsdamer Filmstudio",
    "Saarbrücker Keramik",
    "Wiesbadener Klinikservice",
    "Kasseler Bürobedarf",
    "Würzburger Steuerkanzlei",
    "Ulmer Fahrradmanufaktur",
    "Trierer Denkmalpflege",
    "Lübecker Marzipan",
];
const LEGAL_FORMS: &[&str] = &["GmbH", "AG", "KG", "GmbH & Co. KG", "e. K.", "OHG"];
const NOTES: &[&str] = &[
    "Bevorzugt Kontakt per E-Mail.",
    "Rückruf nach der Messe vereinbart.",
    "Interessiert an Wartungsvertrag.",
    "Entscheidet gemeinsam mit der Geschäftsführung.",
    "Jahresgespräch im Herbst.",
    "",
];

fn ascii_fold(value: &str) -> String {
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

/// `count` contacts spread over the 50 organisations; deterministic for a given seed.
pub fn demo_contacts(count: usize, seed: u64) -> Vec<ContactInput> {
    let mut rng = StdRng::seed_from_u64(seed);
    let orgs: Vec<(String, String)> = ORG_STEMS
        .iter()
        .enumerate()
        .map(|(i, stem)| {
            let name = format!("{stem} {}", LEGAL_FORMS[i % LEGAL_FORMS.len()]);
            (name, format!("{}.example", ascii_fold(stem)))
        })
        .collect();
    (0..count)
        .map(|i| {
            let first = *FIRST_NAMES.choose(&mut rng).expect("names");
            let last = *LAST_NAMES.choose(&mut rng).expect("names");
            let (org, domain) = &orgs[i % orgs.len()];
            ContactInput {
                first_name: first.into(),
                last_name: last.into(),
                email: format!("{}.{}.{i}@{domain}", ascii_fold(first), ascii_fold(last)),
                phone: format!(
                    "+49 {} {}",
                    rng.gen_range(30..=991),
                    rng.gen_range(100_000..=9_999_999)
                ),
                organisation: org.clone(),
                notes: NOTES.choose(&mut rng).expect("notes").to_string(),
            }
        })
        .collect()
}

pub struct SeededTenant {
    pub contacts: usize,
}

/// Creates the demo tenant unless it exists. Returns `None` when it already existed.
pub async fn seed_demo(
    backend: &Arc<Backend>,
    contact_count: usize,
) -> anyhow::Result<Option<SeededTenant>> {
    let pool = &backend.db;
    let exists: Option<uuid::Uuid> = app::backend::tenancy::tenant_id_for_slug(pool, DEMO_SLUG)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if exists.is_some() {
        return Ok(None);
    }
    let owner = identity::sign_up(
        backend,
        &SignupInput {
            company_name: "Demo Handelsgesellschaft mbH".into(),
            slug: DEMO_SLUG.into(),
            owner_name: "Ingrid Inhaberin".into(),
            email: DEMO_OWNER_EMAIL.into(),
            password: DEMO_PASSWORD.into(),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo sign-up failed: {e}"))?;

    let colleagues = [
        ("Valentin Vertrieb", "vertrieb@demo.example", Role::Member),
        ("Alexandra Admin", "admin@demo.example", Role::Admin),
        (
            "Dora Datenschutz",
            "datenschutz@demo.example",
            Role::DataProtectionOfficer,
        ),
        (
            "Bernd Betriebsrat",
            "betriebsrat@demo.example",
            Role::WorksCouncil,
        ),
    ];
    for (name, email, role) in colleagues {
        let mut scope = Scope::begin(backend.clone(), owner.tenant_id, owner.user_id)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let invitation = team::invite(
            &mut scope,
            &InviteInput {
                email: email.into(),
                role: role.as_str().into(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo invitation failed: {e}"))?;
        scope.commit().await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let link = invitation.link.expect("new invitations carry their link");
        let token = link.rsplit('/').next().expect("link ends in the token");
        team::accept_invitation(
            backend,
            &AcceptInviteInput {
                slug: DEMO_SLUG.into(),
                token: token.into(),
                display_name: name.into(),
                password: DEMO_PASSWORD.into(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo invitation acceptance failed: {e}"))?;
    }

    let inputs = demo_contacts(contact_count, 2026);
    for chunk in inputs.chunks(100) {
        let mut scope = Scope::begin(backend.clone(), owner.tenant_id, owner.user_id)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        for input in chunk {
            contacts::create(&mut scope, input)
                .await
                .map_err(|e| anyhow::anyhow!("demo contact failed: {e}"))?;
        }
        scope.commit().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(Some(SeededTenant {
        contacts: inputs.len(),
    }))
}

pub async fn run(config: &Config) -> anyhow::Result<()> {
    db::migrate(config).await?;
    let keys = KeyStore::new(config.key_ring()?);
    let pool = db::app_pool(&config.database_url, config.app_database_url.as_deref(), 2).await?;
    let backend = Backend::new(pool, keys, config.public_url.clone());
    match seed_demo(&backend, 240).await? {
        Some(seeded) => tracing::info!(contacts = seeded.contacts, "demo tenant created"),
        None => tracing::info!("demo tenant exists; nothing to do"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_contacts_are_valid_and_span_fifty_organisations() {
        let contacts = demo_contacts(240, 1);
        assert!(contacts
            .iter()
            .all(|c| c.normalized().validate().is_empty()));
        let orgs: std::collections::HashSet<_> = contacts.iter().map(|c| &c.organisation).collect();
        assert_eq!(orgs.len(), 50);
        let emails: std::collections::HashSet<_> = contacts.iter().map(|c| &c.email).collect();
        assert_eq!(emails.len(), 240, "e-mails are unique per tenant");
    }

    #[test]
    fn folding_makes_ascii_domains() {
        assert_eq!(ascii_fold("Müller Maschinenbau"), "mueller-maschinenbau");
        assert_eq!(ascii_fold("Søren"), "soren");
    }
}
