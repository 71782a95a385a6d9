//! The notes API (`specs/notes.yaml`): notes per tenant behind an API key, problem details for
//! errors, cursor pagination, JSON merge patch, and `X-Request-Id` on every response.

mod input;
mod notebook;
mod problem;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use crate::fault::{Fault, Faults};
use crate::request::{integer, Incoming};
use crate::{response, timestamp};
use notebook::{Note, Notebook};
use problem::{bad_request, not_found, unauthorized, unprocessable, unsupported_media_type};

/// The API keys: one tenant each.
pub const KEYS: [&str; 2] = ["nk_test_alpha_4c1d", "nk_test_bravo_9e2f"];

/// Titles longer than this make storage fail under [`Fault::NoteLongTitle500`].
const STORED_TITLE: usize = 100;

struct Notes {
    faults: Faults,
    store: Mutex<Notebook>,
    /// Requests received, for the request ids and for [`crate::Served::requests`].
    requests: Arc<AtomicU64>,
}

pub(crate) fn router(faults: Faults, requests: Arc<AtomicU64>) -> axum::Router {
    let notes = Notes {
        faults,
        store: Mutex::new(Notebook::seeded()),
        requests,
    };
    axum::Router::new()
        .fallback(handle)
        .with_state(Arc::new(notes))
}

async fn handle(State(notes): State<Arc<Notes>>, request: axum::extract::Request) -> Response {
    let count = notes.requests.fetch_add(1, Ordering::Relaxed) + 1;
    let incoming = Incoming::read(request).await;
    let mut answer = notes.answer(&incoming);
    let failed = answer.status().is_client_error() || answer.status().is_server_error();
    if !(failed && notes.faults.has(Fault::NoteRequestIdMissingOnErrors)) {
        let id = format!("req_{:016x}", count.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        response::set(&mut answer, "x-request-id", &id);
    }
    answer
}

impl Notes {
    fn answer(&self, incoming: &Incoming) -> Response {
        let faults = &self.faults;
        let method = &incoming.method;
        match incoming.path().as_slice() {
            ["notes"] if method == Method::GET => self.list(incoming),
            ["notes"] if method == Method::POST => self.create(incoming),
            ["notes"] => method_not_allowed(faults, "GET, POST"),
            ["notes", id] if method == Method::GET => self.get(incoming, id),
            ["notes", id] if method == Method::PATCH => self.update(incoming, id),
            ["notes", id] if method == Method::DELETE => self.delete(incoming, id),
            ["notes", _] => method_not_allowed(faults, "GET, PATCH, DELETE"),
            _ => problem::problem(
                faults,
                StatusCode::NOT_FOUND,
                "not-found",
                "no such resource",
            ),
        }
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Notebook> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The tenant whose key the request carries.
    fn tenant(&self, incoming: &Incoming) -> Option<usize> {
        let key = incoming.header("x-api-key")?;
        KEYS.iter().position(|known| *known == key)
    }

    fn list(&self, incoming: &Incoming) -> Response {
        let faults = &self.faults;
        let tenant = self.tenant(incoming);
        if tenant.is_none() && !faults.has(Fault::NoteListWithoutKey) {
            return unauthorized(faults);
        }
        let limit = match incoming.single("limit") {
            Err(_) => return bad_request(faults, "give limit once"),
            Ok(None) => 20,
            Ok(Some(text)) => match integer(text) {
                Some(n @ 1..=50) => n as usize,
                Some(51..) if faults.has(Fault::NoteLimitMaximumIgnored) => 50,
                _ => return bad_request(faults, "limit must be an integer from 1 to 50"),
            },
        };
        let after = match incoming.single("cursor") {
            Err(_) => return bad_request(faults, "give cursor once"),
            Ok(None) => 0,
            Ok(Some(text)) => match cursor(text) {
                Some(after) => after,
                None => return bad_request(faults, "cursor is not one this service gave"),
            },
        };
        let Some(tenant) = tenant else {
            return response::body(
                StatusCode::OK,
                "application/json",
                &json!({"items": [], "next_cursor": null}),
            );
        };
        let store = self.store();
        let repeat = faults.has(Fault::NotePaginationRepeatsItem) && after > 0;
        let (page, next) = store.page(tenant, after, repeat, limit);
        let items: Vec<Value> = page.iter().map(|note| render(note)).collect();
        let next_cursor = next.map(|number| format!("c{number}"));
        response::body(
            StatusCode::OK,
            "application/json",
            &json!({"items": items, "next_cursor": next_cursor}),
        )
    }

    fn create(&self, incoming: &Incoming) -> Response {
        let faults = &self.faults;
        let Some(tenant) = self.tenant(incoming) else {
            return unauthorized(faults);
        };
        if incoming.media_type().as_deref() != Some("application/json") {
            return unsupported_media_type(faults, "application/json");
        }
        let value = match incoming.json() {
            Ok(value) => value,
            Err(reason) => return bad_request(faults, reason),
        };
        let fields = match input::new_note(&value) {
            Ok(fields) => fields,
            Err(reason) => return unprocessable(faults, reason),
        };
        let title = fields.title.unwrap_or_default();
        if let Some(failure) = self.storage_failure(&title) {
            return failure;
        }
        let mut store = self.store();
        let now = timestamp::now();
        let default_status = if faults.has(Fault::NoteStatusOutsideEnum) {
            "new"
        } else {
            "draft"
        };
        let note = Note {
            number: store.next_number(),
            tenant,
            title,
            body: fields.body.unwrap_or_default(),
            tags: fields.tags.unwrap_or_default(),
            status: fields.status.unwrap_or_else(|| default_status.to_owned()),
            created_at: now,
            updated_at: (!faults.has(Fault::NoteMissingUpdatedAt)).then_some(now),
        };
        let body = render(&note);
        let location = format!("/notes/note_{}", note.number);
        if !faults.has(Fault::NoteCreatedUnreadable) {
            store.insert(note);
        }
        let status = if faults.has(Fault::NoteCreateAnswers200) {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        };
        let mut answer = response::body(status, "application/json", &body);
        response::set(&mut answer, "location", &location);
        answer
    }

    fn get(&self, incoming: &Incoming, id: &str) -> Response {
        let faults = &self.faults;
        let Some(tenant) = self.tenant(incoming) else {
            return unauthorized(faults);
        };
        let Some(number) = note_number(id) else {
            return not_found(faults, id);
        };
        let store = self.store();
        match store.find(number, Some(tenant)) {
            Some(note) => response::body(StatusCode::OK, "application/json", &render(note)),
            None if faults.has(Fault::NoteUnknownId200) && store.find(number, None).is_none() => {
                let now = timestamp::now();
                let placeholder = Note {
                    number,
                    tenant,
                    title: "Untitled".into(),
                    body: String::new(),
                    tags: Vec::new(),
                    status: "draft".into(),
                    created_at: now,
                    updated_at: Some(now),
                };
                response::body(StatusCode::OK, "application/json", &render(&placeholder))
            }
            None => not_found(faults, id),
        }
    }

    fn update(&self, incoming: &Incoming, id: &str) -> Response {
        let faults = &self.faults;
        let Some(tenant) = self.tenant(incoming) else {
            return unauthorized(faults);
        };
        let Some(number) = note_number(id) else {
            return not_found(faults, id);
        };
        let media_type = incoming.media_type();
        if !matches!(
            media_type.as_deref(),
            Some("application/merge-patch+json" | "application/json")
        ) {
            return unsupported_media_type(faults, "application/merge-patch+json");
        }
        let value = match incoming.json() {
            Ok(value) => value,
            Err(reason) => return bad_request(faults, reason),
        };
        let fields = match input::note_patch(&value) {
            Ok(fields) => fields,
            Err(reason) => return unprocessable(faults, reason),
        };
        if let Some(failure) = fields
            .title
            .as_deref()
            .and_then(|t| self.storage_failure(t))
        {
            return failure;
        }
        let mut store = self.store();
        let Some(mut note) = store.find(number, self.scope(tenant)).cloned() else {
            return not_found(faults, id);
        };
        note.title = fields.title.unwrap_or(note.title);
        note.body = fields.body.unwrap_or(note.body);
        note.tags = fields.tags.unwrap_or(note.tags);
        note.status = fields.status.unwrap_or(note.status);
        note.updated_at = Some(timestamp::now().max(note.created_at));
        let body = render(&note);
        if !faults.has(Fault::NotePatchNotPersisted) {
            store.insert(note);
        }
        response::body(StatusCode::OK, "application/json", &body)
    }

    fn delete(&self, incoming: &Incoming, id: &str) -> Response {
        let faults = &self.faults;
        let Some(tenant) = self.tenant(incoming) else {
            return unauthorized(faults);
        };
        let Some(number) = note_number(id) else {
            return not_found(faults, id);
        };
        let mut store = self.store();
        if store.find(number, self.scope(tenant)).is_none() {
            return not_found(faults, id);
        }
        if !faults.has(Fault::NoteDeleteKeepsNote) {
            store.remove(number);
        }
        response::empty(StatusCode::NO_CONTENT)
    }

    /// The tenant whose notes a change may touch: every tenant's under a fault.
    fn scope(&self, tenant: usize) -> Option<usize> {
        (!self.faults.has(Fault::NoteOtherTenantCanChange)).then_some(tenant)
    }

    /// The 500 a long title gets under [`Fault::NoteLongTitle500`].
    fn storage_failure(&self, title: &str) -> Option<Response> {
        (self.faults.has(Fault::NoteLongTitle500) && title.chars().count() > STORED_TITLE).then(
            || {
                problem::problem(
                    &self.faults,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the note could not be stored",
                )
            },
        )
    }
}

fn method_not_allowed(faults: &Faults, allowed: &str) -> Response {
    let mut answer = problem::problem(
        faults,
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        format!("this path takes {allowed}"),
    );
    response::set(&mut answer, "allow", allowed);
    answer
}

/// The number of a note id: `note_` and a number without leading zeros, at most nine digits.
fn note_number(id: &str) -> Option<u64> {
    digits(id.strip_prefix("note_")?)
}

/// What a cursor says: the number of the note the page starts after.
fn cursor(text: &str) -> Option<u64> {
    digits(text.strip_prefix('c')?)
}

/// `[1-9][0-9]{0,8}` as a number.
fn digits(text: &str) -> Option<u64> {
    let well_formed = (1..=9).contains(&text.len())
        && text.bytes().all(|b| b.is_ascii_digit())
        && !text.starts_with('0');
    well_formed.then(|| text.parse().ok()).flatten()
}

fn render(note: &Note) -> Value {
    let mut value = json!({
        "id": format!("note_{}", note.number),
        "title": note.title,
        "body": note.body,
        "tags": note.tags,
        "status": note.status,
        "created_at": timestamp::rfc3339(note.created_at),
    });
    if let (Some(updated_at), Some(object)) = (note.updated_at, value.as_object_mut()) {
        object.insert("updated_at".into(), json!(timestamp::rfc3339(updated_at)));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_cursors_follow_their_patterns() {
        assert_eq!(note_number("note_12"), Some(12));
        assert_eq!(note_number("note_012"), None);
        assert_eq!(note_number("note_1234567890"), None);
        assert_eq!(note_number("note_"), None);
        assert_eq!(cursor("c999999999"), Some(999_999_999));
        assert_eq!(cursor("c0"), None);
    }
}
