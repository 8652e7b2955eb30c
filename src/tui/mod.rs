//! The full-screen player: one loop, one channel. Terminal events, a one-second tick and termination signals
//! arrive as one `Event`; `App::handle` changes state; `draw` paints it. The terminal is restored on every way out,
//! including a panic, whose details go to a log file rather than the screen.

pub mod app;
pub(crate) mod command;
pub(crate) mod context;
pub mod keymap;
pub(crate) mod screens;

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::Context;
use crossterm::event::{self as ct, Event as CtEvent};

pub use app::{App, Start, draw};
pub use context::{Effect, Event, Settings};

use crate::learn::clock::LocalClock;
use crate::store::Store;

/// Runs the player until the learner quits or the process is told to stop.
pub(crate) fn run(start: Start, settings: Settings, store: Store) -> anyhow::Result<()> {
    install_panic_log(&settings.paths.data_dir);
    // The learner's offset from UTC, found once: the local day of reviews and of the daily goal.
    let clock = LocalClock {
        zone: crate::learn::clock::Zone::learner()?,
    };
    let (tx, rx) = mpsc::channel::<Event>();
    // The first frame must not wait for syntax highlighting to load: code shows plain until it has, then redraws.
    crate::render::defer_highlighting();
    let ready = tx.clone();
    std::thread::spawn(move || {
        crate::render::preload_highlighting();
        let _ = ready.send(Event::HighlightingReady);
    });
    if let Start::Preview { path, .. } = &start {
        let saved = tx.clone();
        let quiet = Duration::from_millis(50);
        let how = crate::app::watch::spawn(std::slice::from_ref(path), quiet, move || {
            saved.send(Event::PackChanged).is_ok()
        });
        // Said before the screen is taken, so that it stays in view behind it and after.
        if let crate::app::watch::Watching::Polling(why) = how {
            eprintln!("morsel: {why}");
        }
    }
    spawn_ticks(tx.clone());
    spawn_signals(tx.clone())?;

    let mut terminal = ratatui::init();
    // Keys are read only once the terminal is in raw mode: a read begun before would wait in line mode and lose
    // the first key.
    let background = tx.clone();
    spawn_input(tx);
    let result = (|| -> anyhow::Result<()> {
        let size = terminal.size().context("reading the terminal size")?;
        let mut app = App::with_events(
            start,
            settings,
            store,
            Rc::new(clock),
            (size.width, size.height),
            Some(background),
        );
        terminal.draw(|f| draw(&app, f)).context("drawing")?;
        while let Ok(event) = rx.recv() {
            // Handle everything already waiting, then draw once if anything changed, so that a burst of keys or
            // resizes costs one frame and a quiet tick costs none.
            let mut effect = app.handle(event);
            while effect != Effect::Quit
                && let Ok(more) = rx.try_recv()
            {
                effect = match app.handle(more) {
                    Effect::Unchanged => effect,
                    other => other,
                };
            }
            match effect {
                Effect::Quit => break,
                Effect::Redraw => {
                    terminal.draw(|f| draw(&app, f)).context("drawing")?;
                }
                Effect::Unchanged => {}
            }
        }
        Ok(())
    })();
    ratatui::restore();
    result
}

/// Keys and resizes, one `Event` each, read as they come. crossterm's `use-dev-tty` reader (Cargo.toml) polls the
/// terminal level-triggered, so everything waiting is read, a 100 KB paste and the `Esc` after it included.
fn spawn_input(tx: mpsc::Sender<Event>) {
    std::thread::spawn(move || {
        loop {
            let event = match ct::read() {
                Ok(CtEvent::Key(key)) => Event::Key(key),
                Ok(CtEvent::Resize(w, h)) => Event::Resize(w, h),
                Ok(_) => continue,
                // The terminal is gone: save and leave.
                Err(_) => Event::Terminate,
            };
            let stop = matches!(event, Event::Terminate);
            if tx.send(event).is_err() || stop {
                break;
            }
        }
    });
}

fn spawn_ticks(tx: mpsc::Sender<Event>) {
    std::thread::spawn(move || {
        while tx.send(Event::Tick).is_ok() {
            std::thread::sleep(Duration::from_secs(1));
        }
    });
}

/// SIGTERM and SIGHUP (the terminal closed) become `Event::Terminate`, so the loop saves and restores the terminal.
fn spawn_signals(tx: mpsc::Sender<Event>) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP])
            .context("listening for signals")?;
        std::thread::spawn(move || {
            if signals.forever().next().is_some() {
                let _ = tx.send(Event::Terminate);
            }
        });
    }
    #[cfg(not(unix))]
    let _ = tx;
    Ok(())
}

/// On a panic: restore the terminal (ratatui's hook), write the details to `morsel.log` in the data directory,
/// and say where it is. Progress is safe: every move was committed as it happened.
fn install_panic_log(data_dir: &Path) {
    let log: PathBuf = data_dir.join("morsel.log");
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        ratatui::restore();
        let backtrace = std::backtrace::Backtrace::force_capture();
        let written =
            std::fs::create_dir_all(log.parent().unwrap_or(Path::new("."))).and_then(|()| {
                std::fs::write(
                    &log,
                    format!(
                        "morsel {} crashed: {info}\n\n{backtrace}\n",
                        env!("CARGO_PKG_VERSION")
                    ),
                )
            });
        match written {
            Ok(()) => eprintln!(
                "morsel crashed, sorry. Your progress is saved. Details are in {}; please include them in a bug report.",
                log.display()
            ),
            Err(_) => previous(info),
        }
    }));
}
