//! Reading a spec file through the project's one loader.

use std::path::Path;

use anyhow::Context;

use crate::paths::display;

/// Loads the spec at `path`, printing the loader's warnings; errors name the file and where.
pub fn load(path: &Path) -> anyhow::Result<codegen::LoadedSpec> {
    let name = display(path);
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {name}"))?;
    let spec = codegen::load(&name, &text)?;
    for warning in &spec.warnings {
        eprintln!("warning: {name}{warning}");
    }
    Ok(spec)
}
