//! Parameters: a path item's and an operation's merged, each with its location, style and
//! explode settled, and checked against the path template.

use serde_json::Value;

use super::path::PathTemplate;
use super::reader::Reader;
use crate::load::JsonPointer;

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

impl Location {
    /// `path`, `query`, `header` or `cookie`, as the spec's `in` writes it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Cookie => "cookie",
        }
    }

    #[must_use]
    pub fn parse(text: &str) -> Option<Location> {
        match text {
            "path" => Some(Location::Path),
            "query" => Some(Location::Query),
            "header" => Some(Location::Header),
            "cookie" => Some(Location::Cookie),
            _ => None,
        }
    }

    /// The style a parameter here has when the spec names none.
    #[must_use]
    pub fn default_style(self) -> Style {
        match self {
            Location::Path | Location::Header => Style::Simple,
            Location::Query | Location::Cookie => Style::Form,
        }
    }
}

/// How a parameter's value is written as text (OpenAPI's "Style Values").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Style {
    /// `;name=value` (path).
    Matrix,
    /// `.value` (path).
    Label,
    /// `name=value` (query, cookie, form bodies).
    Form,
    /// `value`, lists comma-separated (path, header).
    Simple,
    /// Lists space-separated (query).
    SpaceDelimited,
    /// Lists pipe-separated (query).
    PipeDelimited,
    /// `name[key]=value` (query).
    DeepObject,
}

impl Style {
    #[must_use]
    pub fn parse(text: &str) -> Option<Style> {
        match text {
            "matrix" => Some(Style::Matrix),
            "label" => Some(Style::Label),
            "form" => Some(Style::Form),
            "simple" => Some(Style::Simple),
            "spaceDelimited" => Some(Style::SpaceDelimited),
            "pipeDelimited" => Some(Style::PipeDelimited),
            "deepObject" => Some(Style::DeepObject),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Style::Matrix => "matrix",
            Style::Label => "label",
            Style::Form => "form",
            Style::Simple => "simple",
            Style::SpaceDelimited => "spaceDelimited",
            Style::PipeDelimited => "pipeDelimited",
            Style::DeepObject => "deepObject",
        }
    }

    /// Whether a query parameter (or a property of a form body) may have this style.
    #[must_use]
    pub fn allowed_in_query(self) -> bool {
        matches!(
            self,
            Style::Form | Style::SpaceDelimited | Style::PipeDelimited | Style::DeepObject
        )
    }

    fn allowed_in(self, location: Location) -> bool {
        match location {
            Location::Path => matches!(self, Style::Matrix | Style::Label | Style::Simple),
            Location::Query => self.allowed_in_query(),
            Location::Header => self == Style::Simple,
            Location::Cookie => self == Style::Form,
        }
    }
}

/// One parameter of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// The name on the wire (`X-Request-ID`, `page[size]`).
    pub name: String,
    pub location: Location,
    /// Always true for a path parameter.
    pub required: bool,
    pub style: Style,
    pub explode: bool,
    /// JSON pointer of its schema: `schema`, or the schema of the first media type of `content`.
    pub schema: Option<JsonPointer>,
    /// The media type of `content`, for a parameter given that way.
    pub media_type: Option<String>,
    /// JSON pointer of the Parameter Object (where its `$ref` led); for a template name nobody
    /// declared, the operation's.
    pub pointer: JsonPointer,
    /// Whether the spec declares it (a template name nobody declared is still a parameter).
    pub declared: bool,
}

/// Headers that OpenAPI says to ignore as parameters: content negotiation and security say
/// what they carry.
const DESCRIBED_ELSEWHERE: [&str; 3] = ["accept", "content-type", "authorization"];

/// Headers every HTTP client sets from the request itself (framing, routing, the connection):
/// a parameter cannot set them, so none is read, and a warning says so.
const SET_BY_HTTP: [&str; 9] = [
    "host",
    "connection",
    "content-length",
    "transfer-encoding",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
];

impl Reader<'_> {
    /// The parameters of the operation at `at`: its path item's, each overridden by the
    /// operation's of the same name and location, then checked against `template`.
    pub(super) fn parameters(
        &mut self,
        item: (&JsonPointer, &Value),
        operation: (&JsonPointer, &Value),
        template: Option<&PathTemplate>,
    ) -> Vec<Parameter> {
        let mut found: Vec<Parameter> = Vec::new();
        for (holder_at, holder) in [item, operation] {
            let count = holder
                .get("parameters")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            for index in 0..count {
                let at = holder_at.join("parameters").join(index.to_string());
                let Some(parameter) = self.parameter(&at) else {
                    continue;
                };
                found.retain(|existing| !same_parameter(existing, &parameter));
                found.push(parameter);
            }
        }
        if let Some(template) = template {
            self.match_template(operation.0, template, &mut found);
        }
        found
    }

    fn parameter(&mut self, at: &JsonPointer) -> Option<Parameter> {
        let (at, object) = self.follow_or_warn(at, "parameter", "left out")?;
        let Some(name) = object.get("name").and_then(Value::as_str) else {
            self.warn(&at, "parameter without a `name`; left out");
            return None;
        };
        let location = match object
            .get("in")
            .and_then(Value::as_str)
            .map(Location::parse)
        {
            Some(Some(location)) => location,
            other => {
                let written = other.and(object.get("in").and_then(Value::as_str));
                self.warn(
                    &at,
                    format!("parameter location {written:?} is not supported; left out"),
                );
                return None;
            }
        };
        if location == Location::Header {
            let lower = name.to_ascii_lowercase();
            if DESCRIBED_ELSEWHERE.contains(&lower.as_str()) {
                return None;
            }
            if SET_BY_HTTP.contains(&lower.as_str()) {
                self.warn(
                    &at,
                    format!("header parameter `{name}` is set by the HTTP layer from the request itself; left out"),
                );
                return None;
            }
        }
        let style = match object.get("style").and_then(Value::as_str) {
            None => location.default_style(),
            Some(text) => match Style::parse(text) {
                Some(style) if style.allowed_in(location) => style,
                _ => {
                    let default = location.default_style();
                    self.warn(
                        &at.join("style"),
                        format!(
                            "style `{text}` is not defined for {} parameters; read as `{}`",
                            location.as_str(),
                            default.as_str()
                        ),
                    );
                    default
                }
            },
        };
        let explode = object
            .get("explode")
            .and_then(Value::as_bool)
            .unwrap_or(style == Style::Form);
        let (schema, media_type) = if object.get("schema").is_some() {
            (Some(at.join("schema")), None)
        } else {
            // `content` instead of `schema`: the value is a document of that media type.
            match object
                .get("content")
                .and_then(Value::as_object)
                .and_then(|content| content.iter().next())
            {
                Some((media, entry)) => (
                    entry
                        .get("schema")
                        .map(|_| at.join("content").join(media.as_str()).join("schema")),
                    Some(media.clone()),
                ),
                None => (None, None),
            }
        };
        Some(Parameter {
            name: name.to_owned(),
            location,
            required: location == Location::Path
                || object.get("required").and_then(Value::as_bool) == Some(true),
            style,
            explode,
            schema,
            media_type,
            pointer: at,
            declared: true,
        })
    }

    /// Every name of the template is a path parameter (one nobody declared is a string), and
    /// every path parameter is in the template.
    fn match_template(
        &mut self,
        at: &JsonPointer,
        template: &PathTemplate,
        found: &mut Vec<Parameter>,
    ) {
        let names = template.names();
        for name in &names {
            let declared = found
                .iter()
                .any(|p| p.location == Location::Path && p.name == *name);
            if !declared {
                self.warn(
                    at,
                    format!("path parameter `{name}` is not declared; taken as a string"),
                );
                found.push(Parameter {
                    name: (*name).to_owned(),
                    location: Location::Path,
                    required: true,
                    style: Style::Simple,
                    explode: false,
                    schema: None,
                    media_type: None,
                    pointer: at.clone(),
                    declared: false,
                });
            }
        }
        found.retain(|parameter| {
            let stray =
                parameter.location == Location::Path && !names.contains(&parameter.name.as_str());
            if stray {
                self.warn(
                    &parameter.pointer,
                    format!(
                        "path parameter `{}` is not in the template {}; left out",
                        parameter.name,
                        template.text()
                    ),
                );
            }
            !stray
        });
    }
}

/// One parameter is another when name and location agree (header names in any case).
fn same_parameter(a: &Parameter, b: &Parameter) -> bool {
    a.location == b.location
        && match a.location {
            Location::Header => a.name.eq_ignore_ascii_case(&b.name),
            _ => a.name == b.name,
        }
}
