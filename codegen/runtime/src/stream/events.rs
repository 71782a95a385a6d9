//! [`EventStream`]: a `text/event-stream` body (server-sent events), parsed as it arrives and
//! each event's `data` decoded as the spec's schema says.
//!
//! The parsing of lines and fields is `sse-stream`'s; what the HTML standard says a client
//! does with the blocks it yields (the last event id kept across events, a block without
//! `data` dispatching nothing, `message` as the type of an unnamed event) is here.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::{FusedStream, Stream};
use serde::de::DeserializeOwned;
use sse_stream::{Sse, SseByteStream};

use super::{Chunks, StreamError};

/// How an event's `data` becomes the stream's item type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventData {
    /// Decoded as JSON: the spec's schema is structured (an object, an array, a number…).
    Json,
    /// Taken as text: the spec's schema is a string (or there is none), so `data: hello` is
    /// `"hello"`, not JSON.
    Text,
}

/// One server-sent event, its `data` decoded as a `T`.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<T> {
    /// The event's type: its `event` field, else `message`.
    pub event: String,
    /// Its `id` field, when it carries a non-empty one. The stream's
    /// [`last_event_id`](EventStream::last_event_id) keeps the last one across events.
    pub id: Option<String>,
    /// Its `retry` field: how long the server asks a client to wait before reconnecting.
    pub retry: Option<Duration>,
    /// Its `data` lines, joined by line feeds and decoded.
    pub data: T,
}

/// A `text/event-stream` body as it arrives: each event is yielded as soon as its closing
/// blank line has arrived, its `data` decoded as a `T` ([`EventData`] says how). Comments
/// (keep-alives) and blocks without `data` yield nothing, though an `id` or `retry` in them is
/// kept.
///
/// An event whose `data` does not decode is a [`StreamError::Data`] naming the event, and the
/// stream goes on with the next. A connection that fails midway, or a field that is not
/// UTF-8, yields one error and ends it. Otherwise it ends when the server closes the body.
///
/// Reconnecting is the caller's: call the method again with
/// [`last_event_id`](Self::last_event_id) as its `last_event_id` argument (sent as the
/// `Last-Event-ID` header), after the [`retry`](Self::retry) the server asked for.
pub struct EventStream<T> {
    blocks: SseByteStream<Chunks>,
    data: EventData,
    last_event_id: Option<String>,
    retry: Option<Duration>,
    ended: bool,
    items: PhantomData<fn() -> T>,
}

impl<T> EventStream<T> {
    /// The events of `chunks`; `last_event_id` is the one the request sent, if any, which stands
    /// until the server sends another.
    pub(crate) fn new(chunks: Chunks, data: EventData, last_event_id: Option<String>) -> Self {
        Self {
            blocks: SseByteStream::new(chunks),
            data,
            last_event_id,
            retry: None,
            ended: false,
            items: PhantomData,
        }
    }

    /// The last event id the server sent (in an event or a block of its own; an empty `id`
    /// clears it), else the `Last-Event-ID` the request sent: what to send when reconnecting.
    #[must_use]
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_event_id.as_deref()
    }

    /// The last reconnection time the server asked for (a `retry` field), if any.
    #[must_use]
    pub fn retry(&self) -> Option<Duration> {
        self.retry
    }

    /// Keeps a block's `id` and `retry`, and makes it an event when it has `data`.
    fn dispatch(&mut self, block: Sse) -> Option<Result<Event<T>, StreamError>>
    where
        T: DeserializeOwned,
    {
        let id = block.id.map(|id| (!id.is_empty()).then_some(id));
        if let Some(sent) = &id {
            self.last_event_id.clone_from(sent);
        }
        let id = id.flatten();
        let retry = block.retry.map(Duration::from_millis);
        if retry.is_some() {
            self.retry = retry;
        }
        let data = block.data?;
        let event = block
            .event
            .filter(|event| !event.is_empty())
            .unwrap_or_else(|| "message".to_owned());
        let decoded = match self.data {
            EventData::Json => serde_json::from_str(&data),
            EventData::Text => serde_json::from_value(serde_json::Value::String(data.clone())),
        };
        Some(match decoded {
            Ok(value) => Ok(Event {
                event,
                id,
                retry,
                data: value,
            }),
            Err(error) => Err(StreamError::Data {
                event,
                id,
                data,
                error,
            }),
        })
    }
}

impl<T: DeserializeOwned> EventStream<T> {
    /// The next event; `None` once the body has ended.
    pub async fn next(&mut self) -> Option<Result<Event<T>, StreamError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

/// A parser's error as the stream reports it: reqwest's own error when the body broke off.
fn stream_error(error: sse_stream::Error) -> StreamError {
    match error {
        sse_stream::Error::Body(source) => match source.downcast::<reqwest::Error>() {
            Ok(error) => StreamError::Transport(*error),
            Err(other) => StreamError::Malformed(other.to_string()),
        },
        other => StreamError::Malformed(other.to_string()),
    }
}

impl<T: DeserializeOwned> Stream for EventStream<T> {
    type Item = Result<Event<T>, StreamError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        while !this.ended {
            match Pin::new(&mut this.blocks).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(block))) => {
                    if let Some(item) = this.dispatch(block) {
                        return Poll::Ready(Some(item));
                    }
                }
                // The parser yields one error and ends.
                Poll::Ready(Some(Err(error))) => {
                    this.ended = true;
                    return Poll::Ready(Some(Err(stream_error(error))));
                }
                Poll::Ready(None) => this.ended = true,
            }
        }
        Poll::Ready(None)
    }
}

impl<T: DeserializeOwned> FusedStream for EventStream<T> {
    fn is_terminated(&self) -> bool {
        self.ended
    }
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("data", &std::any::type_name::<T>())
            .field("last_event_id", &self.last_event_id)
            .field("retry", &self.retry)
            .field("ended", &self.ended)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use futures_util::StreamExt as _;

    fn stream<T>(text: &'static str, data: EventData, sent: Option<&str>) -> EventStream<T> {
        let parts: Vec<Result<Bytes, reqwest::Error>> = text
            .as_bytes()
            .chunks(7)
            .map(|part| Ok(Bytes::copy_from_slice(part)))
            .collect();
        EventStream::new(
            Box::pin(futures_util::stream::iter(parts)),
            data,
            sent.map(str::to_owned),
        )
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Tick {
        n: u32,
    }

    #[tokio::test]
    async fn events_carry_their_type_id_and_retry_and_the_last_id_is_kept() {
        let text = ": keep-alive\n\nid: 1\ndata: {\"n\": 1}\n\nevent: tock\nretry: 1500\r\ndata: {\"n\":\r\ndata: 2}\r\n\r\nid: 9\n\ndata: {\"n\": 3}\n\n";
        let mut events = stream::<Tick>(text, EventData::Json, Some("0"));
        assert_eq!(events.last_event_id(), Some("0"));
        let first = events.next().await.unwrap().unwrap();
        assert_eq!(
            first,
            Event {
                event: "message".to_owned(),
                id: Some("1".to_owned()),
                retry: None,
                data: Tick { n: 1 }
            }
        );
        let second = events.next().await.unwrap().unwrap();
        assert_eq!(second.event, "tock");
        assert_eq!(second.retry, Some(Duration::from_millis(1500)));
        assert_eq!((second.id, second.data), (None, Tick { n: 2 }));
        assert_eq!(events.last_event_id(), Some("1"));
        // A block of its own sets the id; the event after it has none of its own.
        let third = events.next().await.unwrap().unwrap();
        assert_eq!((third.id, third.data), (None, Tick { n: 3 }));
        assert_eq!(events.last_event_id(), Some("9"));
        assert_eq!(events.retry(), Some(Duration::from_millis(1500)));
        assert!(events.next().await.is_none());
        assert!(events.is_terminated());
    }

    #[tokio::test]
    async fn data_that_does_not_decode_names_its_event_and_the_stream_goes_on() {
        let text =
            "event: delta\nid: 4\ndata: {\"n\": 1}\n\ndata: [DONE]\n\nid\ndata: {\"n\": 2}\n\n";
        let items: Vec<_> = stream::<Tick>(text, EventData::Json, None).collect().await;
        assert_eq!(items.len(), 3);
        match &items[1] {
            Err(
                error @ StreamError::Data {
                    event, id, data, ..
                },
            ) => {
                assert_eq!(
                    (event.as_str(), id, data.as_str()),
                    ("message", &None, "[DONE]")
                );
                assert!(!error.ends_stream());
                assert!(error.to_string().starts_with("event `message`"), "{error}");
            }
            other => panic!("{other:?}"),
        }
        let mut events = stream::<Tick>(text, EventData::Json, None);
        while events.next().await.is_some() {}
        // An empty `id` clears the last one.
        assert_eq!(events.last_event_id(), None);
    }

    #[tokio::test]
    async fn text_data_is_taken_as_it_is() {
        let text = "data: hello\ndata: world\n\ndata: {\"n\": 1}\n\n";
        let data: Vec<String> = stream::<String>(text, EventData::Text, None)
            .map(|event| event.unwrap().data)
            .collect()
            .await;
        assert_eq!(data, ["hello\nworld", "{\"n\": 1}"]);
    }

    #[tokio::test]
    async fn a_field_that_is_not_utf8_ends_the_stream() {
        let parts: Vec<Result<Bytes, reqwest::Error>> = vec![
            Ok(Bytes::from_static(b"data: 1\n\n")),
            Ok(Bytes::from_static(b"data: \xff\xfe\n\ndata: 2\n\n")),
        ];
        let events: EventStream<u32> = EventStream::new(
            Box::pin(futures_util::stream::iter(parts)),
            EventData::Json,
            None,
        );
        let items: Vec<_> = events.collect().await;
        assert_eq!(items.len(), 2, "{items:?}");
        assert!(matches!(&items[1], Err(error) if error.ends_stream()));
    }
}
