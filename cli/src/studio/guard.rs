//! What keeps the studio to the person who started it. The server has no login, so:
//!
//! - **Other hosts.** On a loopback address every request must name the server by its
//!   own address (`Host: 127.0.0.1:PORT`, `localhost:PORT`): a page on another site
//!   that rebinds its DNS name to 127.0.0.1 reaches the port but not the pages.
//! - **Other sites.** A request that changes the book must be a POST from the studio's
//!   own pages: refused when the browser says it comes from another site
//!   (`Sec-Fetch-Site`, else `Origin`), and refused without the token each form carries,
//!   a random value drawn when the server starts that no other site can read.
//!
//! Safe methods (GET, HEAD) change nothing, so only the host is checked for them.

use axum::http::{header, HeaderMap, Method};

/// The checks, with what they compare against.
#[derive(Debug, Clone)]
pub struct Guard {
    /// The form token: 244 random bits (two UUIDv4) from the operating system.
    token: String,
    /// The `Host` values accepted; `None` accepts any (a server asked to serve the
    /// network, whose names the studio cannot know).
    hosts: Option<Vec<String>>,
}

/// Why a request was turned away: the page says so, with 403.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

impl Guard {
    /// The guard of a server bound to `address`; `any_host` when it serves the
    /// network.
    pub fn new(address: std::net::SocketAddr, any_host: bool) -> Self {
        let token = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let port = address.port();
        let hosts = (!any_host).then(|| {
            let mut hosts = vec![address.to_string(), format!("localhost:{port}")];
            if address.ip().is_loopback() {
                hosts.extend([format!("127.0.0.1:{port}"), format!("[::1]:{port}")]);
            }
            hosts
        });
        Guard { token, hosts }
    }

    /// The token the studio's forms carry.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Checks a request's host, and for a method that may change something, where it
    /// comes from.
    pub fn check_request(&self, method: &Method, headers: &HeaderMap) -> Result<(), Refusal> {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if let Some(hosts) = &self.hosts {
            if !hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
                return Err(Refusal(format!(
                    "this studio answers only to {}, not to host {host:?}",
                    hosts.join(" or ")
                )));
            }
        }
        if matches!(*method, Method::GET | Method::HEAD) {
            return Ok(());
        }
        match headers
            .get("sec-fetch-site")
            .map(|v| v.to_str().unwrap_or(""))
        {
            Some("same-origin" | "none") => return Ok(()),
            Some(site) => {
                return Err(Refusal(format!(
                    "a request from another site ({site}) may not change the book"
                )))
            }
            None => {}
        }
        match headers
            .get(header::ORIGIN)
            .map(|v| v.to_str().unwrap_or(""))
        {
            Some(origin) if origin != format!("http://{host}") => Err(Refusal(format!(
                "a request from {origin:?} may not change the book"
            ))),
            _ => Ok(()),
        }
    }

    /// Checks the token a form sent, in time independent of where it differs.
    pub fn check_token(&self, sent: Option<&str>) -> Result<(), Refusal> {
        let sent = sent.unwrap_or("").as_bytes();
        let expected = self.token.as_bytes();
        let same = sent.len() == expected.len()
            && sent
                .iter()
                .zip(expected)
                .fold(0u8, |diff, (a, b)| diff | (a ^ b))
                == 0;
        if same {
            Ok(())
        } else {
            Err(Refusal(
                "the form's token is missing or stale: reload the page and try again".into(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn guard() -> Guard {
        Guard::new("127.0.0.1:8410".parse().unwrap(), false)
    }

    #[test]
    fn a_rebound_host_is_refused_even_for_reading() {
        let g = guard();
        assert!(g
            .check_request(&Method::GET, &headers(&[("host", "127.0.0.1:8410")]))
            .is_ok());
        assert!(g
            .check_request(&Method::GET, &headers(&[("host", "localhost:8410")]))
            .is_ok());
        assert!(g
            .check_request(&Method::GET, &headers(&[("host", "evil.example:8410")]))
            .is_err());
        assert!(g.check_request(&Method::GET, &headers(&[])).is_err());
    }

    #[test]
    fn a_post_from_another_site_is_refused() {
        let g = guard();
        let host = ("host", "127.0.0.1:8410");
        let post = |extra: &[(&'static str, &str)]| {
            let mut all = vec![host];
            all.extend_from_slice(extra);
            g.check_request(&Method::POST, &headers(&all))
        };
        assert!(post(&[("sec-fetch-site", "same-origin")]).is_ok());
        assert!(post(&[("sec-fetch-site", "cross-site")]).is_err());
        assert!(post(&[("sec-fetch-site", "same-site")]).is_err());
        assert!(post(&[("origin", "http://127.0.0.1:8410")]).is_ok());
        assert!(post(&[("origin", "http://evil.example")]).is_err());
        assert!(post(&[("origin", "null")]).is_err());
    }

    #[test]
    fn only_the_servers_own_token_passes() {
        let g = guard();
        assert!(g.check_token(Some(g.token())).is_ok());
        assert!(g.check_token(None).is_err());
        assert!(g.check_token(Some("")).is_err());
        let other = guard();
        assert_ne!(g.token(), other.token());
        assert!(g.check_token(Some(other.token())).is_err());
    }
}
