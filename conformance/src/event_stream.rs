//! `text/event-stream` bodies (server-sent events): read as a browser's `EventSource` reads them,
//! by the `sse-stream` parser the generated clients read them with, so the suite and a
//! client never disagree on where an event ends; and written, for the mock. A schema documented
//! for the media type describes each event's `data` (JSON-decoded, unless the schema is a
//! string), as it describes each line of a JSON lines body.

use std::cell::Cell;
use std::convert::Infallible;
use std::rc::Rc;

use bytes::Bytes;
use futures_util::{FutureExt, StreamExt};
use serde_json::Value;
use sse_stream::SseByteStream;

use crate::wire::ValueKind;

/// One event, as a client dispatches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Its position among the events of the body, from 0.
    pub index: usize,
    /// Its `id:` field (the last one seen, as `EventSource` keeps it), empty when none was sent.
    pub id: String,
    /// Its `event:` field, `message` when none was sent.
    pub name: String,
    pub data: String,
}

impl Event {
    /// How a finding names it: its index, and its id when it has one.
    #[must_use]
    pub fn label(&self) -> String {
        if self.id.is_empty() {
            format!("event {}", self.index)
        } else {
            format!("event {} (id {})", self.index, self.id)
        }
    }
}

/// What reading a body found.
#[derive(Debug, Default)]
pub struct Events {
    /// Every event, in order; the cut one (see `cut`) last.
    pub events: Vec<Event>,
    /// The body ended inside an event (no blank line after its last field), which a client
    /// never dispatches; it is in `events` anyway, so that its data is judged too.
    pub cut: bool,
    /// Why reading stopped early (text that is not UTF-8, say).
    pub error: Option<String>,
}

/// The events of a body that arrived in `chunks`, read one chunk at a time as they would arrive
/// on the wire.
#[must_use]
pub fn read<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> Events {
    // A blank line after the body dispatches an event the body left open: one read after the
    // body ran out is a cut one.
    let ran_out = Rc::new(Cell::new(false));
    let flag = Rc::clone(&ran_out);
    let body = chunks.into_iter().map(Bytes::copy_from_slice);
    let end = std::iter::once(Bytes::from_static(b"\n\n")).inspect(move |_| flag.set(true));
    let chunks = body.chain(end).map(Ok::<_, Infallible>);
    let mut blocks = SseByteStream::new(futures_util::stream::iter(chunks));
    let mut found = Events::default();
    // `EventSource` keeps the last id across events until another arrives (an empty one clears
    // it), and a block without data dispatches nothing.
    let mut last_id = String::new();
    // Every chunk is in memory, so each poll is ready at once.
    while let Some(Some(next)) = blocks.next().now_or_never() {
        match next {
            Ok(block) => {
                if let Some(id) = block.id {
                    last_id = id;
                }
                let Some(data) = block.data else {
                    continue;
                };
                found.cut |= ran_out.get();
                found.events.push(Event {
                    index: found.events.len(),
                    id: last_id.clone(),
                    name: block
                        .event
                        .filter(|name| !name.is_empty())
                        .unwrap_or_else(|| "message".to_owned()),
                    data,
                });
            }
            Err(error) => {
                found.error = Some(error.to_string());
                break;
            }
        }
    }
    found
}

/// The value an event's data stands for under a schema of shape `kind`: the text itself for a
/// string schema, else the JSON it holds (text that is not JSON is kept as text only when the
/// schema gives no type).
pub fn data_value(data: &str, kind: &ValueKind) -> Result<Value, serde_json::Error> {
    match kind {
        ValueKind::String => Ok(Value::String(data.to_owned())),
        ValueKind::Any => {
            Ok(serde_json::from_str(data).unwrap_or_else(|_| Value::String(data.to_owned())))
        }
        _ => serde_json::from_str(data),
    }
}

/// `records` as an event stream: one event each, numbered by `id` from 1, with the record's
/// text as data under a string schema and its JSON otherwise; every event ends with a blank
/// line.
#[must_use]
pub fn write(records: &[Value], kind: &ValueKind) -> Vec<u8> {
    let mut text = String::new();
    for (index, record) in records.iter().enumerate() {
        let data = match (kind, record) {
            (ValueKind::String | ValueKind::Any, Value::String(text)) => text.clone(),
            (_, other) => other.to_string(),
        };
        text.push_str(&format!("id: {}\n", index + 1));
        // A line break inside the data would end the field: each line is a field of its own,
        // and a client joins them with line breaks again.
        for line in data.split('\n') {
            text.push_str("data: ");
            text.push_str(line.strip_suffix('\r').unwrap_or(line));
            text.push('\n');
        }
        text.push('\n');
    }
    text.into_bytes()
}

/// A spec's event-stream text, ending with the blank line that dispatches its last event.
#[must_use]
pub fn normalise(text: &str) -> Vec<u8> {
    let mut text = text.trim_end_matches(['\r', '\n']).to_owned();
    text.push_str("\n\n");
    text.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_read_across_chunks_with_their_ids() {
        let found = read([
            b"id: 7\nda".as_slice(),
            b"ta: {\"a\"".as_slice(),
            b": 1}\n\n: a comment\n\nevent: done\ndata: x\n\n".as_slice(),
        ]);
        assert!(!found.cut && found.error.is_none(), "{found:?}");
        let events: Vec<(String, String, String)> = found
            .events
            .iter()
            .map(|e| (e.id.clone(), e.name.clone(), e.data.clone()))
            .collect();
        assert_eq!(
            events,
            [
                ("7".into(), "message".into(), "{\"a\": 1}".into()),
                ("7".into(), "done".into(), "x".into())
            ]
        );
        assert_eq!(found.events[0].label(), "event 0 (id 7)");
    }

    #[test]
    fn an_event_the_body_leaves_open_is_cut() {
        let found = read([b"data: 1\n\ndata: 2\n".as_slice()]);
        assert!(found.cut);
        assert_eq!(found.events.len(), 2);
        assert_eq!(found.events[1].data, "2");
    }

    #[test]
    fn what_is_written_reads_back() {
        let records = [serde_json::json!({"n": 1}), serde_json::json!("two\nlines")];
        let written = write(&records, &ValueKind::Any);
        let found = read([written.as_slice()]);
        assert!(!found.cut);
        let data: Vec<&str> = found.events.iter().map(|e| e.data.as_str()).collect();
        assert_eq!(data, ["{\"n\":1}", "two\nlines"]);
        assert_eq!(
            data_value(data[0], &ValueKind::Any).ok(),
            Some(serde_json::json!({"n": 1}))
        );
        assert_eq!(normalise("data: x\r\n"), b"data: x\n\n");
    }
}
