//! Clean release build time of a minimal program per crate (`bench/minimal/*`: one chat request,
//! as each README shows it), and this crate's no-op rebuild.
//!
//! Dependencies are fetched first (not timed); each build then starts from an empty target
//! directory with `--offline --locked`, so the time is compiling and linking only. The builds run
//! one after another, each with every core, in rounds (`BENCH_ROUNDS`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::median;

const PROGRAMS: [&str; 5] =
    ["floor", "openrouter-bindings", "openrouter-bindings-full", "async-openai", "openrouter-rs"];

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
/// always built, for the no-op rebuild. `BENCH_ROUNDS` (default 1) repeats the builds, each round in
/// another order, so that a slow spell of the machine falls on every program alike; with several
/// rounds the table gives each program's median and the median of its per-round ratios.
pub fn run(only: &[String]) {
    let selected = |p: &str| only.is_empty() || p == "openrouter-bindings" || only.iter().any(|o| o == p);
    let programs: Vec<&str> = PROGRAMS.into_iter().filter(|p| selected(p)).collect();
    let rounds: usize = std::env::var("BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(1).max(1);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("minimal");
    for program in &programs {
        let status = Command::new(env!("CARGO")).args(["fetch", "--locked"]).current_dir(root.join(program)).status();
        assert!(status.is_ok_and(|s| s.success()), "cargo fetch failed for {program}");
    }
    println!(
        "Clean release builds of a minimal program (one chat request), fresh target directories, {rounds} round(s), \
         each in another order:"
    );
    // Per program, its build of each round (in the order of `programs`).
    let mut results: Vec<Vec<Build>> = programs.iter().map(|_| Vec::new()).collect();
    let mut noop = None;
    for round in 0..rounds {
        for i in (0..programs.len()).map(|i| (i + round) % programs.len()) {
            let program = programs[i];
            let target = std::env::temp_dir().join(format!("openrouter-bindings-bench-build-{program}"));
            let _ = std::fs::remove_dir_all(&target);
            let build = cargo_build(&root.join(program), &target);
            eprintln!("round {}: {program} {:.1} s", round + 1, build.time.as_secs_f64());
            if program == "openrouter-bindings" && noop.is_none() {
                noop = Some(cargo_build(&root.join(program), &target));
            }
            let _ = std::fs::remove_dir_all(&target);
            results[i].push(build);
        }
    }
    let seconds = |name: &str| -> Vec<f64> {
        programs
            .iter()
            .position(|p| *p == name)
            .map_or_else(Vec::new, |i| results[i].iter().map(|b| b.time.as_secs_f64()).collect())
    };
    let ratio = |own: &[f64], other: &[f64]| -> f64 {
        if other.is_empty() {
            return f64::NAN;
        }
        median(own.iter().zip(other).map(|(a, b)| a / b).collect())
    };
    let (peer, floor) = (seconds("async-openai"), seconds("floor"));
    println!("  {:<24} {:>10} {:>8} {:>16} {:>14}", "program", "seconds", "crates", "vs async-openai", "vs floor");
    for (program, builds) in programs.iter().zip(&results) {
        let own = seconds(program);
        println!(
            "  {program:<24} {:>10.1} {:>8} {:>15.2}x {:>13.2}x",
            median(own.clone()),
            builds[0].crates,
            ratio(&own, &peer),
            ratio(&own, &floor)
        );
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
