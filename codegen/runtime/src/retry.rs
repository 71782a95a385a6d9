//! When a generated client sends a request again, and how long it waits first.

use std::fmt;
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

use crate::headers::{RateLimit, RateLimitReset};

/// When and how a client retries a request that failed in a way that may pass.
///
/// # What is retried
///
/// | failure | GET, HEAD, PUT, DELETE, OPTIONS, TRACE | POST, PATCH, others |
/// |---|---|---|
/// | `429 Too Many Requests` | retried | retried |
/// | connection not established (`is_connect`) | retried | retried |
/// | `503 Service Unavailable` | retried | only with [`retry_non_idempotent`](Self::retry_non_idempotent) |
/// | other transport failure, timeout, body cut short | retried | only with [`retry_non_idempotent`](Self::retry_non_idempotent) |
///
/// A `429` means the server refused the request without acting on it (RFC 6585), and a
/// connection that was never established carried nothing: sending either again cannot do the
/// work twice, whatever the method. A `503` or a connection lost after the request went out
/// leaves open whether a create was accepted, so a non-idempotent request is sent again only
/// when the caller says that is safe: [`retry_non_idempotent`](Self::retry_non_idempotent),
/// or per request an `Idempotency-Key` header (the server then deduplicates). Any other status
/// is returned as it is. A request whose body cannot be cloned (a stream) is never retried.
///
/// # How long it waits
///
/// The server's word first: `Retry-After` (seconds or an HTTP date), then, on a `429` or when
/// no request is left in the window, the rate-limit reset (`RateLimit-Reset` or the `t`
/// parameter of `RateLimit`, seconds; `X-RateLimit-Reset`, Unix seconds, the wait rounded up
/// to a whole second, since the server's clock may run a little behind). Wall-clock times are
/// compared with a clock read once when the client is built and then advanced with tokio's
/// clock, so a test on a paused clock sees exact waits. **When the server asks for more than
/// [`max_delay`](Self::max_delay), the client does not retry**: it returns that response at
/// once, so the caller decides whether a long wait is worth it (`Error::rate_limit` and
/// `Retry-After` in `Error::headers` say how long).
///
/// Otherwise exponential backoff: `base_delay × 2^n` before the (n+1)-th retry, at most
/// `max_delay`, with jitter picking uniformly in its upper half (so clients that failed
/// together spread out, and none retries at once). [`jitter`](Self::jitter)`(false)` or a
/// [`jitter_seed`](Self::jitter_seed) make the waits exact, for tests.
///
/// # The default
///
/// Two retries, backoff from 500 ms, waits of at most 30 s, jittered, idempotent methods only
/// for the ambiguous failures. Retrying what is certainly safe is what an integrator would
/// otherwise write by hand around every call (and what the large vendor SDKs do by default);
/// two retries bound the extra load on a struggling server to three times and the extra
/// latency to about a minute. [`RetryPolicy::none`] turns retries off.
#[derive(Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    base_delay: Duration,
    max_delay: Duration,
    jitter: bool,
    seed: Option<u64>,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            jitter: true,
            seed: None,
            retry_non_idempotent: false,
        }
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_retries", &self.max_retries)
            .field("base_delay", &self.base_delay)
            .field("max_delay", &self.max_delay)
            .field("jitter", &self.jitter)
            .field("seed", &self.seed)
            .field("retry_non_idempotent", &self.retry_non_idempotent)
            .finish()
    }
}

impl RetryPolicy {
    /// The default policy (see [the type's documentation](Self)).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Never retry: every request is sent once.
    #[must_use]
    pub fn none() -> Self {
        Self::default().with_max_retries(0)
    }

    /// At most `retries` retries after the first attempt (0 turns retries off).
    #[must_use]
    pub fn with_max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The wait before the first retry of backoff; each later one doubles it.
    #[must_use]
    pub fn with_base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest wait: backoff stops growing there, and a server asking for a longer one is
    /// not retried.
    #[must_use]
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Whether backoff waits are jittered (on by default).
    #[must_use]
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// Jitter drawn from a generator seeded with `seed` for each request, so a test sees the
    /// same waits every run (a server's own waits are never jittered).
    #[must_use]
    pub fn jitter_seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Also retry non-idempotent requests (POST, PATCH) on a `503` or a failure after they may
    /// have been sent: only for an API that deduplicates them, or work that may safely be done
    /// twice.
    #[must_use]
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    /// At most this many retries after the first attempt.
    #[must_use]
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The wait before the first retry of backoff.
    #[must_use]
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The longest wait.
    #[must_use]
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The generator that jitters one request's waits.
    pub(crate) fn rng(&self) -> fastrand::Rng {
        match self.seed {
            Some(seed) => fastrand::Rng::with_seed(seed),
            None => fastrand::Rng::new(),
        }
    }

    /// The backoff before retry number `retry` (0 for the first).
    pub(crate) fn backoff(&self, retry: u32, rng: &mut fastrand::Rng) -> Duration {
        let factor = 2u32.saturating_pow(retry);
        let full = self
            .base_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay);
        if !self.jitter || full.is_zero() {
            return full;
        }
        let half = full / 2;
        let nanos = u64::try_from((full - half).as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(rng.u64(0..=nanos))
    }

    /// Whether and how long to wait before sending `method` again after `failure`, as retry
    /// number `retry` (0 for the first); `now` is the wall-clock time, for dated headers.
    pub(crate) fn decide(
        &self,
        method: &Method,
        idempotency_key: bool,
        failure: &Failure<'_>,
        retry: u32,
        now: SystemTime,
        rng: &mut fastrand::Rng,
    ) -> Decision {
        if retry >= self.max_retries {
            return Decision::Stop(StopReason::RetriesExhausted);
        }
        let repeatable = is_idempotent(method) || idempotency_key || self.retry_non_idempotent;
        let (reason, asked) = match failure {
            Failure::Status(status, headers) => {
                let reason = match *status {
                    StatusCode::TOO_MANY_REQUESTS => Reason::TooManyRequests,
                    StatusCode::SERVICE_UNAVAILABLE if repeatable => Reason::Unavailable,
                    StatusCode::SERVICE_UNAVAILABLE => {
                        return Decision::Stop(StopReason::NotIdempotent)
                    }
                    _ => return Decision::Stop(StopReason::NotRetryable),
                };
                (reason, server_wait(*status, headers, now))
            }
            Failure::Connect => (Reason::Connect, None),
            Failure::Transport if repeatable => (Reason::Transport, None),
            Failure::Transport => return Decision::Stop(StopReason::NotIdempotent),
        };
        match asked {
            Some((wait, _)) if wait > self.max_delay => {
                Decision::Stop(StopReason::WaitTooLong(wait))
            }
            Some((wait, source)) => Decision::Retry {
                wait,
                reason,
                source,
            },
            None => Decision::Retry {
                wait: self.backoff(retry, rng),
                reason,
                source: WaitSource::Backoff,
            },
        }
    }
}

/// GET, HEAD, PUT, DELETE, OPTIONS and TRACE (RFC 9110, 9.2.2).
pub(crate) fn is_idempotent(method: &Method) -> bool {
    [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
    ]
    .contains(method)
}

/// What went wrong with one attempt.
pub(crate) enum Failure<'a> {
    /// The server answered with this status.
    Status(StatusCode, &'a HeaderMap),
    /// No connection: nothing was sent.
    Connect,
    /// The request may have been sent (or its answer was cut short, or timed out).
    Transport,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    Retry {
        wait: Duration,
        reason: Reason,
        source: WaitSource,
    },
    Stop(StopReason),
}

/// Why a request is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    TooManyRequests,
    Unavailable,
    Connect,
    Transport,
}

impl Reason {
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::TooManyRequests => "429 Too Many Requests",
            Self::Unavailable => "503 Service Unavailable",
            Self::Connect => "connection failed",
            Self::Transport => "transport error",
        }
    }
}

/// Where a wait comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WaitSource {
    RetryAfter,
    RateLimitReset,
    Backoff,
}

impl WaitSource {
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::RetryAfter => "Retry-After",
            Self::RateLimitReset => "rate-limit reset",
            Self::Backoff => "backoff",
        }
    }
}

/// Why a failed attempt is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StopReason {
    RetriesExhausted,
    NotRetryable,
    NotIdempotent,
    WaitTooLong(Duration),
}

/// The wait the server asked for: `Retry-After`, else (on a 429, or with nothing left in the
/// window) the rate-limit reset.
fn server_wait(
    status: StatusCode,
    headers: &HeaderMap,
    now: SystemTime,
) -> Option<(Duration, WaitSource)> {
    if let Some(wait) = retry_after(headers, now) {
        return Some((wait, WaitSource::RetryAfter));
    }
    let limit = RateLimit::from_headers(headers)?;
    if status != StatusCode::TOO_MANY_REQUESTS && limit.remaining != Some(0) {
        return None;
    }
    let wait = match limit.reset? {
        // A reset in whole Unix seconds, compared with a clock that may run a little ahead of
        // the server's: wait to the next whole second, so as not to arrive just before it.
        reset @ RateLimitReset::At(_) => {
            let wait = reset.wait_from(now);
            let whole = Duration::from_secs(wait.as_secs());
            if whole == wait {
                wait
            } else {
                whole + Duration::from_secs(1)
            }
        }
        reset @ RateLimitReset::After(_) => reset.wait_from(now),
    };
    Some((wait, WaitSource::RateLimitReset))
}

/// `Retry-After` as delta-seconds or an HTTP date; `None` when absent or malformed.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for a u64 is a wait longer than any cap.
        return Some(Duration::from_secs(text.parse().unwrap_or(u64::MAX)));
    }
    let date = httpdate::parse_http_date(text).ok()?;
    Some(date.duration_since(now).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use std::time::UNIX_EPOCH;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    fn decide(policy: &RetryPolicy, method: Method, failure: &Failure<'_>) -> Decision {
        policy.decide(
            &method,
            false,
            failure,
            0,
            at(1_800_000_000),
            &mut fastrand::Rng::with_seed(1),
        )
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_and_jitter_stays_in_its_upper_half() {
        let policy = RetryPolicy::default()
            .with_base_delay(Duration::from_secs(1))
            .with_max_delay(Duration::from_secs(5))
            .jitter(false);
        let mut rng = fastrand::Rng::with_seed(3);
        let waits: Vec<u64> = (0..5)
            .map(|n| policy.backoff(n, &mut rng).as_secs())
            .collect();
        assert_eq!(waits, [1, 2, 4, 5, 5]);
        assert_eq!(policy.backoff(u32::MAX, &mut rng), Duration::from_secs(5));
        let jittered = policy.clone().jitter(true);
        for n in 0..4 {
            let wait = jittered.backoff(n, &mut rng);
            let full = policy.backoff(n, &mut rng);
            assert!(wait >= full / 2 && wait <= full, "{wait:?} of {full:?}");
        }
        let seeded = jittered.jitter_seed(42);
        let first: Vec<Duration> = (0..3)
            .map(|n| seeded.backoff(n, &mut seeded.rng()))
            .collect();
        let again: Vec<Duration> = (0..3)
            .map(|n| seeded.backoff(n, &mut seeded.rng()))
            .collect();
        assert_eq!(first, again);
    }

    #[test]
    fn what_is_retried_depends_on_the_method_and_the_failure() {
        let policy = RetryPolicy::default().jitter(false);
        let none = HeaderMap::new();
        let retried = |d: Decision| matches!(d, Decision::Retry { .. });
        let too_many = Failure::Status(StatusCode::TOO_MANY_REQUESTS, &none);
        let unavailable = Failure::Status(StatusCode::SERVICE_UNAVAILABLE, &none);
        for method in [Method::GET, Method::PUT, Method::DELETE, Method::HEAD] {
            assert!(retried(decide(&policy, method.clone(), &too_many)));
            assert!(retried(decide(&policy, method.clone(), &unavailable)));
            assert!(retried(decide(&policy, method.clone(), &Failure::Connect)));
            assert!(retried(decide(&policy, method, &Failure::Transport)));
        }
        for method in [Method::POST, Method::PATCH] {
            assert!(retried(decide(&policy, method.clone(), &too_many)));
            assert!(retried(decide(&policy, method.clone(), &Failure::Connect)));
            assert_eq!(
                decide(&policy, method.clone(), &unavailable),
                Decision::Stop(StopReason::NotIdempotent)
            );
            assert_eq!(
                decide(&policy, method.clone(), &Failure::Transport),
                Decision::Stop(StopReason::NotIdempotent)
            );
            let opted_in = policy.clone().retry_non_idempotent(true);
            assert!(retried(decide(&opted_in, method.clone(), &unavailable)));
            assert!(retried(decide(
                &opted_in,
                method.clone(),
                &Failure::Transport
            )));
            let keyed = policy.decide(
                &method,
                true,
                &unavailable,
                0,
                at(0),
                &mut fastrand::Rng::with_seed(1),
            );
            assert!(retried(keyed));
        }
        for status in [400, 401, 404, 409, 500, 502, 504] {
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(
                decide(&policy, Method::GET, &Failure::Status(status, &none)),
                Decision::Stop(StopReason::NotRetryable)
            );
        }
        let exhausted = policy.decide(
            &Method::GET,
            false,
            &too_many,
            2,
            at(0),
            &mut fastrand::Rng::with_seed(1),
        );
        assert_eq!(exhausted, Decision::Stop(StopReason::RetriesExhausted));
        assert_eq!(
            decide(&RetryPolicy::none(), Method::GET, &too_many),
            Decision::Stop(StopReason::RetriesExhausted)
        );
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn wait_for(pairs: &[(&'static str, &str)], status: u16) -> Decision {
        let headers = headers(pairs);
        let status = StatusCode::from_u16(status).unwrap();
        decide(
            &RetryPolicy::default().jitter(false),
            Method::GET,
            &Failure::Status(status, &headers),
        )
    }

    fn retry(wait: u64, source: WaitSource, reason: Reason) -> Decision {
        Decision::Retry {
            wait: Duration::from_secs(wait),
            reason,
            source,
        }
    }

    #[test]
    fn the_server_s_wait_wins_over_backoff_unless_it_exceeds_the_cap() {
        use Reason::{TooManyRequests, Unavailable};
        use WaitSource::{Backoff, RateLimitReset, RetryAfter};
        assert_eq!(
            wait_for(&[("retry-after", "7")], 429),
            retry(7, RetryAfter, TooManyRequests)
        );
        assert_eq!(
            wait_for(&[("retry-after", "Fri, 15 Jan 2027 08:00:12 GMT")], 503),
            retry(12, RetryAfter, Unavailable)
        );
        // A date in the past: retry at once.
        assert_eq!(
            wait_for(&[("retry-after", "Fri, 15 Jan 2027 07:00:00 GMT")], 429),
            retry(0, RetryAfter, TooManyRequests)
        );
        assert_eq!(
            wait_for(&[("x-ratelimit-reset", "1800000009")], 429),
            retry(9, RateLimitReset, TooManyRequests)
        );
        // A fraction of a second is rounded up: never arrive before the reset.
        let headers = headers(&[("x-ratelimit-reset", "1800000009")]);
        let decision = RetryPolicy::default().decide(
            &Method::GET,
            false,
            &Failure::Status(StatusCode::TOO_MANY_REQUESTS, &headers),
            0,
            at(1_800_000_000) + Duration::from_millis(300),
            &mut fastrand::Rng::with_seed(1),
        );
        assert_eq!(decision, retry(9, RateLimitReset, TooManyRequests));
        assert_eq!(
            wait_for(&[("ratelimit-reset", "4")], 429),
            retry(4, RateLimitReset, TooManyRequests)
        );
        assert_eq!(
            wait_for(&[("ratelimit", "limit=5, remaining=0, reset=6")], 429),
            retry(6, RateLimitReset, TooManyRequests)
        );
        // A reset on a 503 with requests left says nothing about this failure.
        assert_eq!(
            wait_for(
                &[
                    ("x-ratelimit-reset", "1800000009"),
                    ("x-ratelimit-remaining", "4")
                ],
                503
            ),
            Decision::Retry {
                wait: Duration::from_millis(500),
                reason: Unavailable,
                source: Backoff
            }
        );
        assert_eq!(
            wait_for(&[("retry-after", "31")], 429),
            Decision::Stop(StopReason::WaitTooLong(Duration::from_secs(31)))
        );
        assert_eq!(
            wait_for(&[("retry-after", "99999999999999999999999999")], 429),
            Decision::Stop(StopReason::WaitTooLong(Duration::from_secs(u64::MAX)))
        );
        // Malformed: backoff.
        for bad in ["soon", "-3", "", "7 seconds"] {
            assert_eq!(
                wait_for(&[("retry-after", bad)], 429),
                Decision::Retry {
                    wait: Duration::from_millis(500),
                    reason: TooManyRequests,
                    source: Backoff
                },
                "{bad}"
            );
        }
    }
}
