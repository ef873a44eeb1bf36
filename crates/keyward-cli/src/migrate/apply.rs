//! `--apply`: the source is walked page by page (one page in memory), each license decided
//! ([`plan::step`]), creates handed to `concurrency` workers, every outcome journalled as it
//! arrives. The run stops early at the breaker, at an error every create would meet, or at
//! Ctrl-C, always with its summary.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use keyward_core::{CreateRequest, LicenseAdmin, LicenseError};
use tokio::sync::mpsc;

use super::breaker::Breaker;
use super::existing::Difference;
use super::journal::{Done, Journal, Record};
use super::pace::Pace;
use super::plan::{self, Step};
use super::plan_file::{Line, Plan};
use super::progress::Progress;
use super::worker::{self, Sent};
use crate::listing::Walk;

/// How many refusals, failures and drifts the summary lists by id (all are counted, and all are
/// in the journal).
const LISTED: usize = 50;
/// How often the journal is synced to disk and the progress shown.
const TICK: Duration = Duration::from_millis(100);

/// How the run goes.
pub(crate) struct Settings {
    /// Creates in flight at once.
    pub concurrency: usize,
    /// Creates a second at most (`None`: no limit).
    pub rate: Option<f64>,
    /// The same failure this many times in a row stops the run.
    pub breaker: u32,
    /// How many creates the survey found (for the progress).
    pub total: usize,
}

/// What `--apply` did.
#[derive(Debug, Default)]
pub(crate) struct Applied {
    /// Created at the target.
    pub created: usize,
    /// Found at the target already (the same, or appeared during the run).
    pub exists: usize,
    /// Found at the target, differing: (count, the first few by source id).
    pub drift: (usize, BTreeMap<String, Vec<Difference>>),
    /// Refused by the target: (count, the first few by source id).
    pub refused: (usize, BTreeMap<String, String>),
    /// Failed for this run (a rerun tries again): (count, the first few).
    pub failed: (usize, BTreeMap<String, String>),
    /// Left behind by this run, by reason (with a plan: not in it, or changed since).
    pub left: BTreeMap<String, usize>,
    /// Why the run stopped early.
    pub stopped: Option<String>,
    /// The error that stopped it, when every create would have met it.
    pub fatal: Option<LicenseError>,
    /// How long it took.
    pub elapsed: Duration,
}

/// What the walk and the workers report.
enum Event {
    /// Decided without a create (found at the target, or left behind).
    Decided(String, Step),
    /// A create's outcome.
    Sent(String, Sent),
    /// Left behind by the plan, for this reason.
    Left(String),
    /// Reading the source failed.
    Listing(LicenseError),
}

/// What the walk needs, owned so it can run as its own task.
pub(crate) struct Walker {
    /// Where the licenses are read.
    pub source: Arc<dyn LicenseAdmin>,
    /// What each license's step is decided from.
    pub context: plan::Owned,
    /// The plan to follow (`--apply --plan`), if any.
    pub plan: Option<Plan>,
}

/// Runs the migration, journalling into `journal`. Whatever stops it (the breaker, a refused
/// credential, a journal that cannot be written, Ctrl-C or SIGTERM) is in the result, for the
/// summary.
pub(crate) async fn run(
    walker: Walker,
    target: Arc<dyn LicenseAdmin>,
    journal: &mut Journal,
    settings: &Settings,
) -> Applied {
    let started = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let concurrency = settings.concurrency.max(1);
    let (jobs, jobs_rx) = mpsc::channel::<Job>(concurrency * 2);
    let (events_tx, mut events) = mpsc::channel::<Event>(1024);
    let pace = Arc::new(Mutex::new(Pace::new(settings.rate, started)));
    workers(concurrency, jobs_rx, &events_tx, &target, &pace, &stop);
    tokio::spawn(walk(walker, jobs, events_tx, stop.clone()));

    let mut applied = Applied::default();
    let mut breaker = Breaker::new(settings.breaker);
    let mut progress = Progress::on_stderr("created", started);
    let mut handled = 0;
    let mut tick = tokio::time::interval(TICK);
    let interrupt = interrupted();
    tokio::pin!(interrupt);
    loop {
        let written = tokio::select! {
            event = events.recv() => {
                let Some(event) = event else { break };
                let record = handle(event, &mut applied, &mut breaker, &mut handled);
                record.map_or(Ok(()), |record| journal.append(&record))
            }
            () = &mut interrupt, if !stop.load(Ordering::Relaxed) => {
                applied.stopped = Some(String::from("interrupted (Ctrl-C or SIGTERM)"));
                Ok(())
            }
            _ = tick.tick() => {
                progress.show(handled, settings.total, Instant::now());
                journal.sync()
            }
        };
        if let Err(e) = written {
            stop_on(&mut applied, e);
        }
        if applied.stopped.is_some() {
            stop.store(true, Ordering::Relaxed);
        }
    }
    if let Err(e) = journal.sync() {
        stop_on(&mut applied, e);
    }
    progress.finish();
    applied.elapsed = started.elapsed();
    applied
}

/// A create for a worker: the source id and the request.
type Job = (String, Box<CreateRequest>);

/// Starts `concurrency` workers taking jobs from `jobs` until it closes or the run stops.
fn workers(
    concurrency: usize,
    jobs: mpsc::Receiver<Job>,
    events: &mpsc::Sender<Event>,
    target: &Arc<dyn LicenseAdmin>,
    pace: &Arc<Mutex<Pace>>,
    stop: &Arc<AtomicBool>,
) {
    let jobs = Arc::new(tokio::sync::Mutex::new(jobs));
    for _ in 0..concurrency {
        let (jobs, events, target, pace, stop) = (
            jobs.clone(),
            events.clone(),
            target.clone(),
            pace.clone(),
            stop.clone(),
        );
        tokio::spawn(async move {
            loop {
                let job = jobs.lock().await.recv().await;
                let Some((source_id, request)) = job else {
                    break;
                };
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let sent = worker::create(target.as_ref(), &pace, &request).await;
                if events.send(Event::Sent(source_id, sent)).await.is_err() {
                    break;
                }
            }
        });
    }
}

/// Ctrl-C, or SIGTERM on Unix (what `kill`, systemd and container runtimes send). Never, when
/// no handler can be installed.
async fn interrupted() {
    #[cfg(unix)]
    if let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
    {
        tokio::select! {
            Ok(()) = tokio::signal::ctrl_c() => return,
            Some(()) = term.recv() => return,
            else => {}
        }
    }
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Stops the run on `error` (the journal could not be written).
fn stop_on(applied: &mut Applied, error: LicenseError) {
    if applied.fatal.is_none() {
        applied.stopped = Some(format!("the journal could not be written: {error}"));
        applied.fatal = Some(error);
    }
}

/// Counts `event` into `applied` and the breaker; the journal record it makes, if any.
fn handle(
    event: Event,
    applied: &mut Applied,
    breaker: &mut Breaker,
    handled: &mut usize,
) -> Option<Record> {
    let record = |source_id: String, outcome| Record {
        source_id,
        outcome,
        target_id: None,
        reason: None,
        differs: Vec::new(),
        at: Utc::now(),
    };
    let listed = |list: &mut (usize, BTreeMap<String, String>), id: &str, why: String| {
        list.0 += 1;
        if list.1.len() < LISTED {
            list.1.insert(id.to_owned(), why);
        }
    };
    match event {
        Event::Decided(
            source_id,
            Step::Exists {
                target_id, differs, ..
            },
        ) => {
            if differs.is_empty() {
                applied.exists += 1;
            } else {
                applied.drift.0 += 1;
                if applied.drift.1.len() < LISTED {
                    applied.drift.1.insert(source_id.clone(), differs.clone());
                }
            }
            let mut r = record(source_id, Done::Exists);
            r.target_id = Some(target_id);
            r.differs = differs.into_iter().map(|d| d.field).collect();
            Some(r)
        }
        Event::Decided(..) => None,
        Event::Left(why) => {
            *applied.left.entry(why).or_default() += 1;
            None
        }
        Event::Listing(e) => {
            applied.stopped = Some(format!("reading the source failed: {e}"));
            None
        }
        Event::Sent(source_id, sent) => {
            *handled += 1;
            match sent {
                Sent::Created(target_id) => {
                    breaker.success();
                    applied.created += 1;
                    let mut r = record(source_id, Done::Created);
                    r.target_id = target_id;
                    Some(r)
                }
                Sent::AlreadyThere => {
                    breaker.success();
                    applied.exists += 1;
                    let mut r = record(source_id, Done::Exists);
                    r.reason = Some(String::from("appeared at the target during the run"));
                    Some(r)
                }
                Sent::Refused { reason, class } => {
                    listed(&mut applied.refused, &source_id, reason.clone());
                    if breaker.failure(&class) && applied.stopped.is_none() {
                        applied.stopped = Some(format!(
                            "the same refusal {} times in a row (the breaker), the last: {reason}",
                            breaker.limit()
                        ));
                    }
                    let mut r = record(source_id, Done::Refused);
                    r.reason = Some(reason);
                    Some(r)
                }
                Sent::Failed(reason) => {
                    listed(&mut applied.failed, &source_id, reason.clone());
                    if breaker.failure("transient") && applied.stopped.is_none() {
                        applied.stopped = Some(format!(
                            "{} creates in a row failed (the breaker), the last: {reason}",
                            breaker.limit()
                        ));
                    }
                    None
                }
                Sent::Fatal(e) => {
                    if applied.stopped.is_none() {
                        applied.stopped = Some(format!("the target refused the run: {e}"));
                        applied.fatal = Some(e);
                    }
                    None
                }
            }
        }
    }
}

/// Walks the source, deciding each license; creates go to the workers, the rest to the events.
async fn walk(
    walker: Walker,
    jobs: mpsc::Sender<Job>,
    events: mpsc::Sender<Event>,
    stop: Arc<AtomicBool>,
) {
    let cx = walker.context.borrow();
    let mut pages = Walk::new(walker.source.as_ref());
    loop {
        let page = match pages.next_page().await {
            Ok(Some(page)) => page,
            Ok(None) => return,
            Err(e) => {
                let _ = events.send(Event::Listing(e)).await;
                return;
            }
        };
        for license in page {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            let step = plan::step(&license, &cx);
            if let Some(plan) = &walker.plan {
                let now = Line::of(&license.id, &step);
                let why = match plan.get(&license.id) {
                    None => Some("not in the plan"),
                    Some(planned) if !planned.admits(&now) => Some("changed since the plan"),
                    Some(_) => None,
                };
                if let Some(why) = why {
                    let _ = events.send(Event::Left(why.to_owned())).await;
                    continue;
                }
            }
            let sent = match step {
                Step::Create { source_id, request } => {
                    jobs.send((source_id, request)).await.is_ok()
                }
                step => events.send(Event::Decided(license.id, step)).await.is_ok(),
            };
            if !sent {
                return;
            }
        }
    }
}
