//! Waiting for a long-running operation: what a spec's `x-long-running` extension becomes in a
//! generated client.
//!
//! A generated `wait_for_…` method calls [`wait_until`] with the spec's [`Polling`] (where the
//! status stands in the polled value, its terminal values, the default interval and timeout),
//! the caller's [`WaitOptions`], and a closure that sends one poll request. A generated
//! `…_and_wait` method starts the operation first, takes the polling operation's parameters out
//! of the response with [`link_value`], then waits.
//!
//! Everything here runs on `tokio::time` (`sleep_until`, `timeout`, `Instant`), so a test with a
//! paused clock waits no real time; no task is spawned, so dropping the future stops polling.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::time::Instant;

use crate::{Error, ResponseValue};

/// How much each interval grows over the one before, until [`WaitOptions::max_interval`].
const BACKOFF: f64 = 1.5;
/// The interval cap, in intervals, when [`WaitOptions::max_interval`] is not set.
const DEFAULT_CAP: u32 = 4;
/// The shortest interval: a zero interval would poll back to back.
const MIN_INTERVAL: Duration = Duration::from_millis(1);

/// What the spec says about polling one long-running operation (its `x-long-running`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Polling {
    /// JSON pointer (RFC 6901) of the status in the polled value.
    pub status: &'static str,
    /// Status values that end the wait with the value.
    pub succeeded: &'static [&'static str],
    /// Status values that end the wait with [`WaitError::Failed`].
    pub failed: &'static [&'static str],
    /// The first interval between polls, unless [`WaitOptions::interval`] says otherwise.
    pub interval: Duration,
    /// How long to wait in all, unless [`WaitOptions::timeout`] says otherwise.
    pub timeout: Duration,
}

/// Where a polled value stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Succeeded,
    Failed,
    /// Not terminal: the status is another value, or is absent, or is not a scalar.
    Pending,
}

impl Polling {
    /// Where `value` stands: its status (a string as is, a boolean or number as written in JSON)
    /// compared with the terminal values.
    pub fn state(&self, value: &impl Serialize) -> State {
        let Ok(json) = serde_json::to_value(value) else {
            return State::Pending;
        };
        let Some(text) = status_text(&json, self.status) else {
            return State::Pending;
        };
        if self.succeeded.contains(&text.as_str()) {
            State::Succeeded
        } else if self.failed.contains(&text.as_str()) {
            State::Failed
        } else {
            State::Pending
        }
    }
}

/// The status at `pointer` (RFC 6901) in `value`, as `x-long-running`'s terminal values are
/// written: a string as is, a boolean or number as its JSON text (`true`, `3`); `None` when
/// there is nothing there or it is not a scalar. The conformance suite reads statuses with it
/// too, so that both agree on what a server reported.
#[must_use]
pub fn status_text(value: &serde_json::Value, pointer: &str) -> Option<String> {
    match value.pointer(pointer)? {
        serde_json::Value::String(text) => Some(text.clone()),
        scalar @ (serde_json::Value::Bool(_) | serde_json::Value::Number(_)) => {
            Some(scalar.to_string())
        }
        _ => None,
    }
}

/// How to wait: each setting left unset takes the spec's default (the doc of the generated
/// method says which).
///
/// Polls start at the interval and grow by half each time up to `max_interval` (by default four
/// intervals); a `Retry-After` header (in seconds) on a poll response asks for a longer pause
/// and gets it. No pause and no poll request runs past the timeout.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WaitOptions {
    interval: Option<Duration>,
    max_interval: Option<Duration>,
    timeout: Option<Duration>,
    poll_immediately: Option<bool>,
}

impl WaitOptions {
    /// The spec's defaults.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The first pause between two polls (at least 1 ms).
    #[must_use]
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = Some(interval);
        self
    }

    /// The longest pause between two polls (never less than the interval).
    #[must_use]
    pub fn max_interval(mut self, max_interval: Duration) -> Self {
        self.max_interval = Some(max_interval);
        self
    }

    /// How long to wait in all before [`WaitError::TimedOut`], counted from the call (after the
    /// create request, for `…_and_wait`).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Whether the first poll is sent at once (the default of `wait_for_…`) or after one
    /// interval (the default of `…_and_wait`, whose create response has just shown the state).
    #[must_use]
    pub fn poll_immediately(mut self, immediately: bool) -> Self {
        self.poll_immediately = Some(immediately);
        self
    }

    /// These options for a wait that starts right after the operation was started: unless
    /// [`poll_immediately`](Self::poll_immediately) was set, the first poll comes after one
    /// interval. Generated `…_and_wait` methods call it.
    #[must_use]
    pub fn after_start(mut self) -> Self {
        self.poll_immediately.get_or_insert(false);
        self
    }
}

/// Why a wait did not end with a value in a succeeded state.
///
/// `T` and `H` are the polled value and its typed headers, `E` and `EH` the polling operation's
/// error body and headers, `C` the error of the call that started the operation (only
/// `…_and_wait` has one; for `wait_for_…` it is [`Infallible`]).
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError<T, H = (), E = (), EH = (), C = Infallible> {
    /// The call that starts the operation failed; nothing was polled.
    Create(C),
    /// The response that started the operation does not carry what the polling operation needs.
    Link(LinkError),
    /// A poll request failed. The wait stops at the first failure.
    Poll(Error<E, EH>),
    /// The operation reached a failed state: the value that says so.
    Failed(ResponseValue<T, H>),
    /// No terminal state within `timeout`; `last` is the last value seen, if a poll answered.
    TimedOut {
        timeout: Duration,
        last: Option<ResponseValue<T, H>>,
    },
}

impl<T, H, E, EH, C> WaitError<T, H, E, EH, C> {
    /// The last polled value: the failed one, or the last one seen before the timeout.
    #[must_use]
    pub fn value(&self) -> Option<&ResponseValue<T, H>> {
        match self {
            WaitError::Failed(value) => Some(value),
            WaitError::TimedOut { last, .. } => last.as_ref(),
            _ => None,
        }
    }
}

impl<T, H, E, EH> WaitError<T, H, E, EH, Infallible> {
    /// The same error, as the error of a wait that started the operation itself.
    #[must_use]
    pub fn after_create<C>(self) -> WaitError<T, H, E, EH, C> {
        match self {
            WaitError::Create(never) => match never {},
            WaitError::Link(error) => WaitError::Link(error),
            WaitError::Poll(error) => WaitError::Poll(error),
            WaitError::Failed(value) => WaitError::Failed(value),
            WaitError::TimedOut { timeout, last } => WaitError::TimedOut { timeout, last },
        }
    }
}

impl<T, H, E, EH, C> From<LinkError> for WaitError<T, H, E, EH, C> {
    fn from(error: LinkError) -> Self {
        WaitError::Link(error)
    }
}

impl<T, H, E: fmt::Debug, EH, C: fmt::Display> fmt::Display for WaitError<T, H, E, EH, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Create(error) => write!(f, "starting the operation failed: {error}"),
            WaitError::Link(error) => error.fmt(f),
            WaitError::Poll(error) => write!(f, "polling failed: {error}"),
            WaitError::Failed(value) => write!(
                f,
                "the operation ended in a failed state (status {})",
                value.status()
            ),
            WaitError::TimedOut { timeout, last } => write!(
                f,
                "no terminal state within {timeout:?} ({})",
                if last.is_some() {
                    "still pending at the last poll"
                } else {
                    "no poll answered"
                }
            ),
        }
    }
}

impl<T, H, E, EH, C> std::error::Error for WaitError<T, H, E, EH, C>
where
    T: fmt::Debug,
    H: fmt::Debug,
    E: fmt::Debug + 'static,
    EH: fmt::Debug + 'static,
    C: std::error::Error + 'static,
{
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Create(error) => Some(error),
            WaitError::Link(error) => Some(error),
            WaitError::Poll(error) => Some(error),
            _ => None,
        }
    }
}

/// A parameter of the polling operation could not be taken from where the spec's link says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkError {
    /// The runtime expression, such as `$response.body#/id`.
    pub expression: &'static str,
    pub message: String,
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "link `{}`: {}", self.expression, self.message)
    }
}

impl std::error::Error for LinkError {}

/// The value a link's runtime `expression` names in `source` (the response body for
/// `$response.body#/pointer`, a request parameter for `$request.path.name`), converted into the
/// polling operation's parameter type `P` through its JSON form.
///
/// # Errors
/// When the pointer names nothing in `source`, or the value there does not decode as `P`.
pub fn link_value<P: DeserializeOwned, S: Serialize + ?Sized>(
    source: &S,
    expression: &'static str,
) -> Result<P, LinkError> {
    let error = |message: String| LinkError {
        expression,
        message,
    };
    let pointer = expression
        .split_once('#')
        .map_or("", |(_, pointer)| pointer);
    let json = serde_json::to_value(source).map_err(|e| error(e.to_string()))?;
    let value = json
        .pointer(pointer)
        .ok_or_else(|| error("names nothing in the response".to_owned()))?;
    P::deserialize(value).map_err(|e| error(e.to_string()))
}

/// Polls with `poll` until the value reaches a terminal state of `polling`, as `options` say.
///
/// Returns the value in a succeeded state; [`WaitError::Failed`] with the value in a failed
/// state; [`WaitError::Poll`] with the first poll error; [`WaitError::TimedOut`] once the
/// timeout has passed (a poll request still running then is dropped, and no pause runs past it).
///
/// Cancellation-safe: dropping the future stops polling (a request in flight is dropped with
/// it); nothing runs in the background.
///
/// # Errors
/// As above.
pub async fn wait_until<T, H, E, EH, F, Fut>(
    polling: &Polling,
    options: WaitOptions,
    mut poll: F,
) -> Result<ResponseValue<T, H>, WaitError<T, H, E, EH>>
where
    T: Serialize,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<ResponseValue<T, H>, Error<E, EH>>>,
{
    let timeout = options.timeout.unwrap_or(polling.timeout);
    let start = Instant::now();
    let deadline = start.checked_add(timeout);
    let mut delay = options
        .interval
        .unwrap_or(polling.interval)
        .max(MIN_INTERVAL);
    let cap = options
        .max_interval
        .unwrap_or_else(|| delay.saturating_mul(DEFAULT_CAP))
        .max(delay);
    let mut last = None;
    let timed_out = |last| WaitError::TimedOut { timeout, last };
    if !options.poll_immediately.unwrap_or(true) {
        pause(delay, deadline).await;
        delay = grow(delay, cap);
    }
    loop {
        let remaining = match deadline {
            Some(deadline) => deadline.saturating_duration_since(Instant::now()),
            None => Duration::MAX,
        };
        if remaining.is_zero() {
            return Err(timed_out(last));
        }
        let answer = match deadline {
            Some(deadline) => match tokio::time::timeout_at(deadline, poll()).await {
                Ok(answer) => answer,
                Err(_) => return Err(timed_out(last)),
            },
            None => poll().await,
        };
        let value = answer.map_err(WaitError::Poll)?;
        match polling.state(&*value) {
            State::Succeeded => return Ok(value),
            State::Failed => return Err(WaitError::Failed(value)),
            State::Pending => {}
        }
        let pause_for = retry_after(value.raw_headers()).map_or(delay, |asked| asked.max(delay));
        last = Some(value);
        pause(pause_for, deadline).await;
        delay = grow(delay, cap);
    }
}

/// Sleeps for `duration`, but never past `deadline`.
async fn pause(duration: Duration, deadline: Option<Instant>) {
    let wake = Instant::now().checked_add(duration);
    let wake = match (wake, deadline) {
        (Some(wake), Some(deadline)) => wake.min(deadline),
        (Some(at), None) | (None, Some(at)) => at,
        // Further than `Instant` reaches, with no deadline: practically forever.
        (None, None) => return std::future::pending().await,
    };
    tokio::time::sleep_until(wake).await;
}

fn grow(delay: Duration, cap: Duration) -> Duration {
    delay.mul_f64(BACKOFF).min(cap)
}

/// `Retry-After` in seconds; an HTTP date is not read (the interval applies).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?;
    text.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;
    use reqwest::StatusCode;
    use serde::Deserialize;
    use std::cell::Cell;

    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    struct Job {
        id: String,
        state: String,
        done: bool,
    }

    const POLLING: Polling = Polling {
        status: "/state",
        succeeded: &["done"],
        failed: &["error"],
        interval: Duration::from_secs(2),
        timeout: Duration::from_secs(60),
    };

    fn answer(state: &str, retry: Option<&str>) -> Result<ResponseValue<Job>, Error> {
        let mut headers = HeaderMap::new();
        if let Some(retry) = retry {
            headers.insert(
                RETRY_AFTER,
                retry
                    .parse()
                    .map_err(|_| Error::InvalidRequest(String::new()))?,
            );
        }
        let job = Job {
            id: "j1".into(),
            state: state.into(),
            done: state == "done",
        };
        Ok(ResponseValue::new(job, StatusCode::OK, (), headers))
    }

    #[test]
    fn states_are_read_by_pointer_and_scalars_by_their_json_text() {
        let job = |state: &str| Job {
            id: "j".into(),
            state: state.into(),
            done: state == "done",
        };
        assert_eq!(POLLING.state(&job("done")), State::Succeeded);
        assert_eq!(POLLING.state(&job("error")), State::Failed);
        assert_eq!(POLLING.state(&job("running")), State::Pending);
        let by_flag = Polling {
            status: "/done",
            succeeded: &["true"],
            failed: &[],
            ..POLLING
        };
        assert_eq!(by_flag.state(&job("done")), State::Succeeded);
        let missing = Polling {
            status: "/nowhere",
            ..POLLING
        };
        assert_eq!(missing.state(&job("done")), State::Pending);
    }

    #[test]
    fn a_status_is_a_scalar_as_its_json_text() {
        let value = serde_json::json!({"a": {"s": "done", "b": true, "n": 3, "o": {}}});
        assert_eq!(status_text(&value, "/a/s").as_deref(), Some("done"));
        assert_eq!(status_text(&value, "/a/b").as_deref(), Some("true"));
        assert_eq!(status_text(&value, "/a/n").as_deref(), Some("3"));
        assert_eq!(status_text(&value, "/a/o"), None);
        assert_eq!(status_text(&value, "/nowhere"), None);
    }

    #[test]
    fn link_values_are_taken_by_pointer_and_converted() {
        let job = Job {
            id: "j1".into(),
            state: "s".into(),
            done: false,
        };
        let id: String = link_value(&job, "$response.body#/id").unwrap_or_default();
        assert_eq!(id, "j1");
        let whole: String = link_value(&"sess", "$request.path.session").unwrap_or_default();
        assert_eq!(whole, "sess");
        let missing = link_value::<String, _>(&job, "$response.body#/nope");
        assert!(matches!(
            missing,
            Err(LinkError {
                expression: "$response.body#/nope",
                ..
            })
        ));
        let wrong = link_value::<u32, _>(&job, "$response.body#/id");
        assert!(wrong.is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn polls_back_off_gently_and_stop_on_success() {
        let start = Instant::now();
        let times = std::cell::RefCell::new(Vec::new());
        let polls = Cell::new(0);
        let done = wait_until(&POLLING, WaitOptions::new(), || {
            polls.set(polls.get() + 1);
            times.borrow_mut().push(start.elapsed());
            let state = if polls.get() == 5 { "done" } else { "running" };
            std::future::ready(answer(state, None))
        })
        .await;
        assert!(matches!(&done, Ok(value) if value.state == "done"));
        let secs: Vec<f64> = times.borrow().iter().map(Duration::as_secs_f64).collect();
        // 0, then +2, +3, +4.5, +6.75.
        assert_eq!(secs, vec![0.0, 2.0, 5.0, 9.5, 16.25]);
    }

    #[tokio::test(start_paused = true)]
    async fn the_interval_is_capped_and_retry_after_is_honoured() {
        let start = Instant::now();
        let times = std::cell::RefCell::new(Vec::new());
        let options = WaitOptions::new()
            .interval(Duration::from_secs(1))
            .max_interval(Duration::from_secs(2))
            .poll_immediately(false);
        let result = wait_until(&POLLING, options, || {
            times.borrow_mut().push(start.elapsed().as_secs_f64());
            let n = times.borrow().len();
            let retry = (n == 3).then_some("10");
            std::future::ready(answer(if n == 6 { "error" } else { "running" }, retry))
        })
        .await;
        assert!(matches!(&result, Err(WaitError::Failed(value)) if value.state == "error"));
        // After 1 (not at once), then 1.5, 2 (cap), Retry-After 10, 2, 2.
        assert_eq!(*times.borrow(), vec![1.0, 2.5, 4.5, 14.5, 16.5, 18.5]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_timeout_never_sleeps_past_the_deadline_and_keeps_the_last_value() {
        let start = Instant::now();
        let options = WaitOptions::new().timeout(Duration::from_secs(7));
        let result = wait_until(&POLLING, options, || {
            std::future::ready(answer("running", Some("3")))
        })
        .await;
        assert_eq!(start.elapsed(), Duration::from_secs(7));
        match result {
            Err(WaitError::TimedOut { timeout, last }) => {
                assert_eq!(timeout, Duration::from_secs(7));
                assert!(last.is_some_and(|value| value.state == "running"));
            }
            other => panic!("expected a timeout: {other:?}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_poll_is_cut_at_the_deadline() {
        let start = Instant::now();
        let options = WaitOptions::new().timeout(Duration::from_secs(5));
        let result = wait_until(&POLLING, options, || async {
            tokio::time::sleep(Duration::from_secs(100)).await;
            answer("done", None)
        })
        .await;
        assert_eq!(start.elapsed(), Duration::from_secs(5));
        assert!(matches!(
            result,
            Err(WaitError::TimedOut { last: None, .. })
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn a_poll_error_ends_the_wait() {
        let result: Result<ResponseValue<Job>, WaitError<Job>> =
            wait_until(&POLLING, WaitOptions::new(), || {
                std::future::ready(Err(Error::InvalidRequest("no".into())))
            })
            .await;
        assert!(matches!(
            result,
            Err(WaitError::Poll(Error::InvalidRequest(_)))
        ));
        let widened: WaitError<Job, (), (), (), std::io::Error> = WaitError::<Job>::TimedOut {
            timeout: Duration::from_secs(1),
            last: None,
        }
        .after_create();
        assert!(widened.to_string().contains("no poll answered"));
    }
}
