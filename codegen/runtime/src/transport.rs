//! How every generated method sends its request: through one [`Transport`], which holds the
//! `reqwest::Client`, the [`RetryPolicy`] and the timeout, retries what may be retried, and
//! (with the `tracing` feature) records a span per call.

use std::fmt;
use std::future::Future;
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use reqwest::{Method, Request, RequestBuilder, StatusCode};

use crate::retry::{Decision, Failure, RetryPolicy};
use crate::RawResponse;

/// What a generated method tells the runtime about its operation, for retries and tracing: a
/// `static` in each method.
#[derive(Debug, Clone)]
pub struct Operation {
    id: &'static str,
    method: Method,
    path: &'static str,
}

impl Operation {
    /// The operation known as `id` (its `operationId`, else its method name), sent as `method`
    /// to the path template `path` (`/pets/{pet_id}`).
    #[must_use]
    pub const fn new(id: &'static str, method: Method, path: &'static str) -> Self {
        Self { id, method, path }
    }

    /// Its `operationId` (else the name of its method).
    #[must_use]
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// Its HTTP method.
    #[must_use]
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// Its path template, as the spec writes it.
    #[must_use]
    pub fn path(&self) -> &'static str {
        self.path
    }
}

/// Wall-clock time read once, then advanced with tokio's clock: a test on a paused clock (and
/// an embedded server whose clock follows tokio's too) sees dated headers move with it.
#[derive(Clone, Copy)]
struct WallClock {
    anchor: tokio::time::Instant,
    at: SystemTime,
}

impl WallClock {
    fn start() -> Self {
        Self {
            anchor: tokio::time::Instant::now(),
            at: SystemTime::now(),
        }
    }

    fn now(&self) -> SystemTime {
        let elapsed = tokio::time::Instant::now().saturating_duration_since(self.anchor);
        self.at.checked_add(elapsed).unwrap_or(self.at)
    }
}

/// How a generated client sends its requests: the `reqwest::Client`, the [`RetryPolicy`] and
/// the timeout. Cheap to clone (clones share the connection pool). Its `Debug` output names
/// its settings and nothing of the `reqwest::Client`, whose default headers may hold a secret.
#[derive(Clone)]
pub struct Transport {
    client: reqwest::Client,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    clock: WallClock,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// Sends with `client`, the default [`RetryPolicy`] and no timeout beyond `client`'s own.
    #[must_use]
    pub fn new(client: reqwest::Client) -> Self {
        Self {
            client,
            retry: RetryPolicy::default(),
            timeout: None,
            clock: WallClock::start(),
        }
    }

    /// The same transport with `policy`.
    #[must_use]
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The same transport with each attempt of each request bounded by `timeout`. A
    /// timed-out attempt is retried as a failure after sending. `None` leaves the
    /// `reqwest::Client`'s own timeout, if any.
    ///
    /// For a response read whole, the bound runs from sending to the last byte of the body, and
    /// a timed-out attempt is [`Error::Communication`]. For a streamed response (the
    /// `…_events`, `…_items` and `…_bytes` methods) it runs only until the status and headers
    /// arrive (and, for an error, its body is read), so a stream that lasts an hour is not cut;
    /// a timed-out attempt is then [`Error::TimedOut`]. `is_timeout()` holds for both. To bound
    /// a stream that stalls, give the `reqwest::Client` a `read_timeout` (its `timeout`, by
    /// contrast, cuts every stream at that age), or wrap each `next()` in
    /// `tokio::time::timeout`.
    ///
    /// [`Error::Communication`]: crate::Error::Communication
    /// [`Error::TimedOut`]: crate::Error::TimedOut
    #[must_use]
    pub fn with_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// The `reqwest::Client` requests are sent with.
    #[must_use]
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// The retry policy.
    #[must_use]
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The timeout of each attempt, when one is set here.
    #[must_use]
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// A request to `url` with `operation`'s method.
    pub fn request(&self, operation: &Operation, url: impl reqwest::IntoUrl) -> RequestBuilder {
        self.client.request(operation.method.clone(), url)
    }

    /// Sends `request`, retrying as the [`RetryPolicy`] says, and reads the final response
    /// whole, whatever its status.
    ///
    /// # Errors
    /// When the request does not build, or the last attempt got no complete response (the
    /// connection failed, or the attempt timed out).
    pub async fn send(
        &self,
        operation: &Operation,
        request: RequestBuilder,
    ) -> Result<RawResponse, reqwest::Error> {
        self.send_request(operation, request.build()?).await
    }

    /// [`send`](Self::send) for a request already built.
    pub(crate) async fn send_request(
        &self,
        operation: &Operation,
        mut request: Request,
    ) -> Result<RawResponse, reqwest::Error> {
        // reqwest's own timeout runs until the body's last byte: what a whole read wants.
        if request.timeout().is_none() {
            *request.timeout_mut() = self.timeout;
        }
        let client = &self.client;
        self.send_with(operation, request, |request| async move {
            match client.execute(request).await {
                Ok(response) => RawResponse::read(response).await,
                Err(error) => Err(error),
            }
        })
        .await
    }

    /// Sends `request` with `attempt` once, and again as the [`RetryPolicy`] says, within one
    /// `tracing` span: the send path of whole and streamed responses alike, which differ only
    /// in what one attempt does with the response.
    pub(crate) async fn send_with<O, A, F>(
        &self,
        operation: &Operation,
        request: Request,
        attempt: A,
    ) -> O
    where
        O: Outcome,
        A: Fn(Request) -> F,
        F: Future<Output = O>,
    {
        let trace = Trace::new(operation, request.method());
        #[cfg(feature = "tracing")]
        {
            let span = trace.0.clone();
            tracing::Instrument::instrument(self.attempts(request, &trace, attempt), span).await
        }
        #[cfg(not(feature = "tracing"))]
        {
            self.attempts(request, &trace, attempt).await
        }
    }

    async fn attempts<O, A, F>(&self, mut request: Request, trace: &Trace, attempt: A) -> O
    where
        O: Outcome,
        A: Fn(Request) -> F,
        F: Future<Output = O>,
    {
        let method = request.method().clone();
        let keyed = request.headers().contains_key("idempotency-key");
        let mut rng = None;
        let mut retry = 0;
        loop {
            // A body sent from a stream cannot be cloned: such a request is sent once.
            let again = (retry < self.retry.max_retries())
                .then(|| request.try_clone())
                .flatten();
            let outcome = attempt(request).await;
            trace.attempt(retry + 1, outcome.response());
            let Some(failure) = outcome.failure() else {
                return outcome;
            };
            let Some(next) = again else {
                return outcome;
            };
            let rng = rng.get_or_insert_with(|| self.retry.rng());
            let decision =
                self.retry
                    .decide(&method, keyed, &failure, retry, self.clock.now(), rng);
            trace.decision(retry + 1, decision);
            match decision {
                Decision::Stop(_) => return outcome,
                Decision::Retry { wait, .. } => {
                    tokio::time::sleep(wait).await;
                    request = next;
                    retry += 1;
                }
            }
        }
    }
}

/// What one attempt came to, as far as retrying and tracing it go.
pub(crate) trait Outcome {
    /// The status and headers of the response, when one arrived.
    fn response(&self) -> Option<(StatusCode, &HeaderMap)>;

    /// Why sending again might fare better; `None` when the outcome is final.
    fn failure(&self) -> Option<Failure<'_>>;
}

impl Outcome for Result<RawResponse, reqwest::Error> {
    fn response(&self) -> Option<(StatusCode, &HeaderMap)> {
        self.as_ref()
            .ok()
            .map(|response| (response.status(), response.headers()))
    }

    fn failure(&self) -> Option<Failure<'_>> {
        match self {
            Ok(response) => status_failure(response.status(), response.headers()),
            Err(error) => transport_failure(error),
        }
    }
}

/// The statuses worth sending again for: `429` and `503`.
pub(crate) fn status_failure(status: StatusCode, headers: &HeaderMap) -> Option<Failure<'_>> {
    matches!(status.as_u16(), 429 | 503).then_some(Failure::Status(status, headers))
}

/// A failure to get a response, as the retry policy weighs it.
pub(crate) fn transport_failure(error: &reqwest::Error) -> Option<Failure<'static>> {
    if error.is_connect() {
        Some(Failure::Connect)
    } else if error.is_timeout() || error.is_request() || error.is_body() {
        Some(Failure::Transport)
    } else {
        None
    }
}

/// The `tracing` span of one call; nothing without the feature.
#[cfg(feature = "tracing")]
struct Trace(tracing::Span);

#[cfg(not(feature = "tracing"))]
struct Trace;

#[cfg(not(feature = "tracing"))]
impl Trace {
    fn new(_: &Operation, _: &Method) -> Self {
        Self
    }

    fn attempt(&self, _: u32, _: Option<(StatusCode, &HeaderMap)>) {}

    fn decision(&self, _: u32, _: Decision) {}
}

#[cfg(feature = "tracing")]
impl Trace {
    fn new(operation: &Operation, method: &Method) -> Self {
        Self(tracing::info_span!(
            "callspec.request",
            operation = operation.id,
            method = %method,
            path = operation.path,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        ))
    }

    fn attempt(&self, attempt: u32, response: Option<(StatusCode, &HeaderMap)>) {
        self.0.record("attempt", attempt);
        if let Some((status, headers)) = response {
            self.0.record("status", status.as_u16());
            if let Some(id) = crate::headers::request_id(headers) {
                self.0.record("request_id", id);
            }
        }
    }

    fn decision(&self, attempt: u32, decision: Decision) {
        let millis = |wait: Duration| u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
        match decision {
            Decision::Retry {
                wait,
                reason,
                source,
            } => tracing::info!(
                parent: &self.0,
                attempt,
                wait_ms = millis(wait),
                reason = reason.as_str(),
                wait_from = source.as_str(),
                "retrying"
            ),
            Decision::Stop(crate::retry::StopReason::WaitTooLong(wait)) => tracing::info!(
                parent: &self.0,
                attempt,
                wait_ms = millis(wait),
                "not retried: the server asks for a longer wait than the retry policy allows"
            ),
            Decision::Stop(_) => {}
        }
    }
}
