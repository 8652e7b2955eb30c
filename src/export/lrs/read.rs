//! `morsel team --lrs URL`: the course's statements read from a Learning Record Store (`GET /statements` with the
//! course as `activity` and `related_activities=true`, from `since`, following `more` links on the same origin).
//! Redirects are errors, never followed; credentials go only to the endpoint's own origin. The endpoint and the
//! credentials are the sync's own ([`super::Lrs`]: normalised, a password in the URL taken out, plain http only to
//! this machine unless `--allow-http`), and so is the Basic header; the sending side is [`super::send`].

use std::collections::HashSet;
use std::time::Duration;

use super::endpoint::redact;
use super::send::short;
use crate::export::team::parse::{self, Read};
use crate::text::percent::segment as component;
use crate::text::sanitize;

/// The most one page's body may hold.
const MAX_PAGE_BYTES: u64 = 256 * 1024 * 1024;

/// Why the statements could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LrsError {
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
        source_of: String,
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

/// Where and as whom to read: the sync's endpoint and credentials.
pub(crate) struct Lrs(pub(crate) super::Lrs);

impl Lrs {
    /// `GET` the Statements resource with `params` after any query string the endpoint has.
    pub(super) fn query(&self, params: &str) -> String {
        let base = self.0.endpoint.statements();
        match (base.contains('?'), params.is_empty()) {
            (_, true) => base,
            (true, false) => format!("{base}&{params}"),
            (false, false) => format!("{base}?{params}"),
        }
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
        let url = self.query(&format!(
            "activity={}&related_activities=true{since_query}",
            component(iri)
        ));
        let read = self.pages(&agent, url, iri, since)?;
        if !read.events.is_empty() || read.skipped > 0 || read.other_courses > 0 {
            return Ok(read);
        }
        eprintln!(
            "the LRS gave no statement with {} as activity: reading every statement and keeping the course's here",
            sanitize(iri)
        );
        let url = self.query(since_query.trim_start_matches('&'));
        self.pages(&agent, url, iri, since)
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
    pub(super) fn follow(&self, more: &str) -> Result<String, LrsError> {
        let origin = self.0.endpoint.origin();
        if more.starts_with('/') && !more.starts_with("//") {
            return Ok(format!("{origin}{more}"));
        }
        let same = more
            .get(..origin.len())
            .is_some_and(|o| o.eq_ignore_ascii_case(&origin))
            && more[origin.len()..].starts_with('/');
        if same {
            Ok(more.to_string())
        } else {
            Err(LrsError::OtherOrigin {
                url: self.shown(),
                more: sanitize(&redact(more)).into_owned(),
            })
        }
    }

    pub(super) fn get(&self, agent: &ureq::Agent, url: &str) -> Result<String, LrsError> {
        let mut request = agent
            .get(url)
            .header("X-Experience-API-Version", crate::export::xapi::VERSION)
            .header("Accept", "application/json");
        if let Some(credentials) = &self.0.credentials {
            request = request.header(
                "Authorization",
                super::http::basic(&credentials.user, &credentials.password),
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
                source_of: self.0.credentials.as_ref().map_or_else(
                    || {
                        "nowhere: none were given (set MORSEL_LRS_USER and MORSEL_LRS_PASSWORD)"
                            .to_string()
                    },
                    |c| c.source.to_string(),
                ),
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
        sanitize(&self.0.key()).into_owned()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn reader(url: &str) -> Lrs {
        Lrs(super::super::Lrs::new(super::super::Given {
            url: url.to_string(),
            ..Default::default()
        })
        .unwrap())
    }

    #[test]
    fn the_query_goes_after_any_query_string_of_the_endpoint() {
        assert_eq!(
            reader("http://127.0.0.1:8100/xAPI/").query("activity=a"),
            "http://127.0.0.1:8100/xAPI/statements?activity=a"
        );
        assert_eq!(
            reader("http://127.0.0.1:8100/xAPI?tenant=t").query("activity=a"),
            "http://127.0.0.1:8100/xAPI/statements?tenant=t&activity=a"
        );
        assert_eq!(
            reader("http://127.0.0.1:8100/xAPI").query(""),
            "http://127.0.0.1:8100/xAPI/statements"
        );
    }

    #[test]
    fn more_links_stay_on_the_endpoints_origin() {
        let lrs = reader("http://127.0.0.1:8100/xAPI");
        assert_eq!(
            lrs.follow("/xAPI/statements?pit=1").unwrap(),
            "http://127.0.0.1:8100/xAPI/statements?pit=1"
        );
        assert!(lrs.follow("http://127.0.0.1:8100/x").is_ok());
        assert!(lrs.follow("http://127.0.0.1:81000/x").is_err());
        assert!(lrs.follow("//evil.example/x").is_err());
    }
}
