//! Headers that mean the same thing whatever the spec: the request id a server gives each
//! request, and its rate-limit state. Read leniently: a header that is absent, empty or
//! malformed is `None`, never an error.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;

/// The headers servers commonly carry a request id in, in the order they are looked up (header
/// names are case-insensitive, so `X-Request-Id` and `x-request-id` are one).
pub const REQUEST_ID_HEADERS: [&str; 8] = [
    "x-request-id",
    "request-id",
    "x-correlation-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-ms-request-id",
    "x-github-request-id",
    "x-trace-id",
];

/// The request id of a response: the first of [`REQUEST_ID_HEADERS`] present with a non-empty,
/// printable value.
#[must_use]
pub fn request_id(headers: &HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS.iter().find_map(|name| {
        let value = headers.get(*name)?.to_str().ok()?.trim();
        (!value.is_empty()).then_some(value)
    })
}

/// When a rate-limit window resets, as the server said it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimitReset {
    /// At this wall-clock time (`X-RateLimit-Reset` holding Unix seconds).
    At(SystemTime),
    /// This long after the response was sent (`RateLimit-Reset`, the `t`/`reset` parameter of
    /// `RateLimit`, or an `X-RateLimit-Reset` too small to be a Unix time).
    After(Duration),
}

impl RateLimitReset {
    /// How long after `now` the window resets (zero when it already has). For
    /// [`After`](Self::After), `now` is taken to be when the response arrived.
    #[must_use]
    pub fn wait_from(self, now: SystemTime) -> Duration {
        match self {
            Self::At(at) => at.duration_since(now).unwrap_or_default(),
            Self::After(after) => after,
        }
    }
}

/// A server's rate-limit state, as a response reports it.
///
/// Read from `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (GitHub,
/// Twitter and many others), else from the IETF draft's `RateLimit-Limit`, `RateLimit-Remaining`
/// and `RateLimit-Reset`, or its later single `RateLimit` header (`limit=10, remaining=0,
/// reset=30`, or `"default";r=0;t=30` with the limit as `q` in `RateLimit-Policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed in a window.
    pub limit: Option<u64>,
    /// Requests left in the current window.
    pub remaining: Option<u64>,
    /// When the window resets.
    pub reset: Option<RateLimitReset>,
}

/// A Unix time below this (2001-09-09) is read as a number of seconds to wait instead: some
/// servers send `X-RateLimit-Reset` as a delay.
const UNIX_TIME_FLOOR: f64 = 1_000_000_000.0;

impl RateLimit {
    /// The rate-limit state `headers` report; `None` when they carry none of its headers.
    #[must_use]
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let legacy = Self {
            limit: number(headers, "x-ratelimit-limit"),
            remaining: number(headers, "x-ratelimit-remaining"),
            reset: seconds(headers, "x-ratelimit-reset").and_then(|value| {
                let value = Duration::from_secs_f64(value);
                if value.as_secs_f64() >= UNIX_TIME_FLOOR {
                    UNIX_EPOCH.checked_add(value).map(RateLimitReset::At)
                } else {
                    Some(RateLimitReset::After(value))
                }
            }),
        };
        let (structured, policy_limit) = structured(headers);
        let ietf = Self {
            limit: number(headers, "ratelimit-limit")
                .or(structured.limit)
                .or(policy_limit),
            remaining: number(headers, "ratelimit-remaining").or(structured.remaining),
            reset: seconds(headers, "ratelimit-reset")
                .map(|value| RateLimitReset::After(Duration::from_secs_f64(value)))
                .or(structured.reset),
        };
        let merged = Self {
            limit: legacy.limit.or(ietf.limit),
            remaining: legacy.remaining.or(ietf.remaining),
            reset: legacy.reset.or(ietf.reset),
        };
        (merged != Self::default()).then_some(merged)
    }
}

fn text<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name)?.to_str().ok().map(str::trim)
}

fn number(headers: &HeaderMap, name: &str) -> Option<u64> {
    text(headers, name)?.parse().ok()
}

/// A non-negative, finite number of seconds, small enough for a `Duration`.
fn seconds(headers: &HeaderMap, name: &str) -> Option<f64> {
    parse_seconds(text(headers, name)?)
}

fn parse_seconds(text: &str) -> Option<f64> {
    let value: f64 = text.trim().parse().ok()?;
    (value.is_finite() && (0.0..1e15).contains(&value)).then_some(value)
}

/// The `RateLimit` header's parameters, and `RateLimit-Policy`'s quota.
fn structured(headers: &HeaderMap) -> (RateLimit, Option<u64>) {
    let mut found = RateLimit::default();
    if let Some(value) = text(headers, "ratelimit") {
        for (key, value) in parameters(value) {
            match key.as_str() {
                "limit" => found.limit = value.parse().ok(),
                "remaining" | "r" => found.remaining = value.parse().ok(),
                "reset" | "t" => {
                    found.reset = parse_seconds(value)
                        .map(|value| RateLimitReset::After(Duration::from_secs_f64(value)));
                }
                _ => {}
            }
        }
    }
    let policy_limit = text(headers, "ratelimit-policy").and_then(|value| {
        parameters(value)
            .find(|(key, _)| key == "q")
            .and_then(|(_, value)| value.parse().ok())
    });
    (found, policy_limit)
}

/// `key=value` pairs separated by `,` or `;`, keys lowercased. In the structured form
/// (`"default";r=0;t=30, "daily";r=10;t=3600`) only the first policy's, so that a later one
/// does not overwrite it; in the dictionary form (`limit=10, remaining=0, reset=30`) all.
fn parameters(value: &str) -> impl Iterator<Item = (String, &str)> {
    let first = value.split(',').next().unwrap_or_default();
    let members = if first.contains(';') { first } else { value };
    members
        .split([',', ';'])
        .filter_map(|pair| pair.split_once('='))
        .map(|(key, value)| {
            (
                key.trim().to_ascii_lowercase(),
                value.trim().trim_matches('"'),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn the_request_id_is_found_under_any_common_name_and_case() {
        assert_eq!(
            request_id(&headers(&[("X-Request-ID", "req_1")])),
            Some("req_1")
        );
        assert_eq!(
            request_id(&headers(&[("x-amzn-RequestId", "amz")])),
            Some("amz")
        );
        assert_eq!(request_id(&headers(&[("Request-Id", " r ")])), Some("r"));
        assert_eq!(request_id(&headers(&[("x-request-id", "  ")])), None);
        assert_eq!(request_id(&headers(&[("x-other", "x")])), None);
        let mut bad = HeaderMap::new();
        bad.insert("x-request-id", HeaderValue::from_bytes(b"\xff").unwrap());
        bad.insert("x-correlation-id", HeaderValue::from_static("corr"));
        assert_eq!(request_id(&bad), Some("corr"));
    }

    #[test]
    fn rate_limits_read_from_each_header_family() {
        let legacy = RateLimit::from_headers(&headers(&[
            ("X-RateLimit-Limit", "100"),
            ("X-RateLimit-Remaining", "0"),
            ("X-RateLimit-Reset", "1774523460"),
        ]))
        .unwrap();
        assert_eq!(legacy.limit, Some(100));
        assert_eq!(legacy.remaining, Some(0));
        assert_eq!(
            legacy.reset,
            Some(RateLimitReset::At(
                UNIX_EPOCH + Duration::from_secs(1_774_523_460)
            ))
        );
        let delta = RateLimit::from_headers(&headers(&[("x-ratelimit-reset", "30")])).unwrap();
        assert_eq!(
            delta.reset,
            Some(RateLimitReset::After(Duration::from_secs(30)))
        );
        let ietf = RateLimit::from_headers(&headers(&[
            ("RateLimit-Limit", "10"),
            ("RateLimit-Remaining", "3"),
            ("RateLimit-Reset", "7"),
        ]))
        .unwrap();
        assert_eq!(
            (ietf.limit, ietf.remaining, ietf.reset),
            (
                Some(10),
                Some(3),
                Some(RateLimitReset::After(Duration::from_secs(7)))
            )
        );
        let draft7 = RateLimit::from_headers(&headers(&[(
            "RateLimit",
            "limit=10, remaining=0, reset=30",
        )]))
        .unwrap();
        assert_eq!((draft7.limit, draft7.remaining), (Some(10), Some(0)));
        let partial =
            RateLimit::from_headers(&headers(&[("RateLimit", "remaining=0, reset=30")])).unwrap();
        assert_eq!(
            (partial.remaining, partial.reset),
            (
                Some(0),
                Some(RateLimitReset::After(Duration::from_secs(30)))
            )
        );
        assert_eq!(
            draft7.reset,
            Some(RateLimitReset::After(Duration::from_secs(30)))
        );
        let structured = RateLimit::from_headers(&headers(&[
            ("RateLimit", "\"default\";r=2;t=40, \"daily\";r=90;t=3600"),
            ("RateLimit-Policy", "\"default\";q=5;w=60"),
        ]))
        .unwrap();
        assert_eq!(
            (structured.limit, structured.remaining, structured.reset),
            (
                Some(5),
                Some(2),
                Some(RateLimitReset::After(Duration::from_secs(40)))
            )
        );
    }

    #[test]
    fn malformed_rate_limit_headers_are_none_and_never_panic() {
        assert_eq!(RateLimit::from_headers(&HeaderMap::new()), None);
        for bad in [
            "-1",
            "NaN",
            "inf",
            "1e400",
            "abc",
            "",
            "99999999999999999999999",
        ] {
            let read = RateLimit::from_headers(&headers(&[
                ("x-ratelimit-reset", bad),
                ("x-ratelimit-limit", bad),
                ("ratelimit", bad),
            ]));
            assert_eq!(read, None, "{bad}");
        }
        assert_eq!(
            RateLimitReset::At(UNIX_EPOCH).wait_from(SystemTime::now()),
            Duration::ZERO
        );
    }
}
