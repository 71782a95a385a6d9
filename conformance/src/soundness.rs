//! Is a spec internally consistent? The checks a careful reviewer would make by hand.
//!
//! Every `$ref` resolves; every operation (callbacks included) has a unique `operationId`; every
//! path template parameter is declared and every declared path parameter is in the template;
//! every security requirement names a declared scheme; every example validates against its
//! schema with OpenAPI 3.0 semantics.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use codegen::load::{follow, unresolved_refs, JsonPointer};
use serde_json::Value;

use crate::examples::examples;
use crate::operations::{operations, OperationSite};
use crate::schema::{Direction, SchemaValidator};

/// One inconsistency, at a JSON pointer of the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}: {}", self.pointer, self.message)
    }
}

/// Every problem of `spec` (the document as JSON), in document order per kind of check.
#[must_use]
pub fn check(spec: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    for unresolved in unresolved_refs(spec) {
        problems.push(Problem {
            pointer: unresolved.at,
            message: unresolved.error.to_string(),
        });
    }
    let sites = operations(spec);
    operation_ids(&sites, &mut problems);
    for site in &sites {
        path_parameters(spec, site, &mut problems);
    }
    security(spec, &sites, &mut problems);
    example_values(spec, &mut problems);
    problems
}

fn operation_ids(sites: &[OperationSite<'_>], problems: &mut Vec<Problem>) {
    let mut first_use: HashMap<&str, &JsonPointer> = HashMap::new();
    for site in sites {
        match site.operation.get("operationId").and_then(Value::as_str) {
            None => problems.push(Problem {
                pointer: site.at.to_string(),
                message: format!(
                    "{} {} has no operationId",
                    site.method.to_uppercase(),
                    site.path
                ),
            }),
            Some(id) => {
                if let Some(earlier) = first_use.insert(id, &site.at) {
                    problems.push(Problem {
                        pointer: site.at.join("operationId").to_string(),
                        message: format!("operationId `{id}` is also used at #{earlier}"),
                    });
                }
            }
        }
    }
}

fn path_parameters(spec: &Value, site: &OperationSite<'_>, problems: &mut Vec<Problem>) {
    if site.callback_of.is_some() {
        // A callback's key is a runtime expression, not a path template.
        return;
    }
    let mut declared: BTreeMap<String, JsonPointer> = BTreeMap::new();
    for (holder_at, holder) in [
        (&site.path_item_at, site.path_item),
        (&site.at, site.operation),
    ] {
        let Some(Value::Array(parameters)) = holder.get("parameters") else {
            continue;
        };
        for index in 0..parameters.len() {
            let Ok((at, parameter)) =
                follow(spec, &holder_at.join("parameters").join(index.to_string()))
            else {
                continue;
            };
            if parameter.get("in").and_then(Value::as_str) == Some("path") {
                if let Some(name) = parameter.get("name").and_then(Value::as_str) {
                    declared.insert(name.to_owned(), at);
                }
            }
        }
    }
    let templated = template_names(&site.path);
    for name in &templated {
        if !declared.contains_key(name) {
            problems.push(Problem {
                pointer: site.at.to_string(),
                message: format!("path parameter `{name}` of {} is not declared", site.path),
            });
        }
    }
    for (name, at) in &declared {
        if !templated.contains(name) {
            problems.push(Problem {
                pointer: at.to_string(),
                message: format!("path parameter `{name}` does not appear in {}", site.path),
            });
        }
    }
}

fn template_names(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

fn security(spec: &Value, sites: &[OperationSite<'_>], problems: &mut Vec<Problem>) {
    let schemes = spec.pointer("/components/securitySchemes");
    let mut holders: Vec<(JsonPointer, &Value)> = Vec::new();
    if let Some(global) = spec.get("security") {
        holders.push((JsonPointer::root().join("security"), global));
    }
    for site in sites {
        if let Some(local) = site.operation.get("security") {
            holders.push((site.at.join("security"), local));
        }
    }
    for (at, requirements) in holders {
        let Value::Array(requirements) = requirements else {
            continue;
        };
        for (index, requirement) in requirements.iter().enumerate() {
            let Value::Object(names) = requirement else {
                continue;
            };
            for name in names.keys() {
                if schemes.and_then(|s| s.get(name)).is_none() {
                    problems.push(Problem {
                        pointer: at.join(index.to_string()).join(name.as_str()).to_string(),
                        message: format!("security scheme `{name}` is not declared in components/securitySchemes"),
                    });
                }
            }
        }
    }
}

fn example_values(spec: &Value, problems: &mut Vec<Problem>) {
    let mut validators: HashMap<(String, Direction), Result<SchemaValidator, String>> =
        HashMap::new();
    for example in examples(spec) {
        let validator = validators
            .entry((example.schema.clone(), example.direction))
            .or_insert_with(|| {
                SchemaValidator::new(spec, &example.schema, example.direction)
                    .map_err(|err| err.to_string())
            });
        match validator {
            Err(message) => problems.push(Problem {
                pointer: example.schema.clone(),
                message: format!("schema cannot be compiled: {message}"),
            }),
            Ok(validator) => {
                for violation in validator.validate(example.value) {
                    let used = if example.used_at == example.at {
                        String::new()
                    } else {
                        format!(" (used at #{})", example.used_at)
                    };
                    problems.push(Problem {
                        pointer: example.at.clone(),
                        message: format!("example does not match its schema{used}: {violation}"),
                    });
                }
            }
        }
    }
}
