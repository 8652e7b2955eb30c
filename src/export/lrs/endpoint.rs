//! An LRS's xAPI endpoint, normalised before it keys anything: scheme and host in lower case (`HTTP://` accepted),
//! no default port, no trailing slash, the query string kept as given, no fragment; credentials written in the URL
//! (`http://user:pass@host/xAPI`) are taken out of it, so the endpoint shown or stored never holds a password.

use percent_encoding::percent_decode_str;

/// A parsed, normalised endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// `http` or `https`.
    scheme: String,
    /// Lower case; an IPv6 address in brackets.
    host: String,
    /// Only when it is not the scheme's default.
    port: Option<u16>,
    /// Without a trailing slash; empty for the root.
    path: String,
    /// Without its `?`; `None` when there is none.
    query: Option<String>,
    /// The user and password written in the URL, percent-decoded.
    pub(crate) userinfo: Option<(String, Option<String>)>,
}

/// Why an endpoint could not be read; the message never holds the URL's password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum EndpointError {
    #[error("the LRS endpoint `{0}` is not an http:// or https:// URL")]
    Scheme(String),
    #[error("the LRS endpoint `{0}` names no host")]
    NoHost(String),
    #[error("the LRS endpoint `{0}` has a port that is not a number from 1 to 65535")]
    Port(String),
}

impl Endpoint {
    /// Reads and normalises `url`.
    pub(crate) fn parse(url: &str) -> Result<Self, EndpointError> {
        let url = url.trim();
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| EndpointError::Scheme(redact(url)))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(EndpointError::Scheme(redact(url)));
        }
        let rest = rest.split('#').next().unwrap_or_default();
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((info, hostport)) => (Some(split_userinfo(info)), hostport),
            None => (None, authority),
        };
        let (host, port) = split_port(hostport).ok_or_else(|| EndpointError::Port(redact(url)))?;
        if host.is_empty() || host == "[]" {
            return Err(EndpointError::NoHost(redact(url)));
        }
        let default_port = if scheme == "https" { 443 } else { 80 };
        let (path, query) = match tail.split_once('?') {
            Some((path, query)) => (path, Some(query.to_string())),
            None => (tail, None),
        };
        Ok(Self {
            host: host.to_ascii_lowercase(),
            port: port.filter(|p| *p != default_port),
            path: path.trim_end_matches('/').to_string(),
            query,
            userinfo,
            scheme,
        })
    }

    /// The endpoint as it keys the store and is shown: `scheme://host[:port]/path[?query]`, no credentials.
    pub(crate) fn key(&self) -> String {
        let mut key = self.origin();
        key.push_str(&self.path);
        if let Some(query) = &self.query {
            key.push('?');
            key.push_str(query);
        }
        key
    }

    /// The Statements resource: `statements` at the end of the path, before any query string.
    pub(crate) fn statements(&self) -> String {
        let mut url = format!("{}{}/statements", self.origin(), self.path);
        if let Some(query) = &self.query {
            url.push('?');
            url.push_str(query);
        }
        url
    }

    /// The Statements resource asked for one statement: `…/statements?[query&]statementId=ID`.
    pub(crate) fn statement(&self, id: &str) -> String {
        let mut url = format!("{}{}/statements?", self.origin(), self.path);
        if let Some(query) = self.query.as_ref().filter(|q| !q.is_empty()) {
            url.push_str(query);
            url.push('&');
        }
        url.push_str("statementId=");
        url.extend(percent_encoding::utf8_percent_encode(
            id,
            percent_encoding::NON_ALPHANUMERIC,
        ));
        url
    }

    /// The host, as `https` would be needed for it.
    pub(crate) fn host(&self) -> &str {
        &self.host
    }

    /// Plain `http`.
    pub(crate) fn is_plain_http(&self) -> bool {
        self.scheme == "http"
    }

    /// This machine: `localhost`, 127.0.0.0/8 or `[::1]`. Nothing sent there crosses a network.
    pub(crate) fn is_loopback(&self) -> bool {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    pub(crate) fn origin(&self) -> String {
        match self.port {
            Some(port) => format!("{}://{}:{port}", self.scheme, self.host),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }
}

/// `user[:password]`, percent-decoded.
fn split_userinfo(info: &str) -> (String, Option<String>) {
    let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
    match info.split_once(':') {
        Some((user, password)) => (decode(user), Some(decode(password))),
        None => (decode(info), None),
    }
}

/// `host[:port]`, an IPv6 address in brackets; `None` when the port is not a number (an empty port is none).
fn split_port(hostport: &str) -> Option<(&str, Option<u16>)> {
    let colon = match hostport.rfind(']') {
        Some(close) => hostport[close..].find(':').map(|i| close + i),
        None => hostport.rfind(':'),
    };
    let Some(colon) = colon else {
        return Some((hostport, None));
    };
    let (host, port) = (&hostport[..colon], &hostport[colon + 1..]);
    if port.is_empty() {
        return Some((host, None));
    }
    let port: u16 = port.parse().ok().filter(|p| *p > 0)?;
    Some((host, Some(port)))
}

/// `url` with the password of any credentials in it replaced by `***`, for messages about a URL that does not
/// parse (one that does is shown by its `key`, without credentials at all).
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    match authority.rsplit_once('@') {
        Some((info, host)) => {
            let user = info.split_once(':').map_or(info, |(user, _)| user);
            let masked = if info.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{masked}@{host}{tail}")
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(url: &str) -> String {
        Endpoint::parse(url).unwrap().key()
    }

    #[test]
    fn spellings_of_one_endpoint_have_one_key() {
        for url in [
            "http://lrs.example.org/xAPI",
            "HTTP://LRS.Example.ORG/xAPI/",
            "http://lrs.example.org:80/xAPI//",
            "  http://ada:pw@lrs.example.org/xAPI#top",
        ] {
            assert_eq!(key(url), "http://lrs.example.org/xAPI", "{url}");
        }
        assert_eq!(key("https://h:443/x"), "https://h/x");
        assert_eq!(key("https://h:8443/x"), "https://h:8443/x");
        assert_eq!(key("http://[::1]:8100/x"), "http://[::1]:8100/x");
        // The path keeps its case: it is the server's to read.
        assert_ne!(key("http://h/xAPI"), key("http://h/xapi"));
    }

    #[test]
    fn a_query_string_stays_intact_after_statements() {
        let e = Endpoint::parse("https://h/lrs/?tenant=a&x=1").unwrap();
        assert_eq!(e.key(), "https://h/lrs?tenant=a&x=1");
        assert_eq!(e.statements(), "https://h/lrs/statements?tenant=a&x=1");
        assert_eq!(
            e.statement("ab-1"),
            "https://h/lrs/statements?tenant=a&x=1&statementId=ab%2D1"
        );
        let plain = Endpoint::parse("http://h/xAPI").unwrap();
        assert_eq!(plain.statements(), "http://h/xAPI/statements");
        assert_eq!(
            plain.statement("a"),
            "http://h/xAPI/statements?statementId=a"
        );
    }

    #[test]
    fn credentials_in_the_url_are_taken_out_and_decoded() {
        let e = Endpoint::parse("http://ada:p%40ss:w@h/xAPI").unwrap();
        assert_eq!(
            e.userinfo,
            Some(("ada".to_string(), Some("p@ss:w".to_string())))
        );
        assert!(!e.key().contains("ada") && !e.statements().contains("p%40ss"));
        assert_eq!(redact("ftp://ada:secret@h/x"), "ftp://ada:***@h/x");
        let error = Endpoint::parse("ftp://ada:secret@h/x")
            .unwrap_err()
            .to_string();
        assert!(!error.contains("secret"), "{error}");
    }

    #[test]
    fn loopback_and_bad_urls() {
        assert!(
            Endpoint::parse("http://127.0.0.2:1/x")
                .unwrap()
                .is_loopback()
        );
        assert!(Endpoint::parse("http://LOCALHOST/x").unwrap().is_loopback());
        assert!(Endpoint::parse("http://[::1]/x").unwrap().is_loopback());
        assert!(!Endpoint::parse("http://10.0.0.1/x").unwrap().is_loopback());
        assert!(matches!(
            Endpoint::parse("lrs.example.org/xAPI"),
            Err(EndpointError::Scheme(_))
        ));
        assert!(matches!(
            Endpoint::parse("http:///xAPI"),
            Err(EndpointError::NoHost(_))
        ));
        assert!(matches!(
            Endpoint::parse("http://h:99999/x"),
            Err(EndpointError::Port(_))
        ));
    }
}
