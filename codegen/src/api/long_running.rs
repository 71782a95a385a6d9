//! `x-long-running`: the extension on an operation that starts work which goes on after it
//! answers, read and checked once. The client turns it into `wait_for_…` and `…_and_wait`
//! methods; the conformance suite follows the work it describes.
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
//!   poll-interval-seconds: 2     # the first interval
//!   timeout-seconds: 120         # how long to wait in all
//! ```
//!
//! Everything is checked; anything wrong is a warning naming its JSON pointer, and the
//! operation's extension is then [`Malformed`]: no helper, no lifecycle check.

use serde_json::{Map, Value};

use super::link::{Expression, LinkTarget};
use super::media::MediaKind;
use super::parameter::Location;
use super::reader::Reader;
use super::{Operation, Site};
use crate::load::JsonPointer;

/// The extension's name.
pub const EXTENSION: &str = "x-long-running";

/// The keys the extension may hold (and `x-…` keys of its own).
pub const KEYS: [&str; 10] = [
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

/// The longest interval or timeout accepted (a year), so that durations stay far from overflow.
const MAX_MILLIS: u64 = 366 * 24 * 3600 * 1000;

/// A well-formed `x-long-running`: which operation to poll, with what, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LongRunning {
    /// JSON pointer of the extension.
    pub pointer: JsonPointer,
    /// The index of the operation that reads the work's state.
    pub poll: usize,
    /// The name of the response link used, when the extension names one.
    pub link: Option<String>,
    /// Where each required parameter of the polling operation comes from.
    pub bindings: Vec<Binding>,
    /// JSON pointer of the status in the polled value.
    pub status: String,
    /// Terminal values, as their JSON text for booleans and numbers.
    pub succeeded: Vec<String>,
    pub failed: Vec<String>,
    pub interval_millis: u64,
    pub timeout_millis: u64,
}

impl LongRunning {
    /// Whether `status` ends the work.
    #[must_use]
    pub fn is_terminal(&self, status: &str) -> bool {
        self.succeeded
            .iter()
            .chain(&self.failed)
            .any(|value| value == status)
    }
}

/// An `x-long-running` that is there but wrong (the warnings say how).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed;

/// One parameter of the polling operation and the runtime expression that gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// Index into the polling operation's parameters.
    pub param: usize,
    /// As written, such as `$response.body#/id`.
    pub expression: String,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `$response.body#<pointer>`: in the starting operation's success body.
    ResponseBody(String),
    /// `$request.<in>.<name>`: one of the starting operation's parameters (index into them).
    RequestParameter(usize),
}

impl Reader<'_> {
    /// The `x-long-running` of operation `start`, when it has one.
    pub(super) fn long_running(
        &mut self,
        operations: &[Operation],
        start: usize,
    ) -> Option<Result<LongRunning, Malformed>> {
        let at = operations[start].pointer.join(EXTENSION);
        let extension = at.resolve(self.spec)?;
        let mut check = Check {
            reader: self,
            operations,
            start,
        };
        Some(check.read(&at, extension).ok_or(Malformed))
    }

    /// The index of the operation of `paths` a link (or an object written like one) names.
    pub(super) fn link_target(
        &self,
        operations: &[Operation],
        target: &LinkTarget,
    ) -> Result<usize, String> {
        let in_paths = |op: &&Operation| op.site == Site::Paths;
        match target {
            LinkTarget::OperationId(id) => operations
                .iter()
                .position(|op| in_paths(&op) && op.id.as_deref() == Some(id.as_str()))
                .ok_or_else(|| format!("no operation has the operationId `{id}`")),
            LinkTarget::Pointer(pointer) => JsonPointer::parse(pointer)
                .and_then(|pointer| self.follow(&pointer))
                .and_then(|(pointer, _)| {
                    operations
                        .iter()
                        .position(|op| in_paths(&op) && op.pointer == pointer)
                })
                .ok_or_else(|| format!("`#{pointer}` is not an operation of this document")),
        }
    }
}

struct Check<'r, 'a> {
    reader: &'r mut Reader<'a>,
    operations: &'r [Operation],
    start: usize,
}

impl<'a> Check<'_, 'a> {
    fn warn(&mut self, at: &JsonPointer, message: impl Into<String>) {
        self.reader.warn(at, message);
    }

    /// The extension, checked whole: every problem is reported (not only the first), and any
    /// makes it `None`.
    fn read(&mut self, at: &JsonPointer, extension: &'a Value) -> Option<LongRunning> {
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
        let target = self.target(at, object);
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
            pointer: at.clone(),
            poll,
            link,
            bindings,
            status,
            succeeded,
            failed,
            interval_millis,
            timeout_millis,
        })
    }

    /// The polling operation, how its parameters are bound, and the link's name.
    fn target(
        &mut self,
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
                let (link_at, link) = self.response_link(&at.join("link"), name)?;
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
        let bindings = self.bindings(poll, &link_at, link)?;
        Some((poll, bindings, name))
    }

    /// The link `name` of the first success response of the starting operation that has it.
    fn response_link(
        &mut self,
        at: &JsonPointer,
        name: &str,
    ) -> Option<(JsonPointer, &'a Map<String, Value>)> {
        let spec = self.reader.spec;
        let mut names = Vec::new();
        for response in success_responses(&self.operations[self.start]) {
            let Some(links) = response
                .pointer
                .resolve(spec)
                .and_then(|r| r.get("links"))
                .and_then(Value::as_object)
            else {
                continue;
            };
            names.extend(links.keys().cloned());
            if links.contains_key(name) {
                let link_at = response.pointer.join("links").join(name);
                return match self.reader.follow(&link_at) {
                    Some((link_at, Value::Object(link))) => Some((link_at, link)),
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
        let target = match LinkTarget::of(link) {
            Ok(target) => target,
            Err(message) => {
                self.warn(at, message);
                return None;
            }
        };
        match self.reader.link_target(self.operations, &target) {
            Ok(index) => Some(index),
            Err(message) => {
                let key = match target {
                    LinkTarget::OperationId(_) => "operationId",
                    LinkTarget::Pointer(_) => "operationRef",
                };
                self.warn(&at.join(key), message);
                None
            }
        }
    }

    /// Each required parameter of the polling operation `poll`, bound by the link's
    /// `parameters`.
    fn bindings(
        &mut self,
        poll: usize,
        at: &JsonPointer,
        link: &Map<String, Value>,
    ) -> Option<Vec<Binding>> {
        let operations = self.operations;
        let (start_op, poll_op) = (&operations[self.start], &operations[poll]);
        let mut ok = true;
        if poll_op.body.is_some() {
            self.warn(
                at,
                format!(
                    "the polling operation `{}` takes a request body; polling sends none",
                    poll_op.label
                ),
            );
            ok = false;
        }
        if !single_json_success(self.reader, poll_op) {
            self.warn(at, format!("the polling operation `{}` must answer one JSON body type on success, whose status can be read", poll_op.label));
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
        let bindable = |p: &super::Parameter| p.required;
        let mut slots: Vec<Option<Binding>> = vec![None; poll_op.parameters.len()];
        for (key, expression) in parameters {
            let key_at = at.join("parameters").join(key.as_str());
            let (location, name) = match key.split_once('.') {
                Some((place, name)) if Location::parse(place).is_some() => {
                    (Location::parse(place), name)
                }
                _ => (None, key.as_str()),
            };
            let named = |p: &super::Parameter| {
                p.name == name && location.is_none_or(|location| p.location == location)
            };
            let Some(param) = poll_op
                .parameters
                .iter()
                .position(|p| named(p) && bindable(p))
            else {
                let why = if poll_op.parameters.iter().any(named) {
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
            let source = match Expression::parse(expression) {
                Some(Expression::ResponseBody(pointer)) => {
                    if !single_json_success(self.reader, start_op) {
                        self.warn(&key_at, format!("`{expression}`: the operation does not answer one JSON body type on success"));
                        ok = false;
                        continue;
                    }
                    Source::ResponseBody(pointer)
                }
                Some(Expression::RequestParameter(location, name)) => {
                    match start_op
                        .parameters
                        .iter()
                        .position(|p| p.location == location && p.name == name && p.required)
                    {
                        Some(index) => Source::RequestParameter(index),
                        None => {
                            let place = location.as_str();
                            self.warn(&key_at, format!("`{expression}`: the operation has no required {place} parameter `{name}`"));
                            ok = false;
                            continue;
                        }
                    }
                }
                _ if expression.starts_with("$response.body") => {
                    let pointer = expression["$response.body".len()..]
                        .strip_prefix('#')
                        .unwrap_or(&expression["$response.body".len()..]);
                    self.warn(
                        &key_at,
                        format!("`{expression}`: `{pointer}` is not a JSON pointer"),
                    );
                    ok = false;
                    continue;
                }
                _ => {
                    self.warn(&key_at, format!("`{expression}` is not supported; use `$response.body#/<pointer>` or `$request.<path|query|header>.<name>`"));
                    ok = false;
                    continue;
                }
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
        for (param, slot) in poll_op.parameters.iter().zip(slots) {
            match slot {
                Some(binding) => bindings.push(binding),
                None if bindable(param) => {
                    self.warn(
                        &at.join("parameters"),
                        format!(
                            "the polling operation's parameter `{}` is not bound",
                            param.name
                        ),
                    );
                    ok = false;
                }
                None => {}
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

/// The responses a successful call gets: every 2xx one, else `default`.
fn success_responses(operation: &Operation) -> Vec<&super::Response> {
    let two_xx: Vec<&super::Response> = operation
        .responses
        .iter()
        .filter(|r| r.status.is_2xx())
        .collect();
    if two_xx.is_empty() {
        operation
            .responses
            .iter()
            .filter(|r| r.status == super::StatusKey::Default)
            .collect()
    } else {
        two_xx
    }
}

/// Whether every success of `operation` is JSON of one schema (where `$ref`s lead), so that a
/// JSON pointer reads its status.
fn single_json_success(reader: &Reader<'_>, operation: &Operation) -> bool {
    let mut schemas = success_responses(operation).into_iter().map(|response| {
        let media = response
            .content
            .iter()
            .find(|media| media.kind == MediaKind::Json)?;
        reader.follow(media.schema.as_ref()?).map(|(at, _)| at)
    });
    let Some(Some(first)) = schemas.next() else {
        return false;
    };
    schemas.all(|schema| schema.as_ref() == Some(&first))
}
