//! Messages API event streams: any bytes, cut anywhere, decoded and assembled, never panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (cuts, body) = data.split_at(data.len().min(2));
    let cuts: Vec<usize> = cuts.iter().map(|&c| c as usize * 7).collect();
    openrouter_bindings::fuzzing::messages_stream(body, &cuts);
});
