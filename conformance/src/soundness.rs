//! Is a spec internally consistent? The checks a careful reviewer would make by hand.
//!
//! Every `$ref` resolves; every operation (callbacks included) has a unique `operationId`;
//! everything the one reading of the spec ([`codegen::api`]) had to leave out or read another way
//! (a path template parameter nobody declared, a declared one the template lacks, a security
//! requirement naming an undeclared scheme, a style a location cannot have…) is a problem; every
//! example validates against its schema as written, in the dialect of the document's version.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use codegen::api::{Api, Operation};
use codegen::load::{unresolved_refs, JsonPointer};
use codegen::LoadedSpec;

use crate::examples::examples;
use crate::schema::{Direction, SchemaValidator};

/// One inconsistency, at a JSON pointer of the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inconsistency {
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for Inconsistency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}: {}", self.pointer, self.message)
    }
}

/// Every inconsistency of `spec`, in document order per kind of check.
#[must_use]
pub fn check(spec: &LoadedSpec) -> Vec<Inconsistency> {
    let mut problems = Vec::new();
    for unresolved in unresolved_refs(&spec.raw) {
        problems.push(Inconsistency {
            pointer: unresolved.at,
            message: unresolved.error.to_string(),
        });
    }
    let (api, warnings) = Api::read(spec.as_3_0());
    operation_ids(&api.operations, &mut problems);
    // A `$ref` that does not resolve is said above, where it stands.
    let unresolved: BTreeSet<String> = problems.iter().map(|p| p.pointer.clone()).collect();
    for warning in warnings {
        if !unresolved.contains(&warning.pointer) {
            problems.push(Inconsistency {
                pointer: warning.pointer,
                message: warning.message,
            });
        }
    }
    example_values(spec, &mut problems);
    problems
}

fn operation_ids(operations: &[Operation], problems: &mut Vec<Inconsistency>) {
    let mut first_use: HashMap<&str, &JsonPointer> = HashMap::new();
    for operation in operations {
        match &operation.id {
            None => problems.push(Inconsistency {
                pointer: operation.pointer.to_string(),
                message: format!("{} has no operationId", operation.label),
            }),
            Some(id) => {
                if let Some(earlier) = first_use.insert(id, &operation.pointer) {
                    problems.push(Inconsistency {
                        pointer: operation.pointer.join("operationId").to_string(),
                        message: format!("operationId `{id}` is also used at #{earlier}"),
                    });
                }
            }
        }
    }
}

fn example_values(spec: &LoadedSpec, problems: &mut Vec<Inconsistency>) {
    let mut validators: HashMap<(String, Direction), Result<SchemaValidator, String>> =
        HashMap::new();
    for example in examples(spec) {
        let validator = validators
            .entry((example.schema.clone(), example.direction))
            .or_insert_with(|| {
                SchemaValidator::new(&spec.raw, &example.schema, example.direction)
                    .map_err(|err| err.to_string())
            });
        match validator {
            Err(message) => problems.push(Inconsistency {
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
                    problems.push(Inconsistency {
                        pointer: example.at.clone(),
                        message: format!("example does not match its schema{used}: {violation}"),
                    });
                }
            }
        }
    }
}
