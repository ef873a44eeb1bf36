//! devpayr: every answer decode path of the client (status check, typed error with its redacted
//! body, models) on hostile answers; no panic, and no error shows the request's secret.
#![no_main]

use keyward_fuzz::{Answer, CANARY, assert_no_canary, now};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(answer) = Answer::parse(data) {
        let texts = devpayr::fuzzing::decode_answer(
            answer.status,
            &answer.headers,
            answer.body,
            CANARY,
            now(),
        );
        assert_no_canary(&texts);
    }
});
