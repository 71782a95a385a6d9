//! What the runtime's encoders write, read back: every style of every location, and form
//! bodies with their encodings, round-trip to the value that was encoded.

use callspec_runtime::{path_param, Cookies, PathStyle, Query, QueryStyle};
use codegen::api::{Encoding, Location, Parameter, Style};
use codegen::load::JsonPointer;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{json, Value};

use super::*;

fn parameter(location: Location, style: Style, explode: bool) -> Parameter {
    Parameter {
        name: "color".into(),
        location,
        required: false,
        style,
        explode,
        schema: None,
        media_type: None,
        pointer: JsonPointer::root(),
        declared: true,
    }
}

fn strings() -> ValueKind {
    ValueKind::Array(Box::new(ValueKind::String))
}

fn object() -> ValueKind {
    ValueKind::Object(vec![
        ("R".into(), ValueKind::Integer),
        ("G".into(), ValueKind::Integer),
    ])
}

/// The value a request carries for `parameter`, encoded by the runtime and read back.
fn round_trip(parameter: &Parameter, kind: &ValueKind, value: &Value) -> Option<Value> {
    let name = parameter.name.as_str();
    let mut path = Vec::new();
    let mut query = Vec::new();
    let mut headers = HeaderMap::new();
    let mut cookies = Vec::new();
    match parameter.location {
        Location::Path => {
            let style = match parameter.style {
                Style::Label => PathStyle::Label,
                Style::Matrix => PathStyle::Matrix,
                _ => PathStyle::Simple,
            };
            path.push((
                name.to_owned(),
                path_param(name, value, style, parameter.explode),
            ));
        }
        Location::Query => {
            let style = match parameter.style {
                Style::SpaceDelimited => QueryStyle::SpaceDelimited,
                Style::PipeDelimited => QueryStyle::PipeDelimited,
                Style::DeepObject => QueryStyle::DeepObject,
                _ => QueryStyle::Form,
            };
            let mut built = Query::new();
            built.push(name, value, style, parameter.explode);
            // As reqwest writes the pairs into the URL, and a server splits them.
            let text = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(built.pairs())
                .finish();
            query = parse_query(Some(&text));
        }
        Location::Header => {
            let text = callspec_runtime::header_param(value, parameter.explode)?;
            headers.insert("color", HeaderValue::from_str(&text).ok()?);
        }
        Location::Cookie => {
            let mut built = Cookies::new();
            built.push(name, value);
            headers.insert("cookie", HeaderValue::from_str(&built.header()?).ok()?);
            cookies = parse_cookies(&headers);
        }
    }
    let parts = RequestParts {
        path: &path,
        query: &query,
        headers: Some(&headers),
        cookies: &cookies,
    };
    extract(parameter, kind, &parts)
}

#[test]
fn every_style_reads_back_what_the_runtime_wrote() {
    let list = json!(["blue", "black", "brown"]);
    let odd = json!(["a b", "c,d", "e|f", "ü"]);
    let rgb = json!({"R": 100, "G": 200});
    let cases = [
        (Location::Path, Style::Simple, false),
        (Location::Path, Style::Simple, true),
        (Location::Path, Style::Label, false),
        (Location::Path, Style::Label, true),
        (Location::Path, Style::Matrix, false),
        (Location::Path, Style::Matrix, true),
        (Location::Query, Style::Form, true),
        (Location::Query, Style::Form, false),
        (Location::Query, Style::SpaceDelimited, false),
        (Location::Query, Style::PipeDelimited, false),
        (Location::Query, Style::DeepObject, true),
        (Location::Header, Style::Simple, false),
        (Location::Header, Style::Simple, true),
        (Location::Cookie, Style::Form, false),
    ];
    for (location, style, explode) in cases {
        let parameter = parameter(location, style, explode);
        let case = format!("{location:?} {style:?} explode={explode}");
        if style != Style::DeepObject {
            assert_eq!(
                round_trip(&parameter, &strings(), &list),
                Some(list.clone()),
                "{case}: a list"
            );
            assert_eq!(
                round_trip(&parameter, &ValueKind::Integer, &json!(42)),
                Some(json!(42)),
                "{case}: a number"
            );
        }
        assert_eq!(
            round_trip(&parameter, &object(), &rgb),
            Some(rgb.clone()),
            "{case}: an object"
        );
    }
    // Delimiters inside items survive where the encoding can tell them apart: path items are
    // percent-encoded one by one.
    for style in [Style::Simple, Style::Label, Style::Matrix] {
        let parameter = parameter(Location::Path, style, false);
        assert_eq!(
            round_trip(&parameter, &strings(), &odd),
            Some(odd.clone()),
            "{style:?}"
        );
    }
}

#[test]
fn space_and_pipe_delimited_lists_are_lists() {
    for style in [Style::SpaceDelimited, Style::PipeDelimited] {
        let parameter = parameter(Location::Query, style, false);
        assert_eq!(
            round_trip(&parameter, &strings(), &json!(["x", "y"])),
            Some(json!(["x", "y"])),
            "{style:?}"
        );
    }
}

#[test]
fn form_bodies_read_back_with_their_encodings() {
    let body = json!({
        "name": "Ada Lovelace",
        "tags": ["a", "b"],
        "csv": ["x", "y"],
        "piped": ["p", "q"],
        "metadata": {"order": "6735"},
        "address": {"city": "Zürich"},
        "limit": 10,
    });
    let kind = ValueKind::Object(vec![
        ("name".into(), ValueKind::String),
        ("tags".into(), strings()),
        ("csv".into(), strings()),
        ("piped".into(), strings()),
        (
            "metadata".into(),
            ValueKind::Object(vec![("order".into(), ValueKind::String)]),
        ),
        (
            "address".into(),
            ValueKind::Object(vec![("city".into(), ValueKind::String)]),
        ),
        ("limit".into(), ValueKind::Integer),
    ]);
    let encoding = [
        ("csv", Style::Form, false),
        ("piped", Style::PipeDelimited, false),
        ("metadata", Style::DeepObject, true),
    ];
    let runtime: Vec<(&str, QueryStyle, bool)> = encoding
        .iter()
        .map(|(property, style, explode)| {
            let style = match style {
                Style::PipeDelimited => QueryStyle::PipeDelimited,
                Style::DeepObject => QueryStyle::DeepObject,
                _ => QueryStyle::Form,
            };
            (*property, style, *explode)
        })
        .collect();
    let entries: Vec<Encoding> = encoding
        .iter()
        .map(|(property, style, explode)| Encoding {
            property: (*property).to_owned(),
            content_type: None,
            style: *style,
            explode: *explode,
        })
        .collect();
    let text = callspec_runtime::form_urlencoded(&body, &runtime).unwrap();
    assert_eq!(form_body(&kind, &entries, text.as_bytes()), body);
    // Keys the schema does not name are kept as text, repeated ones as a list.
    assert_eq!(
        form_body(&ValueKind::Any, &[], b"n=3&t=a&t=b"),
        json!({"n": "3", "t": ["a", "b"]})
    );
}

#[test]
fn text_that_is_not_of_the_type_stays_text() {
    let parameter = parameter(Location::Query, Style::Form, true);
    assert_eq!(
        round_trip(&parameter, &ValueKind::Integer, &json!("forty")),
        Some(json!("forty"))
    );
    assert_eq!(
        round_trip(&parameter, &ValueKind::Boolean, &json!(true)),
        Some(json!(true))
    );
    let absent = RequestParts::default();
    assert_eq!(extract(&parameter, &ValueKind::Integer, &absent), None);
}
