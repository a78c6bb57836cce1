//! SSE decoding and chunk parsing: any bytes, cut anywhere, never panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // The first two bytes choose two cut points; the rest is the body.
    let (cuts, body) = data.split_at(data.len().min(2));
    let cuts: Vec<usize> = cuts.iter().map(|&c| c as usize * 7).collect();
    openrouter_bindings::fuzzing::stream(body, &cuts);
});
