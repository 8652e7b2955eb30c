//! Where morsel keeps things: XDG locations on every OS (`$XDG_DATA_HOME/morsel`, `$XDG_CONFIG_HOME/morsel`), each
//! overridable by a flag and an environment variable. `morsel paths` prints them. The default course path ends with
//! the data folder's `courses/`, where the bundled courses are installed (`bundled`); a pack elsewhere on the path
//! with a bundled course's id wins over the installed copy.

use std::path::{Path, PathBuf};

use etcetera::BaseStrategy;

/// The resolved locations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// The progress database (`--db`, `MORSEL_DB`).
    pub db: PathBuf,
    /// The config file (`--config`, `MORSEL_CONFIG`).
    pub config: PathBuf,
    /// morsel's data directory.
    pub(crate) data_dir: PathBuf,
    /// What can be rebuilt from the packs at any time (`$XDG_CACHE_HOME/morsel`): the lesson index of large packs.
    pub cache_dir: PathBuf,
    /// Where courses are looked for (`--courses`, `MORSEL_COURSES`), in order.
    pub(crate) courses: Vec<PathBuf>,
}

/// No home directory to put the default locations under.
#[derive(Debug, thiserror::Error)]
#[error("cannot find your home directory to place morsel's files; set --db and --courses, or HOME")]
pub struct NoHome;

impl Paths {
    /// Resolves every location: an explicit value (from a flag or its environment variable) wins over the XDG
    /// default. The default course path is `./courses`, then the data directory's `courses/`.
    pub fn resolve(
        db: Option<PathBuf>,
        config: Option<PathBuf>,
        courses: Vec<PathBuf>,
    ) -> Result<Self, NoHome> {
        let xdg = etcetera::base_strategy::Xdg::new().ok();
        let data_dir = match &xdg {
            Some(xdg) => xdg.data_dir().join("morsel"),
            None if db.is_some() && !courses.is_empty() => PathBuf::from("."),
            None => return Err(NoHome),
        };
        let config = match (config, &xdg) {
            (Some(config), _) => config,
            (None, Some(xdg)) => xdg.config_dir().join("morsel").join("config.toml"),
            (None, None) => PathBuf::from("morsel.toml"),
        };
        let cache_dir = match &xdg {
            Some(xdg) => xdg.cache_dir().join("morsel"),
            None => data_dir.join("cache"),
        };
        let courses = if courses.is_empty() {
            vec![PathBuf::from("courses"), data_dir.join("courses")]
        } else {
            courses
        };
        Ok(Self {
            db: db.unwrap_or_else(|| data_dir.join("progress.db")),
            config,
            data_dir,
            cache_dir,
            courses,
        })
    }

    /// The data folder's `courses/`, where the bundled courses are installed, when it is on the course path
    /// (always, unless `--courses` or `MORSEL_COURSES` replaces the path).
    pub(crate) fn bundled_home(&self) -> Option<PathBuf> {
        let home = self.data_dir.join("courses");
        self.courses.contains(&home).then_some(home)
    }

    /// Every pack on the course path: an entry that is itself a pack, or the packs directly inside it, in name
    /// order; the first pack found with a given directory wins, and an installed bundled course gives way to a
    /// pack with its id (`bundled::shadowed`).
    pub(crate) fn packs(&self) -> Vec<PathBuf> {
        let mut packs = self.all_packs();
        let shadowed = crate::app::bundled::shadowed(&packs);
        packs.retain(|p| !shadowed.iter().any(|(gone, _)| gone == p));
        packs
    }

    /// Every pack on the course path, installed bundled copies that another pack shadows included.
    pub(crate) fn all_packs(&self) -> Vec<PathBuf> {
        let mut packs: Vec<PathBuf> = Vec::new();
        for dir in &self.courses {
            let found = if is_pack(dir) {
                vec![dir.clone()]
            } else {
                let mut inside: Vec<PathBuf> = std::fs::read_dir(dir)
                    .map(|entries| {
                        entries
                            .filter_map(Result::ok)
                            .map(|e| e.path())
                            .filter(|p| is_pack(p))
                            .collect()
                    })
                    .unwrap_or_default();
                inside.sort();
                inside
            };
            for pack in found {
                let real = pack.canonicalize().unwrap_or_else(|_| pack.clone());
                if !packs
                    .iter()
                    .any(|p| p.canonicalize().unwrap_or_else(|_| p.clone()) == real)
                {
                    packs.push(pack);
                }
            }
        }
        packs
    }
}

/// A folder holding a `course.toml` of any kind: one that is not a regular file (a FIFO, a folder) makes a pack that
/// is listed as broken, with the loader's reason, rather than left out without a word.
fn is_pack(dir: &Path) -> bool {
    dir.join("course.toml").exists()
}
