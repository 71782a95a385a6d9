use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::paths::curated_specs;

#[derive(clap::Args)]
pub struct CheckSpecArgs {
    /// Spec files to check; default: every spec under spec/.
    specs: Vec<PathBuf>,
}

/// Exit status: 0 every spec is sound, 1 a spec has problems, 2 a spec could not be read or loaded.
pub fn run(args: &CheckSpecArgs) -> anyhow::Result<ExitCode> {
    let specs = if args.specs.is_empty() {
        curated_specs()?
    } else {
        args.specs.clone()
    };
    let mut unsound = 0;
    for path in &specs {
        let name = crate::paths::display(path);
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {name}"))?;
        let spec = codegen::load(&name, &text)?;
        for warning in &spec.warnings {
            eprintln!("warning: {name}{warning}");
        }
        let problems = conformance::soundness::check(&spec);
        if problems.is_empty() {
            println!("{name}: sound");
        } else {
            unsound += 1;
            println!("{name}: {} problem(s)", problems.len());
            for problem in problems {
                println!("  {name}{problem}");
            }
        }
    }
    Ok(if unsound == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
