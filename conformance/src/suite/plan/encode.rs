//! A planned request encoded as a generated client encodes its arguments: the path by its
//! template and each parameter's style, the query, headers and cookies, the body by its media
//! type, the credentials of the operation's first requirement, all through the runtime's
//! functions; and read back by the rules a server reads it with.

use std::sync::OnceLock;

use callspec_runtime::reqwest;
use callspec_runtime::{
    Credential, Credentials, MultipartBody, PathStyle, Query, QueryStyle, Secret,
};
use codegen::api::{Location, MediaKind, MediaType, Parameter, SchemeKind, Style};
use codegen::load::{follow, JsonPointer};
use serde_json::Value;

use super::{Mutation, Planner, Values};
use crate::http::Request;
use crate::wire::{extract, parse_cookies, parse_query, write_json_lines, RequestParts};

impl Planner<'_> {
    /// The request `values` make, encoded as a generated client encodes its arguments, with
    /// `token` as the credential of every scheme the operation's first alternative needs.
    pub(super) fn encode(&self, values: &Values, token: Option<&str>) -> Option<Request> {
        let operation = self.operation;
        let parameters = operation.parameters.iter().zip(&values.parameters);
        let path = operation.path.expand(|name| {
            let (parameter, value) = operation
                .parameters
                .iter()
                .zip(&values.parameters)
                .find(|(p, _)| p.location == Location::Path && p.name == name)?;
            let style = match parameter.style {
                Style::Label => PathStyle::Label,
                Style::Matrix => PathStyle::Matrix,
                _ => PathStyle::Simple,
            };
            Some(callspec_runtime::path_param(
                name,
                value.as_ref()?,
                style,
                parameter.explode,
            ))
        })?;
        let method = reqwest::Method::from_bytes(operation.method.as_str().as_bytes()).ok()?;
        let mut request = builder().request(method, format!("http://placeholder{path}"));
        let mut query = Query::new();
        let mut cookies = callspec_runtime::Cookies::new();
        for (parameter, value) in parameters {
            let Some(value) = value else { continue };
            match parameter.location {
                Location::Path => {}
                Location::Query => query.push(
                    &parameter.name,
                    value,
                    query_style(parameter.style),
                    parameter.explode,
                ),
                Location::Header => {
                    if let Some(text) = callspec_runtime::header_param(value, parameter.explode) {
                        request = request.header(parameter.name.as_str(), text);
                    }
                }
                Location::Cookie => cookies.push(&parameter.name, value),
            }
        }
        if !query.is_empty() {
            request = request.query(query.pairs());
        }
        if let Some(cookie) = cookies.header() {
            request = request.header(reqwest::header::COOKIE, cookie);
        }
        let mut multipart = None;
        if let (Some(media), Some(value)) = (self.body_media(), &values.body) {
            match self.encode_body(request, media, value)? {
                Encoded::Request(built) => request = built,
                Encoded::Multipart(built, content_type, bytes) => {
                    request = built;
                    multipart = Some((content_type, bytes));
                }
            }
        }
        if let Some(token) = token {
            let alternatives: Vec<Vec<&str>> = operation
                .security
                .alternatives
                .iter()
                .map(|a| a.iter().map(String::as_str).collect())
                .collect();
            let alternatives: Vec<&[&str]> = alternatives.iter().map(Vec::as_slice).collect();
            request = self.credentials(token).apply(request, &alternatives);
        }
        let mut call = Request::from_built(&request.build().ok()?);
        if let Some((content_type, bytes)) = multipart {
            call = Mutation::Body {
                content_type,
                bytes,
            }
            .apply(call);
        }
        Some(call)
    }

    fn encode_body(
        &self,
        request: reqwest::RequestBuilder,
        media: &MediaType,
        value: &Value,
    ) -> Option<Encoded> {
        let raw = |request: reqwest::RequestBuilder, bytes: Vec<u8>| {
            Some(Encoded::Request(
                request
                    .header(reqwest::header::CONTENT_TYPE, media.name.as_str())
                    .body(bytes),
            ))
        };
        match media.kind {
            MediaKind::Json => callspec_runtime::json_body::<(), ()>(request, &media.name, value)
                .ok()
                .map(Encoded::Request),
            MediaKind::Form => {
                callspec_runtime::form_body::<(), ()>(request, value, &form_encoding(media))
                    .ok()
                    .map(Encoded::Request)
            }
            MediaKind::Multipart => {
                let (content_type, bytes) = self.multipart(media, value)?;
                Some(Encoded::Multipart(request, content_type, bytes))
            }
            MediaKind::JsonLines => raw(request, write_json_lines(value)),
            MediaKind::Text | MediaKind::EventStream | MediaKind::Binary => {
                let text = match value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                raw(request, text.into_bytes())
            }
        }
    }

    /// A multipart body of `value`'s properties, each part as a generated client makes it: a
    /// file for a `format: binary` property, a field for the rest (with the part's `encoding`
    /// content type), framed by the HTTP client's multipart writer.
    fn multipart(&self, media: &MediaType, value: &Value) -> Option<(String, Vec<u8>)> {
        use reqwest::multipart::Form;
        let spec = self.contract.as_3_0();
        let mut body = MultipartBody::new();
        for (name, item) in value.as_object().into_iter().flatten() {
            if item.is_null() {
                continue;
            }
            let content_type = media
                .encoding_of(name)
                .and_then(|e| e.content_type.as_deref())
                .and_then(codegen::api::media::concrete_media_type);
            let property = media
                .schema
                .as_ref()
                .and_then(|at| self.contract.property_schema(at, name));
            match (property.as_ref().map(|p| binary_shape(spec, p)), item) {
                (Some(Binary::File), Value::String(text)) => body.file(
                    name.clone(),
                    text.clone().into_bytes(),
                    content_type
                        .as_deref()
                        .unwrap_or("application/octet-stream"),
                ),
                (Some(Binary::Files), Value::Array(files)) => {
                    for file in files {
                        let bytes = file.as_str().unwrap_or_default().as_bytes().to_vec();
                        body.file(
                            name.clone(),
                            bytes,
                            content_type
                                .as_deref()
                                .unwrap_or("application/octet-stream"),
                        );
                    }
                }
                _ => body.field(name.clone(), item, content_type.as_deref()),
            }
        }
        let form: Form = body.into_form().ok()?;
        let content_type = format!("multipart/form-data; boundary={}", form.boundary());
        let bytes = collect_now(form)?;
        Some((content_type, bytes))
    }

    /// Credentials holding `token` for every scheme of the spec. The run's main and other
    /// tokens stand for their identity, whose credential a scheme may configure in `[auth]` (a
    /// basic scheme's username, another key); any other token is sent as it is. A basic scheme
    /// reads `user:password` from a token with a colon.
    fn credentials(&self, token: &str) -> Credentials {
        let config = self.config;
        let is = |given: &Option<Secret>| given.as_ref().is_some_and(|t| t.expose() == token);
        let (main, other) = (is(&config.token), is(&config.other_token));
        let mut credentials = Credentials::default();
        for scheme in &self.contract.api.schemes {
            let configured = config.auth.get(&scheme.key);
            let (key, username) = match configured {
                Some(auth) if main => (auth.token.as_ref(), auth.username.as_deref()),
                Some(auth) if other => (auth.other_token.as_ref(), auth.other_username.as_deref()),
                _ => (None, None),
            };
            let key = key.map_or(token, Secret::expose);
            let secret = || Secret::new(key);
            let credential = match &scheme.kind {
                SchemeKind::Bearer => Credential::Bearer(secret()),
                SchemeKind::Basic => match (username, key.split_once(':')) {
                    (Some(username), _) => Credential::Basic {
                        username: username.to_owned(),
                        password: secret(),
                    },
                    (None, Some((username, password))) => Credential::Basic {
                        username: username.to_owned(),
                        password: Secret::new(password),
                    },
                    (None, None) => Credential::Basic {
                        username: "user".into(),
                        password: secret(),
                    },
                },
                SchemeKind::ApiKey { location, name } => match location {
                    Location::Query => Credential::ApiKeyQuery {
                        name: name.clone(),
                        key: secret(),
                    },
                    Location::Cookie => Credential::ApiKeyCookie {
                        name: name.clone(),
                        key: secret(),
                    },
                    Location::Header | Location::Path => Credential::ApiKeyHeader {
                        name: name.clone(),
                        key: secret(),
                    },
                },
            };
            credentials.set(&scheme.key, credential);
        }
        credentials
    }

    /// The value of `parameter` as a server reads it from `call`: its text, typed by its schema,
    /// by the rules the mock reads requests with.
    pub(super) fn received(&self, call: &Request, parameter: &Parameter) -> Option<Value> {
        let (path, query) = call
            .path
            .split_once('?')
            .map_or((call.path.as_str(), None), |(path, query)| {
                (path, Some(query))
            });
        let captured = self.operation.path.captures(path).unwrap_or_default();
        let query = parse_query(query);
        let mut headers = reqwest::header::HeaderMap::new();
        for (name, value) in &call.headers {
            if let (Ok(name), Ok(value)) = (
                reqwest::header::HeaderName::try_from(name.as_str()),
                reqwest::header::HeaderValue::try_from(value.as_str()),
            ) {
                headers.append(name, value);
            }
        }
        let cookies = parse_cookies(&headers);
        let parts = RequestParts {
            path: &captured,
            query: &query,
            headers: Some(&headers),
            cookies: &cookies,
        };
        let kind = self.contract.value_kind(parameter.schema.as_ref());
        extract(parameter, &kind, &parts)
    }
}

/// A body put on a request, or (multipart) the request and the body's bytes to put on it.
enum Encoded {
    Request(reqwest::RequestBuilder),
    Multipart(reqwest::RequestBuilder, String, Vec<u8>),
}

/// The client requests are built with (never sent with: the target sends them).
fn builder() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(reqwest::Client::new)
}

/// A form body's properties whose encoding is not the default, as a generated client passes
/// them to the runtime.
pub(super) fn form_encoding(media: &MediaType) -> Vec<(&str, QueryStyle, bool)> {
    media
        .encoding
        .iter()
        .filter(|e| e.style != Style::Form || !e.explode)
        .map(|e| (e.property.as_str(), query_style(e.style), e.explode))
        .collect()
}

fn query_style(style: Style) -> QueryStyle {
    match style {
        Style::SpaceDelimited => QueryStyle::SpaceDelimited,
        Style::PipeDelimited => QueryStyle::PipeDelimited,
        Style::DeepObject => QueryStyle::DeepObject,
        Style::Form | Style::Simple | Style::Label | Style::Matrix => QueryStyle::Form,
    }
}

/// The bytes of a multipart form whose parts are all in memory: its stream is ready at once.
fn collect_now(form: reqwest::multipart::Form) -> Option<Vec<u8>> {
    use futures_util::{FutureExt as _, TryStreamExt as _};
    let chunks: Vec<callspec_runtime::bytes::Bytes> =
        form.into_stream().try_collect().now_or_never()?.ok()?;
    Some(chunks.concat())
}

/// How a multipart property is sent: as a file, several files, or a field.
enum Binary {
    File,
    Files,
    Field,
}

fn binary_shape(spec: &Value, at: &JsonPointer) -> Binary {
    let Ok((at, schema)) = follow(spec, at) else {
        return Binary::Field;
    };
    let is_binary = |schema: &Value| schema.get("format").and_then(Value::as_str) == Some("binary");
    if is_binary(schema) {
        return Binary::File;
    }
    let items = follow(spec, &at.join("items")).ok().map(|(_, items)| items);
    if schema.get("type").and_then(Value::as_str) == Some("array") && items.is_some_and(is_binary) {
        return Binary::Files;
    }
    Binary::Field
}
