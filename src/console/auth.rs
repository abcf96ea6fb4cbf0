//! Who may talk to the console (docs/design.md §16): the `Host` a request names, where a
//! browser says it comes from, and the token or cookie it carries.

use std::net::{IpAddr, SocketAddr};

use hyper::header::{AUTHORIZATION, COOKIE, HOST, ORIGIN};
use hyper::http::HeaderMap;

/// The session cookie's name (its path is the console's own API prefix).
pub const COOKIE_NAME: &str = "wzt_console";

/// The secrets of one console: the token printed in its URL and the random API prefix its
/// cookie is scoped to.
#[derive(Clone)]
pub struct Secrets {
    /// 256 random bits, base64url: in the URL's fragment and in the session cookie.
    pub token: String,
    /// `/s-<128 random bits, hex>/`: every data path starts with it, and the cookie's `Path`
    /// is it, so the browser sends the cookie to no other port of this host (cookies ignore
    /// ports: the actor on 127.0.0.1:8080 would otherwise receive it), and consoles on one
    /// host keep their own cookies.
    pub scope: String,
}

impl Secrets {
    pub fn generate() -> Secrets {
        use rand::RngCore as _;
        let mut token = [0u8; 32];
        let mut scope = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut token);
        rand::rngs::OsRng.fill_bytes(&mut scope);
        Secrets {
            token: data_encoding::BASE64URL_NOPAD.encode(&token),
            scope: format!("/s-{}/", data_encoding::HEXLOWER.encode(&scope)),
        }
    }

    /// The `Set-Cookie` value that opens a session.
    pub fn cookie(&self) -> String {
        format!(
            "{COOKIE_NAME}={}; Path={}; HttpOnly; SameSite=Strict",
            self.token, self.scope
        )
    }

    /// Whether `headers` carry the session cookie (any of several cookies of that name: a page
    /// of the same host may set more, and cannot read ours).
    pub fn has_session(&self, headers: &HeaderMap) -> bool {
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .any(|(name, value)| name == COOKIE_NAME && same(value, &self.token))
    }

    /// Whether `headers` carry `Authorization: Bearer <token>` (the first-load exchange).
    pub fn has_bearer(&self, headers: &HeaderMap) -> bool {
        headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|token| same(token.trim(), &self.token))
    }
}

/// Compares a secret without stopping at the first difference (the length is not secret).
fn same(given: &str, secret: &str) -> bool {
    given.len() == secret.len()
        && given
            .bytes()
            .zip(secret.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

/// Whether the `Host` header names the console itself: `localhost` or an IP address (never
/// another name: a page of an attacker's domain that resolves to this machine, DNS
/// rebinding, sends its own name), with the console's port, and, when the console listens on
/// one address, that address (`localhost` for a loopback one).
pub fn host_allowed(headers: &HeaderMap, bound: SocketAddr) -> bool {
    let Some(host) = headers.get(HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    authority_allowed(host, bound)
}

fn authority_allowed(authority: &str, bound: SocketAddr) -> bool {
    let (name, port) = match authority.rsplit_once(':') {
        // `[::1]:8080`, `127.0.0.1:8080`, `localhost:8080`; not the colons of a bare IPv6.
        Some((name, port))
            if !port.contains(']') && (!name.contains(':') || name.ends_with(']')) =>
        {
            match port.parse::<u16>() {
                Ok(port) => (name, port),
                Err(_) => return false,
            }
        }
        _ => (authority, 80),
    };
    if port != bound.port() {
        return false;
    }
    let unspecified = bound.ip().is_unspecified();
    if name.eq_ignore_ascii_case("localhost") {
        return unspecified || bound.ip().is_loopback();
    }
    let ip = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    match ip.parse::<IpAddr>() {
        Ok(ip) => unspecified || ip == bound.ip(),
        Err(_) => false,
    }
}

/// Whether a browser says this request comes from the console's own page: `Sec-Fetch-Site`,
/// when sent, is `same-origin` (or `none`: typed in the address bar), and `Origin`, when
/// sent, names this console. A page of another port of this host is "same-site", and
/// `SameSite=Strict` cookies go along with its requests: this refuses them before any data.
pub fn same_origin(headers: &HeaderMap, bound: SocketAddr) -> bool {
    let site_ok = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_none_or(|site| matches!(site, "same-origin" | "none"));
    let origin_ok = headers
        .get(ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|origin| {
            origin
                .strip_prefix("http://")
                .is_some_and(|authority| authority_allowed(authority, bound))
                && headers.get(HOST).and_then(|h| h.to_str().ok()) == origin.strip_prefix("http://")
        });
    site_ok && origin_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(*k, HeaderValue::from_str(v).unwrap());
        }
        map
    }

    #[test]
    fn only_the_consoles_own_address_is_a_host() {
        let loopback: SocketAddr = "127.0.0.1:4000".parse().unwrap();
        for ok in ["127.0.0.1:4000", "localhost:4000", "LOCALHOST:4000"] {
            assert!(authority_allowed(ok, loopback), "{ok}");
        }
        for bad in [
            "evil.example:4000",
            "127.0.0.1.nip.io:4000",
            "127.0.0.1:4001",
            "127.0.0.2:4000",
            "127.0.0.1",
            "127.0.0.1:4000:4000",
            "[::1]:4000",
            "",
            "localhost:x",
        ] {
            assert!(!authority_allowed(bad, loopback), "{bad}");
        }
        let v6: SocketAddr = "[::1]:4000".parse().unwrap();
        assert!(authority_allowed("[::1]:4000", v6));
        assert!(authority_allowed("localhost:4000", v6));
        assert!(!authority_allowed("[::2]:4000", v6));
        let any: SocketAddr = "0.0.0.0:80".parse().unwrap();
        assert!(authority_allowed("192.0.2.7", any));
        assert!(authority_allowed("192.0.2.7:80", any));
        assert!(!authority_allowed("rebound.example", any));
        assert!(!host_allowed(&HeaderMap::new(), loopback));
    }

    #[test]
    fn the_session_needs_the_exact_token() {
        let secrets = Secrets::generate();
        assert_eq!(secrets.token.len(), 43);
        assert!(secrets.scope.starts_with("/s-") && secrets.scope.len() == 36);
        let cookie = |v: &str| headers(&[("cookie", v)]);
        assert!(secrets.has_session(&cookie(&format!("a=b; wzt_console={}", secrets.token))));
        assert!(secrets.has_session(&cookie(&format!(
            "wzt_console=planted; wzt_console={}",
            secrets.token
        ))));
        assert!(!secrets.has_session(&cookie("wzt_console=")));
        assert!(!secrets.has_session(&cookie(&format!("wzt_console={}x", secrets.token))));
        assert!(!secrets.has_session(&cookie(&format!("other={}", secrets.token))));
        let bearer = |v: &str| headers(&[("authorization", v)]);
        assert!(secrets.has_bearer(&bearer(&format!("Bearer {}", secrets.token))));
        assert!(!secrets.has_bearer(&bearer(&secrets.token)));
        assert!(!secrets.has_bearer(&bearer("Bearer ")));
        assert!(secrets.cookie().contains("; Path=/s-"));
        assert!(secrets.cookie().ends_with("; HttpOnly; SameSite=Strict"));
        assert_ne!(Secrets::generate().token, secrets.token);
    }

    #[test]
    fn requests_from_other_sites_or_ports_are_not_the_consoles_own() {
        let bound: SocketAddr = "127.0.0.1:4000".parse().unwrap();
        assert!(same_origin(&headers(&[]), bound));
        assert!(same_origin(
            &headers(&[
                ("host", "127.0.0.1:4000"),
                ("origin", "http://127.0.0.1:4000"),
                ("sec-fetch-site", "same-origin")
            ]),
            bound
        ));
        assert!(!same_origin(
            &headers(&[("host", "127.0.0.1:4000"), ("sec-fetch-site", "same-site")]),
            bound
        ));
        assert!(!same_origin(
            &headers(&[
                ("host", "127.0.0.1:4000"),
                ("origin", "http://127.0.0.1:8080")
            ]),
            bound
        ));
        assert!(!same_origin(
            &headers(&[("host", "127.0.0.1:4000"), ("origin", "null")]),
            bound
        ));
    }
}
