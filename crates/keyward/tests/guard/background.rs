//! Background revalidation: interval, offline backoff, verdict changes, stop on drop — with a
//! scripted provider on paused time, and against all four emulators.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::TimeDelta;
use keyward::guard::{DenyReason, Fingerprint, Guard, Policy, Source, Standing};
use keyward_core::{
    Capabilities, FixedClock, HttpDetails, InvalidReason, LicenseError, LicenseProvider, Provider,
    ValidateRequest, ValidationOutcome,
};
use tokio::time::Instant;

use super::support::{ALL, Rig, TempDir};

#[derive(Debug, Clone)]
enum Answer {
    Valid,
    Invalid(InvalidReason),
    Status(u16),
}

/// Answers validations from a script (the last answer repeats) and records when it was asked.
#[derive(Debug)]
struct Scripted {
    script: Mutex<VecDeque<Answer>>,
    asked: Mutex<Vec<Instant>>,
}

impl Scripted {
    fn new(answers: &[Answer]) -> Arc<Self> {
        Arc::new(Self {
            script: Mutex::new(answers.iter().cloned().collect()),
            asked: Mutex::new(Vec::new()),
        })
    }

    fn asked(&self) -> Vec<Instant> {
        self.asked.lock().unwrap().clone()
    }
}

#[async_trait]
impl LicenseProvider for Scripted {
    fn provider(&self) -> Provider {
        Provider::Dodo
    }

    fn capabilities(&self) -> Capabilities {
        let mut c = Capabilities::none();
        c.validate = true;
        c
    }

    async fn validate(&self, _: ValidateRequest) -> Result<ValidationOutcome, LicenseError> {
        self.asked.lock().unwrap().push(Instant::now());
        let answer = {
            let mut script = self.script.lock().unwrap();
            if script.len() > 1 {
                script.pop_front()
            } else {
                script.front().cloned()
            }
        };
        match answer {
            Some(Answer::Valid) | None => Ok(ValidationOutcome::valid(None, None)),
            Some(Answer::Invalid(reason)) => Ok(ValidationOutcome::invalid(reason, None)),
            Some(Answer::Status(status)) => Err(LicenseError::from_http(
                HttpDetails::new(status),
                "scripted",
            )),
        }
    }
}

fn guard(provider: Arc<Scripted>, dir: &TempDir, policy: Policy) -> Guard {
    guard_with_clock(
        provider,
        dir,
        policy,
        Arc::new(FixedClock::new(chrono::Utc::now())),
    )
}

fn guard_with_clock(
    provider: Arc<Scripted>,
    dir: &TempDir,
    policy: Policy,
    clock: Arc<FixedClock>,
) -> Guard {
    Guard::builder(provider, "SCRIPTED-KEY-0001")
        .app_secret("scripted-app-secret-0001")
        .unwrap()
        .fingerprint(Fingerprint::from_id("scripted-machine", "tests").unwrap())
        .state_dir(dir.path())
        .policy(policy)
        .clock(clock)
        .build()
        .unwrap()
}

fn gaps(times: &[Instant]) -> Vec<Duration> {
    times.windows(2).map(|w| w[1] - w[0]).collect()
}

#[tokio::test(start_paused = true)]
async fn rechecks_on_the_interval_backs_off_while_offline_and_publishes_changes() {
    let script = Scripted::new(&[
        Answer::Valid,
        Answer::Status(503),
        Answer::Status(503),
        Answer::Status(429),
        Answer::Status(503),
        Answer::Valid,
        Answer::Valid,
        Answer::Invalid(InvalidReason::Revoked),
    ]);
    let dir = TempDir::new().unwrap();
    let g = guard(script.clone(), &dir, Policy::default().jitter_percent(0));
    assert!(g.check().await.is_licensed());

    let background = g.revalidate();
    let mut changes = background.subscribe();
    assert_eq!(
        changes.borrow().source,
        Source::Stored,
        "starts from the stored state"
    );
    let mut seen = Vec::new();
    while seen.len() < 3 {
        changes.changed().await.unwrap();
        let v = changes.borrow_and_update().clone();
        seen.push((v.standing.clone(), v.source));
    }
    assert!(matches!(
        seen[0],
        (
            Standing::Licensed { grace: Some(_) },
            Source::Unreachable { .. }
        )
    ));
    assert_eq!(
        seen[1],
        (Standing::Licensed { grace: None }, Source::Online)
    );
    assert_eq!(
        seen[2].0,
        Standing::NotLicensed(DenyReason::Invalid(InvalidReason::Revoked))
    );
    let minute = Duration::from_secs(60);
    let day = Duration::from_secs(24 * 3600);
    // check, then a day; four failures back off 1, 2, 4, 8 minutes; a day after each answer.
    assert_eq!(
        gaps(&script.asked()),
        [day, minute, 2 * minute, 4 * minute, 8 * minute, day, day]
    );
    assert!(!g.state_path().exists(), "the revocation wiped the state");
}

#[tokio::test(start_paused = true)]
async fn stops_when_the_handle_is_dropped() {
    let script = Scripted::new(&[Answer::Valid]);
    let policy = Policy::default()
        .jitter_percent(0)
        .revalidate_every(TimeDelta::minutes(1));
    let dir = TempDir::new().unwrap();
    let g = guard(script.clone(), &dir, policy);
    let background = g.revalidate();
    tokio::time::sleep(Duration::from_secs(5 * 60 + 30)).await;
    assert_eq!(script.asked().len(), 5);
    assert!(background.is_running());
    let receiver = background.subscribe();
    drop(background);
    tokio::time::sleep(Duration::from_secs(3600)).await;
    assert_eq!(script.asked().len(), 5, "no check after the drop");
    assert!(
        receiver.has_changed().is_err(),
        "the task ended and closed the channel"
    );
}

#[tokio::test(start_paused = true)]
async fn a_wall_clock_jump_after_suspend_brings_the_check_forward() {
    // The monotonic clock slept through a suspend: a minute passed on it, a day on the wall.
    let script = Scripted::new(&[Answer::Valid]);
    let dir = TempDir::new().unwrap();
    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    let policy = Policy::default().jitter_percent(0);
    let g = guard_with_clock(script.clone(), &dir, policy, clock.clone());
    assert!(g.check().await.is_licensed());
    let _background = g.revalidate();
    tokio::time::sleep(Duration::from_secs(1)).await;
    clock.advance(TimeDelta::hours(25));
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert_eq!(
        gaps(&script.asked()),
        [Duration::from_secs(60)],
        "checked at the first look at the wall clock, not a day later"
    );
    // Without a jump, the next check waits its full day.
    tokio::time::sleep(Duration::from_secs(23 * 3600)).await;
    assert_eq!(script.asked().len(), 2);
}

/// Lets one revalidation interval (a minute) pass on a paused clock, then lets the check run on
/// real time (the emulators answer from their own threads).
async fn one_interval() {
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(61)).await;
    tokio::time::resume();
    tokio::time::sleep(Duration::from_millis(100)).await;
}

#[tokio::test]
async fn on_every_emulator_revalidation_sees_a_revocation_and_stops_when_dropped() {
    for kind in ALL {
        let rig = Rig::start(kind).await;
        let policy = Policy::default()
            .jitter_percent(0)
            .revalidate_every(keyward::guard::MIN_REVALIDATE_EVERY);
        let g = rig.guard_on(rig.online.clone(), super::support::MACHINE, policy);
        assert!(g.check().await.is_licensed(), "{kind:?}");

        let background = g.revalidate();
        let mut changes = background.subscribe();
        // The task starts and begins its wait.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let before = rig.requests().await;
        one_interval().await;
        one_interval().await;
        assert!(rig.requests().await >= before + 2, "{kind:?}: rechecks run");

        rig.end_license().await;
        let mut ended = false;
        for _ in 0..5 {
            one_interval().await;
            if changes.has_changed().unwrap() && !changes.borrow_and_update().is_licensed() {
                ended = true;
                break;
            }
        }
        assert!(ended, "{kind:?}: no change published");

        drop(background);
        one_interval().await;
        let after_drop = rig.requests().await;
        one_interval().await;
        one_interval().await;
        assert_eq!(rig.requests().await, after_drop, "{kind:?}: stopped");
    }
}
