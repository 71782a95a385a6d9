//! The resources a spec's paths describe, and the identifiers the server hands out for them.
//!
//! Few specs say with a link that the `id` a `POST /things` returns is the `{thingId}` of
//! `GET /things/{thingId}`; their paths say it by their shape. A resource is inferred from a
//! `POST` on a collection path and the operations on that path plus one parameter segment; the
//! new resource's identifier is read from the create's answer, in this order: a declared link
//! to an item operation, a property of the JSON body that the item parameter's name (or `id`)
//! names, then the `Location` header. Every inference is said in the report, and a learned value
//! is used only where the item parameter's schema accepts it.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use codegen::api::{Location, MediaKind, Method, Operation, Part, PathTemplate};
use codegen::load::JsonPointer;
use serde_json::Value;

use super::exchange::Exchange;
use super::links::evaluate;
use crate::contract::Contract;

/// A collection and its items, as the spec's paths show them.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The `POST` on the collection path.
    pub create: String,
    /// The item path (`/things/{thingId}`) and its last parameter, the identifier.
    pub item: PathTemplate,
    pub parameter: String,
    pub read: Option<String>,
    /// `PUT` and `PATCH` on the item path.
    pub updates: Vec<String>,
    pub delete: Option<String>,
    /// Where the create's answer gives the new resource's identifier.
    pub id_from: IdSource,
}

/// Where a create's answer holds the new resource's identifier.
#[derive(Debug, Clone, PartialEq)]
pub enum IdSource {
    /// A declared link's expression for the item parameter (`$response.body#/id`).
    Link { name: String, expression: Value },
    /// A property of the JSON body, by its JSON pointer (`/id`, `/data/id`).
    Body(String),
    /// The `Location` header, matched against the item path.
    Location,
}

impl Resource {
    /// How the resource was inferred, for the report.
    #[must_use]
    pub fn inference(&self) -> String {
        let source = match &self.id_from {
            IdSource::Link { name, .. } => format!("its link `{name}`"),
            IdSource::Body(pointer) => format!("the body's `{pointer}`"),
            IdSource::Location => "the Location header".to_owned(),
        };
        format!(
            "{} creates {}: `{}` from {source}",
            self.create, self.item, self.parameter
        )
    }

    /// The identifier the create answered with in `exchange` (which called `create`), when the
    /// item parameter's schema accepts it (a number for a string parameter becomes its text).
    #[must_use]
    pub fn identifier(&self, contract: &Contract, exchange: &Exchange) -> Option<Value> {
        let answer = exchange.response()?;
        if !(200..300).contains(&answer.status) {
            return None;
        }
        let create = contract.operation(&self.create)?;
        let found = match &self.id_from {
            IdSource::Link { expression, .. } => evaluate(expression, create, exchange),
            IdSource::Body(pointer) => serde_json::from_slice::<Value>(&answer.body)
                .ok()
                .and_then(|body| body.pointer(pointer).cloned()),
            IdSource::Location => None,
        };
        let from_location = || {
            let location = answer.header("location")?;
            let path = match location.split_once("://") {
                Some((_, rest)) => rest.find('/').map_or("/", |at| &rest[at..]),
                None => location,
            };
            let path = path.split(['?', '#']).next().unwrap_or(path);
            // The base URL may have a path of its own before the spec's paths.
            let captured = (0..path.len())
                .filter(|at| path.is_char_boundary(*at) && path[*at..].starts_with('/'))
                .find_map(|at| self.item.captures(&path[at..]))?;
            let raw = captured.into_iter().find(|(n, _)| *n == self.parameter)?.1;
            Some(Value::String(
                percent_encoding::percent_decode_str(&raw)
                    .decode_utf8_lossy()
                    .into_owned(),
            ))
        };
        let item = contract
            .api
            .operations
            .iter()
            .find(|o| o.path == self.item)?;
        let parameter = item.parameter(Location::Path, &self.parameter)?;
        let accepts = |value: &Value| {
            contract
                .parameter_validator(parameter)
                .is_none_or(|v| v.is_valid(value))
        };
        [found, from_location()]
            .into_iter()
            .flatten()
            .flat_map(|value| {
                let text = match &value {
                    Value::Number(number) => Some(Value::String(number.to_string())),
                    Value::String(text) => serde_json::from_str::<Value>(text)
                        .ok()
                        .filter(Value::is_number),
                    _ => None,
                };
                [Some(value), text]
            })
            .flatten()
            .find(|value| !value.is_null() && accepts(value))
    }
}

/// Every resource of the API whose create answers with a readable identifier.
#[must_use]
pub fn infer(contract: &Contract) -> Vec<Resource> {
    let served: Vec<&Operation> = contract.api.served().map(|(_, o)| o).collect();
    let mut found = Vec::new();
    for create in served.iter().filter(|o| o.method == Method::Post) {
        let collection = create.path.text().trim_end_matches('/');
        let mut by_item: BTreeMap<&str, Vec<&&Operation>> = BTreeMap::new();
        for operation in &served {
            let Some(Part::Param(name)) = operation.path.parts().last() else {
                continue;
            };
            if operation.path.text() == format!("{collection}/{{{name}}}") {
                by_item.entry(name).or_default().push(operation);
            }
        }
        if by_item.is_empty() {
            // Paths of another shape: a link from the create to a read says where it lives.
            if let Some(found_by_link) = linked_item(contract, create, &served) {
                found.push(found_by_link);
            }
            continue;
        }
        for (parameter, operations) in by_item {
            let on = |method: Method| operations.iter().find(|o| o.method == method);
            let Some(id_from) = id_source(contract, create, parameter, &operations) else {
                continue;
            };
            let Some(first) = operations.first() else {
                continue;
            };
            found.push(Resource {
                create: create.label.clone(),
                item: first.path.clone(),
                parameter: parameter.to_owned(),
                read: on(Method::Get).map(|o| o.label.clone()),
                updates: [Method::Put, Method::Patch]
                    .into_iter()
                    .filter_map(|m| on(m).map(|o| o.label.clone()))
                    .collect(),
                delete: on(Method::Delete).map(|o| o.label.clone()),
                id_from,
            });
        }
    }
    found
}

/// The resource a link of `create`'s success answer to a `GET` describes: the `GET`'s path is
/// the item path, the path parameter the link binds its identifier, and the other methods on
/// that path its updates and delete.
fn linked_item(contract: &Contract, create: &Operation, served: &[&Operation]) -> Option<Resource> {
    let links = create
        .responses
        .iter()
        .filter(|r| r.status.is_2xx())
        .flat_map(|r| &r.links);
    for link in links {
        let Some(read) = contract.api.operations.get(link.target) else {
            continue;
        };
        if read.method != Method::Get {
            continue;
        }
        let Some(Part::Param(parameter)) = read.path.parts().last() else {
            continue;
        };
        let Some((_, expression)) = link.parameters.iter().find(|(name, _)| {
            name == parameter || name.strip_prefix("path.") == Some(parameter.as_str())
        }) else {
            continue;
        };
        let on = |method: Method| {
            served
                .iter()
                .find(|o| o.path == read.path && o.method == method)
                .map(|o| o.label.clone())
        };
        return Some(Resource {
            create: create.label.clone(),
            item: read.path.clone(),
            parameter: parameter.clone(),
            read: Some(read.label.clone()),
            updates: [Method::Put, Method::Patch]
                .into_iter()
                .filter_map(on)
                .collect(),
            delete: on(Method::Delete),
            id_from: IdSource::Link {
                name: link.name.clone(),
                expression: expression.clone(),
            },
        });
    }
    None
}

/// Where `create`'s success answer names the item `parameter`.
fn id_source(
    contract: &Contract,
    create: &Operation,
    parameter: &str,
    items: &[&&Operation],
) -> Option<IdSource> {
    let successes = create.responses.iter().filter(|r| r.status.is_2xx());
    for response in successes.clone() {
        for link in &response.links {
            if !items.iter().any(|o| {
                contract
                    .api
                    .operations
                    .get(link.target)
                    .is_some_and(|t| t.label == o.label)
            }) {
                continue;
            }
            let bound = link.parameters.iter().find(|(name, _)| {
                name == parameter || name.strip_prefix("path.") == Some(parameter)
            });
            if let Some((_, expression)) = bound {
                return Some(IdSource::Link {
                    name: link.name.clone(),
                    expression: expression.clone(),
                });
            }
        }
    }
    let names = candidate_names(parameter);
    for response in successes.clone() {
        for media in response
            .content
            .iter()
            .filter(|m| m.kind == MediaKind::Json)
        {
            let Some(schema) = &media.schema else {
                continue;
            };
            for wrapper in [None, Some("data")] {
                let at = match wrapper {
                    None => Some(schema.clone()),
                    Some(name) => contract.property_schema(schema, name),
                };
                let Some(at) = at else { continue };
                if let Some(name) = names
                    .iter()
                    .find(|name| contract.property_schema(&at, name).is_some())
                {
                    let pointer = JsonPointer::root();
                    let pointer = match wrapper {
                        Some(wrapper) => pointer.join(wrapper).join(name.as_str()),
                        None => pointer.join(name.as_str()),
                    };
                    return Some(IdSource::Body(pointer.to_string()));
                }
            }
        }
    }
    // Without a body property, a `Location` header (declared or not) may still say it.
    Some(IdSource::Location)
}

/// The body properties that may hold the value of item parameter `parameter`: itself, `id`,
/// and its stem with the usual suffixes (`noteId` → `id`, `note_id`, `noteId`).
fn candidate_names(parameter: &str) -> Vec<String> {
    let mut names = vec![parameter.to_owned(), "id".to_owned()];
    let lower = parameter.to_ascii_lowercase();
    for suffix in ["_id", "-id", "id"] {
        if let Some(stem) = lower.strip_suffix(suffix).filter(|s| !s.is_empty()) {
            let stem = &parameter[..stem.len()];
            for name in [format!("{stem}_id"), format!("{stem}Id"), stem.to_owned()] {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
    }
    for name in ["uuid", "key", "name", "slug"] {
        if lower.ends_with(name) && !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    names
}

/// Identifiers learned from the server, by item path: each is used for that path parameter in
/// every later request to a path under the item.
#[derive(Debug, Default)]
pub struct Learned {
    values: Mutex<BTreeMap<String, (String, Value)>>,
}

impl Learned {
    /// Remembers `value` as the identifier of the items at `item` (parameter `parameter`).
    pub fn remember(&self, item: &PathTemplate, parameter: &str, value: Value) {
        self.values
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(item.text().to_owned(), (parameter.to_owned(), value));
    }

    /// The learned path parameters of an operation on `path`.
    #[must_use]
    pub fn for_path(&self, path: &PathTemplate) -> Vec<(String, Value)> {
        let text = path.text();
        self.values
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|(item, _)| {
                text.strip_prefix(item.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
            .map(|(_, learned)| learned.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests;
