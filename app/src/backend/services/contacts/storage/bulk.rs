//! Many contacts in a handful of statements (imports, seeding at scale).

use super::{map_write_error, SealedInput};
use crate::backend::search::RecordKind;
use crate::AppResult;
use sqlx::PgConnection;
use uuid::Uuid;

/// The rows as columns, for `unnest`.
#[derive(Default)]
struct Columns {
    ids: Vec<Uuid>,
    first: Vec<Vec<u8>>,
    last: Vec<Vec<u8>>,
    emails: Vec<Option<Vec<u8>>>,
    phones: Vec<Option<Vec<u8>>>,
    profile: Vec<Vec<u8>>,
    notes: Vec<Option<Vec<u8>>>,
    orgs: Vec<Option<Uuid>>,
    owners: Vec<Option<Uuid>>,
    classes: Vec<Option<String>>,
    stages: Vec<String>,
    languages: Vec<String>,
    // Arrays of arrays do not unnest row by row; tags and channels travel as text.
    tags: Vec<String>,
    channels: Vec<String>,
    token_ids: Vec<Uuid>,
    tokens: Vec<i64>,
    fp_ids: Vec<Uuid>,
    fp_kinds: Vec<i16>,
    fp_values: Vec<Vec<u8>>,
}

impl Columns {
    fn push(&mut self, id: Uuid, s: SealedInput) {
        self.ids.push(id);
        self.first.push(s.first_name);
        self.last.push(s.last_name);
        self.emails.push(s.emails);
        self.phones.push(s.phones);
        self.profile.push(s.profile);
        self.notes.push(s.notes);
        self.orgs.push(s.meta.organisation_id);
        self.owners.push(s.meta.owner_id);
        self.classes.push(s.meta.classification);
        self.stages.push(s.meta.stage);
        self.languages.push(s.meta.preferred_language);
        self.tags.push(s.meta.tags.join("\u{1f}"));
        self.channels.push(s.meta.channels.join(","));
        for t in s.tokens {
            self.token_ids.push(id);
            self.tokens.push(t.token);
        }
        for (kind, value) in s.fingerprints {
            self.fp_ids.push(id);
            self.fp_kinds.push(kind as i16);
            self.fp_values.push(value);
        }
    }
}

/// Inserts many sealed contacts with a handful of statements (imports, seeding).
pub async fn insert_many(
    conn: &mut PgConnection,
    tenant_id: Uuid,
    rows: Vec<(Uuid, SealedInput)>,
    created_by: Uuid,
) -> AppResult<()> {
    let mut c = Columns::default();
    for (id, sealed) in rows {
        c.push(id, sealed);
    }
    sqlx::query!(
        r#"INSERT INTO contacts (tenant_id, contact_id, first_name_ct, last_name_ct, emails_ct, phones_ct,
                               profile_ct, notes_ct, organisation_id, owner_id, tags, classification,
                               stage, preferred_language, channels, created_by)
         SELECT $1, t.id, t.f, t.l, t.e, t.p, t.pr, t.n, t.o, t.ow,
                CASE WHEN t.tg = '' THEN '{}'::text[] ELSE string_to_array(t.tg, E'\x1f') END,
                t.c, t.s, t.lang,
                CASE WHEN t.ch = '' THEN '{}'::text[] ELSE string_to_array(t.ch, ',') END,
                $2
         FROM unnest($3::uuid[], $4::bytea[], $5::bytea[], $6::bytea[], $7::bytea[], $8::bytea[],
                     $9::bytea[], $10::uuid[], $11::uuid[], $12::text[], $13::text[], $14::text[],
                     $15::text[], $16::text[])
              AS t(id, f, l, e, p, pr, n, o, ow, tg, c, s, lang, ch)"#,
        tenant_id,
        created_by,
        &c.ids,
        &c.first,
        &c.last,
        &c.emails as &[Option<Vec<u8>>],
        &c.phones as &[Option<Vec<u8>>],
        &c.profile,
        &c.notes as &[Option<Vec<u8>>],
        &c.orgs as &[Option<Uuid>],
        &c.owners as &[Option<Uuid>],
        &c.tags,
        &c.classes as &[Option<String>],
        &c.stages,
        &c.languages,
        &c.channels
    )
    .execute(&mut *conn)
    .await
    .map_err(map_write_error)?;
    sqlx::query!(
        "INSERT INTO search_tokens (tenant_id, token, record_kind, record_id)
         SELECT $1, t.token, $2, t.id FROM unnest($3::uuid[], $4::bigint[]) AS t(id, token)
         ON CONFLICT DO NOTHING",
        tenant_id,
        RecordKind::Contact as i16,
        &c.token_ids,
        &c.tokens
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO fingerprints (tenant_id, kind, bidx, record_kind, record_id)
         SELECT $1, f.kind, f.bidx, $2, f.id FROM unnest($3::uuid[], $4::smallint[], $5::bytea[]) AS f(id, kind, bidx)
         ON CONFLICT DO NOTHING",
        tenant_id,
        RecordKind::Contact as i16,
        &c.fp_ids,
        &c.fp_kinds,
        &c.fp_values
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO contact_stages (tenant_id, contact_id, entry_id, stage, changed_by)
         SELECT $1, t.id, gen_random_uuid(), t.stage, $2 FROM unnest($3::uuid[], $4::text[]) AS t(id, stage)",
        tenant_id,
        created_by,
        &c.ids,
        &c.stages
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
