//! The inputs `scripts/bench-peers.sh` times morsel and its peers on: generated Markdown of about 0.4 KB, 100 KB
//! and 1 MB with headings, paragraphs, lists, tables and fenced code in eight languages, every code block different.
//! The same seed gives the same bytes on every machine.
//!
//! `cargo run --release --example peer_inputs -- DIR` writes `DIR/{small,medium,large}/` (each a one-lesson pack:
//! `course.toml` and `lessons/doc.md`, which the peers read directly), and `DIR/huge-code/`, one 16,000-line block.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// The sizes written, by name: about 0.4 KB, 100 KB and 1 MB.
const SIZES: [(&str, usize); 3] = [("small", 400), ("medium", 100_000), ("large", 1_000_000)];

/// Lines of the one code block of `huge-code`.
const HUGE_LINES: usize = 16_000;

/// SplitMix64: a few lines, no crate, the same sequence everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

const WORDS: &[&str] = &[
    "branch", "commit", "lesson", "parser", "value", "tree", "index", "buffer", "width", "theme",
    "render", "quiz", "answer", "bite", "course", "remote", "review", "state", "token", "scope",
    "line", "block", "table", "cell", "learner", "reader", "terminal", "colour", "syntax",
    "stream", "merge", "rebase", "cache", "frame", "event",
];

/// An identifier such as `parse_buffer2`.
fn ident(rng: &mut Rng) -> String {
    format!("{}_{}{}", rng.pick(WORDS), rng.pick(WORDS), rng.below(10))
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        let word = rng.pick(WORDS);
        match rng.below(12) {
            0 => write!(s, "*{word}*"),
            1 => write!(s, "**{word}**"),
            2 => write!(s, "`{word}()`"),
            3 => write!(s, "[{word}](https://example.org/{word})"),
            _ => write!(s, "{word}"),
        }
        .ok();
    }
    s.push('.');
    s
}

/// One line of code in `language`, different each time.
fn code_line(rng: &mut Rng, language: &str) -> String {
    let (a, b, n) = (ident(rng), ident(rng), rng.below(10_000));
    match (language, rng.below(3)) {
        ("rust", 0) => format!(
            "    let {a}: u64 = {b}.len() as u64 + {n}; // {}",
            rng.pick(WORDS)
        ),
        ("rust", 1) => format!("    if {a} > {n} {{ return Err(\"{b}\".into()); }}"),
        ("rust", _) => format!("    {a}.push(\"{b}\".to_string());"),
        ("python", 0) => format!(
            "    {a} = [{b} * {n} for {b} in range({n})]  # {}",
            rng.pick(WORDS)
        ),
        ("python", 1) => format!("    if {a} is not None: return f\"{{{b}}}\""),
        ("python", _) => format!("    {a}.append('{b}')"),
        ("javascript", 0) => format!(
            "  const {a} = await fetch(`/{b}/${{{n}}}`); // {}",
            rng.pick(WORDS)
        ),
        ("javascript", 1) => format!("  if ({a} === {n}) {{ return {b}.map((x) => x * 2); }}"),
        ("javascript", _) => format!("  let {a} = {{ key: \"{b}\", n: {n} }};"),
        ("go", 0) => format!("\t{a} := make([]int, {n}) // {}", rng.pick(WORDS)),
        ("go", 1) => {
            format!("\tif err := {a}({b}); err != nil {{ return fmt.Errorf(\"{b}: %w\", err) }}")
        }
        ("go", _) => format!("\t{a} = append({a}, \"{b}\")"),
        ("c", 0) => format!("    int {a} = {b}[{n}]; /* {} */", rng.pick(WORDS)),
        ("c", 1) => format!("    if ({a} != NULL) {{ printf(\"%s %d\\n\", \"{b}\", {n}); }}"),
        ("c", _) => format!("    {a} = malloc(sizeof(struct {b}) * {n});"),
        ("bash", 0) => format!("{a}=\"${{{b}:-{n}}}\"  # {}", rng.pick(WORDS)),
        ("bash", 1) => format!("if [ -n \"${a}\" ]; then echo \"{b} $(( {n} + 1 ))\"; fi"),
        ("bash", _) => format!("grep -r '{b}' \"$HOME/{a}\" | wc -l"),
        ("toml", 0) => format!("{a} = \"{b}\" # {}", rng.pick(WORDS)),
        ("toml", 1) => format!("{a} = [{n}, {}, true]", rng.below(100)),
        ("toml", _) => format!("{a} = {{ name = \"{b}\", size = {n} }}"),
        (_, 0) => format!("  \"{a}\": \"{b}\","),
        (_, 1) => format!("  \"{a}\": [{n}, {}, null],", rng.below(100)),
        (_, _) => format!("  \"{a}\": {{ \"{b}\": {n} }},"),
    }
}

const LANGUAGES: [&str; 8] = [
    "rust",
    "python",
    "javascript",
    "go",
    "c",
    "bash",
    "toml",
    "json",
];

/// A fenced block of `lines` lines in `language`, framed as that language expects.
fn code_block(rng: &mut Rng, language: &str, lines: usize) -> String {
    let (open, close) = match language {
        "rust" => (
            format!("fn {}() -> Result<(), String> {{", ident(rng)),
            "}".to_owned(),
        ),
        "python" => (format!("def {}():", ident(rng)), String::new()),
        "javascript" => (
            format!("async function {}() {{", ident(rng)),
            "}".to_owned(),
        ),
        "go" => (format!("func {}() error {{", ident(rng)), "}".to_owned()),
        "c" => (format!("int {}(void) {{", ident(rng)), "}".to_owned()),
        "bash" => ("#!/bin/sh".to_owned(), String::new()),
        "toml" => (format!("[{}]", ident(rng)), String::new()),
        _ => ("{".to_owned(), "  \"end\": true\n}".to_owned()),
    };
    let mut s = format!("```{language}\n{open}\n");
    for _ in 0..lines {
        s.push_str(&code_line(rng, language));
        s.push('\n');
    }
    if !close.is_empty() {
        s.push_str(&close);
        s.push('\n');
    }
    s.push_str("```\n\n");
    s
}

/// Markdown of at least `target` bytes: headings, paragraphs, lists, tables and code in turn.
fn document(rng: &mut Rng, target: usize) -> String {
    let mut doc = String::new();
    let mut part = 0usize;
    let mut blocks = 0usize;
    // The smallest input still has one of each kind, with fewer words.
    let small = target < 1_000;
    let words = |rng: &mut Rng, least: usize, spread: usize| {
        if small {
            least
        } else {
            least + rng.below(spread)
        }
    };
    while doc.len() < target {
        match part % 5 {
            0 => {
                let level = if part.is_multiple_of(25) { "#" } else { "##" };
                writeln!(
                    doc,
                    "{level} The {} of {}\n",
                    rng.pick(WORDS),
                    rng.pick(WORDS)
                )
                .ok();
            }
            1 => {
                let words = words(rng, 6, 40);
                writeln!(doc, "{}\n", sentence(rng, words)).ok();
            }
            2 => {
                let ordered = rng.below(2) == 0;
                for i in 0..words(rng, 2, 4) {
                    let marker = if ordered {
                        format!("{}.", i + 1)
                    } else {
                        "-".to_owned()
                    };
                    let count = words(rng, 3, 10);
                    writeln!(doc, "{marker} {}", sentence(rng, count)).ok();
                    if !small && rng.below(4) == 0 {
                        writeln!(doc, "  - {}", sentence(rng, 4)).ok();
                    }
                }
                doc.push('\n');
            }
            3 => {
                doc.push_str("| name | kind | size |\n|---|:---:|---:|\n");
                for _ in 0..words(rng, 1, 4) {
                    let count = words(rng, 1, 5);
                    writeln!(
                        doc,
                        "| `{}` | {} | {} |",
                        ident(rng),
                        sentence(rng, count),
                        rng.below(100_000)
                    )
                    .ok();
                }
                doc.push('\n');
            }
            _ => {
                let language = LANGUAGES[blocks % LANGUAGES.len()];
                blocks += 1;
                let lines = words(rng, 2, 24);
                doc.push_str(&code_block(rng, language, lines));
            }
        }
        part += 1;
    }
    doc
}

fn write_pack(dir: &Path, id: &str, markdown: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("lessons"))?;
    std::fs::write(
        dir.join("course.toml"),
        format!(
            "format = 1\nid = \"{id}\"\ntitle = \"Peer input {id}\"\nlessons = [\"lessons/doc.md\"]\n"
        ),
    )?;
    std::fs::write(dir.join("lessons/doc.md"), markdown)
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: peer_inputs DIR");
        return ExitCode::from(2);
    };
    let dir = Path::new(&dir);
    let mut rng = Rng(0x6D6F_7273_656C);
    for (name, size) in SIZES {
        let markdown = format!("# Peer input {name}\n\n{}", document(&mut rng, size));
        if let Err(e) = write_pack(&dir.join(name), name, &markdown) {
            eprintln!(
                "peer_inputs: cannot write {}: {e}",
                dir.join(name).display()
            );
            return ExitCode::FAILURE;
        }
        println!("{name}: {} bytes", markdown.len());
    }
    let huge = format!(
        "# One huge block\n\n{}",
        code_block(&mut rng, "rust", HUGE_LINES - 2)
    );
    if let Err(e) = write_pack(&dir.join("huge-code"), "huge-code", &huge) {
        eprintln!(
            "peer_inputs: cannot write {}: {e}",
            dir.join("huge-code").display()
        );
        return ExitCode::FAILURE;
    }
    println!(
        "huge-code: {} bytes, one {HUGE_LINES}-line block",
        huge.len()
    );
    ExitCode::SUCCESS
}
