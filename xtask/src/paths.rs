//! Where the repository's parts are, wherever `cargo xtask` is run from.

use std::path::{Path, PathBuf};

/// The repository root (the workspace that holds `xtask/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The curated specs, in a stable order.
pub fn curated_specs() -> anyhow::Result<Vec<PathBuf>> {
    let dir = repo_root().join("spec");
    let mut specs = Vec::new();
    for entry in
        std::fs::read_dir(&dir).map_err(|err| anyhow::anyhow!("{}: {err}", dir.display()))?
    {
        let path = entry?.path();
        if path
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml" || ext == "json")
        {
            specs.push(path);
        }
    }
    specs.sort();
    Ok(specs)
}

/// `path` as a user would type it from the repository root, when it is inside the repository.
pub fn display(path: &Path) -> String {
    path.strip_prefix(repo_root())
        .unwrap_or(path)
        .display()
        .to_string()
}
