//! `x-analysis`: which operations and which parameter of a spec are the analysis API's, read
//! once. The mock serves that API's behaviour, and the conformance suite plays its scenarios
//! (credits, access rules, results), on the parts a spec declares, whatever it names them.
//!
//! ```yaml
//! paths:
//!   /v1/sessions/{session_id}/analysis:
//!     post:
//!       x-analysis: create        # creates an analysis of a session (a POST)
//!       parameters:
//!         - name: session_id
//!           in: path
//!           x-analysis: session   # the create's parameter that names the session
//!   /v1/analyses/{id}:
//!     get:
//!       x-analysis: retrieve      # reads an analysis by its id, its one path parameter (a GET)
//! ```
//!
//! Only names that never travel on the wire are declared: specs of the same API name their
//! operations and path parameters as they please, while its headers, body properties and error
//! codes are the API's own. A value that is not one of these roles, or stands where its role
//! cannot be, is a warning naming its JSON pointer, and is ignored. A suite configuration can
//! name the parts instead ([`AnalysisNames`], [`AnalysisRoles::with_names`]).

use std::collections::HashSet;
use std::fmt;

use serde::Deserialize;
use serde_json::Value;

use super::parameter::{Location, Parameter};
use super::reader::Reader;
use super::{Api, Method, Operation, Site};

/// The extension's name.
pub const EXTENSION: &str = "x-analysis";

/// What an `x-analysis` value says its operation or parameter is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnalysisRole {
    /// The operation that creates an analysis of a session: a `POST` of `paths`.
    Create,
    /// The operation that reads an analysis back by its id: a `GET` of `paths` whose one path
    /// parameter is that id.
    Retrieve,
    /// The create operation's parameter (in the path, query or a header) that names the session.
    Session,
}

impl AnalysisRole {
    pub const ALL: [AnalysisRole; 3] = [
        AnalysisRole::Create,
        AnalysisRole::Retrieve,
        AnalysisRole::Session,
    ];

    /// As the extension writes it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            AnalysisRole::Create => "create",
            AnalysisRole::Retrieve => "retrieve",
            AnalysisRole::Session => "session",
        }
    }

    #[must_use]
    pub fn parse(text: &str) -> Option<AnalysisRole> {
        AnalysisRole::ALL
            .into_iter()
            .find(|role| role.as_str() == text)
    }
}

impl fmt::Display for AnalysisRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The analysis API's parts in one spec; each is `None` when nothing declares it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnalysisRoles {
    /// The index of the create operation.
    pub create: Option<usize>,
    /// The index of the retrieve operation.
    pub retrieve: Option<usize>,
    /// The index, among the create operation's parameters, of the one that names the session.
    pub session: Option<usize>,
}

/// The parts named by a configuration, for a spec without the extension: each given one
/// replaces what the spec declares.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalysisNames {
    /// The operationId of the create operation.
    pub create: Option<String>,
    /// The operationId of the retrieve operation.
    pub retrieve: Option<String>,
    /// The name of the create operation's parameter that names the session.
    pub session: Option<String>,
}

impl AnalysisNames {
    /// Whether no part is named.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.create.is_none() && self.retrieve.is_none() && self.session.is_none()
    }
}

impl AnalysisRoles {
    /// The create operation.
    #[must_use]
    pub fn create<'a>(&self, api: &'a Api) -> Option<&'a Operation> {
        api.operations.get(self.create?)
    }

    /// The retrieve operation.
    #[must_use]
    pub fn retrieve<'a>(&self, api: &'a Api) -> Option<&'a Operation> {
        api.operations.get(self.retrieve?)
    }

    /// The create operation's parameter that names the session.
    #[must_use]
    pub fn session<'a>(&self, api: &'a Api) -> Option<&'a Parameter> {
        self.create(api)?.parameters.get(self.session?)
    }

    /// The retrieve operation's parameter that carries the analysis id: its one path parameter.
    #[must_use]
    pub fn analysis_id<'a>(&self, api: &'a Api) -> Option<&'a Parameter> {
        self.retrieve(api)?
            .parameters
            .iter()
            .find(|p| p.location == Location::Path)
    }

    /// The first of `needed` that is not bound.
    #[must_use]
    pub fn missing(&self, needed: &[AnalysisRole]) -> Option<AnalysisRole> {
        needed.iter().copied().find(|role| match role {
            AnalysisRole::Create => self.create.is_none(),
            AnalysisRole::Retrieve => self.retrieve.is_none(),
            AnalysisRole::Session => self.create.is_none() || self.session.is_none(),
        })
    }

    /// These roles with the parts `names` gives in their place, checked as the extension is.
    /// Naming another create operation unbinds the session unless `session` names it too.
    ///
    /// # Errors
    /// A name that is not there, or a part that cannot have its role, said with the key
    /// (`create = "…"`) it comes from.
    pub fn with_names(&self, api: &Api, names: &AnalysisNames) -> Result<AnalysisRoles, String> {
        let mut roles = self.clone();
        for (role, name) in [
            (AnalysisRole::Create, &names.create),
            (AnalysisRole::Retrieve, &names.retrieve),
        ] {
            let Some(name) = name else { continue };
            let key = format!("{role} = \"{name}\"");
            let index = api
                .operations
                .iter()
                .position(|op| op.site == Site::Paths && op.id.as_deref() == Some(name.as_str()))
                .ok_or_else(|| format!("{key}: no operation of `paths` has this operationId"))?;
            operation_fits(role, &api.operations[index]).map_err(|why| format!("{key}: {why}"))?;
            if role == AnalysisRole::Create {
                if roles.create != Some(index) {
                    roles.session = None;
                }
                roles.create = Some(index);
            } else {
                roles.retrieve = Some(index);
            }
        }
        if let Some(name) = &names.session {
            let key = format!("session = \"{name}\"");
            let create = roles.create(api).ok_or_else(|| {
                format!("{key}: there is no create operation to take it (name one with `create`)")
            })?;
            let index = create
                .parameters
                .iter()
                .position(|p| p.name == *name)
                .ok_or_else(|| {
                    format!(
                        "{key}: the create operation `{}` has no parameter of this name",
                        create.label
                    )
                })?;
            parameter_fits(&create.parameters[index]).map_err(|why| format!("{key}: {why}"))?;
            roles.session = Some(index);
        }
        Ok(roles)
    }
}

/// Whether `operation` can have `role` (`Create` or `Retrieve`), and if not why.
fn operation_fits(role: AnalysisRole, operation: &Operation) -> Result<(), String> {
    let (method, what) = match role {
        AnalysisRole::Create => (Method::Post, "a POST operation of `paths`"),
        AnalysisRole::Retrieve => (Method::Get, "a GET operation of `paths`"),
        AnalysisRole::Session => {
            return Err(
                "`session` marks the create operation's parameter that names the session, not an operation"
                    .into(),
            )
        }
    };
    if operation.site != Site::Paths || operation.method != method {
        return Err(format!(
            "`{role}` must be {what}; `{}` is a {} {}",
            operation.label,
            operation.method,
            match operation.site {
                Site::Paths => "of `paths`",
                Site::Callback { .. } => "of a callback",
                Site::Webhook { .. } => "of `webhooks`",
            }
        ));
    }
    let ids = operation
        .parameters
        .iter()
        .filter(|p| p.location == Location::Path)
        .count();
    if role == AnalysisRole::Retrieve && ids != 1 {
        return Err(format!(
            "`retrieve` must take the analysis id as its one path parameter; `{}` has {ids}",
            operation.label
        ));
    }
    Ok(())
}

/// Whether `parameter` can name the session.
fn parameter_fits(parameter: &Parameter) -> Result<(), String> {
    if parameter.location == Location::Cookie {
        return Err(format!(
            "the session must be a path, query or header parameter; `{}` is a cookie",
            parameter.name
        ));
    }
    Ok(())
}

/// The role an extension's value names.
fn role_of(value: &Value) -> Result<AnalysisRole, String> {
    let expected = "one of `create`, `retrieve` (on an operation) or `session` (on a parameter)";
    match value {
        Value::String(text) => AnalysisRole::parse(text)
            .ok_or_else(|| format!("`{EXTENSION}: {text}` is not a role; expected {expected}")),
        other => Err(format!("`{EXTENSION}` must be {expected}, not {other}")),
    }
}

impl Reader<'_> {
    /// The roles `x-analysis` gives the operations and parameters of `operations`.
    pub(super) fn analysis(&mut self, operations: &[Operation]) -> AnalysisRoles {
        let mut roles = AnalysisRoles::default();
        for (index, operation) in operations.iter().enumerate() {
            let at = operation.pointer.join(EXTENSION);
            let Some(value) = at.resolve(self.spec) else {
                continue;
            };
            let role =
                role_of(value).and_then(|role| operation_fits(role, operation).map(|()| role));
            let role = match role {
                Ok(role) => role,
                Err(why) => {
                    self.warn(&at, format!("{why}; ignored"));
                    continue;
                }
            };
            let slot = match role {
                AnalysisRole::Create => &mut roles.create,
                _ => &mut roles.retrieve,
            };
            match *slot {
                Some(first) => {
                    let first = &operations[first];
                    self.warn(
                        &at,
                        format!(
                            "`{role}` is already `{}` ({}); ignored",
                            first.label, first.pointer
                        ),
                    );
                }
                None => *slot = Some(index),
            }
        }
        // A Parameter Object may stand in several operations (a component): it is said once.
        let mut said = HashSet::new();
        let mut elsewhere = Vec::new();
        for (index, operation) in operations.iter().enumerate() {
            for (position, parameter) in operation.parameters.iter().enumerate() {
                if !parameter.declared {
                    continue;
                }
                let at = parameter.pointer.join(EXTENSION);
                let Some(value) = at.resolve(self.spec) else {
                    continue;
                };
                let problem = match role_of(value) {
                    Ok(AnalysisRole::Session) if roles.create == Some(index) => {
                        match (parameter_fits(parameter), roles.session) {
                            (Err(why), _) => Some(why),
                            (Ok(()), Some(bound)) if bound != position => Some(format!(
                                "the session is already the create operation's parameter `{}`",
                                operation.parameters[bound].name
                            )),
                            (Ok(()), _) => {
                                roles.session = Some(position);
                                None
                            }
                        }
                    }
                    Ok(AnalysisRole::Session) => {
                        elsewhere.push(at.clone());
                        None
                    }
                    Ok(role) => Some(format!(
                        "`{role}` marks an operation; a parameter can only be the `session`"
                    )),
                    Err(why) => Some(why),
                };
                if let Some(why) = problem {
                    if said.insert(at.clone()) {
                        self.warn(&at, format!("{why}; ignored"));
                    }
                }
            }
        }
        // A session parameter the create operation does not take says nothing.
        let taken = roles.create.zip(roles.session).map(|(create, session)| {
            operations[create].parameters[session]
                .pointer
                .join(EXTENSION)
        });
        for at in elsewhere {
            if Some(&at) != taken.as_ref() && said.insert(at.clone()) {
                let why = match roles.create {
                    Some(create) => format!(
                        "the session is a parameter of the create operation, and `{}` does not take this one",
                        operations[create].label
                    ),
                    None => "the session is a parameter of the create operation, and no operation is `x-analysis: create`".to_owned(),
                };
                self.warn(&at, format!("{why}; ignored"));
            }
        }
        roles
    }
}
