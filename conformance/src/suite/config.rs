//! What a conformance run needs to know about its target: where it is, whose tokens to use, which
//! values exist there (a session with a transcript, say), and the bounds of the run. Read from a
//! TOML file (`--config`) and completed by command-line flags.

use std::collections::BTreeMap;
use std::time::Duration;

use codegen::api::AnalysisNames;
use serde::Deserialize;

use crate::mock::fixtures::{toml_error, Fixtures, Organization, Session, Subscription};

/// A credential: kept out of every `Debug`, report and log line (the generated clients' own).
pub use callspec_runtime::Secret;

/// A token with a session it can use.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenAndSession {
    pub token: Secret,
    pub session_id: String,
}

/// Identities and values of the analysis API's access rules; a rule whose inputs are missing is
/// skipped, with that reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalysisFixtures {
    /// The parts of the analysis API, by operationId and parameter name (`[analysis.operations]`),
    /// for a spec that does not declare them with `x-analysis`.
    #[serde(default)]
    pub operations: AnalysisNames,
    /// A session of the main token's organization with a transcript: the value of the create
    /// operation's session parameter, unless `[parameters]` gives that parameter by its name.
    pub session_id: Option<String>,
    /// A session of the main token's organization without a transcript (409).
    pub no_transcript_session: Option<String>,
    /// A session of another organization (404 for the main token).
    pub other_organization_session: Option<String>,
    /// An organization whose subscription is inactive (403).
    pub inactive_subscription: Option<TokenAndSession>,
    /// An organization without credits (402).
    pub no_credits: Option<TokenAndSession>,
    /// A token with a small rate limit, to see a 429 without spending the main token's window.
    pub rate_limited_token: Option<Secret>,
}

/// The credentials of one security scheme, for the main identity and the other one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeAuth {
    /// The bearer token, API key, or a basic scheme's password.
    pub token: Option<Secret>,
    /// The same, of the second identity (for isolation checks).
    pub other_token: Option<Secret>,
    /// A basic scheme's username (`token` is then the password).
    pub username: Option<String>,
    pub other_username: Option<String>,
}

/// Bounds of a run.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Longest wait for one response, headers and body.
    pub request_timeout_ms: u64,
    /// Largest response body read; a larger one is a failure.
    pub max_response_bytes: usize,
    /// Longest a long-running operation may take to finish, when the spec does not say.
    pub finish_timeout_ms: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            request_timeout_ms: 5_000,
            max_response_bytes: 4 * 1024 * 1024,
            finish_timeout_ms: 120_000,
        }
    }
}

impl Limits {
    #[must_use]
    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }
}

/// Everything a run is told.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuiteConfig {
    pub base_url: Option<String>,
    /// A token of the organization whose data the checks use.
    pub token: Option<Secret>,
    /// A token of a second organization, for isolation checks.
    pub other_token: Option<Secret>,
    /// Values for parameters used in valid requests instead of the spec's examples or made-up
    /// values (an id that exists on the target, say): by name for every operation, or as
    /// `OPERATION_ID.NAME` for one operation (in TOML also a table per operation id).
    #[serde(default, deserialize_with = "parameter_table")]
    pub parameters: BTreeMap<String, String>,
    /// Credentials per security scheme (by its name in `components/securitySchemes`), for specs
    /// whose schemes need more than one token fills (a basic scheme's username, a different key
    /// per scheme). A scheme not named here gets `token` (or `other_token`).
    #[serde(default)]
    pub auth: BTreeMap<String, SchemeAuth>,
    /// Inputs of the analysis API's checks.
    #[serde(default)]
    pub analysis: AnalysisFixtures,
    #[serde(default)]
    pub limits: Limits,
    /// Seed of the request data; a run with the same seed sends the same requests.
    pub seed: Option<u64>,
    /// Valid requests made up per operation, at most.
    pub max_examples: Option<usize>,
    /// Requests in flight at once where they do not depend on each other.
    pub concurrency: Option<usize>,
}

/// A configuration file that cannot be used, with where the problem is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}: {message}")]
pub struct ConfigError {
    pub source_name: String,
    pub message: String,
}

impl SuiteConfig {
    /// Parses a TOML configuration; `source_name` names it in errors.
    pub fn parse(source_name: &str, text: &str) -> Result<Self, ConfigError> {
        let mut config: Self = toml::from_str(text).map_err(|err| ConfigError {
            source_name: source_name.to_owned(),
            message: toml_error(text, &err),
        })?;
        // Credentials given only per scheme still make a main (and other) identity.
        let first = |pick: fn(&SchemeAuth) -> &Option<Secret>| {
            config.auth.values().find_map(|auth| pick(auth).clone())
        };
        if config.token.is_none() {
            config.token = first(|auth| &auth.token);
        }
        if config.other_token.is_none() {
            config.other_token = first(|auth| &auth.other_token);
        }
        Ok(config)
    }

    /// The value configured for parameter `name` of the operation labelled `operation`: the
    /// operation's own (`OPERATION_ID.NAME`) before the one for every operation.
    #[must_use]
    pub fn parameter(&self, operation: &str, name: &str) -> Option<&str> {
        self.parameters
            .get(&format!("{operation}.{name}"))
            .or_else(|| self.parameters.get(name))
            .map(String::as_str)
    }

    /// The configuration that exercises everything a mock with `fixtures` offers: its first
    /// active organization with credits and an analyzable session is the main one, and the
    /// fixtures' other organizations supply the isolation, access-rule and rate-limit inputs.
    #[must_use]
    pub fn for_fixtures(fixtures: &Fixtures, base_url: &str) -> Self {
        let analyzable = |session: &Session| {
            session.transcript.as_ref().is_some_and(|t| {
                t.iter()
                    .map(|u| u.text.split_whitespace().count())
                    .sum::<usize>()
                    >= fixtures.analysis.min_words
            })
        };
        let token = |org: &Organization| org.tokens.first().map(|t| Secret::new(t.clone()));
        let active = |org: &&Organization| org.subscription == Subscription::Active;
        let main = fixtures
            .organizations
            .iter()
            .filter(active)
            .find(|org| org.credits > 1 && org.sessions.iter().any(analyzable));
        let main_id = main.map(|org| org.id.as_str());
        let other = fixtures
            .organizations
            .iter()
            .filter(active)
            .find(|org| Some(org.id.as_str()) != main_id && org.credits > 0);
        let with_session = |org: &Organization| {
            let session = org.sessions.iter().find(|s| analyzable(s))?;
            Some(TokenAndSession {
                token: token(org)?,
                session_id: session.id.clone(),
            })
        };
        Self {
            base_url: Some(base_url.to_owned()),
            token: main.and_then(token),
            other_token: other.and_then(token),
            parameters: BTreeMap::new(),
            auth: BTreeMap::new(),
            analysis: AnalysisFixtures {
                operations: AnalysisNames::default(),
                session_id: main
                    .and_then(|org| org.sessions.iter().find(|s| analyzable(s)))
                    .map(|s| s.id.clone()),
                no_transcript_session: main
                    .and_then(|org| org.sessions.iter().find(|s| s.transcript.is_none()))
                    .map(|s| s.id.clone()),
                other_organization_session: other
                    .and_then(|org| org.sessions.first())
                    .map(|s| s.id.clone()),
                inactive_subscription: fixtures
                    .organizations
                    .iter()
                    .filter(|org| org.subscription == Subscription::Inactive)
                    .find_map(with_session),
                no_credits: fixtures
                    .organizations
                    .iter()
                    .filter(active)
                    .filter(|org| org.credits == 0)
                    .find_map(with_session),
                rate_limited_token: fixtures
                    .organizations
                    .iter()
                    .filter(|org| org.rate_limit.requests <= 20)
                    .min_by_key(|org| org.rate_limit.requests)
                    .and_then(token),
            },
            limits: Limits::default(),
            seed: None,
            max_examples: None,
            concurrency: None,
        }
    }

    /// Every secret of the configuration, to redact from anything the run prints.
    #[must_use]
    pub fn secrets(&self) -> Vec<String> {
        let mut secrets: Vec<String> = [
            &self.token,
            &self.other_token,
            &self.analysis.rate_limited_token,
        ]
        .into_iter()
        .flatten()
        .chain(
            self.auth
                .values()
                .flat_map(|auth| [&auth.token, &auth.other_token])
                .flatten(),
        )
        .map(|s| s.expose().to_owned())
        .collect();
        for pair in [
            &self.analysis.inactive_subscription,
            &self.analysis.no_credits,
        ]
        .into_iter()
        .flatten()
        {
            secrets.push(pair.token.expose().to_owned());
        }
        secrets.retain(|s| !s.is_empty());
        secrets
    }
}

/// `[parameters]`: `name = value` for every operation, `"OPERATION_ID.name" = value` or a table
/// `[parameters.OPERATION_ID]` for one; values may be strings, numbers or booleans, all sent as
/// their text.
fn parameter_table<'de, D>(deserializer: D) -> Result<BTreeMap<String, String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::de::Error as _;
    let table = BTreeMap::<String, toml::Value>::deserialize(deserializer)?;
    let scalar = |key: &str, value: &toml::Value| match value {
        toml::Value::String(text) => Ok(text.clone()),
        toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::Boolean(_) => {
            Ok(value.to_string())
        }
        other => Err(D::Error::custom(format!(
            "parameter `{key}`: expected a string, number or boolean, found {}",
            other.type_str()
        ))),
    };
    let mut flat = BTreeMap::new();
    for (key, value) in &table {
        match value {
            toml::Value::Table(per_operation) => {
                for (name, value) in per_operation {
                    let key = format!("{key}.{name}");
                    flat.insert(key.clone(), scalar(&key, value)?);
                }
            }
            value => {
                flat.insert(key.clone(), scalar(key, value)?);
            }
        }
    }
    Ok(flat)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_file_parses_and_keeps_secrets_out_of_debug() {
        let config = SuiteConfig::parse(
            "c.toml",
            r#"
base_url = "https://api.example.com"
token = "sk_live_main"
other_token = "sk_live_other"
seed = 7

[parameters]
session_id = "sess_1"

[analysis]
session_id = "sess_0"
no_transcript_session = "sess_2"
inactive_subscription = { token = "sk_live_inactive", session_id = "sess_3" }
rate_limited_token = "sk_live_slow"

[analysis.operations]
create = "startRun"
session = "sid"

[limits]
request_timeout_ms = 2000
"#,
        )
        .unwrap();
        assert_eq!(config.parameters["session_id"], "sess_1");
        assert_eq!(config.analysis.session_id.as_deref(), Some("sess_0"));
        assert_eq!(
            config.analysis.operations,
            AnalysisNames {
                create: Some("startRun".into()),
                retrieve: None,
                session: Some("sid".into()),
            }
        );
        assert_eq!(config.limits.request_timeout_ms, 2000);
        assert_eq!(
            config.limits.max_response_bytes,
            Limits::default().max_response_bytes
        );
        let debug = format!("{config:?}");
        assert!(!debug.contains("sk_live"), "{debug}");
        assert_eq!(config.secrets().len(), 4);
    }

    #[test]
    fn the_default_fixtures_give_every_input() {
        let config = SuiteConfig::for_fixtures(&Fixtures::default(), "http://127.0.0.1:1");
        assert_eq!(
            config.token.as_ref().map(Secret::expose),
            Some("sk_test_acme")
        );
        assert_eq!(
            config.other_token.as_ref().map(Secret::expose),
            Some("sk_test_globex")
        );
        let analysis = &config.analysis;
        assert_eq!(analysis.session_id.as_deref(), Some("sess_01HXYZ123456789"));
        // Which parameter the session goes to is the spec's to say, not the fixtures'.
        assert!(config.parameters.is_empty());
        assert_eq!(
            analysis.no_transcript_session.as_deref(),
            Some("sess_01HNOTRANSCRIPT1")
        );
        assert_eq!(
            analysis.other_organization_session.as_deref(),
            Some("sess_01HGLOBEX0000001")
        );
        assert_eq!(
            analysis
                .inactive_subscription
                .as_ref()
                .map(|p| p.token.expose()),
            Some("sk_test_inactive")
        );
        assert_eq!(
            analysis.no_credits.as_ref().map(|p| p.session_id.as_str()),
            Some("sess_01HUMBRELLA00001")
        );
        assert_eq!(
            analysis.rate_limited_token.as_ref().map(Secret::expose),
            Some("sk_test_ratelimited")
        );
    }

    #[test]
    fn parameters_are_given_for_every_operation_or_for_one() {
        let config = SuiteConfig::parse(
            "c.toml",
            r#"
[parameters]
limit = 10
"get_note.noteId" = "note_1"
verbose = true

[parameters.delete_note]
noteId = "note_2"
"#,
        )
        .unwrap();
        assert_eq!(config.parameter("list_notes", "limit"), Some("10"));
        assert_eq!(config.parameter("get_note", "noteId"), Some("note_1"));
        assert_eq!(config.parameter("delete_note", "noteId"), Some("note_2"));
        assert_eq!(config.parameter("update_note", "noteId"), None);
        assert_eq!(config.parameter("x", "verbose"), Some("true"));
        let err = SuiteConfig::parse("c.toml", "[parameters]\nids = [1, 2]\n").unwrap_err();
        assert!(err.to_string().contains("parameter `ids`"), "{err}");
    }

    #[test]
    fn credentials_per_scheme_make_the_identities_and_stay_secret() {
        let config = SuiteConfig::parse(
            "c.toml",
            r#"
[auth.basic]
username = "alice"
token = "pw_alice"
other_username = "bob"
other_token = "pw_bob"

[auth.key]
token = "k_main"
"#,
        )
        .unwrap();
        assert_eq!(config.token.as_ref().map(Secret::expose), Some("pw_alice"));
        assert_eq!(
            config.other_token.as_ref().map(Secret::expose),
            Some("pw_bob")
        );
        assert_eq!(config.auth["basic"].username.as_deref(), Some("alice"));
        assert!(!format!("{config:?}").contains("pw_"));
        let mut secrets = config.secrets();
        secrets.sort();
        secrets.dedup();
        assert_eq!(secrets, ["k_main", "pw_alice", "pw_bob"]);
    }

    #[test]
    fn unknown_keys_are_errors_with_their_line() {
        let err = SuiteConfig::parse("c.toml", "token = \"t\"\ntokn = \"x\"\n").unwrap_err();
        assert!(err.to_string().starts_with("c.toml: line 2:"), "{err}");
    }
}
