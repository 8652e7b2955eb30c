//! `morsel team --lrs URL`: the course's statements read from a Learning Record Store (`GET /statements` with the
//! course as `activity` and `related_activities=true`, from `since`, following `more` links on the same origin).
//! Redirects are errors, never followed; credentials go only to the endpoint's own origin, and over plain http only
//! to a loopback host unless `--allow-http`. (The sending side is `commands::sync`'s.)

use std::collections::HashSet;
use std::time::Duration;

use crate::export::team::parse::{self, Read};
use crate::text::percent::segment as component;
use crate::text::sanitize;

/// The most one page's body may hold.
const MAX_PAGE_BYTES: u64 = 256 * 1024 * 1024;
/// The most of an LRS's message shown in an error.
const MAX_MESSAGE_CHARS: usize = 300;

/// Why the statements could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LrsError {
    #[error("the LRS endpoint `{0}` is not an http:// or https:// URL")]
    NotHttp(String),
    #[error(
        "not sending credentials in clear to {0} over plain http: use https, or --allow-http if this network is \
         private"
    )]
    PlainHttp(String),
    #[error("cannot reach the LRS at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error(
        "the LRS at {url} answered a redirect (HTTP {status}{location}): not followed; give the LRS's own xAPI \
         endpoint"
    )]
    Redirect {
        url: String,
        status: u16,
        location: String,
    },
    #[error("the LRS at {url} refused the credentials from {source_of} (HTTP {status})")]
    Refused {
        url: String,
        status: u16,
        source_of: &'static str,
    },
    #[error("the LRS at {url} answered HTTP {status}: {message}")]
    Failed {
        url: String,
        status: u16,
        message: String,
    },
    #[error("the LRS at {url} did not answer an xAPI statement result: {reason}")]
    NotStatements { url: String, reason: String },
    #[error("the LRS at {url} gave a `more` link to another origin ({more}): not followed")]
    OtherOrigin { url: String, more: String },
}

/// Where and as whom to read.
pub(crate) struct Lrs {
    /// The xAPI endpoint, without a trailing `/` or credentials.
    endpoint: String,
    /// `scheme://host[:port]`.
    origin: String,
    user: Option<String>,
    password: Option<String>,
    /// Where the credentials came from, to name it when they are refused.
    source_of: &'static str,
}

impl Lrs {
    /// The endpoint `url` (a `user:password@` in it is moved out, and wins over the environment and the config),
    /// with the credentials from MORSEL_LRS_USER / MORSEL_LRS_PASSWORD, else the config's.
    pub(crate) fn new(
        url: &str,
        config: &crate::app::config::Config,
        allow_http: bool,
    ) -> Result<Self, LrsError> {
        let url = url.trim().trim_end_matches('/');
        let lower = url.to_ascii_lowercase();
        let scheme_len = if lower.starts_with("https://") {
            8
        } else if lower.starts_with("http://") {
            7
        } else {
            return Err(LrsError::NotHttp(sanitize(&redact(url)).into_owned()));
        };
        let (scheme, rest) = url.split_at(scheme_len);
        let authority_end = rest.find('/').unwrap_or(rest.len());
        let (authority, path) = rest.split_at(authority_end);
        let (userinfo, host) = match authority.rsplit_once('@') {
            Some((info, host)) => (Some(info), host),
            None => (None, authority),
        };
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let (user, password, source_of) = if let Some(info) = userinfo {
            let (u, p) = info.split_once(':').unwrap_or((info, ""));
            (Some(u.to_string()), Some(p.to_string()), "the URL")
        } else if let Some(user) = env("MORSEL_LRS_USER") {
            (
                Some(user),
                env("MORSEL_LRS_PASSWORD"),
                "MORSEL_LRS_USER and MORSEL_LRS_PASSWORD",
            )
        } else {
            let source = "lrs_user and lrs_password in the config";
            (config.lrs_user.clone(), config.lrs_password.clone(), source)
        };
        let origin = format!("{}{host}", scheme.to_ascii_lowercase());
        if user.is_some() && scheme_len == 7 && !allow_http && !loopback(host) {
            return Err(LrsError::PlainHttp(sanitize(&origin).into_owned()));
        }
        Ok(Self {
            endpoint: format!("{origin}{path}"),
            origin,
            user,
            password,
            source_of,
        })
    }

    /// The statements about the course `iri` (its activity id), from `since` on, page after page. An LRS that
    /// gives none for the course as `activity` is asked again without it, and the statements are filtered here:
    /// some do not filter by activity (Ralph 5.1's filesystem backend compares the parsed IRI with a string and
    /// never matches); said on stderr.
    pub(crate) fn statements(&self, iri: &str, since: Option<i64>) -> Result<Read, LrsError> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        let since_query = since.map_or_else(String::new, |since| {
            let at = crate::export::xapi::timestamp(since);
            format!("&since={}", component(&at))
        });
        let url = format!(
            "{}/statements?activity={}&related_activities=true{since_query}",
            self.endpoint,
            component(iri)
        );
        let read = self.pages(&agent, url, iri, since)?;
        if !read.events.is_empty() || read.skipped > 0 || read.other_courses > 0 {
            return Ok(read);
        }
        eprintln!(
            "the LRS gave no statement with {} as activity: reading every statement and keeping the course's here",
            sanitize(iri)
        );
        let url = format!(
            "{}/statements?{}",
            self.endpoint,
            since_query.trim_start_matches('&')
        );
        self.pages(&agent, url.trim_end_matches('?').to_string(), iri, since)
    }

    /// Every page from `url` on, following `more`.
    fn pages(
        &self,
        agent: &ureq::Agent,
        mut url: String,
        iri: &str,
        since: Option<i64>,
    ) -> Result<Read, LrsError> {
        let mut read = Read::default();
        let mut seen = HashSet::new();
        while seen.insert(url.clone()) {
            let body = self.get(agent, &url)?;
            let more = parse::read_page(&body, iri, since, &mut read).map_err(|e| {
                LrsError::NotStatements {
                    url: self.shown(),
                    reason: e.to_string(),
                }
            })?;
            match more {
                None => break,
                Some(more) => url = self.follow(&more)?,
            }
        }
        Ok(read)
    }

    /// A `more` link: relative to the endpoint's origin (as xAPI says), or absolute on that same origin.
    fn follow(&self, more: &str) -> Result<String, LrsError> {
        if more.starts_with('/') && !more.starts_with("//") {
            return Ok(format!("{}{more}", self.origin));
        }
        let same = more
            .get(..self.origin.len())
            .is_some_and(|o| o.eq_ignore_ascii_case(&self.origin))
            && more[self.origin.len()..].starts_with('/');
        if same {
            Ok(more.to_string())
        } else {
            Err(LrsError::OtherOrigin {
                url: self.shown(),
                more: sanitize(&redact(more)).into_owned(),
            })
        }
    }

    fn get(&self, agent: &ureq::Agent, url: &str) -> Result<String, LrsError> {
        let mut request = agent
            .get(url)
            .header("X-Experience-API-Version", crate::export::xapi::VERSION)
            .header("Accept", "application/json");
        if let Some(user) = &self.user {
            let pair = format!("{user}:{}", self.password.as_deref().unwrap_or(""));
            request = request.header(
                "Authorization",
                format!("Basic {}", base64(pair.as_bytes())),
            );
        }
        let response = request.call().map_err(|e| LrsError::Unreachable {
            url: self.shown(),
            reason: sanitize(&e.to_string()).into_owned(),
        })?;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(|l| format!(" to {}", sanitize(&redact(l))))
            .unwrap_or_default();
        let body = response
            .into_body()
            .with_config()
            .limit(MAX_PAGE_BYTES)
            .read_to_string()
            .map_err(|e| LrsError::Unreachable {
                url: self.shown(),
                reason: sanitize(&e.to_string()).into_owned(),
            })?;
        match status {
            200..=299 => Ok(body),
            300..=399 => Err(LrsError::Redirect {
                url: self.shown(),
                status,
                location,
            }),
            401 | 403 => Err(LrsError::Refused {
                url: self.shown(),
                status,
                source_of: if self.user.is_some() {
                    self.source_of
                } else {
                    "nowhere: none were given (set MORSEL_LRS_USER and MORSEL_LRS_PASSWORD)"
                },
            }),
            _ => Err(LrsError::Failed {
                url: self.shown(),
                status,
                message: short(&body),
            }),
        }
    }

    /// The endpoint as shown: never with credentials.
    fn shown(&self) -> String {
        sanitize(&self.endpoint).into_owned()
    }
}

/// A URL with any `user:password@` taken out.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rsplit_once('@') {
        Some((_, host)) => format!("{scheme}://{host}{}", &rest[authority_end..]),
        None => url.to_string(),
    }
}

/// Whether `host` (with its port, if any) is this machine.
fn loopback(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The LRS's message, sanitised and cut to a readable length.
fn short(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        return "no message".to_string();
    }
    let mut cut: String = text.chars().take(MAX_MESSAGE_CHARS).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    sanitize(&cut).into_owned()
}

/// Standard base64 with padding, for the HTTP Basic header.
fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(TABLE[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_the_url_are_moved_out_and_redacted() {
        let lrs = Lrs::new(
            "https://ann:s3cret@lrs.example.org/xAPI/",
            &crate::app::config::Config::default(),
            false,
        )
        .unwrap();
        assert_eq!(lrs.endpoint, "https://lrs.example.org/xAPI");
        assert_eq!(lrs.user.as_deref(), Some("ann"));
        assert_eq!(redact("http://a:b@h:1/x"), "http://h:1/x");
    }

    #[test]
    fn plain_http_with_credentials_only_to_loopback() {
        let config = crate::app::config::Config::default();
        let err = Lrs::new("http://a:b@lrs.example.org/xAPI", &config, false)
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("not sending credentials in clear"),
            "{err}"
        );
        assert!(!err.to_string().contains('b'.to_string().repeat(2).as_str()));
        assert!(Lrs::new("http://a:b@lrs.example.org/xAPI", &config, true).is_ok());
        assert!(Lrs::new("HTTP://a:b@127.0.0.1:8100/xAPI", &config, false).is_ok());
        assert!(Lrs::new("http://a:b@[::1]:8100/xAPI", &config, false).is_ok());
        assert!(Lrs::new("http://a:b@localhost/xAPI", &config, false).is_ok());
    }

    #[test]
    fn more_links_stay_on_the_endpoints_origin() {
        let config = crate::app::config::Config::default();
        let lrs = Lrs::new("http://127.0.0.1:8100/xAPI", &config, false).unwrap();
        assert_eq!(
            lrs.follow("/xAPI/statements?pit=1").unwrap(),
            "http://127.0.0.1:8100/xAPI/statements?pit=1"
        );
        assert!(lrs.follow("http://127.0.0.1:8100/x").is_ok());
        assert!(lrs.follow("http://127.0.0.1:81000/x").is_err());
        assert!(lrs.follow("//evil.example/x").is_err());
    }

    #[test]
    fn base64_of_basic_credentials() {
        assert_eq!(
            base64(b"Aladdin:open sesame"),
            "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(base64(b"ab"), "YWI=");
    }
}
