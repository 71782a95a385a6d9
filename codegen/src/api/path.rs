//! Path templates (`/files/{name}.{ext}`): parsed once, then matched against request paths (the
//! mock, the suite's `$request.path` expressions), expanded into request paths (the suite) and
//! walked into `format!` strings (the client), all by the rules here.
//!
//! A template parameter matches one or more characters up to the next `/`; a segment may hold
//! several (`{name}.{ext}`), matched as a greedy regular expression does. A name may stand
//! twice in a template: both places then hold the same value. Among templates that match a path,
//! the one with the most literal characters wins, as OpenAPI asks ("concrete paths are matched
//! before templated ones").

use std::fmt;
use std::sync::OnceLock;

use regex::Regex;

use super::method::Method;

/// One part of a template: literal text or a parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Literal(String),
    Param(String),
}

/// A path template, parsed.
#[derive(Debug, Clone)]
pub struct PathTemplate {
    text: String,
    parts: Vec<Part>,
    /// The anchored regular expression that matches request paths, compiled on first use (the
    /// generator never matches): the `regex` crate matches in linear time, so no request path
    /// can make routing slow.
    matcher: OnceLock<Option<Regex>>,
}

impl PartialEq for PathTemplate {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for PathTemplate {}

/// The template as the spec writes it.
impl fmt::Display for PathTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Why a template cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    /// A `{` without its `}`.
    Unclosed,
    /// A `}` without its `{`.
    Unopened,
    /// `{}`.
    EmptyName,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TemplateError::Unclosed => "a `{` is never closed",
            TemplateError::Unopened => "a `}` closes nothing",
            TemplateError::EmptyName => "`{}` names no parameter",
        })
    }
}

impl PathTemplate {
    /// Parses `text`. A name may not hold `{`, and every `{` needs its `}`.
    ///
    /// # Errors
    /// When the braces do not pair up, or one pair is empty.
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find(['{', '}']) {
            if rest.as_bytes()[open] == b'}' {
                return Err(TemplateError::Unopened);
            }
            let (literal, after) = rest.split_at(open);
            let close = after.find('}').ok_or(TemplateError::Unclosed)?;
            let name = &after[1..close];
            if name.contains('{') {
                return Err(TemplateError::Unclosed);
            }
            if name.is_empty() {
                return Err(TemplateError::EmptyName);
            }
            if !literal.is_empty() {
                parts.push(Part::Literal(literal.to_owned()));
            }
            parts.push(Part::Param(name.to_owned()));
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_owned()));
        }
        Ok(Self {
            text: text.to_owned(),
            parts,
            matcher: OnceLock::new(),
        })
    }

    /// A template of literal text only (a webhook's name, a callback expression that is not a
    /// template).
    #[must_use]
    pub fn literal(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            parts: vec![Part::Literal(text.to_owned())],
            matcher: OnceLock::new(),
        }
    }

    /// The template as the spec writes it.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    #[must_use]
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// The parameter names, each once, in the order they first appear.
    #[must_use]
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for part in &self.parts {
            if let Part::Param(name) = part {
                if !names.contains(&name.as_str()) {
                    names.push(name);
                }
            }
        }
        names
    }

    /// How many literal characters the template has: the more, the more concrete.
    #[must_use]
    pub fn literal_len(&self) -> usize {
        self.parts
            .iter()
            .map(|part| match part {
                Part::Literal(text) => text.len(),
                Part::Param(_) => 0,
            })
            .sum()
    }

    /// The path parameters of `path` (without the query), as sent: still percent-encoded, since
    /// a style's delimiters are told from encoded text only before decoding. In the order of
    /// [`names`](Self::names); `None` when `path` does not match, or a repeated name would hold
    /// two values.
    #[must_use]
    pub fn captures(&self, path: &str) -> Option<Vec<(String, String)>> {
        let matcher = self
            .matcher
            .get_or_init(|| {
                let mut pattern = String::from("^");
                for part in &self.parts {
                    match part {
                        Part::Literal(text) => pattern.push_str(&regex::escape(text)),
                        Part::Param(_) => pattern.push_str("([^/]+)"),
                    }
                }
                pattern.push('$');
                Regex::new(&pattern).ok()
            })
            .as_ref()?;
        let captures = matcher.captures(path)?;
        let names = self.parts.iter().filter_map(|part| match part {
            Part::Param(name) => Some(name),
            Part::Literal(_) => None,
        });
        let mut found: Vec<(String, String)> = Vec::new();
        for (index, name) in names.enumerate() {
            let raw = captures.get(index + 1)?.as_str();
            match found.iter().find(|(n, _)| n == name) {
                Some((_, earlier)) if earlier != raw => return None,
                Some(_) => {}
                None => found.push((name.clone(), raw.to_owned())),
            }
        }
        Some(found)
    }

    /// The path with each parameter replaced by `value(name)` (already encoded for a path);
    /// `None` when a value is missing.
    pub fn expand(&self, mut value: impl FnMut(&str) -> Option<String>) -> Option<String> {
        let mut path = String::with_capacity(self.text.len());
        for part in &self.parts {
            match part {
                Part::Literal(text) => path.push_str(text),
                Part::Param(name) => path.push_str(&value(name)?),
            }
        }
        Some(path)
    }
}

/// What a request's method and path come to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteMatch {
    /// The operation at this index, with its path parameters (as sent, percent-encoded).
    Found {
        operation: usize,
        path_parameters: Vec<(String, String)>,
    },
    /// The path is the API's, the method is not: the methods it has, for `Allow`.
    MethodNotAllowed {
        allowed: Vec<Method>,
    },
    NotFound,
}

/// Every path template of the spec with the operations under it, the most concrete first: the
/// first template that matches a path is the one OpenAPI picks.
#[derive(Debug, Clone, Default)]
pub struct Routes {
    /// By literal length, longest first; among equals, in the order they were added.
    paths: Vec<(PathTemplate, Vec<(Method, usize)>)>,
}

impl Routes {
    /// Adds operation `index` for `method` at `template`.
    pub fn add(&mut self, template: &PathTemplate, method: Method, index: usize) {
        if let Some((_, methods)) = self
            .paths
            .iter_mut()
            .find(|(known, _)| known.text == template.text)
        {
            methods.push((method, index));
            return;
        }
        let literal_len = template.literal_len();
        let at = self
            .paths
            .partition_point(|(known, _)| known.literal_len() >= literal_len);
        self.paths
            .insert(at, (template.clone(), vec![(method, index)]));
    }

    /// The operation `method` and `path` (raw, without the query) address. `HEAD` is answered
    /// like `GET` where only `GET` is documented, as HTTP servers do.
    #[must_use]
    pub fn find(&self, method: &str, path: &str) -> RouteMatch {
        let found = self
            .paths
            .iter()
            .enumerate()
            .find_map(|(index, (template, _))| Some((index, template.captures(path)?)));
        let Some((index, path_parameters)) = found else {
            return RouteMatch::NotFound;
        };
        let methods = &self.paths[index].1;
        let method = Method::parse(method);
        let found = methods
            .iter()
            .find(|(m, _)| Some(*m) == method)
            .or_else(|| {
                methods
                    .iter()
                    .find(|(m, _)| method == Some(Method::Head) && *m == Method::Get)
            });
        match found {
            Some((_, operation)) => RouteMatch::Found {
                operation: *operation,
                path_parameters,
            },
            None => RouteMatch::MethodNotAllowed {
                allowed: methods.iter().map(|(m, _)| *m).collect(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(text: &str) -> PathTemplate {
        PathTemplate::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    fn routes() -> Routes {
        let mut routes = Routes::default();
        routes.add(&template("/v1/analyses/{id}"), Method::Get, 0);
        routes.add(&template("/v1/analyses/latest"), Method::Get, 1);
        routes.add(
            &template("/v1/sessions/{session_id}/analysis"),
            Method::Post,
            2,
        );
        routes.add(&template("/files/{name}.{ext}"), Method::Get, 3);
        routes
    }

    #[test]
    fn templates_parse_into_literals_and_parameters() {
        let parsed = template("/a/{id}/b/{id}.{ext}");
        assert_eq!(parsed.names(), ["id", "ext"]);
        assert_eq!(parsed.literal_len(), "/a//b/.".len());
        assert_eq!(PathTemplate::parse("/a/{id"), Err(TemplateError::Unclosed));
        assert_eq!(
            PathTemplate::parse("/a/{i{d}"),
            Err(TemplateError::Unclosed)
        );
        assert_eq!(PathTemplate::parse("/a/id}"), Err(TemplateError::Unopened));
        assert_eq!(PathTemplate::parse("/a/{}"), Err(TemplateError::EmptyName));
    }

    #[test]
    fn parameters_are_captured_as_sent() {
        assert_eq!(
            routes().find("POST", "/v1/sessions/sess%5F1/analysis"),
            RouteMatch::Found {
                operation: 2,
                path_parameters: vec![("session_id".into(), "sess%5F1".into())],
            }
        );
        // Greedy, as a regular expression would read it.
        assert_eq!(
            routes().find("GET", "/files/report.tar.gz"),
            RouteMatch::Found {
                operation: 3,
                path_parameters: vec![
                    ("name".into(), "report.tar".into()),
                    ("ext".into(), "gz".into())
                ],
            }
        );
    }

    #[test]
    fn a_repeated_name_holds_one_value() {
        let parsed = template("/a/{id}/b/{id}");
        assert_eq!(
            parsed.captures("/a/7/b/7"),
            Some(vec![("id".to_owned(), "7".to_owned())])
        );
        assert_eq!(parsed.captures("/a/7/b/8"), None);
        assert_eq!(
            parsed.expand(|name| Some(format!("<{name}>"))).as_deref(),
            Some("/a/<id>/b/<id>")
        );
    }

    #[test]
    fn concrete_paths_win_over_templates() {
        assert_eq!(
            routes().find("GET", "/v1/analyses/latest"),
            RouteMatch::Found {
                operation: 1,
                path_parameters: vec![],
            }
        );
    }

    #[test]
    fn of_equally_concrete_templates_the_first_added_wins() {
        for (first, second) in [("/a/{x}", "/{y}/b"), ("/{y}/b", "/a/{x}")] {
            let mut routes = Routes::default();
            routes.add(&template("/{p}/{q}"), Method::Get, 0);
            routes.add(&template(first), Method::Get, 1);
            routes.add(&template(second), Method::Get, 2);
            routes.add(&template("/a/{x}/c"), Method::Get, 3);
            assert!(
                matches!(
                    routes.find("GET", "/a/b"),
                    RouteMatch::Found { operation: 1, .. }
                ),
                "{first} before {second}"
            );
        }
    }

    #[test]
    fn unknown_paths_and_methods_are_told_apart() {
        assert_eq!(routes().find("GET", "/v2/analyses/x"), RouteMatch::NotFound);
        assert_eq!(
            routes().find("GET", "/v1/analyses/a/b"),
            RouteMatch::NotFound
        );
        assert_eq!(
            routes().find("DELETE", "/v1/analyses/x"),
            RouteMatch::MethodNotAllowed {
                allowed: vec![Method::Get]
            }
        );
        assert!(matches!(
            routes().find("HEAD", "/v1/analyses/x"),
            RouteMatch::Found { operation: 0, .. }
        ));
    }

    #[test]
    fn a_long_segment_stays_cheap() {
        let parsed = template("/files/{name}.{ext}/x");
        let long = format!("/files/{}/x", "y.".repeat(50_000));
        assert!(parsed.captures(&long).is_some());
        assert_eq!(
            parsed.captures(&format!("/files/{}/y", "y.".repeat(50_000))),
            None
        );
        let adjacent = template("/{a}{b}{c}x");
        assert_eq!(adjacent.captures(&format!("/{}", "y".repeat(50_000))), None);
    }
}
