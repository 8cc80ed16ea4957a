//! Stable pseudonyms for employees, keyed per tenant: the same person always gets the
//! same pseudonym, and nobody without the tenant's keys can reverse it.

use crate::backend::crypto::{DataKey, KeyStore};
use crate::AppResult;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::PgConnection;
use uuid::Uuid;

pub struct Pseudonyms(DataKey);

impl Pseudonyms {
    pub async fn load(
        conn: &mut PgConnection,
        keys: &KeyStore,
        tenant_id: Uuid,
    ) -> AppResult<Self> {
        Ok(Self(
            keys.tenant_root_key(conn, tenant_id)
                .await?
                .derive("tessera.audit-pseudonym.v1"),
        ))
    }

    pub fn of(&self, user_id: Uuid) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(self.0.expose()).expect("any key length");
        mac.update(user_id.as_bytes());
        let digest = mac.finalize().into_bytes();
        let code: String = digest[..5].iter().map(|b| format!("{b:02X}")).collect();
        format!("P-{code}")
    }

    /// The employee among `employees` behind `pseudonym`.
    pub fn find(&self, employees: impl IntoIterator<Item = Uuid>, pseudonym: &str) -> Option<Uuid> {
        employees.into_iter().find(|id| self.of(*id) == pseudonym)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_stable_and_keyed() {
        let a = Pseudonyms(DataKey::generate());
        let b = Pseudonyms(DataKey::generate());
        let user = Uuid::now_v7();
        assert_eq!(a.of(user), a.of(user));
        assert_ne!(a.of(user), b.of(user));
        assert!(a.of(user).starts_with("P-") && a.of(user).len() == 12);
        assert_eq!(a.find([Uuid::now_v7(), user], &a.of(user)), Some(user));
    }
}
