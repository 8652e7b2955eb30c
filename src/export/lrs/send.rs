//! The sync itself: the lock, what is left to send, the batches in order, and what each answer means for them.

use std::collections::{HashSet, VecDeque};
use std::path::Path;

use super::http::{self, Answer, Client};
use super::retry::{self, GaveUp, Policy};
use super::{EndpointError, LockError, Lrs, count, lock};
use crate::export::xapi::Statement;
use crate::store::{Rejected, Store, StoreError};
use crate::text::sanitize;

/// The most of an LRS's message kept or shown.
const MAX_MESSAGE_CHARS: usize = 600;

/// Why a sync stopped short.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Stop {
    #[error(
        "the LRS at {url} refused the credentials (HTTP {status}) from {from}; check them there (the password is \
         not shown)"
    )]
    Credentials {
        url: String,
        status: u16,
        from: String,
    },
    #[error(
        "the LRS at {url} asks for credentials (HTTP {status}): set MORSEL_LRS_USER and MORSEL_LRS_PASSWORD, or \
         lrs_user and lrs_password in the config"
    )]
    NoCredentials { url: String, status: u16 },
    #[error(
        "the LRS at {url} answered with a redirect (HTTP {status}{to}); a sync never follows one, so nothing (no \
         statement, no credential) was sent on: give the LRS's own xAPI endpoint"
    )]
    Redirect {
        url: String,
        status: u16,
        to: String,
    },
    #[error(
        "the answer from {url} is not an LRS's: {what}, where xAPI prescribes the JSON array of the statement ids \
         stored (a login page or a captive portal answers like this); nothing of that batch was marked sent"
    )]
    NotAnLrs { url: String, what: String },
    #[error(
        "the LRS at {url} named {named} of the {of} statements sent as stored, and the others could not be found \
         there; nothing of that batch was marked sent"
    )]
    Partial {
        url: String,
        named: usize,
        of: usize,
    },
    #[error(
        "no xAPI Statements resource at {url} (HTTP 404): check the endpoint (Ralph's is http://HOST:PORT/xAPI)"
    )]
    NotFound { url: String },
    #[error("the LRS at {url} answered HTTP {status}: {message}")]
    Refused {
        url: String,
        status: u16,
        message: String,
    },
    #[error("cannot reach the LRS at {url}: {reason} ({})", tried(*tries, *seconds))]
    Unreachable {
        url: String,
        reason: String,
        tries: u32,
        seconds: u64,
    },
    #[error("the LRS at {url} is busy ({reason}; {}){}", tried(*tries, *seconds), later(*retry_after))]
    Busy {
        url: String,
        reason: String,
        tries: u32,
        seconds: u64,
        retry_after: Option<u64>,
    },
}

fn tried(tries: u32, seconds: u64) -> String {
    if tries == 1 {
        "tried once".to_string()
    } else {
        format!("tried {tries} times in {seconds} s")
    }
}

fn later(retry_after: Option<u64>) -> String {
    retry_after.map_or(String::new(), |s| {
        format!("; it asks to wait {s} s, longer than a sync waits")
    })
}

/// Why a sync did not run, or stopped.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SyncError {
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    #[error(
        "not sending the LRS credentials to {host} over plain http://: anyone on the networks between could read \
         them; use https://, or give --allow-http if every network on the way is trusted"
    )]
    PlainHttp { host: String },
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error("{stop}; {} sent, {waiting} waiting for the next sync", count(*sent))]
    Stopped {
        stop: Stop,
        sent: usize,
        waiting: usize,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a sync did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Synced {
    pub(crate) sent: usize,
    /// Accepted or rejected by an earlier sync.
    pub(crate) already: usize,
    /// Set aside by this sync, each with the LRS's message.
    pub(crate) rejected: Vec<Rejected>,
}

/// What to do with a batch after its answer.
enum Step {
    Stored,
    /// Send each half on its own: one statement of it was refused, or it was too large.
    Split,
    Reject(u16, String),
}

/// Sends every statement `lrs` has not accepted or rejected yet, `batch` at a time, in order, holding the sync lock
/// of the database at `db` (`waiting` is called if another sync holds it). Each stored batch is marked sent before
/// the next goes; a refused statement is set aside; anything else stops the sync.
pub(crate) fn sync(
    store: &mut Store,
    db: &Path,
    statements: &[Statement],
    lrs: &Lrs,
    batch: usize,
    now: i64,
    waiting: impl FnOnce(),
) -> Result<Synced, SyncError> {
    let _lock = lock::take(db, waiting)?;
    super::normalise_keys(store, lrs)?;
    super::carry_over(store, lrs, statements, now)?;
    let done = super::settled(store, lrs)?;
    let mut seen = HashSet::new();
    let pending: Vec<&Statement> = statements
        .iter()
        .filter(|s| !done.contains(&s.id) && seen.insert(s.id.as_str()))
        .collect();
    let policy = Policy::from_env();
    let auth = lrs
        .credentials
        .as_ref()
        .map(|c| http::basic(&c.user, &c.password));
    let mut run = Run {
        store,
        lrs,
        client: Client::new(auth, policy.timeout),
        policy,
        url: lrs.endpoint.statements(),
        key: lrs.key(),
        now,
        sent: 0,
        rejected: Vec::new(),
    };
    let outcome = run.all(&pending, batch.max(1));
    let complete = outcome.is_ok();
    run.store.xapi_synced(&run.key, now, complete)?;
    match outcome {
        Ok(()) => Ok(Synced {
            sent: run.sent,
            already: statements.len() - pending.len(),
            rejected: run.rejected,
        }),
        Err(RunError::Stop(stop)) => Err(SyncError::Stopped {
            stop,
            sent: run.sent,
            waiting: pending.len() - run.sent - run.rejected.len(),
        }),
        Err(RunError::Store(e)) => Err(e.into()),
    }
}

enum RunError {
    Stop(Stop),
    Store(StoreError),
}

impl From<Stop> for RunError {
    fn from(stop: Stop) -> Self {
        RunError::Stop(stop)
    }
}

impl From<StoreError> for RunError {
    fn from(e: StoreError) -> Self {
        RunError::Store(e)
    }
}

struct Run<'a> {
    store: &'a mut Store,
    lrs: &'a Lrs,
    client: Client,
    policy: Policy,
    /// The Statements resource, as sent to and shown.
    url: String,
    /// The endpoint that keys the store.
    key: String,
    now: i64,
    sent: usize,
    rejected: Vec<Rejected>,
}

impl Run<'_> {
    fn all(&mut self, pending: &[&Statement], batch: usize) -> Result<(), RunError> {
        let mut queue: VecDeque<&[&Statement]> = pending.chunks(batch).collect();
        while let Some(chunk) = queue.pop_front() {
            match self.one(chunk)? {
                Step::Stored => {
                    let ids: Vec<&str> = chunk.iter().map(|s| s.id.as_str()).collect();
                    self.store.mark_xapi_sent(&self.key, &ids, self.now)?;
                    self.sent += chunk.len();
                }
                Step::Split => {
                    let (first, second) = chunk.split_at(chunk.len() / 2);
                    queue.push_front(second);
                    queue.push_front(first);
                }
                Step::Reject(status, message) => {
                    let rejected = Rejected {
                        id: chunk[0].id.clone(),
                        status,
                        message,
                        at: self.now,
                    };
                    self.store.reject_xapi(&self.key, &rejected)?;
                    self.rejected.push(rejected);
                }
            }
        }
        Ok(())
    }

    /// Sends one batch and reads its answer.
    fn one(&self, chunk: &[&Statement]) -> Result<Step, Stop> {
        let body = serde_json::to_string(&chunk.iter().map(|s| &s.json).collect::<Vec<_>>())
            .unwrap_or_default();
        let answer = self.exchange(|| self.client.post(&self.url, &body))?;
        let url = || sanitize(&self.url).into_owned();
        match answer.status {
            200..=299 => self.accepted(chunk, &answer).map(|()| Step::Stored),
            300..=399 => Err(Stop::Redirect {
                url: url(),
                status: answer.status,
                to: answer.location.as_deref().map_or(String::new(), |to| {
                    format!(" to {}", sanitize(&super::endpoint::redact(to)))
                }),
            }),
            401 | 403 => Err(match &self.lrs.credentials {
                Some(c) => Stop::Credentials {
                    url: url(),
                    status: answer.status,
                    from: c.source.to_string(),
                },
                None => Stop::NoCredentials {
                    url: url(),
                    status: answer.status,
                },
            }),
            400 | 409 | 413 if chunk.len() > 1 => Ok(Step::Split),
            413 => Ok(Step::Reject(
                413,
                format!("too large for this LRS: {}", short(&answer.body)),
            )),
            400 | 409 => Ok(Step::Reject(answer.status, short(&answer.body))),
            404 => Err(Stop::NotFound { url: url() }),
            status => Err(Stop::Refused {
                url: url(),
                status,
                message: short(&answer.body),
            }),
        }
    }

    /// One exchange, tried again while the LRS or the network is busy.
    fn exchange(
        &self,
        exchange: impl FnMut() -> Result<Answer, http::Failure>,
    ) -> Result<Answer, Stop> {
        let url = sanitize(&self.url).into_owned();
        match retry::run(&self.policy, exchange, std::thread::sleep) {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(failure)) => Err(Stop::Unreachable {
                url,
                reason: failure.reason,
                tries: 1,
                seconds: 0,
            }),
            Err(GaveUp {
                status: None,
                reason,
                tries,
                elapsed,
                ..
            }) => Err(Stop::Unreachable {
                url,
                reason,
                tries,
                seconds: elapsed.as_secs(),
            }),
            Err(gave_up) => Err(Stop::Busy {
                url,
                reason: gave_up.reason,
                tries: gave_up.tries,
                seconds: gave_up.elapsed.as_secs(),
                retry_after: gave_up.retry_after.map(|d| d.as_secs()),
            }),
        }
    }

    /// A 2xx answer stores the batch only when it is the array of ids xAPI prescribes and names every id sent; ids
    /// it leaves out (an LRS answers only for what it newly stored, Ralph with a 204 when that is nothing) count only
    /// when the LRS holds them, asked by `statementId` (`to_look_up`).
    fn accepted(&self, chunk: &[&Statement], answer: &Answer) -> Result<(), Stop> {
        let url = || sanitize(&self.url).into_owned();
        let sent: HashSet<&str> = chunk.iter().map(|s| s.id.as_str()).collect();
        let named: Vec<String> = if answer.status == 204 && answer.body.trim().is_empty() {
            Vec::new()
        } else {
            serde_json::from_str(&answer.body).map_err(|_| Stop::NotAnLrs {
                url: url(),
                what: describe(answer),
            })?
        };
        if let Some(other) = named.iter().find(|id| !sent.contains(id.as_str())) {
            return Err(Stop::NotAnLrs {
                url: url(),
                what: format!(
                    "HTTP {} naming an id that was not sent ({})",
                    answer.status,
                    sanitize(other)
                ),
            });
        }
        let named: HashSet<&str> = named.iter().map(String::as_str).collect();
        let unnamed: Vec<&Statement> = chunk
            .iter()
            .filter(|s| !named.contains(s.id.as_str()))
            .copied()
            .collect();
        for s in to_look_up(&unnamed, named.is_empty()) {
            if !self.holds(&s.id)? {
                return Err(Stop::Partial {
                    url: url(),
                    named: named.len(),
                    of: chunk.len(),
                });
            }
        }
        Ok(())
    }

    /// The LRS holds the statement `id`: `GET statements?statementId=ID` answers it, as the statement itself
    /// (xAPI) or in a `statements` list (Ralph 5).
    fn holds(&self, id: &str) -> Result<bool, Stop> {
        let url = self.lrs.endpoint.statement(id);
        let answer = self.exchange(|| self.client.get(&url))?;
        let names = |v: &serde_json::Value| v["id"].as_str() == Some(id);
        Ok(answer.status == 200
            && serde_json::from_str::<serde_json::Value>(&answer.body).is_ok_and(|v| {
                names(&v)
                    || v["statements"]
                        .as_array()
                        .is_some_and(|l| l.iter().any(names))
            }))
    }
}

/// Which of the ids an answer left out to look up in the LRS. An answer that names some ids and not others is
/// looked into for every one it left out. An answer that names none (Ralph's 204 for a batch it held whole, as
/// after a sync killed before it marked its batch, or a restored backup) is looked into for its first, middle and
/// last statement only: enough to tell an LRS that holds the batch from a portal or proxy that holds nothing, without
/// one request per statement (Ralph's file backend reads its whole log for each).
fn to_look_up<'a>(unnamed: &[&'a Statement], none_named: bool) -> Vec<&'a Statement> {
    if !none_named || unnamed.len() <= 3 {
        return unnamed.to_vec();
    }
    vec![
        unnamed[0],
        unnamed[unnamed.len() / 2],
        unnamed[unnamed.len() - 1],
    ]
}

/// What a 2xx answer that is not an array of ids was.
fn describe(answer: &Answer) -> String {
    let body = answer.body.trim_start();
    let html = answer
        .content_type
        .as_deref()
        .is_some_and(|t| t.to_ascii_lowercase().contains("html"))
        || body.starts_with('<');
    let what = if body.is_empty() {
        "an empty answer"
    } else if html {
        "an HTML page"
    } else if serde_json::from_str::<serde_json::Value>(body).is_ok() {
        "JSON that is not an array of ids"
    } else {
        "text that is not JSON"
    };
    format!("{what} (HTTP {})", answer.status)
}

/// The LRS's message, sanitised and cut to a readable length: the `detail` or `message` of a JSON answer, else its
/// text. (`read` says a refusal with it too.)
pub(super) fn short(text: &str) -> String {
    let json = serde_json::from_str::<serde_json::Value>(text).ok();
    let detail = json.as_ref().and_then(|v| {
        ["detail", "message", "error"]
            .iter()
            .find_map(|k| v[*k].as_str())
    });
    let text = detail.unwrap_or(text).trim();
    if text.is_empty() {
        return "no message".to_string();
    }
    let mut cut: String = text.chars().take(MAX_MESSAGE_CHARS).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    sanitize(&cut).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_or_hostile_message_is_cut_and_made_inert() {
        let message = short(&format!("\u{1b}[31m{}", "x".repeat(2000)));
        assert!(!message.contains('\u{1b}'));
        assert!(message.chars().count() <= MAX_MESSAGE_CHARS + 1);
        assert_eq!(short("  "), "no message");
        assert_eq!(
            short(r#"{"detail":"Differing statements already exist with the same ID: a"}"#),
            "Differing statements already exist with the same ID: a"
        );
    }

    #[test]
    fn an_answer_naming_none_is_checked_by_three_ids_and_a_partial_one_by_every_id_left_out() {
        let statements: Vec<Statement> = (0..10)
            .map(|i| Statement {
                id: format!("s{i}"),
                json: serde_json::json!({}),
                was: None,
            })
            .collect();
        let all: Vec<&Statement> = statements.iter().collect();
        let ids = |v: Vec<&Statement>| v.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(to_look_up(&all, true)), ["s0", "s5", "s9"]);
        assert_eq!(ids(to_look_up(&all, false)).len(), 10);
        assert_eq!(ids(to_look_up(&all[..2], true)), ["s0", "s1"]);
    }

    #[test]
    fn what_came_instead_of_ids_is_named() {
        let answer = |body: &str, content_type: Option<&str>| Answer {
            status: 200,
            body: body.into(),
            location: None,
            retry_after: None,
            content_type: content_type.map(str::to_string),
        };
        assert_eq!(
            describe(&answer("<html>Log in</html>", None)),
            "an HTML page (HTTP 200)"
        );
        assert_eq!(
            describe(&answer("Welcome", Some("text/html; charset=utf-8"))),
            "an HTML page (HTTP 200)"
        );
        assert_eq!(describe(&answer("", None)), "an empty answer (HTTP 200)");
        assert_eq!(
            describe(&answer("{\"ok\":true}", None)),
            "JSON that is not an array of ids (HTTP 200)"
        );
    }
}
