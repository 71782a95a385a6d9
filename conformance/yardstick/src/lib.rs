//! A yardstick for the conformance suite: small, stateful, in-memory HTTP APIs that the suite was
//! not written with, described by specs in other styles than the project's own, each able to
//! make one realistic mistake at a time.
//!
//! * [`Api::Notes`] (`specs/notes.yaml`, YAML): snake_case operation ids, reusable
//!   `components/parameters`, examples on parameters and media types rather than on schemas, an
//!   API key in `X-Api-Key`, problem details (RFC 9457) as `application/problem+json`, cursor
//!   pagination, JSON merge patch, a required `X-Request-Id` on every response, and two tenants
//!   that see only their own notes.
//! * [`Api::Library`] (`specs/library.json`, JSON): camelCase operation ids, an integer path
//!   parameter, bearer tokens (one account each), errors as `{"error": {"code", "message"}}`,
//!   page-numbered lists linked by RFC 8288 `Link` headers, `ETag` and `If-None-Match` → 304,
//!   IETF `RateLimit-*` headers counted down per token, `schema.example`s in some places only.
//!
//! Each spec above is OpenAPI 3.0; each has a 3.1 twin ([`SpecVersion::V3_1`]:
//! `specs/notes_3_1.yaml`, `specs/library_3_1.json`) describing the same server the 3.1 way:
//! `type` lists with `null`, `$ref` beside `description`, `default` or `properties`, `$defs`,
//! `const`, numeric exclusive bounds, `examples` lists, `unevaluatedProperties` closing a
//! composition, reference objects overriding a `description`, a path item among the components.
//!
//! Without faults each server does exactly what its specs say; each [`Fault`] breaks one
//! statement of them (the variant's doc names which, and `tests/every_fault_shows.rs` shows it).
//! `tests/suite_finds_every_fault.rs` holds the conformance suite to both, with either spec:
//! silence on the faultless servers, a failure for every fault.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use yardstick::{serve, Api, Fault};
//!
//! let served = serve(Api::Notes, &[Fault::NoteDeleteKeepsNote]).await?;
//! println!("{} with key {}", served.base_url(), Api::Notes.credentials()[0]);
//! served.stop().await;
//! # Ok(())
//! # }
//! ```

mod fault;
mod library;
mod notes;
mod request;
mod response;
mod timestamp;

use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use fault::{Fault, UnknownFault};

/// One of the yardstick's APIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Api {
    Notes,
    Library,
}

impl Api {
    pub const ALL: [Api; 2] = [Api::Notes, Api::Library];

    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Api::Notes => "notes",
            Api::Library => "library",
        }
    }

    /// The text of the spec written in `version`.
    #[must_use]
    pub fn spec(self, version: SpecVersion) -> &'static str {
        match (self, version) {
            (Api::Notes, SpecVersion::V3_0) => include_str!("../specs/notes.yaml"),
            (Api::Notes, SpecVersion::V3_1) => include_str!("../specs/notes_3_1.yaml"),
            (Api::Library, SpecVersion::V3_0) => include_str!("../specs/library.json"),
            (Api::Library, SpecVersion::V3_1) => include_str!("../specs/library_3_1.json"),
        }
    }

    /// Where the spec written in `version` is, from the repository root.
    #[must_use]
    pub fn spec_path(self, version: SpecVersion) -> &'static str {
        match (self, version) {
            (Api::Notes, SpecVersion::V3_0) => "conformance/yardstick/specs/notes.yaml",
            (Api::Notes, SpecVersion::V3_1) => "conformance/yardstick/specs/notes_3_1.yaml",
            (Api::Library, SpecVersion::V3_0) => "conformance/yardstick/specs/library.json",
            (Api::Library, SpecVersion::V3_1) => "conformance/yardstick/specs/library_3_1.json",
        }
    }

    /// The credentials of the API's two tenants (API keys of the notes API, bearer tokens of the
    /// library's), the first one's first.
    #[must_use]
    pub fn credentials(self) -> [&'static str; 2] {
        match self {
            Api::Notes => notes::KEYS,
            Api::Library => library::TOKENS,
        }
    }

    /// The header that carries a credential, as `-H` of curl or Schemathesis takes it.
    #[must_use]
    pub fn auth_header(self, credential: &str) -> String {
        match self {
            Api::Notes => format!("X-Api-Key: {credential}"),
            Api::Library => format!("Authorization: Bearer {credential}"),
        }
    }
}

/// The OpenAPI version a spec of the yardstick is written in. Each API has one spec per version,
/// both describing the same server: whichever the suite reads, it must reach the same verdicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SpecVersion {
    /// OpenAPI 3.0.3: `nullable`, one `example` per schema, `allOf` to document a `$ref`.
    V3_0,
    /// OpenAPI 3.1.0: schemas in JSON Schema 2020-12, path items among the components.
    V3_1,
}

impl SpecVersion {
    pub const ALL: [SpecVersion; 2] = [SpecVersion::V3_0, SpecVersion::V3_1];
}

impl fmt::Display for SpecVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SpecVersion::V3_0 => "OpenAPI 3.0",
            SpecVersion::V3_1 => "OpenAPI 3.1",
        })
    }
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Api {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Api::ALL
            .into_iter()
            .find(|api| api.name() == name)
            .ok_or_else(|| format!("no API `{name}`; the APIs: notes, library"))
    }
}

/// A server running in the background.
pub struct Served {
    addr: SocketAddr,
    requests: Arc<AtomicU64>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Served {
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The requests the server has received so far: what a tool pointed at it sent, counted
    /// the same way whichever tool it is.
    #[must_use]
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Stops accepting, lets requests in flight finish, and waits for the server to end.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// Serves `api` with `faults` on a free loopback port, in the background.
pub async fn serve(api: Api, faults: &[Fault]) -> std::io::Result<Served> {
    serve_on(api, faults, 0).await
}

/// Serves `api` with `faults` on loopback port `port` (0: a free one), in the background. A
/// fault of the other API is an error: it would silently change nothing.
pub async fn serve_on(api: Api, faults: &[Fault], port: u16) -> std::io::Result<Served> {
    if let Some(fault) = faults.iter().find(|fault| fault.api() != api) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "fault {fault} is the {} API's, not the {api} API's",
                fault.api()
            ),
        ));
    }
    let faults = fault::Faults::new(faults);
    let requests = Arc::new(AtomicU64::new(0));
    let router = match api {
        Api::Notes => notes::router(faults, Arc::clone(&requests)),
        Api::Library => library::router(faults, Arc::clone(&requests)),
    };
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    Ok(Served {
        addr,
        requests,
        stop,
        task,
    })
}
