//! `cargo xtask codegen`: spec → client crate, for the committed crates or any spec.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};

use crate::paths::{curated_specs, display, repo_root};

#[derive(clap::Args)]
pub struct CodegenArgs {
    /// Compare the committed crates under generated/ with what the generator produces now;
    /// exit 1, naming the stale files, when they differ.
    #[arg(long, conflicts_with_all = ["spec", "out"])]
    check: bool,
    /// Generate a standalone crate for this spec (with --out) instead of the committed crates.
    #[arg(long, requires = "out")]
    spec: Option<PathBuf>,
    /// Folder of the standalone crate; an existing one is replaced only after generation succeeded.
    #[arg(long, requires = "spec")]
    out: Option<PathBuf>,
    /// Package name of the standalone crate (default: from the spec file's name).
    #[arg(long, requires = "spec")]
    crate_name: Option<String>,
    /// Print every warning (with --spec, the first 20 are printed anyway).
    #[arg(long, short)]
    verbose: bool,
}

/// Where the generated examples send requests unless `BASE_URL` is set: `cargo xtask mock`'s
/// default address.
pub const EXAMPLE_BASE_URL: &str = "http://127.0.0.1:4010";

/// One generated crate: its files, relative to the crate folder, and their contents.
pub struct CrateFiles {
    pub dir: PathBuf,
    pub files: Vec<(PathBuf, String)>,
    pub warnings: Vec<String>,
}

pub fn run(args: &CodegenArgs) -> anyhow::Result<ExitCode> {
    if let (Some(spec), Some(out)) = (&args.spec, &args.out) {
        return standalone(spec, out, args.crate_name.as_deref(), args.verbose);
    }
    let crates = committed_crates()?;
    if args.check {
        return check(&crates);
    }
    for generated in &crates {
        let limit = if args.verbose { None } else { Some(0) };
        report_warnings(&display(&generated.dir), &generated.warnings, limit);
        write_crate(&generated.dir, &generated.files)?;
        for stray in stray_examples(generated) {
            let path = generated.dir.join(stray);
            std::fs::remove_file(&path).with_context(|| format!("removing {}", display(&path)))?;
        }
        println!("wrote {}", display(&generated.dir));
    }
    Ok(ExitCode::SUCCESS)
}

/// How many warnings a standalone generation prints without --verbose.
const WARNINGS_SHOWN: usize = 20;

/// Prints `warnings`: the first `limit` of them (all with `None`), then how many were left out.
fn report_warnings(name: &str, warnings: &[String], limit: Option<usize>) {
    for line in warning_lines(name, warnings, limit) {
        eprintln!("{line}");
    }
}

fn warning_lines(name: &str, warnings: &[String], limit: Option<usize>) -> Vec<String> {
    let shown = limit.unwrap_or(warnings.len()).min(warnings.len());
    let mut lines: Vec<String> = warnings[..shown]
        .iter()
        .map(|warning| format!("warning: {name}: {warning}"))
        .collect();
    let left = warnings.len() - shown;
    if left > 0 {
        lines.push(if shown == 0 {
            format!("{name}: {left} warning(s); --verbose lists them")
        } else {
            format!("warning: {name}: … and {left} more; --verbose lists all")
        });
    }
    lines
}

/// Whether `name` can name a Cargo package: ASCII letters, digits, `-` and `_`, starting with a
/// letter, and not a Rust keyword.
fn check_crate_name(name: &str) -> anyhow::Result<()> {
    const KEYWORDS: [&str; 38] = [
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
        "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
        "true", "type", "unsafe", "use", "where", "while",
    ];
    let problem = if name.is_empty() {
        Some("it is empty")
    } else if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        Some("it must start with an ASCII letter")
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Some("it may hold only ASCII letters, digits, `-` and `_`")
    } else if KEYWORDS.contains(&name) {
        Some("it is a Rust keyword")
    } else if name.len() > 64 {
        Some("it is longer than 64 characters")
    } else {
        None
    };
    match problem {
        Some(problem) => bail!("`{name}` is not a valid Cargo package name: {problem}"),
        None => Ok(()),
    }
}

/// The crates `cargo xtask codegen` maintains: one per spec under spec/, in `generated/<stem>/`.
pub fn committed_crates() -> anyhow::Result<Vec<CrateFiles>> {
    let root = repo_root();
    let runtime = root.join("codegen").join("runtime");
    let mut crates = Vec::new();
    for spec_path in curated_specs()? {
        let stem = stem(&spec_path)?;
        let dir = root.join("generated").join(&stem);
        let runtime_path = relative(&dir, &runtime);
        crates.push(crate_files(
            &spec_path,
            &dir,
            &format!("{stem}-client"),
            &runtime_path,
            true,
        )?);
    }
    Ok(crates)
}

pub(crate) fn stem(spec_path: &Path) -> anyhow::Result<String> {
    spec_path
        .file_stem()
        .and_then(|s| s.to_str())
        .map(|s| s.replace(['_', '.', ' '], "-").to_ascii_lowercase())
        .with_context(|| format!("{} has no usable file name", spec_path.display()))
}

/// `target` relative to `from`, both under the repository root.
fn relative(from: &Path, target: &Path) -> String {
    let root = repo_root();
    let depth = from
        .strip_prefix(&root)
        .map_or(0, |p| p.components().count());
    let up = "../".repeat(depth);
    let down = target.strip_prefix(&root).unwrap_or(target);
    format!("{up}{}", down.display())
}

fn crate_files(
    spec_path: &Path,
    dir: &Path,
    crate_name: &str,
    runtime_path: &str,
    workspace_member: bool,
) -> anyhow::Result<CrateFiles> {
    let name = display(spec_path);
    let text = std::fs::read_to_string(spec_path).with_context(|| format!("reading {name}"))?;
    // One model for the client and its companions: built once, named alike.
    let model = codegen::Model::load(&name, &text)?;
    let spec = model.spec();
    let header = format!("@generated by cargo xtask codegen from {name}; do not edit.");
    let generated = model
        .generate(&codegen::GenerateOptions {
            header: format!("// {header}"),
        })
        .with_context(|| format!("generating from {name}"))?;
    let companions = model
        .companions(&codegen::CompanionOptions {
            crate_name: crate_name.to_owned(),
            header: header.clone(),
            example_base_url: EXAMPLE_BASE_URL.to_owned(),
            token_hint: Some("`cargo xtask mock` prints one".to_owned()),
        })
        .with_context(|| format!("generating the README and examples of {name}"))?;
    let mut dependencies = generated.dependencies;
    if !companions.examples.is_empty() {
        dependencies.insert(codegen::Dependency::Tokio);
    }
    let title = spec.openapi.info.title.clone();
    let manifest = codegen::cargo_toml(
        &codegen::ManifestOptions {
            crate_name: crate_name.to_owned(),
            description: format!("Generated client for the {title}"),
            runtime_path: runtime_path.to_owned(),
            workspace_member,
            header: header.clone(),
        },
        &dependencies,
    );
    Ok(CrateFiles {
        dir: dir.to_path_buf(),
        files: vec![
            (PathBuf::from("Cargo.toml"), manifest),
            // The generator formats the crate; `cargo fmt` must leave it as generated, or the
            // freshness check would see every `cargo fmt` as an edit.
            (
                PathBuf::from("rustfmt.toml"),
                format!("# {header}\ndisable_all_formatting = true\n"),
            ),
            (PathBuf::from("src/lib.rs"), generated.source),
            (PathBuf::from("README.md"), companions.readme),
        ]
        .into_iter()
        .chain(companions.examples.into_iter().map(|(example, source)| {
            (
                PathBuf::from("examples").join(format!("{example}.rs")),
                source,
            )
        }))
        .collect(),
        warnings: generated.warnings.iter().map(ToString::to_string).collect(),
    })
}

/// Examples under `examples/` the generator no longer produces (their operation is gone).
fn stray_examples(generated: &CrateFiles) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(generated.dir.join("examples")) else {
        return Vec::new();
    };
    let mut strays: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| PathBuf::from("examples").join(entry.file_name()))
        .filter(|file| file.extension().is_some_and(|ext| ext == "rs"))
        .filter(|file| !generated.files.iter().any(|(known, _)| known == file))
        .collect();
    strays.sort();
    strays
}

fn check(crates: &[CrateFiles]) -> anyhow::Result<ExitCode> {
    let mut stale = Vec::new();
    for generated in crates {
        for stray in stray_examples(generated) {
            stale.push(format!(
                "{} (no longer generated)",
                display(&generated.dir.join(stray))
            ));
        }
        for (file, contents) in &generated.files {
            let path = generated.dir.join(file);
            if std::fs::read_to_string(&path).ok().as_deref() != Some(contents.as_str()) {
                stale.push(display(&path));
            }
        }
    }
    if stale.is_empty() {
        println!("generated/ is up to date");
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("generated code is stale:");
    for path in &stale {
        eprintln!("  {path}");
    }
    eprintln!("run `cargo xtask codegen` and commit the result");
    Ok(ExitCode::from(1))
}

/// Writes each file through a temporary sibling and a rename, so a file is never half-written.
fn write_crate(dir: &Path, files: &[(PathBuf, String)]) -> anyhow::Result<()> {
    for (file, contents) in files {
        let path = dir.join(file);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(contents.as_str()) {
            continue;
        }
        let parent = path.parent().context("a file has a folder")?;
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
        let temporary = path.with_extension("tmp");
        std::fs::write(&temporary, contents)
            .with_context(|| format!("writing {}", temporary.display()))?;
        std::fs::rename(&temporary, &path)
            .with_context(|| format!("replacing {}", path.display()))?;
    }
    Ok(())
}

fn standalone(
    spec: &Path,
    out: &Path,
    crate_name: Option<&str>,
    verbose: bool,
) -> anyhow::Result<ExitCode> {
    let crate_name = match crate_name {
        Some(name) => {
            check_crate_name(name)?;
            name.to_owned()
        }
        None => {
            let name = format!("{}-client", stem(spec)?);
            check_crate_name(&name)
                .with_context(|| "the name taken from the spec file; give one with --crate-name")?;
            name
        }
    };
    if out.exists() && !replaceable(out)? {
        bail!(
            "{} exists and is neither a crate nor empty; refusing to replace it",
            out.display()
        );
    }
    let runtime = repo_root().join("codegen").join("runtime");
    let runtime = runtime
        .canonicalize()
        .with_context(|| format!("finding {}", runtime.display()))?;
    let generated = crate_files(
        spec,
        out,
        &crate_name,
        &runtime.display().to_string(),
        false,
    )?;
    let limit = if verbose { None } else { Some(WARNINGS_SHOWN) };
    report_warnings(&spec.display().to_string(), &generated.warnings, limit);
    let parent = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let file_name = out
        .file_name()
        .context("--out names a folder")?
        .to_string_lossy()
        .into_owned();
    let staging = parent.join(format!(".{file_name}.staging-{}", std::process::id()));
    let retired = parent.join(format!(".{file_name}.old-{}", std::process::id()));
    // Build the whole crate beside the target, then swap it in with renames: at no moment is
    // `out` half-written, and a failure before the swap leaves it as it was.
    let result =
        write_files(&staging, &generated.files).and_then(|()| swap_in(&staging, out, &retired));
    if result.is_err() {
        // The staging folder is ours alone; nothing of it may be left behind.
        let _ = std::fs::remove_dir_all(&staging);
    }
    result?;
    println!("wrote {} ({crate_name})", out.display());
    Ok(ExitCode::SUCCESS)
}

/// Whether an existing `out` may be replaced: a crate (it has a `Cargo.toml`) or an empty folder.
fn replaceable(out: &Path) -> anyhow::Result<bool> {
    if out.join("Cargo.toml").is_file() {
        return Ok(true);
    }
    let mut entries =
        std::fs::read_dir(out).with_context(|| format!("reading {}", out.display()))?;
    Ok(entries.next().is_none())
}

fn write_files(dir: &Path, files: &[(PathBuf, String)]) -> anyhow::Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    for (file, contents) in files {
        let path = dir.join(file);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("creating {}", folder.display()))?;
        }
        std::fs::write(&path, contents).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Moves `staging` to `out`: an existing `out` is first renamed to `retired`, put back if the
/// second rename fails, and deleted once the new crate is in place.
fn swap_in(staging: &Path, out: &Path, retired: &Path) -> anyhow::Result<()> {
    if !out.exists() {
        return std::fs::rename(staging, out)
            .with_context(|| format!("moving the crate into {}", out.display()));
    }
    std::fs::rename(out, retired)
        .with_context(|| format!("moving the old {} aside", out.display()))?;
    if let Err(err) = std::fs::rename(staging, out) {
        let restored = std::fs::rename(retired, out);
        return Err(anyhow::Error::new(err).context(match restored {
            Ok(()) => format!("moving the crate into {}", out.display()),
            Err(_) => format!(
                "moving the crate into {}; the old crate is left in {}",
                out.display(),
                retired.display()
            ),
        }));
    }
    std::fs::remove_dir_all(retired)
        .with_context(|| format!("removing the old crate, now in {}", retired.display()))
}

#[cfg(test)]
mod tests {
    use super::{committed_crates, standalone};
    use crate::paths::repo_root;

    fn fixture(name: &str) -> std::path::PathBuf {
        repo_root().join("codegen/tests/fixtures").join(name)
    }

    #[test]
    fn a_standalone_crate_is_written_whole_and_points_to_the_runtime() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let out = dir.path().join("client");
        standalone(&fixture("objects.yaml"), &out, Some("widgets"), false).expect("generates");
        let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("a manifest");
        assert!(manifest.contains("name = \"widgets\""), "{manifest}");
        let runtime = repo_root()
            .join("codegen/runtime")
            .canonicalize()
            .expect("the runtime exists");
        assert!(
            manifest.contains(&format!("path = \"{}\"", runtime.display())),
            "{manifest}"
        );
        assert!(
            manifest.contains("\n[workspace]\n"),
            "a standalone crate is its own workspace: {manifest}"
        );
        let source = std::fs::read_to_string(out.join("src/lib.rs")).expect("a lib.rs");
        assert!(
            source.starts_with("// @generated by cargo xtask codegen from "),
            "{source}"
        );
        assert!(source.contains("pub struct Widget"));
        // Nothing is left beside it.
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("listable")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(leftovers, [std::ffi::OsString::from("client")]);
    }

    #[test]
    fn a_failed_generation_leaves_the_old_crate_untouched() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let out = dir.path().join("client");
        standalone(&fixture("objects.yaml"), &out, None, false).expect("generates");
        let before = std::fs::read_to_string(out.join("src/lib.rs")).expect("a lib.rs");
        let broken = dir.path().join("broken.yaml");
        std::fs::write(
            &broken,
            "openapi: 3.0.3\ninfo: [not, an, object]\npaths: {}\n",
        )
        .expect("writable");
        let err = standalone(&broken, &out, None, false).expect_err("a broken spec");
        assert!(err.to_string().contains("broken.yaml#/info"), "{err:#}");
        assert_eq!(
            std::fs::read_to_string(out.join("src/lib.rs")).expect("still there"),
            before
        );
    }

    #[test]
    fn an_existing_crate_is_replaced_and_an_empty_folder_accepted() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let out = dir.path().join("client");
        std::fs::create_dir_all(&out).expect("creatable");
        standalone(&fixture("objects.yaml"), &out, Some("first"), false).expect("empty is fine");
        std::fs::write(out.join("stray.txt"), "from the old crate").expect("writable");
        standalone(&fixture("enums.yaml"), &out, Some("second"), false).expect("replaces");
        let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("a manifest");
        assert!(manifest.contains("name = \"second\""), "{manifest}");
        assert!(
            !out.join("stray.txt").exists(),
            "the old crate is gone whole"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("listable")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(leftovers, [std::ffi::OsString::from("client")]);
    }

    #[test]
    fn warnings_are_listed_up_to_a_limit() {
        let warnings: Vec<String> = (0..25).map(|n| format!("#/x/{n}: tolerated")).collect();
        let lines = super::warning_lines("s.yaml", &warnings, Some(super::WARNINGS_SHOWN));
        assert_eq!(lines.len(), 21);
        assert_eq!(lines[0], "warning: s.yaml: #/x/0: tolerated");
        assert_eq!(
            lines[20],
            "warning: s.yaml: … and 5 more; --verbose lists all"
        );
        assert_eq!(super::warning_lines("s.yaml", &warnings, None).len(), 25);
        assert_eq!(
            super::warning_lines("s.yaml", &warnings[..3], Some(20)).len(),
            3,
            "no tail when nothing is left out"
        );
        assert_eq!(
            super::warning_lines("s.yaml", &warnings, Some(0)),
            ["s.yaml: 25 warning(s); --verbose lists them"]
        );
    }

    #[test]
    fn a_bad_crate_name_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let out = dir.path().join("client");
        for bad in ["", "1st", "my crate", "fn", "naïve"] {
            let err =
                standalone(&fixture("objects.yaml"), &out, Some(bad), false).expect_err("refused");
            assert!(
                err.to_string().contains("not a valid Cargo package name"),
                "{bad}: {err:#}"
            );
        }
        assert_eq!(std::fs::read_dir(dir.path()).expect("listable").count(), 0);
        assert!(super::check_crate_name("widgets-client_2").is_ok());
    }

    #[test]
    fn a_folder_that_is_not_a_crate_is_not_replaced() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let out = dir.path().join("notes");
        std::fs::create_dir_all(&out).expect("creatable");
        std::fs::write(out.join("keep.txt"), "mine").expect("writable");
        let err = standalone(&fixture("objects.yaml"), &out, None, false).expect_err("refused");
        assert!(
            err.to_string().contains("neither a crate nor empty"),
            "{err:#}"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("keep.txt")).expect("kept"),
            "mine"
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).expect("listable").count(),
            1,
            "no staging folder left"
        );
    }

    #[test]
    fn a_committed_crate_ships_its_readme_and_example() {
        let crates = committed_crates().expect("the curated specs generate");
        for generated in &crates {
            let files: Vec<String> = generated
                .files
                .iter()
                .map(|(file, _)| file.display().to_string())
                .collect();
            assert_eq!(
                files,
                [
                    "Cargo.toml",
                    "rustfmt.toml",
                    "src/lib.rs",
                    "README.md",
                    "examples/quickstart.rs"
                ]
            );
            let (_, manifest) = &generated.files[0];
            assert!(
                manifest.contains("\n[dev-dependencies]\ntokio = "),
                "{manifest}"
            );
            assert!(super::stray_examples(generated).is_empty());
        }
    }

    /// The committed clients are what the generator produces now (rust-analyzer's pattern).
    #[test]
    fn generated_crates_are_fresh() {
        let crates = committed_crates().expect("the curated specs generate");
        assert!(!crates.is_empty());
        let mut stale = Vec::new();
        for generated in &crates {
            for (file, contents) in &generated.files {
                let path = generated.dir.join(file);
                if std::fs::read_to_string(&path).ok().as_deref() != Some(contents.as_str()) {
                    stale.push(path.display().to_string());
                }
            }
        }
        assert!(
            stale.is_empty(),
            "stale generated files: {stale:?}\nrun `cargo xtask codegen` and commit the result"
        );
    }
}
