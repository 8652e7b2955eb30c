//! Trying an exchange again when the LRS or the network is busy (429, 502, 503, 504, a timeout, a refused or cut
//! connection): exponential backoff with jitter, `Retry-After` honoured, within a bound of a few tries and about a
//! minute. `MORSEL_SYNC_BACKOFF_MS` sets the first wait (1,000 ms; the bound is 60 of them) and
//! `MORSEL_SYNC_TIMEOUT_MS` each exchange's time limit (20,000 ms), so that tests stay fast.

use std::time::{Duration, Instant};

use super::http::{Answer, Failure};

/// How hard to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Policy {
    /// Tries of one exchange, the first included.
    pub(crate) tries: u32,
    /// The first wait; each next one doubles (times a jitter of 0.5 to 1.5).
    pub(crate) base: Duration,
    /// No wait starts that would end later than this after the first try.
    pub(crate) budget: Duration,
    /// Each exchange's time limit.
    pub(crate) timeout: Duration,
}

impl Policy {
    /// The defaults, or what `MORSEL_SYNC_BACKOFF_MS` and `MORSEL_SYNC_TIMEOUT_MS` say.
    pub(crate) fn from_env() -> Self {
        let ms = |name: &str, default: u64| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
                .unwrap_or(default)
        };
        let base = Duration::from_millis(ms("MORSEL_SYNC_BACKOFF_MS", 1_000));
        Self {
            tries: 5,
            base,
            budget: base * 60,
            timeout: Duration::from_millis(ms("MORSEL_SYNC_TIMEOUT_MS", 20_000).max(1)),
        }
    }
}

/// Why the tries ran out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GaveUp {
    /// The last answer's status (429, 502, 503, 504), or `None` when no answer came.
    pub(crate) status: Option<u16>,
    /// What the last try met, for people.
    pub(crate) reason: String,
    pub(crate) tries: u32,
    pub(crate) elapsed: Duration,
    /// The LRS asked for a wait longer than the bound left.
    pub(crate) retry_after: Option<Duration>,
}

/// The statuses that say "not now": too many requests, and a gateway or service that is down for a while.
pub(crate) fn is_busy(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// Runs `exchange` until it gives an answer that is not busy, or a failure that another try cannot mend, or the
/// tries or the time run out. `sleep` waits (a parameter so that the unit tests wait for nothing).
pub(crate) fn run(
    policy: &Policy,
    mut exchange: impl FnMut() -> Result<Answer, Failure>,
    mut sleep: impl FnMut(Duration),
) -> Result<Result<Answer, Failure>, GaveUp> {
    let start = Instant::now();
    let mut tries = 0;
    loop {
        tries += 1;
        let outcome = exchange();
        let (status, reason, asked) = match &outcome {
            Ok(answer) if is_busy(answer.status) => (
                Some(answer.status),
                format!("HTTP {}", answer.status),
                answer.retry_after.as_deref().and_then(retry_after),
            ),
            Err(failure) if failure.transient => (None, failure.reason.clone(), None),
            _ => return Ok(outcome),
        };
        let backoff = policy
            .base
            .saturating_mul(1 << (tries - 1).min(16))
            .mul_f64(0.5 + fastrand::f64());
        let wait = asked.map_or(backoff, |asked| asked.max(policy.base / 4));
        let elapsed = start.elapsed();
        if tries >= policy.tries || elapsed + wait > policy.budget {
            return Err(GaveUp {
                status,
                reason,
                tries,
                elapsed,
                retry_after: asked.filter(|a| elapsed + *a > policy.budget),
            });
        }
        sleep(wait);
    }
}

/// `Retry-After`: a number of seconds, or an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`) from now.
fn retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let ms = at.as_millisecond() - jiff::Timestamp::now().as_millisecond();
    Some(Duration::from_millis(ms.max(0) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, retry_after: Option<&str>) -> Result<Answer, Failure> {
        Ok(Answer {
            status,
            body: String::new(),
            location: None,
            retry_after: retry_after.map(str::to_string),
            content_type: None,
        })
    }

    fn policy() -> Policy {
        Policy {
            tries: 5,
            base: Duration::from_secs(1),
            budget: Duration::from_secs(60),
            timeout: Duration::from_secs(20),
        }
    }

    #[test]
    fn busy_answers_are_tried_again_with_growing_waits_then_given_up() {
        let mut waits = Vec::new();
        let outcome = run(&policy(), || answer(503, None), |d| waits.push(d));
        let gave_up = outcome.unwrap_err();
        assert_eq!((gave_up.tries, gave_up.status), (5, Some(503)));
        assert_eq!(waits.len(), 4);
        for (i, wait) in waits.iter().enumerate() {
            let nominal = Duration::from_secs(1 << i);
            assert!(
                *wait >= nominal / 2 && *wait <= nominal * 3 / 2,
                "{waits:?}"
            );
        }
    }

    #[test]
    fn retry_after_is_honoured_and_a_longer_one_than_the_bound_stops_at_once() {
        let mut waits = Vec::new();
        let mut answers = vec![answer(200, None), answer(429, Some("7"))];
        let outcome = run(&policy(), || answers.pop().unwrap(), |d| waits.push(d));
        assert_eq!(outcome.unwrap().unwrap().status, 200);
        assert_eq!(waits, [Duration::from_secs(7)]);
        let mut waits = Vec::new();
        let gave_up = run(&policy(), || answer(503, Some("3600")), |d| waits.push(d)).unwrap_err();
        assert!(waits.is_empty());
        assert_eq!(gave_up.retry_after, Some(Duration::from_secs(3600)));
        let date = retry_after("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(date, Duration::ZERO);
    }

    #[test]
    fn a_lasting_failure_or_a_plain_refusal_is_not_tried_again() {
        let mut tries = 0;
        let outcome = run(
            &policy(),
            || {
                tries += 1;
                Err(Failure {
                    reason: "no such host".into(),
                    transient: false,
                })
            },
            |_| {},
        );
        assert!(outcome.unwrap().is_err());
        assert_eq!(tries, 1);
        assert_eq!(
            run(&policy(), || answer(409, None), |_| {})
                .unwrap()
                .unwrap()
                .status,
            409
        );
    }
}
