//! signed-license: any bytes as a signed envelope, through every verification path (live per key
//! scope, the `Verifier` with echoes and replay store, offline); never a panic, no secret shown.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    keyward_fuzz::signed::check_envelope(data, None);
});
