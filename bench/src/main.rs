//! openrouter-bindings against the floor (raw reqwest + serde_json + a plain SSE parser) and the
//! peer crates, on loopback, in one run. See BENCHMARKS.md for what is measured and the figures.
//!
//! - `cargo run --release`: the runtime table (and memory per open stream);
//! - `cargo run --release -- build-times`: clean release builds of a minimal program per crate;
//! - `cargo run --release -- responses`: each way of reading a Responses or chat stream against the
//!   floor.
//!
//! The server runs in a child process (`serve`) so that this process's CPU time is the client's
//! alone; each memory figure comes from a fresh child process (`memory <client> <port> <depth>`).
//!
//! For profiling one part: `BENCH_ROUNDS=n`, `BENCH_CLIENTS=floor,openrouter-bindings,async-openai,
//! openrouter-rs`, `BENCH_WORKLOADS=small,large,long,many,memory`, `BENCH_RUNTIME=current_thread`.
//! Naming `floor-all-fields`, `floor-typed` or `floor-typed-bounded` in `BENCH_CLIENTS` adds parts
//! of the crate's cost to the request workloads (`contenders::Kind::PARTS`). `BENCH_USAGE=1` adds,
//! per client, its user and system CPU time, page faults, context switches and allocations per
//! unit (allocations are counted only then).

mod build_times;
mod contenders;
mod fixtures;
mod responses;
mod server;
mod workloads;

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use contenders::{Contender, Kind};
use workloads::{Sample, Usage, Workload};

/// Streams held open at once for the memory figure.
const HELD_STREAMS: usize = 256;

#[global_allocator]
static ALLOCATOR: workloads::heap::Counting = workloads::heap::Counting;

/// Pins this process (and the threads it starts later) to one core.
fn pin_to_core(core: usize) {
    // SAFETY: a zeroed cpu_set_t is a valid empty set; the calls only read and write it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(core, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None => runtime_table(),
        Some("serve") => {
            pin_to_core(1);
            server::run()
        }
        Some("memory") => memory_child(
            Kind::parse(&args[1]).expect("a client name"),
            args[2].parse().expect("a port"),
            args[3].parse().expect("a depth"),
        ),
        Some("build-times") => build_times::run(&args[1..]),
        Some("responses") => responses::run(),
        Some(other) => {
            eprintln!("unknown mode {other:?}: use no argument, build-times or responses");
            std::process::exit(2);
        }
    }
}

/// The server child; killed when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .arg("serve")
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the server process");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        Server { child, port: line.trim().parse().expect("the server's port") }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether `name` is in the comma-separated list in `variable` (everything is, when it is unset):
/// for profiling one client or one workload.
fn selected(variable: &str, name: &str) -> bool {
    std::env::var(variable).map_or(true, |list| list.split(',').any(|n| n == name))
}

/// Whether the comma-separated list in `variable` names `name` (unset: no).
fn named(variable: &str, name: &str) -> bool {
    std::env::var(variable).is_ok_and(|list| list.split(',').any(|n| n == name))
}

/// The middle value (the mean of the two middle ones for an even count).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n.is_multiple_of(2) { (values[n / 2 - 1] + values[n / 2]) / 2.0 } else { values[n / 2] }
}

fn runtime_table() {
    let rounds: usize = std::env::var("BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(31);
    let server = Server::start();
    // Client on core 0, server on core 1 (of this 2-core machine): otherwise the scheduler's
    // placement of four busy threads on two cores swings latency by 2x from run to run.
    pin_to_core(0);
    // The multi-threaded runtime, as most services run; BENCH_RUNTIME=current_thread for one thread.
    let runtime = match std::env::var("BENCH_RUNTIME").as_deref() {
        Ok("current_thread") => tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap(),
        _ => tokio::runtime::Runtime::new().unwrap(),
    };
    println!(
        "openrouter-bindings bench: loopback, server in its own process, {rounds} rounds, clients interleaved per round, medians."
    );
    println!(
        "Throughput and CPU are ratios to the floor (higher is better for both: 1.00x = as fast / as frugal as the floor).\n"
    );
    // Allocations are counted only when the usage lines are asked for.
    let usage_lines = std::env::var("BENCH_USAGE").is_ok();
    if usage_lines {
        workloads::heap::start();
    }
    runtime.block_on(async {
        for workload in Workload::ALL.into_iter().filter(|w| selected("BENCH_WORKLOADS", w.route())) {
            let expected = workload.expected();
            let url = format!("http://127.0.0.1:{}/{}", server.port, workload.route());
            let kinds: Vec<Kind> = Kind::ALL
                .into_iter()
                .filter(|k| selected("BENCH_CLIENTS", k.short_name()))
                .chain(
                    Kind::PARTS.into_iter().filter(|k| named("BENCH_CLIENTS", k.short_name()) && !workload.streamed()),
                )
                .collect();
            // A fresh client per round, warmed by one untimed request, so that no client's
            // connection pool carries state from one round into the next.
            let fresh = |kind: Kind| Arc::new(Contender::new(kind, &url));
            // The first run of each checks correctness (and warms the allocator).
            let mut failed: Vec<Option<String>> = Vec::new();
            for &kind in &kinds {
                failed.push(workloads::run(workload, &fresh(kind), &expected).await.err());
            }
            let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); kinds.len()];
            let mut usage = vec![Usage::default(); kinds.len()];
            for round in 0..rounds {
                for i in (0..kinds.len()).map(|i| (i + round) % kinds.len()) {
                    if failed[i].is_some() {
                        continue;
                    }
                    let client = fresh(kinds[i]);
                    let warmed = workloads::warm_up(workload, &client).await;
                    let before = Usage::now();
                    let ran = workloads::run(workload, &client, &expected).await;
                    usage[i].add(before, Usage::now());
                    match warmed.and(ran) {
                        Ok(sample) => samples[i].push(sample),
                        Err(e) => failed[i] = Some(e),
                    }
                }
            }
            report(workload, &kinds, &samples, &failed);
            if usage_lines {
                for (kind, usage) in kinds.iter().zip(&usage) {
                    println!("  {:<24} {}", kind.name(), usage.per(rounds * workload.unit().1));
                }
            }
        }
    });
    drop(runtime);
    if !selected("BENCH_WORKLOADS", "memory") {
        return;
    }
    println!(
        "Memory per open stream: {HELD_STREAMS} streams held open at once, after N content chunks each; \
         a fresh process per client and depth. Heap = live bytes allocated (counted), RSS = resident growth."
    );
    println!(
        "  {:<24} {:>18} {:>18} {:>18} {:>18}",
        "client",
        format!("heap/stream N={}", workloads::HELD_DEPTHS[0]),
        format!("RSS/stream N={}", workloads::HELD_DEPTHS[0]),
        format!("heap/stream N={}", workloads::HELD_DEPTHS[1]),
        format!("RSS/stream N={}", workloads::HELD_DEPTHS[1])
    );
    for kind in Kind::ALL.into_iter().filter(|k| selected("BENCH_CLIENTS", k.short_name())) {
        let mut cells = Vec::new();
        for depth in workloads::HELD_DEPTHS {
            let output = Command::new(std::env::current_exe().unwrap())
                .args(["memory", kind.short_name(), &server.port.to_string(), &depth.to_string()])
                .output()
                .expect("run the memory child");
            let text = String::from_utf8_lossy(&output.stdout).trim().to_owned();
            match text.split_once(' ') {
                Some((heap, rss)) if !text.starts_with("FAILED") => {
                    cells.push(format!("{heap} KiB"));
                    cells.push(format!("{rss} KiB"));
                }
                _ => cells.extend([text.clone(), String::new()]),
            }
        }
        println!("  {:<24} {:>18} {:>18} {:>18} {:>18}", kind.name(), cells[0], cells[1], cells[2], cells[3]);
    }
}

fn report(workload: Workload, kinds: &[Kind], samples: &[Vec<Sample>], failed: &[Option<String>]) {
    let (unit, count) = workload.unit();
    println!("{}", workload.name());
    println!(
        "  {:<24} {:>10} {:>14} {:>11} {:>14} {:>9} {:>22}",
        "client",
        "median ms",
        format!("{unit}s/s"),
        "throughput",
        format!("CPU us/{unit}"),
        "CPU",
        "paired: through., CPU"
    );
    let wall = |s: &[Sample]| median(s.iter().map(|s| s.wall.as_secs_f64()).collect());
    let cpu = |s: &[Sample]| median(s.iter().map(|s| s.cpu.as_secs_f64() / count as f64).collect());
    let floor_index = kinds.iter().position(|k| *k == Kind::Floor).filter(|&i| !samples[i].is_empty());
    let floor = floor_index.map(|i| (wall(&samples[i]), cpu(&samples[i])));
    // The median of each round's ratio to the floor's run in the same round: a slow spell of the
    // machine (its neighbours) slows every client of a round alike, and cancels out here.
    let paired = |s: &[Sample]| {
        let floor = &samples[floor_index?];
        (floor.len() == s.len()).then(|| {
            let wall = median(floor.iter().zip(s).map(|(f, c)| f.wall.as_secs_f64() / c.wall.as_secs_f64()).collect());
            let cpu = median(floor.iter().zip(s).map(|(f, c)| f.cpu.as_secs_f64() / c.cpu.as_secs_f64()).collect());
            (wall, cpu)
        })
    };
    for (i, kind) in kinds.iter().enumerate() {
        if let Some(e) = &failed[i] {
            println!("  {:<24} FAILED: {e}", kind.name());
            continue;
        }
        let (w, c) = (wall(&samples[i]), cpu(&samples[i]));
        let (wr, cr) = floor.map_or((f64::NAN, f64::NAN), |(fw, fc)| (fw / w, fc / c));
        let (pw, pc) = paired(&samples[i]).unwrap_or((f64::NAN, f64::NAN));
        println!(
            "  {:<24} {:>10.2} {:>14.0} {:>10.2}x {:>14.2} {:>8.2}x {:>12.2}x {:>8.2}x",
            kind.name(),
            w * 1e3,
            count as f64 / w,
            wr,
            c * 1e6,
            cr,
            pw,
            pc
        );
    }
    println!();
}

/// In a fresh process: heap and resident memory per stream held open after `depth` chunks.
/// Prints "<heap KiB> <RSS KiB>" per stream.
fn memory_child(kind: Kind, port: u16, depth: usize) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let url = format!("http://127.0.0.1:{port}/stall-{depth}");
    let client = Arc::new(Contender::new(kind, &url));
    let result: Result<_, String> = runtime.block_on(async {
        // One stream first, so that what a process pays once (TLS roots, pools) is not counted.
        drop(client.hold_stream(depth).await?);
        tokio::time::sleep(Duration::from_millis(50)).await;
        workloads::heap::start();
        let (heap, rss) = (workloads::heap::live(), workloads::resident_bytes());
        let tasks: Vec<_> = (0..HELD_STREAMS)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.hold_stream(depth).await })
            })
            .collect();
        let mut held = Vec::new();
        for task in tasks {
            held.push(task.await.map_err(|e| e.to_string())??);
        }
        let grown = (workloads::heap::live() - heap, workloads::resident_bytes().saturating_sub(rss));
        drop(held);
        Ok(grown)
    });
    match result {
        Ok((heap, rss)) => {
            let per_stream = |bytes: f64| bytes / HELD_STREAMS as f64 / 1024.0;
            println!("{:.1} {:.1}", per_stream(heap as f64), per_stream(rss as f64))
        }
        Err(e) => println!("FAILED: {e}"),
    }
}
