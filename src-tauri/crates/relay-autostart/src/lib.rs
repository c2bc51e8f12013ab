//! Start at login, per user, the way each OS expects it:
//! - Linux: an XDG autostart entry, `$XDG_CONFIG_HOME/autostart/presence-relay.desktop`;
//! - Windows: a value in `HKCU\Software\Microsoft\Windows\CurrentVersion\Run` (set with `reg.exe`,
//!   which every Windows has, so no unsafe registry code is needed);
//! - macOS: a LaunchAgent, `~/Library/LaunchAgents/app.presence-relay.plist`, run at load.
//!
//! [`apply`] makes the entry match the setting and is idempotent: it rewrites an entry that
//! points at another executable (the app was moved or updated) and leaves a matching one alone.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The name the entry goes by.
pub const ENTRY_NAME: &str = "Presence Relay";
const LINUX_FILE: &str = "presence-relay.desktop";
const MACOS_LABEL: &str = "app.presence-relay";

#[derive(Debug, thiserror::Error)]
pub enum AutostartError {
    #[error("cannot find where start-at-login entries live (no home or config directory)")]
    NoHome,
    #[error("cannot write the start-at-login entry {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot remove the start-at-login entry {path}: {source}")]
    Remove { path: PathBuf, source: io::Error },
    #[error("`reg.exe` failed to {action} the start-at-login entry: {detail}")]
    Registry {
        action: &'static str,
        detail: String,
    },
}

/// Where this user's entry lives (a file on Linux and macOS).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
}

impl Location {
    /// The conventional place for this OS, from the environment.
    pub fn for_this_user() -> Result<Self, AutostartError> {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let file = if cfg!(target_os = "macos") {
            home.ok_or(AutostartError::NoHome)?
                .join("Library/LaunchAgents")
                .join(format!("{MACOS_LABEL}.plist"))
        } else {
            let config = std::env::var_os("XDG_CONFIG_HOME")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .or_else(|| home.map(|h| h.join(".config")))
                .ok_or(AutostartError::NoHome)?;
            config.join("autostart").join(LINUX_FILE)
        };
        Ok(Self { file })
    }
}

/// The XDG desktop entry that starts `exe` at login.
pub fn desktop_entry(exe: &Path) -> String {
    format!(
        "[Desktop Entry]\nType=Application\nName={ENTRY_NAME}\nComment=Keeps Microsoft Teams \
         presence true at this desk\nExec={}\nTerminal=false\nX-GNOME-Autostart-enabled=true\n",
        desktop_exec_quote(exe)
    )
}

/// The Exec key's quoting: the path in double quotes, with `"`, `` ` ``, `$` and `\` escaped.
fn desktop_exec_quote(exe: &Path) -> String {
    let mut quoted = String::from("\"");
    for c in exe.display().to_string().chars() {
        if matches!(c, '"' | '`' | '$' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    quoted
}

/// The LaunchAgent that starts `exe` at login.
pub fn launch_agent(exe: &Path) -> String {
    let escaped = exe
        .display()
        .to_string()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST \
         1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist version=\"1.0\">\n\
         <dict>\n  <key>Label</key>\n  <string>{MACOS_LABEL}</string>\n  <key>ProgramArguments</key>\n  \
         <array>\n    <string>{escaped}</string>\n  </array>\n  <key>RunAtLoad</key>\n  <true/>\n\
         </dict>\n</plist>\n"
    )
}

/// What changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    Created,
    Updated,
    Removed,
    Unchanged,
}

/// Makes the file-based entry at `location` start `exe` (when `enabled`) or not exist.
pub fn apply_file(
    location: &Location,
    exe: &Path,
    enabled: bool,
) -> Result<Applied, AutostartError> {
    let path = &location.file;
    let existing = fs::read_to_string(path).ok();
    if !enabled {
        return match existing {
            None => Ok(Applied::Unchanged),
            Some(_) => fs::remove_file(path)
                .map(|()| Applied::Removed)
                .map_err(|source| AutostartError::Remove {
                    path: path.clone(),
                    source,
                }),
        };
    }
    let wanted = if cfg!(target_os = "macos") {
        launch_agent(exe)
    } else {
        desktop_entry(exe)
    };
    if existing.as_deref() == Some(wanted.as_str()) {
        return Ok(Applied::Unchanged);
    }
    let write_error = |source| AutostartError::Write {
        path: path.clone(),
        source,
    };
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(write_error)?;
    }
    fs::write(path, wanted).map_err(write_error)?;
    Ok(if existing.is_some() {
        Applied::Updated
    } else {
        Applied::Created
    })
}

const RUN_KEY: &str = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Run";

/// The `reg.exe` arguments that set (or, with `None`, delete) the Run value.
pub fn registry_args(exe: Option<&Path>) -> Vec<String> {
    match exe {
        Some(exe) => vec![
            "add".into(),
            RUN_KEY.into(),
            "/v".into(),
            ENTRY_NAME.into(),
            "/t".into(),
            "REG_SZ".into(),
            "/d".into(),
            format!("\"{}\"", exe.display()),
            "/f".into(),
        ],
        None => vec![
            "delete".into(),
            RUN_KEY.into(),
            "/v".into(),
            ENTRY_NAME.into(),
            "/f".into(),
        ],
    }
}

/// Makes this user's start-at-login entry match `enabled`, for the running executable.
pub fn apply(enabled: bool) -> Result<Applied, AutostartError> {
    let exe = std::env::current_exe().map_err(|source| AutostartError::Write {
        path: PathBuf::from("(current executable)"),
        source,
    })?;
    if cfg!(windows) {
        return apply_registry(&exe, enabled);
    }
    apply_file(&Location::for_this_user()?, &exe, enabled)
}

/// The tray is a GUI process: without this, Windows opens a console window for `reg.exe` that
/// flashes up at every start.
fn without_console_window(command: &mut std::process::Command) {
    #[cfg(windows)]
    {
        use std::os::windows::process::CommandExt as _;
        const CREATE_NO_WINDOW: u32 = 0x0800_0000;
        command.creation_flags(CREATE_NO_WINDOW);
    }
    #[cfg(not(windows))]
    let _ = command;
}

fn apply_registry(exe: &Path, enabled: bool) -> Result<Applied, AutostartError> {
    let (action, args) = if enabled {
        ("set", registry_args(Some(exe)))
    } else {
        ("delete", registry_args(None))
    };
    let mut command = std::process::Command::new("reg");
    command.args(&args);
    without_console_window(&mut command);
    let output = command.output().map_err(|err| AutostartError::Registry {
        action,
        detail: err.to_string(),
    })?;
    if output.status.success() {
        Ok(if enabled {
            Applied::Updated
        } else {
            Applied::Removed
        })
    } else if !enabled {
        // Deleting a value that is not there fails; that is the state we wanted.
        Ok(Applied::Unchanged)
    } else {
        Err(AutostartError::Registry {
            action,
            detail: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_is_created_left_alone_updated_and_removed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let location = Location {
            file: dir.path().join("autostart").join(LINUX_FILE),
        };
        let exe = Path::new("/opt/Presence Relay/presence-relay");
        assert_eq!(
            apply_file(&location, exe, true).expect("create"),
            Applied::Created
        );
        assert_eq!(
            apply_file(&location, exe, true).expect("again"),
            Applied::Unchanged
        );
        let moved = Path::new("/usr/bin/presence-relay");
        assert_eq!(
            apply_file(&location, moved, true).expect("moved"),
            Applied::Updated
        );
        let text = fs::read_to_string(&location.file).expect("written");
        if cfg!(target_os = "macos") {
            assert!(
                text.contains("<string>/usr/bin/presence-relay</string>"),
                "{text}"
            );
        } else {
            assert!(
                text.contains("Exec=\"/usr/bin/presence-relay\"\n"),
                "{text}"
            );
        }
        assert_eq!(
            apply_file(&location, moved, false).expect("remove"),
            Applied::Removed
        );
        assert!(!location.file.exists());
        assert_eq!(
            apply_file(&location, moved, false).expect("gone"),
            Applied::Unchanged
        );
    }

    #[test]
    fn paths_are_quoted_for_each_format() {
        let odd = Path::new("/home/a$b/\"x\"/relay");
        assert!(desktop_entry(odd).contains(r#"Exec="/home/a\$b/\"x\"/relay""#));
        assert!(launch_agent(Path::new("/A&B/relay")).contains("<string>/A&amp;B/relay</string>"));
        let set = registry_args(Some(Path::new(
            r"C:\Program Files\Presence Relay\relay.exe",
        )));
        assert_eq!(set[7], r#""C:\Program Files\Presence Relay\relay.exe""#);
        assert_eq!(registry_args(None)[0], "delete");
    }
}
