//! Regular expressions as a shell tool reads them: a pattern in the flavour a question names (`grep -E`, `rg`),
//! turned into the `regex` crate's syntax and tried on example lines, so that a typed pattern is graded by what it
//! does rather than by how it is spelt.
//!
//! `rg` uses the `regex` crate's own syntax. GNU `grep -E` (POSIX ERE with GNU extensions) differs, and the
//! translation here follows GNU grep 3.8:
//! - `{,n}` is GNU for `{0,n}`; a `{` that does not start a whole interval (`a{`, `a{x}`, `a{1,2`) is a literal;
//!   `}` and `]` outside an interval or a bracket are literals;
//! - a backslash before a letter or digit that is not one of GNU's escapes (`\w \W \s \S \b \B \< \> \` \'`) is
//!   that character: `\d` is a `d`, not a digit; `\1`..`\9` are back-references, which the `regex` crate lacks;
//! - inside a bracket a backslash is an ordinary character (`[\d]` is `\` or `d`), and `[:alpha:]`, `[=a=]`,
//!   `[.a.]` are POSIX classes;
//! - a `*`, `+` or `?` at the start of an expression (first, or after `(` or `|`) is ignored.

use regex::{Regex, RegexBuilder};

/// The regular-expression dialect a pattern is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flavour {
    /// GNU `grep -E`: POSIX extended regular expressions with GNU's extensions.
    GrepE,
    /// ripgrep: the Rust `regex` crate's syntax.
    Rg,
}

impl Flavour {
    /// Every flavour's name as a pack writes it.
    pub const NAMES: &'static [&'static str] = &["grep -E", "rg"];

    /// The flavour a pack names, if known.
    pub fn from_name(name: &str) -> Option<Self> {
        match name.trim() {
            "grep -E" => Some(Flavour::GrepE),
            "rg" => Some(Flavour::Rg),
            _ => None,
        }
    }

    /// The name a pack writes.
    pub fn name(self) -> &'static str {
        match self {
            Flavour::GrepE => "grep -E",
            Flavour::Rg => "rg",
        }
    }
}

/// Why a pattern cannot be tried on the example lines.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    /// The tool would refuse it too.
    #[error("`{pattern}` is not a valid {flavour} pattern: {why}")]
    Invalid {
        /// The pattern.
        pattern: String,
        /// The flavour's name.
        flavour: &'static str,
        /// What is wrong, in the regex library's words.
        why: String,
    },
    /// The tool takes it, but the examples cannot be tried with it here (a back-reference).
    #[error("`{pattern}` uses a back-reference (`\\{digit}`), which examples cannot check")]
    Backreference {
        /// The pattern.
        pattern: String,
        /// The group's number.
        digit: char,
    },
}

/// How a pattern fares on example lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Behaviour {
    /// It matches every line it must and none it must not.
    Right,
    /// It does not match this line, which it must.
    Misses(String),
    /// It matches this line, which it must not.
    Takes(String),
}

/// The learner's pattern without the quotes a shell command would put around it: one pair of `'…'` or `"…"`, after
/// trimming.
pub fn unquote(answer: &str) -> &str {
    let answer = answer.trim();
    for quote in ['\'', '"'] {
        if answer.len() >= 2
            && let Some(inner) = answer
                .strip_prefix(quote)
                .and_then(|a| a.strip_suffix(quote))
        {
            return inner;
        }
    }
    answer
}

/// Compiles `pattern`, written in `flavour`, to a `Regex` that finds what the tool finds in a line.
pub fn compile(pattern: &str, flavour: Flavour) -> Result<Regex, PatternError> {
    let source = match flavour {
        Flavour::Rg => pattern.to_string(),
        Flavour::GrepE => ere_to_rust(pattern)?,
    };
    RegexBuilder::new(&source)
        // A learner's `(a{99}){99}` must not cost a grading more than a moment.
        .size_limit(1 << 20)
        .build()
        .map_err(|e| PatternError::Invalid {
            pattern: pattern.to_string(),
            flavour: flavour.name(),
            why: error_line(&e),
        })
}

/// Tries `pattern` on the example lines: it must match somewhere in each of `matches` and nowhere in `rejects`.
pub fn behaviour(
    pattern: &str,
    flavour: Flavour,
    matches: &[String],
    rejects: &[String],
) -> Result<Behaviour, PatternError> {
    let regex = compile(pattern, flavour)?;
    if let Some(line) = matches.iter().find(|l| !regex.is_match(l)) {
        return Ok(Behaviour::Misses(line.clone()));
    }
    if let Some(line) = rejects.iter().find(|l| regex.is_match(l)) {
        return Ok(Behaviour::Takes(line.clone()));
    }
    Ok(Behaviour::Right)
}

/// The one line of a regex error that says what is wrong.
fn error_line(error: &regex::Error) -> String {
    let text = error.to_string();
    text.lines()
        .find_map(|l| l.strip_prefix("error: "))
        .unwrap_or(text.lines().last().unwrap_or_default())
        .trim()
        .to_string()
}

fn invalid(pattern: &[char], why: &str) -> PatternError {
    PatternError::Invalid {
        pattern: pattern.iter().collect(),
        flavour: Flavour::GrepE.name(),
        why: why.to_string(),
    }
}

/// A GNU ERE in the `regex` crate's syntax (see the module's notes).
fn ere_to_rust(pattern: &str) -> Result<String, PatternError> {
    let p: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() * 2);
    let mut i = 0;
    // At the start of an expression, where GNU ignores a quantifier.
    let mut at_start = true;
    while i < p.len() {
        let c = p[i];
        let mut starts = false;
        match c {
            '\\' => i = escape(&p, i, &mut out)?,
            '[' => i = bracket(&p, i, &mut out)?,
            '*' | '+' | '?' if at_start => i += 1,
            '{' => match interval(&p, i) {
                Some((min, max, end)) if !at_start => {
                    if let (Some(min), Some(max)) = (min, max)
                        && min > max
                    {
                        return Err(invalid(&p, "an interval's minimum is above its maximum"));
                    }
                    let max = max.map(|m| m.to_string()).unwrap_or_default();
                    let min = min.unwrap_or(0);
                    out.push_str(&if end.1 {
                        format!("{{{min},{max}}}")
                    } else {
                        format!("{{{min}}}")
                    });
                    i = end.0;
                }
                _ => {
                    out.push_str("\\{");
                    i += 1;
                }
            },
            '}' | ']' => {
                out.push('\\');
                out.push(c);
                i += 1;
            }
            '(' | '|' => {
                out.push(c);
                starts = true;
                i += 1;
            }
            _ => {
                if ".*+?)^$".contains(c) {
                    out.push(c);
                } else {
                    out.push_str(&regex::escape(&c.to_string()));
                }
                i += 1;
            }
        }
        at_start = starts;
    }
    Ok(out)
}

/// A backslash at `p[i]` and what follows; returns the index after it.
fn escape(p: &[char], i: usize, out: &mut String) -> Result<usize, PatternError> {
    let Some(&next) = p.get(i + 1) else {
        return Err(invalid(p, "a trailing backslash"));
    };
    match next {
        '1'..='9' => {
            return Err(PatternError::Backreference {
                pattern: p.iter().collect(),
                digit: next,
            });
        }
        'w' | 'W' | 's' | 'S' | 'b' | 'B' => {
            out.push('\\');
            out.push(next);
        }
        '<' => out.push_str("\\b{start}"),
        '>' => out.push_str("\\b{end}"),
        '`' => out.push_str("\\A"),
        '\'' => out.push_str("\\z"),
        other => out.push_str(&regex::escape(&other.to_string())),
    }
    Ok(i + 2)
}

/// A bracket expression opening at `p[i]`; returns the index after its `]`.
fn bracket(p: &[char], i: usize, out: &mut String) -> Result<usize, PatternError> {
    let mut j = i + 1;
    out.push('[');
    if p.get(j) == Some(&'^') {
        out.push('^');
        j += 1;
    }
    let mut first = true;
    loop {
        let Some(&c) = p.get(j) else {
            return Err(invalid(p, "a `[` without its `]`"));
        };
        if c == ']' && !first {
            out.push(']');
            return Ok(j + 1);
        }
        first = false;
        if c == '['
            && let Some(&kind @ (':' | '=' | '.')) = p.get(j + 1)
        {
            let close =
                (j + 2..p.len().saturating_sub(1)).find(|&k| p[k] == kind && p[k + 1] == ']');
            let Some(close) = close else {
                return Err(invalid(p, "a `[:`, `[=` or `[.` without its end"));
            };
            let name: String = p[j + 2..close].iter().collect();
            if kind == ':' {
                out.push_str(&format!("[:{name}:]"));
            } else {
                name.chars().for_each(|ch| class_char(ch, out));
            }
            j = close + 2;
            continue;
        }
        class_char(c, out);
        if p.get(j + 1) == Some(&'-') && p.get(j + 2).is_some_and(|&d| d != ']') {
            out.push('-');
            class_char(p[j + 2], out);
            j += 3;
        } else {
            j += 1;
        }
    }
}

/// One literal character inside a `regex` class.
fn class_char(c: char, out: &mut String) {
    if matches!(c, '\\' | '[' | ']' | '^' | '-' | '&' | '~') {
        out.push('\\');
    }
    out.push(c);
}

/// An interval `{n}`, `{n,}`, `{,m}`, `{n,m}` or `{,}` opening at `p[i]`: its minimum, maximum and
/// `(index after it, whether it had a comma)`; `None` when the `{` is a literal.
type Interval = (Option<u32>, Option<u32>, (usize, bool));

fn interval(p: &[char], i: usize) -> Option<Interval> {
    let mut j = i + 1;
    let number = |j: &mut usize| -> Option<u32> {
        let start = *j;
        while p.get(*j).is_some_and(char::is_ascii_digit) {
            *j += 1;
        }
        if start == *j {
            return None;
        }
        p[start..*j].iter().collect::<String>().parse().ok()
    };
    let min = number(&mut j);
    let comma = p.get(j) == Some(&',');
    if comma {
        j += 1;
    }
    let max = if comma { number(&mut j) } else { min };
    (p.get(j) == Some(&'}') && (min.is_some() || comma)).then_some((min, max, (j + 1, comma)))
}

#[cfg(test)]
mod tests;
