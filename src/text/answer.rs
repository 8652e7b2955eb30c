//! When two typed answers are the same answer: the rule grading and the pack's checks share.

use unicase::UniCase;

/// Whether two texts are the same answer by the text rule of `learn::grade::is_correct`: equal once trimmed and runs of white
/// space folded, compared with Unicode case folding unless `case_sensitive`. The pack's checks use it to find an
/// accepted answer that another one already covers.
pub fn same_text(a: &str, b: &str, case_sensitive: bool) -> bool {
    let (a, b) = (fold_space(a), fold_space(b));
    if case_sensitive {
        a == b
    } else {
        UniCase::new(a.as_str()) == UniCase::new(b.as_str())
    }
}

/// Trims and folds every run of white space to one space.
pub fn fold_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
