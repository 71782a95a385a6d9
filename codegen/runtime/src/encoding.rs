//! Parameter values → text, as OpenAPI's `style` and `explode` say.
//!
//! Values arrive as anything `Serialize` and are read through `serde_json::Value`, so enums,
//! identifiers, numbers and lists all encode the same way they appear in JSON bodies.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;
use serde_json::Value;

/// Everything but RFC 3986's unreserved characters is percent-encoded in a path segment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path parameter, as one percent-encoded path segment (`style: simple`).
pub fn path_segment(value: &impl Serialize) -> String {
    let text = text(&to_value(value), ",").unwrap_or_default();
    utf8_percent_encode(&text, PATH_SEGMENT).to_string()
}

/// A header parameter's value (`style: simple`); `None` for a null value.
pub fn header_value(value: &impl Serialize) -> Option<String> {
    text(&to_value(value), ",")
}

fn to_value(value: &impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A scalar as text; a list or object joined with `separator` (`k,v,k,v` for objects).
fn text(value: &Value, separator: &str) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(_) | Value::Number(_) => Some(value.to_string()),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(|item| text(item, ","))
                .collect::<Vec<_>>()
                .join(separator),
        ),
        Value::Object(map) => Some(
            map.iter()
                .flat_map(|(key, value)| [Some(key.clone()), text(value, ",")])
                .flatten()
                .collect::<Vec<_>>()
                .join(separator),
        ),
    }
}

/// A multipart form with one text part per top-level property of `body`'s JSON form: strings
/// as they are, anything else as JSON. For multipart bodies whose schema has no properties.
///
/// # Errors
/// When `body` does not serialize to JSON.
pub fn json_form(body: &impl Serialize) -> Result<reqwest::multipart::Form, serde_json::Error> {
    let mut form = reqwest::multipart::Form::new();
    if let Value::Object(map) = serde_json::to_value(body)? {
        for (name, value) in map {
            let text = match value {
                Value::String(text) => text,
                other => other.to_string(),
            };
            form = form.text(name, text);
        }
    }
    Ok(form)
}

/// OpenAPI query parameter styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

/// The query string of one request, built parameter by parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds parameter `name`; a null or absent (`None`) value adds nothing.
    pub fn push(&mut self, name: &str, value: &impl Serialize, style: QueryStyle, explode: bool) {
        match (to_value(value), style) {
            (Value::Null, _) => {}
            (Value::Array(items), _) if explode && style == QueryStyle::Form => {
                for item in &items {
                    if let Some(text) = text(item, ",") {
                        self.pairs.push((name.to_owned(), text));
                    }
                }
            }
            (Value::Array(items), _) => {
                let separator = match style {
                    QueryStyle::SpaceDelimited => " ",
                    QueryStyle::PipeDelimited => "|",
                    _ => ",",
                };
                self.pairs.push((
                    name.to_owned(),
                    text(&Value::Array(items), separator).unwrap_or_default(),
                ));
            }
            (Value::Object(map), QueryStyle::DeepObject) => {
                for (key, value) in &map {
                    if let Some(text) = text(value, ",") {
                        self.pairs.push((format!("{name}[{key}]"), text));
                    }
                }
            }
            (Value::Object(map), _) if explode => {
                for (key, value) in &map {
                    if let Some(text) = text(value, ",") {
                        self.pairs.push((key.clone(), text));
                    }
                }
            }
            (value, _) => {
                if let Some(text) = text(&value, ",") {
                    self.pairs.push((name.to_owned(), text));
                }
            }
        }
    }

    /// The pairs, for `reqwest::RequestBuilder::query`.
    #[must_use]
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pairs(value: &Value, style: QueryStyle, explode: bool) -> Vec<(String, String)> {
        let mut query = Query::new();
        query.push("p", value, style, explode);
        query.pairs().to_vec()
    }

    fn p(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn styles() {
        assert_eq!(pairs(&json!(null), QueryStyle::Form, true), p(&[]));
        assert_eq!(pairs(&json!(5), QueryStyle::Form, true), p(&[("p", "5")]));
        assert_eq!(
            pairs(&json!(["a", "b"]), QueryStyle::Form, true),
            p(&[("p", "a"), ("p", "b")])
        );
        assert_eq!(
            pairs(&json!(["a", "b"]), QueryStyle::Form, false),
            p(&[("p", "a,b")])
        );
        assert_eq!(
            pairs(&json!(["a", "b"]), QueryStyle::PipeDelimited, false),
            p(&[("p", "a|b")])
        );
        assert_eq!(
            pairs(&json!(["a", "b"]), QueryStyle::SpaceDelimited, false),
            p(&[("p", "a b")])
        );
        assert_eq!(
            pairs(&json!({"x": 1, "y": "z"}), QueryStyle::DeepObject, true),
            p(&[("p[x]", "1"), ("p[y]", "z")])
        );
        assert_eq!(
            pairs(&json!({"x": 1}), QueryStyle::Form, true),
            p(&[("x", "1")])
        );
        assert_eq!(
            pairs(&json!({"x": 1}), QueryStyle::Form, false),
            p(&[("p", "x,1")])
        );
    }

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(
            path_segment(&"Q1 report/draft #2?.txt"),
            "Q1%20report%2Fdraft%20%232%3F.txt"
        );
        assert_eq!(path_segment(&42), "42");
        assert_eq!(path_segment(&["a", "b"]), "a%2Cb");
    }
}
