//! Parameter values → text, as OpenAPI's `style` and `explode` say. The conformance suite sends
//! its requests through these same functions, and the mock reads them back by the same rules.
//!
//! Values arrive as anything `Serialize` and are read through `serde_json::Value`, so enums,
//! identifiers, numbers and lists all encode the same way they appear in JSON bodies.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS, NON_ALPHANUMERIC};
use serde::Serialize;
use serde_json::Value;

/// Everything but RFC 3986's unreserved characters is percent-encoded in a path segment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path parameter, as one percent-encoded path segment (`style: simple`): list items and
/// object members are percent-encoded one by one and joined with literal commas.
pub fn path_segment(value: &(impl Serialize + ?Sized)) -> String {
    path_param("", value, PathStyle::Simple, false)
}

/// OpenAPI path parameter styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathStyle {
    /// `blue`, `blue,black`, `R,100,G,200` (exploded: `R=100,G=200`).
    Simple,
    /// `.blue`, `.blue,black` (exploded: `.blue.black`, `.R=100.G=200`).
    Label,
    /// `;color=blue`, `;color=blue,black` (exploded: `;color=blue;color=black`, `;R=100;G=200`).
    Matrix,
}

/// Path parameter `name` in `style`, each value percent-encoded, the delimiters literal; a null
/// value is the empty string (simple), `.` (label) or `;name` (matrix).
pub fn path_param(
    name: &str,
    value: &(impl Serialize + ?Sized),
    style: PathStyle,
    explode: bool,
) -> String {
    let value = to_value(value);
    let encode = |text: &str| utf8_percent_encode(text, PATH_SEGMENT).to_string();
    let name = encode(name);
    // The items of a list, or the `key, value` (or, exploded, `key=value`) of an object.
    let items: Vec<String> = match &value {
        Value::Array(items) => items
            .iter()
            .filter_map(|item| text(item, ","))
            .map(|item| encode(&item))
            .collect(),
        Value::Object(map) => map
            .iter()
            .filter_map(|(key, value)| Some((encode(key), encode(&text(value, ",")?))))
            .flat_map(|(key, value)| {
                if explode {
                    vec![format!("{key}={value}")]
                } else {
                    vec![key, value]
                }
            })
            .collect(),
        scalar => text(scalar, ",").map(|t| encode(&t)).into_iter().collect(),
    };
    match (style, &value, explode) {
        (PathStyle::Simple, _, _) => items.join(","),
        (PathStyle::Label, Value::Array(_) | Value::Object(_), true) => {
            format!(".{}", items.join("."))
        }
        (PathStyle::Label, _, _) => format!(".{}", items.join(",")),
        (PathStyle::Matrix, Value::Object(_), true) => {
            items.iter().map(|item| format!(";{item}")).collect()
        }
        (PathStyle::Matrix, Value::Array(_), true) => {
            items.iter().map(|item| format!(";{name}={item}")).collect()
        }
        (PathStyle::Matrix, Value::Null, _) => format!(";{name}"),
        (PathStyle::Matrix, _, _) => format!(";{name}={}", items.join(",")),
    }
}

/// A header parameter's value (`style: simple`); `None` for a null value.
pub fn header_value(value: &(impl Serialize + ?Sized)) -> Option<String> {
    header_param(value, false)
}

/// A header parameter's value (`style: simple`), an exploded object as `key=value,…`; `None`
/// for a null value.
pub fn header_param(value: &(impl Serialize + ?Sized), explode: bool) -> Option<String> {
    match (to_value(value), explode) {
        (Value::Object(map), true) => Some(
            map.iter()
                .filter_map(|(key, value)| Some(format!("{key}={}", text(value, ",")?)))
                .collect::<Vec<_>>()
                .join(","),
        ),
        (value, _) => text(&value, ","),
    }
}

fn to_value(value: &(impl Serialize + ?Sized)) -> Value {
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

/// The `name=value` pairs of one parameter (or one property of a form body), as OpenAPI's
/// `style` and `explode` say. What a style cannot express (an object inside an exploded array,
/// say) is written with brackets, as `deepObject` does and form parsers widely accept.
fn push_pairs(
    pairs: &mut Vec<(String, String)>,
    name: &str,
    value: &Value,
    style: QueryStyle,
    explode: bool,
) {
    let separator = match style {
        QueryStyle::SpaceDelimited => " ",
        QueryStyle::PipeDelimited => "|",
        _ => ",",
    };
    match (value, style) {
        (Value::Null, _) => {}
        (_, QueryStyle::DeepObject) => push_deep(pairs, name.to_owned(), value),
        (Value::Array(items), QueryStyle::Form) if explode => {
            for (index, item) in items.iter().enumerate() {
                match item {
                    Value::Array(_) | Value::Object(_) => {
                        push_deep(pairs, format!("{name}[{index}]"), item);
                    }
                    _ => pairs.extend(text(item, ",").map(|text| (name.to_owned(), text))),
                }
            }
        }
        (Value::Object(map), _) if explode => {
            for (key, value) in map {
                match value {
                    Value::Array(_) | Value::Object(_) => push_deep(pairs, key.clone(), value),
                    _ => pairs.extend(text(value, ",").map(|text| (key.clone(), text))),
                }
            }
        }
        // A list, an object as `key,value,…`, or a scalar, joined by the style's separator.
        _ => pairs.extend(text(value, separator).map(|text| (name.to_owned(), text))),
    }
}

/// `deepObject`: `name[key]=value`, nested objects recursively, array items by index
/// (`name[0]=value`).
fn push_deep(pairs: &mut Vec<(String, String)>, name: String, value: &Value) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (key, value) in map {
                push_deep(pairs, format!("{name}[{key}]"), value);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                push_deep(pairs, format!("{name}[{index}]"), item);
            }
        }
        _ => pairs.extend(text(value, ",").map(|text| (name, text))),
    }
}

/// What a cookie value may not hold as is (RFC 6265 `cookie-octet`): controls, space, `"`, `,`,
/// `;`, `\`, anything beyond ASCII, and `%` itself so that decoding is unambiguous. The rest
/// (`=`, `/`, base64 padding…) stays readable, since servers do not all decode cookies.
const COOKIE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%')
    .add(0x7f);

/// The `Cookie` header of one request, built parameter by parameter (`style: form`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cookies {
    pairs: Vec<String>,
}

impl Cookies {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds cookie `name`; a null or absent (`None`) value adds nothing. Lists and objects are
    /// joined with commas, which are then percent-encoded like every character a cookie value
    /// cannot hold.
    pub fn push(&mut self, name: &str, value: &(impl Serialize + ?Sized)) {
        if let Some(text) = text(&to_value(value), ",") {
            self.pairs
                .push(format!("{name}={}", utf8_percent_encode(&text, COOKIE)));
        }
    }

    /// The header value (`a=1; b=2`), or `None` when no cookie was added.
    #[must_use]
    pub fn header(&self) -> Option<String> {
        (!self.pairs.is_empty()).then(|| self.pairs.join("; "))
    }
}

/// What `application/x-www-form-urlencoded` leaves as is: alphanumerics and `*-._`.
const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');

/// A form body (`application/x-www-form-urlencoded`): each top-level property of `body`'s JSON
/// form encoded as its `encoding` entry says (`(property, style, explode)`), and as `style: form,
/// explode: true` when it has none. Null properties are left out.
///
/// # Errors
/// When `body` does not serialize to JSON.
pub fn form_urlencoded(
    body: &impl Serialize,
    encoding: &[(&str, QueryStyle, bool)],
) -> Result<String, serde_json::Error> {
    let mut pairs = Vec::new();
    if let Value::Object(map) = serde_json::to_value(body)? {
        for (name, value) in &map {
            let (style, explode) = encoding
                .iter()
                .find(|(property, _, _)| property == name)
                .map_or((QueryStyle::Form, true), |(_, style, explode)| {
                    (*style, *explode)
                });
            push_pairs(&mut pairs, name, value, style, explode);
        }
    }
    Ok(pairs
        .iter()
        .map(|(name, value)| {
            format!(
                "{}={}",
                utf8_percent_encode(name, FORM),
                utf8_percent_encode(value, FORM)
            )
        })
        .collect::<Vec<_>>()
        .join("&"))
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
    pub fn push(
        &mut self,
        name: &str,
        value: &(impl Serialize + ?Sized),
        style: QueryStyle,
        explode: bool,
    ) {
        push_pairs(&mut self.pairs, name, &to_value(value), style, explode);
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
        assert_eq!(
            pairs(&json!({"x": 1, "y": 2}), QueryStyle::PipeDelimited, false),
            p(&[("p", "x|1|y|2")])
        );
    }

    #[test]
    fn deep_objects_nest_and_index_arrays() {
        assert_eq!(
            pairs(
                &json!({"a": {"b": 1, "c": [true, null]}, "d": null}),
                QueryStyle::DeepObject,
                true
            ),
            p(&[("p[a][b]", "1"), ("p[a][c][0]", "true")])
        );
        assert_eq!(
            pairs(&json!(["x", "y"]), QueryStyle::DeepObject, true),
            p(&[("p[0]", "x"), ("p[1]", "y")])
        );
    }

    #[test]
    fn form_bodies_follow_each_property_encoding() {
        let body = json!({
            "name": "Ada Lovelace",
            "tags": ["a", "b"],
            "expand": ["customer", "invoice.lines"],
            "metadata": {"order": "6735", "nested": {"x": 1}},
            "address": {"city": "Zürich", "lines": ["1", "2"]},
            "note": null,
            "limit": 10,
            "csv": ["x", "y"],
        });
        let encoding = [
            ("expand", QueryStyle::DeepObject, true),
            ("metadata", QueryStyle::DeepObject, true),
            ("csv", QueryStyle::Form, false),
        ];
        let text = form_urlencoded(&body, &encoding).unwrap();
        assert_eq!(
            text.split('&').collect::<Vec<_>>(),
            [
                "name=Ada%20Lovelace",
                // form + explode (the default): repeated keys for arrays…
                "tags=a",
                "tags=b",
                "expand%5B0%5D=customer",
                "expand%5B1%5D=invoice.lines",
                "metadata%5Border%5D=6735",
                "metadata%5Bnested%5D%5Bx%5D=1",
                // …and an object's properties as keys of their own.
                "city=Z%C3%BCrich",
                "lines%5B0%5D=1",
                "lines%5B1%5D=2",
                "limit=10",
                "csv=x%2Cy",
            ]
        );
        assert_eq!(form_urlencoded(&json!({}), &[]).unwrap(), "");
    }

    #[test]
    fn cookie_values_are_percent_encoded_where_the_grammar_forbids() {
        let mut cookies = Cookies::new();
        assert_eq!(cookies.header(), None);
        cookies.push("session", "a b;c,d\"e\\f%g=h/ü");
        cookies.push("absent", &None::<String>);
        cookies.push("ids", &[1, 2][..]);
        assert_eq!(
            cookies.header().as_deref(),
            Some("session=a%20b%3Bc%2Cd%22e%5Cf%25g=h/%C3%BC; ids=1%2C2")
        );
    }

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(
            path_segment(&"Q1 report/draft #2?.txt"),
            "Q1%20report%2Fdraft%20%232%3F.txt"
        );
        assert_eq!(path_segment(&42), "42");
        // Each item is encoded, the delimiter is not.
        assert_eq!(path_segment(&["a,b", "c"]), "a%2Cb,c");
    }

    #[test]
    fn path_styles_follow_the_openapi_examples() {
        let color = |value: &Value, style, explode| path_param("color", value, style, explode);
        let (blue, list, object) = (
            json!("blue"),
            json!(["blue", "black", "brown"]),
            json!({"R": 100, "G": 200}),
        );
        let cases = [
            (PathStyle::Simple, false, &blue, "blue"),
            (PathStyle::Simple, false, &list, "blue,black,brown"),
            (PathStyle::Simple, false, &object, "R,100,G,200"),
            (PathStyle::Simple, true, &object, "R=100,G=200"),
            (PathStyle::Label, false, &blue, ".blue"),
            (PathStyle::Label, false, &list, ".blue,black,brown"),
            (PathStyle::Label, true, &list, ".blue.black.brown"),
            (PathStyle::Label, false, &object, ".R,100,G,200"),
            (PathStyle::Label, true, &object, ".R=100.G=200"),
            (PathStyle::Matrix, false, &blue, ";color=blue"),
            (PathStyle::Matrix, false, &list, ";color=blue,black,brown"),
            (
                PathStyle::Matrix,
                true,
                &list,
                ";color=blue;color=black;color=brown",
            ),
            (PathStyle::Matrix, false, &object, ";color=R,100,G,200"),
            (PathStyle::Matrix, true, &object, ";R=100;G=200"),
        ];
        for (style, explode, value, expected) in cases {
            assert_eq!(
                color(value, style, explode),
                expected,
                "{style:?} {explode} {value}"
            );
        }
        assert_eq!(path_param("x", &"a b", PathStyle::Label, false), ".a%20b");
    }

    #[test]
    fn headers_explode_objects_into_pairs() {
        assert_eq!(
            header_param(&json!({"R": 100, "G": 200}), true).as_deref(),
            Some("R=100,G=200")
        );
        assert_eq!(
            header_param(&json!({"R": 100}), false).as_deref(),
            Some("R,100")
        );
        assert_eq!(header_param(&json!([1, 2]), true).as_deref(), Some("1,2"));
        assert_eq!(header_param(&json!(null), true), None);
    }
}
