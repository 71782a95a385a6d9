//! Scalars made up for a schema: strings to their length, format and pattern, integers and
//! numbers within their bounds, and the words and UUIDs the rest of the synthesizer fills in with.

use rand::RngExt;
use serde_json::{Number, Value};

use super::{bound, count, pattern_generator, Synthesizer};

impl Synthesizer<'_> {
    pub(super) fn string(&mut self, schema: &Value) -> String {
        let min = count(schema, "minLength").unwrap_or(0);
        let max = count(schema, "maxLength");
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
            if let Some(made) = self.matching_pattern(pattern, min, max) {
                return made;
            }
        }
        let formatted = match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => Some(format!(
                "2026-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                self.rng.random_range(1..=12),
                self.rng.random_range(1..=28),
                self.rng.random_range(0..24),
                self.rng.random_range(0..60),
                self.rng.random_range(0..60)
            )),
            Some("date") => Some(format!(
                "2026-{:02}-{:02}",
                self.rng.random_range(1..=12),
                self.rng.random_range(1..=28)
            )),
            Some("time") => Some(format!(
                "{:02}:{:02}:{:02}Z",
                self.rng.random_range(0..24),
                self.rng.random_range(0..60),
                self.rng.random_range(0..60)
            )),
            Some("uuid") => Some(self.uuid()),
            Some("uri" | "url" | "uri-reference") => {
                Some(format!("https://example.com/{}", self.word(3, 8)))
            }
            Some("email") => Some(format!("{}@example.com", self.word(3, 8))),
            Some("hostname") => Some(format!("{}.example.com", self.word(3, 8))),
            Some("ipv4") => Some(format!("192.0.2.{}", self.rng.random_range(1..255))),
            Some("ipv6") => Some(format!("2001:db8::{:x}", self.rng.random_range(1..0xffff))),
            Some("byte") => Some("aGVsbG8=".into()),
            _ => None,
        };
        if let Some(value) = formatted {
            return value;
        }
        let upper = max.unwrap_or(min.max(8) + 4).max(min);
        // Never empty unless the schema says so: an empty path segment or header is another
        // request, not another value.
        let shortest = if upper == 0 { 0 } else { min.max(1) };
        let length = if self.prefer_examples {
            min.max(8.min(upper))
        } else {
            self.rng.random_range(shortest..=upper.min(shortest + 16))
        };
        self.word(length, length)
    }

    pub(super) fn matching_pattern(
        &mut self,
        pattern: &str,
        min: usize,
        max: Option<usize>,
    ) -> Option<String> {
        let generator = pattern_generator(pattern)?;
        for _ in 0..32 {
            let made: Result<String, _> = self.rng.sample(&generator);
            let Ok(made) = made else { continue };
            let length = made.chars().count();
            if length >= min && max.is_none_or(|max| length <= max) {
                return Some(made);
            }
        }
        None
    }

    pub(super) fn integer(&mut self, schema: &Value) -> Value {
        let format_bounds = match schema.get("format").and_then(Value::as_str) {
            Some("int32") => (i64::from(i32::MIN), i64::from(i32::MAX)),
            Some("int8") => (-128, 127),
            Some("uint8") => (0, 255),
            _ => (i64::MIN, i64::MAX),
        };
        let mut low = bound(schema, "minimum").map_or(format_bounds.0, |b| b.ceil() as i64);
        let mut high = bound(schema, "maximum").map_or(format_bounds.1, |b| b.floor() as i64);
        if schema.get("exclusiveMinimum") == Some(&Value::Bool(true)) {
            low = low.saturating_add(1);
        }
        if schema.get("exclusiveMaximum") == Some(&Value::Bool(true)) {
            high = high.saturating_sub(1);
        }
        let (low, high) = (low.max(format_bounds.0), high.min(format_bounds.1).max(low));
        // Small, readable numbers where the bounds allow them.
        let (pick_low, pick_high) = (low.max(-1000).min(high), high.min(1000).max(low));
        let mut value = if self.prefer_examples {
            pick_low.max(1.min(pick_high))
        } else {
            self.rng.random_range(pick_low..=pick_high)
        };
        if let Some(step) = bound(schema, "multipleOf").filter(|s| *s >= 1.0) {
            let step = step as i64;
            value = (value / step) * step;
            if value < low {
                value += step;
            }
        }
        Value::Number(Number::from(value))
    }

    pub(super) fn number(&mut self, schema: &Value) -> Value {
        let low = bound(schema, "minimum").unwrap_or(-1000.0);
        let high = bound(schema, "maximum")
            .unwrap_or(low.max(0.0) + 1000.0)
            .max(low);
        let exclusive_low = schema.get("exclusiveMinimum") == Some(&Value::Bool(true));
        let exclusive_high = schema.get("exclusiveMaximum") == Some(&Value::Bool(true));
        let mut value = if self.prefer_examples {
            (low.max(0.0).min(high) * 100.0).round() / 100.0
        } else {
            let raw = self.rng.random_range(low..=high);
            (raw * 100.0).round() / 100.0
        };
        if (exclusive_low && value <= low) || value < low {
            value = low + (high - low) / 2.0;
        }
        if (exclusive_high && value >= high) || value > high {
            value = low + (high - low) / 2.0;
        }
        if let Some(step) = bound(schema, "multipleOf").filter(|s| *s > 0.0) {
            value = (value / step).round() * step;
        }
        Number::from_f64(value).map_or(Value::Null, Value::Number)
    }

    pub(super) fn word(&mut self, min: usize, max: usize) -> String {
        const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
        let length = if max > min {
            self.rng.random_range(min..=max)
        } else {
            min
        };
        (0..length)
            .map(|_| char::from(LETTERS[self.rng.random_range(0..LETTERS.len())]))
            .collect()
    }

    pub(super) fn uuid(&mut self) -> String {
        let bits: u128 = self.rng.random();
        // Version 4, RFC 4122 variant.
        let bits = (bits & !(0xf << 76) | (0x4 << 76)) & !(0x3 << 62) | (0x2 << 62);
        let hex = format!("{bits:032x}");
        format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }
}
