//! The checks, one file each, and what they share. `conformance/CHECKS.md` documents each: what
//! it sends, what it asserts, and which statement of the spec it enforces.
//!
//! Three kinds: *response* checks judge every response the run received against the spec;
//! *request* checks judge the answer to a request made up for a purpose (valid, invalid, without
//! credentials); *scenario* checks send their own sequence of requests and judge what happens
//! across them.

pub mod access_rules;
pub mod client_decodes;
pub mod completed_results;
pub mod conditional_request;
pub mod content_type_conformance;
pub mod created_resource_readable;
pub mod credit_accounting;
pub mod deleted_resource_gone;
pub mod ignored_auth;
pub mod link_availability;
pub mod long_running_lifecycle;
pub mod negative_data_rejection;
pub mod not_a_server_error;
pub mod pagination_consistent;
pub mod positive_data_acceptance;
pub mod rate_limit_consistency;
pub mod resource_lifecycle;
pub mod response_headers_conformance;
pub mod response_schema_conformance;
pub mod status_code_conformance;
pub mod tenant_isolation;
pub mod unknown_resource_not_found;
pub mod unsupported_method;
pub mod update_persists;

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use codegen::api::{AnalysisRole, AnalysisRoles, Location, Operation};

use crate::contract::Contract;
use crate::schema::Direction;
use crate::synth::made_up_value;

use super::config::SuiteConfig;
use super::exchange::Exchange;
use super::outcome::Ledger;
use super::plan::Planner;
use super::resources::{infer, Learned, Resource};
use super::target::Target;
use crate::http::Response;

/// A check's name and one line on what it asserts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckInfo {
    pub name: &'static str,
    pub summary: &'static str,
}

/// Every check, in the order reports list them.
pub const ALL: [CheckInfo; 23] = [
    not_a_server_error::INFO,
    status_code_conformance::INFO,
    content_type_conformance::INFO,
    response_headers_conformance::INFO,
    response_schema_conformance::INFO,
    client_decodes::INFO,
    positive_data_acceptance::INFO,
    negative_data_rejection::INFO,
    ignored_auth::INFO,
    unsupported_method::INFO,
    link_availability::INFO,
    long_running_lifecycle::INFO,
    unknown_resource_not_found::INFO,
    created_resource_readable::INFO,
    update_persists::INFO,
    deleted_resource_gone::INFO,
    pagination_consistent::INFO,
    conditional_request::INFO,
    tenant_isolation::INFO,
    rate_limit_consistency::INFO,
    credit_accounting::INFO,
    completed_results::INFO,
    access_rules::INFO,
];

/// The label of what a check reports for the spec as a whole rather than for one operation.
pub const WHOLE_SPEC: &str = "(spec)";

/// What every check of a run shares.
pub struct Context<'a> {
    pub contract: &'a Contract,
    pub config: &'a SuiteConfig,
    /// The analysis API's parts: the spec's `x-analysis`, or what `[analysis.operations]` names.
    pub analysis: AnalysisRoles,
    pub target: &'a Target,
    pub seed: u64,
    pub max_examples: usize,
    /// Requests in flight at once where they do not depend on each other.
    pub concurrency: usize,
    /// The resources the spec's paths describe.
    pub resources: Vec<Resource>,
    /// Identifiers the server handed out, used by every later request on their items.
    pub learned: Learned,
    /// What the run inferred and created, for the report.
    notes: Mutex<Vec<String>>,
    ledger: Mutex<Ledger>,
    /// Exchanges whose request was invalid or unauthenticated on purpose.
    probes: Mutex<BTreeMap<usize, Probe>>,
}

/// A request sent to be refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// It breaks a constraint of the spec.
    Invalid,
    /// It carries no credentials, or ones no server can know.
    Unauthenticated,
    /// Its method is not documented on its path.
    UnsupportedMethod,
}

impl Probe {
    /// The refusals HTTP itself prescribes for such a request (RFC 9110), fine even where the
    /// spec forgot to document them.
    #[must_use]
    pub fn standard_refusal(self, status: u16) -> bool {
        match self {
            Probe::Invalid => matches!(status, 400 | 413 | 415 | 422),
            Probe::Unauthenticated => matches!(status, 401 | 403),
            Probe::UnsupportedMethod => status == 405,
        }
    }
}

impl<'a> Context<'a> {
    #[must_use]
    pub fn new(
        contract: &'a Contract,
        config: &'a SuiteConfig,
        target: &'a Target,
        seed: u64,
        max_examples: usize,
    ) -> Self {
        Self {
            contract,
            analysis: contract.api.analysis.clone(),
            config,
            target,
            seed,
            max_examples,
            concurrency: 1,
            resources: infer(contract),
            learned: Learned::default(),
            notes: Mutex::new(Vec::new()),
            ledger: Mutex::new(Ledger::default()),
            probes: Mutex::new(BTreeMap::new()),
        }
    }

    /// Records that exchange `id` sent a request to be refused.
    pub fn mark_probe(&self, id: usize, probe: Probe) {
        self.probes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, probe);
    }

    /// What exchange `id` probed, when it sent a request to be refused.
    #[must_use]
    pub fn probe(&self, id: usize) -> Option<Probe> {
        self.probes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&id)
            .copied()
    }

    /// Records what the run inferred or did, for the report.
    pub fn note(&self, text: String) {
        self.notes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(text);
    }

    pub fn ledger(&self) -> MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The results and the notes of the run.
    #[must_use]
    pub fn finish(self) -> (Ledger, Vec<String>) {
        let into =
            |notes: Mutex<Vec<String>>| notes.into_inner().unwrap_or_else(PoisonError::into_inner);
        (
            self.ledger
                .into_inner()
                .unwrap_or_else(PoisonError::into_inner),
            into(self.notes),
        )
    }

    /// The main token, when the run has one.
    #[must_use]
    pub fn token(&self) -> Option<&str> {
        self.config.token.as_ref().map(|t| t.expose())
    }

    /// The analysis API's create operation, when the parts `needed` are all bound; otherwise
    /// `check` is skipped, saying which part the spec does not declare.
    #[must_use]
    pub fn analysis_create(
        &self,
        check: &'static str,
        needed: &[AnalysisRole],
    ) -> Option<&'a Operation> {
        let api = &self.contract.api;
        let create = self.analysis.create(api);
        let Some(missing) = self.analysis.missing(needed) else {
            return create;
        };
        let (operation, place) = match (missing, create) {
            (AnalysisRole::Session, Some(create)) => (
                create.label.as_str(),
                format!("a parameter of `{}`", create.label),
            ),
            _ => (WHOLE_SPEC, "an operation".to_owned()),
        };
        self.ledger().skip(
            check,
            operation,
            format!(
                "the spec does not declare `x-analysis: {missing}` on {place} (nor does `[analysis.operations] {missing}` in --config name one)"
            ),
        );
        None
    }

    /// A request planner for the operation labelled `label`.
    #[must_use]
    pub fn planner(&self, label: &str) -> Option<Planner<'_>> {
        let operation = self.contract.operation(label)?;
        Some(
            Planner::new(self.contract, operation, self.config, self.seed)
                .with_learned(self.learned.for_path(&operation.path)),
        )
    }
}

/// The answer of `exchange` and the operation it addressed, when it has both.
#[must_use]
pub fn answered<'c>(
    context: &'c Context<'_>,
    exchange: &'c Exchange,
) -> Option<(&'c Response, &'c Operation)> {
    Some((
        exchange.response()?,
        context.contract.operation(&exchange.operation)?,
    ))
}

/// Made-up values for `operation`'s path parameters, valid in form, never the spec's examples
/// (which may name resources that exist).
#[must_use]
pub fn made_up_path(
    context: &Context<'_>,
    operation: &Operation,
) -> Vec<(String, serde_json::Value)> {
    let spec = context.contract.as_3_0();
    operation
        .parameters
        .iter()
        .filter(|p| p.location == Location::Path)
        .filter_map(|parameter| {
            let at = parameter.schema.as_ref()?;
            let validator = context.contract.parameter_validator(parameter)?;
            let seed = context.seed.wrapping_add(0x5EED);
            let value = made_up_value(spec, at, Direction::Request, seed, validator)?;
            Some((parameter.name.clone(), value))
        })
        .collect()
}

#[cfg(test)]
mod tests;
