//! Fixed-window rate limits per token: at most `requests` every `window_seconds`. A window opens
//! with the first request after the previous one closed (as GitHub's do), so `X-RateLimit-Reset`
//! is the same for every request of a window.

use std::collections::HashMap;

use crate::mock::fixtures::RateLimit;

/// The state of one token's window after a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub limit: u32,
    pub remaining: u32,
    /// Unix time (seconds) at which the window resets.
    pub reset: i64,
    /// Whether this request is over the limit.
    pub exceeded: bool,
}

impl Window {
    /// Seconds until the window resets, at least 1.
    #[must_use]
    pub fn retry_after(&self, now: i64) -> i64 {
        (self.reset - now).max(1)
    }
}

#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: HashMap<String, (i64, u32)>,
}

impl RateLimiter {
    /// Counts a request of `token` at Unix time `now`. A request over the limit is not counted:
    /// a client that waits for the reset is not punished for having asked.
    pub fn hit(&mut self, token: &str, limit: RateLimit, now: i64) -> Window {
        let length = i64::try_from(limit.window_seconds)
            .unwrap_or(i64::MAX)
            .max(1);
        let entry = self.windows.entry(token.to_owned()).or_insert((now, 0));
        if now >= entry.0.saturating_add(length) {
            *entry = (now, 0);
        }
        let start = entry.0;
        let exceeded = entry.1 >= limit.requests;
        if !exceeded {
            entry.1 += 1;
        }
        Window {
            limit: limit.requests,
            remaining: limit.requests - entry.1,
            reset: start + length,
            exceeded,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: RateLimit = RateLimit {
        requests: 2,
        window_seconds: 60,
    };

    #[test]
    fn the_limit_holds_within_a_window_and_resets_after() {
        let mut limiter = RateLimiter::default();
        let first = limiter.hit("t", LIMIT, 1_000_020);
        assert_eq!(
            (first.remaining, first.exceeded, first.reset),
            (1, false, 1_000_080)
        );
        assert_eq!(limiter.hit("t", LIMIT, 1_000_030).remaining, 0);
        let over = limiter.hit("t", LIMIT, 1_000_040);
        assert!(over.exceeded);
        assert_eq!(over.retry_after(1_000_040), 40);
        assert!(!limiter.hit("other", LIMIT, 1_000_040).exceeded);
        assert!(limiter.hit("t", LIMIT, 1_000_079).exceeded);
        let next = limiter.hit("t", LIMIT, 1_000_080);
        assert_eq!(
            (next.remaining, next.exceeded, next.reset),
            (1, false, 1_000_140)
        );
    }
}
