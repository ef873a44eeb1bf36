//! The parts of `cargo xtask bench`: the canned bodies that the loopback server of
//! `keyward-test-support` answers ([`canned::serve`]), a bare reqwest + serde client, our
//! clients (provider crates and the `keyward` facade) against the same server,
//! the interleaved comparison, the signed-envelope comparison, the peak-RSS children and the
//! webhook delivery stores (memory and a real Redis).
//! Measured, never asserted: nothing here is a test of speed.
#![deny(missing_docs)]

pub mod bare;
pub mod callgrind;
pub mod canned;
pub mod compare;
pub mod deliveries;
pub mod ops;
pub mod ours;
pub mod profile;
pub mod rss;
pub mod signed;

/// A single-threaded tokio runtime: the canned server and the client share one thread, so a
/// call is the same sequence of steps every time.
pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))
}
