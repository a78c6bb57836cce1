//! Response and error decoding: any body, with any status, never panics.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (status, body) = match data {
        [a, b, rest @ ..] => (100 + u16::from_le_bytes([*a, *b]) % 500, rest),
        _ => (200, data),
    };
    openrouter_bindings::fuzzing::response(status, body);
});
