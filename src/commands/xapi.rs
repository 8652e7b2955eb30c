//! `morsel export xapi` and `morsel sync`: the learner's records as xAPI statements (`xapi`), written as one JSON
//! array, or sent to a Learning Record Store over blocking HTTP (`ureq`) in batches, each batch marked sent in the
//! store only once the LRS accepted it.

use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

use crate::app::config::Config;
use crate::app::overview::{Loaded, load_pack};
use crate::export::xapi::{self, Actor, Ifi, Statement};
use crate::pack::Exercise;
use crate::store::Fact;
use crate::store::{Store, StoreError};
use crate::text::sanitize;

/// The most of an LRS's message shown in an error.
const MAX_MESSAGE_CHARS: usize = 600;

/// The actor from the config: `mbox`, else `account`, with `name`.
pub(crate) fn actor(config: &Config, config_path: &Path) -> anyhow::Result<Actor> {
    let ifi = match (&config.mbox, &config.account) {
        (Some(mbox), _) if !mbox.trim().is_empty() => Ifi::Mbox(mbox.trim().to_string()),
        (_, Some(account)) => Ifi::Account {
            home_page: account.home_page.clone(),
            name: account.name.clone(),
        },
        _ => anyhow::bail!(
            "xAPI statements need to say who you are: set `mbox = \"you@example.org\"` (or an `account`) in {}",
            sanitize(&config_path.display().to_string())
        ),
    };
    Ok(Actor {
        name: config.name.clone(),
        ifi,
    })
}

/// Every statement of every course in the store (or of `course` only), course by course, oldest first; and a
/// note for each course whose pack no longer loads (its lessons' `completed`/`passed`/`failed` are left out).
pub(crate) fn gather(
    store: &Store,
    actor: &Actor,
    course: Option<&str>,
) -> Result<(Vec<Statement>, Vec<String>), StoreError> {
    let mut statements = Vec::new();
    let mut notes = Vec::new();
    // Sittings end, and pauses are stated, only once nothing can extend them: as of now.
    let now = crate::learn::clock::Clock::now_ms(&crate::learn::clock::SystemClock);
    for row in store.courses()? {
        if course.is_some_and(|c| c != row.id) {
            continue;
        }
        let mut facts = store.xapi_facts(&row.id)?;
        let mut course = xapi::Course::new(&row.id, &row.title);
        // The course's own pack, when it loads: its key results are stated.
        let mut described = None;
        match load_pack(Path::new(&row.pack_path)) {
            Loaded::Pack(pack) if pack.course.id == row.id => {
                // The pack's own base for its activity ids, when it gives one.
                if let Some(base) = pack.course.iri_base.as_ref().or(pack.course.homepage.as_ref()) {
                    course.iri = base.trim_end_matches('/').to_string();
                }
                course.describe(&pack);
                let progress = store.progress(&row.id)?;
                for lesson in &pack.lessons {
                    let status = progress.lesson_status(lesson, pack.course.pass_mark);
                    if !status.complete {
                        continue;
                    }
                    let bites: Vec<usize> = lesson.bites.iter().map(|b| b.number).collect();
                    let questions: Vec<&str> = lesson
                        .bites
                        .iter()
                        .flat_map(|b| &b.exercises)
                        .filter_map(|e| match e {
                            Exercise::Question(q) => Some(q.id.as_str()),
                            Exercise::Card(_) => None,
                        })
                        .collect();
                    if let Some(times) =
                        store.xapi_lesson_times(&row.id, &lesson.id, &bites, &questions)?
                    {
                        facts.extend(xapi::lesson_facts(
                            &lesson.id,
                            times.done_at,
                            &times.known_at,
                            pack.course.pass_mark,
                        ));
                    }
                }
                described = Some(pack);
            }
            _ => notes.push(format!(
                "course `{}`: its pack at {} does not load, so its lessons' completed/passed/failed statements are left out",
                sanitize(&row.id),
                sanitize(&row.pack_path)
            )),
        }
        let spans = store.xapi_spans(&row.id)?;
        facts.extend(xapi::sittings::sitting_facts(&spans, &facts, now));
        if let Some(pack) = &described {
            let scheduler = store.scheduler(crate::learn::schedule::DEFAULT_RETENTION)?;
            let replay = xapi::key_results::Replay {
                facts: &facts,
                spans: &spans,
                scheduler: &scheduler,
            };
            facts.extend(xapi::key_results::key_result_facts(pack, &replay));
        }
        // Oldest first, lessons' outcomes and sittings among the rest (a stable sort: records of one moment keep
        // their order).
        facts.sort_by_key(Fact::at);
        statements.extend(xapi::statements(actor, &course, &facts));
    }
    Ok((statements, notes))
}

/// The statements as one JSON array.
pub(crate) fn write_json(statements: &[Statement], out: &mut dyn Write) -> io::Result<()> {
    let doc: Vec<&serde_json::Value> = statements.iter().map(|s| &s.json).collect();
    super::write_json(&doc, out)
}

/// Where and how to send.
pub(crate) struct Lrs {
    /// The xAPI endpoint, without a trailing slash.
    pub(crate) endpoint: String,
    pub(crate) user: Option<String>,
    pub(crate) password: Option<String>,
}

impl Lrs {
    /// The endpoint from `--lrs` or the config, the credentials from the environment or the config.
    pub(crate) fn from(
        flag: Option<String>,
        config: &Config,
        config_path: &Path,
    ) -> anyhow::Result<Self> {
        let Some(url) = flag.or_else(|| config.lrs.clone()) else {
            anyhow::bail!(
                "no LRS to sync with: give `--lrs URL` (the LRS's xAPI endpoint) or set `lrs` in {}",
                sanitize(&config_path.display().to_string())
            );
        };
        let endpoint = url.trim().trim_end_matches('/').to_string();
        if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
            anyhow::bail!(
                "the LRS endpoint `{}` is not an http:// or https:// URL",
                sanitize(&endpoint)
            );
        }
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Ok(Self {
            endpoint,
            user: env("MORSEL_LRS_USER").or_else(|| config.lrs_user.clone()),
            password: env("MORSEL_LRS_PASSWORD").or_else(|| config.lrs_password.clone()),
        })
    }
}

/// Why a sync stopped. Every case says how many statements were accepted before it.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SyncError {
    #[error("cannot reach the LRS at {url}: {reason} ({} sent before)", count(*sent))]
    Unreachable {
        url: String,
        reason: String,
        sent: usize,
    },
    #[error(
        "the LRS at {url} refused the credentials (HTTP 401): set MORSEL_LRS_USER and MORSEL_LRS_PASSWORD, or \
         lrs_user and lrs_password in the config ({} sent before)",
        count(*sent)
    )]
    Unauthorized { url: String, sent: usize },
    #[error(
        "the LRS at {url} rejected statement {id} (HTTP {status}): {message} ({} sent before)",
        count(*sent)
    )]
    Rejected {
        url: String,
        status: u16,
        id: String,
        message: String,
        sent: usize,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// `1 statement`, `2 statements`.
pub(crate) fn count(n: usize) -> String {
    if n == 1 {
        "1 statement".to_string()
    } else {
        format!("{n} statements")
    }
}

/// What a sync did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Synced {
    pub(crate) sent: usize,
    pub(crate) already: usize,
}

/// Sends every statement `lrs` has not accepted yet, `batch` at a time, in order; each accepted batch is marked
/// sent before the next goes. A batch the LRS did not accept is not marked, and the sync stops there.
pub(crate) fn sync(
    store: &mut Store,
    statements: &[Statement],
    lrs: &Lrs,
    batch: usize,
    now: i64,
) -> Result<Synced, SyncError> {
    let done = store.xapi_sent(&lrs.endpoint)?;
    let pending: Vec<&Statement> = statements
        .iter()
        .filter(|s| !done.contains(&s.id))
        .collect();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let url = format!("{}/statements", lrs.endpoint);
    let shown_url = sanitize(&url).into_owned();
    let auth = lrs.user.as_ref().map(|user| {
        let pair = format!("{user}:{}", lrs.password.as_deref().unwrap_or(""));
        format!("Basic {}", base64(pair.as_bytes()))
    });
    let mut sent = 0;
    for chunk in pending.chunks(batch.max(1)) {
        let body = serde_json::to_string(&chunk.iter().map(|s| &s.json).collect::<Vec<_>>())
            .unwrap_or_default();
        let mut request = agent
            .post(&url)
            .header("X-Experience-API-Version", xapi::VERSION)
            .header("Content-Type", "application/json");
        if let Some(auth) = &auth {
            request = request.header("Authorization", auth);
        }
        let response = request.send(&body).map_err(|e| SyncError::Unreachable {
            url: shown_url.clone(),
            reason: sanitize(&e.to_string()).into_owned(),
            sent,
        })?;
        let status = response.status().as_u16();
        let text = response.into_body().read_to_string().unwrap_or_default();
        match status {
            200..=299 => {
                let ids: Vec<&str> = chunk.iter().map(|s| s.id.as_str()).collect();
                store.mark_xapi_sent(&lrs.endpoint, &ids, now)?;
                sent += chunk.len();
            }
            401 => {
                return Err(SyncError::Unauthorized {
                    url: shown_url,
                    sent,
                });
            }
            _ => {
                return Err(SyncError::Rejected {
                    url: shown_url,
                    status,
                    id: rejected_id(chunk, &text),
                    message: short(&text),
                    sent,
                });
            }
        }
    }
    Ok(Synced {
        sent,
        already: statements.len() - pending.len(),
    })
}

/// Which statement of a batch the LRS's message is about: one whose id it names, else the one at the index of a
/// validation error's location (`"loc": ["body", INDEX, …]`, as Ralph reports), else the batch's first and last.
fn rejected_id(chunk: &[&Statement], message: &str) -> String {
    if let Some(s) = chunk.iter().find(|s| message.contains(&s.id)) {
        return s.id.clone();
    }
    let index = serde_json::from_str::<serde_json::Value>(message)
        .ok()
        .and_then(|v| v["detail"][0]["loc"][1].as_u64());
    if let Some(s) = index.and_then(|i| chunk.get(i as usize)) {
        return s.id.clone();
    }
    match chunk {
        [one] => one.id.clone(),
        [first, .., last] => format!("(one of {} from {} to {})", chunk.len(), first.id, last.id),
        [] => String::new(),
    }
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

/// `morsel export xapi`: every statement of the course (or of all), one JSON array on `out`.
pub(crate) fn export(
    paths: &crate::app::paths::Paths,
    course: Option<&str>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let config = Config::load(&paths.config)?;
    let actor = actor(&config, &paths.config)?;
    let store = Store::open_read_only(&paths.db)?;
    super::require_played(store.as_ref(), course, &paths.db)?;
    let statements = match &store {
        Some(store) => {
            let (statements, notes) = gather(store, &actor, course)?;
            for note in notes {
                eprintln!("morsel: {note}");
            }
            statements
        }
        None => Vec::new(),
    };
    write_json(&statements, out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_statement_is_singular() {
        assert_eq!(count(0), "0 statements");
        assert_eq!(count(1), "1 statement");
        assert_eq!(count(2), "2 statements");
    }

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
    }

    fn statement(id: &str) -> Statement {
        Statement {
            id: id.to_string(),
            json: serde_json::json!({}),
        }
    }

    #[test]
    fn the_rejected_statement_is_found_by_its_id_or_its_index() {
        let (a, b) = (statement("aaa"), statement("bbb"));
        let chunk = [&a, &b];
        assert_eq!(
            rejected_id(
                &chunk,
                "Differing statements already exist with the same ID: bbb"
            ),
            "bbb"
        );
        assert_eq!(
            rejected_id(
                &chunk,
                r#"{"detail":[{"loc":["body",1,"actor"],"msg":"Field required"}]}"#
            ),
            "bbb"
        );
        assert_eq!(
            rejected_id(&chunk, "bulk failed"),
            "(one of 2 from aaa to bbb)"
        );
    }

    #[test]
    fn a_long_or_hostile_message_is_cut_and_made_inert() {
        let message = short(&format!("\u{1b}[31m{}", "x".repeat(2000)));
        assert!(!message.contains('\u{1b}'));
        assert!(message.chars().count() <= MAX_MESSAGE_CHARS + 1);
        assert_eq!(short("  "), "no message");
    }
}
