//! The conformance suite: does a server do what its spec says?
//!
//! A run explores every operation with requests made up from the spec (valid ones, ones at the
//! edges, invalid ones, ones without credentials), follows what the spec's links and
//! `x-long-running` extensions promise, plays the analysis API's scenarios on the parts the spec
//! declares with `x-analysis` (or `[analysis.operations]` names), and then judges every response
//! it received against the spec.
//!
//! ```no_run
//! # async fn run(spec: codegen::LoadedSpec) {
//! use conformance::suite::{run, RunOptions, SuiteConfig};
//!
//! let config = SuiteConfig { base_url: Some("http://127.0.0.1:4010".into()), ..SuiteConfig::default() };
//! let report = run(&spec, &config, &RunOptions::default()).await.expect("the target answers");
//! println!("{} failed", report.failed());
//! # }
//! ```

pub mod checks;
pub mod config;
pub mod exchange;
pub mod links;
pub mod outcome;
pub mod plan;
pub mod report;
pub mod resources;
pub mod target;

use std::time::{Duration, Instant};

use codegen::api::{AnalysisRoles, Api};
use codegen::LoadedSpec;

use crate::contract::Contract;
use checks::{
    access_rules, client_decodes, completed_results, conditional_request, content_type_conformance,
    credit_accounting, ignored_auth, link_availability, long_running_lifecycle,
    negative_data_rejection, not_a_server_error, pagination_consistent, positive_data_acceptance,
    rate_limit_consistency, resource_lifecycle, response_headers_conformance,
    response_schema_conformance, status_code_conformance, tenant_isolation,
    unknown_resource_not_found, unsupported_method, Context, Probe,
};
use codegen::api::Operation;
pub use config::{AnalysisFixtures, Limits, SchemeAuth, Secret, SuiteConfig, TokenAndSession};
use exchange::{Exchange, Redactor};
pub use outcome::{CheckResult, Finding, Verdict};
use plan::{Intent, Planned};
pub use report::Report;
use target::Target;

/// How much a run sends.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Seed of all made-up data; the same seed sends the same requests.
    pub seed: u64,
    /// Valid requests per operation, at most.
    pub max_examples: usize,
    /// Requests in flight at once, where they do not depend on each other (a scenario's steps
    /// always go one after another).
    pub concurrency: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            seed: 0,
            max_examples: 3,
            concurrency: 4,
        }
    }
}

/// Why a run could not judge the server at all.
#[derive(Debug, thiserror::Error)]
pub enum SuiteError {
    #[error("no base URL: give --base-url (or base_url in --config)")]
    NoBaseUrl,
    #[error(transparent)]
    BadUrl(#[from] target::BadUrl),
    #[error("cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("[analysis.operations] {0}")]
    AnalysisOperations(String),
}

/// Checks the server at `config.base_url` against `spec` (a loaded OpenAPI 3.0 or 3.1 document).
pub async fn run(
    spec: &LoadedSpec,
    config: &SuiteConfig,
    options: &RunOptions,
) -> Result<Report, SuiteError> {
    let started = Instant::now();
    let base_url = config.base_url.as_deref().ok_or(SuiteError::NoBaseUrl)?;
    let target = Target::new(base_url, config.limits.clone())?;
    let contract = Contract::new(spec.clone());
    let analysis = analysis_roles(&contract.api, config)?;
    let config = &with_session(config, &contract.api, &analysis);
    reachable(base_url, config.limits.request_timeout()).await?;
    let mut context = Context::new(
        &contract,
        config,
        &target,
        options.seed,
        options.max_examples,
    );
    context.concurrency = options.concurrency.max(1);
    context.analysis = analysis;

    // The long-running work takes a while: it goes on while everything else is checked.
    let lifecycle = long_running_lifecycle::observe(&context);
    let rest = async {
        resource_lifecycle::seed(&context).await;
        explore(&context).await;
        pagination_consistent::run(&context).await;
        unsupported_method::run(&context).await;
        conditional_request::run(&context).await;
        let explored = target.exchanges();
        link_availability::run(&context, &explored).await;
        tenant_isolation::run(&context, &explored).await;
        unknown_resource_not_found::run(&context).await;
        // Last of the requests on resources: a life ends with a delete.
        resource_lifecycle::run(&context).await;
        credit_accounting::run(&context).await;
        access_rules::run(&context).await;
        rate_limit_consistency::spend_a_window(&context).await;
    };
    let (observations, ()) = tokio::join!(lifecycle, rest);
    for observation in &observations {
        long_running_lifecycle::judge(&context, observation);
    }
    completed_results::judge(&context, &observations);

    let exchanges = target.exchanges();
    // A method the spec does not document addresses no operation: only a server error is
    // judged in its answer.
    let (off_spec, documented): (Vec<Exchange>, Vec<Exchange>) = exchanges
        .iter()
        .cloned()
        .partition(|e| context.probe(e.id) == Some(Probe::UnsupportedMethod));
    for exchange in &off_spec {
        not_a_server_error::check(&context, exchange);
    }
    for exchange in &documented {
        not_a_server_error::check(&context, exchange);
        status_code_conformance::check(&context, exchange);
        content_type_conformance::check(&context, exchange);
        response_headers_conformance::check(&context, exchange);
        response_schema_conformance::check(&context, exchange);
    }
    rate_limit_consistency::judge(&context, &exchanges);
    client_decodes::check_all(&context, &documented);

    let check_order: Vec<&'static str> = checks::ALL.iter().map(|c| c.name).collect();
    let operation_order: Vec<String> = contract
        .api
        .served()
        .map(|(_, op)| op.label.clone())
        .collect();
    let (ledger, notes) = context.finish();
    let results = ledger.results(&check_order, &operation_order);
    Ok(Report::new(
        base_url,
        options,
        results,
        exchanges,
        started.elapsed(),
        Redactor::new(config.secrets()),
    )
    .with_notes(notes))
}

/// The analysis API's parts: what the spec declares, with what `[analysis.operations]` names in
/// their place.
fn analysis_roles(api: &Api, config: &SuiteConfig) -> Result<AnalysisRoles, SuiteError> {
    api.analysis
        .with_names(api, &config.analysis.operations)
        .map_err(SuiteError::AnalysisOperations)
}

/// The configuration with `[analysis] session_id` as the value of the create operation's session
/// parameter, unless `[parameters]` gives that parameter by its name.
fn with_session(config: &SuiteConfig, api: &Api, analysis: &AnalysisRoles) -> SuiteConfig {
    let mut config = config.clone();
    if let (Some(parameter), Some(session)) = (analysis.session(api), &config.analysis.session_id) {
        config
            .parameters
            .entry(parameter.name.clone())
            .or_insert_with(|| session.clone());
    }
    config
}

/// The name of the parameter a session given on its own (`--session-id`) is the value of: the
/// create operation's session parameter (`x-analysis: session`, or `[analysis.operations]
/// session`); `None` when the spec has none.
///
/// # Errors
/// When `[analysis.operations]` names what the spec does not have.
pub fn session_parameter(
    spec: &LoadedSpec,
    config: &SuiteConfig,
) -> Result<Option<String>, SuiteError> {
    let (api, _) = Api::read(spec.as_3_0());
    let analysis = analysis_roles(&api, config)?;
    Ok(analysis.session(&api).map(|p| p.name.clone()))
}

/// Every operation, with requests made up for each purpose, each answer judged by the check of
/// that purpose. The requests do not depend on each other, so up to `concurrency` are in flight
/// at once; deletes go last, since what they delete may be what the other requests name.
async fn explore(context: &Context<'_>) {
    use futures_util::StreamExt as _;
    let operations: Vec<&Operation> = context.contract.api.served().map(|(_, o)| o).collect();
    let (deletes, others): (Vec<&Operation>, Vec<&Operation>) = operations
        .into_iter()
        .partition(|o| o.method == codegen::api::Method::Delete);
    for group in [others, deletes] {
        let mut planned = Vec::new();
        for operation in group {
            planned.extend(
                plans(context, operation)
                    .into_iter()
                    .map(|p| (operation, p)),
            );
        }
        futures_util::stream::iter(planned)
            .for_each_concurrent(context.concurrency, |(operation, plan)| {
                send_and_judge(context, operation, plan)
            })
            .await;
    }
}

/// The requests made up for `operation`, for every purpose.
fn plans(context: &Context<'_>, operation: &Operation) -> Vec<Planned> {
    let Some(planner) = context.planner(&operation.label) else {
        return Vec::new();
    };
    let mut planned = planner.valid(context.max_examples);
    planned.extend(planner.boundary());
    planned.extend(planner.invalid());
    planned.extend(planner.unauthenticated());
    if planned.is_empty() {
        for check in [
            positive_data_acceptance::INFO.name,
            negative_data_rejection::INFO.name,
        ] {
            context.ledger().skip(
                check,
                &operation.label,
                "no request could be made up from the spec",
            );
        }
    }
    planned
}

async fn send_and_judge(context: &Context<'_>, operation: &Operation, plan: Planned) {
    let exchange = context
        .target
        .send(&operation.label, &plan.purpose, plan.request)
        .await;
    match plan.intent {
        Intent::Invalid(_) => context.mark_probe(exchange.id, Probe::Invalid),
        Intent::NoCredentials | Intent::BadCredentials => {
            context.mark_probe(exchange.id, Probe::Unauthenticated);
        }
        Intent::Valid | Intent::Boundary => {}
    }
    match &plan.intent {
        Intent::Valid | Intent::Boundary => positive_data_acceptance::judge(context, &exchange),
        Intent::Invalid(violation) => negative_data_rejection::judge(context, &exchange, violation),
        Intent::NoCredentials | Intent::BadCredentials => ignored_auth::judge(context, &exchange),
    }
}

/// Whether anything listens at `base_url`: a run against nothing is a usage error, not a list of
/// failed checks.
async fn reachable(base_url: &str, timeout: Duration) -> Result<(), SuiteError> {
    let unreachable = |reason: String| SuiteError::Unreachable {
        url: base_url.to_owned(),
        reason,
    };
    let url = reqwest::Url::parse(base_url).map_err(|err| unreachable(err.to_string()))?;
    let host = url
        .host_str()
        .ok_or_else(|| unreachable("no host".into()))?
        .to_owned();
    let port = url
        .port_or_known_default()
        .ok_or_else(|| unreachable("no port".into()))?;
    match tokio::time::timeout(
        timeout,
        tokio::net::TcpStream::connect((host.as_str(), port)),
    )
    .await
    {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(err)) => Err(unreachable(err.to_string())),
        Err(_) => Err(unreachable(format!("no connection within {timeout:?}"))),
    }
}
