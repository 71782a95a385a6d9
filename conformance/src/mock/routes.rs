//! Which operation a request path and method address.
//!
//! OpenAPI path templates may hold several parameters in one segment (`/files/{name}.{ext}`), so
//! each template compiles to an anchored regex over the raw (still percent-encoded) path. When
//! several templates match, the one with the most literal characters wins, as OpenAPI asks
//! ("concrete paths are matched before templated ones").

use regex::Regex;

/// One path template of the spec, compiled.
#[derive(Debug)]
pub struct PathTemplate {
    pub template: String,
    regex: Regex,
    names: Vec<String>,
    literal_len: usize,
}

impl PathTemplate {
    /// `None` when the template is not a usable path (unbalanced braces).
    #[must_use]
    pub fn compile(template: &str) -> Option<Self> {
        let mut pattern = String::from("^");
        let mut names = Vec::new();
        let mut literal_len = 0;
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let (literal, after) = rest.split_at(open);
            let close = after.find('}')?;
            pattern.push_str(&regex::escape(literal));
            literal_len += literal.len();
            names.push(after[1..close].to_owned());
            pattern.push_str("([^/]+)");
            rest = &after[close + 1..];
        }
        if rest.contains('}') {
            return None;
        }
        pattern.push_str(&regex::escape(rest));
        literal_len += rest.len();
        pattern.push('$');
        Some(Self {
            template: template.to_owned(),
            regex: Regex::new(&pattern).ok()?,
            names,
            literal_len,
        })
    }

    /// The percent-decoded path parameters, when `path` matches.
    #[must_use]
    pub fn captures(&self, path: &str) -> Option<Vec<(String, String)>> {
        let captures = self.regex.captures(path)?;
        let mut found = Vec::with_capacity(self.names.len());
        for (index, name) in self.names.iter().enumerate() {
            let raw = captures.get(index + 1)?.as_str();
            let decoded = percent_encoding::percent_decode_str(raw)
                .decode_utf8()
                .ok()?
                .into_owned();
            found.push((name.clone(), decoded));
        }
        Some(found)
    }
}

/// What a request path and method come to.
#[derive(Debug, PartialEq, Eq)]
pub enum RouteMatch {
    /// The operation at this index, with its path parameters.
    Found {
        operation: usize,
        path_parameters: Vec<(String, String)>,
    },
    /// The path is the API's, the method is not: the methods it has, for `Allow`.
    MethodNotAllowed {
        allowed: Vec<String>,
    },
    NotFound,
}

/// The methods of one path, each with the index of its operation.
type Methods = Vec<(String, usize)>;

/// Every path template of the spec with the operations under it.
#[derive(Debug, Default)]
pub struct RouteTable {
    paths: Vec<(PathTemplate, Methods)>,
}

impl RouteTable {
    /// Adds operation `index` for `method` (upper case) at `template`; `false` when the template
    /// does not compile.
    pub fn add(&mut self, template: &str, method: &str, index: usize) -> bool {
        if let Some((_, methods)) = self.paths.iter_mut().find(|(t, _)| t.template == template) {
            methods.push((method.to_owned(), index));
            return true;
        }
        let Some(compiled) = PathTemplate::compile(template) else {
            return false;
        };
        self.paths
            .push((compiled, vec![(method.to_owned(), index)]));
        true
    }

    #[must_use]
    pub fn find(&self, method: &str, path: &str) -> RouteMatch {
        let mut best: Option<(usize, Vec<(String, String)>)> = None;
        for (index, (template, _)) in self.paths.iter().enumerate() {
            let Some(parameters) = template.captures(path) else {
                continue;
            };
            let better = best.as_ref().is_none_or(|(current, _)| {
                template.literal_len > self.paths[*current].0.literal_len
            });
            if better {
                best = Some((index, parameters));
            }
        }
        let Some((index, path_parameters)) = best else {
            return RouteMatch::NotFound;
        };
        let methods = &self.paths[index].1;
        // HEAD is answered like GET where only GET is documented, as HTTP servers do.
        let found = methods
            .iter()
            .find(|(m, _)| m == method)
            .or_else(|| methods.iter().find(|(m, _)| method == "HEAD" && m == "GET"));
        match found {
            Some((_, operation)) => RouteMatch::Found {
                operation: *operation,
                path_parameters,
            },
            None => RouteMatch::MethodNotAllowed {
                allowed: methods.iter().map(|(m, _)| m.clone()).collect(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> RouteTable {
        let mut table = RouteTable::default();
        assert!(table.add("/v1/analyses/{id}", "GET", 0));
        assert!(table.add("/v1/analyses/latest", "GET", 1));
        assert!(table.add("/v1/sessions/{session_id}/analysis", "POST", 2));
        assert!(table.add("/files/{name}.{ext}", "GET", 3));
        table
    }

    #[test]
    fn parameters_are_captured_and_percent_decoded() {
        assert_eq!(
            table().find("POST", "/v1/sessions/sess%5F1/analysis"),
            RouteMatch::Found {
                operation: 2,
                path_parameters: vec![("session_id".into(), "sess_1".into())],
            }
        );
        assert_eq!(
            table().find("GET", "/files/report.tar"),
            RouteMatch::Found {
                operation: 3,
                path_parameters: vec![
                    ("name".into(), "report".into()),
                    ("ext".into(), "tar".into())
                ],
            }
        );
    }

    #[test]
    fn concrete_paths_win_over_templates() {
        assert_eq!(
            table().find("GET", "/v1/analyses/latest"),
            RouteMatch::Found {
                operation: 1,
                path_parameters: vec![],
            }
        );
    }

    #[test]
    fn unknown_paths_and_methods_are_told_apart() {
        assert_eq!(table().find("GET", "/v2/analyses/x"), RouteMatch::NotFound);
        assert_eq!(
            table().find("GET", "/v1/analyses/a/b"),
            RouteMatch::NotFound
        );
        assert_eq!(
            table().find("DELETE", "/v1/analyses/x"),
            RouteMatch::MethodNotAllowed {
                allowed: vec!["GET".into()]
            }
        );
        assert!(matches!(
            table().find("HEAD", "/v1/analyses/x"),
            RouteMatch::Found { operation: 0, .. }
        ));
    }

    #[test]
    fn broken_templates_are_refused() {
        assert!(PathTemplate::compile("/a/{id").is_none());
        assert!(PathTemplate::compile("/a/id}").is_none());
    }
}
