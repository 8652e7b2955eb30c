//! Links in pack Markdown: the Markdown extensions of the format, which link targets name a file of the pack, and
//! the file each names (percent-decoded, never leaving the pack).

use std::path::Path;

use pulldown_cmark::Options;

use super::diagnostic::Site;

/// The Markdown extensions of the pack format: CommonMark with GitHub's tables, task lists, strikethrough,
/// footnotes and autolinks (pulldown-cmark links bare URLs only inside `<…>`, as CommonMark does).
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_GFM
}

/// A link or image target to check once the pack's layout is known.
pub(crate) struct LinkTarget {
    pub(crate) target: String,
    pub(crate) site: Site,
}

/// Whether a link target names a file of the pack (no scheme, no fragment-only link).
pub fn is_local(target: &str) -> bool {
    if target.is_empty() || target.starts_with('#') || target.starts_with("//") {
        return false;
    }
    // A scheme is letters, digits, `+`, `-` or `.` before the first `:`, as in `https:` or `mailto:`.
    match target.find(':') {
        Some(colon) => {
            let scheme = &target[..colon];
            scheme.is_empty()
                || !scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => true,
    }
}

/// The file a local link target names, relative to the pack root, or `None` if it leaves the pack.
pub(crate) fn resolve_link(lesson_file: &Path, target: &str) -> Option<std::path::PathBuf> {
    let path = percent_decoded(target.split(['#', '?']).next().unwrap_or(target));
    let path = path.as_str();
    let mut out = std::path::PathBuf::new();
    let base = if path.starts_with('/') {
        Path::new("")
    } else {
        lesson_file.parent().unwrap_or(Path::new(""))
    };
    for part in base
        .iter()
        .chain(Path::new(path.trim_start_matches('/')).iter())
    {
        match part.to_str() {
            Some(".") => {}
            Some("..") => {
                if !out.pop() {
                    return None;
                }
            }
            _ => out.push(part),
        }
    }
    Some(out)
}

/// `%XX` escapes decoded, as a URL path would be (`my%20notes.txt` names `my notes.txt`); a path whose escapes do not
/// make UTF-8 is kept as written.
pub fn percent_decoded(path: &str) -> String {
    percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .map_or_else(|_| path.to_string(), |decoded| decoded.into_owned())
}
