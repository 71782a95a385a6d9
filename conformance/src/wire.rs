//! What arrives on the wire, read back into JSON by the rules the runtime's encoders write it
//! with (`callspec_runtime::{path_param, Query, header_param, Cookies, form_urlencoded}`):
//! parameter text by `style` and `explode`, and form bodies by their `encoding`. The mock reads
//! requests with it; the suite reads its own requests back with it, to know what a server will
//! see. JSON lines bodies, which no runtime encoder writes, are written and read here for both.
//!
//! Text that does not parse as the schema's type is kept as a string, so that validation then
//! reports the schema keyword it breaks instead of a guess.

use axum::http::HeaderMap;
use codegen::api::{Encoding, Location, Parameter, Style};
use codegen::load::{follow, JsonPointer};
use percent_encoding::percent_decode_str;
use serde_json::{Map, Number, Value};

/// How a parameter's text is split and typed before validation: the shape of its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueKind {
    String,
    Integer,
    Number,
    Boolean,
    Array(Box<ValueKind>),
    Object(Vec<(String, ValueKind)>),
    /// No `type` to go by: the text is kept as a string.
    Any,
}

impl ValueKind {
    /// The shape of the schema at `at` (`Any` without one).
    #[must_use]
    pub fn of(spec: &Value, at: Option<&JsonPointer>) -> ValueKind {
        at.map_or(ValueKind::Any, |at| kind_at(spec, at, 0))
    }

    fn property(&self, name: &str) -> &ValueKind {
        match self {
            ValueKind::Object(properties) => properties
                .iter()
                .find(|(n, _)| n == name)
                .map_or(&ValueKind::Any, |(_, kind)| kind),
            _ => &ValueKind::Any,
        }
    }
}

fn kind_at(spec: &Value, at: &JsonPointer, depth: usize) -> ValueKind {
    if depth > 8 {
        return ValueKind::Any;
    }
    let Ok((at, schema)) = follow(spec, at) else {
        return ValueKind::Any;
    };
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => ValueKind::String,
        Some("integer") => ValueKind::Integer,
        Some("number") => ValueKind::Number,
        Some("boolean") => ValueKind::Boolean,
        Some("array") => ValueKind::Array(Box::new(kind_at(spec, &at.join("items"), depth + 1))),
        Some("object") => ValueKind::Object(
            schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|properties| {
                    properties
                        .keys()
                        .map(|name| {
                            let at = at.join("properties").join(name.as_str());
                            (name.clone(), kind_at(spec, &at, depth + 1))
                        })
                        .collect()
                })
                .unwrap_or_default(),
        ),
        _ => {
            // `allOf: [$ref]` and friends: the first member that says what it is.
            for keyword in ["allOf", "oneOf", "anyOf"] {
                if let Some(Value::Array(members)) = schema.get(keyword) {
                    for index in 0..members.len() {
                        let at = at.join(keyword).join(index.to_string());
                        let kind = kind_at(spec, &at, depth + 1);
                        if kind != ValueKind::Any {
                            return kind;
                        }
                    }
                }
            }
            ValueKind::Any
        }
    }
}

/// The places parameters are read from: path parameters as captured (still percent-encoded),
/// the query split into decoded pairs, the headers, the cookies split into pairs.
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

/// Every `Cookie` header split into pairs, values as sent (still percent-encoded).
#[must_use]
pub fn parse_cookies(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            Some((name.to_owned(), value.to_owned()))
        })
        .collect()
}

/// The parameter's value, typed as `kind` says, or `None` when the request does not carry it.
#[must_use]
pub fn extract(parameter: &Parameter, kind: &ValueKind, parts: &RequestParts<'_>) -> Option<Value> {
    let name = parameter.name.as_str();
    match parameter.location {
        Location::Path => {
            let raw = find(parts.path, name)?;
            Some(from_path(
                raw,
                name,
                parameter.style,
                parameter.explode,
                kind,
            ))
        }
        Location::Header => {
            let headers = parts.headers?;
            let values: Vec<&str> = headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect();
            if values.is_empty() {
                return None;
            }
            let text = values.join(",");
            Some(from_delimited(&text, ',', parameter.explode, kind, &plain))
        }
        Location::Cookie => {
            // The runtime percent-encodes the commas between items too (a cookie value cannot
            // hold one): decode first, then split.
            let raw = find(parts.cookies, name)?;
            Some(from_delimited(&decoded(raw), ',', false, kind, &plain))
        }
        Location::Query => from_query(name, parameter.style, parameter.explode, kind, parts.query),
    }
}

fn find<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Text as it is (headers, and query pairs already decoded).
fn plain(text: &str) -> String {
    text.to_owned()
}

/// Percent-decoded text (path segments, cookies).
fn decoded(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// A path parameter in its style: `simple` (`a,b`), `label` (`.a.b` exploded) or `matrix`
/// (`;name=a;name=b` exploded). A missing prefix is forgiven.
fn from_path(raw: &str, name: &str, style: Style, explode: bool, kind: &ValueKind) -> Value {
    match style {
        Style::Label => {
            let rest = raw.strip_prefix('.').unwrap_or(raw);
            let delimiter = if explode { '.' } else { ',' };
            from_delimited(rest, delimiter, explode, kind, &decoded)
        }
        Style::Matrix => {
            let assignment = format!(";{name}=");
            match (kind, explode) {
                (ValueKind::Array(_), true) => {
                    let items: Vec<&str> = raw
                        .split(';')
                        .filter(|item| !item.is_empty())
                        .map(|item| item.strip_prefix(&assignment[1..]).unwrap_or(item))
                        .collect();
                    from_delimited(&items.join(","), ',', false, kind, &decoded)
                }
                (ValueKind::Object(_), true) => {
                    let rest = raw.strip_prefix(';').unwrap_or(raw);
                    from_delimited(rest, ';', true, kind, &decoded)
                }
                _ => {
                    let rest = raw.strip_prefix(assignment.as_str()).unwrap_or(raw);
                    from_delimited(rest, ',', explode, kind, &decoded)
                }
            }
        }
        _ => from_delimited(raw, ',', explode, kind, &decoded),
    }
}

fn from_query(
    name: &str,
    style: Style,
    explode: bool,
    kind: &ValueKind,
    query: &[(String, String)],
) -> Option<Value> {
    match (kind, style) {
        (ValueKind::Object(_) | ValueKind::Array(_), Style::DeepObject) => {
            deep_object(name, kind, query)
        }
        (ValueKind::Object(properties), Style::Form) if explode => {
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
                .filter(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .collect();
            if values.is_empty() {
                return None;
            }
            if explode && style == Style::Form {
                return Some(Value::Array(
                    values.iter().map(|v| scalar(v, items)).collect(),
                ));
            }
            Some(from_delimited(
                values[0],
                delimiter(style),
                false,
                kind,
                &plain,
            ))
        }
        (kind, style) => find(query, name)
            .map(|raw| from_delimited(raw, delimiter(style), explode, kind, &plain)),
    }
}

/// `name[key]=value` (and `name[0]=value` for a list), one level deep.
fn deep_object(name: &str, kind: &ValueKind, query: &[(String, String)]) -> Option<Value> {
    let prefix = format!("{name}[");
    let members: Vec<(&str, &str)> = query
        .iter()
        .filter_map(|(key, value)| {
            let member = key.strip_prefix(&prefix)?.strip_suffix(']')?;
            Some((member, value.as_str()))
        })
        .collect();
    if members.is_empty() {
        return None;
    }
    Some(match kind {
        ValueKind::Array(items) => Value::Array(
            members
                .iter()
                .map(|(_, value)| scalar(value, items))
                .collect(),
        ),
        _ => Value::Object(
            members
                .iter()
                .map(|(member, value)| ((*member).to_owned(), scalar(value, kind.property(member))))
                .collect(),
        ),
    })
}

fn delimiter(style: Style) -> char {
    match style {
        Style::SpaceDelimited => ' ',
        Style::PipeDelimited => '|',
        _ => ',',
    }
}

/// A form body (`application/x-www-form-urlencoded`), typed by its schema's properties as the
/// runtime's `form_urlencoded` writes them: repeated keys of an exploded list, a delimited list
/// where its `encoding` says so, `name[key]` members of a `deepObject` property, and the members
/// of an exploded object property as keys of their own.
#[must_use]
pub fn form_body(kind: &ValueKind, encoding: &[Encoding], bytes: &[u8]) -> Value {
    let pairs = parse_query(std::str::from_utf8(bytes).ok());
    let style_of = |property: &str| {
        encoding
            .iter()
            .find(|e| e.property == property)
            .map_or((Style::Form, true), |e| (e.style, e.explode))
    };
    let properties: &[(String, ValueKind)] = match kind {
        ValueKind::Object(properties) => properties,
        _ => &[],
    };
    let mut object = Map::new();
    let mut taken = vec![false; pairs.len()];
    for (property, kind) in properties {
        let (style, explode) = style_of(property);
        let value = match (kind, style, explode) {
            (ValueKind::Object(members), Style::Form, true) => {
                let mut found = Map::new();
                for (member, member_kind) in members {
                    if let Some(index) = pairs.iter().position(|(n, _)| n == member) {
                        taken[index] = true;
                        found.insert(member.clone(), scalar(&pairs[index].1, member_kind));
                    }
                }
                (!found.is_empty()).then_some(Value::Object(found))
            }
            _ => {
                let value = from_query(property, style, explode, kind, &pairs);
                for (index, (name, _)) in pairs.iter().enumerate() {
                    if name == property || name.starts_with(&format!("{property}[")) {
                        taken[index] = true;
                    }
                }
                value
            }
        };
        if let Some(value) = value {
            object.insert(property.clone(), value);
        }
    }
    // Keys the schema does not name: text, repeated ones gathered in a list.
    for (index, (name, value)) in pairs.iter().enumerate() {
        if taken[index] {
            continue;
        }
        let item = Value::String(value.clone());
        let gathered = match object.remove(name) {
            Some(Value::Array(mut list)) => {
                list.push(item);
                Value::Array(list)
            }
            Some(first) => Value::Array(vec![first, item]),
            None => item,
        };
        object.insert(name.clone(), gathered);
    }
    Value::Object(object)
}

/// A value whose parts are separated by `delimiter` (lists; objects as `k,v,k,v` or, exploded,
/// `k=v,k=v`), or a scalar; each part passed through `decode` first.
fn from_delimited(
    raw: &str,
    delimiter: char,
    explode: bool,
    kind: &ValueKind,
    decode: &dyn Fn(&str) -> String,
) -> Value {
    match kind {
        ValueKind::Array(items) => {
            if raw.is_empty() {
                return Value::Array(Vec::new());
            }
            Value::Array(
                raw.split(delimiter)
                    .map(|part| scalar(&decode(part), items))
                    .collect(),
            )
        }
        ValueKind::Object(_) => {
            let mut object = Map::new();
            if explode {
                for pair in raw.split(delimiter) {
                    if let Some((key, value)) = pair.split_once('=') {
                        let key = decode(key);
                        let value = scalar(&decode(value), kind.property(&key));
                        object.insert(key, value);
                    }
                }
            } else {
                let parts: Vec<&str> = raw.split(delimiter).collect();
                for pair in parts.chunks(2) {
                    if let [key, value] = pair {
                        let key = decode(key);
                        let value = scalar(&decode(value), kind.property(&key));
                        object.insert(key, value);
                    }
                }
            }
            Value::Object(object)
        }
        scalar_kind => scalar(&decode(raw), scalar_kind),
    }
}

/// A JSON lines body (`application/x-ndjson`, `application/jsonl`, `application/json-seq`…):
/// a list's items one per line, or the one value on its line. The suite and the mock both write
/// them so.
#[must_use]
pub fn write_json_lines(value: &Value) -> Vec<u8> {
    match value {
        Value::Array(items) => items
            .iter()
            .map(|item| format!("{item}\n"))
            .collect::<String>()
            .into_bytes(),
        other => format!("{other}\n").into_bytes(),
    }
}

/// A line of a JSON lines body that is not JSON.
#[derive(Debug)]
pub struct JsonLineError {
    /// Its number, from 1.
    pub line: usize,
    pub error: serde_json::Error,
}

/// The documents of a JSON lines body, one per non-empty line, in order. A line may start with
/// the record separator (U+001E) that `application/json-seq` puts before each document. The
/// mock reads request bodies with it, and the suite response bodies.
pub fn read_json_lines(bytes: &[u8]) -> Result<Vec<Value>, JsonLineError> {
    let text = String::from_utf8_lossy(bytes);
    let mut documents = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim().trim_start_matches('\u{1e}');
        if line.is_empty() {
            continue;
        }
        let document = serde_json::from_str(line).map_err(|error| JsonLineError {
            line: index + 1,
            error,
        })?;
        documents.push(document);
    }
    Ok(documents)
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
mod tests;
