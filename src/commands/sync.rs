//! `morsel sync`: every xAPI statement the Learning Record Store has not accepted yet, sent through `export::lrs`,
//! and one line saying what was sent; `--status` says what waits, what was rejected and when the last sync ran.

use std::collections::HashSet;
use std::io::{self, Write};
use std::process::ExitCode;

use super::Global;
use super::xapi;
use crate::app::config::Config;
use crate::export::lrs::{self, Given, Lrs, count};
use crate::store::Store;
use crate::text::sanitize;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The LRS's xAPI endpoint; statements go to URL/statements [default: `lrs` in the config]
    #[arg(long, value_name = "URL")]
    lrs: Option<String>,
    /// Statements per request.
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(u16).range(1..=1000))]
    batch: u16,
    /// Send the credentials over plain http:// to a host other than this machine (anyone on the way can read them)
    #[arg(long)]
    allow_http: bool,
    /// Say what waits to be sent, what the LRS rejected and why, and when the last sync ran; send nothing
    #[arg(long)]
    status: bool,
    /// Only send: do not bring in this learner's statements made on other machines
    #[arg(long)]
    send_only: bool,
}

pub(crate) fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let now = super::now();
    let paths = global.paths()?;
    let config = Config::load(&paths.config)?;
    let actor = xapi::actor(&config, &paths.config)?;
    let Some(url) = args.lrs.or_else(|| config.lrs.clone()) else {
        anyhow::bail!(
            "no LRS to sync with: give `--lrs URL` (the LRS's xAPI endpoint) or set `lrs` in {}",
            sanitize(&paths.config.display().to_string())
        );
    };
    if args.status {
        return status(&url, &paths.db, &actor);
    }
    let lrs = lrs_of(url, &config, &paths.config, args.allow_http)?;
    let mut store = Store::open(&paths.db)?;
    let (statements, notes) = xapi::gather(&store, &actor, None)?;
    for note in notes {
        eprintln!("morsel: {note}");
    }
    let own: HashSet<String> = statements.iter().map(|s| s.id.clone()).collect();
    let synced = lrs::sync(
        &mut store,
        &paths.db,
        &statements,
        &lrs,
        usize::from(args.batch),
        now,
        || {
            eprintln!(
                "morsel: another sync of this database is under way; waiting for it to finish"
            )
        },
    )?;
    let endpoint = sanitize(&lrs.key()).into_owned();
    for r in &synced.rejected {
        eprintln!(
            "morsel: the LRS rejected statement {} (HTTP {}): {}; it is set aside (see `morsel sync --status`) and \
             the others went on",
            sanitize(&r.id),
            r.status,
            r.message
        );
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let rejected = match synced.rejected.len() {
        0 => String::new(),
        n => format!(", {n} rejected"),
    };
    if synced.sent == 0 && synced.rejected.is_empty() {
        writeln!(
            out,
            "nothing new to send to {endpoint}: all {} were sent before",
            count(synced.already)
        )?;
    } else {
        writeln!(
            out,
            "sent {} to {endpoint} ({} sent before{rejected})",
            count(synced.sent),
            synced.already
        )?;
    }
    if !args.send_only {
        let followed = follow(&mut store, &lrs, &actor, &config, &own, now)?;
        if let Some(merged) = followed.filter(|m| m.merged > 0) {
            writeln!(
                out,
                "brought in {} from {endpoint} made on other machines ({} here already)",
                count(merged.merged),
                merged.known
            )?;
        }
    }
    super::done(out, ExitCode::SUCCESS)
}

/// Brings in this learner's statements made on other machines and merges them here; `own` are the ids of the
/// statements this database makes itself (its own, coming back, change nothing). `None` when the LRS could not be
/// read (said on stderr: what was sent stands).
fn follow(
    store: &mut Store,
    lrs: &Lrs,
    actor: &crate::export::xapi::Actor,
    config: &Config,
    own: &HashSet<String>,
    now: i64,
) -> anyhow::Result<Option<crate::store::Merged>> {
    let key = lrs.key();
    let since = store.pull_since(&key)?;
    let reader = lrs::read::Lrs(lrs.clone());
    let pulled = match lrs::pull::pull(&reader, actor, since.as_deref()) {
        Ok(pulled) => pulled,
        Err(e) => {
            eprintln!(
                "morsel: could not bring in statements made on other machines: {e}; what was sent stands"
            );
            return Ok(None);
        }
    };
    // An id the LRS rejected holds another statement there: neither merged nor marked sent, it stays rejected.
    let rejected = store.xapi_rejected_ids(&key)?;
    let mut incoming = lrs::pull::incoming(&pulled.statements, actor);
    incoming.retain(|i| !rejected.contains(&i.id));
    let scheduler = store.scheduler(config.desired_retention)?;
    let merged = store.merge(&key, &incoming, own, &scheduler, now)?;
    // What this database now states from the records merged was stated by the machine that made them: not sent back.
    let (after, _) = xapi::gather(store, actor, None)?;
    let mut held: Vec<&str> = after
        .iter()
        .map(|s| s.id.as_str())
        .filter(|id| !own.contains(*id))
        .collect();
    // Every statement of this learner the LRS holds (a lesson's `completed` too, which nothing here reads back):
    // made again here once the pack is at hand, it is not sent again.
    held.extend(lrs::pull::ids(&pulled.statements, actor));
    held.retain(|id| !rejected.contains(*id));
    store.mark_xapi_sent(&key, &held, now)?;
    if let Some(stored) = pulled.stored {
        store.set_pull_since(&key, &stored)?;
    }
    Ok(Some(merged))
}

/// `morsel sync --status`: read only, nothing sent.
fn status(
    url: &str,
    db: &std::path::Path,
    actor: &crate::export::xapi::Actor,
) -> anyhow::Result<ExitCode> {
    let endpoint = lrs::Endpoint::parse(url)?;
    let store = Store::open_read_only(db)?;
    let standing = match &store {
        Some(store) => {
            let (statements, _) = xapi::gather(store, actor, None)?;
            lrs::standing(store, &statements, &endpoint)?
        }
        None => lrs::Standing::default(),
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    writeln!(out, "LRS: {}", sanitize(&endpoint.key()))?;
    writeln!(out, "waiting: {}", count(standing.waiting))?;
    writeln!(out, "rejected: {}", count(standing.rejected.len()))?;
    for r in &standing.rejected {
        writeln!(
            out,
            "  {} (HTTP {}, {}): {}",
            sanitize(&r.id),
            r.status,
            lrs::when(r.at),
            r.message
        )?;
    }
    let last = match (standing.last.last_at, standing.last.complete_at) {
        (None, _) => "never".to_string(),
        (Some(last), Some(complete)) if complete == last => {
            format!("{} (everything sent)", lrs::when(last))
        }
        (Some(last), complete) => format!(
            "{} (stopped short; the last that sent everything: {})",
            lrs::when(last),
            complete.map_or("never".to_string(), lrs::when)
        ),
    };
    writeln!(out, "last sync: {last}")?;
    super::done(out, ExitCode::SUCCESS)
}

/// The LRS at `url`, with the credentials from the environment, the URL or the config (in that order), as `sync`
/// and `team --lrs` both reach it.
pub(crate) fn lrs_of(
    url: String,
    config: &Config,
    config_path: &std::path::Path,
    allow_http: bool,
) -> Result<Lrs, lrs::SyncError> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    Lrs::new(Given {
        url,
        env_user: env("MORSEL_LRS_USER"),
        env_password: env("MORSEL_LRS_PASSWORD"),
        config_user: config.lrs_user.clone(),
        config_password: config.lrs_password.clone(),
        config_path: config_path.to_path_buf(),
        allow_http,
    })
}
