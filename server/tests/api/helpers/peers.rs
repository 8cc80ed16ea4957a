//! The real protocol peers `./dev test` starts on localhost (see `peers_start` in
//! `dev`): tests find them through environment variables, as they find PostgreSQL.

use std::path::PathBuf;
use std::time::Duration;

fn required(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run the tests with ./dev test, or start the peers with eval \"$(./dev peers)\"")
    })
}

/// The SMTP server (aiosmtpd): host and port.
pub fn smtp() -> (String, u16) {
    let address = required("TESSERA_TEST_SMTP");
    let (host, port) = address.rsplit_once(':').expect("host:port");
    (host.to_owned(), port.parse().expect("port"))
}

/// A port nothing listens on (for an unreachable server).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The Maildir the SMTP server delivers every message into.
pub struct Maildir(PathBuf);

impl Maildir {
    pub fn of_smtp_peer() -> Self {
        Self(PathBuf::from(required("TESSERA_TEST_MAILDIR")))
    }

    /// Every message delivered to `recipient` so far, as raw bytes. The server
    /// notes each envelope recipient in an `X-RcptTo` header.
    pub fn messages_to(&self, recipient: &str) -> Vec<Vec<u8>> {
        let mut found = Vec::new();
        for dir in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.0.join(dir)) else {
                continue;
            };
            for entry in entries.flatten() {
                let bytes = std::fs::read(entry.path()).unwrap_or_default();
                let head = String::from_utf8_lossy(&bytes);
                let rcpt = head
                    .lines()
                    .find_map(|l| l.strip_prefix("X-RcptTo: "))
                    .unwrap_or_default();
                if rcpt.split(", ").any(|r| r.eq_ignore_ascii_case(recipient)) {
                    found.push(bytes);
                }
            }
        }
        found
    }

    /// Waits up to 20 s for the first message to `recipient`.
    pub async fn wait_for(&self, recipient: &str) -> Vec<u8> {
        for _ in 0..200 {
            if let Some(message) = self.messages_to(recipient).pop() {
                return message;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no message reached {recipient}");
    }
}

/// The IMAP server (Dovecot): host, port, and the password every account has.
pub fn imap() -> (String, u16, String) {
    let address = required("TESSERA_TEST_IMAP");
    let (host, port) = address.rsplit_once(':').expect("host:port");
    (
        host.to_owned(),
        port.parse().expect("port"),
        required("TESSERA_TEST_IMAP_PASSWORD"),
    )
}

/// An account of its own on the IMAP server (Dovecot creates it on first login).
pub fn fresh_imap_user(name: &str) -> String {
    format!("{name}-{}", uuid::Uuid::now_v7().simple())
}

/// Puts `raw` into `folder` of `user`'s mailbox, as a mail client or delivery would.
pub async fn imap_append(user: &str, folder: &str, raw: &[u8]) {
    let (host, port, password) = imap();
    let tcp = tokio::net::TcpStream::connect((host.as_str(), port))
        .await
        .expect("the IMAP peer listens");
    let mut client = async_imap::Client::new(tcp);
    client.read_response().await.unwrap().expect("greeting");
    let mut session = client
        .login(user, &password)
        .await
        .map_err(|(e, _)| e)
        .expect("IMAP login");
    session
        .append(folder, None, None, raw)
        .await
        .expect("APPEND");
    session.logout().await.ok();
}

/// The OpenID provider (oidc-provider, `end2end/peers/oidc.mjs`): its issuer URL.
pub fn oidc() -> String {
    required("TESSERA_TEST_OIDC")
}
