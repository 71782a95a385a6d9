use serde_json::{json, Value};

use super::*;

fn read(spec: &Value) -> (Api, Vec<String>) {
    let (api, warnings) = Api::read(spec);
    (
        api,
        warnings
            .iter()
            .map(|w| format!("{}: {}", w.pointer, w.message))
            .collect(),
    )
}

fn document(paths: Value, components: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        "components": components,
    })
}

#[test]
fn parameters_are_merged_typed_and_matched_to_the_template() {
    let spec = document(
        json!({"/items/{id}/{part}": {
            "parameters": [
                {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
                {"name": "X-Trace", "in": "header", "schema": {"type": "string"}}
            ],
            "get": {
                "operationId": "getItem",
                "parameters": [
                    {"name": "x-trace", "in": "header", "required": true, "schema": {"type": "string"}},
                    {"name": "tags", "in": "query", "style": "pipeDelimited", "explode": false,
                     "schema": {"type": "array", "items": {"type": "string"}}},
                    {"$ref": "#/components/parameters/Missing"},
                    {"name": "Accept", "in": "header", "schema": {"type": "string"}},
                    {"name": "Host", "in": "header", "schema": {"type": "string"}},
                    {"name": "stray", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "odd", "in": "path-ish", "schema": {"type": "string"}}
                ],
                "responses": {"200": {"description": "ok"}}
            }
        }}),
        json!({}),
    );
    let (api, warnings) = read(&spec);
    let get = &api.operations[0];
    let names: Vec<(&str, Location, Style, bool, bool)> = get
        .parameters
        .iter()
        .map(|p| (p.name.as_str(), p.location, p.style, p.explode, p.required))
        .collect();
    assert_eq!(
        names,
        [
            ("id", Location::Path, Style::Simple, false, true),
            ("x-trace", Location::Header, Style::Simple, false, true),
            ("tags", Location::Query, Style::PipeDelimited, false, false),
            ("part", Location::Path, Style::Simple, false, true),
        ]
    );
    assert!(!get.parameters[3].declared);
    let at = "/paths/~1items~1{id}~1{part}/get";
    assert_eq!(
        warnings,
        [
            format!("{at}/parameters/2: parameter `$ref` does not resolve (`#/components/parameters/Missing` points to nothing in this document); left out"),
            format!("{at}/parameters/4: header parameter `Host` is set by the HTTP layer from the request itself; left out"),
            format!("{at}/parameters/6: parameter location Some(\"path-ish\") is not supported; left out"),
            format!("{at}: path parameter `part` is not declared; taken as a string"),
            format!("{at}/parameters/5: path parameter `stray` is not in the template /items/{{id}}/{{part}}; left out"),
        ]
    );
}

#[test]
fn a_broken_template_leaves_its_operations_out() {
    let spec = document(
        json!({
            "/a/{id": {"get": {"responses": {"200": {"description": "ok"}}}},
            "/b": {"get": {"responses": {"200": {"description": "ok"}}}}
        }),
        json!({}),
    );
    let (api, warnings) = read(&spec);
    assert_eq!(api.operations.len(), 1);
    assert_eq!(api.operations[0].label, "GET /b");
    assert_eq!(
        warnings,
        ["/paths/~1a~1{id: path template `/a/{id`: a `{` is never closed; its operations are left out"]
    );
}

#[test]
fn responses_are_typed_by_status_and_media_type() {
    let spec = document(
        json!({"/x": {"get": {
            "operationId": "x",
            "responses": {
                "2XX": {"description": "any", "content": {"text/json": {"schema": {"type": "object"}}}},
                "404": {"$ref": "#/components/responses/NotFound"},
                "default": {"description": "other", "headers": {
                    "Content-Type": {"schema": {"type": "string"}},
                    "Retry-After": {"required": true, "schema": {"type": "integer"}}
                }},
                "2XXX": {"description": "no status"}
            }
        }}}),
        json!({"responses": {"NotFound": {"description": "missing", "content": {
            "application/problem+json": {"schema": {"type": "object"}},
            "application/x-ndjson": {}
        }}}}),
    );
    let (api, warnings) = read(&spec);
    let op = &api.operations[0];
    assert_eq!(
        warnings,
        ["/paths/~1x/get/responses/2XXX: `2XXX` is not a status code; response left out"]
    );
    assert_eq!(
        op.response_for(201).map(|r| r.status),
        Some(StatusKey::Range(2))
    );
    assert_eq!(
        op.response_for(404).map(|r| r.status),
        Some(StatusKey::Code(404))
    );
    assert_eq!(
        op.response_for(500).map(|r| r.status),
        Some(StatusKey::Default)
    );
    assert_eq!(op.success_status(), 200);
    let not_found = op.response_for(404).unwrap();
    assert_eq!(
        not_found.pointer.to_string(),
        "/components/responses/NotFound"
    );
    let kinds: Vec<MediaKind> = not_found.content.iter().map(|m| m.kind).collect();
    assert_eq!(kinds, [MediaKind::Json, MediaKind::JsonLines]);
    assert_eq!(
        op.response_for(201).unwrap().content[0].kind,
        MediaKind::Json
    );
    let default = op.response_for(500).unwrap();
    let headers: Vec<(&str, bool)> = default
        .headers
        .iter()
        .map(|h| (h.name.as_str(), h.required))
        .collect();
    assert_eq!(headers, [("Retry-After", true)]);
}

#[test]
fn unsupported_and_undeclared_schemes_are_dropped_once_for_everyone() {
    let spec = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "security": [{"ghost": []}],
        "paths": {
            "/a": {"get": {"responses": {"200": {"description": "ok"}}}},
            "/b": {"get": {
                "security": [{"digest": [], "key": []}, {"bearer": []}],
                "responses": {"200": {"description": "ok"}}
            }}
        },
        "components": {"securitySchemes": {
            "digest": {"type": "http", "scheme": "digest"},
            "key": {"type": "apiKey", "in": "cookie", "name": "sid"},
            "bearer": {"type": "oauth2", "flows": {}}
        }}
    });
    let (api, warnings) = read(&spec);
    assert_eq!(
        warnings,
        [
            "/components/securitySchemes/digest: HTTP scheme `digest` is not supported; requests that need it are sent without it",
            "/security/0/ghost: security scheme `ghost` is not declared in `components/securitySchemes`; requests are sent without it",
        ]
    );
    assert_eq!(
        api.schemes
            .iter()
            .map(|s| (s.key.as_str(), s.kind.clone()))
            .collect::<Vec<_>>(),
        [
            (
                "key",
                SchemeKind::ApiKey {
                    location: Location::Cookie,
                    name: "sid".into()
                }
            ),
            ("bearer", SchemeKind::Bearer),
        ]
    );
    let a = &api.operations[0].security;
    assert_eq!(a.alternatives, vec![Vec::<String>::new()]);
    assert!(a.allows_anonymous());
    let b = &api.operations[1].security;
    assert_eq!(
        b.alternatives,
        vec![vec!["key".to_owned()], vec!["bearer".to_owned()]]
    );
    assert!(!b.allows_anonymous());
}

#[test]
fn callbacks_follow_their_operation_and_webhooks_come_last() {
    let spec = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "security": [{"bearer": []}],
        "paths": {
            "/subscribe": {"post": {
                "operationId": "subscribe",
                "callbacks": {"onEvent": {"{$request.body#/url}": {"post": {
                    "operationId": "event",
                    "parameters": [{"name": "X-Signature", "in": "header", "schema": {"type": "string"}}],
                    "responses": {"204": {"description": "taken"}}
                }}}},
                "responses": {"201": {"description": "ok"}}
            }},
            "/other": {"get": {"responses": {"200": {"description": "ok"}}}}
        },
        "webhooks": {"newThing": {"post": {"responses": {"200": {"description": "ok"}}}}},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}}
    });
    let (api, warnings) = read(&spec);
    assert!(warnings.is_empty(), "{warnings:?}");
    let sites: Vec<(&str, &Site)> = api
        .operations
        .iter()
        .map(|o| (o.label.as_str(), &o.site))
        .collect();
    assert_eq!(
        sites,
        [
            ("subscribe", &Site::Paths),
            (
                "event",
                &Site::Callback {
                    owner: 0,
                    name: "onEvent".into()
                }
            ),
            ("GET /other", &Site::Paths),
            (
                "POST newThing",
                &Site::Webhook {
                    name: "newThing".into()
                }
            ),
        ]
    );
    // The document's security is for calls to the API, not for what it sends.
    assert!(api.operations[1].security.alternatives.is_empty());
    assert_eq!(api.operations[1].parameters[0].name, "X-Signature");
    assert_eq!(
        api.route("POST", "/subscribe"),
        RouteMatch::Found {
            operation: 0,
            path_parameters: vec![]
        }
    );
    assert_eq!(
        api.route("POST", "/{$request.body#/url}"),
        RouteMatch::NotFound
    );
    assert!(api.operation("event").is_none());
}

fn jobs(extension: Value) -> Value {
    document(
        json!({
            "/jobs": {"post": {
                "operationId": "startJob",
                "responses": {"202": {
                    "description": "Started.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}},
                    "links": {
                        "GetJob": {"operationId": "getJob", "parameters": {"id": "$response.body#/id"}},
                        "Nowhere": {"operationId": "nothing"}
                    }
                }},
                "x-long-running": extension
            }},
            "/jobs/{id}": {"get": {
                "operationId": "getJob",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {
                    "description": "The job.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}
                }}
            }}
        }),
        json!({"schemas": {"Job": {"type": "object", "properties": {"id": {"type": "string"}, "state": {"type": "string"}}}}}),
    )
}

#[test]
fn links_resolve_to_operations() {
    let (api, warnings) = read(&jobs(json!(null)));
    let links = &api.operations[0].responses[0].links;
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].name, "GetJob");
    assert_eq!(links[0].target, 1);
    assert_eq!(
        links[0].parameters,
        vec![("id".to_owned(), json!("$response.body#/id"))]
    );
    assert_eq!(
        warnings[0],
        "/paths/~1jobs/post/responses/202/links/Nowhere: no operation has the operationId `nothing`; link left out"
    );
}

#[test]
fn long_running_is_read_in_both_forms() {
    let by_link = json!({
        "link": "GetJob", "status": "/state", "succeeded": ["done"], "failed": ["error"],
        "poll-interval-seconds": 1, "timeout-seconds": 60
    });
    let by_id = json!({
        "operationId": "getJob", "parameters": {"path.id": "$response.body#/id"},
        "status": "/state", "succeeded": ["done", true],
        "poll-interval-seconds": 0.5, "timeout-seconds": 60
    });
    for (extension, link) in [(by_link, Some("GetJob")), (by_id, None)] {
        let (api, _) = read(&jobs(extension));
        let Some(Ok(long_running)) = &api.operations[0].long_running else {
            panic!("{:?}", api.operations[0].long_running);
        };
        assert_eq!(long_running.poll, 1);
        assert_eq!(long_running.link.as_deref(), link);
        assert_eq!(long_running.bindings.len(), 1);
        assert_eq!(
            long_running.bindings[0].source,
            Source::ResponseBody("/id".into())
        );
        assert_eq!(long_running.timeout_millis, 60_000);
        assert!(long_running.is_terminal("done"));
    }
    assert_eq!(api_without_timeout().0, Some(Err(Malformed)));
    assert!(api_without_timeout()
        .1
        .iter()
        .any(|w| w.ends_with("`timeout-seconds` is missing")));
}

fn api_without_timeout() -> (Option<Result<LongRunning, Malformed>>, Vec<String>) {
    let (api, warnings) = read(&jobs(json!({
        "operationId": "getJob", "parameters": {"id": "$response.body#/id"},
        "status": "/state", "succeeded": ["done"], "poll-interval-seconds": 1
    })));
    (api.operations[0].long_running.clone(), warnings)
}

#[test]
fn preferred_request_media_type_is_the_clients() {
    let spec = document(
        json!({"/up": {"post": {
            "requestBody": {"content": {
                "text/plain": {},
                "multipart/form-data": {"schema": {"$ref": "#/components/schemas/Upload"},
                    "encoding": {"tags": {"style": "pipeDelimited", "explode": false}}},
                "application/x-www-form-urlencoded": {"schema": {"type": "object"}}
            }},
            "responses": {"204": {"description": "ok"}}
        }}}),
        json!({"schemas": {"Upload": {"type": "object"}}}),
    );
    let (api, _) = read(&spec);
    let body = api.operations[0].body.as_ref().unwrap();
    assert_eq!(body.preferred().unwrap().kind, MediaKind::Form);
    let multipart = &body.content[1];
    assert_eq!(
        multipart.encoding_of("tags").map(|e| (e.style, e.explode)),
        Some((Style::PipeDelimited, false))
    );
    assert!(api.multipart_schemas(&spec).is_empty());
}

/// Sessions analyzed by `POST /sessions/{sid}/runs`, read back by `GET /runs/{rid}`, with
/// `x-analysis` where `marks` puts it (a pointer-like key: `create`, `retrieve`, `session`,
/// `list`, `list_param`).
fn analysis_spec(marks: &[(&str, Value)]) -> Value {
    let mark = |key: &str| {
        marks
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
    };
    let with = |mut object: Value, key: &str| {
        if let Some(value) = mark(key) {
            object["x-analysis"] = value;
        }
        object
    };
    let ok = json!({"200": {"description": "ok"}});
    document(
        json!({
            "/sessions/{sid}/runs": {
                "post": with(json!({
                    "operationId": "startRun",
                    "parameters": [{"$ref": "#/components/parameters/Sid"},
                                   {"name": "trace", "in": "cookie", "schema": {"type": "string"}}],
                    "responses": ok
                }), "create"),
                "get": with(json!({
                    "operationId": "listRuns",
                    "parameters": [{"$ref": "#/components/parameters/Sid"},
                                   with(json!({"name": "after", "in": "query", "schema": {"type": "string"}}), "list_param")],
                    "responses": ok
                }), "list"),
            },
            "/runs/{rid}": {"get": with(json!({
                "operationId": "readRun",
                "parameters": [{"name": "rid", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": ok
            }), "retrieve")},
        }),
        json!({"parameters": {"Sid": with(
            json!({"name": "sid", "in": "path", "required": true, "schema": {"type": "string"}}),
            "session"
        )}}),
    )
}

#[test]
fn analysis_roles_are_read_from_the_extension() {
    let spec = analysis_spec(&[
        ("create", json!("create")),
        ("retrieve", json!("retrieve")),
        ("session", json!("session")),
    ]);
    let (api, warnings) = read(&spec);
    // The session parameter is a component that `listRuns` takes too: nothing to say.
    assert_eq!(warnings, Vec::<String>::new());
    let roles = &api.analysis;
    assert_eq!(
        roles.create(&api).map(|op| op.label.as_str()),
        Some("startRun")
    );
    assert_eq!(
        roles.retrieve(&api).map(|op| op.label.as_str()),
        Some("readRun")
    );
    assert_eq!(roles.session(&api).map(|p| p.name.as_str()), Some("sid"));
    assert_eq!(
        roles.analysis_id(&api).map(|p| p.name.as_str()),
        Some("rid")
    );
    assert_eq!(roles.missing(&AnalysisRole::ALL), None);

    let (bare, _) = read(&analysis_spec(&[]));
    assert_eq!(bare.analysis, AnalysisRoles::default());
    assert_eq!(
        bare.analysis.missing(&[AnalysisRole::Session]),
        Some(AnalysisRole::Session)
    );
}

#[test]
fn a_misplaced_or_malformed_analysis_role_is_a_warning_and_ignored() {
    let spec = analysis_spec(&[
        ("create", json!("session")),
        ("list", json!("create")),
        ("retrieve", json!(["retrieve"])),
        ("session", json!("create")),
        ("list_param", json!("session")),
    ]);
    let (api, warnings) = read(&spec);
    assert_eq!(api.analysis, AnalysisRoles::default());
    let post = "/paths/~1sessions~1{sid}~1runs/post";
    let get = "/paths/~1sessions~1{sid}~1runs/get";
    assert_eq!(
        warnings,
        [
            format!("{get}/x-analysis: `create` must be a POST operation of `paths`; `listRuns` is a GET of `paths`; ignored"),
            format!("{post}/x-analysis: `session` marks the create operation's parameter that names the session, not an operation; ignored"),
            "/paths/~1runs~1{rid}/get/x-analysis: `x-analysis` must be one of `create`, `retrieve` (on an operation) or `session` (on a parameter), not [\"retrieve\"]; ignored".to_owned(),
            "/components/parameters/Sid/x-analysis: `create` marks an operation; a parameter can only be the `session`; ignored".to_owned(),
            format!("{get}/parameters/1/x-analysis: the session is a parameter of the create operation, and no operation is `x-analysis: create`; ignored"),
        ]
    );

    // Twice the same role, a retrieve without one path parameter, a cookie for a session.
    let mut spec = analysis_spec(&[("create", json!("create")), ("retrieve", json!("retrieve"))]);
    spec["paths"]["/sessions/{sid}/runs"]["post"]["parameters"][1]["x-analysis"] = json!("session");
    spec["paths"]["/other"] = json!({"post": {"operationId": "again", "x-analysis": "create",
        "responses": {"200": {"description": "ok"}}}});
    spec["paths"]["/pairs/{x}/{y}"] = json!({"get": {"operationId": "pair", "x-analysis": "retrieve",
        "parameters": [
            {"name": "x", "in": "path", "required": true, "schema": {"type": "string"}},
            {"name": "y", "in": "path", "required": true, "schema": {"type": "string"}}
        ],
        "responses": {"200": {"description": "ok"}}}});
    let (api, warnings) = read(&spec);
    assert_eq!(api.analysis.create, Some(1));
    assert_eq!(api.analysis.retrieve, Some(2));
    assert_eq!(api.analysis.session, None);
    assert_eq!(
        warnings,
        [
            format!("/paths/~1other/post/x-analysis: `create` is already `startRun` ({post}); ignored"),
            "/paths/~1pairs~1{x}~1{y}/get/x-analysis: `retrieve` must take the analysis id as its one path parameter; `pair` has 2; ignored".to_owned(),
            format!("{post}/parameters/1/x-analysis: the session must be a path, query or header parameter; `trace` is a cookie; ignored"),
        ]
    );
}

#[test]
fn analysis_roles_can_be_named_instead() {
    let spec = analysis_spec(&[]);
    let (api, _) = read(&spec);
    let names = AnalysisNames {
        create: Some("startRun".into()),
        retrieve: Some("readRun".into()),
        session: Some("sid".into()),
    };
    let roles = api.analysis.with_names(&api, &names).unwrap();
    assert_eq!(roles.missing(&AnalysisRole::ALL), None);
    assert_eq!(roles.session(&api).map(|p| p.name.as_str()), Some("sid"));
    let error = |names: AnalysisNames| api.analysis.with_names(&api, &names).unwrap_err();
    assert_eq!(
        error(AnalysisNames {
            create: Some("nope".into()),
            ..AnalysisNames::default()
        }),
        "create = \"nope\": no operation of `paths` has this operationId"
    );
    assert_eq!(
        error(AnalysisNames {
            retrieve: Some("startRun".into()),
            ..AnalysisNames::default()
        }),
        "retrieve = \"startRun\": `retrieve` must be a GET operation of `paths`; `startRun` is a POST of `paths`"
    );
    assert_eq!(
        error(AnalysisNames {
            session: Some("sid".into()),
            ..AnalysisNames::default()
        }),
        "session = \"sid\": there is no create operation to take it (name one with `create`)"
    );
    assert_eq!(
        error(AnalysisNames {
            create: Some("startRun".into()),
            session: Some("session_id".into()),
            ..AnalysisNames::default()
        }),
        "session = \"session_id\": the create operation `startRun` has no parameter of this name"
    );
}
