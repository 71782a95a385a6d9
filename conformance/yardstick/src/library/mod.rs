//! The library API (`specs/library.json`): books per account behind bearer tokens, errors as
//! `{"error": {...}}`, page-numbered lists linked by RFC 8288 `Link` headers, ETags with
//! `If-None-Match`, and IETF `RateLimit-*` headers counted down per token.

mod catalogue;
mod error;
mod input;
mod rate_limit;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use crate::fault::{Fault, Faults};
use crate::request::{integer, Incoming};
use crate::{response, timestamp};
use catalogue::{Book, Catalogue};
use error::Refusal;
use rate_limit::{Quota, RateLimits, LIMIT};

/// The bearer tokens: one account each.
pub const TOKENS: [&str; 2] = ["lib_tok_ada_7f3a91", "lib_tok_grace_2b8e40"];

/// The largest `bookId` the spec allows (2^53 - 1).
const MAX_ID: u64 = 9_007_199_254_740_991;

struct Library {
    faults: Faults,
    store: Mutex<Catalogue>,
    rate_limits: Mutex<RateLimits>,
    /// Requests received, for [`crate::Served::requests`].
    requests: Arc<AtomicU64>,
}

/// What a request asks for.
enum Operation<'a> {
    List,
    Add,
    Fetch(&'a str),
    Replace(&'a str),
    Remove(&'a str),
}

pub(crate) fn router(faults: Faults, requests: Arc<AtomicU64>) -> axum::Router {
    let library = Library {
        faults,
        store: Mutex::new(Catalogue::seeded(TOKENS)),
        rate_limits: Mutex::new(RateLimits::default()),
        requests,
    };
    axum::Router::new()
        .fallback(handle)
        .with_state(Arc::new(library))
}

async fn handle(State(library): State<Arc<Library>>, request: axum::extract::Request) -> Response {
    library.requests.fetch_add(1, Ordering::Relaxed);
    let incoming = Incoming::read(request).await;
    library.answer(&incoming)
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Library {
    fn answer(&self, incoming: &Incoming) -> Response {
        let method = &incoming.method;
        let path = incoming.path();
        let operation = match path.as_slice() {
            ["books"] if method == Method::GET => Operation::List,
            ["books"] if method == Method::POST => Operation::Add,
            ["books"] => return self.method_not_allowed("GET, POST"),
            ["books", id] if method == Method::GET => Operation::Fetch(id),
            ["books", id] if method == Method::PUT => Operation::Replace(id),
            ["books", id] if method == Method::DELETE => Operation::Remove(id),
            ["books", _] => return self.method_not_allowed("GET, PUT, DELETE"),
            _ => return Refusal::not_found("such resource").response(),
        };
        let Some(account) = self.account(incoming) else {
            return Refusal::unauthorized().response();
        };
        let quota = lock(&self.rate_limits).take(account);
        let answered = if quota.exhausted {
            Err(Refusal::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "no requests left in this window",
            ))
        } else {
            match operation {
                Operation::List => self.list(incoming, account),
                Operation::Add => self.add(incoming, account),
                Operation::Fetch(id) => self.fetch(incoming, account, id),
                Operation::Replace(id) => self.replace(incoming, account, id),
                Operation::Remove(id) => self.remove(account, id),
            }
        };
        let mut answer = answered.unwrap_or_else(Refusal::response);
        self.tell(&mut answer, quota);
        answer
    }

    /// The account of the request's bearer token.
    fn account<'a>(&self, incoming: &'a Incoming) -> Option<&'a str> {
        let value = incoming.header("authorization")?;
        let (scheme, token) = value.split_once(' ')?;
        let token = token.trim();
        let known = TOKENS.contains(&token);
        let any = self.faults.has(Fault::LibraryAnyBearerAccepted) && !token.is_empty();
        (scheme.eq_ignore_ascii_case("bearer") && (known || any)).then_some(token)
    }

    /// The `RateLimit-*` headers of `quota`.
    fn tell(&self, answer: &mut Response, quota: Quota) {
        let remaining = if self.faults.has(Fault::LibraryRemainingConstant) {
            LIMIT
        } else {
            quota.remaining
        };
        let reset = if self.faults.has(Fault::LibraryResetAsDate) {
            timestamp::http_date(timestamp::now() + quota.reset)
        } else {
            quota.reset.to_string()
        };
        response::set(answer, "ratelimit-limit", &LIMIT.to_string());
        response::set(answer, "ratelimit-remaining", &remaining.to_string());
        response::set(answer, "ratelimit-reset", &reset);
    }

    fn list(&self, incoming: &Incoming, account: &str) -> Result<Response, Refusal> {
        let page = number_parameter(incoming, "page", 1, 100_000, 1)?;
        let per_page = number_parameter(incoming, "per_page", 1, 100, 20)?;
        let store = lock(&self.store);
        let (books, more) = store.page(account, page, per_page);
        let body: Vec<Value> = books.iter().map(|book| self.render(book)).collect();
        let mut answer = response::body(StatusCode::OK, "application/json", &json!(body));
        if more || self.faults.has(Fault::LibraryPaginationNeverEnds) {
            let next = format!(
                "</books?page={}&per_page={per_page}>; rel=\"next\"",
                page + 1
            );
            response::set(&mut answer, "link", &next);
        }
        Ok(answer)
    }

    fn add(&self, incoming: &Incoming, account: &str) -> Result<Response, Refusal> {
        let input = self.book_input(incoming)?;
        let book = lock(&self.store).add(account, input);
        let mut shown = self.render(&book);
        if self.faults.has(Fault::BookAddedIdWrong) {
            shown["id"] = serde_json::Value::from(book.id + 1000);
        }
        let mut answer = response::body(StatusCode::CREATED, "application/json", &shown);
        response::set(&mut answer, "location", &format!("/books/{}", book.id));
        Ok(answer)
    }

    fn fetch(&self, incoming: &Incoming, account: &str, id: &str) -> Result<Response, Refusal> {
        let id = self.book_id(id)?;
        let scope = (!self.faults.has(Fault::BookOtherAccountCanRead)).then_some(account);
        let store = lock(&self.store);
        let book = store
            .find(id, scope)
            .ok_or_else(|| Refusal::not_found(&format!("book {id}")))?;
        let etag = book.etag();
        let held = incoming.header("if-none-match").unwrap_or_default();
        let mut answer = if matches(held, &etag) && !self.faults.has(Fault::BookIfNoneMatchIgnored)
        {
            response::empty(StatusCode::NOT_MODIFIED)
        } else if self.faults.has(Fault::BookAsTextPlain) {
            let text = self.render(book).to_string();
            response::text(StatusCode::OK, "text/plain; charset=utf-8", text)
        } else {
            response::body(StatusCode::OK, "application/json", &self.render(book))
        };
        response::set(&mut answer, "etag", &etag);
        Ok(answer)
    }

    fn replace(&self, incoming: &Incoming, account: &str, id: &str) -> Result<Response, Refusal> {
        let id = self.book_id(id)?;
        let input = self.book_input(incoming)?;
        let mut store = lock(&self.store);
        let mut book = store
            .find(id, Some(account))
            .cloned()
            .ok_or_else(|| Refusal::not_found(&format!("book {id}")))?;
        book.input = input;
        book.version += 1;
        let mut answer = response::body(StatusCode::OK, "application/json", &self.render(&book));
        response::set(&mut answer, "etag", &book.etag());
        if !self.faults.has(Fault::BookPutNotPersisted) {
            store.put(book);
        }
        Ok(answer)
    }

    fn remove(&self, account: &str, id: &str) -> Result<Response, Refusal> {
        let id = self.book_id(id)?;
        let mut store = lock(&self.store);
        if store.find(id, Some(account)).is_none() {
            return Err(Refusal::not_found(&format!("book {id}")));
        }
        Ok(match store.remove(id) {
            Some(book) if self.faults.has(Fault::BookRemoveAnswers200) => {
                response::body(StatusCode::OK, "application/json", &self.render(&book))
            }
            _ => response::empty(StatusCode::NO_CONTENT),
        })
    }

    /// A `bookId`: an integer from 1 to 2^53 - 1.
    fn book_id(&self, text: &str) -> Result<u64, Refusal> {
        let id = integer(text)
            .and_then(|id| u64::try_from(id).ok())
            .filter(|id| (1..=MAX_ID).contains(id))
            .ok_or_else(|| {
                Refusal::invalid("bookId must be an integer from 1 to 9007199254740991")
            })?;
        if self.faults.has(Fault::BookLargeId500) && i32::try_from(id).is_err() {
            return Err(Refusal::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "id out of range for the books table",
            ));
        }
        Ok(id)
    }

    /// The body of an add or a replacement.
    fn book_input(&self, incoming: &Incoming) -> Result<input::BookInput, Refusal> {
        if incoming.media_type().as_deref() != Some("application/json") {
            return Err(Refusal::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the book as application/json",
            ));
        }
        let value = incoming.json().map_err(Refusal::invalid)?;
        let lenient = self.faults.has(Fault::BookUnknownFieldsAccepted);
        input::book_input(&value, lenient).map_err(Refusal::invalid)
    }

    fn render(&self, book: &Book) -> Value {
        let input = &book.input;
        let isbn = if self.faults.has(Fault::BookIsbnWithHyphens) {
            format!("{}-{}", &input.isbn[..3], &input.isbn[3..])
        } else {
            input.isbn.clone()
        };
        let mut value = json!({
            "id": book.id,
            "isbn": isbn,
            "title": input.title,
            "authors": input.authors,
        });
        let object = value.as_object_mut();
        if let Some(object) = object {
            if let Some(year) = input.published_year {
                let year = if self.faults.has(Fault::BookYearAsString) {
                    json!(year.to_string())
                } else {
                    json!(year)
                };
                object.insert("publishedYear".into(), year);
            }
            if let Some(genre) = &input.genre {
                object.insert("genre".into(), json!(genre));
            }
            object.insert("available".into(), json!(input.available));
            object.insert("addedAt".into(), json!(timestamp::rfc3339(book.added_at)));
        }
        value
    }
}

/// Query parameter `name`: absent (`default`), or given once as an integer from `min` to `max`.
fn number_parameter(
    incoming: &Incoming,
    name: &str,
    min: u64,
    max: u64,
    default: u64,
) -> Result<u64, Refusal> {
    let refusal = || Refusal::invalid(format!("{name} must be an integer from {min} to {max}"));
    match incoming.single(name) {
        Err(_) => Err(refusal()),
        Ok(None) => Ok(default),
        Ok(Some(text)) => integer(text)
            .and_then(|n| u64::try_from(n).ok())
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(refusal),
    }
}

/// Whether `If-None-Match` (a list of entity tags, or `*`) holds `etag`, compared weakly.
fn matches(held: &str, etag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    held.split(',')
        .any(|tag| tag.trim() == "*" || opaque(tag) == opaque(etag))
}

impl Library {
    fn method_not_allowed(&self, allowed: &str) -> Response {
        if self.faults.has(Fault::LibraryUnknownMethod404) {
            return Refusal::not_found("such resource").response();
        }
        method_not_allowed(allowed)
    }
}

fn method_not_allowed(allowed: &str) -> Response {
    let mut answer = Refusal::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("this path takes {allowed}"),
    )
    .response();
    response::set(&mut answer, "allow", allowed);
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_compares_entity_tags_weakly() {
        assert!(matches("\"b1v2\"", "\"b1v2\""));
        assert!(matches("W/\"b1v2\", \"x\"", "\"b1v2\""));
        assert!(matches("*", "\"b1v2\""));
        assert!(!matches("\"b1v1\"", "\"b1v2\""));
        assert!(!matches("", "\"b1v2\""));
    }
}
