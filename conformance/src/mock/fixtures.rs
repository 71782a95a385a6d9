//! The mock's world: organizations, their API keys, credits, subscriptions, rate limits and
//! sessions with their transcripts. Read from TOML; [`Fixtures::default`] is `default.toml`,
//! embedded, which also documents the format.

use serde::Deserialize;

/// The embedded default fixtures.
pub const DEFAULT_FIXTURES: &str = include_str!("default.toml");

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixtures {
    #[serde(default)]
    pub analysis: AnalysisRules,
    #[serde(rename = "organization")]
    pub organizations: Vec<Organization>,
}

/// How analyses are produced from transcripts.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AnalysisRules {
    /// A transcript with fewer words fails to analyze.
    pub min_words: usize,
    /// Phrases a compliant agent says; matched case-insensitively.
    pub required_phrases: Vec<String>,
    /// Phrases an agent must not say.
    pub prohibited_phrases: Vec<String>,
}

impl Default for AnalysisRules {
    fn default() -> Self {
        Self {
            min_words: 20,
            required_phrases: Vec::new(),
            prohibited_phrases: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    pub id: String,
    pub name: String,
    /// Bearer tokens (API keys) of the organization.
    pub tokens: Vec<String>,
    #[serde(default = "active")]
    pub subscription: Subscription,
    /// API credits left.
    pub credits: u64,
    /// Credits used in the current billing period.
    #[serde(default)]
    pub credits_used: u64,
    #[serde(default)]
    pub rate_limit: RateLimit,
    #[serde(default, rename = "session")]
    pub sessions: Vec<Session>,
}

fn active() -> Subscription {
    Subscription::Active
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Subscription {
    Active,
    Inactive,
}

/// A fixed window: at most `requests` per token every `window_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub requests: u32,
    pub window_seconds: u64,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            requests: 1000,
            window_seconds: 60,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    pub id: String,
    #[serde(default)]
    pub call_id: Option<String>,
    /// Absent when the session has no transcript (it cannot be analyzed).
    #[serde(default)]
    pub transcript: Option<Vec<Utterance>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Utterance {
    pub speaker: Speaker,
    /// Seconds from the start of the session.
    pub start: f64,
    pub end: f64,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Speaker {
    Agent,
    Customer,
}

impl Speaker {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Speaker::Agent => "agent",
            Speaker::Customer => "customer",
        }
    }
}

/// A TOML error's message, led by the line it is on.
#[must_use]
pub fn toml_error(text: &str, err: &toml::de::Error) -> String {
    let at = err
        .span()
        .map(|span| {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("line {line}: ")
        })
        .unwrap_or_default();
    format!("{at}{}", err.message())
}

/// Fixtures that cannot be used, with where the problem is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}: {message}")]
pub struct FixturesError {
    pub source_name: String,
    pub message: String,
}

impl Fixtures {
    /// Parses fixtures from TOML text; `source_name` names it in errors (a path, say).
    pub fn parse(source_name: &str, text: &str) -> Result<Self, FixturesError> {
        let error = |message: String| FixturesError {
            source_name: source_name.to_owned(),
            message,
        };
        let fixtures: Fixtures =
            toml::from_str(text).map_err(|err| error(toml_error(text, &err)))?;
        fixtures.check().map_err(error)?;
        Ok(fixtures)
    }

    /// Tokens and ids are keys: each may appear once.
    fn check(&self) -> Result<(), String> {
        let mut tokens = std::collections::HashSet::new();
        let mut sessions = std::collections::HashSet::new();
        let mut organizations = std::collections::HashSet::new();
        for organization in &self.organizations {
            if !organizations.insert(&organization.id) {
                return Err(format!(
                    "organization `{}` is listed twice",
                    organization.id
                ));
            }
            if organization.rate_limit.requests == 0 || organization.rate_limit.window_seconds == 0
            {
                return Err(format!(
                    "organization `{}`: a rate limit needs at least 1 request and 1 second",
                    organization.id
                ));
            }
            for token in &organization.tokens {
                if token.is_empty() || !tokens.insert(token) {
                    return Err(format!(
                        "organization `{}`: every token must be non-empty and belong to one organization",
                        organization.id
                    ));
                }
            }
            for session in &organization.sessions {
                if !sessions.insert(&session.id) {
                    return Err(format!("session `{}` is listed twice", session.id));
                }
                for utterance in session.transcript.iter().flatten() {
                    if !(utterance.start >= 0.0 && utterance.end >= utterance.start) {
                        return Err(format!(
                            "session `{}`: an utterance must end after it starts, at 0 s or later",
                            session.id
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// The organization a token belongs to.
    #[must_use]
    pub fn organization_of_token(&self, token: &str) -> Option<usize> {
        self.organizations
            .iter()
            .position(|organization| organization.tokens.iter().any(|t| t == token))
    }

    /// Every token of every organization.
    pub fn tokens(&self) -> impl Iterator<Item = &str> {
        self.organizations
            .iter()
            .flat_map(|organization| organization.tokens.iter().map(String::as_str))
    }
}

impl Default for Fixtures {
    fn default() -> Self {
        // The embedded file is checked by a test; an empty world is the fallback that can never
        // be reached in a build whose tests pass.
        Self::parse("default fixtures", DEFAULT_FIXTURES).unwrap_or(Self {
            analysis: AnalysisRules::default(),
            organizations: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_fixtures_parse() {
        let fixtures = Fixtures::parse("default.toml", DEFAULT_FIXTURES).unwrap();
        assert!(fixtures.organizations.len() >= 5);
        assert_eq!(fixtures.organization_of_token("sk_test_acme"), Some(0));
        assert_eq!(fixtures.organization_of_token("nobody"), None);
    }

    #[test]
    fn errors_name_the_line() {
        let err =
            Fixtures::parse("f.toml", "[[organization]]\nid = \"a\"\nname = 3\n").unwrap_err();
        assert!(err.to_string().starts_with("f.toml: line 3:"), "{err}");
    }

    #[test]
    fn a_token_of_two_organizations_is_refused() {
        let text = r#"
[[organization]]
id = "a"
name = "A"
tokens = ["t"]
credits = 1
[[organization]]
id = "b"
name = "B"
tokens = ["t"]
credits = 1
"#;
        let err = Fixtures::parse("f.toml", text).unwrap_err();
        assert!(err.message.contains("belong to one organization"), "{err}");
    }
}
