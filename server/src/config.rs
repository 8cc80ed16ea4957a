//! Typed configuration from the environment, checked once at start.

use anyhow::{bail, Context};
use app::backend::account_mail::AccountMailSettings;
use app::backend::crypto::epochs::ErasureEpochs;
use app::backend::crypto::{KeyStore, KeyWrapper, LocalMasterKey, MasterKeyRing};
use app::backend::services::erasure::EpochPolicy;
use app::model::mail::SmtpSecurity;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    Development,
    Production,
}

#[derive(Clone)]
pub struct Config {
    pub mode: Mode,
    /// Owner connection: runs migrations (`DATABASE_URL`).
    pub database_url: String,
    /// Application-role connection for requests (`TESSERA_APP_DATABASE_URL`). When
    /// unset, the owner connection switches to the `tessera_app` role with SET ROLE.
    pub app_database_url: Option<String>,
    pub db_pool_size: u32,
    pub listen: SocketAddr,
    /// The origin users reach the server at; links and cookie security derive from it.
    pub public_url: String,
    pub idle_timeout: Duration,
    pub absolute_timeout: Duration,
    /// 32-byte master key (base64) or a file holding it; required to serve.
    pub master_key: Option<String>,
    /// Master keys being rotated away from (`TESSERA_MASTER_KEY_PREVIOUS`, comma-separated).
    pub previous_master_keys: Vec<String>,
    /// The operator's SMTP server for invitations and password resets
    /// (`TESSERA_MAIL_SMTP=host:port` and friends); without it, no account mail.
    pub account_mail: Option<AccountMailSettings>,
    /// API requests per token and per client network per minute
    /// (`TESSERA_API_REQUESTS_PER_MINUTE`, `TESSERA_API_REQUESTS_PER_MINUTE_PER_IP`).
    pub api_per_token: u32,
    pub api_per_ip: u32,
    /// Whether webhooks may call loopback and private addresses: in development, or
    /// with `TESSERA_WEBHOOKS_PRIVATE_NETWORKS=allow`.
    pub webhooks_to_private_networks: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client
    /// (`TESSERA_TRUSTED_PROXIES`, addresses or networks, comma-separated).
    pub trusted_proxies: crate::http::client_ip::TrustedProxies,
    /// How often the sealer chains pending audit entries
    /// (`TESSERA_AUDIT_SEAL_MILLISECONDS`, default 1000; readers of the log seal at once).
    pub audit_seal_every: Duration,
    /// Where the sealer also appends each tenant's keyed chain heads, outside the
    /// database (`TESSERA_AUDIT_ANCHOR_DIR`; keep it on other storage than the database).
    pub audit_anchor_dir: Option<PathBuf>,
    /// Where the erasure-epoch keys and the erasure ledger live, outside the database
    /// and outside long-lived backups (`TESSERA_ERASURE_DIR`); without it, erasure
    /// does not reach backups.
    pub erasure_dir: Option<PathBuf>,
    /// `TESSERA_ERASURE_EPOCH_HOURS` (24) and `TESSERA_BACKUP_RETENTION_DAYS` (30).
    pub erasure_policy: EpochPolicy,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // URLs may hold passwords and the master key is secret: never print them.
        f.debug_struct("Config")
            .field("mode", &self.mode)
            .field("listen", &self.listen)
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// `TESSERA_MAIL_SMTP` (host:port), `TESSERA_MAIL_SECURITY` (starttls, tls or plain),
/// `TESSERA_MAIL_USER` and `TESSERA_MAIL_PASSWORD`, `TESSERA_MAIL_FROM`.
fn account_mail(public_url: &str) -> anyhow::Result<Option<AccountMailSettings>> {
    let Some(server) = var("TESSERA_MAIL_SMTP") else {
        return Ok(None);
    };
    let (host, port) = server
        .rsplit_once(':')
        .and_then(|(h, p)| Some((h.to_owned(), p.parse::<u16>().ok()?)))
        .context("TESSERA_MAIL_SMTP must be host:port")?;
    let security = match var("TESSERA_MAIL_SECURITY").as_deref() {
        None | Some("starttls") => SmtpSecurity::StartTls,
        Some("tls") => SmtpSecurity::Tls,
        Some("plain") => SmtpSecurity::Plain,
        Some(other) => bail!("TESSERA_MAIL_SECURITY must be starttls, tls or plain, not '{other}'"),
    };
    let credentials = var("TESSERA_MAIL_USER").zip(var("TESSERA_MAIL_PASSWORD"));
    let host_of_url = public_url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', ':']).next())
        .unwrap_or("localhost");
    let from =
        var("TESSERA_MAIL_FROM").unwrap_or_else(|| format!("Tessera <no-reply@{host_of_url}>"));
    Ok(Some(AccountMailSettings {
        host,
        port,
        security,
        credentials,
        from,
    }))
}

fn number(name: &str, default: u32) -> anyhow::Result<u32> {
    var(name)
        .map(|v| v.parse::<u32>())
        .transpose()
        .with_context(|| format!("{name} must be a number"))
        .map(|v| v.unwrap_or(default))
}

fn minutes(name: &str, default: u64) -> anyhow::Result<Duration> {
    let value = match var(name) {
        Some(v) => v
            .parse::<u64>()
            .with_context(|| format!("{name} must be a number of minutes"))?,
        None => default,
    };
    Ok(Duration::from_secs(value * 60))
}

/// What production refuses to run without.
fn production_requirements(
    has_master_key: bool,
    public_url: &str,
    has_app_login: bool,
    has_erasure_dir: bool,
) -> anyhow::Result<()> {
    if !has_master_key {
        bail!(
            "production mode needs a master key: set TESSERA_MASTER_KEY or TESSERA_MASTER_KEY_FILE"
        );
    }
    if !public_url.starts_with("https://") {
        bail!("production mode needs an https TESSERA_PUBLIC_URL");
    }
    // Without its own login the request connections are the owner's with SET ROLE,
    // and anything that runs RESET ROLE on one of them would act as the owner.
    if !has_app_login {
        bail!(
            "production mode needs TESSERA_APP_DATABASE_URL: a login of its own for the \
             tessera_app role (see the README's operations section)"
        );
    }
    // Without epochs, an erased person comes back with every restored backup.
    if !has_erasure_dir {
        bail!(
            "production mode needs TESSERA_ERASURE_DIR: a directory outside the database \
             and its backups for the erasure-epoch keys"
        );
    }
    Ok(())
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let mode = match var("TESSERA_ENV").as_deref() {
            None | Some("development") | Some("dev") => Mode::Development,
            Some("production") | Some("prod") => Mode::Production,
            Some(other) => {
                bail!("TESSERA_ENV must be 'development' or 'production', not '{other}'")
            }
        };
        let database_url = var("DATABASE_URL").context("DATABASE_URL is not set")?;
        let listen: SocketAddr = var("TESSERA_LISTEN")
            .or_else(|| var("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .context("TESSERA_LISTEN must be host:port")?;
        let public_url = var("TESSERA_PUBLIC_URL").unwrap_or_else(|| format!("http://{listen}"));
        let master_key = match (var("TESSERA_MASTER_KEY"), var("TESSERA_MASTER_KEY_FILE")) {
            (Some(key), _) => Some(key),
            (None, Some(path)) => Some(
                std::fs::read_to_string(PathBuf::from(&path))
                    .with_context(|| format!("cannot read TESSERA_MASTER_KEY_FILE {path}"))?
                    .trim()
                    .to_owned(),
            ),
            (None, None) => None,
        };
        let previous_master_keys: Vec<String> = var("TESSERA_MASTER_KEY_PREVIOUS")
            .map(|v| {
                v.split(',')
                    .map(|k| k.trim().to_owned())
                    .filter(|k| !k.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        for key in master_key.iter().chain(previous_master_keys.iter()) {
            if LocalMasterKey::from_base64(key).is_none() {
                bail!("a master key must be 32 bytes, base64-encoded");
            }
        }
        let app_database_url = var("TESSERA_APP_DATABASE_URL");
        let erasure_dir = std::env::var_os("TESSERA_ERASURE_DIR")
            .filter(|dir| !dir.is_empty())
            .map(PathBuf::from);
        if mode == Mode::Production {
            production_requirements(
                master_key.is_some(),
                &public_url,
                app_database_url.is_some(),
                erasure_dir.is_some(),
            )?;
        }
        let account_mail = account_mail(&public_url)?;
        let trusted_proxies = crate::http::client_ip::TrustedProxies::parse(
            &var("TESSERA_TRUSTED_PROXIES").unwrap_or_default(),
        )
        .map_err(|problem| anyhow::anyhow!("TESSERA_TRUSTED_PROXIES: {problem}"))?;
        let webhooks_to_private_networks = mode == Mode::Development
            || var("TESSERA_WEBHOOKS_PRIVATE_NETWORKS").as_deref() == Some("allow");
        Ok(Self {
            mode,
            database_url,
            app_database_url,
            db_pool_size: var("TESSERA_DB_POOL_SIZE")
                .map(|v| v.parse())
                .transpose()
                .context("TESSERA_DB_POOL_SIZE must be a number")?
                .unwrap_or(10),
            listen,
            public_url,
            idle_timeout: minutes("TESSERA_SESSION_IDLE_MINUTES", 30)?,
            absolute_timeout: minutes("TESSERA_SESSION_ABSOLUTE_MINUTES", 12 * 60)?,
            master_key,
            previous_master_keys,
            account_mail,
            api_per_token: number("TESSERA_API_REQUESTS_PER_MINUTE", 600)?,
            api_per_ip: number("TESSERA_API_REQUESTS_PER_MINUTE_PER_IP", 1200)?,
            webhooks_to_private_networks,
            trusted_proxies,
            audit_seal_every: Duration::from_millis(
                number("TESSERA_AUDIT_SEAL_MILLISECONDS", 1000)?
                    .max(10)
                    .into(),
            ),
            audit_anchor_dir: std::env::var_os("TESSERA_AUDIT_ANCHOR_DIR")
                .filter(|dir| !dir.is_empty())
                .map(PathBuf::from),
            erasure_dir,
            erasure_policy: EpochPolicy {
                every: Duration::from_secs(
                    u64::from(number("TESSERA_ERASURE_EPOCH_HOURS", 24)?.max(1)) * 3600,
                ),
                backup_retention: Duration::from_secs(
                    u64::from(number("TESSERA_BACKUP_RETENTION_DAYS", 30)?) * 86_400,
                ),
            },
        })
    }

    /// The key store: the master key ring, and the erasure epochs when configured.
    pub fn key_store(&self) -> anyhow::Result<KeyStore> {
        let store = KeyStore::new(self.key_ring()?);
        Ok(match &self.erasure_dir {
            None => store,
            Some(dir) => {
                store.with_erasure_epochs(Arc::new(ErasureEpochs::open(dir.clone()).with_context(
                    || format!("cannot open TESSERA_ERASURE_DIR {}", dir.display()),
                )?))
            }
        })
    }

    /// The master key ring: refuses to go on without a master key, with a clear message.
    pub fn key_ring(&self) -> anyhow::Result<MasterKeyRing> {
        let parse = |k: &String| -> anyhow::Result<Arc<dyn KeyWrapper>> {
            Ok(Arc::new(
                LocalMasterKey::from_base64(k).context("invalid master key")?,
            ))
        };
        let current = self.master_key.as_ref().context(
            "no master key: set TESSERA_MASTER_KEY (32 bytes, base64) or TESSERA_MASTER_KEY_FILE; \
             `./dev run` generates a development key in target/dev/master.key",
        )?;
        let previous = self
            .previous_master_keys
            .iter()
            .map(parse)
            .collect::<anyhow::Result<_>>()?;
        Ok(MasterKeyRing::new(parse(current)?, previous))
    }

    /// Cookies are `Secure` (and `__Host-` prefixed) whenever users reach us over TLS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

#[cfg(test)]
mod tests {
    use super::production_requirements;

    #[test]
    fn production_needs_a_master_key_tls_a_login_of_its_own_and_erasure_epochs() {
        let url = "https://crm.example.com";
        assert!(production_requirements(true, url, true, true).is_ok());
        let refusal = |key, url, login, epochs| {
            production_requirements(key, url, login, epochs)
                .unwrap_err()
                .to_string()
        };
        assert!(refusal(false, url, true, true).contains("TESSERA_MASTER_KEY"));
        assert!(refusal(true, "http://crm.example.com", true, true).contains("https"));
        assert!(refusal(true, url, false, true).contains("TESSERA_APP_DATABASE_URL"));
        assert!(refusal(true, url, true, false).contains("TESSERA_ERASURE_DIR"));
    }
}
