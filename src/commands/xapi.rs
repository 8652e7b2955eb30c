//! `morsel export xapi` and `morsel sync`: the learner's records as xAPI statements (`xapi`), gathered course by
//! course and written as one JSON array; `sync` sends them through `export::lrs`.

use std::io::{self, Write};
use std::path::Path;

use crate::app::config::Config;
use crate::app::overview::{Loaded, load_pack};
use crate::export::xapi::{self, Actor, Ifi, Statement};
use crate::pack::Exercise;
use crate::store::Fact;
use crate::store::{Store, StoreError};
use crate::text::sanitize;

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
        let boxes = store.timeboxes(&row.id)?;
        facts.extend(xapi::sittings::sitting_facts(&spans, &facts, &boxes, now));
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
