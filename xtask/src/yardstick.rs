//! `cargo xtask yardstick`: serve one of the yardstick's APIs (optionally with faults) until
//! Ctrl-C, and say where its spec and credentials are, so that any tool can be pointed at it.

use std::process::ExitCode;

use ::yardstick::{serve_on, Api, Fault, SpecVersion};
use anyhow::Context;

use crate::paths::repo_root;

#[derive(clap::Args)]
pub struct YardstickArgs {
    /// Which API: `notes` or `library`.
    #[arg(long)]
    api: Api,
    /// Make this mistake (repeatable); `--fault list` prints the faults.
    #[arg(long = "fault", value_name = "NAME")]
    faults: Vec<String>,
    /// Loopback port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
}

pub fn run(args: &YardstickArgs) -> anyhow::Result<ExitCode> {
    if args.faults.iter().any(|name| name == "list") {
        for fault in Fault::of(args.api) {
            println!("{fault}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let faults = args
        .faults
        .iter()
        .map(|name| name.parse::<Fault>())
        .collect::<Result<Vec<_>, _>>()?;
    let api = args.api;
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let served = serve_on(api, &faults, args.port)
            .await
            .with_context(|| format!("serving the {api} API"))?;
        let [first, second] = api.credentials();
        println!("serving the {api} API on {}", served.base_url());
        // `compare.sh` reads the `spec:` line; the 3.1 spec describes the same server.
        let spec = |version| {
            repo_root()
                .join(api.spec_path(version))
                .display()
                .to_string()
        };
        println!("  spec:   {}", spec(SpecVersion::V3_0));
        println!("  3.1:    {}", spec(SpecVersion::V3_1));
        println!("  first:  {}", api.auth_header(first));
        println!("  second: {}", api.auth_header(second));
        for fault in &faults {
            println!("  fault:  {fault}");
        }
        println!("Ctrl-C stops the server.");
        let _ = tokio::signal::ctrl_c().await;
        let requests = served.requests();
        served.stop().await;
        println!("stopped after {requests} requests");
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}
