// The statuses the decode targets pick from (byte 0 of an input, modulo the length): one array
// expression, `include!`d by `fuzz/src/lib.rs` and by `xtask/src/fuzz.rs`, which frames the
// fixtures as inputs.
[
    200, 201, 204, 400, 401, 403, 404, 409, 410, 422, 429, 500, 502, 503, 504, 301, 100, 299, 418,
    599,
]
