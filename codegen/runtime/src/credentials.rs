use std::collections::BTreeMap;
use std::fmt;

use reqwest::RequestBuilder;

/// A secret value (token, password, API key) that never appears in `Debug` output. It
/// deserializes from a plain string, so configuration files can hold one.
#[derive(Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    #[must_use]
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for sending it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(\"***\")")
    }
}

/// The credential for one security scheme of the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// `Authorization: Bearer <token>` (HTTP bearer, OAuth 2, OpenID Connect).
    Bearer(Secret),
    /// `Authorization: Basic <base64(username:password)>`.
    Basic { username: String, password: Secret },
    /// An API key in the header `name`.
    ApiKeyHeader { name: String, key: Secret },
    /// An API key in the query parameter `name`.
    ApiKeyQuery { name: String, key: Secret },
    /// An API key in the cookie `name`.
    ApiKeyCookie { name: String, key: Secret },
}

/// The credentials a client holds, by security scheme name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    by_scheme: BTreeMap<String, Credential>,
}

impl Credentials {
    /// Sets (or replaces) the credential of `scheme`.
    pub fn set(&mut self, scheme: &str, credential: Credential) {
        self.by_scheme.insert(scheme.to_owned(), credential);
    }

    #[must_use]
    pub fn get(&self, scheme: &str) -> Option<&Credential> {
        self.by_scheme.get(scheme)
    }

    /// Applies the first alternative of `requirements` (an operation's `security`) that names
    /// schemes and has a credential for each; with none, the request goes out without
    /// credentials and the server answers for itself.
    ///
    /// An empty alternative (`{}`: "no credentials will do") is skipped even when listed first:
    /// a credential the caller set is meant to be sent.
    pub fn apply(&self, mut request: RequestBuilder, requirements: &[&[&str]]) -> RequestBuilder {
        let Some(alternative) = requirements.iter().find(|schemes| {
            !schemes.is_empty()
                && schemes
                    .iter()
                    .all(|scheme| self.by_scheme.contains_key(*scheme))
        }) else {
            return request;
        };
        for scheme in *alternative {
            request = match &self.by_scheme[*scheme] {
                Credential::Bearer(token) => request.bearer_auth(token.expose()),
                Credential::Basic { username, password } => {
                    request.basic_auth(username, Some(password.expose()))
                }
                Credential::ApiKeyHeader { name, key } => {
                    request.header(name.as_str(), key.expose())
                }
                Credential::ApiKeyQuery { name, key } => query_key(request, name, key.expose()),
                Credential::ApiKeyCookie { name, key } => {
                    request.header(reqwest::header::COOKIE, format!("{name}={}", key.expose()))
                }
            };
        }
        request
    }
}

/// `request` with the API key `name=key` in its query. A URL the server gave (the next page of a
/// list) may carry the key already: it is replaced there rather than sent twice. Other URLs are
/// left byte for byte as the encoders wrote them.
fn query_key(request: RequestBuilder, name: &str, key: &str) -> RequestBuilder {
    let append = |request: RequestBuilder| request.query(&[(name, key)]);
    // A body read from a stream cannot be cloned; such a request is not a page walk's.
    let Some(copy) = request.try_clone() else {
        return append(request);
    };
    let (client, built) = copy.build_split();
    let Ok(mut built) = built else {
        return append(request);
    };
    if !built.url().query_pairs().any(|(pair, _)| pair == name) {
        return append(request);
    }
    let kept: Vec<(String, String)> = built
        .url()
        .query_pairs()
        .filter(|(pair, _)| pair != name)
        .map(|(pair, value)| (pair.into_owned(), value.into_owned()))
        .collect();
    built
        .url_mut()
        .query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair(name, key);
    RequestBuilder::from_parts(client, built)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let mut credentials = Credentials::default();
        credentials.set("bearerAuth", Credential::Bearer(Secret::new("sk_live_abc")));
        credentials.set(
            "basic",
            Credential::Basic {
                username: "ada".into(),
                password: Secret::new("hunter2"),
            },
        );
        let shown = format!("{credentials:?}");
        assert!(
            !shown.contains("sk_live_abc") && !shown.contains("hunter2"),
            "{shown}"
        );
        assert!(shown.contains("ada"));
    }

    #[test]
    fn a_query_key_is_sent_once_even_when_the_url_carries_it() {
        let mut credentials = Credentials::default();
        credentials.set(
            "key",
            Credential::ApiKeyQuery {
                name: "api_key".into(),
                key: Secret::new("k1"),
            },
        );
        let client = reqwest::Client::new();
        let url = |builder: RequestBuilder| {
            let request = credentials.apply(builder, &[&["key"]]).build().unwrap();
            request.url().as_str().to_owned()
        };
        // As the encoders wrote it: left alone, the key appended.
        assert_eq!(
            url(client.get("http://localhost/a?tags=x,y")),
            "http://localhost/a?tags=x,y&api_key=k1"
        );
        // A next page's URL that echoes the key (or an old one): one key, ours.
        assert_eq!(
            url(client.get("http://localhost/a?page=2&api_key=old&per_page=5")),
            "http://localhost/a?page=2&per_page=5&api_key=k1"
        );
    }

    #[test]
    fn the_first_satisfiable_alternative_is_applied() {
        let mut credentials = Credentials::default();
        credentials.set(
            "key",
            Credential::ApiKeyHeader {
                name: "X-Key".into(),
                key: Secret::new("k"),
            },
        );
        let client = reqwest::Client::new();
        let request = credentials
            .apply(client.get("http://localhost/"), &[&["bearer"], &["key"]])
            .build()
            .unwrap();
        assert_eq!(request.headers()["X-Key"], "k");
        assert!(request.headers().get("authorization").is_none());
        let request = credentials
            .apply(client.get("http://localhost/"), &[&["bearer"]])
            .build()
            .unwrap();
        assert!(request.headers().is_empty());
    }

    #[test]
    fn an_empty_alternative_listed_first_does_not_hide_a_set_credential() {
        let mut credentials = Credentials::default();
        credentials.set("bearer", Credential::Bearer(Secret::new("t")));
        let client = reqwest::Client::new();
        let request = credentials
            .apply(client.get("http://localhost/"), &[&[], &["bearer"]])
            .build()
            .unwrap();
        assert_eq!(request.headers()["authorization"], "Bearer t");
        // Nothing set: the empty alternative lets the request go out as it is.
        let request = Credentials::default()
            .apply(client.get("http://localhost/"), &[&[], &["bearer"]])
            .build()
            .unwrap();
        assert!(request.headers().is_empty());
    }
}
