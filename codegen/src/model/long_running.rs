//! Long-running operations: an operation's `x-long-running` extension → a [`LongRunning`], which
//! the client emits as a `wait_for_…` method (poll until a terminal status) and an `…_and_wait`
//! method (start, then wait).
//!
//! The extension, on the operation that starts the work (README.md, "Long-running operations"):
//!
//! ```yaml
//! x-long-running:
//!   link: GetJob                 # a link of the operation's success response …
//!   # … or, instead of `link`, the polling operation and its parameters, as a Link Object has them:
//!   # operationId: getJob        # (or operationRef: '#/paths/~1jobs~1{id}/get')
//!   # parameters: { id: $response.body#/id }
//!   status: /state               # JSON pointer of the status in the polled value
//!   succeeded: [done]            # terminal values that end the wait with the value
//!   failed: [error, cancelled]   # terminal values that end it with an error (optional)
//!   poll-interval-seconds: 2     # the first interval (it grows by half, up to four intervals)
//!   timeout-seconds: 120         # how long to wait in all
//! ```
//!
//! Everything is checked; anything wrong is a warning naming its JSON pointer, and the operation
//! then gets no helper.

use serde_json::{Map, Value};

use super::operations::RESERVED_METHODS;
use super::types::TypeSpace;
use super::{Operation, ParamLocation, ResponseBody, SecurityScheme, TypeRef};
use crate::load::{follow, JsonPointer, Warning};
use crate::naming::{pascal_case, Namer};

/// The extension's name.
pub const EXTENSION: &str = "x-long-running";

const KEYS: [&str; 10] = [
    "link",
    "operationId",
    "operationRef",
    "parameters",
    "status",
    "succeeded",
    "failed",
    "poll-interval-seconds",
    "timeout-seconds",
    "description",
];

/// Verbs a polling method's name drops in its `wait_for_…` name (`get_job` → `wait_for_job`).
const READ_VERBS: [&str; 6] = ["get_", "retrieve_", "read_", "fetch_", "describe_", "show_"];

/// The longest interval or timeout the generator accepts (a year), so that durations stay
/// far from overflow.
const MAX_MILLIS: u64 = 366 * 24 * 3600 * 1000;

/// One operation whose work continues after it answers, and how to wait for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LongRunning {
    /// The operation that starts the work (index into the operations).
    pub start: usize,
    /// The operation that reads its state.
    pub poll: usize,
    /// `wait_for_…`: polls until a terminal status.
    pub wait_method: String,
    /// `…_and_wait`: starts, then waits.
    pub and_wait_method: String,
    /// The error type (an alias in `types`) of each.
    pub wait_error: String,
    pub and_wait_error: String,
    /// An earlier long-running operation already has `wait_method` (same polling operation, same
    /// terminal rules and defaults): only `and_wait_method` is emitted for this one.
    pub shares_wait: bool,
    /// Where each argument of the polling operation comes from, in its order.
    pub bindings: Vec<Binding>,
    /// The name of the response link used, when there is one.
    pub link: Option<String>,
    pub status: String,
    pub succeeded: Vec<String>,
    pub failed: Vec<String>,
    pub interval_millis: u64,
    pub timeout_millis: u64,
    /// JSON pointer of the extension.
    pub pointer: String,
}

/// One argument of the polling operation and the runtime expression that gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// Index into the polling operation's `params`.
    pub param: usize,
    /// As written, such as `$response.body#/id`.
    pub expression: String,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `$response.body#<pointer>`: in the starting operation's success body.
    ResponseBody(String),
    /// `$request.<in>.<name>`: one of the starting operation's arguments (index into its
    /// `params`).
    RequestParam(usize),
}

/// Every operation with a well-formed `x-long-running`, with the method and type names its
/// helpers take, and a warning for each malformed one.
pub fn build_long_running(
    spec: &Value,
    operations: &[Operation],
    schemes: &[SecurityScheme],
    space: &mut TypeSpace<'_>,
) -> (Vec<LongRunning>, Vec<Warning>) {
    let mut reader = Reader {
        spec,
        operations,
        warnings: Vec::new(),
    };
    let mut found: Vec<LongRunning> = Vec::new();
    // The helpers share the one namespace of `Client` methods.
    let mut methods = Namer::with_reserved(RESERVED_METHODS);
    for name in schemes
        .iter()
        .map(|s| &s.method_name)
        .chain(operations.iter().map(|o| &o.method_name))
    {
        methods.claim(name);
    }
    for (index, operation) in operations.iter().enumerate() {
        let Some(at) = JsonPointer::parse(&operation.pointer) else {
            continue;
        };
        let Some(extension) = spec
            .pointer(&operation.pointer)
            .and_then(|op| op.get(EXTENSION))
        else {
            continue;
        };
        let at = at.join(EXTENSION);
        let Some(mut item) = reader.read(index, &at, extension) else {
            reader.warn(
                &at,
                format!(
                    "no `wait_for_…` or `{}_and_wait` method is generated for this operation",
                    operation.method_name
                ),
            );
            continue;
        };
        let same_wait = found.iter().find(|earlier| {
            earlier.poll == item.poll
                && earlier.status == item.status
                && earlier.succeeded == item.succeeded
                && earlier.failed == item.failed
                && earlier.interval_millis == item.interval_millis
                && earlier.timeout_millis == item.timeout_millis
        });
        if let Some(earlier) = same_wait {
            item.wait_method = earlier.wait_method.clone();
            item.wait_error = earlier.wait_error.clone();
            item.shares_wait = true;
        } else {
            let poll_name = &operations[item.poll].method_name;
            let object = READ_VERBS
                .iter()
                .find_map(|verb| poll_name.strip_prefix(verb))
                .filter(|rest| !rest.is_empty())
                .unwrap_or(poll_name);
            item.wait_method = methods.claim(&format!("wait_for_{object}"));
            item.wait_error =
                space.claim_name(&format!("{}Error", pascal_case(&item.wait_method, "Wait")));
        }
        item.and_wait_method = methods.claim(&format!("{}_and_wait", operation.method_name));
        item.and_wait_error = space.claim_name(&format!(
            "{}Error",
            pascal_case(&item.and_wait_method, "AndWait")
        ));
        found.push(item);
    }
    (found, reader.warnings)
}

struct Reader<'a> {
    spec: &'a Value,
    operations: &'a [Operation],
    warnings: Vec<Warning>,
}

impl<'a> Reader<'a> {
    fn warn(&mut self, at: &JsonPointer, message: impl Into<String>) {
        self.warnings.push(Warning {
            pointer: at.to_string(),
            message: message.into(),
        });
    }

    /// The extension of the operation `start`, checked whole: every problem is reported (not
    /// only the first), and any makes it `None`.
    fn read(
        &mut self,
        start: usize,
        at: &JsonPointer,
        extension: &'a Value,
    ) -> Option<LongRunning> {
        let Some(object) = extension.as_object() else {
            self.warn(at, format!("`{EXTENSION}` must be an object"));
            return None;
        };
        let mut ok = true;
        for key in object.keys() {
            if !KEYS.contains(&key.as_str()) && !key.starts_with("x-") {
                self.warn(
                    &at.join(key.as_str()),
                    format!("unknown key `{key}` (expected one of {})", KEYS.join(", ")),
                );
                ok = false;
            }
        }
        let target = self.target(start, at, object);
        let status = match object.get("status") {
            Some(Value::String(pointer)) if JsonPointer::parse(pointer).is_some() => {
                Some(pointer.clone())
            }
            Some(other) => {
                self.warn(
                    &at.join("status"),
                    format!("`status` must be a JSON pointer such as `/status`, not {other}"),
                );
                None
            }
            None => {
                self.warn(
                    at,
                    "`status` (a JSON pointer into the polled value) is missing",
                );
                None
            }
        };
        let succeeded = self.values(at, object, "succeeded", true);
        let failed = self.values(at, object, "failed", false);
        if let (Some(succeeded), Some(failed)) = (&succeeded, &failed) {
            if let Some(both) = succeeded.iter().find(|value| failed.contains(value)) {
                self.warn(
                    &at.join("failed"),
                    format!("`{both}` is both a succeeded and a failed value"),
                );
                ok = false;
            }
        }
        let interval = self.seconds(at, object, "poll-interval-seconds");
        let timeout = self.seconds(at, object, "timeout-seconds");
        let (Some((poll, bindings, link)), Some(status), Some(succeeded), Some(failed)) =
            (target, status, succeeded, failed)
        else {
            return None;
        };
        let (Some(interval_millis), Some(timeout_millis)) = (interval, timeout) else {
            return None;
        };
        ok.then(|| LongRunning {
            start,
            poll,
            // Named by the caller, once the extension is known to be sound.
            wait_method: String::new(),
            and_wait_method: String::new(),
            wait_error: String::new(),
            and_wait_error: String::new(),
            shares_wait: false,
            bindings,
            link,
            status,
            succeeded,
            failed,
            interval_millis,
            timeout_millis,
            pointer: at.to_string(),
        })
    }

    /// The polling operation, how its arguments are bound, and the link's name.
    fn target(
        &mut self,
        start: usize,
        at: &JsonPointer,
        object: &'a Map<String, Value>,
    ) -> Option<(usize, Vec<Binding>, Option<String>)> {
        let direct = ["operationId", "operationRef", "parameters"]
            .iter()
            .any(|key| object.contains_key(*key));
        let (link_at, link, name) = match (object.get("link"), direct) {
            (Some(_), true) => {
                self.warn(
                    at,
                    "give either `link` or `operationId`/`operationRef` with `parameters`, not both",
                );
                return None;
            }
            (Some(Value::String(name)), false) => {
                let (link_at, link) = self.response_link(start, &at.join("link"), name)?;
                (link_at, link, Some(name.clone()))
            }
            (Some(other), false) => {
                self.warn(
                    &at.join("link"),
                    format!("`link` must name a link of the success response, not {other}"),
                );
                return None;
            }
            (None, true) => (at.clone(), object, None),
            (None, false) => {
                self.warn(at, "`link` (or `operationId` with `parameters`) is missing: nothing says which operation to poll");
                return None;
            }
        };
        let poll = self.polling_operation(&link_at, link)?;
        let bindings = self.bindings(start, poll, &link_at, link)?;
        Some((poll, bindings, name))
    }

    /// The link `name` of the first success response of operation `start` that has it.
    fn response_link(
        &mut self,
        start: usize,
        at: &JsonPointer,
        name: &str,
    ) -> Option<(JsonPointer, &'a Map<String, Value>)> {
        let operations = self.operations;
        let operation_at = JsonPointer::parse(&operations[start].pointer)?;
        let responses = self
            .spec
            .pointer(&operation_at.join("responses").to_string())
            .and_then(Value::as_object);
        let statuses: Vec<&String> = responses
            .map(|r| r.keys().filter(|k| k.starts_with('2')).collect())
            .unwrap_or_default();
        let statuses = if statuses.is_empty() {
            responses
                .map(|r| r.keys().filter(|k| *k == "default").collect())
                .unwrap_or_default()
        } else {
            statuses
        };
        let mut names = Vec::new();
        for status in statuses {
            let response_at = operation_at.join("responses").join(status.as_str());
            let Ok((resolved_at, response)) = follow(self.spec, &response_at) else {
                continue;
            };
            let Some(links) = response.get("links").and_then(Value::as_object) else {
                continue;
            };
            names.extend(links.keys().cloned());
            if links.contains_key(name) {
                let link_at = resolved_at.join("links").join(name);
                return match follow(self.spec, &link_at) {
                    Ok((link_at, Value::Object(link))) => Some((link_at, link)),
                    _ => {
                        self.warn(&link_at, "the link does not resolve to a Link Object");
                        None
                    }
                };
            }
        }
        let known = if names.is_empty() {
            "it has none".to_owned()
        } else {
            format!("it has {}", names.join(", "))
        };
        self.warn(
            at,
            format!("no success response of the operation has a link `{name}` ({known})"),
        );
        None
    }

    /// The operation a Link Object (or the extension, written like one) names.
    fn polling_operation(&mut self, at: &JsonPointer, link: &Map<String, Value>) -> Option<usize> {
        match (link.get("operationId"), link.get("operationRef")) {
            (Some(Value::String(id)), None) => {
                let found = self
                    .operations
                    .iter()
                    .position(|op| op.operation_id.as_deref() == Some(id.as_str()));
                if found.is_none() {
                    self.warn(
                        &at.join("operationId"),
                        format!("no operation has the operationId `{id}`"),
                    );
                }
                found
            }
            (None, Some(Value::String(reference))) => {
                let target = reference
                    .strip_prefix('#')
                    .and_then(JsonPointer::parse)
                    .and_then(|pointer| follow(self.spec, &pointer).ok())
                    .map(|(pointer, _)| pointer.to_string());
                let found = target
                    .and_then(|target| self.operations.iter().position(|op| op.pointer == target));
                if found.is_none() {
                    self.warn(
                        &at.join("operationRef"),
                        format!("`{reference}` is not an operation of this document"),
                    );
                }
                found
            }
            (Some(_), Some(_)) => {
                self.warn(at, "give `operationId` or `operationRef`, not both");
                None
            }
            _ => {
                self.warn(
                    at,
                    "`operationId` or `operationRef` (a string) naming the polling operation is missing",
                );
                None
            }
        }
    }

    /// Each argument of the polling operation `poll`, bound by the link's `parameters`.
    fn bindings(
        &mut self,
        start: usize,
        poll: usize,
        at: &JsonPointer,
        link: &Map<String, Value>,
    ) -> Option<Vec<Binding>> {
        let operations = self.operations;
        let (start_op, poll_op) = (&operations[start], &operations[poll]);
        let mut ok = true;
        if poll_op.body.is_some() {
            self.warn(
                at,
                format!(
                    "the polling operation `{}` takes a request body; polling sends none",
                    poll_op.method_name
                ),
            );
            ok = false;
        }
        if !single_json_success(poll_op) {
            self.warn(at, format!("the polling operation `{}` must answer one JSON body type on success, whose status can be read", poll_op.method_name));
            ok = false;
        }
        for key in ["requestBody", "server"] {
            if link.contains_key(key) {
                self.warn(&at.join(key), format!("`{key}` of a link is not supported"));
                ok = false;
            }
        }
        let empty = Map::new();
        let parameters = match link.get("parameters") {
            Some(Value::Object(parameters)) => parameters,
            None => &empty,
            Some(_) => {
                self.warn(&at.join("parameters"), "`parameters` must be an object");
                return None;
            }
        };
        let mut slots: Vec<Option<Binding>> = vec![None; poll_op.params.len()];
        for (key, expression) in parameters {
            let key_at = at.join("parameters").join(key.as_str());
            let (location, name) = match key.split_once('.') {
                Some((place, name)) if location_of(place).is_some() => (location_of(place), name),
                _ => (None, key.as_str()),
            };
            let Some(param) = poll_op.params.iter().position(|p| {
                p.wire_name == name && location.is_none_or(|location| p.location == location)
            }) else {
                let optional = poll_op
                    .options
                    .iter()
                    .flat_map(|(_, params)| params)
                    .any(|p| p.wire_name == name);
                let why = if optional {
                    "is optional; only required and path parameters can be bound"
                } else {
                    "is not a parameter of the polling operation"
                };
                self.warn(&key_at, format!("`{key}` {why}"));
                ok = false;
                continue;
            };
            let Some(expression) = expression.as_str() else {
                self.warn(&key_at, "constant values are not supported; give a runtime expression such as `$response.body#/id`");
                ok = false;
                continue;
            };
            let source = if let Some(pointer) = expression.strip_prefix("$response.body") {
                let pointer = pointer.strip_prefix('#').unwrap_or(pointer);
                if JsonPointer::parse(pointer).is_none() {
                    self.warn(
                        &key_at,
                        format!("`{expression}`: `{pointer}` is not a JSON pointer"),
                    );
                    ok = false;
                    continue;
                }
                if !single_json_success(start_op) {
                    self.warn(&key_at, format!("`{expression}`: the operation does not answer one JSON body type on success"));
                    ok = false;
                    continue;
                }
                Source::ResponseBody(pointer.to_owned())
            } else if let Some((place, name)) = expression
                .strip_prefix("$request.")
                .and_then(|rest| rest.split_once('.'))
                .filter(|(place, _)| location_of(place).is_some())
            {
                let location = location_of(place);
                match start_op
                    .params
                    .iter()
                    .position(|p| Some(p.location) == location && p.wire_name == name)
                {
                    Some(index) => Source::RequestParam(index),
                    None => {
                        self.warn(&key_at, format!("`{expression}`: the operation has no required {place} parameter `{name}`"));
                        ok = false;
                        continue;
                    }
                }
            } else {
                self.warn(&key_at, format!("`{expression}` is not supported; use `$response.body#/<pointer>` or `$request.<path|query|header>.<name>`"));
                ok = false;
                continue;
            };
            if slots[param].is_some() {
                self.warn(&key_at, format!("`{name}` is bound twice"));
                ok = false;
                continue;
            }
            slots[param] = Some(Binding {
                param,
                expression: expression.to_owned(),
                source,
            });
        }
        let mut bindings = Vec::new();
        for (param, slot) in poll_op.params.iter().zip(slots) {
            match slot {
                Some(binding) => bindings.push(binding),
                None => {
                    self.warn(
                        &at.join("parameters"),
                        format!(
                            "the polling operation's parameter `{}` is not bound",
                            param.wire_name
                        ),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(bindings)
    }

    /// The terminal values under `key`: a list of strings, booleans or numbers (compared with the
    /// status as their JSON text). `Some(vec![])` for an absent optional list.
    fn values(
        &mut self,
        at: &JsonPointer,
        object: &Map<String, Value>,
        key: &str,
        required: bool,
    ) -> Option<Vec<String>> {
        let Some(value) = object.get(key) else {
            if required {
                self.warn(
                    at,
                    format!("`{key}` (the terminal status values) is missing"),
                );
                return None;
            }
            return Some(Vec::new());
        };
        let list = match value {
            Value::Array(list) => list.as_slice(),
            other => std::slice::from_ref(other),
        };
        let mut values = Vec::new();
        for (index, item) in list.iter().enumerate() {
            match item {
                Value::String(text) => values.push(text.clone()),
                Value::Bool(_) | Value::Number(_) => values.push(item.to_string()),
                other => {
                    let item_at = if value.is_array() {
                        at.join(key).join(index.to_string())
                    } else {
                        at.join(key)
                    };
                    self.warn(
                        &item_at,
                        format!("a status value must be a string, boolean or number, not {other}"),
                    );
                    return None;
                }
            }
        }
        if required && values.is_empty() {
            self.warn(&at.join(key), format!("`{key}` lists no value"));
            return None;
        }
        Some(values)
    }

    /// A positive number of seconds under `key`, in milliseconds.
    fn seconds(&mut self, at: &JsonPointer, object: &Map<String, Value>, key: &str) -> Option<u64> {
        let Some(value) = object.get(key) else {
            self.warn(at, format!("`{key}` is missing"));
            return None;
        };
        let millis = value
            .as_f64()
            .filter(|seconds| seconds.is_finite() && *seconds > 0.0)
            .map(|seconds| (seconds * 1000.0).round())
            .filter(|millis| *millis >= 1.0 && *millis <= MAX_MILLIS as f64);
        match millis {
            // In range by the filter above.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Some(millis) => Some(millis as u64),
            None => {
                self.warn(
                    &at.join(key),
                    format!(
                        "`{key}` must be a number of seconds from 0.001 to a year, not {value}"
                    ),
                );
                None
            }
        }
    }
}

fn location_of(place: &str) -> Option<ParamLocation> {
    match place {
        "path" => Some(ParamLocation::Path),
        "query" => Some(ParamLocation::Query),
        "header" => Some(ParamLocation::Header),
        "cookie" => Some(ParamLocation::Cookie),
        _ => None,
    }
}

/// Whether every success of `operation` is one JSON body type (so its value serializes back to
/// the JSON a pointer reads).
fn single_json_success(operation: &Operation) -> bool {
    let responses = &operation.responses;
    let mut types = responses.success.iter().map(|case| match &case.body {
        ResponseBody::Json(ty) => Some(ty),
        _ => None,
    });
    let Some(Some(first)) = types.next() else {
        return false;
    };
    responses.success_enum.is_none() && types.all(|ty| ty == Some::<&TypeRef>(first))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn spec(extension: &serde_json::Value) -> serde_json::Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "Jobs", "version": "1"},
            "paths": {
                "/jobs": {"post": {
                    "operationId": "startJob",
                    "responses": {"202": {
                        "description": "Started.",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}},
                        "links": {"GetJob": {"operationId": "getJob", "parameters": {"id": "$response.body#/id"}}}
                    }},
                    "x-long-running": extension
                }},
                "/jobs/{id}": {"get": {
                    "operationId": "getJob",
                    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "responses": {"200": {
                        "description": "The job.",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}
                    }}
                }}
            },
            "components": {"schemas": {"Job": {
                "type": "object",
                "required": ["id", "state"],
                "properties": {"id": {"type": "string"}, "state": {"type": "string"}}
            }}}
        })
    }

    fn generate(extension: &serde_json::Value) -> crate::Generated {
        let text = spec(extension).to_string();
        let loaded = crate::load("jobs.json", &text).unwrap_or_else(|err| panic!("{err}"));
        crate::generate(
            &loaded,
            &crate::GenerateOptions {
                header: "// test".into(),
            },
        )
        .unwrap_or_else(|err| panic!("{err}"))
    }

    fn sound() -> serde_json::Value {
        json!({
            "link": "GetJob", "status": "/state", "succeeded": ["done"], "failed": ["error"],
            "poll-interval-seconds": 1, "timeout-seconds": 60
        })
    }

    #[test]
    fn a_sound_extension_yields_both_helpers_and_no_warning() {
        let generated = generate(&sound());
        assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
        assert!(generated.source.contains("pub async fn wait_for_job("));
        assert!(generated
            .source
            .contains("pub async fn start_job_and_wait("));
    }

    #[test]
    fn any_wrong_value_is_a_warning_at_its_pointer_and_no_helper() {
        let wrong = [
            json!(null),
            json!(0),
            json!(-1),
            json!(1e300),
            json!(""),
            json!("x"),
            json!([]),
            json!([null]),
            json!({}),
            json!({"a": [1]}),
            json!(true),
        ];
        for key in super::KEYS.iter().chain(&["other"]) {
            for value in &wrong {
                let mut extension = sound();
                extension[*key] = value.clone();
                let generated = generate(&extension);
                if generated.warnings.is_empty() {
                    // A few replacements are sound (`failed: []`, a description, a number of
                    // seconds): the helper is then generated.
                    assert!(
                        generated.source.contains("start_job_and_wait"),
                        "{key}: {value}"
                    );
                    continue;
                }
                assert!(
                    generated
                        .warnings
                        .iter()
                        .all(|w| w.pointer.starts_with("/paths/~1jobs/post/x-long-running")),
                    "{key}: {value}: {:?}",
                    generated.warnings
                );
                assert!(!generated.source.contains("_and_wait"), "{key}: {value}");
            }
        }
        let generated = generate(&json!("not an object"));
        assert_eq!(generated.warnings.len(), 2, "{:?}", generated.warnings);
    }
}
