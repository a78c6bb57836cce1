//! When to try a request again, and how long to wait: a pure decision, tested on its own.

use std::time::{Duration, SystemTime};

/// How the client retries failed requests.
///
/// What is retried depends on whether the server may already have acted on the request (the
/// README's "Retries" table):
///
/// | operation kind | retried after |
/// |---|---|
/// | reads (`GET`) | 408, 429, 500, 502, 503, 504, 524, 529, connect failures |
/// | inference (`POST` chat, Responses, Messages, embeddings, rerank) | 408, 429, 500, 502, 503, 529, connect failures; **not** 504 or 524 |
/// | everything else: creates, updates, deletes, uploads, exchanges (keys, guardrails, workspaces, presets, files, the auth-code exchange, image, speech and video jobs) | 408, 429, connect failures; **no** 5xx |
///
/// A 504 or 524 means the gateway gave up while the origin may still be working: a second
/// attempt may generate, and bill, the answer twice. OpenRouter does not charge for an answer
/// with no output or an error finish (zero-completion insurance), so an inference request's 500,
/// 502, 503 or 529 is retried. A create that failed with a 5xx may have created its object (a
/// second key, whose secret the first answer would have shown once): turn on
/// [`retry_non_idempotent`](Self::retry_non_idempotent) to retry those anyway.
///
/// Never retried: any other status (400, 401, 402, 403, 404, 413, 422, ...), a connection that
/// broke mid-answer, and, unless [`retry_timeouts`](Self::retry_timeouts) is on, a timeout after
/// the request was sent: the model may already be generating it, and a second attempt is billed
/// again.
///
/// Waits grow exponentially with full jitter. A `Retry-After` from the server replaces the
/// computed wait; one longer than [`max_retry_after`](Self::max_retry_after), or past the
/// [`deadline`](Self::deadline), ends the retries and the error carries it
/// ([`ApiError::retry_after`](crate::ApiError::retry_after)): waiting less than the server asked
/// would only be refused again.
///
/// ```
/// use std::time::Duration;
/// use openrouter_bindings::RetryPolicy;
///
/// let policy = RetryPolicy::default().max_retries(4).deadline(Duration::from_secs(60));
/// assert_eq!(policy.max_retries, 4);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 turns retries off). Default 2.
    pub max_retries: u32,
    /// The cap of the first wait; each retry doubles it. Default 500 ms.
    pub initial_backoff: Duration,
    /// The largest wait backoff may reach. Default 8 s.
    pub max_backoff: Duration,
    /// The longest `Retry-After` honoured; a longer one stops retrying. Default 60 s.
    pub max_retry_after: Duration,
    /// A time budget for the whole call: every attempt and every wait. Each attempt's timeout is
    /// cut to what is left of it, and no wait or retry runs past it. For a stream it covers the
    /// time until the stream starts. Default: none (each attempt is still bounded by its timeout).
    pub deadline: Option<Duration>,
    /// Also retry a timeout that fired after the request was sent (default `false`: the first
    /// attempt may still be generating, and billing, the answer).
    pub retry_timeouts: bool,
    /// Also re-send a request the server may already have acted on: a create, update, delete or
    /// exchange after a 5xx, and an inference request after a 504 or 524 (default `false`: the
    /// first attempt may have created the object, or be generating the answer).
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            deadline: None,
            retry_timeouts: false,
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self::default().max_retries(0)
    }

    /// The default policy with `max_retries` retries.
    pub fn with_max_retries(max_retries: u32) -> Self {
        Self::default().max_retries(max_retries)
    }

    /// Sets [`max_retries`](Self::max_retries).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets [`initial_backoff`](Self::initial_backoff).
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// Sets [`max_backoff`](Self::max_backoff).
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// Sets [`max_retry_after`](Self::max_retry_after).
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// Sets [`deadline`](Self::deadline).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Sets [`retry_timeouts`](Self::retry_timeouts).
    pub fn retry_timeouts(mut self, retry: bool) -> Self {
        self.retry_timeouts = retry;
        self
    }

    /// Sets [`retry_non_idempotent`](Self::retry_non_idempotent).
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    /// What is left of the deadline after `elapsed` (`None`: no deadline).
    pub(crate) fn time_left(&self, elapsed: Duration) -> Option<Duration> {
        self.deadline.map(|deadline| deadline.saturating_sub(elapsed))
    }
}

/// What a request may do on the server, as far as sending it again goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Reads nothing changes (`GET`, `HEAD`): always safe to repeat.
    Read,
    /// A generation (chat, Responses, Messages, embeddings, rerank): an answer that failed is not
    /// charged, but one the gateway gave up on (504, 524) may still be generated and billed.
    Inference,
    /// Anything else: creates, updates, deletes, uploads, exchanges. A 5xx may come after the
    /// server acted.
    Write,
}

/// The `POST` paths (relative to the base URL) that generate an answer.
const INFERENCE_PATHS: &[&str] = &["chat/completions", "responses", "messages", "embeddings", "rerank"];

impl Kind {
    /// The kind of a request with `method` to `path` (relative to the base URL).
    pub(crate) fn of(method: &reqwest::Method, path: &str) -> Kind {
        use reqwest::Method;
        if *method == Method::GET || *method == Method::HEAD {
            Kind::Read
        } else if *method == Method::POST && INFERENCE_PATHS.contains(&path.trim_matches('/')) {
            Kind::Inference
        } else {
            Kind::Write
        }
    }
}

/// What the last attempt ended with, as far as retrying cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// An error status (or an error envelope's numeric code), with the server's `Retry-After`.
    Status(u16, Option<Duration>),
    /// A connect failure: nothing reached the model.
    Connection,
    /// No answer in time after the request was sent: the model may be generating it.
    Timeout,
    /// Anything else: a decode error, a broken connection mid-answer, an invalid request.
    Final,
}

/// What to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// Give up and return the error.
    Stop,
}

/// Statuses worth another attempt.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504 | 524 | 529)
}

/// Whether `policy` retries a request of `kind` whose attempt ended with `outcome` (retry limits
/// aside).
pub(crate) fn retries(policy: &RetryPolicy, kind: Kind, outcome: Outcome) -> bool {
    match outcome {
        Outcome::Status(status, _) => {
            let server_may_have_acted = match kind {
                Kind::Read => false,
                Kind::Inference => matches!(status, 504 | 524),
                Kind::Write => status >= 500,
            };
            is_retryable_status(status) && (!server_may_have_acted || policy.retry_non_idempotent)
        }
        Outcome::Connection => true,
        Outcome::Timeout => policy.retry_timeouts,
        Outcome::Final => false,
    }
}

/// The longest `Retry-After` read from a server; anything longer is read as this. Keeps the
/// arithmetic on server-sent values far from overflow.
pub(crate) const MAX_PARSED_RETRY_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// Decides whether to retry after `retries_done` retries, `elapsed` since the first attempt.
///
/// `jitter` is a uniform random number in `[0, 1)`, passed in so the decision stays pure.
pub(crate) fn decide(
    policy: &RetryPolicy,
    kind: Kind,
    retries_done: u32,
    elapsed: Duration,
    outcome: Outcome,
    jitter: f64,
) -> Decision {
    if !retries(policy, kind, outcome) || retries_done >= policy.max_retries {
        return Decision::Stop;
    }
    let wait = match outcome {
        Outcome::Status(_, Some(wait)) if wait > policy.max_retry_after => return Decision::Stop,
        Outcome::Status(_, Some(wait)) => wait,
        _ => {
            let ceiling = policy.initial_backoff.saturating_mul(1u32 << retries_done.min(16)).min(policy.max_backoff);
            ceiling.mul_f64(jitter.clamp(0.0, 1.0))
        }
    };
    match policy.deadline {
        Some(deadline) if elapsed.saturating_add(wait) >= deadline => Decision::Stop,
        _ => Decision::RetryAfter(wait),
    }
}

/// Parses `Retry-After`: seconds, or an HTTP date (relative to `now`), at most
/// [`MAX_PARSED_RETRY_AFTER`].
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    let wait = if let Ok(seconds) = value.parse::<u64>() {
        Duration::from_secs(seconds.min(MAX_PARSED_RETRY_AFTER.as_secs()))
    } else if let Ok(seconds) = value.parse::<f64>() {
        if !(seconds.is_finite() && seconds >= 0.0) {
            return None;
        }
        Duration::from_secs_f64(seconds.min(MAX_PARSED_RETRY_AFTER.as_secs_f64()))
    } else {
        let at = httpdate::parse_http_date(value).ok()?;
        at.duration_since(now).unwrap_or(Duration::ZERO)
    };
    Some(wait.min(MAX_PARSED_RETRY_AFTER))
}

/// A uniform random number in `[0, 1)`, from std's per-process random hasher keys.
pub(crate) fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default().as_nanos());
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn policy() -> RetryPolicy {
        RetryPolicy::default()
            .max_retries(3)
            .initial_backoff(100 * MS)
            .max_backoff(250 * MS)
            .max_retry_after(Duration::from_secs(30))
    }

    #[test]
    fn retryable_statuses_retry_and_final_ones_never() {
        for status in [408, 429, 500, 502, 503, 504, 524, 529] {
            assert!(
                matches!(
                    decide(&policy(), Kind::Read, 0, Duration::ZERO, Outcome::Status(status, None), 0.5),
                    Decision::RetryAfter(_)
                ),
                "{status}"
            );
        }
        for status in [400, 401, 402, 403, 404, 413, 422, 200, 501] {
            assert_eq!(
                decide(&policy(), Kind::Read, 0, Duration::ZERO, Outcome::Status(status, None), 0.5),
                Decision::Stop,
                "{status}"
            );
        }
        assert!(matches!(
            decide(&policy(), Kind::Read, 0, Duration::ZERO, Outcome::Connection, 0.5),
            Decision::RetryAfter(_)
        ));
        assert_eq!(decide(&policy(), Kind::Read, 0, Duration::ZERO, Outcome::Final, 0.5), Decision::Stop);
    }

    #[test]
    fn a_request_the_server_may_have_acted_on_is_not_sent_again_unless_asked() {
        let retried = |policy: &RetryPolicy, kind, status| {
            matches!(
                decide(policy, kind, 0, Duration::ZERO, Outcome::Status(status, None), 0.5),
                Decision::RetryAfter(_)
            )
        };
        for status in [504, 524] {
            assert!(retried(&policy(), Kind::Read, status), "{status}");
            assert!(
                !retried(&policy(), Kind::Inference, status),
                "a gateway timeout may still be generating: {status}"
            );
            assert!(!retried(&policy(), Kind::Write, status), "{status}");
        }
        for status in [500, 502, 503, 529] {
            assert!(retried(&policy(), Kind::Inference, status), "an errored answer is not billed: {status}");
            assert!(!retried(&policy(), Kind::Write, status), "a create may have happened: {status}");
        }
        for status in [408, 429] {
            assert!(retried(&policy(), Kind::Write, status), "refused before acting: {status}");
        }
        let opted_in = policy().retry_non_idempotent(true);
        for (kind, status) in [(Kind::Write, 502), (Kind::Write, 524), (Kind::Inference, 524)] {
            assert!(retried(&opted_in, kind, status), "{kind:?} {status}");
        }
        assert!(matches!(
            decide(&policy(), Kind::Write, 0, Duration::ZERO, Outcome::Connection, 0.5),
            Decision::RetryAfter(_)
        ));
    }

    #[test]
    fn kinds_follow_method_and_path() {
        use reqwest::Method;
        assert_eq!(Kind::of(&Method::GET, "keys"), Kind::Read);
        assert_eq!(Kind::of(&Method::POST, "keys"), Kind::Write);
        assert_eq!(Kind::of(&Method::DELETE, "keys/abc"), Kind::Write);
        assert_eq!(Kind::of(&Method::POST, "images"), Kind::Write);
        assert_eq!(Kind::of(&Method::POST, "auth/keys"), Kind::Write);
        for path in ["chat/completions", "/responses", "messages", "embeddings", "rerank"] {
            assert_eq!(Kind::of(&Method::POST, path), Kind::Inference, "{path}");
        }
    }

    #[test]
    fn a_timeout_after_sending_is_retried_only_when_asked() {
        assert_eq!(decide(&policy(), Kind::Read, 0, Duration::ZERO, Outcome::Timeout, 0.5), Decision::Stop);
        assert!(matches!(
            decide(&policy().retry_timeouts(true), Kind::Read, 0, Duration::ZERO, Outcome::Timeout, 0.5),
            Decision::RetryAfter(_)
        ));
    }

    #[test]
    fn huge_retry_after_values_neither_overflow_nor_panic() {
        let now = SystemTime::now();
        let parsed = parse_retry_after("18446744073709551615", now).unwrap();
        assert_eq!(parsed, MAX_PARSED_RETRY_AFTER);
        assert_eq!(parse_retry_after("1e300", now), Some(MAX_PARSED_RETRY_AFTER));
        let policy = policy().max_retry_after(Duration::MAX).deadline(Duration::from_secs(10));
        for wait in [parsed, Duration::MAX] {
            assert_eq!(
                decide(&policy, Kind::Read, 0, Duration::from_secs(1), Outcome::Status(429, Some(wait)), 0.5),
                Decision::Stop
            );
        }
        let no_deadline = RetryPolicy { deadline: None, ..policy };
        assert_eq!(
            decide(&no_deadline, Kind::Read, 0, Duration::MAX, Outcome::Status(429, Some(Duration::MAX)), 0.5),
            Decision::RetryAfter(Duration::MAX)
        );
    }

    #[test]
    fn backoff_doubles_with_full_jitter_up_to_the_cap() {
        let wait =
            |retries, jitter| decide(&policy(), Kind::Read, retries, Duration::ZERO, Outcome::Connection, jitter);
        assert_eq!(wait(0, 0.5), Decision::RetryAfter(50 * MS));
        assert_eq!(wait(1, 0.5), Decision::RetryAfter(100 * MS));
        assert_eq!(wait(2, 0.5), Decision::RetryAfter(125 * MS), "capped at max_backoff 250ms");
        assert_eq!(wait(0, 0.0), Decision::RetryAfter(Duration::ZERO));
    }

    #[test]
    fn stops_at_the_retry_limit_and_when_off() {
        assert_eq!(decide(&policy(), Kind::Read, 3, Duration::ZERO, Outcome::Connection, 0.5), Decision::Stop);
        assert_eq!(
            decide(&RetryPolicy::none(), Kind::Read, 0, Duration::ZERO, Outcome::Status(503, None), 0.5),
            Decision::Stop
        );
    }

    #[test]
    fn retry_after_wins_and_is_capped() {
        let after = |secs| Outcome::Status(429, Some(Duration::from_secs(secs)));
        assert_eq!(
            decide(&policy(), Kind::Read, 0, Duration::ZERO, after(7), 0.1),
            Decision::RetryAfter(Duration::from_secs(7))
        );
        assert_eq!(decide(&policy(), Kind::Read, 0, Duration::ZERO, after(31), 0.1), Decision::Stop);
    }

    #[test]
    fn the_deadline_covers_all_attempts() {
        let policy = policy().deadline(Duration::from_secs(10));
        let after = Outcome::Status(503, Some(Duration::from_secs(3)));
        assert_eq!(
            decide(&policy, Kind::Read, 0, Duration::from_secs(6), after, 0.5),
            Decision::RetryAfter(Duration::from_secs(3))
        );
        assert_eq!(decide(&policy, Kind::Read, 0, Duration::from_secs(7), after, 0.5), Decision::Stop);
    }

    #[test]
    fn retry_after_parses_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_retry_after("17", now), Some(Duration::from_secs(17)));
        assert_eq!(parse_retry_after(" 1.5 ", now), Some(Duration::from_millis(1500)));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now), Some(Duration::from_secs(30)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO),
            "a past date means now"
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }

    #[test]
    fn jitter_is_in_range() {
        for _ in 0..1000 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j), "{j}");
        }
    }
}
