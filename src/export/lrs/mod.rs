//! Sending statements to a Learning Record Store so that each arrives once, whatever the LRS and the network do.
//! A batch counts as stored only when the LRS answers with the JSON array of statement ids xAPI prescribes and
//! every id sent is named (or, for ids an LRS leaves out as already stored, found there by `statementId`); a 409 or
//! 400 is narrowed down by halving the batch to the one statement refused, which is set aside with the LRS's message
//! and never blocks later syncs; a 413 halves the batch until it fits; a busy LRS or network is tried again within a
//! bound (`retry`); a redirect, a refused credential or anything else stops the sync with nothing of that batch
//! marked. One sync of a database at a time (`lock`); statements are marked sent batch by batch, so a sync killed
//! at any moment leaves only batches that the next sync sends again, under the same ids.

pub(crate) mod endpoint;
mod http;
mod lock;
pub(crate) mod pull;
pub(crate) mod read;
pub(crate) mod retry;
mod send;

use std::collections::HashSet;
use std::fmt;
use std::path::PathBuf;

use crate::export::xapi::Statement;
use crate::store::StoreError;

pub(crate) use endpoint::{Endpoint, EndpointError};
pub(crate) use lock::LockError;
pub(crate) use send::{SyncError, sync};

/// Where the credentials came from, as a refusal names it (never the password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    Environment,
    Url,
    Config(PathBuf),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Environment => {
                f.write_str("MORSEL_LRS_USER and MORSEL_LRS_PASSWORD in the environment")
            }
            Source::Url => f.write_str("the user and password written in the LRS URL"),
            Source::Config(path) => write!(
                f,
                "lrs_user and lrs_password in {}",
                crate::text::sanitize(&path.display().to_string())
            ),
        }
    }
}

/// A user and password for HTTP Basic, and where they came from.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Credentials {
    pub(crate) user: String,
    pub(crate) password: String,
    pub(crate) source: Source,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Credentials({}, ***, {})", self.user, self.source)
    }
}

/// What the learner gave: the URL, and credentials from the environment and the config.
#[derive(Debug, Clone, Default)]
pub(crate) struct Given {
    pub(crate) url: String,
    pub(crate) env_user: Option<String>,
    pub(crate) env_password: Option<String>,
    pub(crate) config_user: Option<String>,
    pub(crate) config_password: Option<String>,
    pub(crate) config_path: PathBuf,
    /// Credentials may go over plain `http` to another machine.
    pub(crate) allow_http: bool,
}

/// Where and how to send.
#[derive(Debug, Clone)]
pub(crate) struct Lrs {
    pub(crate) endpoint: Endpoint,
    pub(crate) credentials: Option<Credentials>,
}

impl Lrs {
    /// The endpoint, normalised, and the credentials: from the environment, else written in the URL (taken out of
    /// it), else from the config. Refuses to send credentials in clear over `http` to a host that is not this
    /// machine unless `allow_http`.
    pub(crate) fn new(given: Given) -> Result<Self, SyncError> {
        let mut endpoint = Endpoint::parse(&given.url)?;
        let from_url = endpoint.userinfo.take();
        let credentials = if given.env_user.is_some() || given.env_password.is_some() {
            Some(Credentials {
                user: given.env_user.unwrap_or_default(),
                password: given.env_password.unwrap_or_default(),
                source: Source::Environment,
            })
        } else if let Some((user, password)) = from_url {
            Some(Credentials {
                user,
                password: password.unwrap_or_default(),
                source: Source::Url,
            })
        } else if given.config_user.is_some() || given.config_password.is_some() {
            Some(Credentials {
                user: given.config_user.unwrap_or_default(),
                password: given.config_password.unwrap_or_default(),
                source: Source::Config(given.config_path),
            })
        } else {
            None
        };
        if credentials.is_some()
            && endpoint.is_plain_http()
            && !endpoint.is_loopback()
            && !given.allow_http
        {
            return Err(SyncError::PlainHttp {
                host: crate::text::sanitize(endpoint.host()).into_owned(),
            });
        }
        Ok(Self {
            endpoint,
            credentials,
        })
    }

    /// The endpoint as shown and as it keys the store.
    pub(crate) fn key(&self) -> String {
        self.endpoint.key()
    }
}

/// Moves the rows of older spellings of this LRS's endpoint to its key.
pub(crate) fn normalise_keys(store: &mut crate::store::Store, lrs: &Lrs) -> Result<(), SyncError> {
    let key = lrs.key();
    for old in spellings(store, &lrs.endpoint)? {
        if old != key {
            store.rekey_lrs(&old, &key)?;
        }
    }
    Ok(())
}

/// Marks as sent, under their ids of now, the statements this LRS accepted under the ids morsel 0.1 gave them
/// ([`Statement::was`]): the LRS holds them already, and sending them again under new ids would store each twice.
/// Idempotent: once carried over, a statement's id of now is in `xapi_sent` and nothing is done again.
pub(crate) fn carry_over(
    store: &mut crate::store::Store,
    lrs: &Lrs,
    statements: &[Statement],
    now: i64,
) -> Result<(), SyncError> {
    let key = lrs.key();
    let sent = store.xapi_sent(&key)?;
    let carried: Vec<&str> = statements
        .iter()
        .filter(|s| !sent.contains(&s.id))
        .filter(|s| s.was.as_ref().is_some_and(|was| sent.contains(was)))
        .map(|s| s.id.as_str())
        .collect();
    if !carried.is_empty() {
        store.mark_xapi_sent(&key, &carried, now)?;
    }
    Ok(())
}

/// The ids this LRS accepted or rejected: nothing more to send of them.
pub(crate) fn settled(
    store: &crate::store::Store,
    lrs: &Lrs,
) -> Result<HashSet<String>, SyncError> {
    let key = lrs.key();
    let mut done = store.xapi_sent(&key)?;
    done.extend(store.xapi_rejected_ids(&key)?);
    Ok(done)
}

/// What `morsel sync --status` says of one LRS.
#[derive(Debug, Clone, Default)]
pub(crate) struct Standing {
    /// Neither accepted nor rejected yet.
    pub(crate) waiting: usize,
    pub(crate) rejected: Vec<crate::store::Rejected>,
    pub(crate) last: crate::store::LastSync,
}

/// The stored spellings of `endpoint`: its key and any older spelling that normalises to it.
pub(crate) fn spellings(
    store: &crate::store::Store,
    endpoint: &Endpoint,
) -> Result<Vec<String>, StoreError> {
    let key = endpoint.key();
    let mut keys = vec![key.clone()];
    for old in store.lrs_keys()? {
        if old != key && Endpoint::parse(&old).is_ok_and(|e| e.key() == key) {
            keys.push(old);
        }
    }
    Ok(keys)
}

/// Where `statements` stand with the LRS at `endpoint`, read only.
pub(crate) fn standing(
    store: &crate::store::Store,
    statements: &[Statement],
    endpoint: &Endpoint,
) -> Result<Standing, StoreError> {
    let mut standing = Standing::default();
    let mut done = HashSet::new();
    for key in spellings(store, endpoint)? {
        done.extend(store.xapi_sent(&key)?);
        standing.rejected.extend(store.xapi_rejected(&key)?);
        let last = store.xapi_last_sync(&key)?;
        standing.last.last_at = standing.last.last_at.max(last.last_at);
        standing.last.complete_at = standing.last.complete_at.max(last.complete_at);
    }
    done.extend(standing.rejected.iter().map(|r| r.id.clone()));
    standing.waiting = statements
        .iter()
        .filter(|s| !done.contains(&s.id))
        .filter(|s| !s.was.as_ref().is_some_and(|was| done.contains(was)))
        .map(|s| s.id.as_str())
        .collect::<HashSet<_>>()
        .len();
    Ok(standing)
}

/// How many records waited more than a day (before `now - 1 day`) since the last sync with `endpoint` that left
/// nothing waiting: what `morsel status` shows as "N to sync". Cheap: counts, no statements made.
pub(crate) fn overdue(
    store: &crate::store::Store,
    endpoint: &Endpoint,
    now: i64,
) -> Result<u64, StoreError> {
    let mut complete = None;
    for key in spellings(store, endpoint)? {
        complete = complete.max(store.xapi_last_sync(&key)?.complete_at);
    }
    store.records_between(complete.unwrap_or(i64::MIN), now - 86_400_000)
}

/// A moment, in UTC, to the minute.
pub(crate) fn when(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms).map_or_else(
        |_| ms.to_string(),
        |t| t.strftime("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

/// `1 statement`, `2 statements`.
pub(crate) fn count(n: usize) -> String {
    if n == 1 {
        "1 statement".to_string()
    } else {
        format!("{n} statements")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn given(url: &str) -> Given {
        Given {
            url: url.into(),
            config_path: PathBuf::from("/c/config.toml"),
            ..Given::default()
        }
    }

    #[test]
    fn one_statement_is_singular() {
        assert_eq!(count(0), "0 statements");
        assert_eq!(count(1), "1 statement");
        assert_eq!(count(2), "2 statements");
    }

    #[test]
    fn credentials_over_plain_http_go_only_to_this_machine_unless_allowed() {
        let mut g = given("http://lrs.example.org/xAPI");
        assert!(
            Lrs::new(g.clone()).is_ok(),
            "no credentials, nothing to leak"
        );
        g.config_user = Some("ada".into());
        g.config_password = Some("secret".into());
        let error = Lrs::new(g.clone()).unwrap_err().to_string();
        assert!(
            error.contains("lrs.example.org") && error.contains("--allow-http"),
            "{error}"
        );
        assert!(!error.contains("secret"), "{error}");
        g.allow_http = true;
        assert!(Lrs::new(g.clone()).is_ok());
        g.allow_http = false;
        g.url = "http://127.0.0.1:8100/xAPI".into();
        assert!(Lrs::new(g.clone()).is_ok());
        g.url = "https://lrs.example.org/xAPI".into();
        assert!(Lrs::new(g).is_ok());
    }

    #[test]
    fn the_environment_wins_then_the_url_then_the_config() {
        let mut g = given("https://bob:url-pw@h/xAPI");
        g.config_user = Some("cfg".into());
        let lrs = Lrs::new(g.clone()).unwrap();
        let c = lrs.credentials.unwrap();
        assert_eq!(
            (c.user.as_str(), c.password.as_str(), c.source),
            ("bob", "url-pw", Source::Url)
        );
        assert_eq!(lrs.endpoint.key(), "https://h/xAPI");
        assert!(!format!("{:?}", lrs.endpoint).contains("url-pw"));
        g.env_user = Some("env".into());
        let c = Lrs::new(g.clone()).unwrap().credentials.unwrap();
        assert_eq!(c.source, Source::Environment);
        g.env_user = None;
        g.url = "https://h/xAPI".into();
        let c = Lrs::new(g).unwrap().credentials.unwrap();
        assert_eq!(c.source, Source::Config(PathBuf::from("/c/config.toml")));
        assert!(!format!("{c:?}").contains("url-pw"));
    }
}
