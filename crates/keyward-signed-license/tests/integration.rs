//! The integration tests, one binary: every file under `tests/` is a module of it, so the test
//! build links one executable instead of one per file (disk and link time). `#[path]` makes each
//! file a module root, so the modules it declares resolve beside it as they did when it was a
//! binary of its own; the helpers the files share are declared once, here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// Helpers the test modules share, compiled once.
mod common;

#[path = "client_admin.rs"]
mod client_admin;
#[path = "client_emulator.rs"]
mod client_emulator;
#[path = "client_emulator_update.rs"]
mod client_emulator_update;
#[path = "client_licensing.rs"]
mod client_licensing;
#[path = "documented_examples.rs"]
mod documented_examples;
#[path = "edges.rs"]
mod edges;
#[path = "global_key_answers.rs"]
mod global_key_answers;
#[path = "redaction.rs"]
mod redaction;
#[path = "synthetic.rs"]
mod synthetic;
#[path = "time_and_replay.rs"]
mod time_and_replay;
