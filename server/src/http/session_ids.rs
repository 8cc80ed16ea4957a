//! Session ids are stored hashed. The cookie carries the random id; the session table
//! holds only SHA-256 of it, so whoever reads the table (a backup, a replica, an
//! insider with SELECT) cannot sign in with what they read. The ids are 128 random
//! bits, so an unkeyed hash cannot be reversed by guessing.

use sha2::{Digest, Sha256};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result, SessionStore};

/// Wraps a session store so that it only ever sees hashed ids.
#[derive(Debug, Clone)]
pub struct HashedSessionIds<S>(pub S);

/// The id a session is stored under.
pub fn stored_id(id: &Id) -> Id {
    let digest = Sha256::new()
        .chain_update(b"tessera.session-id.v1")
        .chain_update(id.0.to_le_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Id(i128::from_le_bytes(bytes))
}

fn hashed(record: &Record) -> Record {
    Record {
        id: stored_id(&record.id),
        ..record.clone()
    }
}

#[async_trait::async_trait]
impl<S: SessionStore> SessionStore for HashedSessionIds<S> {
    async fn create(&self, record: &mut Record) -> Result<()> {
        let mut stored = hashed(record);
        let wanted = stored.id;
        self.0.create(&mut stored).await?;
        // The inner store picks another id only when 128 random bits collided; that
        // id's cookie form is unknown here, so the session is refused instead.
        if stored.id != wanted {
            return Err(Error::Backend("session id collision".into()));
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        self.0.save(&hashed(record)).await
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        Ok(self
            .0
            .load(&stored_id(id))
            .await?
            .map(|record| Record { id: *id, ..record }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.0.delete(&stored_id(id)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_id_is_another_value_and_stable() {
        let id = Id::default();
        assert_ne!(stored_id(&id), id);
        assert_eq!(stored_id(&id), stored_id(&id));
        assert_ne!(stored_id(&id), stored_id(&Id::default()));
    }
}
