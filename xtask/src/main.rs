//! `cargo xtask <command>`: the project's own commands. Each parses its arguments and calls a
//! library; no logic of the product lives here.

mod bench;
#[cfg(feature = "typed-clients")]
mod bench_client;
mod bench_mock;
mod check_spec;
mod codegen;
mod conformance;
mod corpus;
mod fuzz;
mod mock;
mod paths;
mod spec_file;
mod yardstick;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

// Generation builds and drops millions of small token trees; mimalloc makes that several times
// cheaper than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "The callspec project's commands",
    version
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check that specs are sound: they load, every $ref resolves, every operation has a unique
    /// operationId, path parameters match their templates, and every example matches its schema.
    CheckSpec(check_spec::CheckSpecArgs),
    /// Regenerate the client crates under generated/ from spec/ (or check they are fresh, or
    /// generate a standalone crate for any spec).
    Codegen(codegen::CodegenArgs),
    /// Generate and `cargo check` a crate for every spec of ../shared/corpus and the fixtures,
    /// and print a table.
    Corpus(corpus::CorpusArgs),
    /// Time generation (and optionally `cargo check`) per spec of the corpus; prints medians.
    Bench(bench::BenchArgs),
    /// What the generated client costs over a hand-written reqwest call (GET against the
    /// embedded mock on loopback); prints figures.
    #[cfg(feature = "typed-clients")]
    BenchClient(bench_client::BenchClientArgs),
    /// Requests per second and latency of the embedded mock (GET and POST of the analysis API),
    /// with a load generator on loopback; prints figures.
    BenchMock(bench_mock::BenchMockArgs),
    /// Check a server (default: the embedded mock, started in-process) against a spec; exit 1
    /// when a check fails, 2 on a usage, spec or connection error.
    Conformance(conformance::ConformanceArgs),
    /// Serve a spec with the embedded mock server (the analysis API's behaviour for
    /// spec/kallglot.yaml) until Ctrl-C.
    Mock(mock::MockArgs),
    /// Serve a yardstick API (conformance/yardstick: `notes` or `library`), optionally with
    /// faults, until Ctrl-C; prints its spec and credentials.
    Yardstick(yardstick::YardstickArgs),
    /// The bounded, deterministic fuzz pass (mutants of real specs through load, generate and
    /// validate); exit 1 on any panic or hang.
    Fuzz(fuzz::FuzzArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::CheckSpec(args) => check_spec::run(&args),
        Command::Codegen(args) => codegen::run(&args),
        Command::Corpus(args) => corpus::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Mock(args) => mock::run(&args),
        Command::Conformance(args) => conformance::run(&args),
        Command::BenchMock(args) => bench_mock::run(&args),
        Command::Yardstick(args) => yardstick::run(&args),
        Command::Fuzz(args) => fuzz::run(&args),
        #[cfg(feature = "typed-clients")]
        Command::BenchClient(args) => bench_client::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
