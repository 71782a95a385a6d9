//! `long_running_lifecycle`: an operation marked `x-long-running` starts work whose status, read
//! through the named link, only moves forward (in the order of the status enum) and reaches a
//! terminal value within the documented time, and then stays there.

use std::time::{Duration, Instant};

use callspec_runtime::status_text;
use codegen::api::{LongRunning, Malformed, Operation};
use codegen::load::{follow, JsonPointer};
use serde_json::Value;

use super::{CheckInfo, Context};
use crate::suite::exchange::Exchange;
use crate::suite::links::evaluate;
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "long_running_lifecycle",
    summary: "a long-running operation's status only moves forward and finishes within the documented time",
};

/// The first wait between reads; it doubles up to the documented poll interval.
const FIRST_POLL: Duration = Duration::from_millis(50);
/// Reads after the terminal one, to see that it stays.
const CONFIRMATIONS: usize = 2;

/// How one long-running operation went, as the checks that judge it need it.
#[derive(Debug, Clone)]
pub struct Observation {
    pub operation: String,
    /// The operation's `x-long-running`, as the reading typed it.
    pub extension: LongRunning,
    /// The request that started the work, and its answer.
    pub start: Exchange,
    /// Each read and the status it showed (`None`: no status could be read).
    pub readings: Vec<(Exchange, Option<String>)>,
    pub ending: Ending,
    /// The status values in their documented order.
    pub order: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    Terminal(String),
    TimedOut {
        waited: Duration,
        last: Option<String>,
    },
    /// The run could not follow the work (the start was refused, a status outside the enum…).
    Unfollowable(String),
}

/// Starts the work of every `x-long-running` operation once and follows it to its end. A
/// malformed extension is skipped, saying so.
pub async fn observe(context: &Context<'_>) -> Vec<Observation> {
    let mut observations = Vec::new();
    for (_, operation) in context.contract.api.served() {
        match &operation.long_running {
            None => {}
            Some(Err(Malformed)) => context.ledger().skip(
                INFO.name,
                &operation.label,
                "its `x-long-running` is malformed (the spec's warnings say how)",
            ),
            Some(Ok(extension)) => {
                if let Some(observation) = observe_one(context, operation, extension).await {
                    observations.push(observation);
                }
            }
        }
    }
    observations
}

async fn observe_one(
    context: &Context<'_>,
    operation: &Operation,
    extension: &LongRunning,
) -> Option<Observation> {
    let planned = context
        .planner(&operation.label)?
        .valid(1)
        .into_iter()
        .next()?;
    let start = context
        .target
        .send(
            &operation.label,
            "starting long-running work",
            planned.request,
        )
        .await;
    let mut observation = Observation {
        operation: operation.label.clone(),
        order: Vec::new(),
        readings: Vec::new(),
        ending: Ending::Unfollowable(String::new()),
        start: start.clone(),
        extension: extension.clone(),
    };
    let Some(answer) = start.response().filter(|a| (200..300).contains(&a.status)) else {
        let status = start
            .response()
            .map_or_else(|| "no answer".to_owned(), |a| a.status.to_string());
        observation.ending = Ending::Unfollowable(format!("the start was answered {status}"));
        return Some(observation);
    };
    let poll = &context.contract.api.operations[extension.poll];
    observation.order = status_order(context, poll, &extension.status);
    let mut values: Vec<(String, Value)> = Vec::new();
    for binding in &extension.bindings {
        let parameter = &poll.parameters[binding.param];
        let expression = Value::String(binding.expression.clone());
        let Some(value) = evaluate(&expression, operation, &start) else {
            observation.ending = Ending::Unfollowable(format!(
                "`{}` has no value in the {} answer",
                binding.expression, answer.status
            ));
            return Some(observation);
        };
        values.push((
            format!("{}.{}", parameter.location.as_str(), parameter.name),
            value,
        ));
    }
    let call = context
        .planner(&poll.label)?
        .valid_with(&values, context.token())?;
    let timeout = Duration::from_millis(extension.timeout_millis);
    let interval = Duration::from_millis(extension.interval_millis);
    let limit = timeout.min(Duration::from_millis(
        context.config.limits.finish_timeout_ms,
    ));
    let started = Instant::now();
    let mut wait = FIRST_POLL;
    let mut confirmations = 0;
    loop {
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(interval.max(FIRST_POLL));
        let read = context
            .target
            .send(&poll.label, "reading the work's status", call.clone())
            .await;
        if let Err(error) = &read.outcome {
            // No answer is not_a_server_error's finding; waiting longer would not judge more.
            let reason = format!("reading its status got no answer ({error})");
            observation.readings.push((read, None));
            observation.ending = Ending::Unfollowable(reason);
            return Some(observation);
        }
        if let Some(answer) = read.response().filter(|a| !(200..300).contains(&a.status)) {
            // Reading what the start linked to fails: link_availability's finding, and nothing
            // left to follow here.
            let status = answer.status;
            observation.readings.push((read, None));
            observation.ending =
                Ending::Unfollowable(format!("reading its status answered {status}"));
            return Some(observation);
        }
        let status = status_in(&read, &extension.status);
        observation.readings.push((read, status.clone()));
        match &status {
            Some(value) if !observation.order.is_empty() && !observation.order.contains(value) => {
                // A value the spec does not list is response_schema_conformance's finding; where
                // it stands in the lifecycle cannot be told.
                observation.ending =
                    Ending::Unfollowable(format!("status `{value}` is not one the spec lists"));
                return Some(observation);
            }
            Some(value) if extension.is_terminal(value) => {
                if confirmations == CONFIRMATIONS {
                    observation.ending = Ending::Terminal(value.clone());
                    return Some(observation);
                }
                confirmations += 1;
                wait = FIRST_POLL;
            }
            _ if confirmations > 0 => {
                // It left its terminal status; the judgement sees it in the readings.
                observation.ending = Ending::Terminal(String::new());
                return Some(observation);
            }
            _ => {}
        }
        if confirmations == 0 && started.elapsed() >= limit {
            observation.ending = Ending::TimedOut {
                waited: started.elapsed(),
                last: status,
            };
            return Some(observation);
        }
    }
}

/// The status a response's body holds at `pointer`, as a generated client reads it: a string as
/// is, a boolean or number as its JSON text.
fn status_in(exchange: &Exchange, pointer: &str) -> Option<String> {
    let body = exchange.response()?.json_body()?;
    status_text(&body, pointer)
}

/// The values of the status the pointer names, in the order the schema lists them.
fn status_order(context: &Context<'_>, target: &Operation, pointer: &str) -> Vec<String> {
    let spec = context.contract.as_3_0();
    let Some(response) = target.response_for(target.success_status()) else {
        return Vec::new();
    };
    let Some(mut at) = response.content.iter().find_map(|m| m.schema.clone()) else {
        return Vec::new();
    };
    for token in JsonPointer::parse(pointer)
        .map(|p| p.tokens().to_vec())
        .unwrap_or_default()
    {
        let Some(next) = context.contract.property_schema(&at, &token) else {
            return Vec::new();
        };
        at = next;
    }
    enum_values(spec, &at)
}

fn enum_values(spec: &Value, at: &JsonPointer) -> Vec<String> {
    let Ok((at, schema)) = follow(spec, at) else {
        return Vec::new();
    };
    if let Some(Value::Array(values)) = schema.get("enum") {
        // As statuses are read: `true` and `3` as their JSON text.
        return values
            .iter()
            .filter_map(|value| status_text(value, ""))
            .collect();
    }
    match schema.get("allOf").and_then(Value::as_array) {
        Some(members) => (0..members.len())
            .map(|index| enum_values(spec, &at.join("allOf").join(index.to_string())))
            .find(|values| !values.is_empty())
            .unwrap_or_default(),
        None => Vec::new(),
    }
}

pub fn judge(context: &Context<'_>, observation: &Observation) {
    let name = INFO.name;
    let operation = &observation.operation;
    let extension = &observation.extension;
    let fail = |message: String, exchange: usize| {
        context.ledger().fail(
            Finding::new(name, operation, message)
                .schema_path(extension.pointer.to_string())
                .exchange(exchange),
        );
    };
    if let Ending::Unfollowable(reason) = &observation.ending {
        context.ledger().skip(
            name,
            operation,
            format!("could not follow the work: {reason}"),
        );
        return;
    }
    let first = status_in(&observation.start, &extension.status);
    let rank = |status: &str| -> usize {
        if extension.is_terminal(status) {
            usize::MAX
        } else {
            observation
                .order
                .iter()
                .position(|s| s == status)
                .unwrap_or(0)
        }
    };
    let mut previous: Option<(String, usize)> = first.map(|s| (s, observation.start.id));
    let mut broken = false;
    for (exchange, status) in &observation.readings {
        let Some(status) = status else { continue };
        if let Some((before, _)) = &previous {
            let backwards = if extension.is_terminal(before) {
                status != before
            } else {
                rank(status) < rank(before)
            };
            if backwards && !broken {
                broken = true;
                fail(
                    format!(
                        "the status went from `{before}` back to `{status}` (after {} reads)",
                        observation.readings.len()
                    ),
                    exchange.id,
                );
            }
        }
        previous = Some((status.clone(), exchange.id));
    }
    if let Ending::TimedOut { waited, last } = &observation.ending {
        let terminal: Vec<&str> = extension
            .succeeded
            .iter()
            .chain(&extension.failed)
            .map(String::as_str)
            .collect();
        fail(
            format!(
                "no terminal status ({}) within {:.1} s; the last read showed {}",
                terminal.join(", "),
                waited.as_secs_f64(),
                last.as_deref()
                    .map_or_else(|| "no status".to_owned(), |s| format!("`{s}`"))
            ),
            observation
                .readings
                .last()
                .map_or(observation.start.id, |(e, _)| e.id),
        );
        return;
    }
    if !broken {
        context.ledger().examined(name, operation);
    }
}
