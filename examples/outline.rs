//! Loads a pack and prints its outline: lessons, bites, questions and cards.
//!
//! `cargo run --example outline -- courses/git-in-bites`

use std::process::ExitCode;

use morsel::pack::{self, Exercise};

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: outline PACK_DIR");
        return ExitCode::from(2);
    };
    let report = pack::load(path.as_ref());
    for d in &report.diagnostics {
        eprintln!("{}: {}: {}", d.severity.as_str(), d.site, d.message());
    }
    let pack = match report.into_pack() {
        Ok(pack) => pack,
        Err(_) => return ExitCode::FAILURE,
    };
    println!(
        "{} ({}), pass mark {:.0}%",
        pack.course.title,
        pack.course.id,
        pack.course.pass_mark * 100.0
    );
    for lesson in &pack.lessons {
        println!(
            "  {}  {}  (~{:.0} min)",
            lesson.id,
            lesson.title,
            lesson.minutes.ceil()
        );
        for bite in &lesson.bites {
            let first_line = bite.markdown.lines().next().unwrap_or("");
            println!(
                "    #{} {:>4} words  {}",
                bite.number, bite.words, first_line
            );
            for exercise in &bite.exercises {
                match exercise {
                    Exercise::Question(q) => {
                        println!("         ? [{}] {}", q.kind.name(), q.prompt)
                    }
                    Exercise::Card(c) => println!("         ▭ {}", c.front),
                }
            }
        }
    }
    ExitCode::SUCCESS
}
