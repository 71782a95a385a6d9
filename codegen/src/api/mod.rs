//! The one reading of a spec's operations: what every part of the project knows of an API
//! beyond its schemas.
//!
//! [`Api::read`] walks the document once into operations (those of `paths`, each callback right
//! after the operation that registers it, then top-level `webhooks`), each with its parameters
//! merged and typed ([`parameter`]), its request body and responses by media type ([`media`]),
//! its responses by status key ([`status`]), its security ([`security`]), the links of its
//! responses ([`link`]), its `x-long-running` ([`long_running`]) and how its list pages
//! ([`pagination`]), with path templates parsed once ([`path`]); and which operations and parameter are the analysis API's (`x-analysis`,
//! [`analysis`]). Reading never fails: what cannot be read is left out with a warning at its
//! JSON pointer.
//!
//! The generator's model adds Rust names and types on top of this; the mock and the conformance
//! suite add validators and behaviour. Neither reads operations from the document themselves, so
//! they cannot disagree about them.

pub mod analysis;
pub mod link;
pub mod long_running;
pub mod media;
pub mod method;
pub mod pagination;
pub mod parameter;
pub mod path;
mod reader;
pub mod security;
pub mod status;

use std::collections::BTreeSet;

use serde_json::Value;

pub use analysis::{AnalysisNames, AnalysisRole, AnalysisRoles};
pub use link::{Expression, Link};
pub use long_running::{Binding, LongRunning, Malformed, Source};
pub use media::{essence, media_matches, Encoding, MediaKind, MediaType};
pub use method::Method;
pub use pagination::{CursorSource, NextPage, Origin, Pagination};
pub use parameter::{Location, Parameter, Style};
pub use path::{Part, PathTemplate, RouteMatch, Routes};
use security::DeclaredSecurity;
pub use security::{SchemeKind, Security, SecurityScheme};
pub use status::StatusKey;

use crate::load::{JsonPointer, Warning};
use link::LinkTarget;
use reader::Reader;

/// Every operation of a spec and the security schemes they use.
#[derive(Debug, Clone, Default)]
pub struct Api {
    /// In document order: each operation of `paths`, each callback request right after the
    /// operation that registers it, then the top-level `webhooks`.
    pub operations: Vec<Operation>,
    /// The supported schemes of `components/securitySchemes`.
    pub schemes: Vec<SecurityScheme>,
    /// The analysis API's operations and session parameter, as `x-analysis` declares them.
    pub analysis: AnalysisRoles,
    routes: Routes,
}

/// Where an operation stands, and so who sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Site {
    /// An operation of `paths`: the API serves it.
    Paths,
    /// A request of a callback that operation `owner` registers: the API sends it.
    Callback { owner: usize, name: String },
    /// A top-level webhook: the API sends it.
    Webhook { name: String },
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The `operationId`, as written.
    pub id: Option<String>,
    /// Its `operationId`, or `METHOD path` when it has none: how messages and reports name it.
    pub label: String,
    pub method: Method,
    /// The path template; for a callback, its runtime expression (`{$request.body#/url}`).
    pub path: PathTemplate,
    pub site: Site,
    /// JSON pointer of the Operation Object (inside the path item its `$ref` led to).
    pub pointer: JsonPointer,
    /// The path item's parameters and its own, merged; path parameters match the template.
    pub parameters: Vec<Parameter>,
    pub body: Option<RequestBody>,
    /// In document order; keys that are no status are left out.
    pub responses: Vec<Response>,
    pub security: Security,
    /// Its `x-long-running`, when it has one.
    pub long_running: Option<Result<LongRunning, Malformed>>,
    /// How its list pages: declared (`x-pagination`), recognised (`x-dropshot-pagination`) or
    /// guessed from the usual names (see [`Origin`]).
    pub pagination: Option<Result<Pagination, Malformed>>,
}

impl Operation {
    /// The response documented for `status`: the exact code, then its range, then `default`.
    #[must_use]
    pub fn response_for(&self, status: u16) -> Option<&Response> {
        status::select(self.responses.iter().map(|r| r.status), status)
            .map(|index| &self.responses[index])
    }

    /// The status a successful request is answered with: the first documented 2xx (a `2XX`
    /// listed before any exact 2xx code is 200), else the first documented 3xx (a
    /// redirect-only operation) or 1xx (a protocol upgrade), else 200 (for `default`, or
    /// nothing).
    #[must_use]
    pub fn success_status(&self) -> u16 {
        let first = |range: std::ops::RangeInclusive<u16>| {
            self.responses
                .iter()
                .find_map(|response| match response.status {
                    StatusKey::Code(code) if range.contains(&code) => Some(code),
                    _ => None,
                })
        };
        match self.responses.iter().find(|r| r.status.is_2xx()) {
            Some(response) if response.status == StatusKey::Range(2) => 200,
            Some(_) => first(200..=299).unwrap_or(200),
            None => first(300..=399).or_else(|| first(100..=199)).unwrap_or(200),
        }
    }

    /// The first documented client error among `preferred`, else any documented 4xx code.
    #[must_use]
    pub fn client_error_status(&self, preferred: &[u16]) -> Option<u16> {
        let documented = |code: u16| {
            self.responses
                .iter()
                .any(|r| r.status == StatusKey::Code(code))
        };
        preferred
            .iter()
            .copied()
            .find(|code| documented(*code))
            .or_else(|| {
                self.responses.iter().find_map(|r| match r.status {
                    StatusKey::Code(code @ 400..=499) => Some(code),
                    _ => None,
                })
            })
    }

    /// The parameter `name` at `location`.
    #[must_use]
    pub fn parameter(&self, location: Location, name: &str) -> Option<&Parameter> {
        self.parameters
            .iter()
            .find(|p| p.location == location && p.name == name)
    }
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    /// JSON pointer of the Request Body Object (where its `$ref` led).
    pub pointer: JsonPointer,
    pub required: bool,
    pub content: Vec<MediaType>,
}

impl RequestBody {
    /// The media type a client sends when it can send several: JSON (`application/json` first),
    /// then a form, multipart, `application/octet-stream`, text, other bytes; the first of the
    /// document among equals.
    #[must_use]
    pub fn preferred(&self) -> Option<&MediaType> {
        let rank = |media: &MediaType| match media.kind {
            MediaKind::Json if media.name.starts_with("application/json") => 0,
            MediaKind::Json => 1,
            MediaKind::Form => 2,
            MediaKind::Multipart => 3,
            MediaKind::Binary if media.name == "application/octet-stream" => 4,
            MediaKind::Text | MediaKind::EventStream => 5,
            MediaKind::Binary | MediaKind::JsonLines => 6,
        };
        self.content.iter().min_by_key(|media| rank(media))
    }

    /// The documented media type a `Content-Type` header names.
    #[must_use]
    pub fn media_for(&self, content_type: &str) -> Option<&MediaType> {
        self.content
            .iter()
            .find(|media| media_matches(&media.name, content_type))
    }
}

/// One documented response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: StatusKey,
    /// JSON pointer of the Response Object (where its `$ref` led).
    pub pointer: JsonPointer,
    /// Its headers but `Content-Type` (which `content` describes).
    pub headers: Vec<Header>,
    pub content: Vec<MediaType>,
    pub links: Vec<Link>,
}

impl Response {
    /// The media type a `Content-Type` header names, else (for a missing or wrong one) the
    /// first JSON one documented.
    #[must_use]
    pub fn media_for(&self, content_type: &str) -> Option<&MediaType> {
        self.content
            .iter()
            .find(|media| media_matches(&media.name, content_type))
            .or_else(|| self.content.iter().find(|m| m.kind == MediaKind::Json))
    }
}

/// A header of a response.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// As the spec writes it.
    pub name: String,
    pub required: bool,
    /// JSON pointer of the Header Object (where its `$ref` led).
    pub pointer: JsonPointer,
    pub schema: Option<JsonPointer>,
}

impl Api {
    /// Reads `spec` (a loaded document, as JSON) and says what it left out or could not read.
    #[must_use]
    pub fn read(spec: &Value) -> (Api, Vec<Warning>) {
        let mut reader = Reader::new(spec);
        // The document's requirements are read once, whether or not an operation uses them.
        let declared = reader.declared_security();
        let mut operations = Vec::new();
        let paths_at = JsonPointer::root().join("paths");
        let paths: Vec<&String> = spec
            .get("paths")
            .and_then(Value::as_object)
            .map(|paths| paths.keys().collect())
            .unwrap_or_default();
        for path in paths {
            let at = paths_at.join(path.as_str());
            let template = match PathTemplate::parse(path) {
                Ok(template) => template,
                Err(error) => {
                    reader.warn(
                        &at,
                        format!("path template `{path}`: {error}; its operations are left out"),
                    );
                    continue;
                }
            };
            let Some(item) = reader.follow_or_warn(&at, "path item", "its operations are left out")
            else {
                continue;
            };
            reader.path_item(&template, Site::Paths, item, &declared, &mut operations);
        }
        let webhooks_at = JsonPointer::root().join("webhooks");
        let webhooks: Vec<&String> = spec
            .get("webhooks")
            .and_then(Value::as_object)
            .map(|webhooks| webhooks.keys().collect())
            .unwrap_or_default();
        for name in webhooks {
            let at = webhooks_at.join(name.as_str());
            let Some(item) = reader.follow_or_warn(&at, "webhook", "left out") else {
                continue;
            };
            // A webhook has no URL of the API's: its name stands in the path's place.
            let template = PathTemplate::literal(name);
            let site = Site::Webhook { name: name.clone() };
            reader.path_item(&template, site, item, &declared, &mut operations);
        }
        for index in 0..operations.len() {
            let links = reader.links(&operations, index);
            for (response, links) in operations[index].responses.iter_mut().zip(links) {
                response.links = links;
            }
        }
        for index in 0..operations.len() {
            if operations[index].site == Site::Paths {
                operations[index].long_running = reader.long_running(&operations, index);
                operations[index].pagination = reader.pagination(&operations[index]);
            }
        }
        let analysis = reader.analysis(&operations);
        let mut routes = Routes::default();
        for (index, operation) in operations.iter().enumerate() {
            if operation.site == Site::Paths {
                routes.add(&operation.path, operation.method, index);
            }
        }
        let api = Api {
            operations,
            schemes: declared.schemes,
            analysis,
            routes,
        };
        (api, reader.warnings)
    }

    /// The operation of `paths` labelled `label` (its `operationId`, or `METHOD path`).
    #[must_use]
    pub fn operation(&self, label: &str) -> Option<&Operation> {
        self.operations
            .iter()
            .find(|op| op.site == Site::Paths && op.label == label)
    }

    /// The operations the API serves (those of `paths`), with their indices.
    pub fn served(&self) -> impl Iterator<Item = (usize, &Operation)> {
        self.operations
            .iter()
            .enumerate()
            .filter(|(_, op)| op.site == Site::Paths)
    }

    /// The operation a request's method and path (raw, without the query) address.
    #[must_use]
    pub fn route(&self, method: &str, path: &str) -> RouteMatch {
        self.routes.find(method, path)
    }

    #[must_use]
    pub fn scheme(&self, key: &str) -> Option<&SecurityScheme> {
        self.schemes.iter().find(|scheme| scheme.key == key)
    }

    /// The JSON pointers of the schemas of the multipart bodies clients send (the schema under
    /// the media type, and where its `$ref` leads), so that a type space can tell their file
    /// parts from text before converting any schema.
    #[must_use]
    pub fn multipart_schemas(&self, spec: &Value) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        for (_, operation) in self.served() {
            let Some(media) = operation.body.as_ref().and_then(RequestBody::preferred) else {
                continue;
            };
            let (MediaKind::Multipart, Some(schema)) = (media.kind, &media.schema) else {
                continue;
            };
            if let Ok((target, _)) = crate::load::follow(spec, schema) {
                found.insert(target.to_string());
            }
            found.insert(schema.to_string());
        }
        found
    }
}

impl Reader<'_> {
    /// The operations of the path item `item`, each followed by its callbacks' requests.
    fn path_item(
        &mut self,
        template: &PathTemplate,
        site: Site,
        (item_at, item): (JsonPointer, &Value),
        declared: &DeclaredSecurity,
        operations: &mut Vec<Operation>,
    ) {
        for method in Method::ALL {
            let Some(value) = item.get(method.key()) else {
                continue;
            };
            let at = item_at.join(method.key());
            let operation = self.operation(
                template,
                site.clone(),
                method,
                (&item_at, item),
                (&at, value),
                declared,
            );
            let owner = operations.len();
            operations.push(operation);
            if site == Site::Paths {
                self.callbacks(owner, &at, value, declared, operations);
            }
        }
    }

    fn operation(
        &mut self,
        template: &PathTemplate,
        site: Site,
        method: Method,
        item: (&JsonPointer, &Value),
        (at, value): (&JsonPointer, &Value),
        declared: &DeclaredSecurity,
    ) -> Operation {
        let id = value
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let label = id
            .clone()
            .unwrap_or_else(|| format!("{method} {}", template.text()));
        let checked_template = (site == Site::Paths).then_some(template);
        let parameters = self.parameters(item, (at, value), checked_template);
        let body = value
            .get("requestBody")
            .and_then(|_| self.request_body(&at.join("requestBody")));
        let responses = self.responses(at, value);
        // The API sends callbacks and webhooks: the document's requirements are for calls to it.
        let security = match (value.get("security"), &site) {
            (Some(own), _) => self.requirements(&at.join("security"), own, &declared.schemes),
            (None, Site::Paths) => declared.document.clone(),
            (None, Site::Callback { .. } | Site::Webhook { .. }) => Security::default(),
        };
        Operation {
            id,
            label,
            method,
            path: template.clone(),
            site,
            pointer: at.clone(),
            parameters,
            body,
            responses,
            security,
            long_running: None,
            pagination: None,
        }
    }

    fn callbacks(
        &mut self,
        owner: usize,
        at: &JsonPointer,
        operation: &Value,
        declared: &DeclaredSecurity,
        operations: &mut Vec<Operation>,
    ) {
        let names: Vec<&String> = operation
            .get("callbacks")
            .and_then(Value::as_object)
            .map(|callbacks| callbacks.keys().collect())
            .unwrap_or_default();
        for name in names {
            let callback_at = at.join("callbacks").join(name.as_str());
            let Some((callback_at, callback)) =
                self.follow_or_warn(&callback_at, "callback", "its requests are left out")
            else {
                continue;
            };
            let Some(expressions) = callback.as_object() else {
                continue;
            };
            for expression in expressions.keys() {
                let item_at = callback_at.join(expression.as_str());
                let Some(item) =
                    self.follow_or_warn(&item_at, "path item", "its requests are left out")
                else {
                    continue;
                };
                let template = PathTemplate::parse(expression)
                    .unwrap_or_else(|_| PathTemplate::literal(expression));
                let site = Site::Callback {
                    owner,
                    name: name.clone(),
                };
                self.path_item(&template, site, item, declared, operations);
            }
        }
    }

    fn request_body(&mut self, at: &JsonPointer) -> Option<RequestBody> {
        let (pointer, body) = self.follow_or_warn(at, "request body", "left out")?;
        Some(RequestBody {
            content: media::read_content(&pointer, body),
            required: body.get("required").and_then(Value::as_bool) == Some(true),
            pointer,
        })
    }

    fn responses(&mut self, at: &JsonPointer, operation: &Value) -> Vec<Response> {
        let keys: Vec<&String> = operation
            .get("responses")
            .and_then(Value::as_object)
            .map(|responses| responses.keys().collect())
            .unwrap_or_default();
        let mut responses = Vec::new();
        for key in keys {
            let response_at = at.join("responses").join(key.as_str());
            let Some(status) = StatusKey::parse(key) else {
                self.warn(
                    &response_at,
                    format!("`{key}` is not a status code; response left out"),
                );
                continue;
            };
            let Some((pointer, response)) =
                self.follow_or_warn(&response_at, "response", "left out")
            else {
                continue;
            };
            let headers = self.headers(&pointer, response);
            responses.push(Response {
                status,
                content: media::read_content(&pointer, response),
                headers,
                links: Vec::new(),
                pointer,
            });
        }
        responses
    }

    fn headers(&mut self, response_at: &JsonPointer, response: &Value) -> Vec<Header> {
        let names: Vec<&String> = response
            .get("headers")
            .and_then(Value::as_object)
            .map(|headers| headers.keys().collect())
            .unwrap_or_default();
        let mut headers = Vec::new();
        for name in names {
            if name.eq_ignore_ascii_case("content-type") {
                continue;
            }
            let header_at = response_at.join("headers").join(name.as_str());
            let Some((pointer, header)) = self.follow_or_warn(&header_at, "header", "left out")
            else {
                continue;
            };
            headers.push(Header {
                name: name.clone(),
                required: header.get("required").and_then(Value::as_bool) == Some(true),
                schema: header.get("schema").map(|_| pointer.join("schema")),
                pointer,
            });
        }
        headers
    }

    /// The links of each response of operation `index`, their targets resolved.
    fn links(&mut self, operations: &[Operation], index: usize) -> Vec<Vec<Link>> {
        let mut all = Vec::new();
        for response in &operations[index].responses {
            let mut links = Vec::new();
            let names: Vec<&String> = response
                .pointer
                .resolve(self.spec)
                .and_then(|r| r.get("links"))
                .and_then(Value::as_object)
                .map(|links| links.keys().collect())
                .unwrap_or_default();
            for name in names {
                let at = response.pointer.join("links").join(name.as_str());
                let Some((pointer, link)) = self.follow_or_warn(&at, "link", "left out") else {
                    continue;
                };
                let Value::Object(link) = link else {
                    self.warn(&at, "link `$ref` does not lead to a Link Object; left out");
                    continue;
                };
                let target =
                    LinkTarget::of(link).and_then(|target| self.link_target(operations, &target));
                let target = match target {
                    Ok(target) => target,
                    Err(message) => {
                        self.warn(&pointer, format!("{message}; link left out"));
                        continue;
                    }
                };
                links.push(Link {
                    name: name.clone(),
                    target,
                    parameters: link
                        .get("parameters")
                        .and_then(Value::as_object)
                        .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                        .unwrap_or_default(),
                    pointer,
                });
            }
            all.push(links);
        }
        all
    }
}

#[cfg(test)]
mod tests;
