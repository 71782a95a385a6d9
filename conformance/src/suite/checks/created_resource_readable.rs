//! `created_resource_readable`: what a create accepted can be read back, and reads back as it
//! was sent. Switched on by a resource the paths describe (`POST /things` and
//! `GET /things/{thingId}`, see [`crate::suite::resources`]); the identifier comes from the
//! create's answer.

use serde_json::Value;

use super::{CheckInfo, Context};
use crate::suite::exchange::Exchange;
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "created_resource_readable",
    summary: "a created resource can be read back, with the values it was created with",
};

/// Judges the read (`read`) of what `created` made from `sent`.
pub fn judge(
    context: &Context<'_>,
    create: &str,
    created: &Exchange,
    sent: Option<&Value>,
    read: &Exchange,
) {
    let Some(answer) = read.response() else {
        return;
    };
    let created_status = created.response().map_or(0, |a| a.status);
    if !(200..300).contains(&answer.status) {
        context.ledger().fail(
            Finding::new(
                INFO.name,
                create,
                format!(
                    "created with {created_status} (exchange {}), but {} answered {} {}",
                    created.id,
                    read.operation,
                    answer.status,
                    answer.body_excerpt(160)
                ),
            )
            .seen_in(read),
        );
        return;
    }
    let differences = sent
        .map(|sent| differences(sent, &answer.body))
        .unwrap_or_default();
    let mut ledger = context.ledger();
    match differences.first() {
        Some(first) => ledger.fail(
            Finding::new(
                INFO.name,
                create,
                format!(
                    "{} reads back what exchange {} created otherwise: {first}",
                    read.operation, created.id
                ),
            )
            .instance_path(first.split(':').next().unwrap_or_default())
            .seen_in(read),
        ),
        None => ledger.examined(INFO.name, create),
    }
}

/// Where the JSON body `read` differs from the values `sent`: every property sent must read
/// back equal (numbers by value), except `null`, which may read back absent. Properties the
/// server adds are no difference; a read wrapped in `data` is unwrapped.
#[must_use]
pub fn differences(sent: &Value, read: &[u8]) -> Vec<String> {
    let Ok(read) = serde_json::from_slice::<Value>(read) else {
        return Vec::new();
    };
    let read = match (&read, sent) {
        (Value::Object(object), Value::Object(fields))
            if !fields.keys().any(|k| object.contains_key(k)) =>
        {
            object.get("data").unwrap_or(&read)
        }
        _ => &read,
    };
    let mut found = Vec::new();
    compare(sent, Some(read), String::new(), &mut found);
    found
}

fn compare(sent: &Value, read: Option<&Value>, at: String, found: &mut Vec<String>) {
    match (sent, read) {
        (Value::Null, None | Some(Value::Null)) => {}
        (Value::Object(fields), Some(Value::Object(object))) => {
            for (name, value) in fields {
                let inner = format!("{at}/{}", name.replace('~', "~0").replace('/', "~1"));
                // A property the read leaves out may be write-only; only one it shows counts.
                if let Some(read) = object.get(name) {
                    compare(value, Some(read), inner, found);
                }
            }
        }
        (Value::Array(items), Some(Value::Array(read))) if items.len() == read.len() => {
            for (index, (item, read)) in items.iter().zip(read).enumerate() {
                compare(item, Some(read), format!("{at}/{index}"), found);
            }
        }
        (Value::Number(a), Some(Value::Number(b))) if a.as_f64() == b.as_f64() => {}
        // A time may read back in another notation of the same instant (`Z` or `+00:00`,
        // fractions of a second added).
        (Value::String(a), Some(Value::String(b))) if same_instant(a, b) => {}
        (sent, Some(read)) if sent == read => {}
        (sent, read) => {
            let at = if at.is_empty() { "(root)".into() } else { at };
            let read = read.map_or("nothing".to_owned(), Value::to_string);
            found.push(format!("{at}: sent {sent}, read {read}"));
        }
    }
}

fn same_instant(a: &str, b: &str) -> bool {
    match (
        chrono::DateTime::parse_from_rfc3339(a),
        chrono::DateTime::parse_from_rfc3339(b),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::differences;

    #[test]
    fn what_was_sent_must_read_back_and_what_the_server_adds_is_fine() {
        let sent = json!({"title": "a", "n": 1, "tags": ["x"], "gone": null, "secret": "s",
                          "due": "2026-01-02T03:04:05Z"});
        let read = br#"{"id": "note_1", "title": "a", "n": 1.0, "tags": ["x"],
                        "due": "2026-01-02T04:04:05.000+01:00"}"#;
        assert!(differences(&sent, read).is_empty());
        let read = br#"{"data": {"id": "note_1", "title": "b", "n": 1, "tags": []}}"#;
        assert_eq!(
            differences(&sent, read),
            [
                "/title: sent \"a\", read \"b\"",
                "/tags: sent [\"x\"], read []"
            ]
        );
    }
}
