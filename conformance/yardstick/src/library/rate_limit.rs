//! The library API's rate limit: a fixed window per token, opened by its first request, with a
//! number of requests it may make; what is left is told in `RateLimit-*` headers.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Requests per window: enough that no test run spends it.
pub(crate) const LIMIT: u64 = 10_000;
const WINDOW: Duration = Duration::from_secs(3600);

/// The windows of every token.
#[derive(Debug, Default)]
pub(crate) struct RateLimits {
    windows: BTreeMap<String, Window>,
}

#[derive(Debug)]
struct Window {
    opened: Instant,
    used: u64,
}

/// What one request of a token left.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Quota {
    pub remaining: u64,
    /// Whole seconds until the window resets, rounded up.
    pub reset: u64,
    /// The window was spent before this request: refuse it.
    pub exhausted: bool,
}

impl RateLimits {
    /// Counts one request of `token`.
    pub(crate) fn take(&mut self, token: &str) -> Quota {
        let now = Instant::now();
        let window = self.windows.entry(token.to_owned()).or_insert(Window {
            opened: now,
            used: 0,
        });
        if now.duration_since(window.opened) >= WINDOW {
            *window = Window {
                opened: now,
                used: 0,
            };
        }
        let exhausted = window.used >= LIMIT;
        if !exhausted {
            window.used += 1;
        }
        let left = WINDOW.saturating_sub(now.duration_since(window.opened));
        Quota {
            remaining: LIMIT - window.used,
            reset: left.as_secs() + u64::from(left.subsec_nanos() > 0),
            exhausted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_token_counts_down_its_own_window() {
        let mut limits = RateLimits::default();
        assert_eq!(limits.take("a").remaining, LIMIT - 1);
        assert_eq!(limits.take("a").remaining, LIMIT - 2);
        let other = limits.take("b");
        assert_eq!(other.remaining, LIMIT - 1);
        assert!(!other.exhausted);
        assert!(other.reset <= 3600);
    }
}
