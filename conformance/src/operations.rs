//! Every operation of a spec, callbacks included, where it stands in the document.

use codegen::load::{follow, JsonPointer};
use serde_json::Value;

/// The HTTP methods a Path Item Object may hold, in the order OpenAPI lists them.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationSite<'a> {
    /// The path template, or for a callback its runtime expression.
    pub path: String,
    pub method: &'static str,
    /// JSON pointer of the Path Item Object (after following a `$ref`).
    pub path_item_at: JsonPointer,
    pub path_item: &'a Value,
    /// JSON pointer of the Operation Object.
    pub at: JsonPointer,
    pub operation: &'a Value,
    /// The operation whose `callbacks` hold this one; `None` for an operation of `paths`.
    pub callback_of: Option<JsonPointer>,
}

/// Every operation of `spec` in document order, each callback right after its operation.
/// Path items whose `$ref` does not resolve are skipped (the loader reports those).
#[must_use]
pub fn operations(spec: &Value) -> Vec<OperationSite<'_>> {
    let mut found = Vec::new();
    let paths_at = JsonPointer::root().join("paths");
    if let Some(Value::Object(paths)) = spec.get("paths") {
        for path in paths.keys() {
            collect(spec, path, &paths_at.join(path.as_str()), None, &mut found);
        }
    }
    found
}

fn collect<'a>(
    spec: &'a Value,
    path: &str,
    at: &JsonPointer,
    callback_of: Option<&JsonPointer>,
    found: &mut Vec<OperationSite<'a>>,
) {
    let Ok((path_item_at, path_item)) = follow(spec, at) else {
        return;
    };
    for method in METHODS {
        let Some(operation) = path_item.get(method) else {
            continue;
        };
        let op_at = path_item_at.join(method);
        found.push(OperationSite {
            path: path.to_owned(),
            method,
            path_item_at: path_item_at.clone(),
            path_item,
            at: op_at.clone(),
            operation,
            callback_of: callback_of.cloned(),
        });
        let Some(Value::Object(callbacks)) = operation.get("callbacks") else {
            continue;
        };
        for name in callbacks.keys() {
            let Ok((callback_at, Value::Object(expressions))) =
                follow(spec, &op_at.join("callbacks").join(name.as_str()))
            else {
                continue;
            };
            for expression in expressions.keys() {
                let expression_at = callback_at.join(expression.as_str());
                collect(spec, expression, &expression_at, Some(&op_at), found);
            }
        }
    }
}
