//! `response_schema_conformance`: every JSON body (and every line of a JSON lines body, and the
//! data of every event of an event stream) matches the schema documented for its status and
//! media type, with OpenAPI 3.0 semantics (`nullable`, `readOnly`/`writeOnly`, formats,
//! `oneOf`/`allOf`/`anyOf` and discriminators, `additionalProperties`).

use codegen::api::MediaKind;
use codegen::load::JsonPointer;

use super::{answered, CheckInfo, Context};
use crate::event_stream::{self, data_value};
use crate::http::Response;
use crate::schema::Direction;
use crate::suite::exchange::Exchange;
use crate::suite::outcome::Finding;
use crate::wire::read_json_lines;

pub const INFO: CheckInfo = CheckInfo {
    name: "response_schema_conformance",
    summary: "JSON bodies match the schema documented for their status",
};

pub fn check(context: &Context<'_>, exchange: &Exchange) {
    let Some((answer, operation)) = answered(context, exchange) else {
        return;
    };
    let Some(response) = operation.response_for(answer.status) else {
        return;
    };
    let given = answer.header("content-type").unwrap_or("");
    // The media type the answer claims, else the first JSON one documented (a wrong Content-Type
    // is content_type_conformance's finding, not a reason to skip the body).
    let Some(media) = response.media_for(given).filter(|m| {
        matches!(
            m.kind,
            MediaKind::Json | MediaKind::JsonLines | MediaKind::EventStream
        )
    }) else {
        return;
    };
    let Some(at) = &media.schema else { return };
    if media.kind == MediaKind::EventStream {
        return events(context, exchange, answer, at);
    }
    let Some(validator) = context.contract.validator(at, Direction::Response) else {
        return;
    };
    let not_json = |which: &str, error: &serde_json::Error| {
        context.ledger().fail(
            Finding::new(
                INFO.name,
                &exchange.operation,
                format!(
                    "{} {which} is not JSON ({error}): {}",
                    answer.status,
                    answer.body_excerpt(120)
                ),
            )
            .schema_path(at.to_string())
            .seen_in(exchange),
        );
    };
    let violations = match media.kind {
        // A JSON lines body is read line by line.
        MediaKind::JsonLines => match read_json_lines(&answer.body) {
            Ok(lines) => context
                .contract
                .json_lines_violations(at, Direction::Response, &lines),
            Err(wrong) => {
                not_json(&format!("body's line {}", wrong.line), &wrong.error);
                return;
            }
        },
        _ => match serde_json::from_slice(&answer.body) {
            Ok(body) => validator.validate(&body),
            Err(error) => {
                not_json("body", &error);
                return;
            }
        },
    };
    let mut ledger = context.ledger();
    if violations.is_empty() {
        ledger.examined(INFO.name, &exchange.operation);
    }
    for violation in violations {
        ledger.fail(
            Finding::new(
                INFO.name,
                &exchange.operation,
                format!("{} body: {}", answer.status, violation.message),
            )
            .schema_path(violation.schema_path)
            .instance_path(violation.instance_path)
            .seen_in(exchange),
        );
    }
}

/// An event stream, read event by event as a client reads it: each event's data, decoded as the
/// schema's type asks, matches the schema (under an array schema, the events' data together);
/// a body that ends inside an event, which no client dispatches, is a finding too.
fn events(context: &Context<'_>, exchange: &Exchange, answer: &Response, at: &JsonPointer) {
    let fail = |finding: Finding| {
        context
            .ledger()
            .fail(finding.schema_path(at.to_string()).seen_in(exchange));
    };
    let finding = |message: String| Finding::new(INFO.name, &exchange.operation, message);
    let read = event_stream::read([answer.body.as_slice()]);
    if let Some(error) = &read.error {
        let after = read.events.len();
        return fail(finding(format!(
            "{} event stream cannot be read after {after} events: {error}",
            answer.status
        )));
    }
    let kind = context.contract.value_kind(Some(at));
    let mut records = Vec::with_capacity(read.events.len());
    for event in &read.events {
        match data_value(&event.data, &kind) {
            Ok(value) => records.push(value),
            Err(error) => {
                let data: String = event.data.chars().take(120).collect();
                return fail(finding(format!(
                    "{} {}: its data is not JSON ({error}): {data}",
                    answer.status,
                    event.label()
                )));
            }
        }
    }
    let violations = context
        .contract
        .json_lines_violations(at, Direction::Response, &records);
    let cut = read.cut.then(|| read.events.last()).flatten();
    if violations.is_empty() && cut.is_none() {
        context.ledger().examined(INFO.name, &exchange.operation);
    }
    if let Some(event) = cut {
        fail(finding(format!(
            "{} event stream ends inside {}: no blank line dispatches it, so a client never sees it",
            answer.status,
            event.label()
        )));
    }
    for violation in violations {
        // The index leads the instance path: it names the event, the rest the value within.
        let (index, within) = split_index(&violation.instance_path);
        let event = index.and_then(|index| read.events.get(index)).map_or_else(
            || "the events together".to_owned(),
            event_stream::Event::label,
        );
        context.ledger().fail(
            finding(format!("{} {event}: {}", answer.status, violation.message))
                .schema_path(violation.schema_path)
                .instance_path(within)
                .seen_in(exchange),
        );
    }
}

/// `/3/name` → (3, `/name`): the record's index, and the pointer within it.
fn split_index(pointer: &str) -> (Option<usize>, String) {
    let rest = pointer.strip_prefix('/').unwrap_or_default();
    let (first, within) = rest
        .split_once('/')
        .map_or((rest, None), |(first, within)| (first, Some(within)));
    match first.parse() {
        Ok(index) => (
            Some(index),
            within.map_or_else(String::new, |w| format!("/{w}")),
        ),
        Err(_) => (None, pointer.to_owned()),
    }
}
