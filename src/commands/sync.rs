//! `morsel sync`: every xAPI statement the Learning Record Store has not accepted yet, sent in batches
//! (`commands::xapi::sync`), and one line saying what was sent.

use std::io::{self, Write};
use std::process::ExitCode;

use super::Global;
use super::xapi::{self, Lrs};
use crate::app::config::Config;

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
}

pub(crate) fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let now = super::now();
    let paths = global.paths()?;
    let config = Config::load(&paths.config)?;
    let actor = xapi::actor(&config, &paths.config)?;
    let lrs = Lrs::from(args.lrs, &config, &paths.config)?;
    let mut store = Store::open(&paths.db)?;
    let (statements, notes) = xapi::gather(&store, &actor, None)?;
    for note in notes {
        eprintln!("morsel: {note}");
    }
    let synced = xapi::sync(&mut store, &statements, &lrs, usize::from(args.batch), now)?;
    let endpoint = sanitize(&lrs.endpoint);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if synced.sent == 0 {
        writeln!(
            out,
            "nothing new to send to {endpoint}: all {} were sent before",
            xapi::count(synced.already)
        )?;
    } else {
        writeln!(
            out,
            "sent {} to {endpoint} ({} sent before)",
            xapi::count(synced.sent),
            synced.already
        )?;
    }
    super::done(out, ExitCode::SUCCESS)
}
