//! A private session bus (`dbus-daemon`) and, on it, a real `gnome-keyring-daemon` serving the
//! Secret Service with an unlocked "login" keyring. Both are child processes of the test, killed
//! when their handles drop; their files live in the directory they are given.
//!
//! The bus has no service directories, so nothing is started by D-Bus activation: a bus without
//! gnome-keyring really has no Secret Service, and no unlock prompter can appear. The test's own
//! session bus (CI runs inside one with a keyring) is never used.

use std::fs;
use std::io::{BufRead as _, BufReader, Write as _};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a daemon may take to come up before the test fails.
const STARTUP_LIMIT: Duration = Duration::from_secs(30);
const SECRETS_NAME: &str = "org.freedesktop.secrets";

/// Fails with an install hint when a tool is missing: these tests never skip.
pub fn require_tools() {
    for (tool, package) in [
        ("dbus-daemon", "dbus-daemon"),
        ("dbus-send", "dbus-bin"),
        ("gnome-keyring-daemon", "gnome-keyring"),
    ] {
        let found = std::env::var_os("PATH")
            .map(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
            .unwrap_or(false);
        assert!(
            found,
            "`{tool}` is not installed, so the keyring tests cannot run; install the Debian \
             package {package} (scripts/install-deps.sh does)"
        );
    }
}

/// A `dbus-daemon` listening on a socket in its directory.
pub struct PrivateBus {
    child: Child,
    address: String,
}

impl PrivateBus {
    pub fn start(dir: &Path) -> Self {
        require_tools();
        fs::create_dir_all(dir).expect("bus directory");
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
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                dir.join("socket").display()
            ),
        )
        .expect("bus config");
        let mut child = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon starts");
        // The address is printed once the socket listens: that is the readiness signal.
        let mut address = String::new();
        if let Some(stdout) = child.stdout.take() {
            BufReader::new(stdout)
                .read_line(&mut address)
                .expect("dbus-daemon prints its address");
        }
        let address = address.trim().to_owned();
        if address.is_empty() {
            let _ = child.kill();
            let _ = child.wait();
            panic!("dbus-daemon exited without printing its address");
        }
        Self { child, address }
    }

    pub fn address(&self) -> &str {
        &self.address
    }

    fn has_owner(&self, name: &str) -> bool {
        let output = Command::new("dbus-send")
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                &format!("string:{name}"),
            ])
            .stdin(Stdio::null())
            .output()
            .expect("dbus-send runs");
        assert!(
            output.status.success(),
            "dbus-send failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).contains("boolean true")
    }

    pub fn has_secret_service(&self) -> bool {
        self.has_owner(SECRETS_NAME)
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `gnome-keyring-daemon --foreground --unlock --components=secrets` on a private bus, its
/// "login" keyring created and unlocked with a throwaway password.
pub struct GnomeKeyring {
    child: Child,
}

impl GnomeKeyring {
    pub fn start(bus: &PrivateBus, dir: &Path) -> Self {
        let data = dir.join("data");
        let runtime = dir.join("runtime");
        for made in [&data, &runtime] {
            fs::create_dir_all(made).expect("keyring directories");
        }
        {
            use std::os::unix::fs::PermissionsExt as _;
            // gnome-keyring refuses a runtime directory others can read.
            fs::set_permissions(&runtime, fs::Permissions::from_mode(0o700)).expect("chmod 700");
        }
        let mut child = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", bus.address())
            .env("XDG_DATA_HOME", &data)
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("XDG_CACHE_HOME", dir.join("cache"))
            // No display: an unlock prompt must fail, never wait on a screen.
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("GNOME_KEYRING_CONTROL")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon starts");
        if let Some(mut stdin) = child.stdin.take() {
            // `--unlock` reads the login password from standard input until it closes.
            stdin
                .write_all(b"throwaway-test-password")
                .expect("gnome-keyring takes its password");
        }
        let keyring = Self { child };
        let started = Instant::now();
        while !bus.has_secret_service() {
            assert!(
                started.elapsed() < STARTUP_LIMIT,
                "gnome-keyring-daemon did not take {SECRETS_NAME} on the private bus within \
                 {STARTUP_LIMIT:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        keyring
    }
}

impl Drop for GnomeKeyring {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A private bus with a working, unlocked keyring on it.
pub struct Keyring {
    // Dropped in order: the keyring before its bus.
    _daemon: GnomeKeyring,
    bus: PrivateBus,
}

impl Keyring {
    pub fn start(dir: &Path) -> Self {
        let bus = PrivateBus::start(&dir.join("bus"));
        let daemon = GnomeKeyring::start(&bus, &dir.join("keyring"));
        Self {
            _daemon: daemon,
            bus,
        }
    }

    pub fn address(&self) -> &str {
        self.bus.address()
    }
}
