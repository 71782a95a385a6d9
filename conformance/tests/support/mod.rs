//! What the mock server tests share: starting a mock of a curated spec, sending requests,
//! checking every answer against the spec it serves, and serving a webhook receiver.

#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use codegen::LoadedSpec;
use conformance::contract::Contract;
use conformance::mock::{Mock, MockOptions, RunningMock};
use conformance::schema::{Direction, SchemaValidator};
use serde_json::Value;

pub const ACME: &str = "sk_test_acme";
pub const GLOBEX: &str = "sk_test_globex";
pub const INACTIVE: &str = "sk_test_inactive";
pub const NO_CREDITS: &str = "sk_test_nocredits";
pub const RATE_LIMITED: &str = "sk_test_ratelimited";
pub const SESSION: &str = "sess_01HXYZ123456789";
pub const SHORT_SESSION: &str = "sess_01HSHORTCALL0001";
pub const NO_TRANSCRIPT: &str = "sess_01HNOTRANSCRIPT1";
pub const GLOBEX_SESSION: &str = "sess_01HGLOBEX0000001";

/// A spec of `spec/` (or any path from the repository root), loaded.
pub fn spec(path: &str) -> LoadedSpec {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    let text = std::fs::read_to_string(&full).expect("the spec is readable");
    codegen::load(path, &text).expect("the spec loads")
}

/// A spec written as JSON, through the one loader.
pub fn loaded(spec: &Value) -> LoadedSpec {
    codegen::load("test.json", &spec.to_string()).expect("the spec loads")
}

/// Where the larger real-world specs are, when they are: the corpus folder named by this variable
/// (CI sets it; a clone runs without).
pub const CORPUS_VARIABLE: &str = "CALLSPEC_CORPUS";

/// Real-world specs, loaded: the `committed` ones by file name from `tests/fixtures/real/`, and
/// the `corpus` ones by path in the folder [`CORPUS_VARIABLE`] names (`real/…` for OpenAPI 3.0,
/// `real-3.1/…`), when it is set. A named spec that is missing fails the test, naming the file.
pub fn real_specs(committed: &[&str], corpus: &[&str]) -> Vec<(String, LoadedSpec)> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    let mut paths: Vec<_> = committed.iter().map(|name| fixtures.join(name)).collect();
    if let Some(folder) = std::env::var_os(CORPUS_VARIABLE) {
        let folder = Path::new(&folder);
        paths.extend(corpus.iter().map(|name| folder.join(name)));
    }
    paths
        .into_iter()
        .map(|path| {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|err| panic!("{name} cannot be read: {err}"));
            let spec = codegen::load(&name, &text)
                .unwrap_or_else(|err| panic!("{name} does not load: {err}"));
            (name, spec)
        })
        .collect()
}

/// Whether the larger real-world specs are read too (see [`real_specs`]).
pub fn corpus_is_given() -> bool {
    std::env::var_os(CORPUS_VARIABLE).is_some()
}

/// What a mock without state cannot get right: it says any identifier exists unless the spec's
/// examples are records, and it answers a read with the spec's example, not with what was
/// created, updated or deleted, by whichever identity; and the rate-limit headers a spec
/// documents are made up once, so they count nothing. (Its lists page: the same items on every
/// request, each page once, so `pagination_consistent` holds it to its word.)
pub const STATELESS: [&str; 6] = [
    "unknown_resource_not_found",
    "created_resource_readable",
    "update_persists",
    "deleted_resource_gone",
    "tenant_isolation",
    "rate_limit_consistency",
];

pub fn fast_options() -> MockOptions {
    MockOptions {
        processing_delay: Duration::from_millis(150),
        webhook_backoff: Duration::from_millis(50),
        webhook_timeout: Duration::from_secs(2),
        ..MockOptions::default()
    }
}

pub async fn start(spec_path: &str, options: MockOptions) -> RunningMock {
    Mock::new(spec(spec_path), options)
        .start("127.0.0.1:0")
        .await
        .expect("the mock starts")
}

/// One answer of the mock, whole.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|err| {
            panic!(
                "a JSON body ({err}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn header_number(&self, name: &str) -> i64 {
        self.header(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("a numeric {name} header in {:?}", self.headers))
    }

    /// The `error.code` of an error body.
    pub fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

pub struct Caller {
    pub base: String,
    pub http: reqwest::Client,
}

impl Caller {
    pub fn new(mock: &RunningMock) -> Self {
        Self {
            base: mock.base_url(),
            http: reqwest::Client::new(),
        }
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Answer {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        if let Some(content_type) = content_type {
            request = request.header("Content-Type", content_type);
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().await.expect("the mock answers");
        Answer {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.bytes().await.expect("a body").to_vec(),
        }
    }

    pub async fn create(&self, token: &str, session: &str, body: Option<Value>) -> Answer {
        let path = format!("/v1/sessions/{session}/analysis");
        match body {
            Some(body) => {
                self.send(
                    "POST",
                    &path,
                    Some(token),
                    Some("application/json"),
                    Some(body.to_string().into_bytes()),
                )
                .await
            }
            None => self.send("POST", &path, Some(token), None, None).await,
        }
    }

    pub async fn get(&self, token: &str, id: &str) -> Answer {
        self.send(
            "GET",
            &format!("/v1/analyses/{id}"),
            Some(token),
            None,
            None,
        )
        .await
    }
}

/// What is wrong with `answer` as a response of `operation_id` under `spec`: an undocumented
/// status, a body off its schema, a documented header missing or off its schema.
pub fn spec_violations(spec: &LoadedSpec, operation_id: &str, answer: &Answer) -> Vec<String> {
    let contract = Contract::new(spec.clone());
    let operation = contract
        .operation(operation_id)
        .expect("the operation exists");
    let Some(response) = operation.response_for(answer.status) else {
        return vec![format!("status {} is not documented", answer.status)];
    };
    let mut found = Vec::new();
    for header in &response.headers {
        match answer.header(&header.name) {
            None if header.required => found.push(format!("header {} is missing", header.name)),
            None => {}
            Some(text) => {
                if let Some(schema_at) = &header.schema {
                    let validator = SchemaValidator::new(
                        &spec.raw,
                        &schema_at.to_string(),
                        Direction::Response,
                    )
                    .expect("compiles");
                    let typed = serde_json::from_str::<Value>(text)
                        .ok()
                        .filter(|v| !v.is_string())
                        .unwrap_or_else(|| Value::String(text.to_owned()));
                    for violation in validator.validate(&typed) {
                        found.push(format!("header {}: {violation}", header.name));
                    }
                }
            }
        }
    }
    if let Some(media) = response.content.first() {
        let given = answer.header("content-type").unwrap_or_default();
        if !given.starts_with(media.name.as_str()) {
            found.push(format!("content type {given:?} instead of {}", media.name));
        }
        let at = &media.pointer;
        let validator = SchemaValidator::new(
            &spec.raw,
            &at.join("schema").to_string(),
            Direction::Response,
        )
        .expect("compiles");
        match serde_json::from_slice::<Value>(&answer.body) {
            Ok(body) => found.extend(validator.validate(&body).iter().map(ToString::to_string)),
            Err(err) => found.push(format!("body is not JSON: {err}")),
        }
    }
    found
}

pub fn assert_conforms(spec: &LoadedSpec, operation_id: &str, answer: &Answer) {
    let violations = spec_violations(spec, operation_id, answer);
    assert!(
        violations.is_empty(),
        "{operation_id} answered {} against the spec: {violations:#?}\nbody: {}",
        answer.status,
        String::from_utf8_lossy(&answer.body)
    );
}

/// Serves `app` on a loopback port in the background; returns the URL of `path` there.
pub async fn serve_receiver(app: axum::Router, path: &str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let url = format!("http://{}{path}", listener.local_addr().expect("bound"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}
