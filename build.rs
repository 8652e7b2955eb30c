//! Embeds the bundled courses (`courses/*`) in the binary: every file as its path under `courses/` and its bytes
//! (`include_bytes!`), listed in `$OUT_DIR/bundled.rs` for `src/bundled.rs`. Cargo runs this again whenever anything
//! under `courses/` changes, a file added or removed included, which a proc-macro such as include_dir cannot ask
//! for on stable Rust; and it needs no dependency.

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo::rerun-if-changed=courses");
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"))
        .join("courses");
    let mut files = Vec::new();
    if root.is_dir() {
        walk(&root, &mut files);
    }
    files.sort();
    let mut out = String::from(
        "/// Every file of the bundled courses: its path under `courses/` (with `/`) and its bytes, in path order.\n\
         pub static FILES: &[(&str, &[u8])] = &[\n",
    );
    for file in &files {
        let relative: Vec<String> = file
            .strip_prefix(&root)
            .expect("walked under the root")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        out.push_str(&format!(
            "    ({:?}, include_bytes!({:?})),\n",
            relative.join("/"),
            file.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it")).join("bundled.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

/// Regular files under `dir`, hidden ones (editor and OS litter) left out.
fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, files),
            Ok(t) if t.is_file() => files.push(path),
            _ => {}
        }
    }
}
