//! Reading a mailbox over IMAP (async-imap): new messages of the chosen folders since
//! the last UID seen, fetched with `BODY.PEEK[]` so the user's unread marks stay.

use crate::model::mail::SmtpSecurity;
use async_imap::{Client, Session};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;

const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Account<'a> {
    pub host: &'a str,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: &'a str,
    pub password: &'a str,
}

/// Where a folder stands: the UIDVALIDITY it was read under and the last UID read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderMark {
    pub validity: u32,
    pub uid: u32,
}

pub type Marks = BTreeMap<String, FolderMark>;

pub struct Fetched {
    pub raw: Vec<u8>,
}

/// Why a mailbox could not be read: a code for the user, never the server's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchError {
    Unreachable,
    LoginFailed,
    FolderMissing,
}

impl FetchError {
    pub fn code(self) -> &'static str {
        match self {
            Self::Unreachable => "imap_unreachable",
            Self::LoginFailed => "imap_login_failed",
            Self::FolderMissing => "imap_folder_missing",
        }
    }
}

/// Up to `limit` new messages across `folders`, and the marks after them.
pub async fn fetch_new(
    account: &Account<'_>,
    folders: &[String],
    marks: &Marks,
    limit: usize,
) -> Result<(Vec<Fetched>, Marks), FetchError> {
    let work = async {
        let tcp = TcpStream::connect((account.host, account.port))
            .await
            .map_err(|_| FetchError::Unreachable)?;
        let _ = tcp.set_nodelay(true);
        match account.security {
            SmtpSecurity::Plain => read(greeted(tcp).await?, account, folders, marks, limit).await,
            SmtpSecurity::Tls => {
                let tls = tls(account.host, tcp).await?;
                read(greeted(tls).await?, account, folders, marks, limit).await
            }
            SmtpSecurity::StartTls => {
                let mut client = greeted(tcp).await?;
                client
                    .run_command_and_check_ok("STARTTLS", None)
                    .await
                    .map_err(|_| FetchError::Unreachable)?;
                let tls = tls(account.host, client.into_inner()).await?;
                read(Client::new(tls), account, folders, marks, limit).await
            }
        }
    };
    tokio::time::timeout(TIMEOUT * 4, work)
        .await
        .map_err(|_| FetchError::Unreachable)?
}

async fn greeted<S>(stream: S) -> Result<Client<S>, FetchError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug,
{
    let mut client = Client::new(stream);
    match tokio::time::timeout(TIMEOUT, client.read_response()).await {
        Ok(Ok(Some(_))) => Ok(client),
        _ => Err(FetchError::Unreachable),
    }
}

async fn tls(
    host: &str,
    tcp: TcpStream,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>, FetchError> {
    let roots = RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|_| FetchError::Unreachable)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from(host.to_owned()).map_err(|_| FetchError::Unreachable)?;
    TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|_| FetchError::Unreachable)
}

async fn read<S>(
    client: Client<S>,
    account: &Account<'_>,
    folders: &[String],
    marks: &Marks,
    limit: usize,
) -> Result<(Vec<Fetched>, Marks), FetchError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug,
{
    let mut session = client
        .login(account.username, account.password)
        .await
        .map_err(|_| FetchError::LoginFailed)?;
    let result = read_folders(&mut session, folders, marks, limit).await;
    let _ = session.logout().await;
    result
}

async fn read_folders<S>(
    session: &mut Session<S>,
    folders: &[String],
    marks: &Marks,
    limit: usize,
) -> Result<(Vec<Fetched>, Marks), FetchError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug,
{
    let mut fetched = Vec::new();
    let mut after = marks.clone();
    for folder in folders {
        let mailbox = session
            .examine(folder)
            .await
            .map_err(|_| FetchError::FolderMissing)?;
        let validity = mailbox.uid_validity.unwrap_or(0);
        // A new UIDVALIDITY means the server renumbered: read it again from the start
        // (Message-IDs keep what was imported from coming in twice).
        let mark = marks
            .get(folder)
            .filter(|m| m.validity == validity)
            .copied()
            .unwrap_or(FolderMark { validity, uid: 0 });
        let mut uids: Vec<u32> = session
            .uid_search(format!("UID {}:*", mark.uid + 1))
            .await
            .map_err(|_| FetchError::Unreachable)?
            .into_iter()
            .filter(|uid| *uid > mark.uid)
            .collect();
        uids.sort_unstable();
        uids.truncate(limit.saturating_sub(fetched.len()));
        let mut last = mark.uid;
        if !uids.is_empty() {
            let set = uids
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let mut stream = session
                .uid_fetch(set, "(UID BODY.PEEK[])")
                .await
                .map_err(|_| FetchError::Unreachable)?;
            while let Some(item) = stream.next().await {
                let item = item.map_err(|_| FetchError::Unreachable)?;
                if let (Some(uid), Some(body)) = (item.uid, item.body()) {
                    last = last.max(uid);
                    fetched.push(Fetched { raw: body.to_vec() });
                }
            }
        }
        after.insert(
            folder.clone(),
            FolderMark {
                validity,
                uid: last,
            },
        );
        if fetched.len() >= limit {
            break;
        }
    }
    Ok((fetched, after))
}
