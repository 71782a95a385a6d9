//! What keeps the source tree as ARCHITECTURE.md says it is: its module map names every source
//! file and only those; no two modules import each other unless one holds the other; a file over
//! 650 lines says at its top why it is one file; and no file is a grab bag (`utils.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The source folders of the crates the map describes.
const SOURCES: [&str; 7] = [
    "codegen/src",
    "codegen/runtime/src",
    "codegen/fixture-tests/src",
    "conformance/src",
    "conformance/yardstick/src",
    "fuzz/harness/src",
    "xtask/src",
];

/// Beyond this many lines a file says why it is one file.
const LONG: usize = 650;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repository")
        .to_path_buf()
}

/// Every `.rs` file under `dir`, as a path from the repository root with `/` separators.
fn rust_files(dir: &Path, found: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root()).unwrap_or(&path);
            found.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

fn sources() -> Vec<String> {
    let mut found = Vec::new();
    for dir in SOURCES {
        rust_files(&root().join(dir), &mut found);
    }
    found.sort();
    found
}

/// Unit-test modules (`tests.rs`) sit beside what they test and are not part of the map.
fn is_test_module(path: &str) -> bool {
    path.ends_with("/tests.rs")
}

/// The files ARCHITECTURE.md's "Modules" section lists: each bullet opens with a folder in
/// backticks (`` - `codegen/src/api/`: ``) and names its files (`` `path.rs` ``).
fn mapped() -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let section = text
        .split("\n## Modules\n")
        .nth(1)
        .expect("ARCHITECTURE.md has a `## Modules` section");
    let section = section.split("\n## ").next().unwrap_or(section);
    let mut files = BTreeSet::new();
    let mut folder: Option<String> = None;
    for line in section.lines() {
        if let Some(rest) = line.strip_prefix("- `") {
            folder = rest
                .split_once('`')
                .map(|(dir, _)| dir.to_owned())
                .filter(|dir| dir.ends_with('/'));
        }
        let Some(dir) = &folder else { continue };
        for (index, token) in line.split('`').enumerate() {
            if index % 2 == 1 && token.ends_with(".rs") && !token.contains('/') {
                files.insert(format!("{dir}{token}"));
            }
        }
    }
    files
}

#[test]
fn the_module_map_names_every_source_file_and_only_those() {
    let on_disk: BTreeSet<String> = sources()
        .into_iter()
        .filter(|path| !is_test_module(path))
        .collect();
    let listed = mapped();
    let unlisted: Vec<&String> = on_disk.difference(&listed).collect();
    let stale: Vec<&String> = listed.difference(&on_disk).collect();
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "ARCHITECTURE.md's module map is out of date.\n  not in the map: {unlisted:?}\n  \
         in the map but not in the tree: {stale:?}"
    );
}

/// A source file's module path within its crate (`["api", "path"]` for
/// `codegen/src/api/path.rs`), and the crate's source folder.
fn module_of(path: &str) -> Option<(&'static str, Vec<String>)> {
    let source = SOURCES
        .iter()
        .filter(|dir| path.starts_with(&format!("{dir}/")))
        .max_by_key(|dir| dir.len())?;
    let rest = &path[source.len() + 1..];
    let rest = rest.strip_suffix(".rs")?;
    let mut parts: Vec<String> = rest.split('/').map(str::to_owned).collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    Some((source, parts))
}

/// The modules of the same crate that `text` (the file of module `own`) names: `crate::a::b`
/// paths and `super::` paths, each cut to the longest prefix that is a module.
fn references(
    text: &str,
    own: &[String],
    modules: &BTreeSet<Vec<String>>,
) -> BTreeSet<Vec<String>> {
    let mut found = BTreeSet::new();
    let code: String = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    // `use` trees flattened (`crate::{a::X, b::{c::Y}}` → `crate::a::X`, `crate::b::c::Y`),
    // then every other path written inline.
    let mut paths = Vec::new();
    for statement in code.split(';') {
        let statement = statement.trim();
        let tree = statement
            .strip_prefix("pub(crate) use ")
            .or_else(|| statement.strip_prefix("pub(super) use "))
            .or_else(|| statement.strip_prefix("pub use "))
            .or_else(|| statement.rsplit_once("\nuse ").map(|(_, tree)| tree))
            .or_else(|| statement.strip_prefix("use "));
        if let Some(tree) = tree {
            flatten(tree, "", &mut paths);
        }
    }
    let words: Vec<String> = code
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .filter(|w| w.contains("::"))
        .map(str::to_owned)
        .chain(paths)
        .collect();
    for word in &words {
        let segments: Vec<&str> = word.split("::").filter(|s| !s.is_empty()).collect();
        let (mut base, rest): (Vec<String>, &[&str]) = match segments.first() {
            Some(&"crate") => (Vec::new(), &segments[1..]),
            Some(&"super") => {
                let mut base = own.to_vec();
                let mut index = 0;
                while segments.get(index) == Some(&"super") {
                    base.pop();
                    index += 1;
                }
                (base, &segments[index..])
            }
            _ => continue,
        };
        let mut longest = None;
        for segment in rest {
            base.push((*segment).to_owned());
            if modules.contains(&base) {
                longest = Some(base.clone());
            }
        }
        if let Some(module) = longest {
            found.insert(module);
        }
    }
    found
}

/// The paths a `use` tree names, each with `prefix` before it.
fn flatten(tree: &str, prefix: &str, paths: &mut Vec<String>) {
    let tree: String = tree.split_whitespace().collect();
    match tree.find('{') {
        None => paths.push(format!("{prefix}{tree}")),
        Some(open) => {
            let head = format!("{prefix}{}", &tree[..open]);
            let inner = tree[open + 1..]
                .strip_suffix('}')
                .unwrap_or(&tree[open + 1..]);
            let mut depth = 0;
            let mut start = 0;
            for (index, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        flatten(&inner[start..index], &head, paths);
                        start = index + 1;
                    }
                    _ => {}
                }
            }
            if start < inner.len() {
                flatten(&inner[start..], &head, paths);
            }
        }
    }
}

fn contains(outer: &[String], inner: &[String]) -> bool {
    inner.len() >= outer.len() && inner[..outer.len()] == *outer
}

#[test]
fn no_two_modules_import_each_other() {
    let files: Vec<String> = sources()
        .into_iter()
        .filter(|path| !is_test_module(path))
        .collect();
    let mut by_crate: BTreeMap<&str, BTreeMap<Vec<String>, String>> = BTreeMap::new();
    for path in &files {
        if let Some((source, module)) = module_of(path) {
            by_crate
                .entry(source)
                .or_default()
                .insert(module, path.clone());
        }
    }
    let mut cycles = Vec::new();
    for modules in by_crate.values() {
        let names: BTreeSet<Vec<String>> = modules.keys().cloned().collect();
        let mut edges: BTreeMap<&Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
        for (module, path) in modules {
            let text = std::fs::read_to_string(root().join(path)).expect("a readable source");
            let named = references(&text, module, &names)
                .into_iter()
                .filter(|other| !contains(module, other) && !contains(other, module))
                .collect();
            edges.insert(module, named);
        }
        for (module, named) in &edges {
            for other in named {
                let back = edges
                    .get(other)
                    .is_some_and(|theirs| theirs.contains(*module));
                if back && *module < other {
                    cycles.push(format!("{} <-> {}", modules[*module], modules[other]));
                }
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "modules that import each other (move what both need below them): {cycles:#?}"
    );
}

#[test]
fn long_files_say_why_they_are_one_file() {
    let mut unexplained = Vec::new();
    for path in sources() {
        let text = std::fs::read_to_string(root().join(&path)).expect("a readable source");
        let lines = text.lines().count();
        let head: String = text.lines().take(12).collect::<Vec<_>>().join("\n");
        if lines > LONG && !head.contains("one file") {
            unexplained.push(format!("{path} ({lines} lines)"));
        }
    }
    assert!(
        unexplained.is_empty(),
        "files over {LONG} lines whose top does not say why they are one file: {unexplained:#?}"
    );
}

/// The types a source file declares (`struct`, `enum`, `trait`, and `type` aliases at the top
/// level), outside its unit-test module.
fn declared_types(text: &str) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    let mut found = BTreeSet::new();
    for line in code.lines() {
        let trimmed = line.trim_start();
        let top_level = trimmed.len() == line.len();
        let rest = trimmed
            .strip_prefix("pub(crate) ")
            .or_else(|| trimmed.strip_prefix("pub(super) "))
            .or_else(|| trimmed.strip_prefix("pub "))
            .unwrap_or(trimmed);
        let name = ["struct ", "enum ", "trait "]
            .iter()
            .find_map(|keyword| rest.strip_prefix(keyword))
            .or_else(|| rest.strip_prefix("type ").filter(|_| top_level));
        if let Some(name) = name {
            let name: String = name
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if name.starts_with(|c: char| c.is_ascii_uppercase()) {
                found.insert(name);
            }
        }
    }
    found
}

#[test]
fn no_name_means_two_types_in_a_crate() {
    let mut clashes = Vec::new();
    for source in SOURCES {
        let mut files = Vec::new();
        rust_files(&root().join(source), &mut files);
        let mut declared: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for path in files.iter().filter(|path| !is_test_module(path)) {
            let text = std::fs::read_to_string(root().join(path)).expect("a readable source");
            for name in declared_types(&text) {
                declared.entry(name).or_default().push(path.clone());
            }
        }
        clashes.extend(
            declared
                .into_iter()
                .filter(|(_, paths)| paths.len() > 1)
                .map(|(name, paths)| format!("{name}: {}", paths.join(", "))),
        );
    }
    assert!(
        clashes.is_empty(),
        "one name, one type within a crate; these name two: {clashes:#?}"
    );
}

#[test]
fn no_file_is_a_grab_bag() {
    let grab_bags: Vec<String> = sources()
        .into_iter()
        .filter(|path| {
            let name = path.rsplit('/').next().unwrap_or_default();
            matches!(
                name,
                "utils.rs" | "util.rs" | "helpers.rs" | "misc.rs" | "common.rs"
            )
        })
        .collect();
    assert!(
        grab_bags.is_empty(),
        "name these for what they hold: {grab_bags:?}"
    );
}

#[test]
fn the_map_reader_sees_files_cycles_and_types() {
    assert_eq!(
        declared_types("pub struct A;\nenum B {}\nimpl X for A {\n    type Err = ();\n}\npub(crate) type C = u8;\n#[cfg(test)]\nstruct D;"),
        ["A", "B", "C"].map(str::to_owned).into_iter().collect()
    );
    // The checks above would pass vacuously if the map or the imports were not read at all.
    assert!(mapped().len() > 50, "{:?}", mapped());
    let modules: BTreeSet<Vec<String>> =
        [vec!["a".to_owned()], vec!["b".to_owned(), "c".to_owned()]]
            .into_iter()
            .collect();
    let found = references(
        "use crate::{b::{c::Thing}, z};\n// crate::a::x in a comment\nlet x = super::super::a::y();",
        &["b".to_owned(), "d".to_owned()],
        &modules,
    );
    assert_eq!(
        found,
        [vec!["a".to_owned()], vec!["b".to_owned(), "c".to_owned()]]
            .into_iter()
            .collect()
    );
}
