//! What a fetched mail is, for capture: its ids, who wrote to whom, and its text.
//! Deciding which addresses are the workspace's own happens here, without the
//! database, so it is tested on its own.

use mail_parser::{Address, HeaderValue, MessageParser};
use time::OffsetDateTime;

/// Longest body kept of a captured mail (a quoted thread is cut, not refused).
const BODY_KEPT: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedMail {
    pub message_id: String,
    /// In-Reply-To first, then References newest first.
    pub parents: Vec<String>,
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
    pub date: Option<OffsetDateTime>,
}

impl FetchedMail {
    pub fn parse(raw: &[u8]) -> Option<FetchedMail> {
        let message = MessageParser::default().parse(raw)?;
        let message_id = message.message_id()?.trim().to_owned();
        if message_id.is_empty() {
            return None;
        }
        let mut parents = texts(message.in_reply_to());
        parents.extend(texts(message.references()).into_iter().rev());
        parents.dedup();
        let mut to = addresses(message.to());
        to.extend(addresses(message.cc()));
        let body: String = message
            .body_text(0)
            .map(|b| b.chars().take(BODY_KEPT).collect())
            .unwrap_or_default();
        Some(FetchedMail {
            message_id,
            parents,
            from: addresses(message.from()),
            to,
            subject: message.subject().unwrap_or_default().trim().to_owned(),
            body: body.trim_end().to_owned(),
            date: message
                .date()
                .and_then(|d| OffsetDateTime::from_unix_timestamp(d.to_timestamp()).ok()),
        })
    }

    /// Every address on the mail that is not one of the workspace's own domains.
    pub fn outside_addresses(&self, own_domains: &[String]) -> Vec<String> {
        let mut outside: Vec<String> = self
            .from
            .iter()
            .chain(&self.to)
            .filter(|a| !is_own(a, own_domains))
            .cloned()
            .collect();
        outside.sort();
        outside.dedup();
        outside
    }

    /// Whether the mail was written from the workspace (it went out).
    pub fn is_outbound(&self, own_domains: &[String]) -> bool {
        self.from.iter().all(|a| is_own(a, own_domains)) && !self.from.is_empty()
    }
}

pub fn is_own(address: &str, own_domains: &[String]) -> bool {
    address
        .rsplit_once('@')
        .is_some_and(|(_, domain)| own_domains.iter().any(|d| d == domain))
}

fn addresses(address: Option<&Address>) -> Vec<String> {
    address
        .map(|a| {
            a.iter()
                .filter_map(|addr| addr.address())
                .map(|s| s.trim().to_lowercase())
                .filter(|s| s.contains('@'))
                .collect()
        })
        .unwrap_or_default()
}

fn texts(value: &HeaderValue) -> Vec<String> {
    value
        .as_text_list()
        .map(|l| l.iter().map(|s| s.trim().to_owned()).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPLY: &[u8] =
        b"From: =?utf-8?q?J=C3=B6rg_M=C3=BCller?= <Joerg.Mueller@Kunde.example>\r\n\
To: Anna Becker <anna@tessera-demo.example>\r\n\
Cc: chef@tessera-demo.example, einkauf@kunde.example\r\n\
Subject: =?utf-8?q?Re:_Angebot_f=C3=BCr_M=C3=BCnchen?=\r\n\
Message-ID: <reply-1@kunde.example>\r\n\
In-Reply-To: <original@tessera.example>\r\n\
References: <first@tessera.example> <original@tessera.example>\r\n\
Date: Tue, 01 Dec 2026 09:30:00 +0100\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Gerne, passt f\xc3\xbcr uns.\r\n";

    #[test]
    fn a_reply_knows_its_parents_and_people() {
        let mail = FetchedMail::parse(REPLY).unwrap();
        assert_eq!(mail.message_id, "reply-1@kunde.example");
        assert_eq!(
            mail.parents,
            ["original@tessera.example", "first@tessera.example"]
        );
        assert_eq!(mail.from, ["joerg.mueller@kunde.example"]);
        assert_eq!(mail.subject, "Re: Angebot für München");
        assert_eq!(mail.body, "Gerne, passt für uns.");
        assert_eq!(
            mail.date.unwrap().unix_timestamp(),
            OffsetDateTime::parse(
                "2026-12-01T08:30:00Z",
                &time::format_description::well_known::Rfc3339
            )
            .unwrap()
            .unix_timestamp()
        );
        let own = ["tessera-demo.example".to_owned()];
        assert_eq!(
            mail.outside_addresses(&own),
            ["einkauf@kunde.example", "joerg.mueller@kunde.example"]
        );
        assert!(!mail.is_outbound(&own));
    }

    #[test]
    fn internal_mail_has_no_outside_address() {
        let raw = b"From: a@tessera-demo.example\r\nTo: b@tessera-demo.example\r\n\
Message-ID: <x@y>\r\nSubject: Lunch\r\n\r\nHi\r\n";
        let mail = FetchedMail::parse(raw).unwrap();
        let own = ["tessera-demo.example".to_owned()];
        assert!(mail.outside_addresses(&own).is_empty());
        assert!(mail.is_outbound(&own));
    }

    #[test]
    fn mail_without_a_message_id_is_not_captured() {
        assert!(FetchedMail::parse(b"From: a@b.example\r\nSubject: x\r\n\r\nbody").is_none());
    }
}
