//! `morsel import anki`: Anki's "Notes in Plain Text" export. Its `#key:value` header lines (`#separator`, `#html`,
//! `#columns`, `#tags column`, `#deck column`, `#deck`, `#notetype column`, `#guid column`) say how to read the rows
//! that follow, which are CSV with that separator (quoted fields may hold separators, quotes and line breaks). Each
//! note becomes a card: front the first field, back the second (further fields are added to the back); HTML becomes
//! Markdown through `htmd`; each deck becomes a lesson, in order of first appearance.

use std::path::Path;

use anyhow::Context;

use super::{Bite, Card, Ids, Import, Item, Lesson, Skipped};
use crate::pack::source::read_regular;

/// Reads and parses the Anki export at `path`.
pub(crate) fn import(path: &Path) -> anyhow::Result<Import> {
    let bytes = read_regular(path).with_context(|| format!("cannot read {}", path.display()))?;
    let text = String::from_utf8(bytes)
        .with_context(|| format!("{} is not UTF-8; Anki exports UTF-8", path.display()))?;
    parse(&text, path)
}

/// How the rows are read, from the header lines.
#[derive(Debug, Default)]
struct Header {
    separator: u8,
    /// `None` when no `#html` line says: guessed from the rows.
    html: Option<bool>,
    /// 1-based columns that are not fields.
    tags: Option<usize>,
    deck: Option<usize>,
    notetype: Option<usize>,
    guid: Option<usize>,
    /// `#deck:NAME`, the deck of every note without a deck column.
    deck_name: Option<String>,
    /// `#notetype:NAME`, the note type of every note without a note type column.
    notetype_name: Option<String>,
    /// The header's length in bytes and in lines: the rows start after it.
    bytes: usize,
    lines: usize,
}

/// Reads the `#key:value` lines at the top of the export.
fn header(text: &str, file: &Path) -> anyhow::Result<Header> {
    let mut header = Header {
        separator: b'\t',
        ..Header::default()
    };
    for line in text.split_inclusive('\n') {
        let Some(rest) = line.strip_prefix('#') else {
            break;
        };
        header.lines += 1;
        let line_number = header.lines;
        header.bytes += line.len();
        let rest = rest.trim_end_matches(['\n', '\r']);
        let Some((key, value)) = rest.split_once(':') else {
            continue;
        };
        let column =
            || {
                value.trim().parse::<usize>().ok().filter(|&n| n > 0).with_context(|| {
                format!(
                    "{}:{line_number}: `#{key}` needs a column number from 1, not `{value}`",
                    file.display()
                )
            })
            };
        let name = || Some(value.trim().to_string()).filter(|d| !d.is_empty());
        match key.trim().to_ascii_lowercase().as_str() {
            "separator" => header.separator = separator(value).with_context(|| {
                format!(
                    "{}:{line_number}: unknown separator `{value}`; Anki writes tab, comma, semicolon, space, pipe or colon",
                    file.display()
                )
            })?,
            "html" => header.html = Some(value.trim().eq_ignore_ascii_case("true")),
            "tags column" => header.tags = Some(column()?),
            "deck column" => header.deck = Some(column()?),
            "notetype column" => header.notetype = Some(column()?),
            "guid column" => header.guid = Some(column()?),
            "deck" => header.deck_name = name(),
            "notetype" => header.notetype_name = name(),
            // `#columns` names the columns; `#tags` adds tags to every note. Neither changes what a card shows.
            _ => {}
        }
    }
    Ok(header)
}

/// Parses an Anki export; `file` names it in messages and is the default lesson's title.
pub(crate) fn parse(text: &str, file: &Path) -> anyhow::Result<Import> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header = header(text, file)?;
    let mut import = Import::default();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(header.separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(&text.as_bytes()[header.bytes..]);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.with_context(|| format!("cannot read {}", file.display()))?;
        let line = record.position().map_or(0, |p| p.line() as usize) + header.lines;
        rows.push((line, record));
    }
    let html = header.html.unwrap_or_else(|| {
        rows.iter()
            .any(|(_, r)| r.iter().any(|f| f.contains("<br") || f.contains("</")))
    });
    let default_title = header.deck_name.clone().unwrap_or_else(|| {
        file.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "Cards".to_string())
    });
    let special = [header.tags, header.deck, header.notetype, header.guid];
    let mut ids = (Ids::default(), Ids::default());
    for (line, record) in rows {
        let column = |c: Option<usize>| {
            c.and_then(|c| record.get(c - 1))
                .map(str::trim)
                .filter(|d| !d.is_empty())
        };
        let deck = column(header.deck).unwrap_or(&default_title).to_string();
        let notetype = column(header.notetype)
            .or(header.notetype_name.as_deref())
            .unwrap_or("");
        let mut flattened = false;
        let fields: Vec<String> = record
            .iter()
            .enumerate()
            .filter(|(i, _)| !special.contains(&Some(i + 1)))
            .map(|(_, f)| {
                let (markdown, flat) = to_markdown(f, html);
                flattened |= flat;
                markdown
            })
            .collect();
        if flattened {
            import.skipped.push(super::too_deep(
                file,
                line,
                &format!(
                    "note `{}`",
                    excerpt(fields.first().map_or("", String::as_str))
                ),
            ));
        }
        let note = Note {
            file,
            line,
            deck: &deck,
            notetype,
            fields,
        };
        note.add_to(&mut import, &mut ids);
    }
    import.split_long_lessons(&mut ids.0, file);
    Ok(import)
}

/// One row of the export: a note, with its deck and note type.
struct Note<'a> {
    file: &'a Path,
    line: usize,
    deck: &'a str,
    notetype: &'a str,
    fields: Vec<String>,
}

impl Note<'_> {
    /// Adds the note's card to the lesson of its deck (and, for a note type "… reversed card", its reverse card
    /// after it), or what was skipped and why. `ids` gives lesson ids and card ids.
    fn add_to(self, import: &mut Import, ids: &mut (Ids, Ids)) {
        let Note {
            file,
            line,
            deck,
            notetype,
            mut fields,
        } = self;
        let what = format!(
            "note `{}`",
            excerpt(fields.first().map_or("", String::as_str))
        );
        let mut skip = |why: &str| {
            import.skipped.push(Skipped {
                file: file.to_path_buf(),
                line,
                what: what.clone(),
                why: why.to_string(),
            })
        };
        if fields.iter().all(|f| f.is_empty()) {
            return;
        }
        let front = fields.first().cloned().unwrap_or_default();
        if front.contains("{{c") && front.contains("::") {
            skip("cloze deletions are not supported");
            return;
        }
        if front.is_empty() {
            skip("its first field (the front) is empty");
            return;
        }
        // "Basic (and reversed card)" makes a card each way; "Basic (optional reversed card)" makes the reverse
        // when its third field ("Add Reverse") is not empty, and that field is no part of the back.
        let notetype = notetype.to_ascii_lowercase();
        let reversed = notetype.contains("reversed")
            && if notetype.contains("optional") {
                fields.len() > 2 && !std::mem::take(&mut fields[2]).is_empty()
            } else {
                true
            };
        let back: Vec<&str> = fields[1..]
            .iter()
            .map(String::as_str)
            .filter(|f| !f.is_empty())
            .collect();
        if back.is_empty() {
            skip("it has no back: its other fields are empty");
            return;
        }
        let mut cards = vec![Card {
            id: ids.1.unique(&front, "card"),
            front: front.clone(),
            back: back.join("\n\n"),
        }];
        if reversed {
            let reverse_front = back[0].to_string();
            cards.push(Card {
                id: ids.1.unique(&reverse_front, "card"),
                front: reverse_front,
                back: front,
            });
            import.reversed += 1;
        }
        // `Spanish::Verbs` is a deck inside a deck: its lesson reads `Spanish › Verbs`, its id `verbs`.
        let title = deck
            .split("::")
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" › ");
        let lesson = match import.lessons.iter_mut().position(|l| l.title == title) {
            Some(at) => &mut import.lessons[at],
            None => {
                import.lessons.push(Lesson {
                    id: ids
                        .0
                        .unique(deck.rsplit("::").next().unwrap_or(deck), "cards"),
                    title,
                    bites: Vec::new(),
                });
                import.lessons.last_mut().expect("just pushed")
            }
        };
        for card in cards {
            lesson.bites.push(Bite {
                markdown: String::new(),
                items: vec![Item::Card(card)],
            });
        }
    }
}

/// `tab`, `comma`, … or the character itself.
fn separator(value: &str) -> Option<u8> {
    let byte = match value.trim().to_ascii_lowercase().as_str() {
        "tab" => b'\t',
        "comma" => b',',
        "semicolon" => b';',
        "space" => b' ',
        "pipe" => b'|',
        "colon" => b':',
        _ if value.len() == 1 && value.is_ascii() => value.as_bytes()[0],
        _ => return None,
    };
    Some(byte)
}

/// The field as Markdown, and whether its HTML nested too deep (and was flattened).
fn to_markdown(field: &str, html: bool) -> (String, bool) {
    if html {
        super::html::to_markdown(field)
    } else {
        (field.trim().to_string(), false)
    }
}

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

    fn cards(import: &Import) -> Vec<(String, String, String)> {
        import
            .lessons
            .iter()
            .flat_map(|l| l.bites.iter().map(move |b| (l, b)))
            .flat_map(|(l, b)| {
                b.items.iter().map(move |i| match i {
                    Item::Card(c) => (l.title.clone(), c.front.clone(), c.back.clone()),
                    Item::Quiz(_) => panic!("a quiz"),
                })
            })
            .collect()
    }

    #[test]
    fn quoted_fields_keep_separators_quotes_and_line_breaks() {
        let text =
            "#separator:comma\n#html:false\n\"a, b\",\"line 1\nline \"\"2\"\"\"\nplain,back\n";
        let import = parse(text, Path::new("deck.txt")).unwrap();
        assert_eq!(
            cards(&import),
            [
                ("deck".into(), "a, b".into(), "line 1\nline \"2\"".into()),
                ("deck".into(), "plain".into(), "back".into()),
            ]
        );
    }

    #[test]
    fn decks_become_lessons_and_special_columns_are_not_fields() {
        let text = "#separator:tab\n#html:true\n#notetype column:1\n#deck column:2\n#tags column:5\n\
                    Basic\tSpanish::Verbs\t<b>hablar</b>\tto speak\tverbs\n\
                    Basic\tFrench\tparler\tto speak<br>(regular)\t\n\
                    Basic\tSpanish::Verbs\tcomer\tto eat\tverbs\n";
        let import = parse(text, Path::new("x.txt")).unwrap();
        let ids: Vec<_> = import.lessons.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, ["verbs", "french"]);
        let all = cards(&import);
        assert_eq!(all[0].1, "**hablar**");
        assert_eq!(all[1].0, "Spanish › Verbs");
        assert!(all[2].2.starts_with("to speak"), "{:?}", all[2]);
        assert!(all[2].2.contains("(regular)"), "{:?}", all[2]);
    }

    #[test]
    fn a_note_without_a_back_is_reported_at_its_line() {
        let text = "#separator:pipe\n#html:false\nfront|back\nlonely|\n";
        let import = parse(text, Path::new("d.txt")).unwrap();
        assert_eq!(import.skipped.len(), 1);
        assert_eq!(import.skipped[0].line, 4);
        assert!(
            import.skipped[0]
                .to_string()
                .starts_with("d.txt:4: skipped note `lonely`")
        );
    }

    #[test]
    fn an_unknown_separator_is_an_error_at_its_line() {
        let err = parse(
            "#html:false\n#separator:Ampersands\na&b\n",
            Path::new("d.txt"),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "d.txt:2: unknown separator `Ampersands`; Anki writes tab, comma, semicolon, space, pipe or colon"
        );
        let import = parse(
            "#separator:Semicolon\n#html:false\nq;a\n",
            Path::new("d.txt"),
        )
        .unwrap();
        assert_eq!(cards(&import), [("d".into(), "q".into(), "a".into())]);
    }
}
