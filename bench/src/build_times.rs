//! Clean release build time of a minimal program per crate (`bench/minimal/*`: one chat request,
//! as each README shows it), and this crate's no-op rebuild.
//!
//! Dependencies are fetched first (not timed); each build then starts from an empty target
//! directory with `--offline --locked`, so the time is compiling and linking only. The builds run
//! one after another, each with every core.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const PROGRAMS: [&str; 5] = ["floor", "openrouter-bindings", "openrouter-bindings-full", "async-openai", "openrouter-rs"];

struct Build {
    time: Duration,
    /// Crates compiled (the "Compiling" lines).
    crates: usize,
    output: String,
}

fn cargo_build(dir: &Path, target: &Path) -> Build {
    let started = Instant::now();
    let output = Command::new(env!("CARGO"))
        .args(["build", "--release", "--offline", "--locked"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        // The rustc beside this cargo: a dependency's own rust-toolchain.toml must not pick another.
        .env("RUSTC", Path::new(env!("CARGO")).with_file_name("rustc"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo");
    let time = started.elapsed();
    let text = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "building {} failed:\n{text}", dir.display());
    Build { time, crates: text.lines().filter(|l| l.trim_start().starts_with("Compiling")).count(), output: text }
}

/// Builds every program, or the ones named (`build-times floor async-openai`); the crate's own is
/// always built, for the no-op rebuild.
pub fn run(only: &[String]) {
    let selected = |p: &str| only.is_empty() || p == "openrouter-bindings" || only.iter().any(|o| o == p);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("minimal");
    for program in PROGRAMS.into_iter().filter(|p| selected(p)) {
        let status = Command::new(env!("CARGO")).args(["fetch", "--locked"]).current_dir(root.join(program)).status();
        assert!(status.is_ok_and(|s| s.success()), "cargo fetch failed for {program}");
    }
    println!(
        "Clean release builds of a minimal program (one chat request), one after another, fresh target directories:"
    );
    println!("  {:<24} {:>10} {:>8} {:>16} {:>14}", "program", "seconds", "crates", "vs async-openai", "vs floor");
    let mut results = Vec::new();
    let mut noop = None;
    for program in PROGRAMS.into_iter().filter(|p| selected(p)) {
        let target = std::env::temp_dir().join(format!("openrouter-bindings-bench-build-{program}"));
        let _ = std::fs::remove_dir_all(&target);
        let build = cargo_build(&root.join(program), &target);
        if program == "openrouter-bindings" {
            let again = cargo_build(&root.join(program), &target);
            noop = Some(again);
        }
        let _ = std::fs::remove_dir_all(&target);
        results.push((program, build));
    }
    let seconds = |name: &str| results.iter().find(|(p, _)| *p == name).map_or(f64::NAN, |(_, b)| b.time.as_secs_f64());
    let (peer, floor) = (seconds("async-openai"), seconds("floor"));
    for (program, build) in &results {
        let s = build.time.as_secs_f64();
        println!("  {program:<24} {s:>10.1} {:>8} {:>15.2}x {:>13.2}x", build.crates, s / peer, s / floor);
    }
    let noop = noop.expect("the crate was built");
    let reran = noop.output.contains("openrouter-bindings") || noop.crates > 0;
    println!(
        "No-op rebuild of the openrouter-bindings program: {:.2} s, {} crates compiled, code generation {}.",
        noop.time.as_secs_f64(),
        noop.crates,
        if reran { "RERAN" } else { "not rerun" }
    );
}
