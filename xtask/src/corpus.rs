//! `cargo xtask corpus`: generate a crate for every spec of the shared corpus (and the fixture
//! specs), `cargo check` them together, and print a table. With `--expect FILE`, fail when a spec
//! listed there no longer generates and compiles.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::paths::{display, repo_root};

#[derive(clap::Args)]
pub struct CorpusArgs {
    /// Only specs whose path contains this text.
    #[arg(long)]
    filter: Option<String>,
    /// A file listing specs (one path a line, as printed in the table) that must generate and
    /// compile; exit 1 if one does not.
    #[arg(long)]
    expect: Option<PathBuf>,
    /// Generate only; skip `cargo check`.
    #[arg(long)]
    no_check: bool,
    /// Run `cargo clippy -- -D warnings` instead of `cargo check`: a lint is a failure too.
    #[arg(long, conflicts_with = "no_check")]
    clippy: bool,
    /// Where the crates and their shared target dir go.
    #[arg(long, default_value = "target/corpus")]
    work_dir: PathBuf,
}

struct Row {
    spec: String,
    crate_name: String,
    operations: usize,
    types: usize,
    lines: usize,
    generation: Duration,
    warnings: usize,
    outcome: Outcome,
}

enum Outcome {
    /// Byte for byte the same file as this earlier spec of the run, which stands for it.
    SameAs(String),
    /// A document the loader declines by its version (OpenAPI 3.1): not a failure.
    Refused(String),
    LoadFailed(String),
    GenerateFailed(String),
    Generated,
    Compiled,
    CheckFailed(String),
}

/// Every spec the corpus run generates: the fixtures, then the shared corpus (3.0, then 3.1).
pub fn corpus_specs() -> anyhow::Result<Vec<PathBuf>> {
    let root = repo_root();
    specs_in(&[
        root.join("codegen/tests/fixtures"),
        root.join("../shared/corpus/real"),
        root.join("../shared/corpus/progenitor-samples"),
        root.join("../shared/corpus/real-3.1"),
    ])
}

/// For each spec whose bytes equal those of an earlier one in `specs`, that earlier one: checking
/// a copy again (the corpus holds the 87k-line GitHub spec twice) proves nothing new.
pub fn duplicates(specs: &[PathBuf]) -> anyhow::Result<HashMap<PathBuf, PathBuf>> {
    let mut first: HashMap<Vec<u8>, &PathBuf> = HashMap::new();
    let mut copies = HashMap::new();
    for path in specs {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        match first.get(&bytes) {
            Some(original) => {
                copies.insert(path.clone(), (*original).clone());
            }
            None => {
                first.insert(bytes, path);
            }
        }
    }
    Ok(copies)
}

fn specs_in(dirs: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut specs = Vec::new();
    for dir in dirs {
        let entries =
            std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| {
                path.extension()
                    .is_some_and(|ext| ext == "yaml" || ext == "yml" || ext == "json")
            })
            .collect();
        found.sort();
        specs.extend(found);
    }
    Ok(specs)
}

fn spec_name(path: &Path) -> String {
    let shown = display(path);
    shown
        .strip_prefix("../shared/")
        .map_or(shown.clone(), str::to_owned)
}

pub fn crate_name_for(path: &Path) -> String {
    let parent = path
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = path
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let raw = format!("{parent}-{stem}");
    let cleaned: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("corpus-{}", cleaned.trim_matches('-'))
}

pub fn run(args: &CorpusArgs) -> anyhow::Result<ExitCode> {
    let root = repo_root();
    let work_dir = if args.work_dir.is_absolute() {
        args.work_dir.clone()
    } else {
        root.join(&args.work_dir)
    };
    let crates_dir = work_dir.join("crates");
    if crates_dir.exists() {
        std::fs::remove_dir_all(&crates_dir)
            .with_context(|| format!("clearing {}", crates_dir.display()))?;
    }
    std::fs::create_dir_all(&crates_dir)?;
    let runtime = root.join("codegen/runtime").canonicalize()?;

    let wanted = |path: &PathBuf| {
        args.filter
            .as_ref()
            .is_none_or(|filter| spec_name(path).contains(filter.as_str()))
    };
    let specs: Vec<PathBuf> = corpus_specs()?.into_iter().filter(wanted).collect();
    let copies = duplicates(&specs)?;
    let mut rows = Vec::new();
    for path in &specs {
        let spec = spec_name(path);
        match copies.get(path) {
            Some(original) => rows.push(Row::same_as(&spec, spec_name(original))),
            None => rows.push(generate_one(path, &spec, &crates_dir, &runtime)),
        }
    }

    if !args.no_check {
        let members: Vec<&Row> = rows
            .iter()
            .filter(|row| matches!(row.outcome, Outcome::Generated))
            .collect();
        let results = check_all(&work_dir, &members, args.clippy)?;
        for row in &mut rows {
            if matches!(row.outcome, Outcome::Generated) {
                row.outcome = match results.get(&row.crate_name) {
                    Some(error) => Outcome::CheckFailed(error.clone()),
                    None => Outcome::Compiled,
                };
            }
        }
    }
    print_table(&rows, args.no_check);
    match &args.expect {
        Some(expect) => expectations(
            &rows,
            &root.join(expect),
            args.no_check,
            args.filter.as_deref(),
        ),
        None => Ok(ExitCode::SUCCESS),
    }
}

impl Row {
    fn same_as(spec: &str, original: String) -> Self {
        Row {
            spec: spec.to_owned(),
            crate_name: String::new(),
            operations: 0,
            types: 0,
            lines: 0,
            generation: Duration::ZERO,
            warnings: 0,
            outcome: Outcome::SameAs(original),
        }
    }
}

fn generate_one(path: &Path, spec: &str, crates_dir: &Path, runtime: &Path) -> Row {
    let crate_name = crate_name_for(path);
    let mut row = Row {
        spec: spec.to_owned(),
        crate_name: crate_name.clone(),
        operations: 0,
        types: 0,
        lines: 0,
        generation: Duration::ZERO,
        warnings: 0,
        outcome: Outcome::Generated,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) => {
            row.outcome = Outcome::LoadFailed(err.to_string());
            return row;
        }
    };
    let started = Instant::now();
    let loaded = codegen::load(spec, &text);
    let spec_doc = match loaded {
        Ok(spec_doc) => spec_doc,
        Err(codegen::LoadError::Shape {
            pointer, message, ..
        }) if pointer == "/openapi" => {
            // "OpenAPI 2.0 is not supported; this tool reads …": the first half.
            let reason = message.split(';').next().unwrap_or_default().to_owned();
            row.outcome = Outcome::Refused(reason);
            return row;
        }
        Err(err) => {
            row.outcome = Outcome::LoadFailed(err.to_string());
            return row;
        }
    };
    let header = format!("// @generated by cargo xtask corpus from {spec}; do not edit.");
    let generated = match codegen::generate(
        &spec_doc,
        &codegen::GenerateOptions {
            header: header.clone(),
        },
    ) {
        Ok(generated) => generated,
        Err(err) => {
            row.outcome = Outcome::GenerateFailed(err.to_string());
            return row;
        }
    };
    row.generation = started.elapsed();
    row.operations = generated.operation_count;
    row.types = generated.type_count;
    row.lines = generated.source.lines().count();
    row.warnings = generated.warnings.len();
    let manifest = codegen::cargo_toml(
        &codegen::ManifestOptions {
            crate_name: crate_name.clone(),
            description: format!("Corpus client for {spec}"),
            runtime_path: runtime.display().to_string(),
            workspace_member: false,
            header: header.trim_start_matches("// ").to_owned(),
        },
        &generated.dependencies,
    )
    // Members of the corpus workspace, not workspaces of their own.
    .replace("\n[workspace]\n", "\n");
    let dir = crates_dir.join(&crate_name);
    let written = std::fs::create_dir_all(dir.join("src"))
        .and_then(|()| std::fs::write(dir.join("Cargo.toml"), manifest))
        .and_then(|()| std::fs::write(dir.join("src/lib.rs"), &generated.source));
    if let Err(err) = written {
        row.outcome = Outcome::GenerateFailed(format!("writing the crate: {err}"));
    }
    row
}

/// `cargo check` of every generated crate in one workspace with one target dir (dependencies
/// build once), `--keep-going` so one failure does not hide the others. Returns the first
/// compiler error of each crate that failed.
fn check_all(
    work_dir: &Path,
    members: &[&Row],
    clippy: bool,
) -> anyhow::Result<BTreeMap<String, String>> {
    let names: Vec<String> = members
        .iter()
        .map(|row| format!("\"crates/{}\"", row.crate_name))
        .collect();
    let manifest = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        names.join(", ")
    );
    std::fs::write(work_dir.join("Cargo.toml"), manifest)?;
    // The repository's lock file pins the same dependency versions the committed crates use.
    let lock = work_dir.join("Cargo.lock");
    if !lock.exists() {
        std::fs::copy(repo_root().join("Cargo.lock"), &lock)?;
    }
    let tool = if clippy { "clippy" } else { "check" };
    eprintln!(
        "cargo {tool} of {} crates in {} …",
        members.len(),
        display(work_dir)
    );
    let mut arguments = vec![
        tool,
        "--workspace",
        "--keep-going",
        "--message-format=json",
        "--quiet",
    ];
    if clippy {
        arguments.extend(["--", "-D", "warnings"]);
    }
    let mut child = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(&arguments)
        .current_dir(work_dir)
        .env("CARGO_TARGET_DIR", work_dir.join("target"))
        .env_remove("RUSTFLAGS")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("running cargo check")?;
    let stdout = child.stdout.take().context("cargo's output")?;
    let wanted: BTreeSet<&str> = members.iter().map(|row| row.crate_name.as_str()).collect();
    let mut failures: BTreeMap<String, String> = BTreeMap::new();
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line?;
        let Ok(message) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if message.get("reason").and_then(|r| r.as_str()) != Some("compiler-message") {
            continue;
        }
        let Some(diagnostic) = message.get("message") else {
            continue;
        };
        if diagnostic.get("level").and_then(|l| l.as_str()) != Some("error") {
            continue;
        }
        let target = message
            .pointer("/target/name")
            .and_then(|n| n.as_str())
            .unwrap_or_default()
            .replace('_', "-");
        if !wanted.contains(target.as_str()) {
            continue;
        }
        let rendered = diagnostic
            .get("rendered")
            .and_then(|r| r.as_str())
            .unwrap_or_default();
        let first = rendered.lines().take(3).collect::<Vec<_>>().join(" ⏎ ");
        failures.entry(target).or_insert(first);
    }
    let status = child.wait()?;
    if !status.success() && failures.is_empty() {
        anyhow::bail!(
            "cargo check failed without a compiler error of a generated crate (see above)"
        );
    }
    Ok(failures)
}

fn print_table(rows: &[Row], no_check: bool) {
    println!("| spec | ops | types | lines | gen ms | warnings | result |");
    println!("|---|---:|---:|---:|---:|---:|---|");
    for row in rows {
        let result = match &row.outcome {
            Outcome::SameAs(original) => {
                println!("| {} | | | | | | same as {original} |", row.spec);
                continue;
            }
            Outcome::Refused(reason) => {
                println!("| {} | | | | | | refused: {reason} |", row.spec);
                continue;
            }
            Outcome::LoadFailed(e) => format!("load failed: {e}"),
            Outcome::GenerateFailed(e) => format!("generation failed: {e}"),
            Outcome::Generated if no_check => "generated".to_owned(),
            Outcome::Generated => "not checked".to_owned(),
            Outcome::Compiled => "compiles".to_owned(),
            Outcome::CheckFailed(e) => format!("check failed: {e}"),
        };
        println!(
            "| {} | {} | {} | {} | {:.1} | {} | {} |",
            row.spec,
            row.operations,
            row.types,
            row.lines,
            row.generation.as_secs_f64() * 1000.0,
            row.warnings,
            result
        );
    }
    let count = |f: fn(&Outcome) -> bool| rows.iter().filter(|r| f(&r.outcome)).count();
    let copies = count(|o| matches!(o, Outcome::SameAs(_)));
    let refused = count(|o| matches!(o, Outcome::Refused(_)));
    let passed = count(|o| matches!(o, Outcome::Compiled | Outcome::Generated));
    println!(
        "\n{passed} of {} specs {}",
        rows.len() - copies - refused,
        if no_check {
            "generated"
        } else {
            "generated and compiled"
        }
    );
    if copies + refused > 0 {
        println!("({copies} copies of another spec not checked again; {refused} refused by their OpenAPI version)");
    }
}

fn expectations(
    rows: &[Row],
    expect: &Path,
    no_check: bool,
    filter: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let text =
        std::fs::read_to_string(expect).with_context(|| format!("reading {}", expect.display()))?;
    let mut regressions = Vec::new();
    let listed = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    // With --filter, the specs it leaves out are not part of this run by choice.
    for line in listed.filter(|line| filter.is_none_or(|filter| line.contains(filter))) {
        let find = |spec: &str| rows.iter().find(|row| row.spec == spec);
        // A copy passes when the spec it copies does.
        let row = find(line).and_then(|row| match &row.outcome {
            Outcome::SameAs(original) => find(original),
            _ => Some(row),
        });
        match row {
            Some(row)
                if matches!(row.outcome, Outcome::Compiled)
                    || (no_check && matches!(row.outcome, Outcome::Generated)) => {}
            Some(_) => regressions.push(line.to_owned()),
            None => regressions.push(format!("{line} (not in this run)")),
        }
    }
    if regressions.is_empty() {
        println!("every spec of {} passes", display(expect));
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("specs that passed before and no longer do:");
        for spec in regressions {
            eprintln!("  {spec}");
        }
        Ok(ExitCode::from(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_identical_specs_are_copies_of_the_first() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).expect("writable");
            path
        };
        let a = write("a.json", "{\"openapi\": \"3.0.3\"}");
        let b = write("b.json", "{\"openapi\": \"3.0.0\"}");
        let c = write("c.json", "{\"openapi\": \"3.0.3\"}");
        let copies = duplicates(&[a.clone(), b.clone(), c.clone()]).expect("readable");
        assert_eq!(copies.len(), 1);
        assert_eq!(copies.get(&c), Some(&a));
    }

    #[test]
    fn a_listed_copy_passes_or_fails_with_its_original() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let expect = dir.path().join("expected.txt");
        std::fs::write(&expect, "real.json\ncopy.json\n").expect("writable");
        let row = |spec: &str, outcome| Row {
            outcome,
            ..Row::same_as(spec, String::new())
        };
        let passing = [
            row("real.json", Outcome::Compiled),
            row("copy.json", Outcome::SameAs("real.json".into())),
        ];
        let run = |rows: &[Row]| expectations(rows, &expect, false, None).expect("runs");
        assert_eq!(run(&passing), ExitCode::SUCCESS);
        let failing = [
            row("real.json", Outcome::CheckFailed("error".into())),
            row("copy.json", Outcome::SameAs("real.json".into())),
        ];
        assert_eq!(run(&failing), ExitCode::from(1));
    }
}
