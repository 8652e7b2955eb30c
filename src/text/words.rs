//! Numbers in words, the one way every screen and command says them: a count with its noun, seconds as minutes,
//! a duration, a bar of cells.

/// "1 lesson", "2 lessons".
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Whole minutes of time spent from seconds, rounded down: the one rounding of time spent, on every screen and in
/// every command, so that they agree, and a day shown at its goal has met it (`learn::streak::whole_minutes` is the
/// same rule on milliseconds).
pub(crate) fn minutes(seconds: i64) -> i64 {
    seconds.max(0) / 60
}

/// A bar of `width` cells, filled in proportion.
pub(crate) fn bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width + total / 2).checked_div(total).unwrap_or(0);
    format!(
        "{}{}",
        "█".repeat(filled.min(width)),
        "░".repeat(width - filled.min(width))
    )
}

/// "45 s", "3 min", "3 min 20 s".
pub(crate) fn duration(seconds: u32) -> String {
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}
