//! The floor that morsel's Markdown work is measured against: read every `.md` file under the given paths and parse
//! it with pulldown-cmark alone (morsel's options, every event visited), doing nothing else.
//!
//! `scripts/bench-check.sh` and `scripts/bench-peers.sh` time morsel against this: what morsel spends beyond it is
//! its own work (TOML blocks, checks, rendering, highlighting).
//!
//! `cargo run --release --example md_floor -- PATH...` prints the files and events it saw.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pulldown_cmark::Parser;

fn main() -> ExitCode {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        eprintln!("usage: md_floor PATH...  (files, or folders searched for .md files)");
        return ExitCode::from(2);
    }
    let mut files = Vec::new();
    for path in &paths {
        if let Err(e) = collect(path, &mut files) {
            eprintln!("md_floor: {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    let options = morsel::pack::markdown_options();
    let mut events = 0usize;
    for file in &files {
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("md_floor: {}: {e}", file.display());
                return ExitCode::FAILURE;
            }
        };
        events += Parser::new_ext(&text, options).count();
    }
    println!("{} files, {events} events", files.len());
    ExitCode::SUCCESS
}

/// `path` itself when it is a file, else every `.md` file under it.
fn collect(path: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if !path.is_dir() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    Ok(())
}
