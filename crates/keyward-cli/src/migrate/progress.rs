//! The migration's progress on standard error: a live line redrawn in place on a terminal;
//! otherwise (under `nohup`, in CI, in a container log) a plain line every few seconds. Both say
//! done/total, the rate and the time left.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// How often a line is written when standard error is not a terminal.
const EVERY: Duration = Duration::from_secs(5);
/// How often the live line is redrawn.
const REDRAW: Duration = Duration::from_millis(200);

/// The progress output.
pub(crate) struct Progress {
    what: &'static str,
    sink: Box<dyn Write + Send>,
    live: bool,
    started: Instant,
    last: Option<Instant>,
    drawn: bool,
}

impl Progress {
    /// On standard error, live when it is a terminal; `what` names the work (`read`, `created`).
    pub(crate) fn on_stderr(what: &'static str, now: Instant) -> Self {
        Self::new(
            what,
            Box::new(std::io::stderr()),
            std::io::stderr().is_terminal(),
            now,
        )
    }

    fn new(what: &'static str, sink: Box<dyn Write + Send>, live: bool, now: Instant) -> Self {
        Self {
            what,
            sink,
            live,
            started: now,
            last: None,
            drawn: false,
        }
    }

    /// Shows `done` of `total` (0: unknown) at `now`, if it is time to.
    pub(crate) fn show(&mut self, done: usize, total: usize, now: Instant) {
        let every = if self.live { REDRAW } else { EVERY };
        let due = match self.last {
            None => now.duration_since(self.started) >= every,
            Some(last) => now.duration_since(last) >= every,
        };
        if !due {
            return;
        }
        self.last = Some(now);
        let text = format!(
            "{} {}",
            self.what,
            line(done, total, now.duration_since(self.started))
        );
        let _ = if self.live {
            self.drawn = true;
            write!(self.sink, "\r{text}\x1b[K")
        } else {
            writeln!(self.sink, "licensectl migrate: {text}")
        };
        let _ = self.sink.flush();
    }

    /// Ends the live line.
    pub(crate) fn finish(&mut self) {
        if self.drawn {
            let _ = writeln!(self.sink);
            let _ = self.sink.flush();
            self.drawn = false;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// `done/total keys, rate keys/s, ETA`, from the counts and the time spent; without the total
/// and the time left when the total is unknown (0).
pub(crate) fn line(done: usize, total: usize, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 { done as f64 / secs } else { 0.0 };
    if total == 0 {
        return format!("{done} keys, {rate:.0} keys/s");
    }
    let left = total.saturating_sub(done);
    let eta = if rate > 0.0 {
        format_duration(Duration::from_secs_f64(left as f64 / rate))
    } else {
        String::from("unknown")
    };
    format!("{done}/{total} keys, {rate:.0} keys/s, {eta} left")
}

/// `1 h 02 min`, `3 min 05 s`, `42 s`.
fn format_duration(d: Duration) -> String {
    let s = d.as_secs();
    match (s / 3600, (s % 3600) / 60, s % 60) {
        (0, 0, s) => format!("{s} s"),
        (0, m, s) => format!("{m} min {s:02} s"),
        (h, m, _) => format!("{h} h {m:02} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Shared;

    #[test]
    fn lines_say_done_rate_and_time_left() {
        let s = Duration::from_secs;
        assert_eq!(line(0, 10, s(0)), "0/10 keys, 0 keys/s, unknown left");
        assert_eq!(
            line(500, 50_000, s(5)),
            "500/50000 keys, 100 keys/s, 8 min 15 s left"
        );
        assert_eq!(
            line(10, 100_000, s(1)),
            "10/100000 keys, 10 keys/s, 2 h 46 min left"
        );
        assert_eq!(line(10, 10, s(1)), "10/10 keys, 10 keys/s, 0 s left");
        assert_eq!(line(300, 0, s(2)), "300 keys, 150 keys/s");
    }

    #[test]
    fn without_a_terminal_a_line_every_few_seconds() {
        let buffer = Shared::default();
        let t0 = Instant::now();
        let mut progress = Progress::new("created", Box::new(buffer.clone()), false, t0);
        for ms in (0..=12_000).step_by(100) {
            progress.show(ms as usize, 12_000, t0 + Duration::from_millis(ms));
        }
        drop(progress);
        let text = buffer.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "licensectl migrate: created 5000/12000 keys, 1000 keys/s, 7 s left",
                "licensectl migrate: created 10000/12000 keys, 1000 keys/s, 2 s left",
            ]
        );
    }
}
