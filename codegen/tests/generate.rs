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
