//! `cargo xtask conformance`: check a server against a spec; without `--base-url`, the embedded
//! mock, started in-process. Exit status: 0 every check passed, 1 a check failed, 2 a usage,
//! spec or connection error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use conformance::mock::{Mock, MockOptions};
use conformance::suite::{run as run_suite, RunOptions, Secret, SuiteConfig, SuiteError};

use crate::paths::{display, repo_root};

#[derive(clap::Args)]
pub struct ConformanceArgs {
    /// The spec to check against.
    #[arg(long, default_value = "spec/kallglot.yaml")]
    spec: PathBuf,
    /// The server to check; without it, the embedded mock is started and checked.
    #[arg(long)]
    base_url: Option<String>,
    /// The credential of the identity whose data the checks use, for every security scheme of
    /// the spec (bearer token, API key, or a basic scheme's `user:password`).
    #[arg(long)]
    token: Option<String>,
    /// The credential of a second identity, for isolation checks.
    #[arg(long)]
    other_token: Option<String>,
    /// A value for a parameter, `NAME=VALUE` for every operation or `OPERATION_ID.NAME=VALUE`
    /// for one, sent instead of the spec's examples (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    params: Vec<(String, String)>,
    /// A session of the first organization that has a transcript: the value of the create
    /// operation's session parameter (`x-analysis: session`).
    #[arg(long)]
    session_id: Option<String>,
    /// Further inputs and limits (TOML; see the README).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Seed of the request data (default: random, printed); the same seed sends the same requests.
    #[arg(long)]
    seed: Option<u64>,
    /// Valid requests made up per operation, at most.
    #[arg(long)]
    max_examples: Option<usize>,
    /// Requests in flight at once where they do not depend on each other (default 4; a
    /// scenario's steps always go one after another).
    #[arg(long)]
    concurrency: Option<usize>,
    /// Write a JUnit XML report here.
    #[arg(long)]
    junit: Option<PathBuf>,
    /// Write a JSON report here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Embedded mock only: break the spec in this way (repeatable; `cargo xtask mock --fault list`).
    #[arg(long = "fault", value_name = "NAME", conflicts_with = "base_url")]
    faults: Vec<String>,
    /// Embedded mock only: its fixtures (TOML), instead of the embedded ones.
    #[arg(long, conflicts_with = "base_url")]
    fixtures: Option<PathBuf>,
}

pub fn run(args: &ConformanceArgs) -> anyhow::Result<ExitCode> {
    match check(args) {
        Ok(code) => Ok(code),
        Err(error) => {
            eprintln!("error: {error:#}");
            Ok(ExitCode::from(2))
        }
    }
}

fn check(args: &ConformanceArgs) -> anyhow::Result<ExitCode> {
    let spec_path = if args.spec.is_relative() && !args.spec.exists() {
        repo_root().join(&args.spec)
    } else {
        args.spec.clone()
    };
    let spec = crate::spec_file::load(&spec_path)?;
    let mut config = match &args.config {
        Some(path) => SuiteConfig::parse(&display(path), &read(path)?)?,
        None => SuiteConfig::default(),
    };
    let faults = crate::mock::parse_faults(&args.faults)?;
    let fixtures = crate::mock::read_fixtures(args.fixtures.as_deref())?;
    let base_url = args.base_url.clone().or_else(|| config.base_url.clone());
    let seed = args.seed.or(config.seed).unwrap_or_else(random_seed);
    let options = RunOptions {
        seed,
        max_examples: args
            .max_examples
            .or(config.max_examples)
            .unwrap_or(RunOptions::default().max_examples),
        concurrency: args
            .concurrency
            .or(config.concurrency)
            .unwrap_or(RunOptions::default().concurrency),
    };
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let report = runtime.block_on(async {
        let embedded = match &base_url {
            Some(url) => {
                config.base_url = Some(url.clone());
                None
            }
            None => {
                let mock_options = MockOptions {
                    fixtures: fixtures.clone(),
                    faults,
                    analysis: config.analysis.operations.clone(),
                    ..MockOptions::default()
                };
                let delay = mock_options.processing_delay;
                let mock = Mock::new(spec.clone(), mock_options);
                let stateful = mock.domain() != "generic";
                let running = mock.start("127.0.0.1:0").await?;
                let mut embedded = SuiteConfig::for_fixtures(&fixtures, &running.base_url());
                if !stateful {
                    // The generic mock keeps no credits, rules or rate limits to check.
                    embedded.analysis = conformance::suite::AnalysisFixtures::default();
                }
                // Analyses of the embedded mock finish after `delay`; far longer is a failure.
                embedded.limits.finish_timeout_ms =
                    u64::try_from((delay * 10 + Duration::from_secs(2)).as_millis())
                        .unwrap_or(u64::MAX);
                config = merge(embedded, config);
                Some(running)
            }
        };
        apply_flags(&mut config, args, &spec)?;
        println!(
            "checking {} against {}{}",
            config.base_url.as_deref().unwrap_or(""),
            display(&spec_path),
            if embedded.is_some() {
                " (the embedded mock)"
            } else {
                ""
            }
        );
        let report = run_suite(&spec, &config, &options).await;
        if let Some(running) = embedded {
            running.stop().await;
        }
        anyhow::Ok(report)
    })?;
    let report = match report {
        Ok(report) => report,
        Err(
            error @ (SuiteError::NoBaseUrl
            | SuiteError::BadUrl(_)
            | SuiteError::Unreachable { .. }
            | SuiteError::AnalysisOperations(_)),
        ) => {
            return Err(error.into());
        }
    };
    print!("{}", report.terminal());
    if let Some(path) = &args.junit {
        write(path, &report.junit())?;
    }
    if let Some(path) = &args.json {
        write(path, &report.json())?;
    }
    Ok(if report.failed() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The file's values where it has them, the embedded mock's elsewhere.
fn merge(embedded: SuiteConfig, file: SuiteConfig) -> SuiteConfig {
    let mut parameters = embedded.parameters;
    parameters.extend(file.parameters);
    SuiteConfig {
        base_url: embedded.base_url,
        token: file.token.or(embedded.token),
        other_token: file.other_token.or(embedded.other_token),
        parameters,
        auth: file.auth,
        analysis: conformance::suite::AnalysisFixtures {
            operations: file.analysis.operations,
            ..embedded.analysis
        },
        limits: embedded.limits,
        seed: file.seed,
        max_examples: file.max_examples,
        concurrency: file.concurrency,
    }
}

fn apply_flags(
    config: &mut SuiteConfig,
    args: &ConformanceArgs,
    spec: &codegen::LoadedSpec,
) -> anyhow::Result<()> {
    if let Some(token) = &args.token {
        config.token = Some(Secret::new(token.clone()));
    }
    if let Some(token) = &args.other_token {
        config.other_token = Some(Secret::new(token.clone()));
    }
    config.parameters.extend(args.params.iter().cloned());
    if let Some(session) = &args.session_id {
        match conformance::suite::session_parameter(spec, config)? {
            Some(name) => {
                config.parameters.insert(name, session.clone());
            }
            None => eprintln!(
                "note: --session-id is not used: the spec declares no session parameter \
                 (`x-analysis: session`, or `[analysis.operations] session` in --config)"
            ),
        }
    }
    Ok(())
}

fn parse_param(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!(
            "expected NAME=VALUE or OPERATION_ID.NAME=VALUE, got `{text}`"
        )),
    }
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", display(path)))
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("writing {}", display(path)))?;
    println!("wrote {}", display(path));
    Ok(())
}

/// A seed that differs from run to run; it is printed, so any run can be repeated.
fn random_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    (nanos as u64) ^ u64::from(std::process::id()).rotate_left(32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> ConformanceArgs {
        ConformanceArgs {
            spec: PathBuf::from("spec/kallglot.yaml"),
            base_url: None,
            token: None,
            other_token: None,
            params: Vec::new(),
            session_id: None,
            config: None,
            seed: Some(3),
            max_examples: Some(1),
            concurrency: None,
            junit: None,
            json: None,
            faults: Vec::new(),
            fixtures: None,
        }
    }

    #[test]
    fn the_exit_status_says_passed_failed_or_unusable() {
        assert_eq!(run(&args()).unwrap(), ExitCode::SUCCESS);
        let broken = ConformanceArgs {
            faults: vec!["credits-not-charged".into()],
            ..args()
        };
        assert_eq!(run(&broken).unwrap(), ExitCode::from(1));
        let nowhere = ConformanceArgs {
            base_url: Some("http://127.0.0.1:1".into()),
            ..args()
        };
        assert_eq!(run(&nowhere).unwrap(), ExitCode::from(2));
        let no_spec = ConformanceArgs {
            spec: PathBuf::from("spec/no-such-spec.yaml"),
            ..args()
        };
        assert_eq!(run(&no_spec).unwrap(), ExitCode::from(2));
        let unknown_fault = ConformanceArgs {
            faults: vec!["no-such-fault".into()],
            ..args()
        };
        assert_eq!(run(&unknown_fault).unwrap(), ExitCode::from(2));
    }

    #[test]
    fn reports_are_written_where_asked() {
        let dir = tempfile::tempdir().unwrap();
        let (junit, json) = (dir.path().join("r.xml"), dir.path().join("r.json"));
        let with_reports = ConformanceArgs {
            junit: Some(junit.clone()),
            json: Some(json.clone()),
            ..args()
        };
        assert_eq!(run(&with_reports).unwrap(), ExitCode::SUCCESS);
        assert!(std::fs::read_to_string(junit).unwrap().starts_with("<?xml"));
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
        assert_eq!(report["seed"], 3);
        assert_eq!(report["failed"], 0);
    }

    #[test]
    fn the_session_id_binds_the_parameter_the_spec_declares() {
        let spec =
            |name: &str| crate::spec_file::load(&repo_root().join("spec").join(name)).unwrap();
        let with_session = ConformanceArgs {
            session_id: Some("sess_01HGIVEN0000001".into()),
            ..args()
        };
        let mut config = SuiteConfig::default();
        apply_flags(&mut config, &with_session, &spec("kallglot.yaml")).unwrap();
        assert_eq!(config.parameters["session_id"], "sess_01HGIVEN0000001");
        // A spec without a session parameter binds nothing.
        let mut config = SuiteConfig::default();
        apply_flags(&mut config, &with_session, &spec("coaching.yaml")).unwrap();
        assert!(config.parameters.is_empty());
        // Names of parts the spec does not have are an error that says which.
        let mut config = SuiteConfig::default();
        config.analysis.operations.create = Some("startRun".into());
        let error = apply_flags(&mut config, &with_session, &spec("kallglot.yaml")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "[analysis.operations] create = \"startRun\": no operation of `paths` has this operationId"
        );
    }
}
