//! The workloads, their sizes, and one timed run of a workload by one client.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::contenders::Contender;
use crate::fixtures::{self, Outcome};

/// Content of the small non-streaming answer, in bytes.
pub const SMALL_BYTES: usize = 1_000;
/// Content of the large non-streaming answer, in bytes.
pub const LARGE_BYTES: usize = 8 << 20;
/// Chunks of the one long stream.
pub const LONG_CHUNKS: usize = 20_000;
/// Chunks of each of the concurrent streams.
pub const MANY_CHUNKS: usize = 1_000;
/// Content chunks read from each held stream before memory is measured: how much an open stream
/// costs, and whether that grows with what it has received.
pub const HELD_DEPTHS: [usize; 2] = [10, 2_000];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    Sequential,
    Concurrent,
    Large,
    LongStream,
    ConcurrentStreams,
}

impl Workload {
    pub const ALL: [Workload; 5] = [
        Workload::Sequential,
        Workload::Concurrent,
        Workload::Large,
        Workload::LongStream,
        Workload::ConcurrentStreams,
    ];

    /// How many tasks run at once, and how many requests (or streams) each makes in turn.
    fn shape(self) -> (usize, usize) {
        match self {
            Workload::Sequential => (1, 200),
            Workload::Concurrent => (32, 16),
            Workload::Large => (1, 3),
            Workload::LongStream => (1, 1),
            Workload::ConcurrentStreams => (64, 1),
        }
    }

    pub fn streamed(self) -> bool {
        matches!(self, Workload::LongStream | Workload::ConcurrentStreams)
    }

    /// Chunks per stream: the content chunks plus the finish and usage chunks.
    fn chunks_per_stream(self) -> usize {
        if self == Workload::LongStream { LONG_CHUNKS + 2 } else { MANY_CHUNKS + 2 }
    }

    pub fn name(self) -> String {
        let (tasks, each) = self.shape();
        match self {
            Workload::Sequential => format!("{each} requests, one after another"),
            Workload::Concurrent => format!("{} requests, {tasks} at once", tasks * each),
            Workload::Large => format!("{each} responses of {} MiB content", LARGE_BYTES >> 20),
            Workload::LongStream => format!("1 stream of {LONG_CHUNKS} chunks"),
            Workload::ConcurrentStreams => format!("{tasks} streams of {MANY_CHUNKS} chunks at once"),
        }
    }

    /// The server route (first path segment) this workload talks to.
    pub fn route(self) -> &'static str {
        match self {
            Workload::Sequential | Workload::Concurrent => "small",
            Workload::Large => "large",
            Workload::LongStream => "long",
            Workload::ConcurrentStreams => "many",
        }
    }

    /// What the counted unit is, and how many a run has.
    pub fn unit(self) -> (&'static str, usize) {
        let (tasks, each) = self.shape();
        if self.streamed() { ("chunk", tasks * each * self.chunks_per_stream()) } else { ("request", tasks * each) }
    }

    /// What every request of this workload must give back.
    pub fn expected(self) -> Outcome {
        match self {
            Workload::Sequential | Workload::Concurrent => fixtures::response(&fixtures::text_of(SMALL_BYTES)).1,
            Workload::Large => fixtures::response(&fixtures::text_of(LARGE_BYTES)).1,
            Workload::LongStream => fixtures::stream(LONG_CHUNKS).1,
            Workload::ConcurrentStreams => fixtures::stream(MANY_CHUNKS).1,
        }
    }
}

/// One untimed request or stream, so that a fresh client has its connection.
pub async fn warm_up(workload: Workload, client: &Contender) -> Result<(), String> {
    if workload.streamed() { client.stream().await.map(drop) } else { client.complete().await.map(drop) }
}

/// One run's wall time and the process's CPU time (user + system) spent during it.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub wall: Duration,
    pub cpu: Duration,
}

/// Runs `workload` once with `client`; checks every outcome against `expected` after the clock stops.
pub async fn run(workload: Workload, client: &Arc<Contender>, expected: &Outcome) -> Result<Sample, String> {
    let cpu = cpu_time();
    let started = Instant::now();
    // Every request runs in a spawned task, as a service's handler would, not on the thread that
    // blocks on the runtime.
    let (tasks, each) = workload.shape();
    let streamed = workload.streamed();
    let tasks: Vec<_> = (0..tasks)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut outcomes = Vec::with_capacity(each);
                for _ in 0..each {
                    outcomes.push(if streamed {
                        client.stream().await
                    } else {
                        client.complete().await.map(|o| (o, 1))
                    });
                }
                outcomes
            })
        })
        .collect();
    let mut outcomes: Vec<Result<(Outcome, usize), String>> = Vec::new();
    for task in tasks {
        outcomes.extend(task.await.map_err(|e| e.to_string())?);
    }
    let sample = Sample { wall: started.elapsed(), cpu: cpu_time() - cpu };
    for outcome in outcomes {
        let (outcome, chunks) = outcome?;
        if outcome != *expected {
            return Err(format!(
                "wrong result: {} text bytes (want {}), finish {:?} (want {:?}), {} completion tokens (want {})",
                outcome.text.len(),
                expected.text.len(),
                outcome.finish_reason,
                expected.finish_reason,
                outcome.completion_tokens,
                expected.completion_tokens
            ));
        }
        if streamed && chunks != workload.chunks_per_stream() {
            return Err(format!("{chunks} chunks, want {}", workload.chunks_per_stream()));
        }
    }
    Ok(sample)
}

/// This process's resource usage so far.
fn rusage() -> libc::rusage {
    // SAFETY: a zeroed rusage is valid, and getrusage only writes into the struct we own.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    }
}

/// User + system CPU time of this process so far.
pub fn cpu_time() -> Duration {
    let usage = rusage();
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// What the process used while a client ran (`BENCH_USAGE`): CPU time split into user and
/// system, page faults, context switches, and allocations (counted only in that mode).
#[derive(Clone, Copy, Default)]
pub struct Usage {
    pub user_us: i64,
    pub system_us: i64,
    pub minor_faults: i64,
    pub switches: i64,
    pub allocations: i64,
    pub allocated_bytes: i64,
}

impl Usage {
    pub fn now() -> Usage {
        let usage = rusage();
        let us = |t: libc::timeval| t.tv_sec * 1_000_000 + t.tv_usec;
        let (allocations, allocated_bytes) = heap::allocated();
        Usage {
            user_us: us(usage.ru_utime),
            system_us: us(usage.ru_stime),
            minor_faults: usage.ru_minflt,
            switches: usage.ru_nvcsw + usage.ru_nivcsw,
            allocations,
            allocated_bytes,
        }
    }

    /// Adds what was used between `before` and `after`.
    pub fn add(&mut self, before: Usage, after: Usage) {
        self.user_us += after.user_us - before.user_us;
        self.system_us += after.system_us - before.system_us;
        self.minor_faults += after.minor_faults - before.minor_faults;
        self.switches += after.switches - before.switches;
        self.allocations += after.allocations - before.allocations;
        self.allocated_bytes += after.allocated_bytes - before.allocated_bytes;
    }

    /// One line, per unit (request or chunk) of `units` in all.
    pub fn per(&self, units: usize) -> String {
        let n = units as f64;
        format!(
            "user {:6.2} us  system {:6.2} us  page faults {:5.3}  switches {:5.3}  allocations {:5.1} ({:6.0} bytes)",
            self.user_us as f64 / n,
            self.system_us as f64 / n,
            self.minor_faults as f64 / n,
            self.switches as f64 / n,
            self.allocations as f64 / n,
            self.allocated_bytes as f64 / n
        )
    }
}

/// Live heap bytes, and allocations, counted by the benchmark's allocator while counting is on
/// (the memory children, and the timed runs under `BENCH_USAGE` only: otherwise the timed runs
/// pay one relaxed load per allocation).
pub mod heap {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicBool, AtomicI64, AtomicIsize, Ordering::Relaxed};

    pub struct Counting;
    static ON: AtomicBool = AtomicBool::new(false);
    static LIVE: AtomicIsize = AtomicIsize::new(0);
    static CALLS: AtomicI64 = AtomicI64::new(0);
    static BYTES: AtomicI64 = AtomicI64::new(0);

    pub fn start() {
        ON.store(true, Relaxed);
    }

    pub fn live() -> isize {
        LIVE.load(Relaxed)
    }

    /// Allocations (and reallocations) so far, and the bytes they asked for.
    pub fn allocated() -> (i64, i64) {
        (CALLS.load(Relaxed), BYTES.load(Relaxed))
    }

    // SAFETY: every call is passed to `System` unchanged; the counter only observes sizes.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            if ON.load(Relaxed) {
                LIVE.fetch_add(layout.size() as isize, Relaxed);
                CALLS.fetch_add(1, Relaxed);
                BYTES.fetch_add(layout.size() as i64, Relaxed);
            }
            unsafe { System.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            if ON.load(Relaxed) {
                LIVE.fetch_sub(layout.size() as isize, Relaxed);
            }
            unsafe { System.dealloc(ptr, layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            if ON.load(Relaxed) {
                LIVE.fetch_add(new_size as isize - layout.size() as isize, Relaxed);
                CALLS.fetch_add(1, Relaxed);
                BYTES.fetch_add(new_size as i64, Relaxed);
            }
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }
}

/// Resident memory of this process, in bytes.
pub fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
    pages * 4096
}
