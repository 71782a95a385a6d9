//! Wall-clock time that follows tokio's clock, so that a test with a paused clock sees analyses
//! finish, timestamps advance and rate-limit windows reset as it advances time.

use chrono::{DateTime, Utc};
use tokio::time::Instant;

#[derive(Debug, Clone, Copy)]
pub struct Clock {
    started: Instant,
    started_at: DateTime<Utc>,
}

impl Clock {
    #[must_use]
    pub fn start() -> Self {
        Self {
            started: Instant::now(),
            started_at: Utc::now(),
        }
    }

    #[must_use]
    pub fn instant(&self) -> Instant {
        Instant::now()
    }

    /// The wall-clock time of `instant`.
    #[must_use]
    pub fn at(&self, instant: Instant) -> DateTime<Utc> {
        let elapsed = instant.saturating_duration_since(self.started);
        self.started_at + chrono::Duration::from_std(elapsed).unwrap_or_default()
    }

    #[must_use]
    pub fn now(&self) -> DateTime<Utc> {
        self.at(Instant::now())
    }
}
