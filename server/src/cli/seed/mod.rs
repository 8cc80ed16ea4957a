//! The demo tenant: realistic German sample data, created through the same services
//! the UI uses, so the seed obeys every rule real data does.

mod activity;
mod people;
mod scale;
mod vocabulary;

pub use people::{demo_contacts, demo_duplicate_pair, demo_organisations, demo_people};

use crate::config::Config;
use crate::db;
use app::backend::audit::anchors::AnchorDir;
use app::backend::services::{contacts, identity, organisations, team, teams};
use app::backend::{Backend, Scope};
use app::model::identity::{AcceptInviteInput, InviteInput, Role, SignupInput};
use app::model::teams::TeamInput;
use std::sync::Arc;
use uuid::Uuid;

pub const DEMO_SLUG: &str = "demo";
pub const DEMO_PASSWORD: &str = "Tessera-Demo-2026";
pub const DEMO_OWNER_EMAIL: &str = "inhaberin@demo.example";

pub struct SeededTenant {
    pub tenant_id: Uuid,
    pub contacts: usize,
    pub organisations: usize,
    pub interactions: usize,
}

fn failed(what: &'static str) -> impl Fn(app::AppError) -> anyhow::Error {
    move |e| anyhow::anyhow!("{what} failed: {e}")
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
        ("Valentin Vertrieb", "vertrieb@demo.example", Role::Sales),
        ("Selin Schäfer", "service@demo.example", Role::Service),
        ("Mara Maier", "marketing@demo.example", Role::Marketing),
        ("Max Mitarbeit", "mitarbeit@demo.example", Role::Member),
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
            app::i18n::Locale::De,
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo invitation failed: {e}"))?;
        scope.commit().await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let link = invitation.link.expect("new invitations carry their link");
        let token = link.rsplit('#').next().expect("link ends in the token");
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

    let staff: Vec<Uuid> = {
        let mut scope = Scope::begin(backend.clone(), owner.tenant_id, owner.user_id)
            .await
            .map_err(failed("demo scope"))?;
        let members = team::members(&mut scope)
            .await
            .map_err(failed("demo team"))?;
        // One team, so the team page shows one; everyone still sees every record.
        let front_office: Vec<Uuid> = members
            .iter()
            .filter(|m| matches!(m.role, Role::Sales | Role::Service))
            .map(|m| m.user_id)
            .collect();
        let name = "Vertrieb & Service".to_owned();
        let created = teams::create(&mut scope, &TeamInput { name })
            .await
            .map_err(failed("demo team"))?;
        teams::set_members(&mut scope, created.id, &front_office)
            .await
            .map_err(failed("demo team members"))?;
        scope.commit().await.map_err(failed("demo commit"))?;
        members
            .into_iter()
            .filter(|m| {
                matches!(
                    m.role,
                    Role::Owner | Role::Admin | Role::Sales | Role::Service
                )
            })
            .map(|m| m.user_id)
            .collect()
    };

    let mut scope = Scope::begin(backend.clone(), owner.tenant_id, owner.user_id)
        .await
        .map_err(failed("demo scope"))?;
    let mut organisation_ids = Vec::new();
    for (i, mut input) in demo_organisations(2026).into_iter().enumerate() {
        input.owner_id = Some(staff[i % staff.len()]);
        let org = organisations::create(&mut scope, &input, true)
            .await
            .map_err(failed("demo organisation"))?;
        organisation_ids.push(org.id);
    }
    scope.commit().await.map_err(failed("demo commit"))?;

    let people = demo_people(contact_count, 2026);
    let mut seeded = Vec::with_capacity(people.len());
    for (chunk_no, chunk) in people.chunks(100).enumerate() {
        let mut scope = Scope::begin(backend.clone(), owner.tenant_id, owner.user_id)
            .await
            .map_err(failed("demo scope"))?;
        for (i, person) in chunk.iter().enumerate() {
            let mut input = person.input.clone();
            input.organisation_id = Some(organisation_ids[person.organisation]);
            input.owner_id = Some(staff[(chunk_no * 100 + i) % staff.len()]);
            let contact = contacts::create(&mut scope, &input, true)
                .await
                .map_err(failed("demo contact"))?;
            seeded.push((contact.id, input.organisation_id));
        }
        scope.commit().await.map_err(failed("demo commit"))?;
    }
    // A pair of records of one person, for the duplicate finder and merge.
    let mut scope = Scope::begin(backend.clone(), owner.tenant_id, owner.user_id)
        .await
        .map_err(failed("demo scope"))?;
    let mueller = organisation_ids[1];
    for mut twin in demo_duplicate_pair() {
        twin.organisation_id = Some(mueller);
        contacts::create(&mut scope, &twin, true)
            .await
            .map_err(failed("demo duplicate"))?;
    }
    scope.commit().await.map_err(failed("demo commit"))?;
    let interactions = activity::seed_activity(backend, owner.tenant_id, &staff, &seeded).await?;
    Ok(Some(SeededTenant {
        tenant_id: owner.tenant_id,
        contacts: people.len() + 2,
        organisations: organisation_ids.len(),
        interactions,
    }))
}

/// `server seed`: the demo tenant; with `--contacts N` a tenant of that size (and
/// `--tenants M` small ones) for benchmarks, reporting its own speed.
pub async fn run(
    config: &Config,
    contacts: Option<usize>,
    tenants: usize,
    plaintext_names: bool,
) -> anyhow::Result<()> {
    db::migrate(config).await?;
    let keys = config.key_store()?;
    let pool = db::app_pool(&config.database_url, config.app_database_url.as_deref(), 2).await?;
    let backend = Backend::new(pool, keys, config.public_url.clone());
    if let Some(count) = contacts {
        let reference = match plaintext_names {
            true => Some(scale::plaintext_reference(&config.database_url).await?),
            false => None,
        };
        let report = scale::seed_scale(&backend, count, tenants, reference.as_ref()).await?;
        println!(
            "seeded {} contacts, {} organisations, {} timeline entries and {} small tenants in {:.1} s ({:.0} contacts/s)",
            report.contacts,
            report.organisations,
            report.interactions,
            report.tenants,
            report.seconds,
            report.contacts as f64 / report.seconds
        );
        seal_audit(&backend, config).await?;
        return Ok(());
    }
    match seed_demo(&backend, 240).await? {
        Some(seeded) => {
            backdate_demo_reviewers(&config.database_url, seeded.tenant_id).await?;
            tracing::info!(
                contacts = seeded.contacts,
                organisations = seeded.organisations,
                interactions = seeded.interactions,
                "demo tenant created"
            )
        }
        None => tracing::info!("demo tenant exists; nothing to do"),
    }
    seal_audit(&backend, config).await
}

/// The demo's DPO and works council have held their roles for a month, so the
/// four-eyes re-identification can be tried at once instead of after the week's
/// notice (docs/audit.md). Only an operator — the schema's owner, as the seed is —
/// may set that date; where the seed runs otherwise, the demo waits the week.
async fn backdate_demo_reviewers(database_url: &str, tenant_id: Uuid) -> anyhow::Result<()> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(database_url).await?;
    let mut tx = conn.begin().await?;
    // Row-level security binds the owner too: the demo tenant's rows only.
    sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
        .bind(tenant_id.to_string())
        .execute(&mut *tx)
        .await?;
    for sql in [
        "UPDATE users SET role_since = now() - interval '30 days'",
        "UPDATE reviewer_role_changes SET changed_at = now() - interval '30 days'",
    ] {
        if let Err(err) = sqlx::query(sql).execute(&mut *tx).await {
            tracing::info!(error = %err, "the demo's reviewer roles count for re-identification in a week");
            return Ok(());
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The seed's audit entries are chained before it exits, so a seeded database
/// verifies at once, before any server has sealed.
async fn seal_audit(backend: &Backend, config: &Config) -> anyhow::Result<()> {
    let outside = config.audit_anchor_dir.clone().map(AnchorDir::new);
    app::backend::audit::sealer::seal_all(backend, outside.as_ref())
        .await
        .map_err(|err| anyhow::anyhow!("sealing the audit log: {err}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::people::ascii_fold;
    use super::*;

    #[test]
    fn demo_people_are_valid_and_span_fifty_organisations() {
        let people = demo_people(240, 1);
        assert!(people
            .iter()
            .all(|p| p.input.normalized().validate().is_empty()));
        let orgs: std::collections::HashSet<_> = people.iter().map(|p| p.organisation).collect();
        assert_eq!(orgs.len(), 50);
        let emails: std::collections::HashSet<_> = people
            .iter()
            .map(|p| p.input.emails[0].address.clone())
            .collect();
        assert_eq!(emails.len(), 240, "work e-mails are unique");
        assert!(demo_organisations(1)
            .iter()
            .all(|o| o.normalized().validate().is_empty()));
        assert!(demo_duplicate_pair()
            .iter()
            .all(|c| c.normalized().validate().is_empty()));
    }

    #[test]
    fn folding_makes_ascii_domains() {
        assert_eq!(ascii_fold("Müller Maschinenbau"), "mueller-maschinenbau");
        assert_eq!(ascii_fold("Søren"), "soren");
    }
}
