//! Typed reading of TOML tables that keeps positions: every key is checked against what it must be, every problem is
//! reported with the place in the pack's file where it stands, and unknown keys get a "did you mean" suggestion.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diagnostic::{Problem, Sink};

mod quick;

/// Maps byte offsets in a TOML text to byte offsets in the file it was taken from (for a TOML block inside Markdown,
/// the pieces of the block's body may stand apart in the file, e.g. behind a list's indentation).
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    /// `(offset in the TOML text, offset in the file)` at the start of each contiguous piece, in order.
    pieces: Vec<(usize, usize)>,
}

impl Origin {
    /// The TOML text starts at `file_offset` and is contiguous in the file.
    pub(crate) fn at(file_offset: usize) -> Self {
        Self {
            pieces: vec![(0, file_offset)],
        }
    }

    pub(crate) fn from_pieces(pieces: Vec<(usize, usize)>) -> Self {
        if pieces.is_empty() {
            return Self::at(0);
        }
        Self { pieces }
    }

    pub(crate) fn offset(&self, toml_offset: usize) -> usize {
        let index = self
            .pieces
            .partition_point(|&(start, _)| start <= toml_offset)
            .saturating_sub(1);
        let (start, file) = self.pieces[index];
        file + toml_offset.saturating_sub(start)
    }

    pub(crate) fn span(&self, span: Range<usize>) -> Range<usize> {
        let start = self.offset(span.start);
        start..self.offset(span.end).max(start)
    }
}

/// Parses a TOML document, reporting its first syntax error only and returning `None` when there is one: what a
/// parser recovering from a mistake finds next is mostly noise (one long bad line gave one error per character),
/// and no half-read table should cause a cascade of confusing follow-up errors.
///
/// The plain TOML of nearly every block is read by [`quick::parse`], which gives the same table for a fraction of the
/// cost; the rest, errors included, by `toml`'s parser.
pub(crate) fn parse<'i>(
    text: &'i str,
    origin: &Origin,
    sink: &mut Sink,
) -> Option<Spanned<DeTable<'i>>> {
    if let Some(table) = quick::parse(text) {
        return Some(table);
    }
    match DeTable::parse(text) {
        Ok(table) => Some(table),
        Err(error) => {
            let span = error.span().unwrap_or(0..0);
            sink.error(
                origin.span(span),
                Problem::Toml(error.message().trim().to_string()),
            );
            None
        }
    }
}

/// One TOML table being read: values are taken by key, and `finish` reports the keys nobody took.
pub(crate) struct Fields<'t, 'i> {
    table: &'t DeTable<'i>,
    origin: &'t Origin,
    /// Where a missing key is reported: the table's header, or the fence of the block holding it.
    anchor: Range<usize>,
    what: &'static str,
    taken: Vec<&'static str>,
}

impl<'t, 'i> Fields<'t, 'i> {
    pub(crate) fn new(
        table: &'t DeTable<'i>,
        origin: &'t Origin,
        anchor: Range<usize>,
        what: &'static str,
    ) -> Self {
        Self {
            table,
            origin,
            anchor,
            what,
            // Room for every key of a quiz block: taken keys never grow it.
            taken: Vec::with_capacity(12),
        }
    }

    pub(crate) fn origin(&self) -> &'t Origin {
        self.origin
    }

    /// Whether the table holds `key`, without taking it.
    pub(crate) fn has(&self, key: &str) -> bool {
        self.table.get(key).is_some()
    }

    /// The raw value of `key`, marking the key as known.
    pub(crate) fn value(&mut self, key: &'static str) -> Option<&'t Spanned<DeValue<'i>>> {
        self.taken.push(key);
        self.table.get(key)
    }

    /// The file span of a value.
    pub(crate) fn span_of(&self, value: &Spanned<DeValue>) -> Range<usize> {
        self.origin.span(value.span())
    }

    fn wrong_type(
        &self,
        sink: &mut Sink,
        key: &str,
        value: &Spanned<DeValue>,
        expected: &'static str,
    ) {
        sink.error(
            self.span_of(value),
            Problem::WrongType {
                key: key.to_string(),
                expected,
                found: value.get_ref().type_str(),
            },
        );
    }

    fn missing(&self, sink: &mut Sink, key: &'static str) {
        sink.error(
            self.anchor.clone(),
            Problem::MissingKey {
                key,
                table: self.what,
            },
        );
    }

    pub(crate) fn string(&mut self, sink: &mut Sink, key: &'static str) -> Option<Spanned<String>> {
        let value = self.value(key)?;
        match value.get_ref() {
            DeValue::String(s) => Some(Spanned::new(self.span_of(value), s.to_string())),
            _ => {
                self.wrong_type(sink, key, value, "a string");
                None
            }
        }
    }

    pub(crate) fn required_string(
        &mut self,
        sink: &mut Sink,
        key: &'static str,
    ) -> Option<Spanned<String>> {
        if self.table.get(key).is_none() {
            self.taken.push(key);
            self.missing(sink, key);
            return None;
        }
        self.string(sink, key)
    }

    pub(crate) fn boolean(&mut self, sink: &mut Sink, key: &'static str) -> Option<Spanned<bool>> {
        let value = self.value(key)?;
        match value.get_ref() {
            DeValue::Boolean(b) => Some(Spanned::new(self.span_of(value), *b)),
            _ => {
                self.wrong_type(sink, key, value, "true or false");
                None
            }
        }
    }

    pub(crate) fn required_boolean(
        &mut self,
        sink: &mut Sink,
        key: &'static str,
    ) -> Option<Spanned<bool>> {
        if self.table.get(key).is_none() {
            self.taken.push(key);
            self.missing(sink, key);
            return None;
        }
        self.boolean(sink, key)
    }

    pub(crate) fn integer(&mut self, sink: &mut Sink, key: &'static str) -> Option<Spanned<i64>> {
        let value = self.value(key)?;
        let parsed = value
            .get_ref()
            .as_integer()
            .and_then(|i| i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok());
        match parsed {
            Some(i) => Some(Spanned::new(self.span_of(value), i)),
            None => {
                self.wrong_type(sink, key, value, "a whole number");
                None
            }
        }
    }

    /// A number, written as an integer or a float.
    pub(crate) fn number(&mut self, sink: &mut Sink, key: &'static str) -> Option<Spanned<f64>> {
        let value = self.value(key)?;
        let parsed = match value.get_ref() {
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
                .ok()
                .map(|i| i as f64),
            _ => None,
        };
        match parsed {
            Some(n) => Some(Spanned::new(self.span_of(value), n)),
            None => {
                self.wrong_type(sink, key, value, "a number");
                None
            }
        }
    }

    pub(crate) fn strings(
        &mut self,
        sink: &mut Sink,
        key: &'static str,
    ) -> Option<Spanned<Vec<Spanned<String>>>> {
        let value = self.value(key)?;
        let Some(array) = value.get_ref().as_array() else {
            self.wrong_type(sink, key, value, "an array of strings");
            return None;
        };
        let mut out = Vec::with_capacity(array.len());
        for item in array.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push(Spanned::new(self.span_of(item), s.to_string())),
                _ => {
                    self.wrong_type(sink, key, item, "an array of strings");
                    return None;
                }
            }
        }
        Some(Spanned::new(self.span_of(value), out))
    }

    /// An array of tables, each with its file span.
    pub(crate) fn tables(
        &mut self,
        sink: &mut Sink,
        key: &'static str,
    ) -> Option<Vec<(&'t DeTable<'i>, Range<usize>)>> {
        let value = self.value(key)?;
        let Some(array) = value.get_ref().as_array() else {
            self.wrong_type(sink, key, value, "an array of tables");
            return None;
        };
        let mut out = Vec::with_capacity(array.len());
        for item in array.iter() {
            match item.get_ref().as_table() {
                Some(table) => out.push((table, self.span_of(item))),
                None => {
                    self.wrong_type(sink, key, item, "an array of tables");
                    return None;
                }
            }
        }
        Some(out)
    }

    /// Keys that nobody took, with their file spans, in source order.
    pub(crate) fn leftovers(&self) -> Vec<(String, Range<usize>)> {
        let mut keys: Vec<_> = self
            .table
            .iter()
            .filter(|(key, _)| !self.taken.contains(&key.get_ref().as_ref()))
            .map(|(key, _)| (key.get_ref().to_string(), self.origin.span(key.span())))
            .collect();
        keys.sort_by_key(|(_, span)| span.start);
        keys
    }

    /// Reports every key that nobody took as unknown, suggesting the closest of `known`.
    pub(crate) fn finish(self, sink: &mut Sink, known: &[&'static str]) {
        for (key, span) in self.leftovers() {
            sink.error(
                span,
                Problem::UnknownKey {
                    suggestion: closest(&key, known),
                    key,
                    table: self.what,
                },
            );
        }
    }
}

/// The known key closest to a misspelt one, if any is close enough to be what was meant.
pub fn closest(key: &str, known: &[&'static str]) -> Option<&'static str> {
    known
        .iter()
        .map(|candidate| (strsim::damerau_levenshtein(key, candidate), *candidate))
        .filter(|&(distance, candidate)| distance <= 2.max(candidate.len() / 3))
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_suggests_near_misses_only() {
        let known = ["pass_mark", "title", "lessons"];
        assert_eq!(closest("pass_mak", &known), Some("pass_mark"));
        assert_eq!(closest("passmark", &known), Some("pass_mark"));
        assert_eq!(closest("titel", &known), Some("title"));
        assert_eq!(closest("colour", &known), None);
    }

    #[test]
    fn origin_maps_pieces() {
        let origin = Origin::from_pieces(vec![(0, 100), (6, 110)]);
        assert_eq!(origin.offset(2), 102);
        assert_eq!(origin.offset(6), 110);
        assert_eq!(origin.offset(8), 112);
    }
}
