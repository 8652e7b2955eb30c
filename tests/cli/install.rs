//! What a tool installed with `cargo install` offers its shell: completion scripts and manual pages, generated from
//! the same command line the binary parses, so that neither can fall behind it.

use std::process::Command;

use clap::CommandFactory;
use morsel::cli::Cli;

use crate::morsel;

/// The names of morsel's commands, from the parser itself.
fn command_names() -> Vec<String> {
    Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect()
}

fn stdout_of(args: &[&str]) -> String {
    let output = morsel().args(args).output().expect("morsel runs");
    assert!(output.status.success(), "{args:?}: {output:?}");
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// What bash offers after the words typed so far, with the script `morsel completions bash` printed.
fn bash_completes(script: &std::path::Path, words: &[&str]) -> Vec<String> {
    let line = words.join(" ");
    let program = format!(
        "source {script}; COMP_WORDS=({line}); COMP_CWORD={cword}; COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}; \
         _morsel morsel '{current}' '{previous}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script = script.display(),
        cword = words.len() - 1,
        current = words[words.len() - 1],
        previous = words[words.len() - 2],
    );
    let output = crate::bound::run_within(
        Command::new("bash")
            .arg("--norc")
            .arg("-c")
            .arg(program)
            .stdin(std::process::Stdio::null()),
        "bash completion",
    );
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_command_names_and_the_choices_of_an_option() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("morsel.bash");
    std::fs::write(&script, stdout_of(&["completions", "bash"])).unwrap();

    let mut offered = bash_completes(&script, &["morsel", "pl"]);
    offered.sort();
    assert_eq!(offered, ["plan", "play"]);

    let offered = bash_completes(&script, &["morsel", "stats", "--format", ""]);
    assert_eq!(offered, ["text", "json"]);

    let offered = bash_completes(&script, &["morsel", "play", "--mi"]);
    assert_eq!(offered, ["--minutes"]);
}

#[test]
fn every_shell_gets_a_script_that_names_every_command() {
    let names = command_names();
    assert!(names.contains(&"play".to_string()), "{names:?}");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&["completions", shell]);
        for name in &names {
            assert!(script.contains(name.as_str()), "{shell} lacks {name}");
        }
    }
}

#[test]
fn an_unknown_shell_is_refused_with_the_ones_there_are() {
    let output = morsel().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("invalid value 'tcsh'"), "{stderr}");
    assert!(
        stderr.contains("bash, elvish, fish, powershell, zsh"),
        "{stderr}"
    );
}

#[test]
fn the_manual_page_lists_every_command_with_what_it_does() {
    let page = stdout_of(&["man"]);
    assert!(page.starts_with(".ie"), "roff, not help text: {page}");
    assert!(page.contains(".TH morsel 1"), "{page}");
    for sub in Cli::command().get_subcommands() {
        let name = sub.get_name();
        assert!(page.contains(&format!("morsel\\-{name}(1)")), "{name}");
    }
    // An about as the reader sees it, roff-escaped.
    assert!(
        page.contains("Check lesson packs and report every problem"),
        "{page}"
    );
}

#[test]
fn man_dir_writes_a_page_per_command_with_its_options() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man1");
    let said = stdout_of(&["man", "--dir", pages.to_str().unwrap()]);
    assert!(said.contains("manual pages written to"), "{said}");
    for name in command_names() {
        assert!(pages.join(format!("morsel-{name}.1")).is_file(), "{name}");
    }
    assert!(pages.join("morsel-export-xapi.1").is_file());
    let play = std::fs::read_to_string(pages.join("morsel-play.1")).unwrap();
    assert!(play.contains("\\-\\-minutes"), "{play}");
    assert!(play.contains("I have N minutes"), "{play}");
}
