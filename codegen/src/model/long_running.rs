//! Long-running operations: an operation's `x-long-running`, as the reading typed it
//! ([`crate::api::long_running`]), → a [`WaitHelper`], which the client emits as a `wait_for_…`
//! method (poll until a terminal status) and an `…_and_wait` method (start, then wait).
//!
//! The extension is documented in README.md ("Long-running operations") and read in
//! [`crate::api::long_running`]; a malformed one gets no helper. Here it gains what the client
//! needs: the methods' names and each binding as an argument of the client's methods.

use super::operations::RESERVED_METHODS;
use super::types::TypeSpace;
use super::{ClientMethod, CredentialSetter, ResponseBody, TypeRef};
use crate::api::{self, Api};
use crate::load::Warning;
use crate::naming::{pascal_case, Namer};

/// Verbs a polling method's name drops in its `wait_for_…` name (`get_job` → `wait_for_job`).
const READ_VERBS: [&str; 6] = ["get_", "retrieve_", "read_", "fetch_", "describe_", "show_"];

/// The helpers of one operation whose work continues after it answers: how to wait for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitHelper {
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
    pub bindings: Vec<WaitBinding>,
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
pub struct WaitBinding {
    /// Index into the polling operation's `params`.
    pub param: usize,
    /// As written, such as `$response.body#/id`.
    pub expression: String,
    pub source: WaitSource,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitSource {
    /// `$response.body#<pointer>`: in the starting operation's success body.
    ResponseBody(String),
    /// `$request.<in>.<name>`: one of the starting operation's arguments (index into its
    /// `params`).
    RequestParam(usize),
}

/// Every operation with a well-formed `x-long-running`, with the method and type names its
/// helpers take, and a warning for each that gets no helper.
pub fn build_long_running(
    api: &Api,
    operations: &[ClientMethod],
    schemes: &[CredentialSetter],
    space: &mut TypeSpace<'_>,
) -> (Vec<WaitHelper>, Vec<Warning>) {
    let mut warnings = Vec::new();
    let mut found: Vec<WaitHelper> = Vec::new();
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
        let at = api.operations[operation.source]
            .pointer
            .join(api::long_running::EXTENSION)
            .to_string();
        let read = match &api.operations[operation.source].long_running {
            None => continue,
            Some(Ok(read)) => client_view(api, operations, index, read).map_err(|reason| {
                warnings.push(Warning {
                    pointer: at.clone(),
                    message: reason,
                });
            }),
            Some(Err(api::Malformed)) => Err(()),
        };
        let Ok(mut item) = read else {
            warnings.push(Warning {
                pointer: at,
                message: format!(
                    "no `wait_for_…` or `{}_and_wait` method is generated for this operation",
                    operation.method_name
                ),
            });
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
    (found, warnings)
}

/// The extension of operation `start` in the client's terms: operations by their index among
/// the client's, parameters by their place among its methods' arguments. `Err` says why the
/// client cannot follow it (a polled value of several types, say).
fn client_view(
    api: &Api,
    operations: &[ClientMethod],
    start: usize,
    read: &api::LongRunning,
) -> Result<WaitHelper, String> {
    let poll = operations
        .iter()
        .position(|op| op.source == read.poll)
        .ok_or("the polling operation is not one the client calls")?;
    let start_op = &operations[start];
    let poll_op = &operations[poll];
    if !single_json_success(poll_op) {
        return Err(format!("the polling operation `{}` must answer one JSON body type on success, whose status can be read", poll_op.method_name));
    }
    // An argument of the client's method, by the reading's parameter it stands for.
    let argument = |operation: &ClientMethod, parameter: &api::Parameter| {
        operation
            .params
            .iter()
            .position(|p| p.wire_name == parameter.name && p.location == parameter.location)
    };
    let mut bindings = Vec::new();
    for binding in &read.bindings {
        let parameter = &api.operations[read.poll].parameters[binding.param];
        let source = match &binding.source {
            api::Source::ResponseBody(pointer) => {
                if !single_json_success(start_op) {
                    return Err(format!(
                        "`{}`: the operation does not answer one JSON body type on success",
                        binding.expression
                    ));
                }
                WaitSource::ResponseBody(pointer.clone())
            }
            api::Source::RequestParameter(index) => {
                let parameter = &api.operations[start_op.source].parameters[*index];
                WaitSource::RequestParam(argument(start_op, parameter).ok_or_else(|| {
                    format!("`{}` names no argument of the method", binding.expression)
                })?)
            }
        };
        bindings.push(WaitBinding {
            param: argument(poll_op, parameter).ok_or_else(|| {
                format!("`{}` is no argument of the polling method", parameter.name)
            })?,
            expression: binding.expression.clone(),
            source,
        });
    }
    bindings.sort_by_key(|binding| binding.param);
    Ok(WaitHelper {
        start,
        poll,
        // Named by the caller.
        wait_method: String::new(),
        and_wait_method: String::new(),
        wait_error: String::new(),
        and_wait_error: String::new(),
        shares_wait: false,
        bindings,
        link: read.link.clone(),
        status: read.status.clone(),
        succeeded: read.succeeded.clone(),
        failed: read.failed.clone(),
        interval_millis: read.interval_millis,
        timeout_millis: read.timeout_millis,
        pointer: read.pointer.to_string(),
    })
}

/// Whether every success of `operation` is one JSON body type (so its value serializes back to
/// the JSON a pointer reads).
fn single_json_success(operation: &ClientMethod) -> bool {
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
        for key in crate::api::long_running::KEYS.iter().chain(&["other"]) {
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
