//! Walking a paginated list: what a spec's `x-pagination` (or Dropshot's
//! `x-dropshot-pagination`) becomes in a generated client.
//!
//! A generated `…_stream` method returns [`Pages`]: a [`Stream`] of the list's items that
//! requests one page at a time, each through the operation's own [`Call`] (so its retry policy,
//! timeout and tracing apply, and its response is read by the operation's own function), and
//! only when the items of the page before have all been taken. How the next page is found, and
//! where the walk ends, is the spec's [`Paging`]; the rules are in [`Next`]'s docs.
//!
//! A page is read twice: by the operation's function, which decides as the plain method does
//! whether it is a success and what its error is, and once into a `serde_json::Value`, from which
//! the items (by the JSON pointer the spec gives) are decoded into the item type and the cursor,
//! the flags and the totals are read. Decoding the typed page and then serializing it back would
//! cost about as much, and would lose what the page type does not keep (a property the schema
//! does not declare, a `null` the type leaves out); reading the body as received keeps the
//! walk to what the server said, and an error to the body it sent.

mod collect;
mod link_header;
mod walk;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::{FusedStream, Stream};
use reqwest::Url;
use serde::de::{DeserializeOwned, Error as _};
use serde::Deserialize as _;
use serde_json::Value;

use crate::{Call, Error, RawResponse, ResponseValue};

pub use collect::Collect;
pub use link_header::next_link;
pub use walk::{CursorFrom, Next, Paging};
use walk::{Page, Position, Walk};

/// The items of a paginated list, page after page: a [`Stream`] of `Result<T, Error<E, EH>>`,
/// where `T` is an item and `E`, `EH` the operation's documented error body and headers.
///
/// - **Lazy, one request at a time.** The first page is requested when the stream is first
///   polled, and each next one only once every item of the page before has been taken. Dropping
///   the stream sends nothing more; nothing runs in the background.
/// - **The operation's own requests.** Every page is requested as the operation's method
///   requests it, with the client's credentials, retry policy and timeout, and its response is
///   read by the operation's own function; a next page's URL (from the body or the `Link`
///   header) is resolved against the URL of the page that gives it.
/// - **An error ends the stream.** A failed page (an error status, a body that does not decode,
///   a connection that fails) is the stream's last item. So is a page the walk cannot go on
///   from although it does not say it is the last, as
///   [`Error::InvalidResponsePayload`] with that page's response: a cursor or URL the walk has
///   already followed (the server would answer the same pages again, for ever), a page of a
///   numbered walk holding the same items as the one before (the server ignores the
///   parameter), a `has_more` flag that is true beside no cursor, a next URL that does not parse
///   or leads to another origin (the credentials would go with it), a cursor that does not fit
///   the parameter's type.
///
/// Read it with `futures`' `StreamExt` (`while let Some(item) = pages.next().await`), or collect
/// at most so many items with [`collect_up_to`](Self::collect_up_to) ([`Collect`]).
#[must_use = "a stream requests nothing until it is polled"]
pub struct Pages<'a, T, E, EH = ()> {
    walk: Walk,
    fetch: Fetch<'a, E, EH>,
    ahead: Ahead<'a, E, EH>,
    /// The items of the last page not yet taken.
    items: std::vec::IntoIter<T>,
}

/// What comes after the items in hand.
enum Ahead<'a, E, EH> {
    /// The request of the next page: built, and sent once polled.
    Fetching(Fetching<'a, E, EH>),
    /// The page just read was the last one the walk can reach, for this reason: yielded after
    /// its items.
    Failing(Error<E, EH>),
    Done,
}

type Fetching<'a, E, EH> = Pin<Box<dyn Future<Output = Result<Fetched, Error<E, EH>>> + Send + 'a>>;

/// Builds the request of the page at a position; `Err` when the position does not fit the
/// parameter it goes in.
type Fetch<'a, E, EH> =
    Box<dyn FnMut(Position) -> Result<Fetching<'a, E, EH>, serde_json::Error> + Send + 'a>;

/// A page the operation's function read as a success, as it was received.
struct Fetched {
    url: Option<Url>,
    response: RawResponse,
}

// Nothing is pinned in place: the requests are pinned in their own boxes.
impl<T, E, EH> Unpin for Pages<'_, T, E, EH> {}

impl<'a, T, E, EH> Pages<'a, T, E, EH>
where
    T: DeserializeOwned,
    E: Send + 'a,
    EH: Send + 'a,
{
    /// The pages of a list whose next page is asked for with a query parameter (a cursor, an
    /// offset or a page number: [`Next::Cursor`], [`Next::Offset`], [`Next::PageNumber`]):
    /// `first` requests the first page, and `next` the page at a position, converted into the
    /// parameter's type `P` (through its JSON form; a number also through its text, for a
    /// string parameter).
    pub fn new<P, Page, H>(
        paging: &'static Paging,
        first: Call<'a, ResponseValue<Page, H>, E, EH>,
        mut next: impl FnMut(P) -> Call<'a, ResponseValue<Page, H>, E, EH> + Send + 'a,
    ) -> Self
    where
        P: DeserializeOwned,
        Page: 'a,
        H: 'a,
    {
        Self::start(
            paging,
            fetching(first),
            Box::new(move |position| match position {
                Position::Parameter(value) => parameter_value(value).map(|p| fetching(next(p))),
                Position::Url(_) => Err(serde_json::Error::custom(
                    "this list gives its next page as a URL; `Pages::by_url` follows those",
                )),
            }),
        )
    }

    /// The pages of a list whose next page is given as a URL ([`Next::BodyUrl`],
    /// [`Next::LinkHeader`]): `first` requests the first page, and `next` the page at a URL,
    /// with the operation's method and credentials.
    pub fn by_url<Page, H>(
        paging: &'static Paging,
        first: Call<'a, ResponseValue<Page, H>, E, EH>,
        mut next: impl FnMut(Url) -> Call<'a, ResponseValue<Page, H>, E, EH> + Send + 'a,
    ) -> Self
    where
        Page: 'a,
        H: 'a,
    {
        Self::start(
            paging,
            fetching(first),
            Box::new(move |position| match position {
                Position::Url(url) => Ok(fetching(next(url))),
                Position::Parameter(_) => Err(serde_json::Error::custom(
                    "this list gives its next page as a query parameter; `Pages::new` sets those",
                )),
            }),
        )
    }

    fn start(paging: &'static Paging, first: Fetching<'a, E, EH>, fetch: Fetch<'a, E, EH>) -> Self {
        Self {
            walk: Walk::new(paging),
            fetch,
            ahead: Ahead::Fetching(first),
            items: Vec::new().into_iter(),
        }
    }

    /// The first `limit` items at most, in order, as a future of `Result<Vec<T>, Error<E, EH>>`:
    /// no page is requested once `limit` items are in hand (none at all for `limit` 0). The
    /// first error is returned instead.
    pub fn collect_up_to(self, limit: usize) -> Collect<'a, T, E, EH> {
        Collect::new(self, limit)
    }
}

impl<T, E, EH> Pages<'_, T, E, EH>
where
    T: DeserializeOwned,
{
    /// Takes in a page: its items, and the request of the page after it (built, not sent) or
    /// why there is none.
    // The error is what every operation returns; boxing it here would not make that smaller.
    #[allow(clippy::result_large_err)]
    fn read(&mut self, fetched: Fetched) -> Result<(), Error<E, EH>> {
        let Fetched { url, response } = fetched;
        let mut body: Value = serde_json::from_slice(response.body())
            .map_err(|error| invalid_payload(&response, error))?;
        let pointer = self.walk.paging().items;
        let items = match body.pointer_mut(pointer).map(Value::take) {
            Some(Value::Array(items)) => items,
            None | Some(Value::Null) => Vec::new(),
            Some(_) => {
                let error = serde_json::Error::custom(format!("`{pointer}` is not an array"));
                return Err(invalid_payload(&response, error));
            }
        };
        let after = self.walk.after(&Page {
            url: url.as_ref(),
            headers: response.headers(),
            body: &body,
            items: &items,
        });
        self.items = Vec::<T>::deserialize(Value::Array(items))
            .map_err(|error| invalid_payload(&response, error))?
            .into_iter();
        self.ahead = match after {
            Ok(None) => Ahead::Done,
            Ok(Some(position)) => match (self.fetch)(position) {
                Ok(request) => Ahead::Fetching(request),
                Err(error) => Ahead::Failing(invalid_payload(&response, error)),
            },
            Err(reason) => Ahead::Failing(invalid_payload(
                &response,
                serde_json::Error::custom(reason),
            )),
        };
        Ok(())
    }
}

impl<T, E, EH> Stream for Pages<'_, T, E, EH>
where
    T: DeserializeOwned,
{
    type Item = Result<T, Error<E, EH>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.items.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match std::mem::replace(&mut this.ahead, Ahead::Done) {
                Ahead::Done => return Poll::Ready(None),
                Ahead::Failing(error) => return Poll::Ready(Some(Err(error))),
                Ahead::Fetching(mut request) => match request.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.ahead = Ahead::Fetching(request);
                        return Poll::Pending;
                    }
                    Poll::Ready(Err(error)) => return Poll::Ready(Some(Err(error))),
                    Poll::Ready(Ok(fetched)) => {
                        if let Err(error) = this.read(fetched) {
                            return Poll::Ready(Some(Err(error)));
                        }
                    }
                },
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let in_hand = self.items.len();
        match self.ahead {
            Ahead::Done => (in_hand, Some(in_hand)),
            Ahead::Failing(_) => (in_hand + 1, Some(in_hand + 1)),
            Ahead::Fetching(_) => (in_hand, None),
        }
    }
}

impl<T, E, EH> FusedStream for Pages<'_, T, E, EH>
where
    T: DeserializeOwned,
{
    fn is_terminated(&self) -> bool {
        matches!(self.ahead, Ahead::Done) && self.items.len() == 0
    }
}

impl<T, E, EH> fmt::Debug for Pages<'_, T, E, EH> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.ahead {
            Ahead::Fetching(_) => "requesting the next page",
            Ahead::Failing(_) => "failing after these items",
            Ahead::Done => "at the last page",
        };
        f.debug_struct("Pages")
            .field("paging", self.walk.paging())
            .field("items_in_hand", &self.items.len())
            .field("state", &state)
            .finish_non_exhaustive()
    }
}

/// A page's request, type-erased to what the walk needs: the response as received once the
/// operation's function has read it as a success.
struct PageRequest<'a, Page, H, E, EH> {
    call: Call<'a, ResponseValue<Page, H>, E, EH>,
    url: Option<Url>,
}

fn fetching<'a, Page: 'a, H: 'a, E: Send + 'a, EH: Send + 'a>(
    call: Call<'a, ResponseValue<Page, H>, E, EH>,
) -> Fetching<'a, E, EH> {
    let url = call.url().cloned();
    Box::pin(PageRequest { call, url })
}

impl<Page, H, E, EH> Future for PageRequest<'_, Page, H, E, EH> {
    type Output = Result<Fetched, Error<E, EH>>;

    // The error is what every operation returns; boxing it here would not make that smaller.
    #[allow(clippy::result_large_err)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        this.call.poll_response(cx).map(|answer| {
            let (response, decode) = answer?;
            // The typed page is not kept: the walk reads the body as received.
            decode(response.clone())?;
            Ok(Fetched {
                url: this.url.take(),
                response,
            })
        })
    }
}

/// A position as the value of the parameter it goes in: through its JSON form, and a number or
/// boolean also through its text (a numeric cursor for a string parameter).
fn parameter_value<P: DeserializeOwned>(value: Value) -> Result<P, serde_json::Error> {
    P::deserialize(&value).or_else(|error| match value {
        Value::Number(_) | Value::Bool(_) => {
            P::deserialize(Value::String(value.to_string())).map_err(|_| error)
        }
        _ => Err(error),
    })
}

fn invalid_payload<E, EH>(response: &RawResponse, error: serde_json::Error) -> Error<E, EH> {
    Error::InvalidResponsePayload {
        status: response.status(),
        headers: response.headers().clone(),
        body: response.body().clone(),
        error,
    }
}

#[cfg(test)]
mod tests;
