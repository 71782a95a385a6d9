//! Links (how a response leads to another operation) and the runtime expressions that fill the
//! target's parameters (`$response.body#/id`, `$request.path.id`).

use serde_json::Value;

use super::parameter::Location;
use crate::load::{local_ref_target, JsonPointer};

/// One link of a response, its target resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// Its key in the response's `links`.
    pub name: String,
    /// JSON pointer of the Link Object (where its `$ref` led).
    pub pointer: JsonPointer,
    /// The index of the operation it leads to.
    pub target: usize,
    /// Each parameter of the target and the value the link gives it: a runtime expression or a
    /// constant. A name may be qualified by its location (`path.id`).
    pub parameters: Vec<(String, Value)>,
}

/// How a Link Object names its target, before operations are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum LinkTarget {
    OperationId(String),
    /// The JSON pointer an `operationRef` names (local references only).
    Pointer(String),
}

impl LinkTarget {
    /// The target a Link Object (or an object written like one) names; `Err` says why none.
    pub(super) fn of(link: &serde_json::Map<String, Value>) -> Result<LinkTarget, String> {
        match (link.get("operationId"), link.get("operationRef")) {
            (Some(Value::String(id)), None) => Ok(LinkTarget::OperationId(id.clone())),
            (None, Some(Value::String(reference))) => match local_ref_target(reference) {
                Ok(pointer) => Ok(LinkTarget::Pointer(pointer)),
                Err(error) => Err(format!("`operationRef`: {error}")),
            },
            (Some(_), Some(_)) => Err("give `operationId` or `operationRef`, not both".into()),
            _ => Err(
                "`operationId` or `operationRef` (a string) naming the target operation is missing"
                    .into(),
            ),
        }
    }
}

/// A runtime expression (OpenAPI 3.0, "Runtime Expressions"), as far as links and
/// `x-long-running` use them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expression {
    /// `$response.body#/pointer` (the whole body for an empty pointer).
    ResponseBody(String),
    /// `$response.header.Name`.
    ResponseHeader(String),
    /// `$request.body#/pointer`.
    RequestBody(String),
    /// `$request.path.name`, `$request.query.name`, `$request.header.Name`.
    RequestParameter(Location, String),
    /// `$statusCode`.
    StatusCode,
    /// `$url`.
    Url,
    /// `$method`.
    Method,
}

impl Expression {
    /// Parses `text`; `None` when it is not an expression this reading knows (a constant, or a
    /// malformed pointer).
    #[must_use]
    pub fn parse(text: &str) -> Option<Expression> {
        let pointer = |rest: &str| {
            let pointer = rest.strip_prefix('#').unwrap_or(rest);
            JsonPointer::parse(pointer).map(|_| pointer.to_owned())
        };
        let rest = text.strip_prefix('$')?;
        if let Some(body) = rest.strip_prefix("response.body") {
            return pointer(body).map(Expression::ResponseBody);
        }
        if let Some(name) = rest.strip_prefix("response.header.") {
            return (!name.is_empty()).then(|| Expression::ResponseHeader(name.to_owned()));
        }
        if let Some(body) = rest.strip_prefix("request.body") {
            return pointer(body).map(Expression::RequestBody);
        }
        if let Some(source) = rest.strip_prefix("request.") {
            let (place, name) = source.split_once('.')?;
            let location = Location::parse(place).filter(|l| *l != Location::Cookie)?;
            return (!name.is_empty())
                .then(|| Expression::RequestParameter(location, name.to_owned()));
        }
        match rest {
            "statusCode" => Some(Expression::StatusCode),
            "url" => Some(Expression::Url),
            "method" => Some(Expression::Method),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_parse_by_source() {
        assert_eq!(
            Expression::parse("$response.body#/id"),
            Some(Expression::ResponseBody("/id".into()))
        );
        assert_eq!(
            Expression::parse("$response.body"),
            Some(Expression::ResponseBody(String::new()))
        );
        assert_eq!(
            Expression::parse("$request.path.session_id"),
            Some(Expression::RequestParameter(
                Location::Path,
                "session_id".into()
            ))
        );
        assert_eq!(
            Expression::parse("$response.header.Location"),
            Some(Expression::ResponseHeader("Location".into()))
        );
        assert_eq!(
            Expression::parse("$statusCode"),
            Some(Expression::StatusCode)
        );
        for other in [
            "anl_1",
            "$response.body#id",
            "$request.cookie.x",
            "$request.path.",
        ] {
            assert_eq!(Expression::parse(other), None, "{other}");
        }
    }
}
