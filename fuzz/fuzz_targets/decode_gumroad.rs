//! gumroad: every answer decode path of the client (status check, typed error with its redacted
//! body, models) on hostile answers; no panic, and no error shows the request's secret.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    keyward_fuzz::decode_target(data, keyward_gumroad::fuzzing::decode_answer);
});
