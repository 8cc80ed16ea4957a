//! The client's address for throttling and rate limits: the peer's, or, when the
//! peer is one of the configured reverse proxies, the nearest address in
//! `X-Forwarded-For` that is not a trusted proxy (each proxy appends the address it
//! saw, so the list is read from the right). Without trusted proxies the header is
//! ignored: a client cannot choose its own address.

use app::backend::ClientIp;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Request};
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The reverse proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<IpNet>);

impl TrustedProxies {
    /// `10.0.0.0/8, 192.0.2.7` (addresses or networks, comma-separated).
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("'{entry}' is neither an address nor a network"))
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client behind `peer`, by the headers the trusted proxies set.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.into_iter().rev() {
            let Ok(ip) = hop.parse::<IpAddr>() else {
                break; // garbage: keep the last address a trusted proxy vouched for
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// Puts the request's [`ClientIp`] into its extensions.
pub async fn resolve(
    State(trusted): State<Arc<TrustedProxies>>,
    mut request: Request<Body>,
    next: Next,
) -> Response {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() {
        let client = trusted.client(peer.ip(), request.headers());
        request.extensions_mut().insert(ClientIp(client));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn forwarded(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", HeaderValue::from_static(v));
        }
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn only_trusted_proxies_name_the_client() {
        let none = TrustedProxies::default();
        let spoofed = forwarded(&["203.0.113.9"]);
        assert_eq!(
            none.client(ip("198.51.100.1"), &spoofed),
            ip("198.51.100.1")
        );

        let trusted = TrustedProxies::parse("10.0.0.0/8, 192.0.2.7").unwrap();
        assert_eq!(trusted.client(ip("10.1.2.3"), &spoofed), ip("203.0.113.9"));
        // A client's own (made-up) entries come first; the proxies' come last.
        let chain = forwarded(&["1.1.1.1, 203.0.113.9", "192.0.2.7"]);
        assert_eq!(trusted.client(ip("10.1.2.3"), &chain), ip("203.0.113.9"));
        // An untrusted peer's header counts for nothing.
        assert_eq!(
            trusted.client(ip("198.51.100.1"), &chain),
            ip("198.51.100.1")
        );
        // Garbage stops the walk at the last vouched address.
        let garbage = forwarded(&["203.0.113.9, not-an-ip"]);
        assert_eq!(trusted.client(ip("10.1.2.3"), &garbage), ip("10.1.2.3"));
        assert_eq!(
            trusted.client(ip("::ffff:10.1.2.3"), &spoofed),
            ip("203.0.113.9")
        );
        assert!(TrustedProxies::parse("10.0.0.0/8, proxy.local").is_err());
    }
}
