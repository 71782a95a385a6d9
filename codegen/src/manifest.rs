//! The `Cargo.toml` of a generated crate, as text.

use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Crates the generated code may need beyond serde and the runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dependency {
    Chrono,
    Uuid,
    Regex,
    /// The examples' async runtime, a dev-dependency (with the examples, from [`companions`](crate::companions)).
    Tokio,
}

/// Where the generated crate finds `callspec-runtime`, and how it relates to a workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestOptions {
    pub crate_name: String,
    pub description: String,
    /// Path from the crate's folder to `codegen/runtime`.
    pub runtime_path: String,
    /// A member of this repository's workspace (inherits edition and lints) or standalone.
    pub workspace_member: bool,
    /// The first line, naming what wrote the file.
    pub header: String,
}

#[must_use]
pub fn cargo_toml(options: &ManifestOptions, dependencies: &BTreeSet<Dependency>) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "# {}", options.header);
    let _ = writeln!(text, "[package]");
    let _ = writeln!(text, "name = {}", toml_string(&options.crate_name));
    let _ = writeln!(text, "version = \"0.1.0\"");
    let _ = writeln!(text, "description = {}", toml_string(&options.description));
    if options.workspace_member {
        let _ = writeln!(text, "edition.workspace = true");
        let _ = writeln!(text, "license.workspace = true");
        let _ = writeln!(text, "rust-version.workspace = true");
        let _ = writeln!(text, "publish.workspace = true");
    } else {
        let _ = writeln!(text, "edition = \"2021\"");
        let _ = writeln!(text, "rust-version = \"1.85\"");
        let _ = writeln!(text, "publish = false");
        // A crate written outside any workspace must not be claimed by one above it.
        let _ = writeln!(text, "\n[workspace]");
    }
    let _ = writeln!(text, "\n[lib]");
    // Doc comments carry the spec's Markdown, whose code blocks are not Rust.
    let _ = writeln!(text, "doctest = false");
    let _ = writeln!(text, "\n[dependencies]");
    let _ = writeln!(
        text,
        "callspec-runtime = {{ path = {} }}",
        toml_string(&options.runtime_path)
    );
    if dependencies.contains(&Dependency::Chrono) {
        let _ = writeln!(text, "chrono = {{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }}");
    }
    if dependencies.contains(&Dependency::Regex) {
        let _ = writeln!(text, "regex = \"1\"");
    }
    let _ = writeln!(
        text,
        "serde = {{ version = \"1\", features = [\"derive\"] }}"
    );
    let _ = writeln!(text, "serde_json = \"1\"");
    if dependencies.contains(&Dependency::Uuid) {
        let _ = writeln!(text, "uuid = {{ version = \"1\", features = [\"serde\"] }}");
    }
    let _ = writeln!(text, "\n[features]");
    let _ = writeln!(
        text,
        "# A span per request (operation, method, path, attempt, status, request id) and an event per retry."
    );
    let _ = writeln!(text, "tracing = [\"callspec-runtime/tracing\"]");
    if dependencies.contains(&Dependency::Tokio) {
        let _ = writeln!(text, "\n[dev-dependencies]");
        let _ = writeln!(
            text,
            "tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}"
        );
    }
    text
}

fn toml_string(value: &str) -> String {
    let escaped: String = value
        .chars()
        .flat_map(|c| match c {
            '"' => vec!['\\', '"'],
            '\\' => vec!['\\', '\\'],
            '\n' => vec!['\\', 'n'],
            c if c.is_control() => format!("\\u{:04X}", u32::from(c)).chars().collect(),
            c => vec![c],
        })
        .collect();
    format!("\"{escaped}\"")
}
