//! A note and a rating on the bite on screen, over the player. `n` opens the bite's note in a multi-line field
//! (Enter a new line, Backspace and Delete erase at the cursor, Left, Right, Home and End move it, Ctrl-S or Esc
//! closes). Every keystroke that changes it goes to the note's draft (`store::NoteDraft`, a few bytes beside the
//! database) before it shows, so a kill loses at most the key being pressed; the note is saved in full when it
//! closes (and when its draft has grown large), and the draft is synced to disk on every tick. A note holds at most
//! 64 KiB (`NOTE_MAX_BYTES`): keys beyond that are refused, and the screen says why. A note whose text starts with
//! `?` is a question for the author. `f` rates the bite: `c` clear or `u` unclear (one key, saved at once), then an
//! optional one-line comment (Enter saves it, Esc leaves it out).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::Player;
use crate::store::{NOTE_MAX_BYTES, NoteDraft, NoteKey, Splice};
use crate::tui::command::{Binding, Command, Move};
use crate::tui::context::Context;
use crate::tui::keymap::Action;
use crate::tui::screens::{Next, bold, dim, notice_line};

/// A remark being made on the bite on screen.
#[derive(Debug)]
pub(crate) enum Remark {
    /// The bite's note as typed so far (every change in its draft), and where the cursor is in it (a byte offset
    /// at a character boundary).
    Note {
        text: String,
        cursor: usize,
        draft: NoteDraft,
    },
    /// `f` was pressed: `c` or `u` rates.
    Rating,
    /// Rated: a one-line comment being typed for the rating made at `rated_at`.
    Comment {
        clear: bool,
        rated_at: i64,
        text: String,
    },
}

/// What the screen says when a key would make a note longer than it may be.
pub(crate) const NOTE_FULL: &str = "This note is full (64 KiB at most).";

/// The longest comment, in characters: one line.
const COMMENT_MAX: usize = 300;

/// The note or rating opened by `action` on the bite on screen; `None` for other actions. A note shows as saved,
/// with a draft a killed player left folded in (`Store::fold_drafts`, or read over it if that could not be saved);
/// such a text is saved in full first, so that this note's draft starts from what the database holds.
pub(crate) fn open(p: &mut Player, action: Action, ctx: &mut Context) -> Option<Remark> {
    match action {
        Action::Note => {
            let key = note_key(p);
            let text = p
                .session
                .progress()
                .notes
                .get(&(key.lesson_id.clone(), key.bite))
                .map(|(text, _)| text.clone())
                .unwrap_or_default();
            if ctx.store.saved_note(&key).is_ok_and(|saved| saved != text) {
                let result = p.session.note(&text, &mut ctx.store);
                ctx.saved(result)?;
            }
            let cursor = text.len();
            let draft = ctx.store.note_draft(key);
            Some(Remark::Note {
                text,
                cursor,
                draft,
            })
        }
        Action::Feedback => Some(Remark::Rating),
        _ => None,
    }
}

fn note_key(p: &Player) -> NoteKey {
    NoteKey {
        course_id: p.session.pack().course.id.clone(),
        lesson_id: p.session.lesson().id.clone(),
        bite: p.session.bite().number,
    }
}

/// The keys of an open note or rating.
pub(crate) fn commands(remark: &Remark) -> Vec<Binding> {
    match remark {
        Remark::Note { .. } => vec![
            Binding::fixed(Command::Type('a'), "type", "the note")
                .described("type the note; start it with ? to ask the author")
                .help_only(),
            Binding::fixed(Command::Submit, "Enter", "new line"),
            Binding::fixed(Command::Erase, "Backspace", "erase").help_only(),
            Binding::fixed(Command::Delete, "Delete", "delete at the cursor").help_only(),
            Binding::fixed(
                Command::Cursor(Move::Left),
                "← → Home End",
                "move the cursor",
            )
            .described("move the cursor: a character, or to the line's start or end")
            .help_only(),
            Binding::fixed(Command::Leave, "Esc", "close")
                .described("close the note (Ctrl-S too); it is saved"),
        ],
        Remark::Rating => vec![
            Binding::fixed(Command::Type('c'), "c/u", "clear or unclear")
                .described("rate the bite: c clear, u unclear"),
            Binding::fixed(Command::Leave, "Esc", "cancel"),
        ],
        Remark::Comment { .. } => vec![
            Binding::fixed(Command::Type('a'), "type", "a comment").help_only(),
            Binding::fixed(Command::Erase, "Backspace", "erase").help_only(),
            Binding::fixed(Command::Submit, "Enter", "save comment"),
            Binding::fixed(Command::Leave, "Esc", "no comment"),
        ],
    }
}

/// A key while a note or a rating is open. Each change is saved before it shows; one that cannot be saved did not
/// happen (the app says why).
pub(crate) fn update(p: &mut Player, command: Command, ctx: &mut Context) -> Next {
    let Some(remark) = p.remark.take() else {
        return Next::Stay;
    };
    p.remark = match remark {
        Remark::Note {
            text,
            cursor,
            draft,
        } => note_key_pressed(p, command, ctx, text, cursor, draft),
        Remark::Rating => match command {
            Command::Type(c @ ('c' | 'u' | '1' | '2')) => {
                let clear = matches!(c, 'c' | '1');
                let result = p.session.rate_bite(clear, "", None, &mut ctx.store);
                ctx.saved(result).map(|rated_at| Remark::Comment {
                    clear,
                    rated_at,
                    text: String::new(),
                })
            }
            Command::Leave => None,
            _ => Some(Remark::Rating),
        },
        Remark::Comment {
            clear,
            rated_at,
            mut text,
        } => match command {
            Command::Type(c) => {
                if text.chars().count() < COMMENT_MAX {
                    text.push(c);
                }
                Some(Remark::Comment {
                    clear,
                    rated_at,
                    text,
                })
            }
            Command::Erase => {
                text.pop();
                Some(Remark::Comment {
                    clear,
                    rated_at,
                    text,
                })
            }
            Command::Submit => {
                let result =
                    p.session
                        .rate_bite(clear, text.trim(), Some(rated_at), &mut ctx.store);
                if ctx.saved(result).is_some() {
                    p.ans.notice = Some(format!("Rated {}, with your comment.", word(clear)));
                    None
                } else {
                    Some(Remark::Comment {
                        clear,
                        rated_at,
                        text,
                    })
                }
            }
            Command::Leave => {
                p.ans.notice = Some(format!("Rated {}.", word(clear)));
                None
            }
            _ => Some(Remark::Comment {
                clear,
                rated_at,
                text,
            }),
        },
    };
    Next::Stay
}

/// A key in an open note: each change recorded in the draft before it shows (or, when the draft cannot be written,
/// the note saved in full); one that cannot be saved, or would make the note longer than `NOTE_MAX_BYTES`, does not
/// happen. `Esc` saves the note in full and closes it.
fn note_key_pressed(
    p: &mut Player,
    command: Command,
    ctx: &mut Context,
    mut text: String,
    cursor: usize,
    mut draft: NoteDraft,
) -> Option<Remark> {
    if command == Command::Leave {
        if draft.edited() && !save_in_full(p, ctx, &text, &mut draft) {
            return Some(Remark::Note {
                text,
                cursor,
                draft,
            });
        }
        p.ans.notice = Some(closed_notice(&text));
        return None;
    }
    let (splice, at) = edit(&text, cursor, command);
    let Some(splice) = splice else {
        return Some(Remark::Note {
            text,
            cursor: at,
            draft,
        });
    };
    let mut cursor = cursor;
    if splice.len_after(&text) > NOTE_MAX_BYTES {
        p.ans.notice = Some(NOTE_FULL.to_string());
    } else if draft.record(&text, &splice, ctx.clock.now_ms()).is_ok() {
        splice.apply(&mut text);
        cursor = at;
        if draft.wants_fold() {
            save_in_full(p, ctx, &text, &mut draft);
        }
    } else {
        // No draft (a full disk, a folder turned read-only): the note is saved in full, or the key does not happen.
        let mut new = text.clone();
        splice.apply(&mut new);
        if save_in_full(p, ctx, &new, &mut draft) {
            text = new;
            cursor = at;
        }
    }
    Some(Remark::Note {
        text,
        cursor,
        draft,
    })
}

/// Saves the note as `text` in full (one synced transaction); its draft is then done with. `false`, with the
/// reason on screen, when it could not be saved: the draft stays, and is folded in at the next start.
fn save_in_full(p: &mut Player, ctx: &mut Context, text: &str, draft: &mut NoteDraft) -> bool {
    let result = p.session.note(text, &mut ctx.store);
    if ctx.saved(result).is_some() {
        draft.saved();
        true
    } else {
        false
    }
}

/// On the tick: the draft of an open note is synced to disk; if that fails, the note is saved in full.
pub(crate) fn tick(p: &mut Player, ctx: &mut Context) {
    match p.remark.take() {
        Some(Remark::Note {
            text,
            cursor,
            mut draft,
        }) => {
            if draft.sync().is_err() {
                save_in_full(p, ctx, &text, &mut draft);
            }
            p.remark = Some(Remark::Note {
                text,
                cursor,
                draft,
            });
        }
        other => p.remark = other,
    }
}

/// The player is closing (quit, the library, the end of a time box): an open note is saved in full first. If it
/// cannot be, its draft stays and is folded in when the course is next opened.
pub(crate) fn close(p: &mut Player, ctx: &mut Context) {
    if let Some(Remark::Note {
        text, mut draft, ..
    }) = p.remark.take()
        && draft.edited()
    {
        save_in_full(p, ctx, &text, &mut draft);
    }
}

/// A key in the note editor: the edit it makes, if any, and where the cursor goes.
fn edit(text: &str, cursor: usize, command: Command) -> (Option<Splice>, usize) {
    let cursor = cursor.min(text.len());
    let before = text[..cursor].chars().next_back().map_or(0, char::len_utf8);
    let after = text[cursor..].chars().next().map_or(0, char::len_utf8);
    let line_start = text[..cursor].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[cursor..].find('\n').map_or(text.len(), |i| cursor + i);
    let insert = |s: &str| {
        let splice = Splice {
            at: cursor,
            delete: 0,
            insert: s.to_string(),
        };
        (Some(splice), cursor + s.len())
    };
    let erase = |at: usize, delete: usize| {
        let splice = Splice {
            at,
            delete,
            insert: String::new(),
        };
        (Some(splice), at)
    };
    match command {
        Command::Type(c) => insert(c.encode_utf8(&mut [0; 4])),
        Command::Submit => insert("\n"),
        Command::Erase if before > 0 => erase(cursor - before, before),
        Command::Delete if after > 0 => erase(cursor, after),
        Command::Cursor(Move::Left) => (None, cursor - before),
        Command::Cursor(Move::Right) => (None, cursor + after),
        Command::Cursor(Move::Home) => (None, line_start),
        Command::Cursor(Move::End) => (None, line_end),
        _ => (None, cursor),
    }
}

/// The end of `text` within `width` display columns, with `…` in front when something was cut.
fn tail(text: &str, width: usize) -> String {
    if crate::text::width(text) <= width {
        return text.to_string();
    }
    format!("…{}", crate::text::fit_end(text, width.saturating_sub(1)))
}

fn word(clear: bool) -> &'static str {
    if clear { "clear" } else { "unclear" }
}

fn closed_notice(text: &str) -> String {
    if text.is_empty() {
        "No note on this bite.".to_string()
    } else if crate::learn::journal::NoteRecord::is_question(text) {
        "Question for the author saved.".to_string()
    } else {
        "Note saved.".to_string()
    }
}

/// The header's mark for a bite with a note: `✎` for a note, `✎?` for a question for the author (of the note
/// being typed, when it is open).
pub(crate) fn mark(p: &Player) -> &'static str {
    let question = match &p.remark {
        Some(Remark::Note { text, .. }) if text.is_empty() => None,
        Some(Remark::Note { text, .. }) => {
            Some(crate::learn::journal::NoteRecord::is_question(text))
        }
        _ => {
            let key = (p.session.lesson().id.clone(), p.session.bite().number);
            p.session.progress().notes.get(&key).map(|(_, q)| *q)
        }
    };
    match question {
        Some(true) => "✎? ",
        Some(false) => "✎ ",
        None => "",
    }
}

/// Draws an open note over the body, or the rating's prompt in the notice row. Reads state only.
pub(crate) fn draw(p: &Player, ctx: &Context, frame: &mut Frame, body: Rect, notice: Rect) {
    match &p.remark {
        None => {}
        Some(Remark::Note { text, cursor, .. }) => {
            let title = if crate::learn::journal::NoteRecord::is_question(text) {
                " Question for the author "
            } else {
                " Note "
            };
            let hint = if body.width >= 50 {
                " Esc closes · start with ? to ask the author "
            } else {
                " Esc closes "
            };
            let block = Block::default()
                .borders(Borders::ALL)
                .title(Span::styled(title, bold()))
                .title_bottom(Span::styled(hint, dim()));
            let inner = block.inner(body);
            // The cursor's line is drawn with the cursor in it, each side sanitised apart.
            let (head, rest) = text.split_at((*cursor).min(text.len()));
            let mut lines: Vec<Line> = Vec::new();
            let head_lines: Vec<&str> = head.split('\n').collect();
            let rest_lines: Vec<&str> = rest.split('\n').collect();
            for l in &head_lines[..head_lines.len() - 1] {
                lines.push(Line::raw(crate::text::sanitize(l).into_owned()));
            }
            lines.push(Line::from(vec![
                Span::raw(crate::text::sanitize(head_lines[head_lines.len() - 1]).into_owned()),
                Span::styled("▏", bold()),
                Span::raw(crate::text::sanitize(rest_lines[0]).into_owned()),
            ]));
            let cursor_line = lines.len();
            for l in &rest_lines[1..] {
                lines.push(Line::raw(crate::text::sanitize(l).into_owned()));
            }
            // Keep the cursor in view: count wrapped rows roughly by width.
            let width = usize::from(inner.width.max(1));
            let rows: usize = lines[..cursor_line]
                .iter()
                .map(|l| l.width().max(1).div_ceil(width))
                .sum();
            let scroll = rows.saturating_sub(usize::from(inner.height));
            frame.render_widget(Clear, body);
            frame.render_widget(
                Paragraph::new(lines)
                    .block(block)
                    .wrap(Wrap { trim: false })
                    .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0)),
                body,
            );
        }
        Some(Remark::Rating) => {
            frame.render_widget(Clear, notice);
            frame.render_widget(
                Paragraph::new(notice_line(
                    ctx,
                    Some("Was this bite clear? c clear · u unclear"),
                )),
                notice,
            );
        }
        Some(Remark::Comment { clear, text, .. }) => {
            let prompt = format!("Rated {}. Comment: ", word(*clear));
            // The end of a long comment stays in view, where the next key lands.
            let room = usize::from(notice.width)
                .saturating_sub(crate::text::width(&prompt) + 1)
                .max(1);
            let clean = crate::text::sanitize(text);
            let shown = tail(&clean, room);
            let line = Line::from(vec![
                Span::styled(prompt, dim()),
                Span::raw(shown),
                Span::styled("▏", bold()),
            ]);
            frame.render_widget(Clear, notice);
            frame.render_widget(Paragraph::new(line), notice);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Command, Move, tail};

    /// The note editor's key on `text`: the new text when it changes, and where the cursor goes.
    fn edit(text: &str, cursor: usize, command: Command) -> (Option<String>, usize) {
        let (splice, at) = super::edit(text, cursor, command);
        let new = splice.map(|s| {
            let mut t = text.to_string();
            assert!(s.apply(&mut t));
            t
        });
        (new, at)
    }

    #[test]
    fn the_note_editor_edits_at_its_cursor() {
        let text = "ab\ncé";
        // At the end of the first line: Home, End, and back.
        assert_eq!(edit(text, 2, Command::Cursor(Move::Home)), (None, 0));
        assert_eq!(edit(text, 0, Command::Cursor(Move::End)), (None, 2));
        assert_eq!(
            edit(text, 6, Command::Cursor(Move::Left)),
            (None, 4),
            "é is two bytes"
        );
        assert_eq!(edit(text, 6, Command::Cursor(Move::Right)), (None, 6));
        assert_eq!(edit(text, 4, Command::Cursor(Move::Home)), (None, 3));
        assert_eq!(
            edit(text, 1, Command::Type('x')),
            (Some("axb\ncé".to_string()), 2)
        );
        assert_eq!(
            edit(text, 1, Command::Erase),
            (Some("b\ncé".to_string()), 0)
        );
        assert_eq!(edit(text, 0, Command::Erase), (None, 0));
        assert_eq!(
            edit(text, 4, Command::Delete),
            (Some("ab\nc".to_string()), 4)
        );
        assert_eq!(edit(text, 6, Command::Delete), (None, 6));
        assert_eq!(
            edit(text, 2, Command::Submit),
            (Some("ab\n\ncé".to_string()), 3)
        );
    }

    #[test]
    fn a_long_comment_shows_its_end() {
        assert_eq!(tail("short", 10), "short");
        assert_eq!(tail("a long comment here", 8), "…nt here");
        assert_eq!(
            tail("日本語のコメント", 5),
            "…ント",
            "wide characters count two columns"
        );
    }
}
