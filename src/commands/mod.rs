//! The commands that print and exit, each writing to a `Write` so that tests and pipes behave the same.

pub mod check;
pub mod list;
pub mod print;
pub mod stats;

/// "1 lesson", "2 lessons".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Minutes, rounded, from seconds.
pub fn minutes(seconds: i64) -> i64 {
    (seconds + 30) / 60
}
