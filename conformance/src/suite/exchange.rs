//! One request the suite sent and what came back, kept whole so that a failure can be shown with
//! the request that produced it (as a curl command) and the response.

use std::fmt::Write as _;
use std::time::Duration;

use crate::http::{Request, Response};

/// Why no (whole) response came back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    #[error("no response within {0:?}")]
    Timeout(Duration),
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("the connection failed before a whole response arrived: {0}")]
    Broken(String),
    #[error("the response body is larger than the limit of {0} bytes")]
    TooLarge(usize),
    #[error(
        "not sent: the target failed the last {0} requests in a row, so the run stopped sending"
    )]
    GaveUp(usize),
}

/// A request and its outcome.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// Position in the run, for reports.
    pub id: usize,
    /// The operationId (or `METHOD path`) the request addresses.
    pub operation: String,
    /// What the request is for ("valid body, seed 3", "without credentials", …).
    pub purpose: String,
    pub base_url: String,
    pub request: Request,
    pub outcome: Result<Response, TransportError>,
    /// When the request was sent and when its answer was read whole, from the start of the run.
    pub sent_at: Duration,
    pub done_at: Duration,
}

impl Exchange {
    #[must_use]
    pub fn response(&self) -> Option<&Response> {
        self.outcome.as_ref().ok()
    }

    /// The bearer token the request carried.
    #[must_use]
    pub fn bearer(&self) -> Option<&str> {
        self.request
            .headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("authorization"))
            .and_then(|(_, value)| value.strip_prefix("Bearer "))
    }

    /// Whether the request carried `credential` (in a header, the query or a cookie), as every
    /// scheme kind sends it; with `None`, whether it carried none of `known`.
    #[must_use]
    pub fn carries(&self, credential: &str) -> bool {
        !credential.is_empty()
            && (self.request.path.contains(credential)
                || self.request.headers.iter().any(|(name, value)| {
                    value.contains(credential)
                        || (name.eq_ignore_ascii_case("authorization")
                            && value.strip_prefix("Basic ").is_some_and(|encoded| {
                                base64::Engine::decode(
                                    &base64::engine::general_purpose::STANDARD,
                                    encoded,
                                )
                                .is_ok_and(|pair| {
                                    String::from_utf8_lossy(&pair).contains(credential)
                                })
                            }))
                }))
    }

    /// The request as a curl command, credentials replaced by `***`, its body whole.
    #[must_use]
    pub fn curl(&self, redact: &Redactor) -> String {
        self.curl_with_body(redact, usize::MAX)
    }

    /// The request as a curl command for a person to read: a body longer than `limit`
    /// characters is cut there, its whole length said.
    #[must_use]
    pub fn curl_with_body(&self, redact: &Redactor, limit: usize) -> String {
        let mut command = format!(
            "curl -X {} {}",
            self.request.method,
            quote(&format!("{}{}", self.base_url, self.request.path))
        );
        for (name, value) in &self.request.headers {
            let shown = if name.eq_ignore_ascii_case("authorization") {
                match value.split_once(' ') {
                    Some((scheme, _)) => format!("{scheme} ***"),
                    None => "***".into(),
                }
            } else {
                value.clone()
            };
            let _ = write!(command, " -H {}", quote(&format!("{name}: {shown}")));
        }
        if let Some(body) = &self.request.body {
            let text = String::from_utf8_lossy(body);
            match text.char_indices().nth(limit) {
                Some((cut, _)) => {
                    let _ = write!(
                        command,
                        " --data-raw {} # body cut: {} bytes in all",
                        quote(&format!("{}…", &text[..cut])),
                        body.len()
                    );
                }
                None => {
                    let _ = write!(command, " --data-raw {}", quote(&text));
                }
            }
        }
        redact.apply(&command)
    }
}

/// Single-quoted for a POSIX shell.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Replaces every known secret with `***` in text meant for people or tools.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    #[must_use]
    pub fn new(secrets: Vec<String>) -> Self {
        let mut secrets: Vec<String> = secrets.into_iter().filter(|s| !s.is_empty()).collect();
        // Longest first, so that a secret containing another is replaced whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Self { secrets }
    }

    #[must_use]
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), "***");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_commands_hide_credentials_and_quote_bodies() {
        let exchange = Exchange {
            id: 0,
            operation: "createAnalysis".into(),
            purpose: "valid".into(),
            base_url: "http://127.0.0.1:1".into(),
            request: Request::new("POST", "/v1/sessions/s/analysis?key=sk_q")
                .bearer("sk_live_secret")
                .json(&serde_json::json!({"profile": "it's"})),
            outcome: Err(TransportError::Timeout(Duration::from_secs(1))),
            sent_at: Duration::ZERO,
            done_at: Duration::ZERO,
        };
        let curl = exchange.curl(&Redactor::new(vec!["sk_live_secret".into(), "sk_q".into()]));
        assert_eq!(
            curl,
            r#"curl -X POST 'http://127.0.0.1:1/v1/sessions/s/analysis?key=***' -H 'Authorization: Bearer ***' -H 'Content-Type: application/json' --data-raw '{"profile":"it'\''s"}'"#
        );
    }

    #[test]
    fn long_bodies_are_cut_for_people_and_kept_whole_for_tools() {
        let text = "é".repeat(500);
        let exchange = Exchange {
            id: 0,
            operation: "x".into(),
            purpose: "valid".into(),
            base_url: "http://h".into(),
            request: Request::new("POST", "/x")
                .header("X-Api-Key", "k_1")
                .json(&serde_json::json!({ "text": text })),
            outcome: Err(TransportError::Timeout(Duration::from_secs(1))),
            sent_at: Duration::ZERO,
            done_at: Duration::ZERO,
        };
        let none = Redactor::default();
        let cut = exchange.curl_with_body(&none, 20);
        assert!(
            cut.ends_with(r#"--data-raw '{"text":"ééééééééééé…' # body cut: 1011 bytes in all"#),
            "{cut}"
        );
        assert!(exchange.curl(&none).contains(&text));
        assert!(exchange.carries("k_1"));
        assert!(!exchange.carries("k_2"));
        let basic = Exchange {
            request: Request::new("GET", "/x").header("Authorization", "Basic YW5uOnB3"),
            ..exchange
        };
        assert!(basic.carries("pw"));
    }
}
