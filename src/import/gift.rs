//! `morsel import gift`: Moodle's GIFT quiz text format, parsed from Moodle's documentation. Questions are separated
//! by blank lines; `// comment` lines are dropped; `$CATEGORY:` starts a lesson. Multiple choice (`=` right, `~`
//! wrong, `%N%` weights: without any `=`, the positive weights are the right answers of a pick-all question), true
//! or false, short answer, `::title::` (the question's id), `#feedback`, `####general feedback` (the explanation),
//! `\` escapes and the `[html]`/`[markdown]`/`[plain]`/`[moodle]` text formats. Numerical, matching, essay and
//! missing-word questions with text after the answers are reported and skipped.

use std::cell::Cell;
use std::path::Path;

use anyhow::Context;

use super::{Choice, Ids, Import, Item, Lesson, Quiz, QuizKind, Skipped};
use crate::pack::source::read_regular;

/// Reads and parses the GIFT file at `path`.
pub(crate) fn import(path: &Path) -> anyhow::Result<Import> {
    let bytes = read_regular(path).with_context(|| format!("cannot read {}", path.display()))?;
    let text = String::from_utf8(bytes)
        .with_context(|| format!("{} is not UTF-8; GIFT files are UTF-8", path.display()))?;
    Ok(parse(&text, path))
}

/// A character of the source and whether a `\` escaped it (an escaped `=` is text, never an answer's start).
type Tok = (char, bool);

/// Parses GIFT `text`; `file` names it in what is skipped.
pub(crate) fn parse(text: &str, file: &Path) -> Import {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let default_title = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "Questions".to_string());
    let mut parser = Parser {
        file,
        import: Import::default(),
        lesson_ids: Ids::default(),
        item_ids: Ids::default(),
        current: None,
        default_title,
    };
    let mut block: Vec<(usize, &str)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with("//") {
            continue;
        }
        if trimmed.is_empty() {
            parser.block(&std::mem::take(&mut block));
        } else {
            block.push((n + 1, line));
        }
    }
    parser.block(&block);
    parser.finish()
}

struct Parser<'a> {
    file: &'a Path,
    import: Import,
    lesson_ids: Ids,
    item_ids: Ids,
    /// The lesson questions go to now; made when its first question is imported.
    current: Option<Lesson>,
    default_title: String,
}

impl Parser<'_> {
    fn skip(&mut self, line: usize, what: impl Into<String>, why: impl Into<String>) {
        self.import.skipped.push(Skipped {
            file: self.file.to_path_buf(),
            line,
            what: what.into(),
            why: why.into(),
        });
    }

    fn finish(mut self) -> Import {
        self.close_lesson();
        self.import
            .split_long_lessons(&mut self.lesson_ids, self.file);
        self.import
    }

    fn close_lesson(&mut self) {
        if let Some(lesson) = self.current.take()
            && !lesson.bites.is_empty()
        {
            self.import.lessons.push(lesson);
        }
    }

    fn block(&mut self, lines: &[(usize, &str)]) {
        let Some(&(first, head)) = lines.first() else {
            return;
        };
        let mut lines = lines;
        if let Some(category) = head.trim().strip_prefix("$CATEGORY:") {
            self.category(category);
            lines = &lines[1..];
            if lines.is_empty() {
                return;
            }
        }
        let line = lines.first().map_or(first, |l| l.0);
        let text = lines.iter().map(|l| l.1).collect::<Vec<_>>().join("\n");
        match self.question(&tokens(&text), line) {
            Ok(quiz) => {
                let default_title = self.default_title.clone();
                let lesson = self.current.get_or_insert_with(|| Lesson {
                    id: self.lesson_ids.unique(&default_title, "questions"),
                    title: default_title,
                    bites: Vec::new(),
                });
                lesson.bites.push(super::Bite {
                    markdown: String::new(),
                    items: vec![Item::Quiz(quiz)],
                });
            }
            Err((what, why)) => self.skip(line, what, why),
        }
    }

    /// `$CATEGORY: $course$/top/Default for X/Sub`: a new lesson titled `Sub`.
    fn category(&mut self, path: &str) {
        self.close_lesson();
        let title = path
            .split('/')
            .map(str::trim)
            .rfind(|part| !part.is_empty() && !part.starts_with('$') && *part != "top")
            .unwrap_or("Questions")
            .to_string();
        self.current = Some(Lesson {
            id: self.lesson_ids.unique(&title, "questions"),
            title,
            bites: Vec::new(),
        });
    }

    /// One question, or what it is and why it is skipped.
    fn question(&mut self, toks: &[Tok], line: usize) -> Result<Quiz, (String, String)> {
        let mut rest = trim(toks);
        let mut title = None;
        if starts_with(rest, "::") {
            let Some(end) = find(rest, "::", 2) else {
                return Err(("a question".into(), "its title has no closing `::`".into()));
            };
            title = Some(plain(&rest[2..end]).trim().to_string());
            rest = trim(&rest[end + 2..]);
        }
        let mut html = false;
        if rest.first() == Some(&('[', false))
            && let Some(end) = find(rest, "]", 1)
        {
            let format = plain(&rest[1..end]);
            if ["html", "moodle", "plain", "markdown"].contains(&format.as_str()) {
                html = format == "html" || format == "moodle";
                rest = trim(&rest[end + 1..]);
            }
        }
        let flattened = Cell::new(false);
        let convert = |toks: &[Tok]| {
            let (text, flat) = text_of(toks, html);
            flattened.set(flattened.get() || flat);
            text
        };
        let before_answers = plain(&rest[..find(rest, "{", 0).unwrap_or(rest.len())]);
        let name = match &title {
            Some(t) if !t.is_empty() => format!("question `{t}`"),
            _ => format!("question `{}`", excerpt(&before_answers)),
        };
        let Some(open) = find(rest, "{", 0) else {
            return Err((
                format!("text `{}`", excerpt(&plain(rest))),
                "it has no answers in `{…}` (a description, not a question)".into(),
            ));
        };
        let Some(close) = find(rest, "}", open + 1) else {
            return Err((name, "its answers have no closing `}`".into()));
        };
        let (head, mut body, tail) = (&rest[..open], &rest[open + 1..close], &rest[close + 1..]);
        let mut explain = None;
        if let Some(at) = find(body, "####", 0) {
            explain = Some(convert(&body[at + 4..])).filter(|e| !e.is_empty());
            body = &body[..at];
        }
        let body = trim(body);
        if body.is_empty() {
            return Err((
                format!("essay {name}"),
                "an open answer cannot be graded".into(),
            ));
        }
        if body[0] == ('#', false) {
            return Err((
                format!("numerical {name}"),
                "number answers and ranges are not supported".into(),
            ));
        }
        if find(body, "->", 0).is_some() {
            return Err((
                format!("matching {name}"),
                "matching questions are not supported".into(),
            ));
        }
        let tail_text = plain(tail);
        let tail_text = tail_text.trim();
        let mut prompt = convert(head);
        if tail_text.chars().any(char::is_alphanumeric)
            || (!tail_text.is_empty() && prompt.is_empty())
        {
            return Err((
                format!("missing-word {name}"),
                "its answers stand in the middle of the text".into(),
            ));
        }
        if !tail_text.is_empty() {
            prompt = format!("{} _____{tail_text}", prompt.trim_end());
        }
        if prompt.is_empty() {
            return Err((name, "it has no question text".into()));
        }
        let id_source = title.clone().unwrap_or_else(|| plain(head));
        let kind = self.kind(body, line, &name, &mut explain, &convert)?;
        if flattened.get() {
            let deep = super::too_deep(self.file, line, &name);
            self.import.skipped.push(deep);
        }
        Ok(Quiz {
            id: self.item_ids.unique(&id_source, "question"),
            prompt,
            // Moodle shuffles a question's answers unless told not to (which GIFT cannot say), and GIFT authors
            // write the right one first: kept in place, it would be choice 1 every time.
            shuffle: matches!(kind, QuizKind::Choice(_)),
            kind,
            explain,
        })
    }

    fn kind(
        &mut self,
        body: &[Tok],
        line: usize,
        name: &str,
        explain: &mut Option<String>,
        convert: &dyn Fn(&[Tok]) -> String,
    ) -> Result<QuizKind, (String, String)> {
        let word_end = find(body, "#", 0).unwrap_or(body.len());
        let word = plain(&body[..word_end]).trim().to_ascii_uppercase();
        if matches!(word.as_str(), "T" | "TRUE" | "F" | "FALSE") {
            let answer = word.starts_with('T');
            let mut feedback = split(&body[word_end..], &['#']).into_iter();
            // `{T#shown for a wrong answer#shown for a right one}`.
            let wrong = feedback
                .next()
                .map(|(_, t)| convert(t))
                .filter(|t| !t.is_empty());
            let right = feedback
                .next()
                .map(|(_, t)| convert(t))
                .filter(|t| !t.is_empty());
            // The explanation is shown whatever the answer: the general feedback, else the one for a right
            // answer, else the one for a wrong answer; the others are reported.
            for (feedback, which) in [(right, "right"), (wrong, "wrong")] {
                if feedback.is_none() {
                    continue;
                }
                if explain.is_none() {
                    *explain = feedback;
                } else {
                    self.skip(
                        line,
                        format!("the feedback for a {which} answer to {name}"),
                        "morsel shows one explanation whatever the answer, and this question has one",
                    );
                }
            }
            return Ok(QuizKind::TrueFalse(answer));
        }
        let answers: Vec<Answer> = split(body, &['=', '~'])
            .into_iter()
            .filter(|(marker, t)| marker.is_some() || !trim(t).is_empty())
            .map(|(marker, t)| Answer::parse(marker, t, convert))
            .collect();
        if answers.iter().any(|a| a.marker == Some('~')) {
            return self.choice(answers, line, name);
        }
        let mut accepted = Vec::new();
        for answer in answers {
            match answer.weight {
                Some(w) if w < 100.0 => {
                    self.skip(
                        line,
                        format!("answer `{}` ({w}%) of {name}", answer.text),
                        "morsel accepts a text answer fully or not at all",
                    );
                    continue;
                }
                _ => {}
            }
            if answer.feedback.is_some() {
                self.skip(
                    line,
                    format!("the feedback of answer `{}` to {name}", answer.text),
                    "text questions have no feedback per answer",
                );
            }
            if !answer.text.is_empty() {
                accepted.push(answer.text);
            }
        }
        if accepted.is_empty() {
            return Err((name.to_string(), "it has no answer worth full marks".into()));
        }
        Ok(QuizKind::Text(accepted))
    }

    /// With an `=` answer, one right answer (partial credit is counted wrong); without, the positive weights are
    /// the right answers of a pick-all question.
    fn choice(
        &mut self,
        answers: Vec<Answer>,
        line: usize,
        name: &str,
    ) -> Result<QuizKind, (String, String)> {
        let equals = answers.iter().filter(|a| a.marker == Some('=')).count();
        if equals > 1 {
            return Err((
                name.to_string(),
                format!(
                    "any one of its {equals} `=` answers is right, and a morsel question with several right choices asks for all of them"
                ),
            ));
        }
        let single = equals == 1;
        let mut choices = Vec::new();
        for answer in answers {
            let positive = answer.weight.is_some_and(|w| w > 0.0);
            let correct = if single {
                answer.marker == Some('=')
            } else {
                positive
            };
            if single && positive && !correct {
                self.skip(
                    line,
                    format!(
                        "the partial credit of choice `{}` ({}%) of {name}",
                        answer.text,
                        answer.weight.unwrap_or_default()
                    ),
                    "a choice is right or wrong in morsel; it counts as wrong",
                );
            }
            if answer.text.is_empty() {
                return Err((name.to_string(), "one of its choices is empty".into()));
            }
            choices.push(Choice {
                text: answer.text,
                correct,
                feedback: answer.feedback,
            });
        }
        if !(2..=9).contains(&choices.len()) {
            return Err((
                name.to_string(),
                format!("it has {} choices; morsel asks 2 to 9", choices.len()),
            ));
        }
        if !choices.iter().any(|c| c.correct) {
            return Err((name.to_string(), "none of its choices is right".into()));
        }
        Ok(QuizKind::Choice(choices))
    }
}

/// One answer inside `{…}`: `=` or `~` (or none), an optional `%weight%`, the text, an optional `#feedback`.
struct Answer {
    marker: Option<char>,
    weight: Option<f64>,
    text: String,
    feedback: Option<String>,
}

impl Answer {
    fn parse(marker: Option<char>, toks: &[Tok], convert: &dyn Fn(&[Tok]) -> String) -> Answer {
        let mut toks = trim(toks);
        let mut weight = None;
        if toks.first() == Some(&('%', false))
            && let Some(end) = find(toks, "%", 1)
            && let Ok(w) = plain(&toks[1..end]).trim().parse::<f64>()
        {
            weight = Some(w);
            toks = &toks[end + 1..];
        }
        let (text, feedback) = match find(toks, "#", 0) {
            Some(at) => (
                &toks[..at],
                Some(convert(&toks[at + 1..])).filter(|f| !f.is_empty()),
            ),
            None => (toks, None),
        };
        Answer {
            marker,
            weight,
            text: convert(text),
            feedback,
        }
    }
}

/// The text as characters, each marked when a `\` escaped it; `\n` is a line break.
fn tokens(text: &str) -> Vec<Tok> {
    let mut out = Vec::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&next) = chars.peek()
            && matches!(next, '~' | '=' | '#' | '{' | '}' | ':' | '\\' | 'n')
        {
            chars.next();
            out.push((if next == 'n' { '\n' } else { next }, true));
        } else {
            out.push((c, false));
        }
    }
    out
}

/// Where `pattern` first stands unescaped in `toks` at or after `from`.
fn find(toks: &[Tok], pattern: &str, from: usize) -> Option<usize> {
    let pattern: Vec<char> = pattern.chars().collect();
    (from..toks.len()).find(|&i| {
        toks.len() - i >= pattern.len()
            && pattern
                .iter()
                .enumerate()
                .all(|(k, &c)| toks[i + k] == (c, false))
    })
}

fn starts_with(toks: &[Tok], pattern: &str) -> bool {
    find(toks, pattern, 0) == Some(0)
}

/// `toks` cut at each unescaped marker, each piece with the marker before it (the first piece may have none).
fn split<'t>(toks: &'t [Tok], markers: &[char]) -> Vec<(Option<char>, &'t [Tok])> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut marker = None;
    for (i, &(c, escaped)) in toks.iter().enumerate() {
        if !escaped && markers.contains(&c) {
            if i > start || marker.is_some() {
                out.push((marker, &toks[start..i]));
            }
            marker = Some(c);
            start = i + 1;
        }
    }
    if toks.len() > start || marker.is_some() {
        out.push((marker, &toks[start..]));
    }
    out
}

fn trim(toks: &[Tok]) -> &[Tok] {
    let blank = |t: &Tok| !t.1 && t.0.is_whitespace();
    let start = toks.iter().position(|t| !blank(t)).unwrap_or(toks.len());
    let end = toks
        .iter()
        .rposition(|t| !blank(t))
        .map_or(start, |e| e + 1);
    &toks[start..end]
}

fn plain(toks: &[Tok]) -> String {
    toks.iter().map(|t| t.0).collect()
}

/// The text, trimmed, with each line's indentation removed; HTML turned into Markdown (and whether it nested too
/// deep, so that it was flattened).
fn text_of(toks: &[Tok], html: bool) -> (String, bool) {
    let raw = plain(trim(toks));
    if html {
        return super::html::to_markdown(&raw);
    }
    (
        raw.lines().map(str::trim).collect::<Vec<_>>().join("\n"),
        false,
    )
}

/// The first 40 characters of `text` on one line, for naming a question without a title.
fn excerpt(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(40) {
        Some((at, _)) => format!("{}…", &one_line[..at]),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn one(text: &str) -> (Quiz, Vec<Skipped>) {
        let import = parse(text, Path::new("q.gift"));
        assert_eq!(import.lessons.len(), 1, "{:?}", import.skipped);
        let Item::Quiz(quiz) = import.lessons[0].bites[0].items[0].clone() else {
            panic!("not a quiz");
        };
        (quiz, import.skipped)
    }

    #[test]
    fn escapes_are_text_not_markup() {
        let (quiz, _) = one("1 + 2 \\= {3}");
        assert_eq!(quiz.prompt, "1 + 2 =");
        assert_eq!(quiz.kind, QuizKind::Text(vec!["3".into()]));
        let (quiz, _) = one("Pick \\{ {=a\\~b ~c\\#d #not\\#this}");
        assert_eq!(quiz.prompt, "Pick {");
        let QuizKind::Choice(choices) = quiz.kind else {
            panic!()
        };
        assert_eq!(choices[0].text, "a~b");
        assert_eq!(choices[1].text, "c#d");
        assert_eq!(choices[1].feedback.as_deref(), Some("not#this"));
    }

    #[test]
    fn weights_without_an_equals_sign_make_a_pick_all_question() {
        let (quiz, skipped) = one(
            "What two people are entombed in Grant's tomb? {\n~%-100%No one\n~%50%Grant\n~%50%Grant's wife\n~%-100%Grant's father\n}",
        );
        let QuizKind::Choice(choices) = quiz.kind else {
            panic!()
        };
        let right: Vec<_> = choices
            .iter()
            .filter(|c| c.correct)
            .map(|c| &c.text)
            .collect();
        assert_eq!(right, ["Grant", "Grant's wife"]);
        assert!(skipped.is_empty());
    }

    #[test]
    fn partial_credit_beside_an_equals_sign_counts_wrong_and_is_reported() {
        let (quiz, skipped) =
            one("Jesus Christ was from {\n~Jerusalem\n~%25%Bethlehem\n~%50%Galilee\n=Nazareth\n}");
        let QuizKind::Choice(choices) = quiz.kind else {
            panic!()
        };
        let right: Vec<_> = choices
            .iter()
            .filter(|c| c.correct)
            .map(|c| &c.text)
            .collect();
        assert_eq!(right, ["Nazareth"]);
        assert_eq!(skipped.len(), 2);
        assert!(
            skipped[0].what.contains("`Bethlehem` (25%)"),
            "{}",
            skipped[0]
        );
        assert_eq!(skipped[0].line, 1);
    }

    #[test]
    fn trailing_punctuation_after_the_answers_becomes_a_blank() {
        let (quiz, _) = one("Two plus two equals {=four =4}.");
        assert_eq!(quiz.prompt, "Two plus two equals _____.");
        assert_eq!(quiz.kind, QuizKind::Text(vec!["four".into(), "4".into()]));
    }

    #[test]
    fn html_text_becomes_markdown() {
        let (quiz, _) = one("[html]Is <b>this</b> bold? {T}");
        assert_eq!(quiz.prompt, "Is **this** bold?");
    }

    #[test]
    fn what_morsel_cannot_ask_is_reported_with_its_line_and_nothing_else_is_lost() {
        let text = "$CATEGORY: $course$/top/Empty\n\n// all skipped\nTen? {=a ~b ~c ~d ~e ~f ~g ~h ~i ~j}\n\n\
                    ::none right::Which? {~a ~b}\n\nJust a description.\n\n::broken:: Open {=a\n\n\
                    ::either:: Pick {=a =b ~c}\n";
        let import = parse(text, Path::new("s.gift"));
        assert!(import.lessons.is_empty());
        let lines: Vec<String> = import.skipped.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "s.gift:4: skipped question `Ten?`: it has 10 choices; morsel asks 2 to 9",
                "s.gift:6: skipped question `none right`: none of its choices is right",
                "s.gift:8: skipped text `Just a description.`: it has no answers in `{…}` (a description, not a question)",
                "s.gift:10: skipped question `broken`: its answers have no closing `}`",
                "s.gift:12: skipped question `either`: any one of its 2 `=` answers is right, and a morsel question \
                 with several right choices asks for all of them",
            ]
        );
    }
}
