//! `cargo xtask mock`: serve a spec with the embedded mock server until Ctrl-C.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use conformance::mock::fixtures::Subscription;
use conformance::mock::{Fault, Faults, Fixtures, Mock, MockOptions};

use crate::paths::{display, repo_root};

#[derive(clap::Args)]
pub struct MockArgs {
    /// The spec to serve.
    #[arg(long, default_value = "spec/kallglot.yaml")]
    spec: PathBuf,
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:4010")]
    addr: String,
    /// Organizations, tokens, credits and sessions (TOML); default: the embedded fixtures.
    #[arg(long)]
    fixtures: Option<PathBuf>,
    /// Break the spec in this way (repeatable); `--fault list` prints the faults.
    #[arg(long = "fault", value_name = "NAME")]
    faults: Vec<String>,
    /// How long an analysis takes to finish, in milliseconds.
    #[arg(long, default_value_t = 3000)]
    delay_ms: u64,
    /// First wait before a failed webhook delivery is retried, in milliseconds (doubles after).
    #[arg(long, default_value_t = 30_000)]
    webhook_backoff_ms: u64,
    /// Added before every answer, in milliseconds, to stand for a server far away.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Serve the spec from its examples only, even one whose behaviour the mock knows.
    #[arg(long)]
    generic: bool,
}

/// The faults named on the command line.
pub fn parse_faults(names: &[String]) -> anyhow::Result<Faults> {
    Ok(names
        .iter()
        .map(|name| name.parse::<Fault>())
        .collect::<Result<Faults, _>>()?)
}

/// The fixtures of `path`, or the embedded ones.
pub fn read_fixtures(path: Option<&std::path::Path>) -> anyhow::Result<Fixtures> {
    let Some(path) = path else {
        return Ok(Fixtures::default());
    };
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", display(path)))?;
    Ok(Fixtures::parse(&display(path), &text)?)
}

pub fn run(args: &MockArgs) -> anyhow::Result<ExitCode> {
    if args.faults.iter().any(|name| name == "list") {
        for fault in Fault::ALL {
            println!("{:<30} {}", fault.name(), fault.description());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let faults = parse_faults(&args.faults)?;
    let fixtures = read_fixtures(args.fixtures.as_deref())?;
    let spec_path = if args.spec.is_relative() && !args.spec.exists() {
        repo_root().join(&args.spec)
    } else {
        args.spec.clone()
    };
    let spec = crate::spec_file::load(&spec_path)?;
    let options = MockOptions {
        fixtures: fixtures.clone(),
        faults: faults.clone(),
        processing_delay: Duration::from_millis(args.delay_ms),
        latency: Duration::from_millis(args.latency_ms),
        webhook_backoff: Duration::from_millis(args.webhook_backoff_ms),
        generic_only: args.generic,
        ..MockOptions::default()
    };
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.addr)
            .await
            .with_context(|| format!("listening on {}", args.addr))?;
        let addr = listener.local_addr()?;
        let mock = Mock::new(spec, options);
        println!(
            "serving {} with the {} behaviour on http://{addr}",
            display(&spec_path),
            mock.domain()
        );
        for organization in &fixtures.organizations {
            println!(
                "  {:<14} tokens {:<24} credits {:<5} subscription {:?}",
                organization.id,
                organization.tokens.join(", "),
                organization.credits,
                organization.subscription
            );
        }
        for fault in faults.iter() {
            println!("  fault: {} ({})", fault.name(), fault.description());
        }
        if let Some(command) = example_command(&spec_path, addr, &fixtures) {
            println!("Try the generated client against it:\n  {command}");
        }
        println!("Ctrl-C stops the server.");
        mock.serve(listener, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("serving")?;
        println!("stopped");
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The command that runs the committed client's example of the served spec against this
/// server, with a token of the fixtures (one that can do everything, when there is one); `None`
/// when no committed crate of that spec has the example.
fn example_command(
    spec_path: &std::path::Path,
    addr: std::net::SocketAddr,
    fixtures: &Fixtures,
) -> Option<String> {
    let stem = crate::codegen::stem(spec_path).ok()?;
    let example = repo_root()
        .join("generated")
        .join(&stem)
        .join("examples")
        .join(format!("{}.rs", codegen::QUICKSTART));
    if !example.is_file() {
        return None;
    }
    let mut command = String::new();
    let base_url = format!("http://{addr}");
    if base_url != crate::codegen::EXAMPLE_BASE_URL {
        command.push_str(&format!("BASE_URL={base_url} "));
    }
    let able = fixtures
        .organizations
        .iter()
        .find(|org| org.subscription == Subscription::Active && org.credits > 0);
    let token = able
        .into_iter()
        .chain(&fixtures.organizations)
        .find_map(|org| org.tokens.first());
    if let Some(token) = token {
        command.push_str(&format!("API_TOKEN={token} "));
    }
    command.push_str(&format!(
        "cargo run -p {stem}-client --example {}",
        codegen::QUICKSTART
    ));
    Some(command)
}
