//! The config file (`config.toml` in the XDG config directory): theme, idle pause, desired retention of spaced
//! review, daily goal, the learner as xAPI names them and the LRS to sync with, and key bindings as a partial
//! override of the defaults. Unknown keys and values out of range are errors with their position, like a pack's.
//! A learner's own objectives and key results live beside it ([`objectives_path`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::pack::source::{self, ReadError, SourceFile};

/// The defaults, embedded: also the documentation of every setting.
#[cfg(test)]
pub(crate) const DEFAULT_CONFIG: &str = include_str!("config/default.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum ThemeName {
    #[default]
    Dark,
    Light,
    HighContrast,
}

/// The settings read from the config file; a missing key takes its default.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub(crate) theme: ThemeName,
    /// Minutes without a key before the player pauses itself; 0 turns it off.
    pub(crate) idle_pause_minutes: u32,
    /// The widest the text of a bite is drawn, in columns: at least [`MIN_WIDTH`].
    #[serde(deserialize_with = "max_width")]
    pub(crate) max_width: u16,
    /// The probability of recall at which spaced review brings an item back: 0.7 to 0.99.
    #[serde(deserialize_with = "retention")]
    pub(crate) desired_retention: f32,
    /// Active minutes a day that meet the daily goal (and keep the streak); 0 turns the goal off.
    #[serde(deserialize_with = "daily_minutes")]
    pub(crate) daily_minutes: u32,
    /// Action name → the keys that trigger it; a listed action replaces its default keys.
    pub(crate) keys: BTreeMap<String, Vec<String>>,
    /// The learner's name in xAPI statements.
    pub(crate) name: Option<String>,
    /// The learner's email (`mailto:` optional): the xAPI actor's identifier.
    pub(crate) mbox: Option<String>,
    /// Or an account on a system, as the actor's identifier.
    pub(crate) account: Option<Account>,
    /// The LRS's xAPI endpoint for `morsel sync` (statements go to `LRS/statements`).
    pub(crate) lrs: Option<String>,
    /// HTTP Basic credentials for the LRS; `MORSEL_LRS_USER` and `MORSEL_LRS_PASSWORD` take precedence.
    pub(crate) lrs_user: Option<String>,
    /// Read as a secret: an error about it never shows the value.
    #[serde(deserialize_with = "secret")]
    pub(crate) lrs_password: Option<String>,
}

/// An xAPI account: the system's home page and the learner's name there.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Account {
    pub(crate) home_page: String,
    pub(crate) name: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            theme: ThemeName::Dark,
            idle_pause_minutes: 5,
            max_width: 80,
            desired_retention: crate::learn::schedule::DEFAULT_RETENTION,
            daily_minutes: 10,
            keys: BTreeMap::new(),
            name: None,
            mbox: None,
            account: None,
            lrs: None,
            lrs_user: None,
            lrs_password: None,
        }
    }
}

/// The lowest and highest desired retention accepted.
pub(crate) const RETENTION_RANGE: std::ops::RangeInclusive<f64> = 0.7..=0.99;

/// `desired_retention`: a number from 0.7 to 0.99 (an error at the value's position otherwise).
fn retention<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<f32, D::Error> {
    let value = f64::deserialize(deserializer)?;
    if RETENTION_RANGE.contains(&value) {
        Ok(value as f32)
    } else {
        Err(serde::de::Error::custom(format!(
            "desired_retention must be from {} to {}, not {value}",
            RETENTION_RANGE.start(),
            RETENTION_RANGE.end()
        )))
    }
}

/// The narrowest `max_width` can be: a text any narrower is not readable.
pub(crate) const MIN_WIDTH: u16 = 20;

/// `max_width`: whole columns, at least [`MIN_WIDTH`] (an error at the value's position otherwise: never drawn
/// wider than asked without a word).
fn max_width<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u16, D::Error> {
    let width = i64::deserialize(deserializer)?;
    u16::try_from(width)
        .ok()
        .filter(|w| *w >= MIN_WIDTH)
        .ok_or_else(|| {
            serde::de::Error::custom(format!(
                "max_width must be whole columns from {MIN_WIDTH} to {}, not {width}",
                u16::MAX
            ))
        })
}

/// The most `daily_minutes` can be: a whole day.
pub(crate) const MAX_DAILY_MINUTES: u32 = 24 * 60;

/// `daily_minutes`: whole minutes from 0 to a day; the error is placed on the value by toml.
fn daily_minutes<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let minutes = i64::deserialize(deserializer)?;
    u32::try_from(minutes)
        .ok()
        .filter(|m| *m <= MAX_DAILY_MINUTES)
        .ok_or_else(|| {
            serde::de::Error::custom(format!(
                "daily_minutes must be whole minutes from 0 (no goal) to {MAX_DAILY_MINUTES}, not {minutes}"
            ))
        })
}

/// A string whose value an error must not show (a password written as a number, say).
fn secret<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    struct Secret;
    impl serde::de::Visitor<'_> for Secret {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a string in quotes (the value is not shown)")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
    }
    deserializer.deserialize_any(Secret).map_err(|_: D::Error| {
        serde::de::Error::custom("lrs_password must be a string in quotes (its value is not shown)")
    })
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum ConfigError {
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// Not named `source`, so that the reason is said once, not again as the error's cause.
    #[error("config file {path}: {reason}")]
    Unreadable { path: String, reason: ReadError },
}

/// The learner's own objectives and key results: `objectives.toml` in the config file's folder
/// (`pack::Personal::load` reads it).
pub fn objectives_path(config: &Path) -> PathBuf {
    config.with_file_name("objectives.toml")
}

impl Config {
    /// Reads the config file; a missing file means the defaults. Only a regular file of at most
    /// [`MAX_FILE_BYTES`](crate::pack::source::MAX_FILE_BYTES) is read: a FIFO or a device such as `/dev/zero` is
    /// refused before it is opened.
    pub(crate) fn load(path: &Path) -> Result<Self, ConfigError> {
        let unreadable = |reason| ConfigError::Unreadable {
            path: path.display().to_string(),
            reason,
        };
        match source::read_regular(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => Self::parse(&text, &path.display().to_string()),
                Err(_) => Err(unreadable(ReadError::Io(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "the file is not valid UTF-8",
                )))),
            },
            Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                Ok(Self::default())
            }
            Err(reason) => Err(unreadable(reason)),
        }
    }

    pub(crate) fn parse(text: &str, path: &str) -> Result<Self, ConfigError> {
        // `SourceFile` drops a byte-order mark: drop it first, so that toml's offsets are offsets in its text.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        toml::from_str(text).map_err(|e| {
            // The same line and column counting as a pack's diagnostics.
            let source = SourceFile::new(path.into(), text.to_string());
            let at = source.position(e.span().map_or(0, |s| s.start));
            ConfigError::Invalid {
                path: path.to_string(),
                line: at.line,
                column: at.column,
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
        assert_eq!(parsed.desired_retention, 0.9);
        assert_eq!(parsed.daily_minutes, 10);
        assert_eq!(parsed, Config::default());
    }

    #[test]
    fn desired_retention_out_of_range_is_an_error_naming_its_line() {
        let c = Config::parse("theme = \"dark\"\ndesired_retention = 0.85\n", "c.toml").unwrap();
        assert_eq!(c.desired_retention, 0.85);
        for (value, shown) in [
            ("0.69", "0.69"),
            ("1.0", "1"),
            ("1", "1"),
            ("0.995", "0.995"),
        ] {
            let e = Config::parse(
                &format!("theme = \"dark\"\ndesired_retention = {value}\n"),
                "c.toml",
            )
            .unwrap_err()
            .to_string();
            assert_eq!(
                e,
                format!("c.toml:2:21: desired_retention must be from 0.7 to 0.99, not {shown}"),
            );
        }
        for edge in ["0.7", "0.99"] {
            let c = Config::parse(&format!("desired_retention = {edge}\n"), "c.toml").unwrap();
            assert_eq!(c.desired_retention.to_string(), edge);
        }
        let e = Config::parse("desired_retention = \"high\"\n", "c.toml").unwrap_err();
        assert!(e.to_string().starts_with("c.toml:1:21: "), "{e}");
    }

    #[test]
    fn max_width_below_twenty_columns_is_an_error_at_its_value() {
        assert_eq!(
            Config::parse("max_width = 20\n", "c.toml")
                .unwrap()
                .max_width,
            20
        );
        for value in ["10", "0", "-5", "70000"] {
            let e = Config::parse(&format!("max_width = {value}\n"), "c.toml")
                .unwrap_err()
                .to_string();
            assert_eq!(
                e,
                format!(
                    "c.toml:1:13: max_width must be whole columns from 20 to 65535, not {value}"
                )
            );
        }
    }

    #[test]
    fn daily_minutes_is_read_and_zero_turns_the_goal_off() {
        let c = Config::parse("daily_minutes = 25\n", "c.toml").unwrap();
        assert_eq!((c.daily_minutes, c.idle_pause_minutes), (25, 5));
        let c = Config::parse("daily_minutes = 0\n", "c.toml").unwrap();
        assert_eq!(c.daily_minutes, 0);
    }

    #[test]
    fn daily_minutes_out_of_range_or_not_a_number_is_an_error_at_its_value() {
        for (text, says) in [
            (
                "theme = \"dark\"\ndaily_minutes = -5\n",
                "c.toml:2:17: daily_minutes must be whole minutes from 0 (no goal) to 1440, not -5",
            ),
            (
                "theme = \"dark\"\ndaily_minutes = 1441\n",
                "c.toml:2:17: daily_minutes must be whole minutes from 0 (no goal) to 1440, not 1441",
            ),
            (
                "theme = \"dark\"\ndaily_minutes = \"ten\"\n",
                "c.toml:2:17: invalid type: string \"ten\", expected i64",
            ),
        ] {
            let e = Config::parse(text, "c.toml").unwrap_err().to_string();
            assert_eq!(e, says);
        }
    }

    #[test]
    fn a_password_that_is_not_a_string_is_refused_without_being_shown() {
        for value in ["918273645", "9182.73645", "true", "[\"918273645\"]"] {
            let e = Config::parse(&format!("lrs_password = {value}\n"), "c.toml")
                .unwrap_err()
                .to_string();
            assert!(!e.contains("918273645") && !e.contains("9182.73645"), "{e}");
            assert!(e.contains("lrs_password must be a string in quotes"), "{e}");
        }
        let c = Config::parse("lrs_password = \"s3cret\"\n", "c.toml").unwrap();
        assert_eq!(c.lrs_password.as_deref(), Some("s3cret"));
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

    #[test]
    fn the_xapi_actor_and_lrs_keys_parse_and_a_typo_in_an_account_is_placed() {
        let c = Config::parse(
            "name = \"Ada\"\nmbox = \"ada@example.org\"\nlrs = \"http://127.0.0.1:8100/xAPI\"\n\
             account = { home_page = \"https://lms.example.org\", name = \"ada\" }\n",
            "c.toml",
        )
        .unwrap();
        assert_eq!(c.mbox.as_deref(), Some("ada@example.org"));
        assert_eq!(c.lrs.as_deref(), Some("http://127.0.0.1:8100/xAPI"));
        assert_eq!(c.account.map(|a| a.name), Some("ada".to_string()));
        let e = Config::parse(
            "\naccount = { homepage = \"x\", name = \"ada\" }\n",
            "c.toml",
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("c.toml:2:") && e.to_string().contains("homepage"),
            "{e}"
        );
    }
}
