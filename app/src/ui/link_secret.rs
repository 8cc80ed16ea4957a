//! One-time secrets in mailed links (invitations, password resets, e-mail changes)
//! travel in the URL's fragment, `/invite/acme#<token>`: browsers never send a
//! fragment to a server, so the secret stays out of proxy and server logs and out of
//! `Referer` headers. The page reads it once it runs in the browser.

use leptos::prelude::*;

/// What the page knows of the secret in its address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkSecret {
    /// Not yet read: rendered on the server, or before hydration.
    Pending,
    /// The address has no fragment (a link copied without its end).
    Missing,
    Found(String),
}

impl LinkSecret {
    pub fn value(&self) -> String {
        match self {
            LinkSecret::Found(secret) => secret.clone(),
            _ => String::new(),
        }
    }
}

/// The current address's fragment, read after hydration.
pub fn use_link_secret() -> ReadSignal<LinkSecret> {
    let (secret, set_secret) = signal(LinkSecret::Pending);
    // Effects run only in the browser.
    Effect::new(move |_| {
        let hash = window().location().hash().unwrap_or_default();
        let value = hash.trim_start_matches('#').trim();
        set_secret.set(if value.is_empty() {
            LinkSecret::Missing
        } else {
            LinkSecret::Found(value.to_owned())
        });
    });
    secret
}
