//! Timing shared by the benchmarks (plain timing, no framework): medians, milliseconds, the verdict against a
//! target. A folder, not `benches/common.rs`, so that Cargo does not take it for a benchmark of its own.

// Each benchmark uses some of these.
#![allow(dead_code)]

use std::time::{Duration, Instant};

/// The median of some timings (the upper one of an even count).
pub fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// "ok" under the target, else "OVER TARGET".
pub fn verdict(d: Duration, target_ms: u64) -> &'static str {
    if d < Duration::from_millis(target_ms) {
        "ok"
    } else {
        "OVER TARGET"
    }
}

/// The median of `runs` calls of `f`, after one call to warm up.
pub fn time(runs: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect(),
    )
}
