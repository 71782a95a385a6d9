//! What `codegen::generate` reports beside the source: the crates a client needs.

use codegen::{Dependency, GenerateOptions};

fn generate(spec: &str) -> codegen::Generated {
    let loaded = codegen::load("inline.yaml", spec).unwrap_or_else(|err| panic!("{err}"));
    codegen::generate(
        &loaded,
        &GenerateOptions {
            header: "// test".into(),
        },
    )
    .unwrap_or_else(|err| panic!("{err}"))
}

#[test]
fn inline_body_types_bring_their_crates() {
    let generated = generate(
        r"
openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /ids:
    post:
      operationId: sendIds
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: array, items: {type: string, format: uuid}}
      responses:
        '200':
          description: When it was stored.
          content:
            application/json:
              schema: {type: string, format: date-time}
",
    );
    assert!(
        generated.dependencies.contains(&Dependency::Uuid),
        "{:?}",
        generated.dependencies
    );
    assert!(
        generated.dependencies.contains(&Dependency::Chrono),
        "{:?}",
        generated.dependencies
    );
}

#[test]
fn operations_named_like_the_client_s_own_methods_are_renamed() {
    let generated = generate(
        r"
openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /timeout:
    get:
      operationId: timeout
      responses: {'204': {description: Done.}}
  /policy:
    get:
      operationId: withRetryPolicy
      responses: {'204': {description: Done.}}
",
    );
    let source = &generated.source;
    // The client's own, once each.
    for own in ["pub fn timeout(&self)", "pub fn with_retry_policy(mut self"] {
        assert_eq!(source.matches(own).count(), 1, "{own}:\n{source}");
    }
    assert!(!source.contains("pub async fn timeout("), "{source}");
    assert!(
        !source.contains("pub async fn with_retry_policy("),
        "{source}"
    );
    // The operations keep their ids for `decode_response` and tracing.
    assert!(source.contains("\"timeout\","), "{source}");
    assert!(source.contains("\"withRetryPolicy\","), "{source}");
}

/// `Model::load` checks the shape on another thread while the model is built: it must say what
/// `load` says of a wrong document, and generate what `load` then `generate` do of a right one.
#[test]
fn loading_and_modelling_together_agrees_with_doing_it_in_turn() {
    let right = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/responses.yaml"),
    )
    .expect("the fixture is readable");
    let options = GenerateOptions {
        header: "// test".into(),
    };
    let model = codegen::Model::load("responses.yaml", &right).expect("the fixture loads");
    let loaded = codegen::load("responses.yaml", &right).expect("the fixture loads");
    let together = model.generate(&options).expect("generates");
    let in_turn = codegen::generate(&loaded, &options).expect("generates");
    assert_eq!(together.source, in_turn.source);
    assert_eq!(together.warnings, in_turn.warnings);
    assert_eq!(model.spec().openapi, loaded.openapi);
    let wrong = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: [1]}\n";
    let expected = codegen::load("wrong.yaml", wrong).map(|_| ()).unwrap_err();
    let got = codegen::Model::load("wrong.yaml", wrong)
        .map(|_| ())
        .unwrap_err();
    assert_eq!(got, expected);
    assert!(
        got.to_string()
            .contains("/paths/~1a/get/responses/200/description"),
        "{got}"
    );
}
