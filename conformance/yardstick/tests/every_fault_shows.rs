//! Every fault is real: for each, a few requests written by hand show the server breaking the
//! statement of its spec that the fault's docs name, and the faultless server keeping it. So a
//! fault the conformance suite misses is the suite's gap, never a fault that does nothing.

use reqwest::{Client, Method, Response};
use serde_json::{json, Value};
use yardstick::{serve, Api, Fault};

/// Requests to one server, with the first tenant's credentials unless told otherwise.
struct Caller {
    client: Client,
    base_url: String,
    api: Api,
}

impl Caller {
    async fn send(
        &self,
        method: Method,
        path: &str,
        credential: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Response {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base_url));
        match (self.api, credential) {
            (Api::Notes, Some(key)) => request = request.header("X-Api-Key", key),
            (Api::Library, Some(token)) => request = request.bearer_auth(token),
            (_, None) => {}
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        request.send().await.expect("the server answers")
    }

    fn first(&self) -> Option<&'static str> {
        Some(self.api.credentials()[0])
    }

    async fn get(&self, path: &str) -> Response {
        self.send(Method::GET, path, self.first(), None, &[]).await
    }

    async fn json(&self, method: Method, path: &str, body: Value) -> Response {
        self.send(method, path, self.first(), Some(body), &[]).await
    }

    /// A new note or book of the first tenant, and its path.
    async fn create(&self) -> (Value, String) {
        let (path, body) = match self.api {
            Api::Notes => ("/notes", json!({"title": "Witness"})),
            Api::Library => (
                "/books",
                json!({"isbn": "9780000000002", "title": "Witness", "authors": ["A. Author"]}),
            ),
        };
        let created = self.json(Method::POST, path, body).await;
        let location = header(&created, "location").unwrap_or_default();
        (created.json().await.unwrap_or(Value::Null), location)
    }
}

fn header(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

/// Whether the server behind `caller` breaks the statement `fault` is about.
async fn violated(caller: &Caller, fault: Fault) -> bool {
    let other = Some(caller.api.credentials()[1]);
    match fault {
        Fault::NoteMissingUpdatedAt => caller.create().await.0.get("updated_at").is_none(),
        Fault::NoteStatusOutsideEnum => {
            let status = caller.create().await.0["status"].clone();
            !["draft", "published", "archived"].contains(&status.as_str().unwrap_or_default())
        }
        Fault::NoteRequestIdMissingOnErrors => {
            let unknown = caller.get("/notes/note_999999").await;
            header(&unknown, "x-request-id").is_none()
        }
        Fault::NoteProblemAsJson => {
            let unknown = caller.get("/notes/note_999999").await;
            header(&unknown, "content-type").as_deref() != Some("application/problem+json")
        }
        Fault::NoteCreateAnswers200 => {
            let created = caller
                .json(Method::POST, "/notes", json!({"title": "a"}))
                .await;
            created.status() != 201
        }
        Fault::NoteLongTitle500 => {
            let title = "t".repeat(150);
            let created = caller
                .json(Method::POST, "/notes", json!({"title": title}))
                .await;
            created.status().is_server_error()
        }
        Fault::NoteLimitMaximumIgnored => caller.get("/notes?limit=51").await.status() == 200,
        Fault::NoteListWithoutKey => {
            let anonymous = caller.send(Method::GET, "/notes", None, None, &[]).await;
            anonymous.status() != 401
        }
        Fault::NoteOtherTenantCanChange => {
            let (_, path) = caller.create().await;
            let patch = json!({"title": "taken over"});
            let changed = caller
                .send(Method::PATCH, &path, other, Some(patch), &[])
                .await;
            changed.status() != 404
        }
        Fault::NoteCreatedUnreadable => {
            let (_, path) = caller.create().await;
            caller.get(&path).await.status() != 200
        }
        // Book 4 is the second account's.
        Fault::BookOtherAccountCanRead => caller.get("/books/4").await.status() != 404,
        Fault::NotePatchNotPersisted | Fault::BookPutNotPersisted => {
            let (mut created, path) = caller.create().await;
            let (method, change) = match fault {
                Fault::NotePatchNotPersisted => (Method::PATCH, json!({"title": "changed"})),
                _ => {
                    created["title"] = json!("changed");
                    let keep = ["isbn", "title", "authors"];
                    let input: serde_json::Map<String, Value> = keep
                        .iter()
                        .map(|k| ((*k).to_owned(), created[*k].clone()))
                        .collect();
                    (Method::PUT, Value::Object(input))
                }
            };
            caller.json(method, &path, change).await;
            let read: Value = caller.get(&path).await.json().await.unwrap_or(Value::Null);
            read["title"] != json!("changed")
        }
        Fault::NoteDeleteKeepsNote => {
            let (_, path) = caller.create().await;
            let first = caller.first();
            caller.send(Method::DELETE, &path, first, None, &[]).await;
            caller.get(&path).await.status() != 404
        }
        Fault::NotePaginationRepeatsItem => {
            let mut seen = Vec::new();
            let mut path = "/notes?limit=2".to_owned();
            for _ in 0..20 {
                let page: Value = caller.get(&path).await.json().await.unwrap_or(Value::Null);
                for item in page["items"].as_array().into_iter().flatten() {
                    if seen.contains(&item["id"]) {
                        return true;
                    }
                    seen.push(item["id"].clone());
                }
                match page["next_cursor"].as_str() {
                    Some(cursor) => path = format!("/notes?limit=2&cursor={cursor}"),
                    None => return false,
                }
            }
            true
        }
        Fault::NoteUnknownId200 => caller.get("/notes/note_999999").await.status() != 404,
        Fault::BookYearAsString => !caller
            .get("/books/1")
            .await
            .json::<Value>()
            .await
            .is_ok_and(|book| book["publishedYear"].is_i64()),
        Fault::BookIsbnWithHyphens => {
            let book: Value = caller
                .get("/books/1")
                .await
                .json()
                .await
                .unwrap_or(Value::Null);
            book["isbn"].as_str().is_none_or(|isbn| isbn.contains('-'))
        }
        Fault::LibraryResetAsDate => {
            let reset = header(&caller.get("/books").await, "ratelimit-reset");
            reset.is_none_or(|reset| reset.parse::<u64>().is_err())
        }
        Fault::BookAsTextPlain => {
            let content_type = header(&caller.get("/books/1").await, "content-type");
            content_type.as_deref() != Some("application/json")
        }
        Fault::BookRemoveAnswers200 => {
            let (_, path) = caller.create().await;
            let first = caller.first();
            let removed = caller.send(Method::DELETE, &path, first, None, &[]).await;
            removed.status() != 204
        }
        Fault::BookLargeId500 => caller.get("/books/3000000000").await.status() == 500,
        Fault::BookUnknownFieldsAccepted => {
            let body =
                json!({"isbn": "9780000000002", "title": "x", "authors": ["y"], "shelf": "B2"});
            caller.json(Method::POST, "/books", body).await.status() != 400
        }
        Fault::LibraryAnyBearerAccepted => {
            let stranger = Some("nobody-knows-me");
            let answer = caller
                .send(Method::GET, "/books", stranger, None, &[])
                .await;
            answer.status() != 401
        }
        Fault::LibraryPaginationNeverEnds => {
            let last = caller.get("/books?page=1000").await;
            header(&last, "link").is_some_and(|link| link.contains("rel=\"next\""))
        }
        Fault::BookIfNoneMatchIgnored => {
            let etag = header(&caller.get("/books/1").await, "etag").unwrap_or_default();
            let first = caller.first();
            let again = caller
                .send(
                    Method::GET,
                    "/books/1",
                    first,
                    None,
                    &[("if-none-match", &etag)],
                )
                .await;
            again.status() != 304
        }
        Fault::LibraryRemainingConstant => {
            let remaining = |r: &Response| header(r, "ratelimit-remaining")?.parse::<u64>().ok();
            let before = remaining(&caller.get("/books").await);
            let after = remaining(&caller.get("/books").await);
            !matches!((before, after), (Some(b), Some(a)) if a + 1 == b)
        }
        Fault::BookAddedIdWrong => {
            let (created, _) = caller.create().await;
            let id = created["id"].as_u64().unwrap_or_default();
            caller.get(&format!("/books/{id}")).await.status() != 200
        }
        Fault::LibraryUnknownMethod404 => {
            let first = caller.first();
            let answer = caller
                .send(Method::PATCH, "/books/1", first, None, &[])
                .await;
            answer.status() != 405 || header(&answer, "allow").is_none()
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fault_breaks_its_statement_and_the_faultless_server_keeps_it() {
    let client = Client::new();
    let mut wrong = Vec::new();
    for fault in Fault::ALL {
        for faults in [&[][..], &[fault][..]] {
            let served = serve(fault.api(), faults).await.expect("the server starts");
            let caller = Caller {
                client: client.clone(),
                base_url: served.base_url(),
                api: fault.api(),
            };
            let broken = violated(&caller, fault).await;
            served.stop().await;
            let faulty = !faults.is_empty();
            if broken != faulty {
                wrong.push(if faulty {
                    format!("{fault}: the server keeps the statement")
                } else {
                    format!("{fault}: the faultless server breaks the statement")
                });
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
