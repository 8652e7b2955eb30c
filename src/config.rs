//! The config file (`config.toml` in the XDG config directory): theme, idle pause, and key bindings as a partial
//! override of the defaults. Unknown keys are errors with their position, like a pack's.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

/// The defaults, embedded: also the documentation of every setting.
pub const DEFAULT_CONFIG: &str = include_str!("config/default.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeName {
    #[default]
    Dark,
    Light,
    HighContrast,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub theme: ThemeName,
    /// Minutes without a key before the player pauses itself; 0 turns it off.
    pub idle_pause_minutes: u32,
    /// The widest the text of a bite is drawn, in columns.
    pub max_width: u16,
    /// Action name → the keys that trigger it; a listed action replaces its default keys.
    pub keys: BTreeMap<String, Vec<String>>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            theme: ThemeName::Dark,
            idle_pause_minutes: 5,
            max_width: 80,
            keys: BTreeMap::new(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: cannot read: {source}")]
    Unreadable {
        path: String,
        source: std::io::Error,
    },
}

impl Config {
    /// Reads the config file; a missing file means the defaults.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(ConfigError::Unreadable {
                path: path.display().to_string(),
                source,
            }),
        }
    }

    pub fn parse(text: &str, path: &str) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let before = &text[..offset.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            ConfigError::Invalid {
                path: path.to_string(),
                line,
                column,
                message: e.message().to_string(),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_defaults_parse_to_the_defaults() {
        let parsed = Config::parse(DEFAULT_CONFIG, "default.toml").unwrap();
        assert_eq!(parsed.theme, Config::default().theme);
        assert_eq!(parsed.idle_pause_minutes, 5);
        assert_eq!(parsed.max_width, 80);
    }

    #[test]
    fn a_partial_file_keeps_the_other_defaults() {
        let c = Config::parse(
            "theme = \"high-contrast\"\n[keys]\nquit = [\"x\"]\n",
            "c.toml",
        )
        .unwrap();
        assert_eq!(c.theme, ThemeName::HighContrast);
        assert_eq!(c.idle_pause_minutes, 5);
        assert_eq!(c.keys["quit"], ["x"]);
    }

    #[test]
    fn unknown_keys_are_errors_with_position() {
        let e = Config::parse("theme = \"dark\"\ncolour = 1\n", "c.toml").unwrap_err();
        let text = e.to_string();
        assert!(
            text.starts_with("c.toml:2:1: unknown field `colour`"),
            "{text}"
        );
        let e = Config::parse("theme = \"purple\"\n", "c.toml").unwrap_err();
        assert!(e.to_string().contains("c.toml:1:9"), "{e}");
    }
}
