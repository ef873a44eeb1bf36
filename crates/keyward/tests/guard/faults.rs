//! The guard's faults on all four emulators: concurrent checks, a disk that cannot be written,
//! owner-only permissions.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::TimeDelta;
use keyward::guard::{Policy, Source, Standing};

use super::support::{ALL, MACHINE, Rig, files_in};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_checks_by_three_guards_leave_one_whole_file_at_every_moment() {
    for kind in ALL {
        let rig = Rig::start(kind).await;
        let clock = &rig.clock;
        let first = rig.guard(rig.online.clone());
        let second = rig.guard(rig.online.clone());
        let third = rig.guard(rig.offline());
        assert!(first.check().await.is_licensed(), "{kind:?}");

        // A reader on another thread sees a whole file at every moment of the writing.
        let done = Arc::new(AtomicBool::new(false));
        let reader = {
            let (guard, done) = (first.clone(), done.clone());
            std::thread::spawn(move || {
                let mut reads = 0u32;
                while !done.load(Ordering::Relaxed) {
                    guard.stored_state().unwrap();
                    reads += 1;
                }
                reads
            })
        };
        // Verdicts from the stored state, on another thread, take the same lock as the checks.
        let verdicts = {
            let (guard, done) = (third.clone(), done.clone());
            std::thread::spawn(move || {
                let mut licensed = 0u32;
                while !done.load(Ordering::Relaxed) {
                    assert!(guard.verdict().is_licensed());
                    licensed += 1;
                }
                licensed
            })
        };
        let mut tasks = Vec::new();
        for round in 0..8 {
            for guard in [&first, &second, &third] {
                let guard = guard.clone();
                let clock = clock.clone();
                tasks.push(tokio::spawn(async move {
                    if round % 2 == 0 {
                        clock.advance(TimeDelta::seconds(1));
                    }
                    guard.check().await
                }));
            }
        }
        for task in tasks {
            assert!(task.await.unwrap().is_licensed(), "{kind:?}");
        }
        done.store(true, Ordering::Relaxed);
        assert!(reader.join().unwrap() > 0, "{kind:?}");
        assert!(verdicts.join().unwrap() > 0, "{kind:?}");
        assert_eq!(
            files_in(rig.dir.path()),
            vec![first.state_path().to_path_buf()],
            "{kind:?}: no temp files left"
        );
        let state = first.stored_state().unwrap();
        assert!(state.latest_seen_at >= state.checked_at, "{kind:?}");
        assert!(third.verdict().is_licensed(), "{kind:?}");
    }
}

#[tokio::test]
async fn a_disk_that_cannot_be_written_leaves_the_online_verdict_and_says_so() {
    for kind in ALL {
        let rig = Rig::start(kind).await;
        let not_a_dir = rig.dir.path().join("a-file");
        std::fs::write(&not_a_dir, b"in the way").unwrap();
        let guard = rig.guard_in(rig.online.clone(), &not_a_dir, MACHINE, Policy::default());
        let v = guard.check().await;
        assert_eq!(
            v.standing,
            Standing::Licensed { grace: None },
            "{kind:?}: {v}"
        );
        assert_eq!(v.source, Source::Online);
        assert!(v.flags.state_not_saved, "{kind:?}");
        assert!(
            v.to_string()
                .ends_with("This result could not be saved for offline use."),
            "{v}"
        );
    }
}

#[cfg(unix)]
#[tokio::test]
async fn the_state_file_is_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let rig = Rig::start(super::support::Kind::Dodo).await;
    let guard = rig.guard(rig.online.clone());
    assert!(guard.check().await.is_licensed());
    let mode = std::fs::metadata(guard.state_path())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}
