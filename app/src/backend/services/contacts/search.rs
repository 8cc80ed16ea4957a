//! Finding contacts by what a user types, through the blind indexes: e-mail and phone
//! exactly, names and organisations by keyed word prefixes (whole words rank first).

use crate::backend::crypto::IndexKey;
use crate::model::paging::PAGE_SIZE;
use crate::AppResult;
use sqlx::PgConnection;
use uuid::Uuid;

/// How a search text is looked up.
pub enum Lookup {
    Email(Vec<u8>),
    Phone(Vec<u8>),
    Words { prefixes: Vec<i64>, exact: Vec<i64> },
    Nothing,
}

impl Lookup {
    pub fn classify(index: &IndexKey, q: &str) -> Lookup {
        let q = q.trim();
        if q.contains('@') {
            return Lookup::Email(index.email(q));
        }
        let phone_like = q
            .chars()
            .all(|c| c.is_ascii_digit() || " +-/().".contains(c));
        if phone_like {
            return match index.phone(q) {
                Some(bidx) => Lookup::Phone(bidx),
                None => Lookup::Nothing,
            };
        }
        let query = index.query(q);
        if query.is_empty() {
            Lookup::Nothing
        } else {
            Lookup::Words {
                prefixes: query.prefixes,
                exact: query.exact,
            }
        }
    }
}

/// One page of matching ids in rank order, and how many match in all.
pub async fn ranked_ids(
    conn: &mut PgConnection,
    lookup: Lookup,
    offset: i64,
) -> AppResult<(Vec<Uuid>, i64)> {
    match lookup {
        Lookup::Nothing => Ok((Vec::new(), 0)),
        Lookup::Email(bidx) => {
            let ids = sqlx::query_scalar!(
                "SELECT contact_id FROM contacts WHERE email_bidx = $1 ORDER BY created_at",
                bidx
            )
            .fetch_all(conn)
            .await?;
            Ok(counted(ids))
        }
        Lookup::Phone(bidx) => {
            let ids = sqlx::query_scalar!(
                "SELECT contact_id FROM contacts WHERE phone_bidx = $1 ORDER BY created_at",
                bidx
            )
            .fetch_all(conn)
            .await?;
            Ok(counted(ids))
        }
        Lookup::Words { prefixes, exact } => {
            // Every word must match a prefix token; whole-word matches rank first.
            let ranked = sqlx::query!(
                r#"SELECT contact_id, count(*) OVER () AS "total!"
                 FROM contact_search_tokens
                 WHERE token = ANY($1) OR token = ANY($2)
                 GROUP BY contact_id
                 HAVING count(DISTINCT token) FILTER (WHERE token = ANY($1)) = cardinality($1)
                 ORDER BY count(*) FILTER (WHERE token = ANY($2)) DESC, contact_id
                 OFFSET $3 LIMIT $4"#,
                &prefixes,
                &exact,
                offset,
                PAGE_SIZE
            )
            .fetch_all(conn)
            .await?;
            let total = ranked.first().map(|r| r.total).unwrap_or(0);
            Ok((ranked.into_iter().map(|r| r.contact_id).collect(), total))
        }
    }
}

fn counted(ids: Vec<Uuid>) -> (Vec<Uuid>, i64) {
    let total = ids.len() as i64;
    (ids, total)
}
