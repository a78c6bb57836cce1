//! The normalizer and the fixes: any spec text gives a result or an error, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = openrouter_bindings_codegen::normalized(text);
    }
});
