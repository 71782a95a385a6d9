//! Turns an OpenAPI 3.0 document into the source of a typed async Rust client.
//!
//! The pipeline is `load` (text → checked document) → model → emit → render; see
//! `ARCHITECTURE.md` at the repository root. Nothing here reads or writes files: callers hand in
//! text and receive text, so the same library serves `cargo xtask`, tests and other tools.

pub mod load;

pub use load::{load, LoadError, LoadedSpec, Warning};
