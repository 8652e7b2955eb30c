//! The bundled courses (`courses/*` of the repository), embedded in the binary by `build.rs`, and installed into the
//! data folder's `courses/` so that `morsel` finds them wherever it runs. Each installed copy carries a marker
//! (`.morsel-bundled`: the course id, the morsel that wrote it and a hash of what it wrote). A copy the learner has
//! edited (its files no longer hash as written) is never touched again; an untouched copy is replaced when a newer
//! morsel bundles a different version; a folder of that name without a marker is the learner's own and is left
//! alone. A pack elsewhere on the course path with a bundled course's id wins over the installed copy
//! (`shadowed`), so a clone of the repository plays its own `courses/`. Progress is kept by course id, so it
//! follows a course from one copy to another.

use std::io;
use std::path::{Path, PathBuf};

mod files {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

/// The marker file in an installed copy.
pub(crate) const MARKER: &str = ".morsel-bundled";

/// One bundled course.
#[derive(Debug, Clone)]
pub(crate) struct Course {
    /// Its folder under `courses/`, also the folder it is installed as.
    pub(crate) dir: &'static str,
    /// The course id from its `course.toml` (the folder's name if that cannot be read).
    pub id: String,
    /// Its files: the path under its folder, and the bytes.
    files: Vec<(&'static str, &'static [u8])>,
}

impl Course {
    /// What this morsel bundles, as a hash of every file's path and bytes.
    fn hash(&self) -> String {
        hash(self.files.iter().map(|(p, b)| (p.to_string(), b.to_vec())))
    }
}

/// Every bundled course, in folder order.
pub(crate) fn courses() -> Vec<Course> {
    let mut courses: Vec<Course> = Vec::new();
    for (path, bytes) in files::FILES {
        let Some((dir, rest)) = path.split_once('/') else {
            continue;
        };
        match courses.last_mut() {
            Some(c) if c.dir == dir => c.files.push((rest, bytes)),
            _ => courses.push(Course {
                dir,
                id: String::new(),
                files: vec![(rest, bytes)],
            }),
        }
    }
    for course in &mut courses {
        course.id = course
            .files
            .iter()
            .find(|(p, _)| *p == "course.toml")
            .and_then(|(_, b)| id_in(&String::from_utf8_lossy(b)))
            .unwrap_or_else(|| course.dir.to_string());
    }
    courses
}

/// Where a bundled course stands in a courses folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    /// Not there yet: `install` writes it.
    Missing,
    /// Installed and untouched, as this morsel bundles it.
    Current,
    /// Installed by an older morsel, untouched: `install` replaces it with this morsel's version.
    Older,
    /// Installed by a newer morsel, untouched: left as it is.
    Newer,
    /// Installed, then edited by the learner: never touched again.
    Edited,
    /// A folder of that name that morsel did not install: the learner's own, left alone (the bundled course is
    /// not installed).
    Own,
}

/// A bundled course and its copy in a courses folder.
#[derive(Debug, Clone)]
pub(crate) struct Copy {
    pub(crate) course: Course,
    /// Where it is (or would be) installed.
    pub(crate) path: PathBuf,
    pub(crate) state: State,
}

/// How each bundled course stands in `dir` (the data folder's `courses/`), without writing anything.
pub(crate) fn inspect(dir: &Path) -> Vec<Copy> {
    courses()
        .into_iter()
        .map(|course| {
            let path = dir.join(course.dir);
            let state = state_of(&course, &path);
            Copy {
                course,
                path,
                state,
            }
        })
        .collect()
}

fn state_of(course: &Course, path: &Path) -> State {
    if !path.exists() {
        return State::Missing;
    }
    let Some(marker) = read_small(&path.join(MARKER)).and_then(|t| Marker::parse(&t)) else {
        return State::Own;
    };
    if hash_dir(path).as_deref() != Some(marker.hash.as_str()) {
        return State::Edited;
    }
    if marker.hash == course.hash() {
        State::Current
    } else if newer(&marker.morsel, env!("CARGO_PKG_VERSION")) {
        State::Newer
    } else {
        State::Older
    }
}

/// Installs what is missing and replaces untouched older copies in `dir`; returns every course's copy as it stands
/// after, and the problems met (a course that could not be written is left as it was).
pub(crate) fn install(dir: &Path) -> (Vec<Copy>, Vec<InstallError>) {
    let mut problems = Vec::new();
    let mut copies = inspect(dir);
    for copy in &mut copies {
        if matches!(copy.state, State::Missing | State::Older) {
            match write(&copy.course, &copy.path) {
                Ok(()) => copy.state = State::Current,
                Err(cause) => problems.push(InstallError {
                    id: copy.course.id.clone(),
                    path: copy.path.clone(),
                    cause,
                }),
            }
        }
    }
    (copies, problems)
}

#[derive(Debug, thiserror::Error)]
#[error("the bundled course {id} could not be installed in {}: {cause}", crate::text::sanitize(&path.display().to_string()))]
pub(crate) struct InstallError {
    pub(crate) id: String,
    pub(crate) path: PathBuf,
    pub(crate) cause: io::Error,
}

/// Writes the course under a private name beside `path`, then moves it into place (an older copy aside first, and
/// then removed), so that no half-written course is ever seen under its name.
fn write(course: &Course, path: &Path) -> io::Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let private =
        |what: &str| parent.join(format!(".{}.{what}-{}", course.dir, std::process::id()));
    let fresh = private("new");
    let _ = std::fs::remove_dir_all(&fresh);
    let written = (|| -> io::Result<()> {
        for (rel, bytes) in &course.files {
            let file = fresh.join(rel);
            if let Some(dir) = file.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&file, bytes)?;
        }
        let marker = Marker {
            id: course.id.clone(),
            morsel: env!("CARGO_PKG_VERSION").to_string(),
            hash: course.hash(),
        };
        std::fs::write(fresh.join(MARKER), marker.to_text())?;
        let old = private("old");
        if path.exists() {
            std::fs::rename(path, &old)?;
        }
        let moved = std::fs::rename(&fresh, path);
        if old.exists() {
            match &moved {
                Ok(()) => std::fs::remove_dir_all(&old)?,
                Err(_) => std::fs::rename(&old, path)?,
            }
        }
        moved
    })();
    let _ = std::fs::remove_dir_all(&fresh);
    match written {
        // Another morsel installed it at the same moment: theirs is the same course.
        Err(_) if path.join(MARKER).is_file() => Ok(()),
        other => other,
    }
}

/// The marker of an installed copy.
struct Marker {
    id: String,
    morsel: String,
    hash: String,
}

impl Marker {
    fn to_text(&self) -> String {
        format!(
            "# Installed by morsel from its bundled courses. While the files here are as installed, a newer morsel\n\
             # replaces them with its own version; once you edit any of them, morsel never touches this folder again.\n\
             id = {}\nmorsel = {}\nhash = {}\n",
            toml_string(&self.id),
            toml_string(&self.morsel),
            toml_string(&self.hash)
        )
    }

    fn parse(text: &str) -> Option<Self> {
        let table: toml::Table = toml::from_str(text).ok()?;
        let get = |key: &str| table.get(key)?.as_str().map(str::to_string);
        Some(Self {
            id: get("id")?,
            morsel: get("morsel")?,
            hash: get("hash")?,
        })
    }
}

/// The course id of an installed bundled copy at `pack`, if it is one.
pub(crate) fn installed_id(pack: &Path) -> Option<String> {
    Marker::parse(&read_small(&pack.join(MARKER))?).map(|m| m.id)
}

/// `text` as a TOML basic string, quoted and escaped by the toml crate's own writer.
fn toml_string(text: &str) -> String {
    use toml_writer::ToTomlValue as _;
    toml_writer::TomlStringBuilder::new(text)
        .as_basic()
        .to_toml_value()
}

/// The `id` in a `course.toml`'s text, read without the pack loader (the course path's listing must stay cheap).
pub(crate) fn id_in(course_toml: &str) -> Option<String> {
    let table: toml::Table = toml::from_str(course_toml).ok()?;
    table.get("id")?.as_str().map(str::to_string)
}

/// The course id of the pack at `pack`, from its `course.toml`.
pub(crate) fn pack_id(pack: &Path) -> Option<String> {
    id_in(&read_small(&pack.join("course.toml"))?)
}

/// A small text file of a course folder, read as the pack loader reads one: a regular file within the size limit, so
/// that a FIFO or a device in its place is passed over at once instead of hanging the listing.
fn read_small(path: &Path) -> Option<String> {
    String::from_utf8(crate::pack::source::read_regular(path).ok()?).ok()
}

/// The installed bundled copies among `packs` that another pack among them has the id of: a folder on the course
/// path with a bundled course's id wins over the bundled copy. Returns, for each left out, its path and the pack
/// that wins.
pub(crate) fn shadowed(packs: &[PathBuf]) -> Vec<(PathBuf, PathBuf)> {
    let installed: Vec<(usize, String)> = packs
        .iter()
        .enumerate()
        .filter_map(|(i, p)| installed_id(p).map(|id| (i, id)))
        .collect();
    if installed.is_empty() {
        return Vec::new();
    }
    let others: Vec<(&PathBuf, Option<String>)> = packs
        .iter()
        .enumerate()
        .filter(|(i, _)| !installed.iter().any(|(j, _)| j == i))
        .map(|(_, p)| (p, pack_id(p)))
        .collect();
    installed
        .into_iter()
        .filter_map(|(i, id)| {
            others
                .iter()
                .find(|(_, other)| other.as_deref() == Some(id.as_str()))
                .map(|(winner, _)| (packs[i].clone(), (*winner).clone()))
        })
        .collect()
}

/// Where each course on the course path comes from, as `morsel paths` says it: (course id, source), in course
/// path order, then the bundled courses not installed yet.
/// `all` is every pack on the course path (`Paths::all_packs`), `home` the folder the bundled courses are installed
/// in when it is on the path (`Paths::bundled_home`).
pub(crate) fn sources(all: &[PathBuf], home: Option<&Path>) -> Vec<(String, String)> {
    let shadowed = shadowed(all);
    let copies = home.map(inspect);
    let mut out = Vec::new();
    for pack in all {
        let shown = pack.display().to_string();
        let id = pack_id(pack).unwrap_or_else(|| "(no id)".to_string());
        let state = copies
            .iter()
            .flatten()
            .find(|c| &c.path == pack && installed_id(pack).is_some())
            .map(|c| c.state);
        let source = if let Some((_, winner)) = shadowed.iter().find(|(p, _)| p == pack) {
            format!(
                "bundled, installed in {shown}; not used, since {} has its id",
                winner.display()
            )
        } else {
            match state {
                Some(State::Edited) => {
                    format!("bundled, installed in {shown}; edited there, so never updated")
                }
                Some(State::Newer) => {
                    format!("bundled, installed in {shown} by a newer morsel")
                }
                Some(_) => format!("bundled, installed in {shown}"),
                None if shadowed.iter().any(|(_, w)| w == pack) => {
                    format!("{shown} (on the course path: wins over the bundled copy of this id)")
                }
                None => shown,
            }
        };
        out.push((id, source));
    }
    for copy in copies.iter().flatten() {
        match copy.state {
            State::Missing => out.push((
                copy.course.id.clone(),
                format!(
                    "bundled, installed in {} when morsel first lists its courses",
                    copy.path.display()
                ),
            )),
            State::Own => out.push((
                copy.course.id.clone(),
                format!(
                    "bundled, not installed: {} is a folder of yours",
                    copy.path.display()
                ),
            )),
            _ => {}
        }
    }
    if copies.is_none() {
        for course in courses() {
            out.push((
                course.id,
                "bundled, not installed: the course path (--courses, MORSEL_COURSES) leaves out the data folder"
                    .to_string(),
            ));
        }
    }
    out
}

/// Whether version `a` is newer than `b` (dotted numbers; anything else compares as 0).
fn newer(a: &str, b: &str) -> bool {
    let parts = |v: &str| -> Vec<u64> {
        v.split(['.', '-', '+'])
            .take(3)
            .map(|p| p.parse().unwrap_or(0))
            .collect()
    };
    parts(a) > parts(b)
}

/// FNV-1a (64-bit) over each file's path and bytes in path order: stable across builds and Rust versions.
fn hash(files: impl Iterator<Item = (String, Vec<u8>)>) -> String {
    let mut files: Vec<(String, Vec<u8>)> = files.collect();
    files.sort();
    let mut h = crate::text::hash::Fnv64::default();
    for (path, bytes) in &files {
        h.write(path.as_bytes())
            .write(&[0])
            .write(&(bytes.len() as u64).to_le_bytes())
            .write(bytes);
    }
    h.hex()
}

/// The hash of an installed copy's files as they are now (the marker left out); `None` if it cannot be read.
fn hash_dir(root: &Path) -> Option<String> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).ok()? {
            let entry = entry.ok()?;
            let path = entry.path();
            let kind = entry.file_type().ok()?;
            if kind.is_dir() {
                stack.push(path);
            } else if path != root.join(MARKER) {
                let rel: Vec<String> = path
                    .strip_prefix(root)
                    .ok()?
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                files.push((rel.join("/"), std::fs::read(&path).ok()?));
            }
        }
    }
    Some(hash(files.into_iter()))
}

#[cfg(test)]
mod tests;
