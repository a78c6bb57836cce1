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

const SEQUENTIAL_REQUESTS: usize = 200;
const CONCURRENT_TASKS: usize = 32;
const REQUESTS_PER_TASK: usize = 16;
const LARGE_REQUESTS: usize = 3;
const CONCURRENT_STREAMS: usize = 64;

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

    pub fn name(self) -> String {
        match self {
            Workload::Sequential => format!("{SEQUENTIAL_REQUESTS} requests, one after another"),
            Workload::Concurrent => {
                format!("{} requests, {CONCURRENT_TASKS} at once", CONCURRENT_TASKS * REQUESTS_PER_TASK)
            }
            Workload::Large => format!("{LARGE_REQUESTS} responses of {} MiB content", LARGE_BYTES >> 20),
            Workload::LongStream => format!("1 stream of {LONG_CHUNKS} chunks"),
            Workload::ConcurrentStreams => format!("{CONCURRENT_STREAMS} streams of {MANY_CHUNKS} chunks at once"),
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
        match self {
            Workload::Sequential => ("request", SEQUENTIAL_REQUESTS),
            Workload::Concurrent => ("request", CONCURRENT_TASKS * REQUESTS_PER_TASK),
            Workload::Large => ("request", LARGE_REQUESTS),
            // Content chunks plus the finish and usage chunks.
            Workload::LongStream => ("chunk", LONG_CHUNKS + 2),
            Workload::ConcurrentStreams => ("chunk", CONCURRENT_STREAMS * (MANY_CHUNKS + 2)),
        }
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
    match workload {
        Workload::Sequential | Workload::Concurrent | Workload::Large => client.complete().await.map(drop),
        Workload::LongStream | Workload::ConcurrentStreams => client.stream().await.map(drop),
    }
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
    let outcomes: Vec<Result<(Outcome, usize), String>> = match workload {
        Workload::Sequential | Workload::Large => {
            let count = if workload == Workload::Large { LARGE_REQUESTS } else { SEQUENTIAL_REQUESTS };
            // In a task, as a service's handler would run, not on the thread that blocks on the runtime.
            let client = client.clone();
            tokio::spawn(async move {
                let mut outcomes = Vec::with_capacity(count);
                for _ in 0..count {
                    outcomes.push(client.complete().await.map(|o| (o, 1)));
                }
                outcomes
            })
            .await
            .map_err(|e| e.to_string())?
        }
        Workload::Concurrent => {
            let tasks: Vec<_> = (0..CONCURRENT_TASKS)
                .map(|_| {
                    let client = client.clone();
                    tokio::spawn(async move {
                        let mut outcomes = Vec::with_capacity(REQUESTS_PER_TASK);
                        for _ in 0..REQUESTS_PER_TASK {
                            outcomes.push(client.complete().await.map(|o| (o, 1)));
                        }
                        outcomes
                    })
                })
                .collect();
            let mut outcomes = Vec::new();
            for task in tasks {
                outcomes.extend(task.await.map_err(|e| e.to_string())?);
            }
            outcomes
        }
        Workload::LongStream => {
            let client = client.clone();
            vec![tokio::spawn(async move { client.stream().await }).await.map_err(|e| e.to_string())?]
        }
        Workload::ConcurrentStreams => {
            let tasks: Vec<_> = (0..CONCURRENT_STREAMS)
                .map(|_| {
                    let client = client.clone();
                    tokio::spawn(async move { client.stream().await })
                })
                .collect();
            let mut outcomes = Vec::new();
            for task in tasks {
                outcomes.push(task.await.map_err(|e| e.to_string())?);
            }
            outcomes
        }
    };
    let sample = Sample { wall: started.elapsed(), cpu: cpu_time() - cpu };
    let streamed = matches!(workload, Workload::LongStream | Workload::ConcurrentStreams);
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
        if streamed && chunks != expected.completion_tokens as usize + 2 {
            return Err(format!("{chunks} chunks, want {}", expected.completion_tokens + 2));
        }
    }
    Ok(sample)
}

/// User + system CPU time of this process so far.
pub fn cpu_time() -> Duration {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct we own.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// Live heap bytes, counted by the benchmark's allocator while counting is on (the memory
/// children only: the timed runs pay one relaxed load per allocation).
pub mod heap {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering::Relaxed};

    pub struct Counting;
    static ON: AtomicBool = AtomicBool::new(false);
    static LIVE: AtomicIsize = AtomicIsize::new(0);

    pub fn start() {
        ON.store(true, Relaxed);
    }

    pub fn live() -> isize {
        LIVE.load(Relaxed)
    }

    // SAFETY: every call is passed to `System` unchanged; the counter only observes sizes.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            if ON.load(Relaxed) {
                LIVE.fetch_add(layout.size() as isize, Relaxed);
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
