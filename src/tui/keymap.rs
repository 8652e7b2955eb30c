//! Keys to actions: the defaults, overridden per action by the config file. Keys an answer needs (digits, t/f,
//! typed text) are not actions, so a binding can never steal them while an answer is being typed.

use std::collections::{BTreeMap, HashMap};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Action {
    Next,
    Back,
    Down,
    Up,
    PageDown,
    PageUp,
    Pause,
    Help,
    Quit,
    Hint,
    Skip,
    Retry,
    Filter,
    /// Preview: show answers and explanations inline.
    Answers,
    /// Preview: the outline of lessons and bites, to jump to any.
    Outline,
    /// The dashboard: study days, minutes, forecast, lessons.
    Dashboard,
    /// The player: open the note on the bite.
    Note,
    /// The player: rate the bite clear or unclear.
    Feedback,
}

impl Action {
    pub(crate) const ALL: [Action; 18] = [
        Action::Next,
        Action::Back,
        Action::Down,
        Action::Up,
        Action::PageDown,
        Action::PageUp,
        Action::Pause,
        Action::Help,
        Action::Quit,
        Action::Hint,
        Action::Skip,
        Action::Retry,
        Action::Filter,
        Action::Answers,
        Action::Outline,
        Action::Dashboard,
        Action::Note,
        Action::Feedback,
    ];

    /// The name used in the config file.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Action::Next => "next",
            Action::Back => "back",
            Action::Down => "down",
            Action::Up => "up",
            Action::PageDown => "page-down",
            Action::PageUp => "page-up",
            Action::Pause => "pause",
            Action::Help => "help",
            Action::Quit => "quit",
            Action::Hint => "hint",
            Action::Skip => "skip",
            Action::Retry => "retry",
            Action::Filter => "filter",
            Action::Answers => "answers",
            Action::Outline => "outline",
            Action::Dashboard => "dashboard",
            Action::Note => "note",
            Action::Feedback => "feedback",
        }
    }

    fn defaults(self) -> &'static [&'static str] {
        match self {
            Action::Next => &["Right", "l", "Space", "Enter"],
            Action::Back => &["Left", "h"],
            Action::Down => &["Down", "j"],
            Action::Up => &["Up", "k"],
            Action::PageDown => &["PageDown"],
            Action::PageUp => &["PageUp"],
            Action::Pause => &["p"],
            Action::Help => &["?"],
            Action::Quit => &["q", "Ctrl-c"],
            Action::Hint => &["i"],
            Action::Skip => &["s"],
            Action::Retry => &["r"],
            Action::Filter => &["/"],
            Action::Answers => &["a"],
            Action::Outline => &["o"],
            Action::Dashboard => &["S"],
            Action::Note => &["n"],
            Action::Feedback => &["f"],
        }
    }
}

type Key = (KeyCode, KeyModifiers);

/// Which key does what: the keys of each action, default or from `[keys]`.
#[derive(Debug, Clone)]
pub struct Keymap {
    keys: HashMap<Key, Action>,
    names: BTreeMap<Action, Vec<String>>,
}

/// A `[keys]` table that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    /// No action has this name.
    #[error("[keys]: unknown action `{name}`{}", suggestion.map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
    UnknownAction {
        /// The name given.
        name: String,
        /// The nearest action name, if one is close.
        suggestion: Option<&'static str>,
    },
    #[error(
        "[keys] {action}: `{key}` is not a key name (try \"x\", \"Enter\", \"Ctrl-c\", \"PageDown\")"
    )]
    /// A key name that names no key.
    BadKey {
        /// The action.
        action: String,
        /// The key name given.
        key: String,
    },
    #[error(
        "[keys] {action}: `{key}` is kept for answers (digits, t, Esc, Tab, Backspace) and cannot be bound"
    )]
    /// A key kept for answers.
    Reserved {
        /// The action.
        action: &'static str,
        /// The key given.
        key: String,
    },
    #[error(
        "[keys] {action}: an action needs a key; give at least one (by default {}), or leave `{action}` out to keep its default",
        defaults.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", ")
    )]
    /// An action left with no key.
    NoKey {
        /// The action.
        action: &'static str,
        /// Its default keys.
        defaults: &'static [&'static str],
    },
    /// A key bound to two actions.
    #[error("[keys]: `{key}` is bound to both {first} and {second}")]
    Clash {
        /// The key.
        key: String,
        /// The first action.
        first: &'static str,
        /// The second action.
        second: &'static str,
    },
}

impl Default for Keymap {
    fn default() -> Self {
        Self::new(&BTreeMap::new())
            .unwrap_or_else(|_| unreachable!("the default keys are valid (tested)"))
    }
}

impl Keymap {
    /// The default keys, with each action named in `overrides` bound to the keys given instead.
    pub fn new(overrides: &BTreeMap<String, Vec<String>>) -> Result<Self, KeymapError> {
        let names: Vec<&'static str> = Action::ALL.iter().map(|a| a.name()).collect();
        for name in overrides.keys() {
            if !names.contains(&name.as_str()) {
                return Err(KeymapError::UnknownAction {
                    name: name.clone(),
                    suggestion: crate::pack::closest_key(name, &names),
                });
            }
        }
        let mut keys = HashMap::new();
        let mut shown = BTreeMap::new();
        for action in Action::ALL {
            let list: Vec<String> = match overrides.get(action.name()) {
                Some(list) => list.clone(),
                None => action.defaults().iter().map(|s| s.to_string()).collect(),
            };
            if list.is_empty() {
                return Err(KeymapError::NoKey {
                    action: action.name(),
                    defaults: action.defaults(),
                });
            }
            for name in &list {
                let key = parse_key(name).ok_or_else(|| KeymapError::BadKey {
                    action: action.name().to_string(),
                    key: name.clone(),
                })?;
                // `f` answers false only while a true/false question waits (`command::resolve` reads it as an
                // answer first), so it may be bound: by default it rates the bite.
                let reserved = match key {
                    (KeyCode::Char(c), KeyModifiers::NONE) => c.is_ascii_digit() || c == 't',
                    (KeyCode::Esc | KeyCode::Tab | KeyCode::Backspace, _) => true,
                    _ => false,
                };
                if reserved {
                    return Err(KeymapError::Reserved {
                        action: action.name(),
                        key: name.clone(),
                    });
                }
                if let Some(first) = keys.insert(key, action)
                    && first != action
                {
                    return Err(KeymapError::Clash {
                        key: name.clone(),
                        first: first.name(),
                        second: action.name(),
                    });
                }
            }
            shown.insert(action, list);
        }
        Ok(Self { keys, names: shown })
    }

    pub(crate) fn action(&self, key: &KeyEvent) -> Option<Action> {
        let mut modifiers = key.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
        // Shifted characters arrive as the character itself ('?' or 'H'): ignore SHIFT for them.
        if !matches!(key.code, KeyCode::Char(_)) {
            modifiers |= key.modifiers & KeyModifiers::SHIFT;
        }
        self.keys.get(&(key.code, modifiers)).copied()
    }

    /// The keys of an action as written in the config, e.g. `["Right", "l"]`.
    pub(crate) fn keys_of(&self, action: Action) -> &[String] {
        self.names.get(&action).map_or(&[], Vec::as_slice)
    }

    /// The first key of an action, for the footer: `→`, `p`, `?`.
    pub(crate) fn label(&self, action: Action) -> String {
        self.keys_of(action)
            .first()
            .map_or_else(String::new, |k| display(k))
    }
}

/// A key name as shown on screen.
pub(crate) fn display(name: &str) -> String {
    match name {
        "Right" => "→".into(),
        "Left" => "←".into(),
        "Up" => "↑".into(),
        "Down" => "↓".into(),
        "Enter" => "Enter".into(),
        "Space" => "Space".into(),
        "PageDown" => "PgDn".into(),
        "PageUp" => "PgUp".into(),
        other => other.to_string(),
    }
}

/// Parses `x`, `Enter`, `Ctrl-c`, `Alt-Left`, `F5`…
pub(crate) fn parse_key(name: &str) -> Option<Key> {
    let mut modifiers = KeyModifiers::NONE;
    let mut rest = name;
    loop {
        if let Some(r) = rest
            .strip_prefix("Ctrl-")
            .or_else(|| rest.strip_prefix("C-"))
        {
            modifiers |= KeyModifiers::CONTROL;
            rest = r;
        } else if let Some(r) = rest
            .strip_prefix("Alt-")
            .or_else(|| rest.strip_prefix("M-"))
        {
            modifiers |= KeyModifiers::ALT;
            rest = r;
        } else {
            break;
        }
    }
    let code = match rest {
        "Enter" | "Return" => KeyCode::Enter,
        "Space" => KeyCode::Char(' '),
        "Tab" => KeyCode::Tab,
        "Esc" | "Escape" => KeyCode::Esc,
        "Backspace" => KeyCode::Backspace,
        "Left" => KeyCode::Left,
        "Right" => KeyCode::Right,
        "Up" => KeyCode::Up,
        "Down" => KeyCode::Down,
        "PageUp" | "PgUp" => KeyCode::PageUp,
        "PageDown" | "PgDn" => KeyCode::PageDown,
        "Home" => KeyCode::Home,
        "End" => KeyCode::End,
        f if f.starts_with('F') && f.len() > 1 => {
            KeyCode::F(f[1..].parse().ok().filter(|n| (1..=12).contains(n))?)
        }
        c if c.chars().count() == 1 => {
            let ch = c.chars().next()?;
            KeyCode::Char(if modifiers.contains(KeyModifiers::CONTROL) {
                ch.to_ascii_lowercase()
            } else {
                ch
            })
        }
        _ => return None,
    };
    Some((code, modifiers))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn the_default_keys_are_valid_and_as_documented() {
        let map = Keymap::new(&BTreeMap::new()).unwrap();
        assert_eq!(map.action(&key(KeyCode::Right)), Some(Action::Next));
        assert_eq!(map.action(&key(KeyCode::Char(' '))), Some(Action::Next));
        assert_eq!(map.action(&key(KeyCode::Enter)), Some(Action::Next));
        assert_eq!(map.action(&key(KeyCode::Char('h'))), Some(Action::Back));
        assert_eq!(map.action(&key(KeyCode::PageDown)), Some(Action::PageDown));
        assert_eq!(
            map.action(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            map.action(&KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT)),
            Some(Action::Help)
        );
        assert_eq!(
            map.action(&key(KeyCode::Char('1'))),
            None,
            "digits belong to answers"
        );
        assert_eq!(
            map.action(&key(KeyCode::Char('t'))),
            None,
            "t belongs to answers"
        );
        assert_eq!(
            map.action(&key(KeyCode::Char('f'))),
            Some(Action::Feedback),
            "f rates the bite where no true/false question waits"
        );
        // The embedded config documents the same defaults.
        for action in Action::ALL {
            let line = format!(
                "# {} = [{}]",
                action.name(),
                action
                    .defaults()
                    .iter()
                    .map(|k| format!("\"{k}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            assert!(
                crate::app::config::DEFAULT_CONFIG.contains(&line),
                "default.toml lacks `{line}`"
            );
        }
    }

    #[test]
    fn an_override_replaces_only_its_action() {
        let overrides = BTreeMap::from([(
            "quit".to_string(),
            vec!["x".to_string(), "Ctrl-q".to_string()],
        )]);
        let map = Keymap::new(&overrides).unwrap();
        assert_eq!(map.action(&key(KeyCode::Char('x'))), Some(Action::Quit));
        assert_eq!(
            map.action(&KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(map.action(&key(KeyCode::Char('q'))), None);
        assert_eq!(map.action(&key(KeyCode::Char('p'))), Some(Action::Pause));
    }

    #[test]
    fn bad_overrides_are_explained() {
        let typo = BTreeMap::from([("quti".to_string(), vec!["x".to_string()])]);
        assert_eq!(
            Keymap::new(&typo).unwrap_err().to_string(),
            "[keys]: unknown action `quti`; did you mean `quit`?"
        );
        let bad = BTreeMap::from([("quit".to_string(), vec!["Hyper-x".to_string()])]);
        assert!(matches!(Keymap::new(&bad), Err(KeymapError::BadKey { .. })));
        let reserved = BTreeMap::from([("next".to_string(), vec!["1".to_string()])]);
        assert!(matches!(
            Keymap::new(&reserved),
            Err(KeymapError::Reserved { .. })
        ));
        let none = BTreeMap::from([("quit".to_string(), Vec::new())]);
        assert_eq!(
            Keymap::new(&none).unwrap_err().to_string(),
            "[keys] quit: an action needs a key; give at least one (by default \"q\", \"Ctrl-c\"), or leave `quit` out to \
             keep its default"
        );
        let clash = BTreeMap::from([("pause".to_string(), vec!["q".to_string()])]);
        assert!(matches!(
            Keymap::new(&clash),
            Err(KeymapError::Clash { .. })
        ));
    }
}
