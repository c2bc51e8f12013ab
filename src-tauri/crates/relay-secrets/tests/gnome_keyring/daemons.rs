//! The real parts: a private `dbus-daemon` and a `gnome-keyring-daemon` serving the Secret
//! Service on it, each a child process killed when its handle is dropped.
//!
//! The bus has its own configuration with no service directories, so nothing can be started by
//! D-Bus activation: a bus without gnome-keyring really has no `org.freedesktop.secrets`, and no
//! unlock prompter can appear. gnome-keyring keeps its files under the directory it is given
//! (`XDG_DATA_HOME`, `XDG_RUNTIME_DIR`); `HOME` is left alone.

use std::fs;
use std::io::{BufRead as _, BufReader, Write as _};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a daemon may take to come up before the test gives up on it.
const STARTUP_LIMIT: Duration = Duration::from_secs(20);

pub const SECRETS_NAME: &str = "org.freedesktop.secrets";
const LOGIN_COLLECTION: &str = "/org/freedesktop/secrets/collection/login";

/// Fails the run with an install hint when a tool is missing: never skip silently.
pub fn require_tools() -> Result<(), String> {
    for (tool, package) in [
        ("dbus-daemon", "dbus (dbus-daemon)"),
        ("dbus-send", "dbus (dbus-bin)"),
        ("gnome-keyring-daemon", "gnome-keyring"),
    ] {
        let found = std::env::var_os("PATH")
            .map(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
            .unwrap_or(false);
        if !found {
            return Err(format!(
                "`{tool}` is not installed, so the keyring tests cannot run; install the Debian \
                 package {package} (CI installs gnome-keyring and dbus)"
            ));
        }
    }
    Ok(())
}

/// A `dbus-daemon` on a socket in `dir`.
pub struct PrivateBus {
    child: Child,
    address: String,
}

impl PrivateBus {
    pub fn start(dir: &Path) -> Result<Self, String> {
        fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        let config = dir.join("bus.conf");
        fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                dir.join("socket").display()
            ),
        )
        .map_err(|e| format!("writing the bus config: {e}"))?;
        let mut child = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("starting dbus-daemon: {e}"))?;
        // The address is printed once the socket listens: that is the readiness signal.
        let mut address = String::new();
        if let Some(stdout) = child.stdout.take() {
            BufReader::new(stdout)
                .read_line(&mut address)
                .map_err(|e| format!("reading dbus-daemon's address: {e}"))?;
        }
        let address = address.trim().to_owned();
        if address.is_empty() {
            let _ = child.kill();
            let _ = child.wait();
            return Err("dbus-daemon exited without printing its address".to_owned());
        }
        Ok(Self { child, address })
    }

    pub fn address(&self) -> &str {
        &self.address
    }

    /// Runs `dbus-send --print-reply` on this bus and returns its output.
    fn send(&self, args: &[&str]) -> Result<String, String> {
        let output = Command::new("dbus-send")
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .args(["--session", "--print-reply"])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("running dbus-send: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "dbus-send {args:?} failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    pub fn has_owner(&self, name: &str) -> Result<bool, String> {
        let reply = self.send(&[
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            &format!("string:{name}"),
        ])?;
        Ok(reply.contains("boolean true"))
    }

    /// Locks gnome-keyring's "login" collection, as a screen lock or a timeout would.
    pub fn lock_login_collection(&self) -> Result<(), String> {
        let reply = self.send(&[
            &format!("--dest={SECRETS_NAME}"),
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            &format!("array:objpath:{LOGIN_COLLECTION}"),
        ])?;
        if !reply.contains(LOGIN_COLLECTION) {
            return Err(format!("the login collection was not locked: {reply}"));
        }
        let locked = self.send(&[
            &format!("--dest={SECRETS_NAME}"),
            LOGIN_COLLECTION,
            "org.freedesktop.DBus.Properties.Get",
            "string:org.freedesktop.Secret.Collection",
            "string:Locked",
        ])?;
        if !locked.contains("boolean true") {
            return Err(format!(
                "the login collection still reports unlocked: {locked}"
            ));
        }
        Ok(())
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `gnome-keyring-daemon --foreground --unlock --components=secrets` on `bus`, its "login"
/// keyring created and unlocked with a throwaway password, its files under `dir`.
pub struct GnomeKeyring {
    child: Child,
}

impl GnomeKeyring {
    pub fn start(bus: &PrivateBus, dir: &Path) -> Result<Self, String> {
        let data_dir = dir.join("data");
        let runtime_dir = dir.join("runtime");
        for made in [&data_dir, &runtime_dir] {
            fs::create_dir_all(made).map_err(|e| format!("creating {}: {e}", made.display()))?;
        }
        set_private(&runtime_dir)?;
        let mut child = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", bus.address())
            .env("XDG_DATA_HOME", &data_dir)
            .env("XDG_RUNTIME_DIR", &runtime_dir)
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("XDG_CACHE_HOME", dir.join("cache"))
            // No display: an unlock prompt must fail, never wait on a screen.
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            // Do not attach to a keyring daemon of the surrounding session.
            .env_remove("GNOME_KEYRING_CONTROL")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("starting gnome-keyring-daemon: {e}"))?;
        if let Some(mut stdin) = child.stdin.take() {
            // `--unlock` reads the login password from stdin until EOF.
            stdin
                .write_all(b"throwaway-test-password")
                .map_err(|e| format!("giving gnome-keyring its password: {e}"))?;
        }
        let keyring = Self { child };
        keyring.wait_until_serving(bus)?;
        Ok(keyring)
    }

    fn wait_until_serving(&self, bus: &PrivateBus) -> Result<(), String> {
        let started = Instant::now();
        loop {
            if bus.has_owner(SECRETS_NAME)? {
                return Ok(());
            }
            if started.elapsed() > STARTUP_LIMIT {
                return Err(format!(
                    "gnome-keyring-daemon did not take {SECRETS_NAME} on the private bus within \
                     {STARTUP_LIMIT:?}"
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for GnomeKeyring {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// gnome-keyring refuses a runtime directory others can read.
fn set_private(dir: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt as _;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
        .map_err(|e| format!("chmod 700 {}: {e}", dir.display()))
}
