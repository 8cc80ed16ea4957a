//! The authenticator app's side of TOTP (RFC 6238: SHA-1, six digits, 30 seconds,
//! what every app supports) through `totp-rs`, the QR code through `qrcode`, and
//! recovery codes.

use crate::model::second_factor::{TotpEnrolment, RECOVERY_CODES};
use crate::{AppError, AppResult};
use base64::{engine::general_purpose::STANDARD, Engine as _};
use rand::{Rng, RngCore};
use totp_rs::{Algorithm, Secret, TOTP};

const DIGITS: usize = 6;
const STEP_SECS: u64 = 30;
const ISSUER: &str = "Tessera";
/// Letters and digits that cannot be mistaken for each other when typed from paper.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

fn internal<E: std::fmt::Debug>(err: E) -> AppError {
    tracing::error!(error = ?err, "authenticator error");
    AppError::Internal
}

/// A fresh 160-bit secret (RFC 4226's recommendation), base32.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::thread_rng().fill_bytes(&mut bytes);
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

/// `skew` 0: [`matching_step`] tries the neighbouring steps itself, to learn which
/// one matched.
fn totp(secret: &str, account: &str) -> AppResult<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned())
        .to_bytes()
        .map_err(internal)?;
    // `otpauth` labels cannot hold a colon; such an address is labelled generically.
    let account = if account.contains(':') {
        "account"
    } else {
        account
    };
    TOTP::new(
        Algorithm::SHA1,
        DIGITS,
        0,
        STEP_SECS,
        bytes,
        Some(ISSUER.to_owned()),
        account.to_owned(),
    )
    .map_err(internal)
}

/// What the account security page shows while an app is being set up.
pub fn enrolment(secret: &str, account: &str) -> AppResult<TotpEnrolment> {
    let uri = totp(secret, account)?.get_url();
    let svg = qrcode::QrCode::new(uri.as_bytes())
        .map_err(internal)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    Ok(TotpEnrolment {
        secret: secret.to_owned(),
        uri,
        qr_svg: format!("data:image/svg+xml;base64,{}", STANDARD.encode(svg)),
    })
}

/// The time step whose code `code` is, if it is the current step's or a neighbour's
/// (clocks drift) and newer than `after` (a code is accepted once).
pub fn matching_step(
    secret: &str,
    code: &str,
    now_secs: u64,
    after: i64,
) -> AppResult<Option<i64>> {
    let totp = totp(secret, ISSUER)?;
    let current = now_secs / STEP_SECS;
    let candidates = [current.saturating_sub(1), current, current + 1];
    Ok(candidates
        .into_iter()
        .filter(|&step| step as i64 > after)
        .find(|&step| totp.check(code, step * STEP_SECS))
        .map(|step| step as i64))
}

/// Ten new recovery codes, like `k7mxq-3hd9p`.
pub fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::thread_rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut code: String = (0..10)
                .map(|_| RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())] as char)
                .collect();
            code.insert(5, '-');
            code
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_its_step_and_its_neighbours_once() {
        let secret = new_secret();
        let totp = totp(&secret, "erika@muster.example").unwrap();
        let now = 1_800_000_000;
        let code = totp.generate(now);
        let step = (now / STEP_SECS) as i64;
        assert_eq!(matching_step(&secret, &code, now, 0).unwrap(), Some(step));
        // Thirty seconds later the previous step still counts (clock drift) ...
        assert_eq!(
            matching_step(&secret, &code, now + STEP_SECS, 0).unwrap(),
            Some(step)
        );
        // ... but not after it was used, and not two steps later.
        assert_eq!(matching_step(&secret, &code, now, step).unwrap(), None);
        assert_eq!(
            matching_step(&secret, &code, now + 2 * STEP_SECS, 0).unwrap(),
            None
        );
    }

    #[test]
    fn enrolment_carries_the_secret_in_the_uri_and_a_qr_code() {
        let secret = new_secret();
        let enrolment = enrolment(&secret, "erika@muster.example").unwrap();
        assert!(enrolment.uri.starts_with("otpauth://totp/Tessera:erika"));
        assert!(enrolment.uri.contains(&format!("secret={secret}")));
        assert!(enrolment.qr_svg.starts_with("data:image/svg+xml;base64,"));
    }

    #[test]
    fn recovery_codes_are_ten_distinct_grouped_codes() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert!(codes
            .iter()
            .all(|c| c.len() == 11 && c.as_bytes()[5] == b'-'));
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
    }
}
