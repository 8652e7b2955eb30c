//! `morsel import mdbook`: a stub until the mdBook importer lands (another branch replaces this file).

use std::path::Path;

use super::Import;

/// Imports the mdBook in `book_dir`. Not written yet.
pub fn import(book_dir: &Path) -> anyhow::Result<Import> {
    anyhow::bail!(
        "importing an mdBook ({}) is not yet supported",
        book_dir.display()
    )
}
