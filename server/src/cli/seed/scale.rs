//! Data at scale for benchmarks: one large tenant with organisations, contacts and
//! timeline entries, plus many small tenants. Rows are sealed and indexed exactly as
//! the services do (`insert_many_unaudited`), in batches, one audit entry per batch.

use super::{demo_organisations, demo_people};
use app::backend::search::RecordKind;
use app::backend::services::timeline::storage::NewInteraction;
use app::backend::services::{contacts, identity, organisations, timeline};
use app::backend::{Backend, Scope};
use app::model::audit::AuditAction;
use app::model::contacts::ContactAudit;
use app::model::identity::SignupInput;
use app::model::organisations::OrganisationAudit;
use app::model::timeline::{Direction, InteractionKind};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Instant;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const BATCH: usize = 1_000;
const CONTACTS_PER_ORGANISATION: usize = 20;
const CONTACTS_PER_INTERACTION: usize = 5;
const SMALL_TENANT_CONTACTS: usize = 20;

fn err(what: &'static str) -> impl Fn(app::AppError) -> anyhow::Error {
    move |e| anyhow::anyhow!("{what} failed: {e}")
}

pub struct ScaleReport {
    pub contacts: usize,
    pub organisations: usize,
    pub interactions: usize,
    pub tenants: usize,
    pub seconds: f64,
}

/// The benchmark's plaintext reference table (budget P3: the palette on sealed names
/// against pg_trgm on the same names in plaintext), made by the schema owner.
pub async fn plaintext_reference(owner_url: &str) -> anyhow::Result<PgPool> {
    let pool = crate::db::owner_pool(owner_url).await?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS bench_plaintext_names (first_name text NOT NULL, last_name text NOT NULL)",
    )
    .execute(&pool)
    .await?;
    Ok(pool)
}

async fn write_plaintext_names(
    pool: &PgPool,
    rows: &[(Uuid, app::model::contacts::ContactInput)],
) -> anyhow::Result<()> {
    let first: Vec<&str> = rows.iter().map(|(_, c)| c.first_name.as_str()).collect();
    let last: Vec<&str> = rows.iter().map(|(_, c)| c.last_name.as_str()).collect();
    sqlx::query("INSERT INTO bench_plaintext_names SELECT * FROM unnest($1::text[], $2::text[])")
        .bind(&first)
        .bind(&last)
        .execute(pool)
        .await?;
    Ok(())
}

/// A tenant `scale-<n>` with `contacts` contacts, and `tenants` small tenants.
pub async fn seed_scale(
    backend: &Arc<Backend>,
    contact_count: usize,
    tenants: usize,
    plaintext: Option<&PgPool>,
) -> anyhow::Result<ScaleReport> {
    let started = Instant::now();
    let slug = format!(
        "scale-{}",
        Uuid::now_v7().simple().to_string()[..8].to_owned()
    );
    let (tenant_id, owner) = sign_up(backend, &slug).await?;
    // The owner signs in as inhaberin@<slug>.example with the demo password (README).
    tracing::info!(%slug, "scale tenant created");
    let (organisations, orgs) =
        seed_organisations(backend, tenant_id, owner, contact_count).await?;
    let mut interactions = 0;
    let mut done = 0;
    let mut chunk = 0u64;
    while done < contact_count {
        let n = BATCH.min(contact_count - done);
        let people = demo_people(n, 10_000 + chunk);
        let mut scope = Scope::begin(backend.clone(), tenant_id, owner)
            .await
            .map_err(err("scope"))?;
        let rows: Vec<(Uuid, app::model::contacts::ContactInput)> = people
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                let mut input = p.input.normalized();
                let org = (done + i) / CONTACTS_PER_ORGANISATION;
                input.organisation_id = orgs.get(org % orgs.len().max(1)).copied();
                input.owner_id = Some(owner);
                (Uuid::now_v7(), input)
            })
            .collect();
        contacts::insert_many_unaudited(&mut scope, &rows)
            .await
            .map_err(err("contacts"))?;
        if let Some(reference) = plaintext {
            write_plaintext_names(reference, &rows).await?;
        }
        let ids: Vec<Uuid> = rows.iter().map(|(id, _)| *id).collect();
        let event = scope
            .event(AuditAction::Contact(ContactAudit::Import))
            .subjects(&ids);
        scope.audit(event).await.map_err(err("audit"))?;
        for (id, input) in rows.iter().step_by(CONTACTS_PER_INTERACTION) {
            interaction(&mut scope, *id, input.organisation_id, interactions).await?;
            interactions += 1;
        }
        scope.commit().await.map_err(err("commit"))?;
        done += n;
        chunk += 1;
        if chunk.is_multiple_of(20) {
            let rate = done as f64 / started.elapsed().as_secs_f64();
            tracing::info!(done, rate = rate as u64, "contacts per second");
        }
    }
    for t in 0..tenants {
        let (tenant_id, owner) = sign_up(backend, &format!("{slug}-{t}")).await?;
        let mut scope = Scope::begin(backend.clone(), tenant_id, owner)
            .await
            .map_err(err("scope"))?;
        let rows: Vec<_> = demo_people(SMALL_TENANT_CONTACTS, t as u64)
            .into_iter()
            .map(|p| (Uuid::now_v7(), p.input.normalized()))
            .collect();
        contacts::insert_many_unaudited(&mut scope, &rows)
            .await
            .map_err(err("contacts"))?;
        let ids: Vec<Uuid> = rows.iter().map(|(id, _)| *id).collect();
        let event = scope
            .event(AuditAction::Contact(ContactAudit::Import))
            .subjects(&ids);
        scope.audit(event).await.map_err(err("audit"))?;
        scope.commit().await.map_err(err("commit"))?;
    }
    Ok(ScaleReport {
        contacts: contact_count,
        organisations,
        interactions,
        tenants,
        seconds: started.elapsed().as_secs_f64(),
    })
}

async fn sign_up(backend: &Arc<Backend>, slug: &str) -> anyhow::Result<(Uuid, Uuid)> {
    let owner = identity::sign_up(
        backend,
        &SignupInput {
            company_name: format!("Skalierung {slug} GmbH"),
            slug: slug.into(),
            owner_name: "Ingrid Inhaberin".into(),
            email: format!("inhaberin@{slug}.example"),
            password: super::DEMO_PASSWORD.into(),
        },
    )
    .await
    .map_err(err("sign-up"))?;
    Ok((owner.tenant_id, owner.user_id))
}

async fn seed_organisations(
    backend: &Arc<Backend>,
    tenant_id: Uuid,
    owner: Uuid,
    contact_count: usize,
) -> anyhow::Result<(usize, Vec<Uuid>)> {
    let wanted = contact_count.div_ceil(CONTACTS_PER_ORGANISATION);
    let mut ids = Vec::with_capacity(wanted);
    let mut round = 0;
    while ids.len() < wanted {
        let mut scope = Scope::begin(backend.clone(), tenant_id, owner)
            .await
            .map_err(err("scope"))?;
        let mut batch = Vec::new();
        for input in demo_organisations(round)
            .into_iter()
            .take(wanted - ids.len())
        {
            let id = Uuid::now_v7();
            organisations::insert_unaudited(&mut scope, id, &input.normalized())
                .await
                .map_err(err("organisation"))?;
            batch.push(id);
        }
        let event = scope
            .event(AuditAction::Organisation(OrganisationAudit::Create))
            .subjects(&batch);
        scope.audit(event).await.map_err(err("audit"))?;
        scope.commit().await.map_err(err("commit"))?;
        ids.extend(batch);
        round += 1;
    }
    Ok((ids.len(), ids))
}

async fn interaction(
    scope: &mut Scope,
    contact: Uuid,
    organisation: Option<Uuid>,
    n: usize,
) -> anyhow::Result<()> {
    let id = Uuid::now_v7();
    let occurred_at = OffsetDateTime::now_utc() - Duration::hours((n % 4_000) as i64);
    let new = NewInteraction {
        id,
        kind: InteractionKind::Call,
        occurred_at,
        direction: Some(Direction::Outbound),
        duration_secs: Some(600),
        outcome: None,
        channel: None,
        subject: "Rückfrage zum Angebot",
        body: "Wünscht Staffelpreise ab 500 Stück; Angebot bis Freitag nachreichen.",
        participants: &[],
        history: None,
        message_bidx: None,
        thread_id: None,
        private_to: None,
        created_by: Some(scope.user_id()),
    };
    let mut links = vec![(RecordKind::Contact, contact)];
    links.extend(organisation.map(|o| (RecordKind::Organisation, o)));
    timeline::insert_unaudited(scope, &new, &links)
        .await
        .map_err(err("timeline entry"))
}
