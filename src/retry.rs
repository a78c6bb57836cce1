//! When to try a request again, and how long to wait: a pure decision, tested on its own.

use std::time::{Duration, SystemTime};

/// How the client retries failed requests.
///
/// Retried: HTTP 408, 429, 500, 502, 503, 504, 524, 529, connect failures and timeouts. Never
/// retried: any other status (400, 401, 402, 403, 404, 413, 422, ...). Waits grow exponentially
/// with full jitter; a `Retry-After` from the server wins (capped at [`max_retry_after`]).
///
/// [`max_retry_after`]: RetryPolicy::max_retry_after
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 turns retries off).
    pub max_retries: u32,
    /// The cap of the first wait; each retry doubles it.
    pub initial_backoff: Duration,
    /// The largest wait backoff may reach.
    pub max_backoff: Duration,
    /// The longest `Retry-After` honoured; a longer one stops retrying.
    pub max_retry_after: Duration,
    /// A total time budget across all attempts and waits; no retry starts past it.
    pub deadline: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            deadline: None,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy { max_retries: 0, ..Self::default() }
    }

    /// The default policy with `max_retries` retries.
    pub fn with_max_retries(max_retries: u32) -> Self {
        RetryPolicy { max_retries, ..Self::default() }
    }
}

/// What the last attempt ended with, as far as retrying cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// An error status (or an error envelope's numeric code), with the server's `Retry-After`.
    Status(u16, Option<Duration>),
    /// A connect failure or a timeout: nothing reached the model.
    Connection,
    /// Anything else: a decode error, a broken connection mid-answer, an invalid request.
    Final,
}

/// What to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// Give up and return the error.
    Stop,
}

/// Statuses worth another attempt.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504 | 524 | 529)
}

/// Decides whether to retry after `retries_done` retries, `elapsed` since the first attempt.
///
/// `jitter` is a uniform random number in `[0, 1)`, passed in so the decision stays pure.
pub fn decide(policy: &RetryPolicy, retries_done: u32, elapsed: Duration, outcome: Outcome, jitter: f64) -> Decision {
    let retry_after = match outcome {
        Outcome::Status(status, retry_after) if is_retryable_status(status) => retry_after,
        Outcome::Connection => None,
        _ => return Decision::Stop,
    };
    if retries_done >= policy.max_retries {
        return Decision::Stop;
    }
    let wait = match retry_after {
        Some(wait) if wait > policy.max_retry_after => return Decision::Stop,
        Some(wait) => wait,
        None => {
            let ceiling = policy.initial_backoff.saturating_mul(1u32 << retries_done.min(16)).min(policy.max_backoff);
            ceiling.mul_f64(jitter.clamp(0.0, 1.0))
        }
    };
    match policy.deadline {
        Some(deadline) if elapsed + wait >= deadline => Decision::Stop,
        _ => Decision::RetryAfter(wait),
    }
}

/// Parses `Retry-After`: seconds, or an HTTP date (relative to `now`).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds.min(1e9)));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
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
        RetryPolicy {
            max_retries: 3,
            initial_backoff: 100 * MS,
            max_backoff: 250 * MS,
            max_retry_after: Duration::from_secs(30),
            deadline: None,
        }
    }

    #[test]
    fn retryable_statuses_retry_and_final_ones_never() {
        for status in [408, 429, 500, 502, 503, 504, 524, 529] {
            assert!(
                matches!(
                    decide(&policy(), 0, Duration::ZERO, Outcome::Status(status, None), 0.5),
                    Decision::RetryAfter(_)
                ),
                "{status}"
            );
        }
        for status in [400, 401, 402, 403, 404, 413, 422, 200, 501] {
            assert_eq!(
                decide(&policy(), 0, Duration::ZERO, Outcome::Status(status, None), 0.5),
                Decision::Stop,
                "{status}"
            );
        }
        assert!(matches!(decide(&policy(), 0, Duration::ZERO, Outcome::Connection, 0.5), Decision::RetryAfter(_)));
        assert_eq!(decide(&policy(), 0, Duration::ZERO, Outcome::Final, 0.5), Decision::Stop);
    }

    #[test]
    fn backoff_doubles_with_full_jitter_up_to_the_cap() {
        let wait = |retries, jitter| decide(&policy(), retries, Duration::ZERO, Outcome::Connection, jitter);
        assert_eq!(wait(0, 0.5), Decision::RetryAfter(50 * MS));
        assert_eq!(wait(1, 0.5), Decision::RetryAfter(100 * MS));
        assert_eq!(wait(2, 0.5), Decision::RetryAfter(125 * MS), "capped at max_backoff 250ms");
        assert_eq!(wait(0, 0.0), Decision::RetryAfter(Duration::ZERO));
    }

    #[test]
    fn stops_at_the_retry_limit_and_when_off() {
        assert_eq!(decide(&policy(), 3, Duration::ZERO, Outcome::Connection, 0.5), Decision::Stop);
        assert_eq!(decide(&RetryPolicy::none(), 0, Duration::ZERO, Outcome::Status(503, None), 0.5), Decision::Stop);
    }

    #[test]
    fn retry_after_wins_and_is_capped() {
        let after = |secs| Outcome::Status(429, Some(Duration::from_secs(secs)));
        assert_eq!(decide(&policy(), 0, Duration::ZERO, after(7), 0.1), Decision::RetryAfter(Duration::from_secs(7)));
        assert_eq!(decide(&policy(), 0, Duration::ZERO, after(31), 0.1), Decision::Stop);
    }

    #[test]
    fn the_deadline_covers_all_attempts() {
        let policy = RetryPolicy { deadline: Some(Duration::from_secs(10)), ..policy() };
        let after = Outcome::Status(503, Some(Duration::from_secs(3)));
        assert_eq!(
            decide(&policy, 0, Duration::from_secs(6), after, 0.5),
            Decision::RetryAfter(Duration::from_secs(3))
        );
        assert_eq!(decide(&policy, 0, Duration::from_secs(7), after, 0.5), Decision::Stop);
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
