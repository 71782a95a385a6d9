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
