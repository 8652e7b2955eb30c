//! The house plan, kept: every `use crate::…` (and every inline `crate::…` or `super::…` path) in `src/` is an arrow
//! from one file to another. An arrow may only point to the same layer or to a layer this one lists below it, and no
//! files may import each other in a ring. Test code (`#[cfg(test)] mod …` blocks and `tests.rs` files) is left out:
//! a test may reach for anything. The table below is the one place the layers are written; ARCHITECTURE.md draws it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each layer (a folder of `src/`, or `cli.rs`) with the layers it may import, lowest first.
const LAYERS: &[(&str, &[&str])] = &[
    ("text", &[]),
    ("pack", &["text"]),
    ("render", &["text", "pack"]),
    ("learn", &["text", "pack"]),
    ("store", &["text", "pack", "learn"]),
    ("import", &["text", "pack"]),
    ("export", &["text", "pack", "learn", "store"]),
    (
        "app",
        &["text", "pack", "render", "learn", "store", "export"],
    ),
    ("tui", &["text", "pack", "render", "learn", "store", "app"]),
    (
        "plain",
        &["text", "pack", "render", "learn", "store", "app"],
    ),
    (
        "commands",
        &[
            "text", "pack", "render", "learn", "store", "import", "export", "app", "tui", "plain",
        ],
    ),
    ("cli", &["commands"]),
];

/// A module path (`["tui", "screens", "player"]`) for each file under `src`.
fn modules(src: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Ok(rel) = path.strip_prefix(src) else {
                continue;
            };
            let name = rel.to_string_lossy().replace('\\', "/");
            let Some(stem) = name.strip_suffix(".rs") else {
                continue;
            };
            if stem.ends_with("tests") || stem == "main" || stem == "lib" {
                continue;
            }
            let mut parts: Vec<String> = stem.split('/').map(str::to_string).collect();
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            out.insert(parts, path);
        }
    }
    out
}

/// The text of a file with `#[cfg(test)] mod … { … }` blocks and line comments taken out.
fn without_tests(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let Some(open) = after.find(['{', ';']) else {
            rest = "";
            break;
        };
        if after.as_bytes()[open] == b';' || !after[..open].contains("mod ") {
            // `#[cfg(test)] mod tests;` (a file of its own, left out) or an attribute on something else.
            out.push_str(&after[..open + 1]);
            rest = &after[open + 1..];
            continue;
        }
        let mut depth = 0usize;
        let mut end = after.len();
        for (i, c) in after[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `a::{b::c, d::{e, f}}` as `["a::b::c", "a::d::e", "a::d::f"]`.
fn expand(tree: &str) -> Vec<String> {
    // `x as y` keeps `x`: the alias names nothing in the house.
    let tree: String = tree
        .replace(" as ", "@")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let tree = strip_aliases(&tree);
    let Some(open) = tree.find('{') else {
        return vec![tree];
    };
    let (prefix, body) = (
        &tree[..open],
        &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())],
    );
    let mut parts = Vec::new();
    let (mut depth, mut current) = (0, String::new());
    for c in body.chars() {
        match c {
            ',' if depth == 0 => parts.push(std::mem::take(&mut current)),
            '{' => {
                depth += 1;
                current.push(c);
            }
            '}' => {
                depth -= 1;
                current.push(c);
            }
            _ => current.push(c),
        }
    }
    parts.push(current);
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand(p).into_iter().map(move |q| format!("{prefix}{q}")))
        .collect()
}

/// `a@b` (an alias) as `a`, inside a tree of paths.
fn strip_aliases(tree: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for c in tree.chars() {
        match c {
            '@' => skipping = true,
            ',' | '}' => {
                skipping = false;
                out.push(c);
            }
            _ if !skipping => out.push(c),
            _ => {}
        }
    }
    out
}

/// Every path starting `crate::`, `super::` or `self::` in the text: in `use` statements, expanded, and inline.
fn paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    // `use` statements: a line that starts with `use` (or `pub use`, `pub(crate) use`), to its `;`.
    let mut rest = String::with_capacity(text.len());
    let mut statement: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let starts = trimmed
            .strip_prefix("pub(crate) ")
            .or_else(|| trimmed.strip_prefix("pub "))
            .unwrap_or(trimmed)
            .strip_prefix("use ");
        match (&mut statement, starts) {
            (Some(s), _) => s.push_str(line),
            (None, Some(body)) => statement = Some(body.to_string()),
            (None, None) => {
                rest.push_str(line);
                rest.push('\n');
            }
        }
        if let Some(s) = &statement
            && let Some(end) = s.find(';')
        {
            out.extend(expand(&s[..end]));
            statement = None;
        }
    }
    for root in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(i) = rest[from..].find(root) {
            let start = from + i;
            let boundary = start == 0 || {
                let b = rest.as_bytes()[start - 1];
                !(b.is_ascii_alphanumeric() || b == b'_' || b == b':' || b == b'$')
            };
            let end = rest[start..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .map_or(rest.len(), |e| start + e);
            if boundary {
                out.push(rest[start..end].trim_end_matches(':').to_string());
            }
            from = end.max(start + 1);
        }
    }
    out
}

/// The file each path of `module` names: the longest module prefix of the resolved path.
fn arrows(
    modules: &BTreeMap<Vec<String>, PathBuf>,
) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let mut out: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (module, file) in modules {
        let text = std::fs::read_to_string(file).expect("a source file is readable");
        for path in paths(&without_tests(&text)) {
            let mut segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
            let mut base: Vec<String> = match segs.first() {
                Some(&"crate") => Vec::new(),
                Some(&"self") => module.clone(),
                Some(&"super") => module[..module.len().saturating_sub(1)].to_vec(),
                _ => continue,
            };
            segs.remove(0);
            while segs.first() == Some(&"super") {
                base.pop();
                segs.remove(0);
            }
            base.extend(segs.iter().map(|s| s.to_string()));
            let target = (1..=base.len())
                .rev()
                .map(|k| base[..k].to_vec())
                .find(|k| modules.contains_key(k));
            if let Some(target) = target
                && &target != module
            {
                out.entry(module.clone()).or_default().insert(target);
            }
        }
    }
    out
}

fn layer(module: &[String]) -> &str {
    module.first().map_or("", String::as_str)
}

/// Arrows that leave their layer for one it does not list.
fn forbidden(arrows: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<String> {
    let allowed: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let mut out = Vec::new();
    for (from, targets) in arrows {
        let (a, layers) = (layer(from), allowed.get(layer(from)).copied());
        for to in targets {
            let b = layer(to);
            match layers {
                _ if a == b => {}
                Some(layers) if layers.contains(&b) => {}
                Some(_) => out.push(format!(
                    "{} -> {} ({a} may not import {b})",
                    from.join("::"),
                    to.join("::")
                )),
                None => out.push(format!(
                    "{}: `{a}` is not in the table of layers",
                    from.join("::")
                )),
            }
        }
    }
    out
}

/// The rings of files that import each other (strongly connected components of more than one file).
fn rings(arrows: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<String>> {
    let nodes: Vec<&Vec<String>> = arrows
        .keys()
        .chain(arrows.values().flatten())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let reach = |from: &Vec<String>| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(n) = stack.pop() {
            for next in arrows.get(&n).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&Vec<String>, BTreeSet<Vec<String>>> =
        nodes.iter().map(|n| (*n, reach(n))).collect();
    let mut out: Vec<Vec<String>> = Vec::new();
    for n in &nodes {
        let ring: Vec<String> = nodes
            .iter()
            .filter(|m| reached[*n].contains(**m) && reached[**m].contains(*n))
            .map(|m| m.join("::"))
            .collect();
        if ring.len() > 1 && !out.contains(&ring) {
            out.push(ring);
        }
    }
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn every_layer_imports_only_the_layers_below_it() {
    let modules = modules(&src());
    let arrows = arrows(&modules);
    // The reading must see the house, or the checks below pass on nothing.
    assert!(modules.len() > 80, "only {} files read", modules.len());
    assert!(
        arrows.values().map(BTreeSet::len).sum::<usize>() > 300,
        "too few arrows read"
    );
    let layers: BTreeSet<&str> = modules.keys().map(|m| layer(m)).collect();
    let named: BTreeSet<&str> = LAYERS.iter().map(|(l, _)| *l).collect();
    assert_eq!(
        layers, named,
        "every folder of src/ is a layer in the table, and no other"
    );
    let bad = forbidden(&arrows);
    assert!(
        bad.is_empty(),
        "arrows pointing up or sideways:\n{}",
        bad.join("\n")
    );
}

#[test]
fn no_files_import_each_other_in_a_ring() {
    let rings = rings(&arrows(&modules(&src())));
    assert!(rings.is_empty(), "files importing each other: {rings:#?}");
}

/// The checker itself: a small tree with one arrow up and one ring is caught.
#[test]
fn the_checker_finds_an_arrow_up_and_a_ring() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let src = dir.path();
    for (file, text) in [
        (
            "pack/mod.rs",
            "use crate::learn::session::Session;\nmod a;\n",
        ),
        ("learn/session.rs", "pub struct Session;\n"),
        (
            "pack/a.rs",
            "use super::b::B;\n#[cfg(test)]\nmod tests { use crate::cli::Cli; }\n",
        ),
        ("pack/b.rs", "pub fn f() { crate::pack::a::g(); }\n"),
    ] {
        std::fs::create_dir_all(src.join(file).parent().expect("a folder")).expect("mkdir");
        std::fs::write(src.join(file), text).expect("write");
    }
    let arrows = arrows(&modules(src));
    let bad = forbidden(&arrows);
    assert_eq!(bad, ["pack -> learn::session (pack may not import learn)"]);
    assert_eq!(
        rings(&arrows),
        [vec!["pack::a".to_string(), "pack::b".to_string()]]
    );
}
