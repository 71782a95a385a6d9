//! Security schemes and requirements. A scheme the project cannot send or check (an HTTP scheme
//! other than bearer and basic, an unknown type) is said once, as a warning at its pointer, and
//! then does not exist for anyone: the client sends nothing for it and the mock checks nothing,
//! exactly as for a requirement that names a scheme the spec never declares.

use serde_json::Value;

use super::parameter::Location;
use super::reader::Reader;
use crate::load::JsonPointer;

/// A scheme of `components/securitySchemes` the project supports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityScheme {
    /// Its key in `components/securitySchemes`.
    pub key: String,
    pub kind: SchemeKind,
    /// JSON pointer of the Security Scheme Object (where its `$ref` led).
    pub pointer: JsonPointer,
}

/// What the document says about security for every operation: its supported schemes, and the
/// requirements of operations that state none of their own.
pub(super) struct DeclaredSecurity {
    pub schemes: Vec<SecurityScheme>,
    pub document: Security,
}

/// What a request carries to satisfy a scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>`: an `http` `bearer` scheme, and the token of an OAuth 2
    /// or OpenID Connect flow.
    Bearer,
    /// `Authorization: Basic <base64 of user:password>`.
    Basic,
    /// A key in a header, a query parameter or a cookie of this name.
    ApiKey { location: Location, name: String },
}

/// Which schemes an operation accepts: any one alternative, whose schemes must all be
/// satisfied. No alternative: the operation needs nothing; an empty alternative: anonymous
/// requests are accepted too.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Security {
    pub alternatives: Vec<Vec<String>>,
}

impl Security {
    /// Whether a request without credentials is acceptable.
    #[must_use]
    pub fn allows_anonymous(&self) -> bool {
        self.alternatives.is_empty() || self.alternatives.iter().any(Vec::is_empty)
    }
}

impl Reader<'_> {
    /// The supported schemes of `components/securitySchemes`, in document order.
    fn security_schemes(&mut self) -> Vec<SecurityScheme> {
        let declared_at = JsonPointer::root()
            .join("components")
            .join("securitySchemes");
        let keys: Vec<String> = self
            .spec
            .pointer("/components/securitySchemes")
            .and_then(Value::as_object)
            .map(|declared| declared.keys().cloned().collect())
            .unwrap_or_default();
        let mut schemes = Vec::new();
        for key in keys {
            let at = declared_at.join(key.as_str());
            let Some((pointer, scheme)) = self.follow_or_warn(
                &at,
                "security scheme",
                "requests that need it are sent without it",
            ) else {
                continue;
            };
            let text = |k: &str| scheme.get(k).and_then(Value::as_str).unwrap_or_default();
            let kind = match text("type") {
                "http" => match text("scheme").to_ascii_lowercase().as_str() {
                    "bearer" => SchemeKind::Bearer,
                    "basic" => SchemeKind::Basic,
                    other => {
                        self.warn(&at, format!("HTTP scheme `{other}` is not supported; requests that need it are sent without it"));
                        continue;
                    }
                },
                "apiKey" => match Location::parse(text("in")) {
                    Some(location) if location != Location::Path => SchemeKind::ApiKey {
                        location,
                        name: text("name").to_owned(),
                    },
                    _ => {
                        let other = text("in");
                        self.warn(&at, format!("API key location `{other}` is not supported"));
                        continue;
                    }
                },
                // The token of an OAuth 2 or OpenID Connect flow is sent as a bearer token.
                "oauth2" | "openIdConnect" => SchemeKind::Bearer,
                other => {
                    self.warn(
                        &at,
                        format!("security scheme type `{other}` is not supported"),
                    );
                    continue;
                }
            };
            schemes.push(SecurityScheme { key, kind, pointer });
        }
        schemes
    }

    /// The supported schemes and the document's own requirements, each read once: an operation
    /// without `security` of its own shares the document's.
    pub(super) fn declared_security(&mut self) -> DeclaredSecurity {
        let schemes = self.security_schemes();
        let document = match self.spec.get("security") {
            Some(requirements) => self.requirements(
                &JsonPointer::root().join("security"),
                requirements,
                &schemes,
            ),
            None => Security::default(),
        };
        DeclaredSecurity { schemes, document }
    }

    /// The requirements at `at`, each alternative without the schemes that are not supported or
    /// not declared.
    pub(super) fn requirements(
        &mut self,
        at: &JsonPointer,
        requirements: &Value,
        schemes: &[SecurityScheme],
    ) -> Security {
        let Some(requirements) = requirements.as_array() else {
            return Security::default();
        };
        let mut alternatives = Vec::new();
        for (index, requirement) in requirements.iter().enumerate() {
            let Some(requirement) = requirement.as_object() else {
                continue;
            };
            let mut alternative = Vec::new();
            for key in requirement.keys() {
                if schemes.iter().any(|scheme| scheme.key == *key) {
                    alternative.push(key.clone());
                } else if !self.is_declared_scheme(key) {
                    self.warn(
                        &at.join(index.to_string()).join(key.as_str()),
                        format!("security scheme `{key}` is not declared in `components/securitySchemes`; requests are sent without it"),
                    );
                }
            }
            alternatives.push(alternative);
        }
        Security { alternatives }
    }

    /// Whether `components/securitySchemes` declares `key` (supported or not).
    fn is_declared_scheme(&self, key: &str) -> bool {
        self.spec
            .pointer("/components/securitySchemes")
            .and_then(|declared| declared.get(key))
            .is_some()
    }
}
