//! GNOME do-not-disturb: the GSettings key `org.gnome.desktop.notifications show-banners`
//! (`false` = do not disturb). GNOME offers it nowhere else (not on D-Bus, not in the portal).
//!
//! Read through the `gsettings` program, not the gio library: `gio::Settings::new` aborts the
//! whole process when the schema is missing (KDE, kiosk images), its change signals need a GLib
//! main loop thread, and linking gio would tie this crate to one gtk-rs release. `gsettings get`
//! fails politely on a missing schema, and `gsettings monitor` prints one line per change
//! (through dconf's own D-Bus notifications on a desktop). The child process is owned by the
//! running source and killed when it stops.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::event::{Health, Signal, SourceName, Tri};
use crate::source::{Request, SignalSource, SourceContext, SourceError};

const SCHEMA: &str = "org.gnome.desktop.notifications";
const KEY: &str = "show-banners";

/// How to run `gsettings`: the program and extra environment (tests point
/// `GSETTINGS_SCHEMA_DIR` and `GSETTINGS_BACKEND` at a temporary directory).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GSettings {
    program: PathBuf,
    env: Vec<(OsString, OsString)>,
}

impl Default for GSettings {
    fn default() -> Self {
        Self::new("gsettings")
    }
}

/// Why `gsettings get` gave no boolean.
#[derive(Debug, thiserror::Error)]
pub enum GSettingsError {
    #[error("could not run {program}: {source} (install libglib2.0-bin)")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("`gsettings get {schema} {key}` failed: {stderr}")]
    Refused {
        schema: String,
        key: String,
        stderr: String,
    },
    #[error("`gsettings get {schema} {key}` printed {output:?}, not true or false")]
    NotBoolean {
        schema: String,
        key: String,
        output: String,
    },
}

impl GSettings {
    pub fn new(program: impl Into<PathBuf>) -> Self {
        Self {
            program: program.into(),
            env: Vec::new(),
        }
    }

    /// Adds an environment variable for every `gsettings` this runs.
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command.envs(self.env.iter().map(|(k, v)| (k, v)));
        command.stdin(Stdio::null()).kill_on_drop(true);
        command
    }

    /// `gsettings get SCHEMA KEY` as a boolean.
    pub async fn get_bool(&self, schema: &str, key: &str) -> Result<bool, GSettingsError> {
        let output = self
            .command()
            .args(["get", schema, key])
            .output()
            .await
            .map_err(|source| GSettingsError::Spawn {
                program: self.program.display().to_string(),
                source,
            })?;
        if !output.status.success() {
            return Err(GSettingsError::Refused {
                schema: schema.into(),
                key: key.into(),
                stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            });
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        parse_bool(stdout.trim()).ok_or_else(|| GSettingsError::NotBoolean {
            schema: schema.into(),
            key: key.into(),
            output: stdout.trim().to_owned(),
        })
    }

    fn monitor(&self, schema: &str, key: &str) -> Result<Child, GSettingsError> {
        self.command()
            .args(["monitor", schema, key])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|source| GSettingsError::Spawn {
                program: self.program.display().to_string(),
                source,
            })
    }

    /// Whether GNOME's notification schema is installed (the runtime probe).
    pub async fn has_gnome_dnd(&self) -> Result<(), GSettingsError> {
        self.get_bool(SCHEMA, KEY).await.map(|_| ())
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// `gsettings monitor` prints `show-banners: false`.
fn parse_monitor_line(line: &str) -> Option<bool> {
    let (key, value) = line.split_once(':')?;
    (key.trim() == KEY).then_some(())?;
    parse_bool(value.trim())
}

/// Reports `dnd` from GNOME's `show-banners`.
#[derive(Debug)]
pub struct GnomeDndSource {
    gsettings: GSettings,
}

impl GnomeDndSource {
    pub const NAME: SourceName = SourceName::fixed("gnome-dnd");

    pub fn new(gsettings: GSettings) -> Self {
        Self { gsettings }
    }

    async fn snapshot(&self, ctx: &SourceContext) -> Result<(), SourceError> {
        match self.gsettings.get_bool(SCHEMA, KEY).await {
            Ok(banners) => {
                ctx.report(Health::Live).await?;
                ctx.emit(Signal::Dnd(Tri::from(!banners))).await
            }
            Err(error @ GSettingsError::Spawn { .. }) => {
                Err(SourceError::Unsupported(error.to_string()))
            }
            // `gsettings get` only refuses for a missing schema or key (its wording varies
            // and is translated, so any refusal counts).
            Err(GSettingsError::Refused { stderr, .. }) => Err(SourceError::Unsupported(format!(
                "GSettings has no {SCHEMA} {KEY} ({stderr}); not a GNOME desktop"
            ))),
            Err(error) => {
                ctx.report(Health::Degraded(error.to_string())).await?;
                ctx.emit(Signal::Dnd(Tri::Unknown)).await
            }
        }
    }
}

#[async_trait::async_trait]
impl SignalSource for GnomeDndSource {
    fn name(&self) -> SourceName {
        Self::NAME
    }

    async fn run(&mut self, ctx: &mut SourceContext) -> Result<(), SourceError> {
        // Monitor first, read second, so a change in between is not lost.
        let mut monitor = self
            .gsettings
            .monitor(SCHEMA, KEY)
            .map_err(|error| SourceError::Unsupported(error.to_string()))?;
        let stdout = monitor.stdout.take().ok_or_else(|| {
            SourceError::failed("gsettings monitor", "its output was not captured")
        })?;
        let mut lines = BufReader::new(stdout).lines();
        self.snapshot(ctx).await?;
        loop {
            tokio::select! {
                request = ctx.next_request() => match request {
                    // Dropping `monitor` kills the child (kill_on_drop).
                    Request::Stop => return Ok(()),
                    Request::Resync => self.snapshot(ctx).await?,
                },
                line = lines.next_line() => {
                    let line = line.map_err(|e| SourceError::failed("reading gsettings monitor output", e))?;
                    let Some(line) = line else {
                        ctx.emit(Signal::Dnd(Tri::Unknown)).await?;
                        return Err(SourceError::failed(format!("gsettings monitor {SCHEMA} {KEY}"), "exited"));
                    };
                    match parse_monitor_line(&line) {
                        Some(banners) => ctx.emit(Signal::Dnd(Tri::from(!banners))).await?,
                        None => tracing::debug!(%line, "ignoring an unexpected gsettings monitor line"),
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monitor_lines_parse_only_for_our_key() {
        assert_eq!(parse_monitor_line("show-banners: false"), Some(false));
        assert_eq!(parse_monitor_line("show-banners: true"), Some(true));
        assert_eq!(parse_monitor_line("show-in-lock-screen: true"), None);
        assert_eq!(parse_monitor_line("show-banners: 'yes'"), None);
    }
}
