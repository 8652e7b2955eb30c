//! Writes a synthetic pack of N lessons (5 bites, 1 question, ~300 words each), for benchmarks and tests.
//!
//! `cargo run --release --example synth_pack -- /tmp/pack-10k 10000`

use std::process::ExitCode;

use morsel::pack::synth::{self, Shape};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(Ok(lessons))) = (args.first(), args.get(1).map(|n| n.parse::<usize>()))
    else {
        eprintln!("usage: synth_pack DIR LESSONS");
        return ExitCode::from(2);
    };
    match synth::write_pack(
        dir.as_ref(),
        Shape {
            lessons,
            ..Shape::default()
        },
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("synth_pack: cannot write {dir}: {e}");
            ExitCode::FAILURE
        }
    }
}
