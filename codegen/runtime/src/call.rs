//! [`Call`]: the future every generated operation method returns.
//!
//! A method builds its request when called and hands it to [`Transport::call`]; the `Call`
//! sends it when awaited and decodes the response with the operation's function. A streaming
//! method's `Call` (from [`Transport::events`] and its siblings) instead ends when the stream
//! begins, and gives the stream. Being one named type (not an `async fn`'s anonymous future), it
//! can be stored in a struct, and a generated crate with hundreds of operations has no async
//! body of its own to check.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use reqwest::Url;

use crate::transport::{Operation, Transport};
use crate::{Error, RawResponse};

type Sending<'a> = Pin<Box<dyn Future<Output = Result<RawResponse, reqwest::Error>> + Send + 'a>>;

/// Sending a streaming method's request until its stream begins, or its error is read.
pub(crate) type Opening<'a, T, E, EH> =
    Pin<Box<dyn Future<Output = Result<T, Error<E, EH>>> + Send + 'a>>;

/// A request to one operation, sent when awaited: its output is the operation's success value
/// `T`, or an [`Error`] with the documented error body `E` and headers `EH`.
///
/// It borrows the client it came from, not the method's arguments. It is `Send` when `E` and
/// `EH` are, so it can be spawned.
#[must_use = "a call sends nothing until it is awaited"]
pub struct Call<'a, T, E, EH = ()> {
    operation: &'a Operation,
    /// Where the request goes, query included: a page walk resolves a relative next URL against
    /// it and reads the position and page size it asked for there.
    url: Option<Url>,
    stage: Stage<'a, T, E, EH>,
}

/// How an operation reads its response: the function of the generated `responses` module.
pub(crate) type Decode<T, E, EH> = fn(RawResponse) -> Result<T, Error<E, EH>>;

/// A response as received with the function that reads it, or why there is none.
type Received<T, E, EH> = Result<(RawResponse, Decode<T, E, EH>), Error<E, EH>>;

enum Stage<'a, T, E, EH> {
    /// The request could not be built (its body did not encode): the error, once.
    NotBuilt(Error<E, EH>),
    Sending {
        response: Sending<'a>,
        decode: Decode<T, E, EH>,
    },
    Opening(Opening<'a, T, E, EH>),
    Done,
}

// No field is ever pinned in place: the request's future is pinned in its own box.
impl<T, E, EH> Unpin for Call<'_, T, E, EH> {}

impl Transport {
    /// The [`Call`] of `request` to `operation`, whose response `decode` reads (the function
    /// of the generated `responses` module), or of the error that kept the request from being
    /// built.
    pub fn call<'a, T, E, EH>(
        &'a self,
        operation: &'a Operation,
        request: Result<reqwest::RequestBuilder, Error<E, EH>>,
        decode: fn(RawResponse) -> Result<T, Error<E, EH>>,
    ) -> Call<'a, T, E, EH> {
        // Built here rather than when sent, so that the call knows its URL before it is awaited.
        let (url, stage) = match request.map(reqwest::RequestBuilder::build_split) {
            Ok((_, Ok(request))) => (
                Some(request.url().clone()),
                Stage::Sending {
                    response: Box::pin(self.send_request(operation, request)),
                    decode,
                },
            ),
            Ok((_, Err(error))) => (None, Stage::NotBuilt(Error::Communication(error))),
            Err(error) => (None, Stage::NotBuilt(error)),
        };
        Call {
            operation,
            url,
            stage,
        }
    }
}

impl<T, E, EH> Call<'_, T, E, EH> {
    /// The URL the request goes to, query included; `None` when the request could not be
    /// built (awaiting the call then returns why).
    #[must_use]
    pub fn url(&self) -> Option<&Url> {
        self.url.as_ref()
    }

    /// Sends the request, and once it is answered hands back the response as received and the
    /// operation's function that reads it, for a caller that needs the body beside its decoding
    /// (a page walk reads its position there).
    pub(crate) fn poll_response(&mut self, cx: &mut Context<'_>) -> Poll<Received<T, E, EH>> {
        match std::mem::replace(&mut self.stage, Stage::Done) {
            Stage::Sending {
                mut response,
                decode,
            } => match response.as_mut().poll(cx) {
                Poll::Pending => {
                    self.stage = Stage::Sending { response, decode };
                    Poll::Pending
                }
                Poll::Ready(Ok(raw)) => Poll::Ready(Ok((raw, decode))),
                Poll::Ready(Err(error)) => Poll::Ready(Err(Error::Communication(error))),
            },
            Stage::NotBuilt(error) => Poll::Ready(Err(error)),
            // Only `Transport::call` makes the calls whose responses are read here (a page walk
            // pages whole-body operations); a streaming call's answer is its stream.
            Stage::Opening(_) => panic!(
                "the response of the streaming call to `{}` is read as its stream",
                self.operation.id()
            ),
            Stage::Done => panic!(
                "the call to `{}` was polled after it completed",
                self.operation.id()
            ),
        }
    }
}

impl<'a, T, E, EH> Call<'a, T, E, EH> {
    /// The call of a streaming method: `opening` sends the request and gives its stream.
    pub(crate) fn opening(operation: &'a Operation, opening: Opening<'a, T, E, EH>) -> Self {
        Call {
            operation,
            url: None,
            stage: Stage::Opening(opening),
        }
    }

    /// The call of a request that could not be built: `error`, once.
    pub(crate) fn not_built(operation: &'a Operation, error: Error<E, EH>) -> Self {
        Call {
            operation,
            url: None,
            stage: Stage::NotBuilt(error),
        }
    }
}

impl<T, E, EH> Future for Call<'_, T, E, EH> {
    type Output = Result<T, Error<E, EH>>;

    // The error is what every operation returns; boxing it here would not make that smaller.
    #[allow(clippy::result_large_err)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Stage::Opening(opening) = &mut this.stage {
            let opened = std::task::ready!(opening.as_mut().poll(cx));
            this.stage = Stage::Done;
            return Poll::Ready(opened);
        }
        this.poll_response(cx)
            .map(|answer| answer.and_then(|(raw, decode)| decode(raw)))
    }
}

impl<T, E, EH> fmt::Debug for Call<'_, T, E, EH> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stage = match self.stage {
            Stage::NotBuilt(_) => "not built",
            Stage::Sending { .. } | Stage::Opening(_) => "sending",
            Stage::Done => "done",
        };
        f.debug_struct("Call")
            .field("operation", &self.operation.id())
            .field("state", &stage)
            .finish()
    }
}
