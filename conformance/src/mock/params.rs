//! A parameter's text, as it arrived, turned into the JSON value its schema describes, by the
//! parameter's `style` and `explode` (OpenAPI 3.0 "Style Values").
//!
//! Text that does not parse as the schema's type is kept as a string, so that validation then
//! reports the schema keyword it breaks instead of the mock guessing.

use axum::http::HeaderMap;
use serde_json::{Map, Number, Value};

use crate::api::{Location, Parameter, ValueKind};

/// The places parameters are read from, already split and percent-decoded.
#[derive(Debug, Default)]
pub struct RequestParts<'a> {
    pub path: &'a [(String, String)],
    pub query: &'a [(String, String)],
    pub headers: Option<&'a HeaderMap>,
    pub cookies: &'a [(String, String)],
}

/// A query string split into decoded pairs, in order.
#[must_use]
pub fn parse_query(query: Option<&str>) -> Vec<(String, String)> {
    query
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// The `Cookie` header split into pairs.
#[must_use]
pub fn parse_cookies(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            let value = percent_encoding::percent_decode_str(value)
                .decode_utf8_lossy()
                .into_owned();
            Some((name.to_owned(), value))
        })
        .collect()
}

/// The parameter's value, or `None` when the request does not carry it.
#[must_use]
pub fn extract(parameter: &Parameter, parts: &RequestParts<'_>) -> Option<Value> {
    match parameter.location {
        Location::Path => {
            let raw = find(parts.path, &parameter.name)?;
            Some(from_delimited(
                strip_path_prefix(raw, &parameter.style, &parameter.name),
                path_delimiter(&parameter.style, parameter.explode),
                parameter.explode,
                &parameter.kind,
            ))
        }
        Location::Header => {
            let headers = parts.headers?;
            let values: Vec<&str> = headers
                .get_all(parameter.name.as_str())
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect();
            if values.is_empty() {
                return None;
            }
            Some(from_delimited(
                &values.join(","),
                ',',
                parameter.explode,
                &parameter.kind,
            ))
        }
        Location::Cookie => {
            let raw = find(parts.cookies, &parameter.name)?;
            Some(from_delimited(raw, ',', false, &parameter.kind))
        }
        Location::Query => from_query(parameter, parts.query),
    }
}

fn find<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn strip_path_prefix<'a>(raw: &'a str, style: &str, name: &str) -> &'a str {
    match style {
        "label" => raw.strip_prefix('.').unwrap_or(raw),
        "matrix" => raw
            .strip_prefix(';')
            .and_then(|rest| rest.strip_prefix(name))
            .and_then(|rest| rest.strip_prefix('='))
            .unwrap_or(raw),
        _ => raw,
    }
}

fn path_delimiter(style: &str, explode: bool) -> char {
    match (style, explode) {
        ("label", true) => '.',
        ("matrix", true) => ';',
        _ => ',',
    }
}

fn from_query(parameter: &Parameter, query: &[(String, String)]) -> Option<Value> {
    let name = parameter.name.as_str();
    match (&parameter.kind, parameter.style.as_str()) {
        (ValueKind::Object(properties), "deepObject") => {
            let prefix = format!("{name}[");
            let mut object = Map::new();
            for (key, value) in query {
                let Some(property) = key.strip_prefix(&prefix).and_then(|k| k.strip_suffix(']'))
                else {
                    continue;
                };
                object.insert(
                    property.to_owned(),
                    scalar(value, kind_of(properties, property)),
                );
            }
            (!object.is_empty()).then_some(Value::Object(object))
        }
        (ValueKind::Object(properties), "form") if parameter.explode => {
            // Each property is a query parameter of its own.
            let mut object = Map::new();
            for (property, kind) in properties {
                if let Some(value) = find(query, property) {
                    object.insert(property.clone(), scalar(value, kind));
                }
            }
            (!object.is_empty()).then_some(Value::Object(object))
        }
        (ValueKind::Array(items), style) => {
            let values: Vec<&str> = query
                .iter()
                .filter(|(n, _)| n == name || *n == format!("{name}[]"))
                .map(|(_, v)| v.as_str())
                .collect();
            if values.is_empty() {
                return None;
            }
            if parameter.explode && style == "form" {
                return Some(Value::Array(
                    values.iter().map(|v| scalar(v, items)).collect(),
                ));
            }
            let delimiter = match style {
                "spaceDelimited" => ' ',
                "pipeDelimited" => '|',
                _ => ',',
            };
            Some(from_delimited(values[0], delimiter, false, &parameter.kind))
        }
        (kind, _) => find(query, name).map(|raw| from_delimited(raw, ',', parameter.explode, kind)),
    }
}

/// A form-urlencoded body, typed by its schema's properties: repeated keys of an array
/// property gather into an array, the rest are scalars.
#[must_use]
pub fn form_body(kind: &ValueKind, bytes: &[u8]) -> Value {
    let properties: &[(String, ValueKind)] = match kind {
        ValueKind::Object(properties) => properties,
        _ => &[],
    };
    let mut object = Map::new();
    for (key, value) in form_urlencoded::parse(bytes) {
        let typed = match kind_of(properties, &key) {
            ValueKind::Array(items) => {
                let item = scalar(&value, items);
                match object.remove(key.as_ref()) {
                    Some(Value::Array(mut list)) => {
                        list.push(item);
                        Value::Array(list)
                    }
                    _ => Value::Array(vec![item]),
                }
            }
            other => scalar(&value, other),
        };
        object.insert(key.into_owned(), typed);
    }
    Value::Object(object)
}

fn kind_of<'a>(properties: &'a [(String, ValueKind)], name: &str) -> &'a ValueKind {
    properties
        .iter()
        .find(|(n, _)| n == name)
        .map_or(&ValueKind::Any, |(_, kind)| kind)
}

/// A value whose parts are separated by `delimiter` (arrays; objects as `k,v,k,v` or, exploded,
/// `k=v,k=v`), or a scalar.
fn from_delimited(raw: &str, delimiter: char, explode: bool, kind: &ValueKind) -> Value {
    match kind {
        ValueKind::Array(items) => {
            if raw.is_empty() {
                return Value::Array(Vec::new());
            }
            Value::Array(
                raw.split(delimiter)
                    .map(|part| scalar(part, items))
                    .collect(),
            )
        }
        ValueKind::Object(properties) => {
            let mut object = Map::new();
            if explode {
                for pair in raw.split(delimiter) {
                    if let Some((key, value)) = pair.split_once('=') {
                        object.insert(key.to_owned(), scalar(value, kind_of(properties, key)));
                    }
                }
            } else {
                let parts: Vec<&str> = raw.split(delimiter).collect();
                for pair in parts.chunks(2) {
                    if let [key, value] = pair {
                        object.insert((*key).to_owned(), scalar(value, kind_of(properties, key)));
                    }
                }
            }
            Value::Object(object)
        }
        scalar_kind => scalar(raw, scalar_kind),
    }
}

/// One value of a scalar type; text that is not of the type stays a string.
fn scalar(raw: &str, kind: &ValueKind) -> Value {
    let typed = match kind {
        ValueKind::Integer => raw
            .parse::<i64>()
            .map(Number::from)
            .or_else(|_| raw.parse::<u64>().map(Number::from))
            .ok()
            .map(Value::Number),
        ValueKind::Number => raw
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number),
        ValueKind::Boolean => match raw {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        _ => None,
    };
    typed.unwrap_or_else(|| Value::String(raw.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parameter(location: Location, style: &str, explode: bool, kind: ValueKind) -> Parameter {
        Parameter {
            name: "p".into(),
            location,
            required: false,
            style: style.into(),
            explode,
            kind,
            schema: None,
        }
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn scalars_are_typed_or_kept_as_text() {
        let query = pairs(&[("p", "42")]);
        let parts = RequestParts {
            query: &query,
            ..RequestParts::default()
        };
        let int = parameter(Location::Query, "form", true, ValueKind::Integer);
        assert_eq!(extract(&int, &parts), Some(json!(42)));
        let query = pairs(&[("p", "forty")]);
        let parts = RequestParts {
            query: &query,
            ..RequestParts::default()
        };
        assert_eq!(extract(&int, &parts), Some(json!("forty")));
        let boolean = parameter(Location::Query, "form", true, ValueKind::Boolean);
        let query = pairs(&[("p", "true")]);
        let parts = RequestParts {
            query: &query,
            ..RequestParts::default()
        };
        assert_eq!(extract(&boolean, &parts), Some(json!(true)));
        assert_eq!(extract(&boolean, &RequestParts::default()), None);
    }

    #[test]
    fn arrays_follow_style_and_explode() {
        let ints = ValueKind::Array(Box::new(ValueKind::Integer));
        let query = pairs(&[("p", "1"), ("other", "x"), ("p", "2")]);
        let parts = RequestParts {
            query: &query,
            ..RequestParts::default()
        };
        let exploded = parameter(Location::Query, "form", true, ints.clone());
        assert_eq!(extract(&exploded, &parts), Some(json!([1, 2])));
        let query = pairs(&[("p", "1,2,3")]);
        let parts = RequestParts {
            query: &query,
            ..RequestParts::default()
        };
        let joined = parameter(Location::Query, "form", false, ints.clone());
        assert_eq!(extract(&joined, &parts), Some(json!([1, 2, 3])));
        let query = pairs(&[("p", "1|2")]);
        let parts = RequestParts {
            query: &query,
            ..RequestParts::default()
        };
        let piped = parameter(Location::Query, "pipeDelimited", false, ints.clone());
        assert_eq!(extract(&piped, &parts), Some(json!([1, 2])));
        let path = pairs(&[("p", ".1.2")]);
        let parts = RequestParts {
            path: &path,
            ..RequestParts::default()
        };
        let label = parameter(Location::Path, "label", true, ints);
        assert_eq!(extract(&label, &parts), Some(json!([1, 2])));
    }

    #[test]
    fn objects_follow_deep_object_and_form() {
        let kind = ValueKind::Object(vec![
            ("min".into(), ValueKind::Integer),
            ("q".into(), ValueKind::String),
        ]);
        let query = pairs(&[("p[min]", "3"), ("p[q]", "x")]);
        let parts = RequestParts {
            query: &query,
            ..RequestParts::default()
        };
        let deep = parameter(Location::Query, "deepObject", true, kind.clone());
        assert_eq!(extract(&deep, &parts), Some(json!({"min": 3, "q": "x"})));
        let query = pairs(&[("min", "3")]);
        let parts = RequestParts {
            query: &query,
            ..RequestParts::default()
        };
        let form = parameter(Location::Query, "form", true, kind.clone());
        assert_eq!(extract(&form, &parts), Some(json!({"min": 3})));
        let path = pairs(&[("p", "min,3,q,x")]);
        let parts = RequestParts {
            path: &path,
            ..RequestParts::default()
        };
        let simple = parameter(Location::Path, "simple", false, kind);
        assert_eq!(extract(&simple, &parts), Some(json!({"min": 3, "q": "x"})));
    }

    #[test]
    fn headers_and_cookies_are_read() {
        let mut headers = HeaderMap::new();
        headers.insert("p", "a,b".parse().unwrap());
        headers.insert("cookie", "p=7; other=1".parse().unwrap());
        let cookies = parse_cookies(&headers);
        let parts = RequestParts {
            headers: Some(&headers),
            cookies: &cookies,
            ..RequestParts::default()
        };
        let header = parameter(
            Location::Header,
            "simple",
            false,
            ValueKind::Array(Box::new(ValueKind::String)),
        );
        assert_eq!(extract(&header, &parts), Some(json!(["a", "b"])));
        let cookie = parameter(Location::Cookie, "form", true, ValueKind::Integer);
        assert_eq!(extract(&cookie, &parts), Some(json!(7)));
    }
}
