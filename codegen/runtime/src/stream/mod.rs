//! Streamed responses: [`Transport::events`], [`Transport::items`] and [`Transport::bytes`]
//! send a request as [`Transport::call`] does (retries, timeout, tracing) but hand back a
//! success with its body unread, as a stream of events, of JSON items or of bytes.
//!
//! Only a success (`2xx`) in one of the media types the method reads is streamed. Anything
//! else is read whole: an error status is decoded by the operation's `responses` function,
//! as its whole-body method would, into the usual [`Error`]; a success in another media type
//! is [`Error::UnexpectedContentType`]. A `429` or `503` is retried as for any call; a stream,
//! once begun, is never sent again.

mod bytes;
mod error;
mod events;
mod items;

use std::pin::Pin;
use std::time::Duration;

use ::bytes::Bytes;
use futures_core::Stream;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT};
use reqwest::{Request, RequestBuilder, StatusCode};

pub use self::bytes::ByteStream;
pub use self::error::StreamError;
pub use self::events::{Event, EventData, EventStream};
pub use self::items::ItemStream;

use self::items::Framing;
use crate::call::{Call, Decode};
use crate::media_type::{content_type, matches};
use crate::transport::{status_failure, transport_failure, Operation, Outcome, Transport};
use crate::{Error, FromHeaders, RawResponse, ResponseValue};

/// A response body's chunks, as they arrive.
pub(crate) type Chunks = Pin<Box<dyn Stream<Item = Result<Bytes, reqwest::Error>> + Send>>;

/// The media types a streaming method reads.
#[derive(Clone, Copy)]
struct Media {
    types: &'static [&'static str],
    /// Whether a success without a `Content-Type` is streamed too: bytes are bytes, but an
    /// event stream or JSON lines is not assumed of a body that does not say so.
    untyped_too: bool,
}

impl Media {
    fn streams(self, response: &reqwest::Response) -> bool {
        if !response.status().is_success() {
            return false;
        }
        match content_type(response.headers()) {
            Some(given) => self
                .types
                .iter()
                .any(|documented| matches(documented, &given)),
            None => self.untyped_too,
        }
    }
}

/// What a streaming method's stream is made of.
struct Opened {
    chunks: Chunks,
    content_type: String,
    /// The `Last-Event-ID` the request sent.
    last_event_id: Option<String>,
}

impl Transport {
    /// The [`Call`] of a method that reads `text/event-stream`: each event's `data` read as
    /// `data` says. `decode` is the operation's `responses` function, which reads an error
    /// answer. A `Last-Event-ID` header on the request is where
    /// [`EventStream::last_event_id`] starts.
    pub fn events<'a, T, H, X, E, EH>(
        &'a self,
        operation: &'a Operation,
        request: Result<RequestBuilder, Error<E, EH>>,
        data: EventData,
        decode: Decode<X, E, EH>,
    ) -> Call<'a, ResponseValue<EventStream<T>, H>, E, EH>
    where
        T: 'a,
        H: FromHeaders + Send + 'a,
        X: 'a,
        E: Send + 'a,
        EH: Send + 'a,
    {
        let media = Media {
            types: &["text/event-stream"],
            untyped_too: false,
        };
        self.open(operation, request, media, decode, move |opened| {
            EventStream::new(opened.chunks, data, opened.last_event_id)
        })
    }

    /// The [`Call`] of a method that reads JSON lines or a JSON text sequence in one of
    /// `media_types` (the spec's), each item a `T`. `decode` is the operation's `responses`
    /// function, which reads an error answer.
    pub fn items<'a, T, H, X, E, EH>(
        &'a self,
        operation: &'a Operation,
        request: Result<RequestBuilder, Error<E, EH>>,
        media_types: &'static [&'static str],
        decode: Decode<X, E, EH>,
    ) -> Call<'a, ResponseValue<ItemStream<T>, H>, E, EH>
    where
        T: 'a,
        H: FromHeaders + Send + 'a,
        X: 'a,
        E: Send + 'a,
        EH: Send + 'a,
    {
        let media = Media {
            types: media_types,
            untyped_too: false,
        };
        self.open(operation, request, media, decode, |opened| {
            ItemStream::new(opened.chunks, Framing::of(&opened.content_type))
        })
    }

    /// The [`Call`] of a method that reads a binary body in one of `media_types` (the spec's),
    /// or without a `Content-Type`, as it arrives. `decode` is the operation's `responses`
    /// function, which reads an error answer.
    pub fn bytes<'a, H, X, E, EH>(
        &'a self,
        operation: &'a Operation,
        request: Result<RequestBuilder, Error<E, EH>>,
        media_types: &'static [&'static str],
        decode: Decode<X, E, EH>,
    ) -> Call<'a, ResponseValue<ByteStream, H>, E, EH>
    where
        H: FromHeaders + Send + 'a,
        X: 'a,
        E: Send + 'a,
        EH: Send + 'a,
    {
        let media = Media {
            types: media_types,
            untyped_too: true,
        };
        self.open(operation, request, media, decode, |opened| {
            ByteStream::new(opened.chunks)
        })
    }

    fn open<'a, S, H, X, E, EH>(
        &'a self,
        operation: &'a Operation,
        request: Result<RequestBuilder, Error<E, EH>>,
        media: Media,
        decode: Decode<X, E, EH>,
        stream: impl FnOnce(Opened) -> S + Send + 'a,
    ) -> Call<'a, ResponseValue<S, H>, E, EH>
    where
        S: 'a,
        H: FromHeaders + Send + 'a,
        X: 'a,
        E: Send + 'a,
        EH: Send + 'a,
    {
        let built = match request {
            Ok(request) => request.build(),
            Err(error) => return Call::not_built(operation, error),
        };
        let mut request = match built {
            Ok(request) => request,
            Err(error) => return Call::not_built(operation, Error::Communication(error)),
        };
        if let Ok(accept) = HeaderValue::from_str(&media.types.join(", ")) {
            request.headers_mut().entry(ACCEPT).or_insert(accept);
        }
        let last_event_id = request
            .headers()
            .get("last-event-id")
            .and_then(|id| id.to_str().ok())
            .map(str::to_owned);
        Call::opening(
            operation,
            Box::pin(async move {
                match self.send_open(operation, request, media).await {
                    Ok(Answer::Open(response)) => {
                        let status = response.status();
                        let headers = response.headers().clone();
                        let opened = Opened {
                            content_type: content_type(&headers).unwrap_or_default(),
                            chunks: Box::pin(response.bytes_stream()),
                            last_event_id,
                        };
                        let typed = H::from_headers(&headers);
                        Ok(ResponseValue::new(stream(opened), status, typed, headers))
                    }
                    Ok(Answer::Whole(response)) => Err(not_streamed(response, media, decode)),
                    Err(Unanswered::Failed(error)) => Err(Error::Communication(error)),
                    Err(Unanswered::TimedOut(after)) => Err(Error::TimedOut(after)),
                }
            }),
        )
    }

    /// Sends `request` until an attempt is final, with each attempt's timeout ending when the
    /// stream begins.
    async fn send_open(
        &self,
        operation: &Operation,
        request: Request,
        media: Media,
    ) -> Result<Answer, Unanswered> {
        let (client, timeout) = (self.client(), self.timeout());
        self.send_with(operation, request, |request| async move {
            let attempt = async {
                let response = client.execute(request).await.map_err(Unanswered::Failed)?;
                if media.streams(&response) {
                    return Ok(Answer::Open(response));
                }
                let whole = RawResponse::read(response).await;
                whole.map(Answer::Whole).map_err(Unanswered::Failed)
            };
            match timeout {
                Some(limit) => tokio::time::timeout(limit, attempt)
                    .await
                    .unwrap_or(Err(Unanswered::TimedOut(limit))),
                None => attempt.await,
            }
        })
        .await
    }
}

/// An attempt's response: the stream, begun, or anything else, read whole.
enum Answer {
    Open(reqwest::Response),
    Whole(RawResponse),
}

/// An attempt without a response.
enum Unanswered {
    Failed(reqwest::Error),
    TimedOut(Duration),
}

impl Outcome for Result<Answer, Unanswered> {
    fn response(&self) -> Option<(StatusCode, &HeaderMap)> {
        match self {
            Ok(Answer::Open(response)) => Some((response.status(), response.headers())),
            Ok(Answer::Whole(response)) => Some((response.status(), response.headers())),
            Err(_) => None,
        }
    }

    fn failure(&self) -> Option<crate::retry::Failure<'_>> {
        match self {
            Ok(Answer::Open(_)) => None,
            Ok(Answer::Whole(response)) => status_failure(response.status(), response.headers()),
            Err(Unanswered::Failed(error)) => transport_failure(error),
            Err(Unanswered::TimedOut(_)) => Some(crate::retry::Failure::Transport),
        }
    }
}

/// The error of an answer that is not the stream: the operation's documented error (or
/// undocumented status) as its whole-body method reads it, else a success of the wrong kind.
fn not_streamed<X, E, EH>(
    response: RawResponse,
    media: Media,
    decode: Decode<X, E, EH>,
) -> Error<E, EH> {
    if !response.status().is_success() {
        if let Err(error) = decode(response.clone()) {
            return error;
        }
    }
    let (status, headers, body) = response.into_parts();
    Error::UnexpectedContentType {
        status,
        headers,
        body,
        expected: media.types,
    }
}
