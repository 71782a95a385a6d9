//! The clients of the generator's fixture specs (`codegen/tests/fixtures`), generated at build
//! time, so that tests can check what generated types do with JSON, where the snapshots show
//! only how they read, that a generated client, the mock and the conformance suite read a spec
//! alike (`tests/agreement.rs`), that the paginated lists' helpers walk exactly the pages each
//! style needs (`tests/pagination.rs`), that streaming methods read a body as it arrives
//! (`tests/streaming.rs`), and that page walks and streams agree with the mock serving the same
//! fixtures (`tests/mock_pages_and_streams.rs`). One module per fixture, named after it.

include!(concat!(env!("OUT_DIR"), "/agreement.rs"));
include!(concat!(env!("OUT_DIR"), "/composition.rs"));
include!(concat!(env!("OUT_DIR"), "/enums.rs"));
include!(concat!(env!("OUT_DIR"), "/json_schema_keywords.rs"));
include!(concat!(env!("OUT_DIR"), "/json_schema_types.rs"));
include!(concat!(env!("OUT_DIR"), "/objects.rs"));
include!(concat!(env!("OUT_DIR"), "/pagination.rs"));
include!(concat!(env!("OUT_DIR"), "/pagination_edges.rs"));
include!(concat!(env!("OUT_DIR"), "/pagination_real.rs"));
include!(concat!(env!("OUT_DIR"), "/pattern_limits.rs"));
include!(concat!(env!("OUT_DIR"), "/recursion.rs"));
include!(concat!(env!("OUT_DIR"), "/references.rs"));
include!(concat!(env!("OUT_DIR"), "/streaming.rs"));
include!(concat!(env!("OUT_DIR"), "/webhooks_only.rs"));
