//! Everything `tracing` writes at TRACE (and `log`, which reqwest and wiremock use), spans included (their fields on every event, and each
//! span's opening and closing), into one buffer for the whole test binary. A global subscriber:
//! a thread-local one would miss events from the runtime's other threads.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use tracing_subscriber::fmt::format::FmtSpan;

/// The bytes written.
#[derive(Clone, Default)]
pub(crate) struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Everything captured so far.
    pub(crate) fn text(&self) -> String {
        let bytes = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// The process's capture, installed on first use.
pub(crate) fn captured() -> Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED
        .get_or_init(|| {
            let logs = Captured::default();
            let writer = logs.clone();
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_ansi(false)
                .with_span_events(FmtSpan::FULL)
                .with_writer(move || writer.clone())
                .finish();
            tracing::subscriber::set_global_default(subscriber)
                .unwrap_or_else(|e| panic!("a subscriber was already set: {e}"));
            let logger: &'static LogCapture = Box::leak(Box::new(LogCapture(logs.clone())));
            log::set_logger(logger).unwrap_or_else(|e| panic!("a logger was already set: {e}"));
            log::set_max_level(log::LevelFilter::Trace);
            logs
        })
        .clone()
}

/// What reqwest and wiremock write through `log`, into the same buffer.
struct LogCapture(Captured);

impl log::Log for LogCapture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        let line = format!(
            "{} {}: {}\n",
            record.level(),
            record.target(),
            record.args()
        );
        let _ = self.0.clone().write(line.as_bytes());
    }
    fn flush(&self) {}
}
