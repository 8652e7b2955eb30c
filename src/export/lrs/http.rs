//! One HTTP exchange with the LRS over blocking `ureq`: redirects never followed (the 3xx is the answer, so no body
//! or credentials go on), every status an answer rather than an error, and a transport failure said as either worth
//! another try (a timeout, a refused or cut connection) or not (no such host, a bad certificate). Retrying, with
//! backoff and jitter within a bound, is `retry`'s.

use std::time::Duration;

use crate::export::xapi;
use crate::text::sanitize;

/// What the LRS answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: String,
    /// `Location`, for a redirect.
    pub(crate) location: Option<String>,
    /// `Retry-After`, as the LRS wrote it.
    pub(crate) retry_after: Option<String>,
    /// `Content-Type`.
    pub(crate) content_type: Option<String>,
}

/// No answer came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    /// Said for people, sanitised.
    pub(crate) reason: String,
    /// Another try may go through.
    pub(crate) transient: bool,
}

/// The most of an answer's body read: an LRS's answer to a batch is its ids, a few KB.
const MAX_BODY_BYTES: u64 = 4 << 20;

/// An HTTP client for one LRS, with its `Authorization` header.
pub(crate) struct Client {
    agent: ureq::Agent,
    auth: Option<String>,
}

impl Client {
    /// A client whose every exchange ends within `timeout`.
    pub(crate) fn new(auth: Option<String>, timeout: Duration) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(timeout))
            .build()
            .into();
        Self { agent, auth }
    }

    /// POSTs `body` (a JSON array of statements) to `url`.
    pub(crate) fn post(&self, url: &str, body: &str) -> Result<Answer, Failure> {
        let mut request = self
            .agent
            .post(url)
            .header("X-Experience-API-Version", xapi::VERSION)
            .header("Content-Type", "application/json");
        if let Some(auth) = &self.auth {
            request = request.header("Authorization", auth);
        }
        read(request.send(body))
    }

    /// GETs `url`.
    pub(crate) fn get(&self, url: &str) -> Result<Answer, Failure> {
        let mut request = self
            .agent
            .get(url)
            .header("X-Experience-API-Version", xapi::VERSION);
        if let Some(auth) = &self.auth {
            request = request.header("Authorization", auth);
        }
        read(request.call())
    }
}

fn read(
    response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<Answer, Failure> {
    let response = response.map_err(failure)?;
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (location, retry_after, content_type) = (
        header("location"),
        header("retry-after"),
        header("content-type"),
    );
    let body = response
        .into_body()
        .into_with_config()
        .limit(MAX_BODY_BYTES)
        .read_to_string()
        .map_err(failure)?;
    Ok(Answer {
        status,
        body,
        location,
        retry_after,
        content_type,
    })
}

fn failure(e: ureq::Error) -> Failure {
    let transient = matches!(
        e,
        ureq::Error::Timeout(_) | ureq::Error::Io(_) | ureq::Error::ConnectionFailed
    );
    let reason = match &e {
        ureq::Error::Timeout(_) => "no answer in time (timed out)".to_string(),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            "the connection closed before the answer was complete".to_string()
        }
        _ => e.to_string(),
    };
    Failure {
        reason: sanitize(&reason).into_owned(),
        transient,
    }
}

/// The `Authorization` header of HTTP Basic.
pub(crate) fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", base64(format!("{user}:{password}").as_bytes()))
}

/// Standard base64 with padding, for the HTTP Basic header.
fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
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
    fn base64_of_basic_credentials() {
        assert_eq!(
            base64(b"Aladdin:open sesame"),
            "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(base64(b"a"), "YQ==");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
        assert_eq!(base64(b""), "");
        assert_eq!(basic("a", "b"), "Basic YTpi");
    }
}
