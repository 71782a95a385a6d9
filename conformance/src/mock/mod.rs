//! The embedded mock server: serves any OpenAPI 3.0 or 3.1 spec from its examples, validating every
//! request against the spec, and the analysis API with its real behaviour.
//!
//! ```no_run
//! # async fn run(spec: codegen::LoadedSpec) -> std::io::Result<()> {
//! use conformance::mock::{Mock, MockOptions};
//!
//! let running = Mock::new(spec, MockOptions::default()).start("127.0.0.1:0").await?;
//! println!("serving on {}", running.base_url());
//! running.stop().await;
//! # Ok(()) }
//! ```
//!
//! A request goes through the same steps for every spec (`server.rs`): routing (404, 405),
//! credentials (401), admission (429), media type (415), size (413), parameters and body against
//! their schemas (400), then the answer. Which [`Domain`] answers is chosen from the spec: the
//! analysis API's behaviour when the spec declares its parts (`x-analysis`, or
//! [`MockOptions::analysis`]), the generic one otherwise.

mod canned;
pub mod domain;
pub mod faults;
pub mod fixtures;
mod kallglot;
mod paging;
pub mod problem;
mod served;
mod server;
mod streams;
pub mod valid_request;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use codegen::LoadedSpec;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::contract::Contract;
use codegen::api::AnalysisNames;

pub use domain::{Domain, Generic};
pub use faults::{Fault, Faults, UnknownFault};
pub use fixtures::{Fixtures, FixturesError, DEFAULT_FIXTURES};
pub use valid_request::{Principal, ValidRequest};

/// How the mock behaves beyond what the spec says.
#[derive(Debug, Clone)]
pub struct MockOptions {
    pub fixtures: Fixtures,
    pub faults: Faults,
    /// How long an analysis takes to finish after it is created.
    pub processing_delay: Duration,
    /// The first wait before a failed webhook delivery is retried; each retry doubles it.
    pub webhook_backoff: Duration,
    /// How long a webhook receiver has to answer.
    pub webhook_timeout: Duration,
    /// Serve every spec with the generic behaviour, even one a domain behaviour knows.
    pub generic_only: bool,
    /// Added before every answer, to stand for a server far away.
    pub latency: Duration,
    /// The analysis API's parts by name, for a spec without `x-analysis` (see
    /// [`AnalysisRoles::with_names`](codegen::api::AnalysisRoles::with_names)). Names that do not
    /// resolve leave the spec's own declarations; `cargo xtask conformance` reports them.
    pub analysis: AnalysisNames,
}

impl Default for MockOptions {
    /// The timings the spec documents, scaled down so that a whole conformance run stays short:
    /// analyses finish after 300 ms; webhooks are retried after 30 s, 60 s, … as documented.
    fn default() -> Self {
        Self {
            fixtures: Fixtures::default(),
            faults: Faults::none(),
            processing_delay: Duration::from_millis(300),
            webhook_backoff: Duration::from_secs(30),
            webhook_timeout: Duration::from_secs(10),
            generic_only: false,
            latency: Duration::ZERO,
            analysis: AnalysisNames::default(),
        }
    }
}

/// A mock of one spec, ready to serve.
pub struct Mock {
    state: Arc<server::MockState>,
}

impl Mock {
    /// A mock of `spec` (a loaded OpenAPI 3.0 or 3.1 document).
    #[must_use]
    pub fn new(spec: LoadedSpec, options: MockOptions) -> Self {
        let contract = Contract::new(spec);
        let api = &contract.api;
        let roles = api
            .analysis
            .with_names(api, &options.analysis)
            .unwrap_or_else(|_| api.analysis.clone());
        let domain: Box<dyn Domain> = match kallglot::Binding::of(api, &roles) {
            Some(binding) if !options.generic_only => {
                Box::new(kallglot::Kallglot::new(&options, binding))
            }
            _ => Box::new(Generic::new(options.fixtures.clone())),
        };
        Self {
            state: Arc::new(server::MockState::new(contract, domain).with_latency(options.latency)),
        }
    }

    /// The behaviour serving the spec: `analysis` or `generic`.
    #[must_use]
    pub fn domain(&self) -> &'static str {
        self.state.domain.name()
    }

    /// The axum router, to embed the mock in a server of one's own.
    pub fn router(&self) -> axum::Router {
        axum::Router::new()
            .fallback(server::handle)
            .with_state(Arc::clone(&self.state))
    }

    /// Serves on `listener` until `shutdown` completes; requests under way are finished first.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(listener, self.router())
            .with_graceful_shutdown(shutdown)
            .await
    }

    /// Binds `addr` (`127.0.0.1:0` for a free port) and serves in the background.
    pub async fn start(self, addr: &str) -> std::io::Result<RunningMock> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(self.serve(listener, async {
            let _ = stopped.await;
        }));
        Ok(RunningMock { addr, stop, task })
    }
}

/// A mock serving in the background.
pub struct RunningMock {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningMock {
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting requests, finishes those under way, and waits for the server to end.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}
