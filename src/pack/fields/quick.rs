//! A quick reader for the small TOML of quiz and card blocks and front matter, in the plain form nearly every pack
//! writes it: one `key = value` a line, bare keys, strings without escapes, booleans, and arrays of those or of
//! one-line inline tables. It gives the same `DeTable`, spans included, as `toml`'s full parser, which costs several
//! times more on such small documents; anything else (escapes, numbers, comments, dotted keys, a repeated key, a
//! syntax error…) gives `None`, and the full parser reads the text instead, with its exact errors.

use std::borrow::Cow;

use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

/// The table of `text`, or `None` when the text is not in the plain form this reader knows.
pub(crate) fn parse(text: &str) -> Option<Spanned<DeTable<'_>>> {
    let mut reader = Reader {
        text,
        at: 0,
        depth: 0,
    };
    let mut table = DeTable::new();
    loop {
        reader.skip_spaces();
        match reader.peek() {
            None => break,
            Some(b'\n') => reader.at += 1,
            Some(b'\r') => reader.newline()?,
            Some(_) => {
                let (key, value) = reader.key_value()?;
                reader.skip_spaces();
                match reader.peek() {
                    None => {}
                    Some(b'\n') => reader.at += 1,
                    Some(b'\r') => reader.newline()?,
                    Some(_) => return None,
                }
                if table.insert(key, value).is_some() {
                    return None;
                }
            }
        }
    }
    // The full parser gives the document an empty span.
    Some(Spanned::new(0..0, table))
}

/// The deepest nesting of arrays and inline tables read here; deeper text goes to the full parser, which guards
/// its own recursion.
const MAX_DEPTH: usize = 8;

struct Reader<'i> {
    text: &'i str,
    at: usize,
    /// Arrays and inline tables open around `at`.
    depth: usize,
}

impl<'i> Reader<'i> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_spaces(&mut self) {
        while let Some(b' ' | b'\t') = self.peek() {
            self.at += 1;
        }
    }

    /// Spaces and line endings, as allowed between the values of an array.
    fn skip_blank(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n') => self.at += 1,
                Some(b'\r') => self.newline()?,
                _ => return Some(()),
            }
        }
    }

    /// A `\r\n` line ending (a lone `\r` is not one).
    fn newline(&mut self) -> Option<()> {
        self.text.as_bytes()[self.at..]
            .starts_with(b"\r\n")
            .then(|| self.at += 2)
    }

    fn key_value(&mut self) -> Option<(Spanned<Cow<'i, str>>, Spanned<DeValue<'i>>)> {
        let start = self.at;
        while let Some(b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-') = self.peek() {
            self.at += 1;
        }
        if self.at == start {
            return None;
        }
        let key = Spanned::new(start..self.at, Cow::Borrowed(&self.text[start..self.at]));
        self.skip_spaces();
        if self.peek() != Some(b'=') {
            return None;
        }
        self.at += 1;
        self.skip_spaces();
        Some((key, self.value()?))
    }

    fn value(&mut self) -> Option<Spanned<DeValue<'i>>> {
        let start = self.at;
        let value = match self.peek()? {
            quote @ (b'"' | b'\'') => DeValue::String(Cow::Borrowed(self.string(quote)?)),
            b't' | b'f' => DeValue::Boolean(self.boolean()?),
            b'[' | b'{' if self.depth == MAX_DEPTH => return None,
            b'[' => {
                self.depth += 1;
                let array = self.array()?;
                self.depth -= 1;
                DeValue::Array(array)
            }
            b'{' => {
                self.depth += 1;
                let table = self.inline_table()?;
                self.depth -= 1;
                DeValue::Table(table)
            }
            _ => return None,
        };
        Some(Spanned::new(start..self.at, value))
    }

    /// A one-line string between `quote`s with no escape (none is possible in a literal string) and no control
    /// character but tab; its text without the quotes.
    fn string(&mut self, quote: u8) -> Option<&'i str> {
        let bytes = self.text.as_bytes();
        let start = self.at + 1;
        // `"""` and `'''` open multi-line strings.
        if bytes.get(start) == Some(&quote) && bytes.get(start + 1) == Some(&quote) {
            return None;
        }
        let mut end = start;
        loop {
            match *bytes.get(end)? {
                b if b == quote => break,
                b'\\' if quote == b'"' => return None,
                b'\t' => {}
                b if b < 0x20 || b == 0x7f => return None,
                _ => {}
            }
            end += 1;
        }
        self.at = end + 1;
        Some(&self.text[start..end])
    }

    fn boolean(&mut self) -> Option<bool> {
        let rest = &self.text[self.at..];
        let (value, len) = if rest.starts_with("true") {
            (true, 4)
        } else if rest.starts_with("false") {
            (false, 5)
        } else {
            return None;
        };
        self.at += len;
        // `truest` is not `true` followed by something.
        match self.peek() {
            None | Some(b' ' | b'\t' | b'\r' | b'\n' | b',' | b']' | b'}') => Some(value),
            Some(_) => None,
        }
    }

    /// `[ value, value, … ]` over any number of lines, a comma after the last value allowed.
    fn array(&mut self) -> Option<DeArray<'i>> {
        self.at += 1;
        let mut array = DeArray::new();
        loop {
            self.skip_blank()?;
            if self.peek()? == b']' {
                break;
            }
            array.push(self.value()?);
            self.skip_blank()?;
            match self.peek()? {
                b',' => self.at += 1,
                b']' => break,
                _ => return None,
            }
        }
        self.at += 1;
        Some(array)
    }

    /// `{ key = value, … }` on one line, no comma after the last value.
    fn inline_table(&mut self) -> Option<DeTable<'i>> {
        self.at += 1;
        let mut table = DeTable::new();
        self.skip_spaces();
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(table);
        }
        loop {
            self.skip_spaces();
            let (key, value) = self.key_value()?;
            if table.insert(key, value).is_some() {
                return None;
            }
            self.skip_spaces();
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => break,
                _ => return None,
            }
        }
        self.at += 1;
        Some(table)
    }
}

#[cfg(test)]
mod tests {
    use std::ops::Range;

    use super::*;

    /// The two tables as (path, span, value) rows, keys and values alike, in key order.
    fn rows(table: &DeTable, path: &str, out: &mut Vec<(String, Range<usize>, String)>) {
        for (key, value) in table.iter() {
            let path = format!("{path}.{}", key.get_ref());
            out.push((path.clone(), key.span(), String::new()));
            value_rows(value, &path, out);
        }
    }

    fn value_rows(
        value: &Spanned<DeValue>,
        path: &str,
        out: &mut Vec<(String, Range<usize>, String)>,
    ) {
        match value.get_ref() {
            DeValue::Array(array) => {
                out.push((path.to_string(), value.span(), "array".to_string()));
                for (i, item) in array.iter().enumerate() {
                    value_rows(item, &format!("{path}[{i}]"), out);
                }
            }
            DeValue::Table(table) => {
                out.push((path.to_string(), value.span(), "table".to_string()));
                rows(table, path, out);
            }
            other => out.push((path.to_string(), value.span(), format!("{other:?}"))),
        }
    }

    fn flat(table: &Spanned<DeTable>) -> Vec<(String, Range<usize>, String)> {
        let mut out = vec![(String::new(), table.span(), String::new())];
        rows(table.get_ref(), "", &mut out);
        out
    }

    /// Whether the quick reader took `text`; when it did, its table must be the full parser's, spans included.
    fn agrees(text: &str) -> bool {
        let Some(quick) = parse(text) else {
            return false;
        };
        let full = DeTable::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(flat(&quick), flat(&full), "{text:?}");
        true
    }

    #[test]
    fn plain_blocks_read_as_the_full_parser_reads_them() {
        for text in [
            "",
            "\n\n",
            "id = \"q-1\"\nkind = \"choice\"\nprompt = \"Which word is in bite 5?\"\nchoices = [\n  { text = \"byte\", feedback = \"Close.\" },\n  { text = \"bite\", correct = true },\n]\nexplain = \"Every bite says bite.\"\n",
            "kind = 'text'\r\nprompt = 'Match \\d+'\r\nanswers = ['\\d+', \"[0-9]+\"]\r\ncase_sensitive = false\r\n",
            "front = \"naïve — café\"\nback=\"\"\n\tid\t=\t'x'   \n",
            "items = [\"a\",\"b\",\"c\",]",
            "items = [ ]\nanswer = true",
            "choices = [{}, { text = \"a\" }]\n",
            "a-b_C9 = [[\"nested\"], [true, false]]\n",
            "tab = \"a\tb\"\n",
            "c1 = \"next\u{85}line\"\n",
        ] {
            assert!(agrees(text), "the quick reader should take {text:?}");
        }
    }

    #[test]
    fn anything_else_is_left_to_the_full_parser() {
        for text in [
            // Valid TOML outside the plain form.
            "prompt = \"say \\\"hi\\\"\"\n",
            "minutes = 5\n",
            "minutes = 2.5\n",
            "# a comment\nid = \"x\"\n",
            "id = \"x\" # a comment\n",
            "a.b = \"x\"\n",
            "\"quoted key\" = \"x\"\n",
            "explain = \"\"\"\nlong\n\"\"\"\n",
            "explain = '''\nlong\n'''\n",
            "[table]\nid = \"x\"\n",
            "[[choices]]\ntext = \"a\"\n",
            "choices = [\n  { text = \"a\",\n    correct = true },\n]\n",
            "choices = [{ text = \"a\", }]\n",
            "when = 1979-05-27\n",
            // Invalid TOML, whose error only the full parser can word.
            "id = \"x\"\nid = \"y\"\n",
            "choices = [{ text = \"a\", text = \"b\" }]\n",
            "id = \"unterminated\n",
            "id = truest\n",
            "id = \"x\" \"y\"\n",
            "id \"x\"\n",
            "id = \"x\"\rkind = \"y\"\n",
            "id = \"bell\u{7}\"\n",
            "items = [\"a\" \"b\"]\n",
            "items = [\"a\"\n",
            // Deeper than the quick reader goes: the full parser guards its own recursion.
            &format!(
                "items = {}\"a\"{}\n",
                "[".repeat(100_000),
                "]".repeat(100_000)
            ),
        ] {
            assert!(
                parse(text).is_none(),
                "{text:?} should go to the full parser"
            );
        }
    }

    /// Blocks of `key = value` lines as packs write them (strings of either quote with awkward characters,
    /// booleans, arrays, inline tables, odd spacing and line ends), each sometimes broken by a stray piece of TOML
    /// syntax: whatever the quick reader takes, the full parser must read alike.
    fn toml_like() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let text = || {
            prop_oneof![
                4 => "[a-z é—#=,.\\[\\]{}]{0,8}",
                1 => "[a-zé—\\u{85}\\u{7}\\t '\"\\\\#=\\[\\]{},.]{0,8}",
            ]
        };
        let leaf = prop_oneof![
            3 => text().prop_map(|t| format!("\"{t}\"")),
            3 => text().prop_map(|t| format!("'{t}'")),
            1 => Just("true".to_string()),
            1 => Just("false".to_string()),
            1 => Just("5".to_string()),
        ];
        let value = leaf.prop_recursive(3, 12, 4, |inner| {
            prop_oneof![
                (
                    proptest::collection::vec(inner.clone(), 0..4),
                    any::<bool>()
                )
                    .prop_map(|(items, trailing)| format!(
                        "[{}{}]",
                        items.join(", "),
                        if trailing && !items.is_empty() {
                            ","
                        } else {
                            ""
                        }
                    )),
                proptest::collection::vec(("[a-z]{1,4}", inner), 0..3).prop_map(|pairs| format!(
                    "{{ {} }}",
                    pairs
                        .iter()
                        .map(|(k, v)| format!("{k} = {v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            ]
        });
        let line = (
            "[a-z][a-z0-9_-]{0,6}",
            "[ \\t]{0,2}",
            value,
            "[ \\t]{0,2}",
            prop_oneof![Just("\n"), Just("\r\n"), Just("")],
        )
            .prop_map(|(key, space, value, after, end)| {
                format!("{key}{space}={space}{value}{after}{end}")
            });
        let stray = prop_oneof![
            12 => Just(""),
            1 => Just("#"),
            1 => Just("\""),
            1 => Just("'"),
            1 => Just("="),
            1 => Just("\r"),
            1 => Just("\n"),
            1 => Just("["),
            1 => Just("}"),
            1 => Just(","),
            1 => Just("."),
            1 => Just("\\"),
        ];
        (
            proptest::collection::vec(line, 0..6),
            stray,
            any::<proptest::sample::Index>(),
        )
            .prop_map(|(lines, stray, at)| {
                let mut text = lines.join("\n");
                let mut at = at.index(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                text.insert_str(at, stray);
                text
            })
    }

    #[test]
    fn whatever_the_quick_reader_takes_the_full_parser_reads_alike() {
        use proptest::test_runner::{Config, TestRunner};
        let mut runner = TestRunner::new(Config {
            cases: 1000,
            failure_persistence: None,
            ..Config::default()
        });
        let taken = std::cell::Cell::new(0);
        runner
            .run(&toml_like(), |text| {
                // `agrees` asserts the two tables are the same, spans included, whenever the quick reader reads it.
                taken.set(taken.get() + usize::from(agrees(&text)));
                Ok(())
            })
            .unwrap();
        // Not a vacuous test: some of the samples are plain TOML the quick reader takes.
        assert!(taken.get() > 0);
    }

    /// The TOML of every block and front matter in the bundled courses and the test fixtures.
    fn tomls_of(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                tomls_of(&path, out);
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let mut toml: Option<String> = None;
            for line in text.split_inclusive('\n') {
                let bare = line.trim();
                match &mut toml {
                    Some(t) if bare == "```" || bare == "+++" => {
                        out.push(std::mem::take(t));
                        toml = None;
                    }
                    Some(t) => t.push_str(line),
                    None if ["```quiz", "```card", "+++"].contains(&bare) => {
                        toml = Some(String::new());
                    }
                    None => {}
                }
            }
        }
    }

    #[test]
    fn the_blocks_of_the_bundled_courses_and_fixtures_read_alike() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut tomls = Vec::new();
        tomls_of(&root.join("courses"), &mut tomls);
        tomls_of(&root.join("tests/fixtures"), &mut tomls);
        let taken = tomls.iter().filter(|t| agrees(t)).count();
        eprintln!("{taken} of {} read by the quick reader", tomls.len());
        // Most are plain; the rest (escapes, comments, numbers, errors) go to the full parser.
        assert!(taken * 2 > tomls.len(), "{taken} of {}", tomls.len());
    }
}
