//! Logging: a daily-rotated file in the platform log directory for everything, and stderr for
//! headless commands. `RUST_LOG` overrides the levels. Secrets cannot reach a log line because they
//! only travel inside `relay_core::Sensitive`, whose formatting redacts them.

use std::io::IsTerminal;
use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::filter::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, Layer};

/// Lines the background writer may have queued before new ones are dropped (with a count of the
/// dropped). tracing-appender's default, 128,000, allocates and touches a 4 MiB ring at start in
/// every process, a twentieth of the tray's memory budget; a tray or a command logs a few lines a
/// minute, and even a burst of warnings for 10,000 users fits in this.
const BUFFERED_LOG_LINES: usize = 16_384;

/// Log files kept before the oldest is deleted (one per day).
const KEPT_LOG_FILES: usize = 14;
const LOG_FILE_PREFIX: &str = "presence-relay";

/// Keeps the background log writer alive; logs are flushed when it is dropped.
#[derive(Debug)]
pub struct LoggingGuard {
    _file: Option<WorkerGuard>,
}

/// What to log where.
#[derive(Clone, Debug)]
pub struct LogSetup<'a> {
    pub log_dir: &'a Path,
    /// Level for the log file when `RUST_LOG` is unset.
    pub file_level: &'a str,
    /// Level for stderr when `RUST_LOG` is unset; `None` turns stderr logging off.
    pub stderr_level: Option<&'a str>,
}

/// Headless commands: the file at info, stderr at warn (their normal output is on stdout/stderr).
pub fn init_headless(log_dir: &Path) -> LoggingGuard {
    init(&LogSetup {
        log_dir,
        file_level: "info",
        stderr_level: Some("warn"),
    })
}

/// A helper process whose parent keeps the log file (the settings window's): stderr only, at
/// `level` unless `RUST_LOG` says otherwise.
pub fn init_stderr(level: &str) -> LoggingGuard {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let layer = fmt::layer()
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .with_filter(filter);
    let _ = tracing_subscriber::registry().with(layer).try_init();
    LoggingGuard { _file: None }
}

/// Installs the global subscriber. If the log directory cannot be used, logging continues on
/// stderr and says why, rather than failing the command.
pub fn init(setup: &LogSetup<'_>) -> LoggingGuard {
    let filter = |default: &str| {
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default))
    };
    let (file_layer, guard, file_problem) = match file_appender(setup.log_dir) {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
                .buffered_lines_limit(BUFFERED_LOG_LINES)
                .finish(appender);
            let layer = fmt::layer()
                .with_ansi(false)
                .with_writer(writer)
                .with_filter(filter(setup.file_level));
            (Some(layer), Some(guard), None)
        }
        Err(problem) => (None, None, Some(problem)),
    };
    // Without a file, stderr is the only record: keep at least warnings there.
    let stderr_level = setup.stderr_level.or(file_problem.as_ref().map(|_| "warn"));
    let stderr_layer = stderr_level.map(|level| {
        fmt::layer()
            .with_ansi(std::io::stderr().is_terminal())
            .with_writer(std::io::stderr)
            .with_target(false)
            .without_time()
            .with_filter(filter(level))
    });
    // A second init (tests running several commands in one process) keeps the first subscriber.
    let _ = tracing_subscriber::registry()
        .with(file_layer)
        .with(stderr_layer)
        .try_init();
    if let Some(problem) = file_problem {
        tracing::warn!("not writing a log file: {problem}");
    }
    LoggingGuard { _file: guard }
}

fn file_appender(dir: &Path) -> Result<RollingFileAppender, String> {
    std::fs::create_dir_all(dir)
        .map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
    RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(LOG_FILE_PREFIX)
        .filename_suffix("log")
        .max_log_files(KEPT_LOG_FILES)
        .build(dir)
        .map_err(|err| format!("cannot open a log file in {}: {err}", dir.display()))
}
