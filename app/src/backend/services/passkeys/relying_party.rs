//! Tessera as a WebAuthn relying party: its id is the host users reach it at.

use crate::{AppError, AppResult};
use std::net::IpAddr;
use webauthn_rs::prelude::Url;
use webauthn_rs::{Webauthn, WebauthnBuilder};

/// The relying party for `public_url`. Browsers refuse IP addresses as relying
/// party ids, so a server on a loopback address (development, the tests) takes
/// passkeys at `http://localhost:<port>`.
pub fn for_public_url(public_url: &str) -> AppResult<Webauthn> {
    let invalid = |err: &dyn std::fmt::Display| {
        tracing::error!(error = %err, "public URL unusable for passkeys");
        AppError::Internal
    };
    let mut origin = Url::parse(public_url).map_err(|e| invalid(&e))?;
    let loopback = origin
        .host_str()
        .and_then(|host| host.trim_matches(['[', ']']).parse::<IpAddr>().ok())
        .is_some_and(|ip| ip.is_loopback());
    if loopback {
        origin
            .set_host(Some("localhost"))
            .map_err(|e| invalid(&e))?;
    }
    origin.set_path("");
    let rp_id = origin
        .domain()
        .ok_or_else(|| invalid(&"no host name"))?
        .to_owned();
    WebauthnBuilder::new(&rp_id, &origin)
        .and_then(|builder| builder.rp_name("Tessera").build())
        .map_err(|e| invalid(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loopback_server_is_reached_at_localhost() {
        let rp = for_public_url("http://127.0.0.1:3107").unwrap();
        let origins: Vec<String> = rp
            .get_allowed_origins()
            .iter()
            .map(|u| u.origin().ascii_serialization())
            .collect();
        assert_eq!(origins, ["http://localhost:3107"]);
        let rp = for_public_url("https://crm.example.com/").unwrap();
        let origins: Vec<String> = rp
            .get_allowed_origins()
            .iter()
            .map(|u| u.origin().ascii_serialization())
            .collect();
        assert_eq!(origins, ["https://crm.example.com"]);
    }
}
