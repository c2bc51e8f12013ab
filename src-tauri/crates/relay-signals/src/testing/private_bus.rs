//! A private message bus: a `dbus-daemon` child process with its own socket in a temporary
//! directory, killed when dropped. Tests start two, one standing in for the system bus.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use tempfile::TempDir;
use zbus::Connection;

/// Why a private bus could not start.
#[derive(Debug, thiserror::Error)]
pub enum PrivateBusError {
    #[error("dbus-daemon is not installed (Debian: apt-get install dbus-daemon)")]
    NotInstalled,
    #[error("starting dbus-daemon failed: {0}")]
    Start(String),
}

/// One running `dbus-daemon` with a permissive policy and no service activation (a test must
/// never start a real desktop service by accident).
#[derive(Debug)]
pub struct PrivateBus {
    daemon: Child,
    address: String,
    _dir: TempDir,
}

impl PrivateBus {
    pub fn start() -> Result<Self, PrivateBusError> {
        let dir =
            tempfile::tempdir().map_err(|e| PrivateBusError::Start(format!("temp dir: {e}")))?;
        let config = dir.path().join("bus.conf");
        std::fs::write(&config, config_xml(&dir.path().display().to_string()))
            .map_err(|e| PrivateBusError::Start(format!("writing {}: {e}", config.display())))?;
        let mut daemon = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--nopidfile", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            // "Failed to set fd limit" as root is harmless noise.
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => PrivateBusError::NotInstalled,
                _ => PrivateBusError::Start(e.to_string()),
            })?;
        let address = daemon
            .stdout
            .take()
            .map(BufReader::new)
            .and_then(|mut out| {
                let mut line = String::new();
                out.read_line(&mut line).ok()?;
                Some(line.trim().to_owned())
            })
            .filter(|line| !line.is_empty());
        let Some(address) = address else {
            let _ = daemon.kill();
            let _ = daemon.wait();
            return Err(PrivateBusError::Start("it printed no address".into()));
        };
        Ok(Self {
            daemon,
            address,
            _dir: dir,
        })
    }

    /// Starts a bus, or says why the caller should skip: `None` with a printed notice when
    /// `dbus-daemon` is missing outside CI. Under CI (`CI` set) a missing daemon is a failure,
    /// because CI installs it.
    pub fn start_or_skip(test: &str) -> Option<Self> {
        match Self::start() {
            Ok(bus) => Some(bus),
            Err(PrivateBusError::NotInstalled) if std::env::var_os("CI").is_none() => {
                eprintln!(
                    "SKIPPED {test}: dbus-daemon is not installed (apt-get install dbus-daemon)"
                );
                None
            }
            Err(error) => panic!("{test}: {error}"),
        }
    }

    /// The bus address, for `DBUS_SESSION_BUS_ADDRESS` / `DBUS_SYSTEM_BUS_ADDRESS` of a child.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// A new connection to this bus.
    pub async fn connect(&self) -> zbus::Result<Connection> {
        zbus::connection::Builder::address(self.address.as_str())?
            .build()
            .await
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

fn config_xml(socket_dir: &str) -> String {
    format!(
        r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={socket_dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#
    )
}
