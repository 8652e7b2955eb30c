//! Keys become commands in one place. A key is resolved once, by the kind of input the screen takes now (a text
//! field, choices, true/false, ratings, or plain keys through the keymap), into a `Command`; the app applies only
//! commands that the screen lists as available, and the footer and the help overlay are drawn from that same list,
//! with labels from the keymap. So what the footer says and what a key does cannot disagree (gitui's
//! `Component::commands`).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::keymap::{Action, Keymap, display};
use crate::learn::journal::Rating;

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Command {
    /// An action of the keymap (next, back, scroll, pause, help, quit, hint, skip, retry, filter).
    Action(Action),
    /// A character typed into a field (an answer or the library's filter).
    Type(char),
    /// Backspace in a field.
    Erase,
    /// Enter in a field: submit the answer, or finish the filter.
    Submit,
    /// Esc (and Ctrl-S in a field): leave the field, clear the filter, or leave the course for the library.
    Leave,
    /// A choice by its shown number (1-based).
    Pick(usize),
    /// True or false.
    TrueFalse(bool),
    /// A card's rating.
    Rate(Rating),
    /// `t`: plan a time-boxed session (the library).
    TimeBox,
    /// The cursor of an editor (the note): Left, Right, Home, End.
    Cursor(Move),
    /// Delete in an editor: the character at the cursor.
    Delete,
}

/// Where an editor's cursor moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Left,
    Right,
    /// The start of the line.
    Home,
    /// The end of the line.
    End,
}

/// How the screen reads keys now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Input {
    /// Keys are actions through the keymap; Esc leaves.
    Keys,
    /// A text field has the keys: every printable key is text, Enter submits, Esc or Ctrl-S leaves it, Backspace erases,
    /// Tab asks for the hint; other keys (arrows, Ctrl-…) still go through the keymap.
    Field,
    /// Digits pick choices; the rest as `Keys`.
    Choices,
    /// `t` and `f` answer; the rest as `Keys`.
    TrueFalse,
    /// `1`-`4` rate a card; the rest as `Keys`.
    Ratings,
    /// A text field with a cursor (the note): as `Field`, and Left, Right, Home, End move the cursor, Delete deletes
    /// at it.
    Editor,
}

/// Turns a key into a command for the input the screen takes. Ctrl-C is always quit.
pub(crate) fn resolve(key: &KeyEvent, input: Input, keymap: &Keymap) -> Option<Command> {
    let plain = !key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        return Some(Command::Action(Action::Quit));
    }
    let field = matches!(input, Input::Field | Input::Editor);
    let editor = input == Input::Editor;
    match (input, key.code) {
        (_, KeyCode::Esc) => return Some(Command::Leave),
        (_, KeyCode::Left) if editor => return Some(Command::Cursor(Move::Left)),
        (_, KeyCode::Right) if editor => return Some(Command::Cursor(Move::Right)),
        (_, KeyCode::Home) if editor => return Some(Command::Cursor(Move::Home)),
        (_, KeyCode::End) if editor => return Some(Command::Cursor(Move::End)),
        (_, KeyCode::Delete) if editor => return Some(Command::Delete),
        (_, KeyCode::Enter) if field => return Some(Command::Submit),
        (_, KeyCode::Backspace) if field => return Some(Command::Erase),
        (_, KeyCode::Tab) if field => return Some(Command::Action(Action::Hint)),
        (_, KeyCode::Char('s')) if field && key.modifiers == KeyModifiers::CONTROL => {
            return Some(Command::Leave);
        }
        (_, KeyCode::Char(c)) if field && plain => return Some(Command::Type(c)),
        (Input::Choices, KeyCode::Char(c @ '1'..='9')) if plain => {
            return Some(Command::Pick(c as usize - '0' as usize));
        }
        (Input::TrueFalse, KeyCode::Char(c @ ('t' | 'f'))) if plain => {
            return Some(Command::TrueFalse(c == 't'));
        }
        (Input::Keys, KeyCode::Char('t')) if plain => return Some(Command::TimeBox),
        (Input::Ratings, KeyCode::Char(c @ '1'..='4')) if plain => {
            return Rating::from_number(c as u8 - b'0').map(Command::Rate);
        }
        _ => {}
    }
    keymap.action(key).map(Command::Action)
}

/// A command available now, with the keys that give it and what it does here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Binding {
    pub(crate) command: Command,
    /// The keys as the footer shows them: `→`, `1-4`, `Enter`.
    pub(crate) keys: String,
    /// Every key, for the help overlay.
    pub(crate) all_keys: String,
    /// What it does on this screen, as the footer says it.
    pub(crate) what: String,
    /// What it does, as the help overlay says it (the footer's words unless given).
    pub(crate) help: String,
    /// In the footer (`false`: the help overlay only).
    pub(crate) footer: bool,
    /// Kept in a narrow footer; minor bindings (pause, quit) are dropped first.
    pub(crate) essential: bool,
}

impl Binding {
    /// An action of the keymap, labelled with its first key.
    pub(crate) fn action(keymap: &Keymap, action: Action, what: impl Into<String>) -> Self {
        let all: Vec<String> = keymap.keys_of(action).iter().map(|k| display(k)).collect();
        let what = what.into();
        Self {
            command: Command::Action(action),
            keys: keymap.label(action),
            all_keys: all.join(" "),
            help: what.clone(),
            what,
            footer: true,
            essential: true,
        }
    }

    /// A command with fixed keys (answer keys, Enter and Esc in a field).
    pub(crate) fn fixed(command: Command, keys: &str, what: impl Into<String>) -> Self {
        let what = what.into();
        Self {
            command,
            keys: keys.to_string(),
            all_keys: keys.to_string(),
            help: what.clone(),
            what,
            footer: true,
            essential: true,
        }
    }

    /// The footer shows `key` for this action when the keymap binds it (`Enter` to open a course reads better
    /// than `→`); otherwise its first key.
    pub(crate) fn preferring(mut self, keymap: &Keymap, key: &str) -> Self {
        if let Command::Action(action) = self.command
            && keymap.keys_of(action).iter().any(|k| k == key)
        {
            self.keys = display(key);
        }
        self
    }

    /// The help overlay's words for it.
    pub(crate) fn described(mut self, help: impl Into<String>) -> Self {
        self.help = help.into();
        self
    }

    /// Dropped first from a footer that does not fit.
    pub(crate) fn minor(mut self) -> Self {
        self.essential = false;
        self
    }

    /// Listed in the help overlay but not in the footer.
    pub(crate) fn help_only(mut self) -> Self {
        self.footer = false;
        self
    }

    /// A footer label for two actions at once, e.g. `↓↑ scroll`; the first action is the command.
    pub(crate) fn pair(
        keymap: &Keymap,
        first: Action,
        second: Action,
        what: impl Into<String>,
    ) -> Self {
        let mut b = Self::action(keymap, first, what);
        let (a, z) = (keymap.label(first), keymap.label(second));
        // Arrows read as one glyph pair (`↓↑`); names need a mark between them (`PgDn/PgUp`).
        let joiner = if a.chars().count() > 1 || z.chars().count() > 1 {
            "/"
        } else {
            ""
        };
        b.keys = format!("{a}{joiner}{z}");
        b
    }

    /// Whether this binding makes `command` available: the same action, or the same kind of command (any pick,
    /// any typed character, any rating).
    pub(crate) fn covers(&self, command: &Command) -> bool {
        match (self.command, command) {
            (Command::Action(a), Command::Action(b)) => a == *b,
            (a, b) => std::mem::discriminant(&a) == std::mem::discriminant(b),
        }
    }
}

/// The scroll actions, for the help overlay, after a footer's `↓↑ scroll`.
pub(crate) fn scroll_bindings(keymap: &Keymap) -> Vec<Binding> {
    vec![
        Binding::pair(keymap, Action::Down, Action::Up, "scroll").described("scroll down"),
        Binding::action(keymap, Action::Up, "scroll up").help_only(),
        Binding::action(keymap, Action::PageDown, "scroll down a page").help_only(),
        Binding::action(keymap, Action::PageUp, "scroll up a page").help_only(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn a_field_takes_every_printable_key_and_enter_submits() {
        let keymap = Keymap::default();
        for c in ['q', 'p', '?', 's', '1', 't', ' '] {
            assert_eq!(
                resolve(&key(KeyCode::Char(c)), Input::Field, &keymap),
                Some(Command::Type(c))
            );
        }
        assert_eq!(
            resolve(&key(KeyCode::Enter), Input::Field, &keymap),
            Some(Command::Submit)
        );
        assert_eq!(
            resolve(&key(KeyCode::Right), Input::Field, &keymap),
            Some(Command::Action(Action::Next))
        );
    }

    #[test]
    fn answer_keys_come_before_the_keymap_only_where_they_answer() {
        let keymap = Keymap::default();
        let digit = key(KeyCode::Char('3'));
        assert_eq!(
            resolve(&digit, Input::Choices, &keymap),
            Some(Command::Pick(3))
        );
        assert_eq!(resolve(&digit, Input::Keys, &keymap), None);
        assert_eq!(
            resolve(&key(KeyCode::Char('f')), Input::TrueFalse, &keymap),
            Some(Command::TrueFalse(false))
        );
        assert_eq!(
            resolve(&key(KeyCode::Char('5')), Input::Ratings, &keymap),
            None
        );
        assert_eq!(
            resolve(&key(KeyCode::Char('2')), Input::Ratings, &keymap),
            Some(Command::Rate(Rating::Hard))
        );
    }

    #[test]
    fn ctrl_c_quits_even_in_a_field() {
        let keymap = Keymap::default();
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            resolve(&ctrl_c, Input::Field, &keymap),
            Some(Command::Action(Action::Quit))
        );
    }

    #[test]
    fn labels_come_from_the_keymap() {
        // `n` is the note's key by default: moved, so that next can have it.
        let overrides = [
            ("next".to_string(), vec!["n".to_string()]),
            ("note".to_string(), vec!["N".to_string()]),
        ]
        .into();
        let keymap = Keymap::new(&overrides).unwrap();
        let b = Binding::action(&keymap, Action::Next, "open");
        assert_eq!(b.keys, "n");
        assert!(b.covers(&Command::Action(Action::Next)));
        assert!(!b.covers(&Command::Action(Action::Back)));
        assert_eq!(
            resolve(&key(KeyCode::Enter), Input::Keys, &keymap),
            None,
            "Enter is no longer next"
        );
    }
}
