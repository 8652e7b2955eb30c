//! A text question graded by behaviour: its `flavour`, `matches` and `rejects` keys, and the checks that the
//! author's own answers pass the example lines.

use std::ops::Range;

use toml::Spanned;

use super::super::diagnostic::{Problem, Sink};
use super::super::fields::Fields;
use crate::pack::Examples;
use crate::text::pattern::{self, Behaviour, Flavour, PatternError};

/// Reads the example keys of a text question; `Ok(None)` when it has none (graded by text), `Err(())` when they
/// are wrong (each mistake reported).
pub(super) fn parse(
    f: &mut Fields,
    sink: &mut Sink,
    fence: Range<usize>,
) -> Result<Option<Examples>, ()> {
    if !["flavour", "matches", "rejects"].iter().any(|k| f.has(k)) {
        return Ok(None);
    }
    let flavour = f.string(sink, "flavour");
    let matches = lines(f, sink, "matches");
    let rejects = lines(f, sink, "rejects");
    let mut ok = true;
    if let (Some(matches), Some(rejects)) = (&matches, &rejects) {
        for line in rejects {
            if matches.iter().any(|m| m.get_ref() == line.get_ref()) {
                sink.error(
                    line.span(),
                    Problem::ExampleBothWays(line.get_ref().clone()),
                );
                ok = false;
            }
        }
    }
    let flavour = match flavour {
        Some(name) => match Flavour::from_name(name.get_ref()) {
            Some(flavour) => Some(flavour),
            None => {
                sink.error(name.span(), Problem::UnknownFlavour(name.into_inner()));
                return Err(());
            }
        },
        None => {
            sink.error(
                fence.clone(),
                Problem::MissingKey {
                    key: "flavour",
                    table: "a text question with example lines",
                },
            );
            None
        }
    };
    let (Some(flavour), Some(matches), Some(rejects)) = (flavour, matches, rejects) else {
        return Err(());
    };
    if matches.is_empty() {
        sink.error(
            fence,
            Problem::MissingKey {
                key: "matches",
                table: "a text question graded by example lines",
            },
        );
        return Err(());
    }
    if rejects.is_empty() {
        sink.warn(fence, Problem::NoRejects);
    }
    let plain = |v: Vec<Spanned<String>>| v.into_iter().map(Spanned::into_inner).collect();
    ok.then(|| Examples {
        flavour,
        matches: plain(matches),
        rejects: plain(rejects),
    })
    .map(Some)
    .ok_or(())
}

/// An array of example lines (absent is empty); `None` when it is not an array of one-line strings.
fn lines(f: &mut Fields, sink: &mut Sink, key: &'static str) -> Option<Vec<Spanned<String>>> {
    if !f.has(key) {
        return Some(Vec::new());
    }
    let lines = f.strings(sink, key)?.into_inner();
    let mut ok = true;
    for line in &lines {
        if line.get_ref().contains(['\n', '\r']) {
            sink.error(
                line.span(),
                Problem::ExampleNotOneLine(line.get_ref().escape_debug().to_string()),
            );
            ok = false;
        }
    }
    ok.then_some(lines)
}

/// Each accepted answer must be a valid pattern that passes the example lines: the author's answers are what a
/// learner is shown as right, and what xAPI reports as the right responses.
pub(super) fn check_answers(answers: &[Spanned<String>], examples: &Examples, sink: &mut Sink) {
    for answer in answers {
        let text = pattern::unquote(answer.get_ref());
        let why = match pattern::behaviour(
            text,
            examples.flavour,
            &examples.matches,
            &examples.rejects,
        ) {
            Ok(Behaviour::Right) => continue,
            Ok(Behaviour::Misses(line)) => format!("does not match the example line `{line}`"),
            Ok(Behaviour::Takes(line)) => {
                format!("matches `{line}`, which is in `rejects`")
            }
            Err(e @ PatternError::Backreference { .. }) => {
                sink.warn(answer.span(), Problem::BadAnswerPattern(e.to_string()));
                continue;
            }
            Err(e) => {
                sink.error(answer.span(), Problem::BadAnswerPattern(e.to_string()));
                continue;
            }
        };
        sink.error(
            answer.span(),
            Problem::AnswerFailsExample {
                answer: answer.get_ref().clone(),
                why,
            },
        );
    }
}
